#!/usr/bin/env bash
# Makes sure the headless browser the console's browser tests drive is installed: Debian's chromium
# and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver). Idempotent and quiet; the tests
# fail (never skip) when it is missing.
set -euo pipefail

if command -v chromedriver >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "[browser] installing chromium and chromium-driver" >&2
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO apt-get install -y -q chromium chromium-driver >/dev/null \
  || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium chromium-driver >/dev/null; }
