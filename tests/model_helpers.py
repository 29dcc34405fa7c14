"""Shared helpers for the model and CLI tests (imported as `model_helpers`; not a conftest,
so that no test imports a module named `conftest`, which pytest keeps one of per run).

Unit tests of a mechanism build a small model (a few hundred citizens, no burn-in),
set the arrays of `model.pop` / `model.ties` by hand to isolate one behaviour, and
call that mechanism's `step` (or the documented helper) directly.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np

from sim import BelongingModel
from sim.mechanisms import outcomes as outcomes_mech
from sim.population import NEVER, NOT_SUPPORTED

ROOT = Path(__file__).resolve().parents[1]
BELONGING = ROOT / ".venv" / "bin" / "belonging"


def small_model(scenario="baseline", citizens=500, burn_in=0, weeks=10, seed=7, overrides=None) -> BelongingModel:
    """A small model built with the given dotted overrides (burn-in off by default)."""
    over = {"run.burn_in": burn_in}
    over.update(overrides or {})
    return BelongingModel(scenario, citizens=citizens, weeks=weeks, seed=seed, overrides=over)


def refresh_weekly_factors(model) -> None:
    """After editing pop.ucla by hand: recompute what mechanisms derive from it once a week.

    The model may cache per-citizen factors (withdrawal, loneliness level) computed from
    UCLA-3 at the end of each week's outcomes; a test that sets UCLA-3 directly must
    refresh them as the outcomes step would.
    """
    refresh = getattr(outcomes_mech, "refresh_weekly_factors", None)
    if refresh is not None:
        model.apply(refresh)


def clear_ties(model) -> None:
    """Remove every tie, so a test can lay out its own network with model.ties.add."""
    t = model.ties
    t.flush()
    t.remove(np.ones(len(t), dtype=bool))
    model.ctx.friends = None


def neutral_citizens(model) -> None:
    """No one on the platform or on a caseload, no recent rejection: a clean slate."""
    pop = model.pop
    pop.platform[:] = NEVER
    pop.platform_weeks[:] = 0
    pop.joined_week[:] = -1
    pop.lapsed_week[:] = -1
    pop.last_reply[:] = -100
    pop.rejection[:] = 0
    pop.support[:] = NOT_SUPPORTED
    pop.worker[:] = -1
    pop.support_eff[:] = 0
    pop.referred_week[:] = -1
    pop.digital_boost[:] = 0
    model.workforce.load[:] = 0


def run_cli(*args, timeout=120) -> subprocess.CompletedProcess:
    """Run the installed `belonging` command; returns the completed process (text output)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(BELONGING), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)
