#!/usr/bin/env bash
# Checks that docker-compose.yml is valid with `config -q` when a compose tool works here
# (`docker compose` v2, else `docker-compose`); says that it skipped otherwise. It needs no Docker
# engine: `config` only parses and resolves the file.
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  tool=(docker compose)
elif docker-compose version >/dev/null 2>&1; then
  tool=(docker-compose)
else
  echo "compose-check: SKIPPED: no compose tool here (neither 'docker compose' nor 'docker-compose')"
  exit 0
fi

"${tool[@]}" -f docker-compose.yml config -q
echo "compose-check: docker-compose.yml is valid ($("${tool[@]}" version --short 2>/dev/null || echo "${tool[*]}"))"
