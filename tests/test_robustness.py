"""Any valid scenario runs: random in-range values for every lever and uncertainty, tiny to small
populations, and the outputs stay finite and on their scales."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model_helpers import neutral_citizens, small_model
from sim import OUTCOMES, BelongingModel, load_scenario
from sim.mechanisms import platform_use
from sim.population import JOINED
from test_scenarios import PRESETS, valid_scenarios


def check_run(m, weeks):
    ts = m.timeseries()
    assert len(ts) == weeks + 1
    assert np.isfinite(ts.to_numpy(dtype=float)).all()
    assert ts["loneliness"].between(3, 9).all() and ts["wellbeing"].between(7, 35).all()
    assert ts["lsns"].between(0, 30).all() and ts["belonging"].between(12, 84).all()
    assert (ts["cost"].diff().dropna() >= 0).all()
    assert all(np.isfinite(v) and v >= 0 for v in m.costs.values())
    sub = m.subgroups()
    assert sub["n"].sum() == m.sc.run.citizens
    table = m.citizen_table()
    assert len(table) == m.sc.run.citizens
    assert set(m.outcomes()) == set(OUTCOMES)


@settings(max_examples=40, deadline=None)
@given(sc=valid_scenarios(), citizens=st.integers(10, 400), weeks=st.integers(1, 6), burn_in=st.integers(0, 4))
def test_any_valid_scenario_runs(sc, citizens, weeks, burn_in):
    sc = load_scenario(sc, {"run.citizens": citizens, "run.weeks": weeks, "run.burn_in": burn_in})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # an extreme value may divide by a tiny number
        m = BelongingModel(sc).run()
    check_run(m, weeks)


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_runs_at_the_smallest_size(name):
    m = BelongingModel(name, citizens=10, weeks=3, seed=0).run()
    check_run(m, 3)


def test_a_tiny_dropout_time_constant_still_gives_first_week_dropout():
    m = small_model("platform_only", citizens=4000, overrides={"platform.dropout_decay_weeks": 1e-50})
    neutral_citizens(m)
    m.pop.platform[:] = JOINED
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        m.apply(platform_use.step)
    assert abs((m.pop.platform != JOINED).mean() - m.sc.platform.dropout_first_week) < 0.05
