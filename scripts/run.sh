#!/usr/bin/env bash
# Set up (if needed) and run the main job. With no arguments: the planner dashboard on the
# default scenario if it is installed, else a summary of the default scenario in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ $# -gt 0 ]; then exec .venv/bin/belonging "$@"; fi
exec .venv/bin/belonging run platform_with_support --citizens 5000 --weeks 52
