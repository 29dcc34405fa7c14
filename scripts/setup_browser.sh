#!/usr/bin/env bash
# What the dashboard needs in a browser, offline:
#   1. Debian's chromium at /usr/bin/chromium (for the browser tests only),
#   2. Solara's front-end files (JavaScript/CSS it would fetch from a CDN) in Solara's
#      proxy cache, packed from the npm registry with `npm pack <pkg>@<ver>`.
# Idempotent: each part is skipped when already done.
# Usage: scripts/setup_browser.sh            both parts (called by scripts/test.sh)
#        scripts/setup_browser.sh --assets   only the front-end files (called by scripts/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--assets" ] && [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    echo "setup_browser: installing Debian's chromium"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    [ -x /usr/bin/chromium ] || { echo "setup_browser: chromium did not install at /usr/bin/chromium" >&2; exit 1; }
fi

if ! command -v npm >/dev/null 2>&1 && ! .venv/bin/python -m dashboards.assets --check 2>/dev/null; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    echo "setup_browser: installing npm (to fetch Solara's front-end files from the npm registry)"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi
exec .venv/bin/python -m dashboards.assets
