"""Worker-side functions: one model run in, plain data out.

These are the only functions the executors send to worker processes or Dask workers,
so they live at module top level, take one picklable task and import only `sim`.
"""

from __future__ import annotations

import hashlib
import math
import time
import traceback
from pathlib import Path

import numpy as np

OUTCOME_ARRAYS_DTYPE = np.float32


def _fingerprint_of_sources() -> str:
    import sim
    root = Path(sim.__file__).parent
    h = hashlib.sha256()
    for p in sorted(list(root.rglob("*.py")) + list(root.rglob("*.toml"))):
        if "__pycache__" in p.parts:
            continue
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


# taken when this module (and with it sim) is imported, so it describes the code this process runs
# even if sim/ is edited later
import sim as _sim  # noqa: E402  (imported here on purpose, see above)

_FINGERPRINT = _fingerprint_of_sources()


def model_fingerprint() -> str:
    """A hash of the model's code and presets (every .py and .toml under sim/) as this process loaded them.

    sim.__version__ names releases; this changes with any edit, so a resumed sweep or a
    Dask worker running different model code is caught instead of mixing two models.
    """
    return _FINGERPRINT


def comparison_run(task: dict) -> dict:
    """One scenario, one replicate seed, for a comparison.

    task: {"scenario": Scenario (citizens, weeks and overrides applied), "seed": int}.
    Returns population outcomes, costs, the subgroup (CMO) table, and per-citizen
    traits, support and end outcomes so the parent can pair citizens across scenarios.
    """
    from sim import BelongingModel, OUTCOMES, scenario_hash
    from sim.outcomes_table import citizen_outcomes

    sc, seed = task["scenario"], int(task["seed"])
    t0 = time.perf_counter()
    model = BelongingModel(sc, seed=seed)
    model.run()
    pop = model.pop
    end = citizen_outcomes(pop)
    outcomes = model.outcomes()
    bad = [k for k, v in outcomes.items() if not (math.isfinite(v["start"]) and math.isfinite(v["end"]))]
    if bad:
        raise FloatingPointError(f"scenario {sc.name!r} seed {seed}: outcome(s) {', '.join(bad)} not finite")
    return {
        "seed": seed,
        "scenario_hash": scenario_hash(model.sc),
        "model_fingerprint": model_fingerprint(),
        "outcomes": outcomes,
        "costs": dict(model.costs),
        "total_cost": model.total_cost(),
        "no_longer_lonely": model.no_longer_lonely(),
        "lonely_at_start": int(np.count_nonzero(model.start_values["lonely_share"] > 0)),
        "subgroups": model.subgroups().to_dict("records"),
        "low_literacy": pop.low_literacy.copy(),
        "reldiff": pop.reldiff.copy(),
        "supported": pop.ever_supported.copy(),
        "end": {k: end[k].astype(OUTCOME_ARRAYS_DTYPE) for k in OUTCOMES},
        "seconds": time.perf_counter() - t0,
    }


def _model_record(sc, seed: int, prefix: str = "") -> dict:
    """Run one scenario at one seed: {prefix + column: value} for outcomes (start, end) and costs."""
    from sim import BelongingModel, OUTCOMES, scenario_hash

    model = BelongingModel(sc, seed=seed)
    model.run()
    # the hash of the point's scenario (same for every replicate): the seed is stored on its own
    rec = {f"{prefix}scenario_hash": scenario_hash(sc)}
    for k, v in model.outcomes().items():
        rec[f"{prefix}{k}_start"] = v["start"]
        rec[f"{prefix}{k}_end"] = v["end"]
    rec[f"{prefix}no_longer_lonely"] = float(model.no_longer_lonely())
    rec[f"{prefix}total_cost"] = model.total_cost()
    for lever, cost in model.costs.items():
        rec[f"{prefix}cost_{lever}"] = float(cost)
    assert set(OUTCOMES) <= {k[len(prefix): -len("_end")] for k in rec if k.endswith("_end")}
    return rec


def sweep_run(task: dict) -> dict:
    """One sweep run: a scenario with the point's overrides and the run's seed.

    task: {"run_id", "point", "replicate", "seed", "base": Scenario, "overrides": {key: value},
    "contrast": Scenario or None}. Returns one flat record: scenario hash, model version,
    every outcome at start and end, costs. With a contrast scenario, the same overrides
    and the same seed run on it too (common random numbers) and its numbers are added
    under `contrast_` + the same column names.
    """
    from sim import __version__, load_scenario

    from .spec import CONTRAST_PREFIX

    sc = load_scenario(task["base"], task["overrides"])
    contrast = task.get("contrast")
    csc = load_scenario(contrast, task["overrides"]) if contrast is not None else None
    t0 = time.perf_counter()
    seed = int(task["seed"])
    rec = {"model_version": __version__, "model_fingerprint": model_fingerprint()}
    rec.update(_model_record(sc, seed))
    if csc is not None:
        rec.update(_model_record(csc, seed, CONTRAST_PREFIX))
    rec["seconds"] = time.perf_counter() - t0
    return rec


def safe_sweep_run(task: dict) -> dict:
    """Run `task["fn"]` (default sweep_run) and never raise: a failure becomes a record.

    A run fails when it raises or when any number it returns is NaN; the record keeps
    the error (with the last lines of the traceback) so the sweep can report it.
    """
    fn = task.get("fn") or sweep_run
    t0 = time.perf_counter()
    try:
        rec = fn(task)
        nan = sorted(k for k, v in rec.items() if isinstance(v, float) and math.isnan(v))
        if nan:
            rec.update(status="failed", error=f"NaN outcome: {', '.join(nan)}")
        else:
            rec.update(status="ok", error="")
    except Exception as exc:
        tb = traceback.format_exc(limit=-3).strip()
        rec = {"status": "failed", "error": f"{type(exc).__name__}: {exc}\n{tb}",
               "seconds": time.perf_counter() - t0}
    return rec
