#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install the project with pinned dependencies.
# Usage: scripts/setup.sh [--test]   (--test also installs the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local c
    for c in "${BELONGING_PYTHON:-}" \
             "$(command -v pyenv >/dev/null 2>&1 && echo "$(pyenv root)/versions/3.12.1/bin/python3.12")" \
             "$(command -v pyenv >/dev/null 2>&1 && echo "$(pyenv root)/versions/3.13.0/bin/python3.13")" \
             "$HOME/.pyenv/versions/3.12.1/bin/python3.12" "$HOME/.pyenv/versions/3.13.0/bin/python3.13" \
             python3.13 python3.12 python3; do
        [ -n "$c" ] || continue
        if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            command -v "$c"; return 0
        fi
    done
    return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    PY=$(find_python) || {
        echo "setup: no Python >= 3.12 found (Mesa 3.5 needs it)." >&2
        echo "setup: install one (e.g. 'pyenv install 3.12.1') or set BELONGING_PYTHON=/path/to/python3.12" >&2
        exit 1
    }
    echo "setup: creating .venv with $PY"
    rm -rf .venv
    "$PY" -m venv .venv
fi

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
stamp=".venv/.installed$extras-$(cat pyproject.toml | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
    echo "setup: installing the project and its pinned dependencies${extras:+ (with test tools)}"
    .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
    .venv/bin/python -m pip install --quiet -e ".$extras" 2>&1 | grep -v "is ignored" || true
    .venv/bin/python -c "import sim, mesa" || { echo "setup: install failed" >&2; exit 1; }
    touch "$stamp"
fi
