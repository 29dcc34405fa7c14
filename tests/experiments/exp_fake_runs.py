"""Run functions injected into sweeps by the tests (importable by worker processes).

They take a sweep task like experiments.runner.sweep_run and return a record, but
either compute a known function of the parameters (to check the SALib pipeline
against analytic indices) or fail on purpose (to check that failures are recorded).
"""

from __future__ import annotations

import math
import os

from experiments.runner import sweep_run


def linear(task: dict) -> dict:
    """lonely_share_end = x + 0.5 y (+ nothing from the other parameters), no seed noise;
    belonging_end depends on the seed only (pure noise)."""
    o = task["overrides"]
    x, y = o.get("effects.support_effect", 0.0), o.get("population.share_low_literacy", 0.0)
    rec = {"lonely_share_start": 0.0, "lonely_share_end": x + 0.5 * y,
           "belonging_start": 0.0, "belonging_end": (task["seed"] % 1000) / 1000.0,
           "total_cost": 1.0 + sum(v for v in o.values() if isinstance(v, float)), "no_longer_lonely": 0.0, "scenario_hash": "fake", "model_version": "fake"}
    return rec


def flaky(task: dict) -> dict:
    """The real model, except point 1 raises and point 2 returns a NaN outcome."""
    if task["point"] == 1:
        raise RuntimeError(f"injected failure at point 1 (replicate {task['replicate']})")
    rec = sweep_run(task)
    if task["point"] == 2:
        rec["belonging_end"] = math.nan
    return rec


def fails_at_point_0(task: dict) -> dict:
    if task["point"] == 0:
        raise ValueError("point 0 is broken in this attempt")
    return linear(task)


def dies_at_point_1(task: dict) -> dict:
    """Kills its worker process at point 1 (as a segfault or the OOM killer would)."""
    if task["point"] == 1:
        os._exit(13)
    return linear(task)


def other_model_code(task: dict) -> dict:
    """A worker whose sim code differs from the sweep's (a stale install on a Dask worker)."""
    rec = linear(task)
    if task["point"] == 0:
        rec["model_fingerprint"] = "0123456789abcdef"
    return rec
