#!/usr/bin/env bash
# Checks that docker-compose.yml is valid with `config -q`, which parses and resolves the file and
# needs no Docker engine. Uses `docker compose` (v2), else `docker-compose`; in CI (CI=true, root,
# apt-get available) it installs Debian's docker-compose when neither is there. Where no compose
# tool can be had it says that it skipped, and succeeds.
set -euo pipefail
cd "$(dirname "$0")/.."

find_tool() {
  if docker compose version >/dev/null 2>&1; then
    tool=(docker compose)
  elif docker-compose version >/dev/null 2>&1; then
    tool=(docker-compose)
  else
    return 1
  fi
}

tool=()
if ! find_tool && [[ "${CI:-}" == "true" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  echo "compose-check: installing Debian's docker-compose to validate docker-compose.yml" >&2
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose \
      || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose; }
  } >/tmp/compose-check-apt.log 2>&1 || echo "compose-check: install failed (see /tmp/compose-check-apt.log)" >&2
  find_tool || true
fi
if ((${#tool[@]} == 0)); then
  echo "compose-check: SKIPPED: no compose tool here (neither 'docker compose' nor 'docker-compose')"
  exit 0
fi

"${tool[@]}" -f docker-compose.yml config -q
echo "compose-check: docker-compose.yml is valid (${tool[*]} $("${tool[@]}" version --short 2>/dev/null || true))"
