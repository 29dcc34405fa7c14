"""Same scenario and seed: bit-identical output. Different seeds: different output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import BelongingModel, load_scenario, to_toml
from sim.tiestore import FIELDS

N, WEEKS = 800, 12


def tie_arrays(m) -> dict[str, np.ndarray]:
    return {name: getattr(m.ties, name).copy() for name in ("key", *FIELDS)}


def assert_identical(m1, m2):
    pd.testing.assert_frame_equal(m1.timeseries(), m2.timeseries(), check_exact=True)
    pd.testing.assert_frame_equal(m1.citizen_table(), m2.citizen_table(), check_exact=True)
    pd.testing.assert_frame_equal(m1.subgroups(), m2.subgroups(), check_exact=True)
    t1, t2 = tie_arrays(m1), tie_arrays(m2)
    for name in t1:
        assert t1[name].dtype == t2[name].dtype
        assert np.array_equal(t1[name], t2[name]), name
    assert m1.costs == m2.costs
    assert m1.outcomes() == m2.outcomes()
    for col in ("ucla", "belonging", "wellbeing", "confidence", "trust", "platform", "support", "activity"):
        assert np.array_equal(getattr(m1.pop, col), getattr(m2.pop, col)), col


@pytest.mark.parametrize("scenario", ["baseline", "platform_with_support", "digital_inclusion"])
def test_same_seed_is_bit_identical(scenario):
    m1 = BelongingModel(scenario, citizens=N, weeks=WEEKS, seed=11).run()
    m2 = BelongingModel(scenario, citizens=N, weeks=WEEKS, seed=11).run()
    assert len(m1.ties) > N        # a real network, not an empty one
    assert_identical(m1, m2)


def test_different_seeds_differ():
    m1 = BelongingModel("platform_with_support", citizens=N, weeks=WEEKS, seed=1).run()
    m2 = BelongingModel("platform_with_support", citizens=N, weeks=WEEKS, seed=2).run()
    assert not np.array_equal(m1.pop.literacy, m2.pop.literacy)
    assert not m1.timeseries()[["belonging", "ties"]].equals(m2.timeseries()[["belonging", "ties"]])
    assert len(m1.ties) != len(m2.ties) or not np.array_equal(m1.ties.key, m2.ties.key)


def test_overrides_equal_an_equivalent_toml_file(tmp_path):
    over = {"support.workers": 20.0, "support.targeting": "most_lonely_first", "platform.matching_policy": "interests",
            "support.components.bridging": False, "ties.decay_per_year": 0.2}
    via_overrides = BelongingModel("platform_with_support", citizens=N, weeks=WEEKS, seed=5, overrides=over)
    text = """\
name = "platform_with_support"
description = "copy with the overrides written out"

[platform]
enabled = true
matching_policy = "interests"
outreach_effort = 0.6

[support]
workers = 20.0
caseload = 15
targeting = "most_lonely_first"
delivery_mode = "in_person"

[support.components]
bridging = false

[ties]
decay_per_year = 0.2
"""
    path = tmp_path / "custom.toml"
    path.write_text(text)
    via_file = BelongingModel(path, citizens=N, weeks=WEEKS, seed=5)
    assert via_file.sc.model_dump(exclude={"description"}) == via_overrides.sc.model_dump(exclude={"description"})
    via_overrides.run()
    via_file.run()
    assert_identical(via_overrides, via_file)


def test_list_overrides_scenario_object_and_to_toml_file_give_the_same_run(tmp_path):
    a = BelongingModel("connecting_people", citizens=N, weeks=WEEKS, seed=3,
                       overrides=["support.caseload=20", "activities.new_per_1000=3.5"]).run()
    sc = load_scenario("connecting_people", {"support.caseload": 20, "activities.new_per_1000": 3.5,
                                             "run.citizens": N, "run.weeks": WEEKS, "run.seed": 3})
    b = BelongingModel(sc).run()
    path = tmp_path / "cp.toml"
    path.write_text(to_toml(sc))
    c = BelongingModel(path).run()
    assert_identical(a, b)
    assert_identical(a, c)


def test_observation_does_not_consume_randomness():
    """Tracking citizens, recording history and timing mechanisms do not change the numbers."""
    plain = BelongingModel("platform_with_support", citizens=N, weeks=WEEKS, seed=9).run()
    watched = BelongingModel("platform_with_support", citizens=N, weeks=WEEKS, seed=9, track=[0, 5, 17],
                             record_history=True, timings=True).run()
    assert_identical(plain, watched)
    assert watched.history.shape == (WEEKS + 1, N)
    assert np.array_equal(watched.history[-1], watched.pop.ucla)
    assert np.array_equal(watched.history[0], watched.start_values["loneliness"].astype(np.int8))
    assert watched.tracked_history[5] == list(watched.history[:, 5])
    assert all(v >= 0 for v in watched.timings.values())


def test_stepping_equals_run_and_rng_alias():
    ran = BelongingModel("platform_only", citizens=N, weeks=WEEKS, seed=4).run()
    stepped = BelongingModel("platform_only", citizens=N, weeks=WEEKS, rng=4)
    while stepped.running:
        stepped.step()
    assert stepped.week == WEEKS
    assert_identical(ran, stepped)
    # stepping past the end changes nothing
    stepped.step()
    assert stepped.week == WEEKS and not stepped.running
    assert_identical(ran, stepped)


def test_seed_decides_the_population_not_the_intervention():
    """Same seed, different levers: the same citizens and the same start (common random numbers)."""
    base = BelongingModel("baseline", citizens=N, weeks=2, seed=21)
    plat = BelongingModel("platform_only", citizens=N, weeks=2, seed=21)
    for col in ("literacy", "reldiff", "need", "has_device", "interests"):
        assert np.array_equal(getattr(base.pop, col), getattr(plat.pop, col)), col
    for k in base.start_values:
        assert np.array_equal(base.start_values[k], plat.start_values[k]), k
    assert np.array_equal(base.ties.key, plat.ties.key)


@pytest.mark.parametrize("lever", [{"support.workers": 10.0}, {"activities.new_per_1000": 2.0}])
def test_levers_that_act_from_week_0_do_not_change_the_burn_in(lever):
    """Common random numbers: a lever that only acts during the intervention leaves week 0 as it was."""
    base = BelongingModel("baseline", citizens=N, weeks=2, seed=21)
    other = BelongingModel("baseline", citizens=N, weeks=2, seed=21, overrides=lever)
    assert np.array_equal(base.ties.key, other.ties.key)
    for k in base.start_values:
        assert np.array_equal(base.start_values[k], other.start_values[k]), k
