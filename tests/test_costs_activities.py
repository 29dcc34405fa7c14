"""Costs per lever (sim/mechanisms/costs.py) and community activities (sim/mechanisms/activities.py)."""

from __future__ import annotations

import numpy as np
import pytest

from model_helpers import clear_ties, neutral_citizens, small_model
from sim import BelongingModel
from sim.mechanisms import activities
from sim.mechanisms.costs import LEVERS
from sim.tiestore import ACTIVITY, NEIGHBOUR

WEEKS = 20


def test_baseline_costs_nothing():
    m = BelongingModel("baseline", citizens=800, weeks=WEEKS, seed=1).run()
    assert m.total_cost() == 0 and all(v == 0 for v in m.costs.values())
    assert (m.timeseries()["cost"] == 0).all()
    assert set(m.costs) == set(LEVERS)


def test_costs_accrue_only_while_intervening():
    """A long burn-in costs nothing: at week 0 only the one-off start costs are counted."""
    for burn_in in (0, 15):
        m = BelongingModel("digital_inclusion", citizens=1000, weeks=5, seed=2, overrides={"run.burn_in": burn_in})
        assert m.costs["workers"] == 0 and m.costs["platform"] == 0 and m.costs["activities"] == 0
        assert m.costs["training"] == m.workforce.n * m.sc.costs.training_per_worker > 0
        assert m.costs["devices"] == m.workforce.devices_given * m.sc.costs.device > 0
        assert m.timeseries()["cost"].iloc[0] == m.total_cost()


def test_worker_and_activity_costs_per_week():
    m = BelongingModel("connecting_people", citizens=2000, weeks=WEEKS, seed=3).run()
    sc = m.sc
    assert m.workforce.n == 3 and m.venues.n_new == 4
    assert m.costs["workers"] == pytest.approx(m.workforce.n * sc.costs.worker_week * WEEKS)
    assert m.costs["activities"] == pytest.approx(m.venues.n_new * sc.costs.activity_week * WEEKS)
    assert m.costs["platform"] == 0 and m.costs["devices"] == 0 and m.costs["training"] == 0
    cost = m.timeseries()["cost"].to_numpy()
    assert cost[0] == 0
    assert np.allclose(np.diff(cost), m.workforce.n * sc.costs.worker_week + m.venues.n_new * sc.costs.activity_week)
    assert cost[-1] == pytest.approx(m.total_cost())


def test_platform_costs_fixed_outreach_and_per_active_user():
    m = BelongingModel("platform_only", citizens=2000, weeks=WEEKS, seed=4).run()
    sc = m.sc
    ts = m.timeseries()
    expected = (WEEKS * (sc.costs.platform_week + sc.costs.outreach_week * sc.platform.outreach_effort)
                + sc.costs.platform_user_week * ts["platform_active"].iloc[1:].sum())
    assert ts["platform_active"].iloc[-1] > 0
    assert m.costs["platform"] == pytest.approx(expected)
    assert m.costs["workers"] == 0


def test_workers_are_not_paid_when_not_deployed():
    m = BelongingModel("platform_with_support", citizens=2000, weeks=5, seed=5,
                       overrides={"support.targeting": "none"}).run()
    assert m.workforce.n == 2 and m.costs["workers"] == 0


def test_cost_per_person_no_longer_lonely_inputs():
    m = BelongingModel("connecting_people", citizens=2000, weeks=WEEKS, seed=6).run()
    lonely0 = m.start_values["lonely_share"] > 0
    assert m.no_longer_lonely() == int((lonely0 & (m.pop.ucla < 6)).sum())
    assert m.total_cost() == pytest.approx(sum(m.costs.values()))


# -- activities ----------------------------------------------------------------------

def test_venues_respect_capacity_and_membership_counts():
    m = BelongingModel("connecting_people", citizens=3000, weeks=WEEKS, seed=7,
                       overrides={"activities.join_rate": 0.2, "activities.size": 6})
    v = m.venues
    assert v.count == round(3000 * (m.sc.activities.per_1000 + m.sc.activities.new_per_1000) / 1000)
    # funded activities open only when the intervention starts
    assert (v.members[v.is_new] == 0).all() and (v.members[~v.is_new] > 0).any()
    while m.running:
        m.step()
        members = m.pop.activity[m.pop.activity >= 0]
        assert np.array_equal(np.bincount(members, minlength=v.count), v.members)
        assert (v.members <= v.size).all()
    assert (v.members[v.is_new] > 0).all()
    assert (v.members == v.size).mean() > 0.5            # demand exceeds places


def test_activity_ties_form_between_members_of_the_same_activity():
    m = small_model("connecting_people", citizens=3000, overrides={"activities.join_rate": 0.3, "ties.encounter_rate": 0.0})
    neutral_citizens(m)
    clear_ties(m)
    formed = 0
    for _ in range(6):
        before = m.ties.key.copy()
        m.apply(activities.step)
        m.ties.flush()
        t = m.ties
        new = ~np.isin(t.key, before)
        a, b = t.a[new], t.b[new]
        formed += new.sum()
        # this week's new ties join two members of the same activity who both attended
        assert (m.pop.activity[a] >= 0).all() and np.array_equal(m.pop.activity[a], m.pop.activity[b])
        assert m.pop.attended[a].all() and m.pop.attended[b].all()
    assert formed > 50 and (m.ties.origin == ACTIVITY).all() and m.ties.met.all()


def test_chance_encounters_stay_in_the_neighbourhood():
    m = small_model("baseline", citizens=3000, overrides={"ties.encounter_rate": 1.0, "activities.per_1000": 0.0})
    neutral_citizens(m)
    clear_ties(m)
    for _ in range(3):
        m.apply(activities.step)
        m.ties.flush()
    t = m.ties
    assert len(t) > 100 and (t.origin == NEIGHBOUR).all()
    assert np.array_equal(m.pop.nbhd[t.a], m.pop.nbhd[t.b])


def test_stigma_of_a_mental_health_condition_keeps_people_out_of_groups():
    m = small_model("connecting_people", citizens=8000, overrides={"activities.join_rate": 0.2, "activities.per_1000": 30.0})
    neutral_citizens(m)
    pop = m.pop
    pop.activity[:] = -1
    m.venues.members[:] = 0
    pop.mh[:] = np.arange(pop.n) % 2 == 0
    pop.stigma[:] = np.where(pop.mh, 1.0, 0.0)
    pop.confidence[:] = 0.5
    m.apply(activities._join)
    joined = pop.activity >= 0
    assert joined[~pop.mh].mean() > 0.08
    # joining x (1 - 0.6/2), acceptance x (1 - 1/3): about 0.47 of the rate
    assert 0.3 < joined[pop.mh].mean() / joined[~pop.mh].mean() < 0.65
