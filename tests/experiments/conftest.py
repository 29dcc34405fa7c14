"""Make `import experiments` find the project package, not this test folder.

pytest puts tests/ on sys.path (tests/conftest.py, no __init__.py), so this folder,
tests/experiments/, looks like a namespace package called `experiments`. The editable
install's import hook comes after the path scan, so under `.venv/bin/pytest` (unlike
`python -m pytest`, which also has the repository root on sys.path) the namespace would
win. Putting the repository root first on sys.path (inherited by worker processes and
Dask workers) lets the real package win.
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
_mod = sys.modules.get("experiments")
if _mod is not None and getattr(_mod, "__file__", None) is None:      # a namespace stand-in: drop it
    for name in [n for n in sys.modules if n == "experiments" or n.startswith("experiments.")]:
        del sys.modules[name]
