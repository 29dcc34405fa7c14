"""Digests of every preset's run on two seeds: the guard that a refactor changes no number.

`python tests/snapshots/preset_digest.py > tests/snapshots/presets.json` writes them (run it
on the commit whose numbers must be kept); tests/test_preset_snapshots.py compares the
code as it is against the file. A digest is the SHA-256 of the exact bytes of every weekly
series, every per-citizen column of citizen_table(), every tie array and the costs, so
any change of any number, however small, shows.
"""

from __future__ import annotations

import hashlib
import json
import sys

import numpy as np

SEEDS = (1, 2)
CITIZENS, WEEKS = 500, 20


def _h(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str(a.dtype).encode() + b"|" + str(a.shape).encode() + b"|")
        h.update(a.tobytes() if a.dtype != object else "\x1f".join(map(str, a)).encode())
    return h.hexdigest()[:20]


def digest(preset: str, seed: int) -> dict:
    from sim import BelongingModel
    from sim.tiestore import FIELDS
    m = BelongingModel(preset, citizens=CITIZENS, weeks=WEEKS, seed=seed).run()
    ts = m.timeseries()
    ct = m.citizen_table()
    return {
        "series": {k: _h(ts[k].to_numpy()) for k in ts.columns},
        "citizens": {k: _h(ct[k].to_numpy()) for k in ct.columns},
        "ties": {k: _h(getattr(m.ties, k)) for k in ("key", *FIELDS)},
        "costs": {k: float(v).hex() for k, v in m.costs.items()},
        "lonely_share_end": float(ts["lonely_share"].iloc[-1]),
    }


def all_digests() -> dict:
    from sim.scenarios.loader import presets
    return {f"{p}/seed{s}": digest(p, s) for p in presets() for s in SEEDS}


if __name__ == "__main__":
    json.dump(all_digests(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
