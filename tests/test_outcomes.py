"""Outcomes (sim/mechanisms/outcomes.py): instruments within their scales, LSNS-6 scoring,
loneliness as the gap between wanted and actual relationships, spread, belonging."""

from __future__ import annotations

import numpy as np
import pytest

from model_helpers import clear_ties, neutral_citizens, small_model
from sim import OUTCOMES
from sim.mechanisms import outcomes
from sim.tiestore import KIN, NEIGHBOUR

SCALES = {"ucla": (3, 9), "wellbeing": (7, 35), "lsns": (0, 30), "belonging": (12, 84), "social_capital": (0, 27)}


def check_scales(pop):
    for col, (lo, hi) in SCALES.items():
        v = getattr(pop, col)
        assert v.min() >= lo and v.max() <= hi, (col, v.min(), v.max())
        assert np.isfinite(v.astype(float)).all(), col
    assert (pop.network_size >= 0).all()


@pytest.mark.parametrize("scenario", ["baseline", "connecting_people", "remote_only"])
def test_instruments_stay_within_their_scales_every_week(scenario):
    m = small_model(scenario, citizens=1500, burn_in=10, weeks=30, seed=2)
    check_scales(m.pop)
    while m.running:
        m.step()
        check_scales(m.pop)
    ts = m.timeseries()
    assert ts["loneliness"].between(3, 9).all() and ts["wellbeing"].between(7, 35).all()
    assert ts["lsns"].between(0, 30).all() and ts["belonging"].between(12, 84).all()
    assert ts["lonely_share"].between(0, 1).all() and ts["isolated_share"].between(0, 1).all()
    assert list(ts.columns[:9]) == ["week", *OUTCOMES]


def test_instruments_use_their_whole_range_in_an_extreme_population():
    m = small_model("baseline", citizens=2000, seed=4)
    clear_ties(m)
    m.apply(outcomes.step)
    pop = m.pop
    assert pop.ucla.max() == 9 and (pop.lsns == 0).all() and (pop.network_size == 0).all()
    assert (pop.social_capital == 0).all()
    assert pop.wellbeing.min() >= 7


def test_lsns_scoring_bins():
    assert outcomes.lsns_score(np.arange(13)).tolist() == [0, 1, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5]


def test_lsns_network_size_and_social_capital_from_hand_made_ties():
    m = small_model("baseline", citizens=400, seed=1)
    neutral_citizens(m)
    clear_ties(m)
    pop = m.pop
    me = 0
    layout = [  # (other, origin, hours)
        (1, KIN, 100.0), (2, KIN, 100.0), (3, KIN, 30.0),                  # kin: seen 3, help 2, confide 2
        (4, NEIGHBOUR, 60.0), (5, NEIGHBOUR, 60.0), (6, NEIGHBOUR, 60.0), (7, NEIGHBOUR, 60.0),
        (8, NEIGHBOUR, 10.0), (9, NEIGHBOUR, 10.0), (10, NEIGHBOUR, 10.0),  # friends: seen 4, help 4, confide 0
        (11, NEIGHBOUR, 3.0),                                               # barely known: under resource_hours
    ]
    for other, origin, hours in layout:
        m.ties.add(np.array([me]), np.array([other]), hours, 0.5, origin, True)
        m.ties.flush()
        m.ties.s[m.ties.index_of(np.array([me]), np.array([other]))] = hours
    pop.resources[:] = 0
    pop.resources[1] = 0b00000011            # close kin
    pop.resources[4] = 0b00000110            # friend at 60 h
    pop.resources[3] = 0b10000000            # kin at 30 h: weak ties count for social capital
    pop.resources[8] = 1 << 26               # acquaintance at 10 h: counts too (Resource Generator: anyone known)
    pop.resources[11] = 1 << 20              # met once or twice (3 h < resource_hours 5 h): does not count
    m.apply(outcomes.step)
    kin = 3 + 2 + 2            # lsns_score(3), (2), (2)
    friends = 3 + 3 + 0        # lsns_score(4), (4), (0)
    assert pop.lsns[me] == kin + friends
    assert pop.network_size[me] == 7
    assert pop.social_capital[me] == 5       # bits 0, 1, 2, 7, 26: anyone known (>= 5 h), weak ties included
    assert pop.lsns[1] == 1 + 1 + 1 and pop.network_size[1] == 1     # the other end sees me as kin
    assert pop.lsns[8] == 0 and pop.network_size[8] == 0


def test_lsns_caps_at_five_per_item():
    m = small_model("baseline", citizens=400, seed=1)
    clear_ties(m)
    others = np.arange(1, 31)
    m.ties.add(np.zeros(30, dtype=int), others, 150.0, 0.5, NEIGHBOUR, True)
    m.ties.flush()
    m.ties.s[:] = 150.0
    m.apply(outcomes.step)
    assert m.pop.lsns[0] == 15 and m.pop.network_size[0] == 30     # friends 5+5+5, no kin


def ring_model(seed=3, n=2000):
    """Half of the citizens in a ring of close friends (each with 6), the other half alone."""
    m = small_model("baseline", citizens=n, seed=seed)
    neutral_citizens(m)
    clear_ties(m)
    half = n // 2
    idx = np.arange(half)
    for k in (1, 2, 3):
        m.ties.add(idx, (idx + k) % half, 200.0, 0.5, NEIGHBOUR, True)
    m.ties.flush()
    m.ties.s[:] = 200.0
    return m, np.arange(n) < half


def test_loneliness_is_the_gap_between_wanted_and_actual_relationships():
    m, connected = ring_model()
    pop = m.pop
    m.apply(outcomes.step)
    assert pop.lonely[~connected].mean() > 0.8
    assert pop.lonely[connected].mean() < 0.1
    assert pop.belonging[connected].mean() > pop.belonging[~connected].mean() + 30
    assert pop.wellbeing[connected].mean() > pop.wellbeing[~connected].mean() + 3
    assert (pop.network_size[connected] == 6).all() and (pop.network_size[~connected] == 0).all()
    # a higher need to belong makes the same network feel lonelier
    m2, _ = ring_model()
    m2.pop.need[:] = 0.95
    m2.apply(outcomes.step)
    assert m2.pop.lonely_latent[connected].mean() > pop.lonely_latent[connected].mean() + 0.1


def test_group_membership_raises_and_rejection_lowers_belonging():
    m, connected = ring_model()
    member = np.arange(m.pop.n) % 3 == 0
    rejected = np.arange(m.pop.n) % 3 == 1
    m.pop.activity[member] = 0
    m.pop.rejection[rejected] = 2.0
    base, _ = ring_model()
    m.apply(outcomes.step)
    base.apply(outcomes.step)
    assert (m.pop.belonging[member & ~connected] > base.pop.belonging[member & ~connected]).all()
    hurt, unhurt = m.pop.belonging[rejected & connected], base.pop.belonging[rejected & connected]
    assert (hurt <= unhurt).all() and hurt.mean() < unhurt.mean() - 5     # (the scale tops out at 84)
    assert m.pop.lonely_latent[rejected].mean() > base.pop.lonely_latent[rejected].mean() + 0.2


def test_loneliness_spreads_from_lonely_friends():
    """Same seed, same network: friends at UCLA-3 9 instead of 3 raise latent loneliness by `spread`."""
    lam = {}
    for friends_ucla in (3, 9):
        m, connected = ring_model(n=1000)
        m.ties.remove(np.ones(len(m.ties), dtype=bool))
        even = np.arange(0, 500, 2)
        m.ties.add(even, even + 1, 200.0, 0.5, NEIGHBOUR, True)       # pairs (even, odd)
        m.ties.add(even, (even + 3) % 500, 200.0, 0.5, NEIGHBOUR, True)
        m.ties.flush()
        m.ties.s[:] = 200.0
        m.pop.ucla[1:500:2] = friends_ucla
        m.apply(outcomes.step)
        lam[friends_ucla] = m.pop.lonely_latent[even].astype(float)
    assert np.allclose(lam[9] - lam[3], m.sc.effects.spread, atol=1e-5)


def test_felt_rejection_fades_and_confidence_returns_to_base():
    m = small_model("baseline", citizens=300, seed=1)
    m.pop.rejection[:] = 1.0
    m.pop.confidence[:] = 0.02
    m.apply(outcomes.step)
    assert np.allclose(m.pop.rejection, 0.85)
    for _ in range(200):
        m.apply(outcomes.step)
    assert np.allclose(m.pop.confidence, m.pop.base_confidence, atol=0.02)


def test_recorded_population_means_are_the_means_of_the_citizen_outcomes():
    """model._record uses population_means (integer scores summed as integers): exactly the
    float64 mean of each per-citizen outcome."""
    from sim import BelongingModel
    from sim.outcomes_table import citizen_outcomes, population_means
    m = BelongingModel("platform_with_support", citizens=1500, weeks=4, seed=9).run()
    means = population_means(m.pop)
    assert list(means) == list(citizen_outcomes(m.pop))
    assert means == {k: float(v.mean()) for k, v in citizen_outcomes(m.pop).items()}
    assert means["lonely_share"] == m.series["lonely_share"][m.week]
