#!/usr/bin/env bash
# Set up (if needed) and run the main job.
#   scripts/run.sh                      the planner dashboard on the default scenario
#                                       (http://127.0.0.1:8765/; BELONGING_PORT / BELONGING_HOST to change)
#   scripts/run.sh <subcommand> ...     any `belonging` subcommand (scenarios, run, compare, sweep, dashboard)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ $# -gt 0 ]; then exec .venv/bin/belonging "$@"; fi
# the dashboard's front-end files, kept locally so the page works offline (npm pack, once)
scripts/setup_browser.sh --assets || \
    echo "run: could not fetch the dashboard's front-end files; the page will need internet access" >&2
HOST="${BELONGING_HOST:-127.0.0.1}"
PORT="${BELONGING_PORT:-8765}"
echo "run: starting the dashboard at http://$HOST:$PORT/ (open it in a browser; Ctrl-C stops it)"
exec .venv/bin/belonging dashboard --host "$HOST" --port "$PORT"
