#!/usr/bin/env bash
# Set up (if needed, including the browser for the dashboard tests) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
if [ -x scripts/setup_browser.sh ]; then scripts/setup_browser.sh; fi
exec .venv/bin/python -m pytest -q "$@"
