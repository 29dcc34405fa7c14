"""Support workers (sim/mechanisms/support.py) and targeting policies (sim/policies/targeting.py)."""

from __future__ import annotations

import numpy as np
import pytest

from model_helpers import neutral_citizens, small_model
from sim.mechanisms import support
from sim.population import MOVED_ON, NOT_SUPPORTED, ON_CASELOAD
from sim.tiestore import BRIDGE

WAITING, SLOTS = 200, 30     # 2 workers x caseload 15


def referral_model(targeting, seed=3, **over):
    """1,000 citizens, 2 workers with free caseloads, 200 citizens on the referral list, all willing."""
    m = small_model("platform_with_support", citizens=1000, seed=seed,
                    overrides={"support.targeting": targeting, "support.workers": 20.0, "support.caseload": 15,
                               "support.referral_rate": 0.0, **over})
    neutral_citizens(m)
    rng = np.random.default_rng(seed)
    waiting = np.sort(rng.choice(m.pop.n, WAITING, replace=False))
    m.pop.referred_week[waiting] = rng.integers(0, 8, WAITING)
    m.pop.trust[:] = 1.0       # accept with chance 0.5 + 0.5 trust = 1
    m.pop.lonely_latent[:] = rng.normal(0, 0.3, m.pop.n).astype(np.float32)
    m.pop.ucla[:] = np.clip(np.rint(4.4 + 4 * m.pop.lonely_latent), 3, 9)
    return m, waiting


def taken_and_left(m, waiting):
    taken = waiting[m.pop.support[waiting] == ON_CASELOAD]
    left = waiting[m.pop.support[waiting] == NOT_SUPPORTED]
    return taken, left


def priority_before_and_after_step(m, waiting, fn):
    before = fn(m.pop)
    m.apply(support.step)
    taken, left = taken_and_left(m, waiting)
    return before, taken, left


@pytest.mark.parametrize("targeting,priority", [
    ("first_come", lambda p: -p.referred_week.astype(float)),
    ("low_literacy_first", lambda p: -p.literacy.astype(float)),
    ("most_lonely_first", lambda p: p.lonely_latent.astype(float)),
    ("relational_first", lambda p: p.reldiff + (1.0 - p.confidence)),
    ("needs_based", lambda p: (np.clip((p.ucla - 3) / 6, 0, 1) + (1 - p.literacy) + p.reldiff
                               + ~(p.has_device | p.device_given)) / 4),
])
def test_targeting_takes_the_waiting_list_in_the_named_order(targeting, priority):
    m, waiting = referral_model(targeting)
    before, taken, left = priority_before_and_after_step(m, waiting, lambda p: np.asarray(priority(p), dtype=float).copy())
    assert len(taken) == SLOTS and len(left) == WAITING - SLOTS
    assert before[taken].min() >= before[left].max() - 1e-6
    # every place filled, spread evenly over the two workers
    assert sorted(np.bincount(m.pop.worker[taken], minlength=2).tolist()) == [15, 15]
    assert m.workforce.load.tolist() == [15, 15]
    assert m.pop.ever_supported[taken].all() and not m.pop.ever_supported[left].any()


def test_relational_first_takes_everyone_with_difficulties_first():
    m, waiting = referral_model("relational_first")
    rd_waiting = int(m.pop.reldiff[waiting].sum())
    assert rd_waiting >= SLOTS
    m.apply(support.step)
    taken, _ = taken_and_left(m, waiting)
    assert m.pop.reldiff[taken].all()


def test_targeting_none_takes_no_one_and_costs_no_workers():
    m, waiting = referral_model("none", **{"support.referral_rate": 1.0})
    for _ in range(3):
        m.step()
    assert not (m.pop.support == ON_CASELOAD).any()
    assert not m.pop.ever_supported.any()
    assert (m.pop.support_eff == 0).all()
    assert m.costs["workers"] == 0


def test_policies_pick_different_people_from_the_same_list():
    picks = {}
    for targeting in ("first_come", "low_literacy_first", "most_lonely_first"):
        m, waiting = referral_model(targeting)
        m.apply(support.step)
        picks[targeting] = set(taken_and_left(m, waiting)[0].tolist())
    assert picks["first_come"] != picks["low_literacy_first"]
    assert picks["first_come"] != picks["most_lonely_first"]
    assert picks["low_literacy_first"] != picks["most_lonely_first"]


def test_low_trust_citizens_decline_more_often():
    m, waiting = referral_model("first_come", **{"support.workers": 200.0})   # 20 workers: 300 places, all taken
    m.pop.trust[waiting[: WAITING // 2]] = 0.0          # accept with chance 0.5
    m.apply(support.step)
    low, high = waiting[: WAITING // 2], waiting[WAITING // 2:]
    accepted_low = (m.pop.support[low] == ON_CASELOAD).mean()
    assert (m.pop.support[high] == ON_CASELOAD).all()
    assert 0.3 < accepted_low < 0.7
    # who declined leaves the list
    assert (m.pop.referred_week[low[m.pop.support[low] == NOT_SUPPORTED]] == -1).all()


def test_referral_only_for_citizens_in_need_and_lowered_by_stigma():
    m = small_model("platform_with_support", citizens=2000, overrides={"support.referral_rate": 1.0,
                                                                       "effects.stigma_weight": 1.0})
    neutral_citizens(m)
    pop = m.pop
    need = (pop.ucla >= 6) | (pop.lsns < 12) | pop.mh
    assert 50 < need.sum() < pop.n - 50
    half = np.arange(pop.n) % 2 == 0
    pop.stigma[half] = 0.0          # referred for sure when in need
    pop.stigma[~half] = 0.8         # chance 1 - 0.8
    m.apply(support._refer)
    referred = pop.referred_week >= 0
    assert not referred[~need].any()
    assert referred[need & half].all()
    assert 0.05 < referred[need & ~half].mean() < 0.4


def on_caseload_of_worker_0(m, clients):
    """Put these citizens on worker 0's caseload (as intake would)."""
    m.pop.support[clients] = ON_CASELOAD
    m.pop.worker[clients] = 0
    m.workforce.load[0] = len(clients)


def clients_model(mode="in_person", training=False, caseload=15, privacy=True, device=True, seed=5, **over):
    """One worker with 15 clients; returns the model and the clients' effectiveness this week."""
    m = small_model("platform_with_support", citizens=500, seed=seed,
                    overrides={"support.workers": 20.0, "support.delivery_mode": mode,
                               "support.digital_training": training, "support.caseload": caseload,
                               "support.recommended_caseload": 15, "support.referral_rate": 0.0, **over})
    neutral_citizens(m)
    pop = m.pop
    clients = np.arange(15)
    on_caseload_of_worker_0(m, clients)
    pop.privacy[clients] = privacy
    pop.has_device[clients] = device
    pop.device_given[clients] = False
    m.apply(support.step)
    return m, pop.support_eff[clients].astype(float)


def test_in_person_effectiveness_is_skill_times_goal_setting():
    m, e = clients_model()
    assert np.allclose(e, m.workforce.skill[0] * 1.2, rtol=1e-5)
    m, e = clients_model(**{"support.components.goal_setting": False})
    assert np.allclose(e, m.workforce.skill[0], rtol=1e-5)


def test_digital_delivery_without_privacy_or_device_is_weaker_than_in_person():
    _, person = clients_model("in_person", privacy=False, device=False)
    _, digital_bare = clients_model("digital", privacy=False, device=False)
    _, digital_private = clients_model("digital", privacy=True, device=False)
    _, digital_full = clients_model("digital", privacy=True, device=True)
    _, hybrid_bare = clients_model("hybrid", privacy=False, device=False)
    assert (digital_bare < 0.3 * person).all()
    assert (digital_bare < digital_private).all() and (digital_private < digital_full).all()
    assert (digital_full < person + 1e-6).all()
    assert (digital_bare < hybrid_bare).all() and (hybrid_bare < person).all()


def test_trained_workers_deliver_digitally_better():
    m_untrained, untrained = clients_model("digital", training=False)
    m_trained, trained = clients_model("digital", training=True)
    assert m_trained.workforce.skill[0] == m_untrained.workforce.skill[0]   # same worker, only training differs
    assert m_trained.workforce.digital_confidence[0] > m_untrained.workforce.digital_confidence[0]
    assert (trained > untrained).all()
    # in person, training makes no difference
    _, p_untrained = clients_model("in_person", training=False)
    _, p_trained = clients_model("in_person", training=True)
    assert np.array_equal(p_trained, p_untrained)


def test_workforce_digital_confidence_matches_hickey():
    m = small_model("remote_only", citizens=20000, overrides={"support.workers": 200.0})   # 400 workers
    wf = m.workforce
    assert wf.n == 400
    assert 0.45 < (wf.digital_confidence > 0.5).mean() < 0.61     # 52.9% confident (Hickey et al. 2023)
    assert abs(wf.skill.mean() - m.sc.support.fidelity) < 0.03


def test_caseload_above_recommended_lowers_effectiveness():
    _, at = clients_model(caseload=15)
    _, double = clients_model(caseload=30)
    _, below = clients_model(caseload=10)
    assert np.allclose(double, 0.5 * at, rtol=1e-5)
    assert np.allclose(below, at, rtol=1e-6)


def test_components_act_on_clients_only():
    m = small_model("platform_with_support", citizens=500, overrides={"support.workers": 20.0, "support.referral_rate": 0.0})
    neutral_citizens(m)
    pop = m.pop
    clients, others = np.arange(15), np.arange(15, pop.n)
    on_caseload_of_worker_0(m, clients)
    conf0, boost0, coach0, trust0 = pop.confidence.copy(), pop.digital_boost.copy(), pop.coaching.copy(), pop.trust.copy()
    m.apply(support.step)
    assert (pop.coaching[clients] > coach0[clients]).all()
    assert (pop.confidence[clients] >= conf0[clients]).all() and (pop.confidence[clients] > conf0[clients]).any()
    assert (pop.digital_boost[clients] > boost0[clients]).all()
    assert (pop.trust[clients] >= trust0[clients]).all()
    assert np.array_equal(pop.coaching[others], coach0[others])
    assert np.array_equal(pop.digital_boost[others], boost0[others])
    assert (pop.support_weeks[clients] == 1).all()


def test_digital_help_is_capped():
    m = small_model("platform_with_support", citizens=300, overrides={"support.workers": 40.0, "support.referral_rate": 0.0,
                                                                      "support.duration_weeks": 104})
    neutral_citizens(m)
    m.pop.support[:10] = ON_CASELOAD
    m.pop.worker[:10] = 0
    m.workforce.load[0] = 10
    for _ in range(60):
        m.apply(support.step)
    assert np.allclose(m.pop.digital_boost[:10], 0.4)
    assert (m.pop.coaching[:10] <= 1.0).all() and (m.pop.coaching[:10] > 0.9).all()


def test_bridging_introduces_clients_to_the_workers_contacts():
    m = small_model("connecting_people", citizens=1000, overrides={"support.referral_rate": 0.0, "support.duration_weeks": 100,
                                                                   "effects.support_effect": 3.0})
    neutral_citizens(m)
    pop = m.pop
    clients = np.arange(15)
    on_caseload_of_worker_0(m, clients)
    contacts = set(m.workforce.contacts[0].tolist())
    assert len(contacts) > 5
    assert all(pop.ucla[c] < 6 for c in contacts)        # settled, resourceful people
    n0 = len(m.ties)
    for _ in range(10):
        m.apply(support.step)
        m.ties.flush()
    bridge = m.ties.origin == BRIDGE
    assert bridge.sum() >= 5 and len(m.ties) == n0 + bridge.sum()
    for a, b in zip(m.ties.a[bridge], m.ties.b[bridge]):
        assert (a in clients and b in contacts) or (b in clients and a in contacts)
    assert pop.fired["bridge"][clients].sum() == bridge.sum()
    # without the component, no bridges
    m2 = small_model("connecting_people", citizens=1000, overrides={"support.referral_rate": 0.0, "support.duration_weeks": 100,
                                                                    "effects.support_effect": 3.0,
                                                                    "support.components.bridging": False})
    neutral_citizens(m2)
    m2.pop.support[clients] = ON_CASELOAD
    m2.pop.worker[clients] = 0
    for _ in range(10):
        m2.apply(support.step)
        m2.ties.flush()
    assert not (m2.ties.origin == BRIDGE).any()


def test_clients_move_on_after_the_duration():
    m = small_model("platform_with_support", citizens=500, overrides={"support.workers": 20.0, "support.referral_rate": 0.0,
                                                                      "support.duration_weeks": 4})
    neutral_citizens(m)
    pop = m.pop
    pop.support[:10] = ON_CASELOAD
    pop.worker[:10] = 0
    m.workforce.load[0] = 10
    for _ in range(4):
        m.apply(support.step)
    assert (pop.support[:10] == ON_CASELOAD).all() and (pop.support_weeks[:10] == 4).all()
    m.apply(support.step)
    assert (pop.support[:10] == MOVED_ON).all() and (pop.worker[:10] == -1).all()
    assert m.workforce.load[0] == 0
    assert (pop.support_eff[:10] == 0).all()


def test_devices_go_to_new_clients_who_lack_one_until_the_budget_is_spent():
    m, waiting = referral_model("first_come", **{"devices.per_1000": 10.0, "devices.target": "clients"})
    assert m.workforce.devices_left == 10
    m.pop.has_device[waiting] = False
    m.apply(support.step)
    taken, left = taken_and_left(m, waiting)
    assert m.pop.device_given.sum() == 10 and m.pop.device_given[taken].sum() == 10
    assert m.workforce.devices_left == 0 and m.workforce.devices_given == 10


def test_devices_for_everyone_at_the_start():
    m = small_model("digital_inclusion", citizens=2000)
    lacking = ~m.pop.has_device
    budget = round(m.sc.devices.per_1000 * 2)
    assert m.pop.device_given.sum() == min(budget, lacking.sum())
    assert not (m.pop.device_given & m.pop.has_device).any()
    assert m.costs["devices"] == m.pop.device_given.sum() * m.sc.costs.device


@pytest.mark.parametrize("citizens,per_10k,expected", [(1000, 10.0, 1), (5000, 10.0, 5), (20000, 10.0, 20),
                                                       (300, 10.0, 1), (2000, 0.0, 0), (12345, 7.5, 9)])
def test_workforce_scales_with_the_population(citizens, per_10k, expected):
    m = small_model("platform_with_support", citizens=citizens, overrides={"support.workers": per_10k})
    assert m.workforce.n == expected == len(m.workers)
    assert m.workforce.skill.shape == (expected,) and m.workforce.contacts.shape == (expected, 20)
