"""Tie dynamics (sim/mechanisms/ties.py): contact strengthens, closeness decays without it
(friends ~15% a year, kin slower), capacity is limited, fragile ties break, friends introduce friends."""

from __future__ import annotations

import numpy as np

from model_helpers import clear_ties, neutral_citizens, refresh_weekly_factors, small_model
from sim.mechanisms import ties as ties_mech
from sim.tiestore import INTRODUCED, KIN, NEIGHBOUR


def network_model(n=2000, no_contact=True, **over):
    """A model whose network we lay out by hand. no_contact: loneliness at its maximum and a
    full withdrawal effect make spontaneous contact impossible (withdrawal factor 0 at both ends)."""
    m = small_model("baseline", citizens=n, overrides={"effects.withdrawal": 1.0, **over})
    neutral_citizens(m)
    clear_ties(m)
    m.pop.ucla[:] = 9 if no_contact else 3
    refresh_weekly_factors(m)
    return m


def lay_out(m, a, b, s, origin=NEIGHBOUR, q=0.5, met=True, age=100):
    t = m.ties
    t.add(np.asarray(a), np.asarray(b), s, q, origin, met)
    t.flush()
    rows = t.index_of(np.asarray(a), np.asarray(b))
    assert (rows >= 0).all()
    t.s[rows] = np.broadcast_to(np.asarray(s, dtype=np.float32), rows.shape)
    t.age[rows] = age
    return rows


def strengths(m, a, b):
    rows = m.ties.index_of(np.asarray(a), np.asarray(b))
    return np.where(rows >= 0, m.ties.s[np.maximum(rows, 0)], np.nan), rows >= 0


def test_closeness_fades_about_15_percent_a_year_for_friends_and_slower_for_kin():
    m = network_model()
    n = m.pop.n
    half = n // 2
    a = np.arange(half)
    b = a + half
    friends, kin = a[: half // 2], a[half // 2:]
    lay_out(m, friends, friends + half, 300.0, origin=NEIGHBOUR)
    lay_out(m, kin, kin + half, 300.0, origin=KIN)
    for _ in range(52):
        m.apply(ties_mech.step)
    s, alive = strengths(m, a, b)
    assert alive[: half // 2].sum() > 300 and alive[half // 2:].sum() > 300
    friend_loss = 1 - np.nanmean(s[: half // 2]) / 300.0
    kin_loss = 1 - np.nanmean(s[half // 2:]) / 300.0
    assert abs(friend_loss - 0.15) < 0.01
    assert abs(kin_loss - (1 - (1 - m.sc.ties.kin_decay_ratio * (1 - 0.85 ** (1 / 52))) ** 52)) < 0.01
    assert kin_loss < 0.6 * friend_loss
    assert len(m.ties) == alive.sum()          # no contact, no introductions: nothing new


def test_decay_rate_follows_the_scenario():
    m = network_model(n=400, **{"ties.decay_per_year": 0.4})
    a = np.arange(200)
    lay_out(m, a, a + 200, 300.0)
    for _ in range(52):
        m.apply(ties_mech.step)
    s, alive = strengths(m, a, a + 200)
    assert abs(1 - np.nanmean(s) / 300.0 - 0.4) < 0.015


def test_acquaintances_fade_much_faster_than_friends():
    m = network_model()
    a = np.arange(1000)
    lay_out(m, a[:500], a[:500] + 1000, 10.0)
    lay_out(m, a[500:], a[500:] + 1000, 300.0)
    for _ in range(26):
        m.apply(ties_mech.step)
    s, alive = strengths(m, a, a + 1000)
    weak_loss = 1 - np.nanmean(s[:500]) / 10.0
    strong_loss = 1 - np.nanmean(s[500:]) / 300.0
    assert weak_loss > 4 * strong_loss


def test_faded_ties_break_and_hurt_little():
    m = network_model(n=400)
    a = np.arange(200)
    lay_out(m, a, a + 200, 2.05)
    rej0 = m.pop.rejection.copy()
    m.apply(ties_mech._dynamics)
    assert len(m.ties) == 0
    # each lost tie hurts both ends by its closeness: 0.3 sqrt(s / 200), s just under 2 h
    hurt = m.pop.rejection[:400] - rej0[:400]
    assert np.allclose(hurt, hurt[0]) and 0.02 < hurt[0] < 0.035


def test_losing_a_close_friend_hurts_most():
    m = network_model(n=400, **{"ties.early_break": 1.0})
    a = np.arange(200)
    lay_out(m, a, a + 200, 300.0, q=0.0, age=0)          # on trial, no match: breaks for sure
    rej0 = m.pop.rejection.copy()
    m.apply(ties_mech._dynamics)
    assert len(m.ties) == 0
    assert np.allclose(m.pop.rejection[:400] - rej0[:400], 0.3, atol=1e-5)
    assert m.ctx.lost_this_week[:400].tolist() == [1] * 400


def test_contact_adds_hours_and_more_while_getting_to_know_each_other():
    m = network_model()
    t = m.ties
    a = np.arange(800)
    rows_old = lay_out(m, a[:200], a[:200] + 1000, 100.0, q=0.5, age=100)
    rows_trial = lay_out(m, a[200:400], a[200:400] + 1000, 100.0, q=0.5, age=0)
    rows_online = lay_out(m, a[400:600], a[400:600] + 1000, 100.0, q=0.5, met=False, age=100)
    rows_none = lay_out(m, a[600:800], a[600:800] + 1000, 100.0, q=0.5, age=100)
    pairs = [(a[i:i + 200], a[i:i + 200] + 1000) for i in (0, 200, 400, 600)]
    t.contact[np.concatenate([rows_old, rows_trial, rows_online])] = True      # met this week
    d = 1 - 0.85 ** (1 / 52) + 0.03 * np.exp(-100 / 25)
    m.apply(ties_mech._dynamics)
    hpm = m.sc.ties.hours_per_meeting
    expected = [100 * (1 - d) + hpm, 100 * (1 - d) + hpm * (1 + 2 * 0.5), 100 * (1 - d) + 0.5, 100 * (1 - d)]
    for (u, v), e in zip(pairs, expected):
        s, alive = strengths(m, u, v)
        assert np.allclose(s[alive], e, rtol=1e-4), e
    assert not t.contact.any()                 # contact is per week


def test_capacity_scales_gains_to_the_weekly_social_hours():
    m = network_model(n=400)
    hub = 0
    others = np.arange(1, 41)
    rows = lay_out(m, np.zeros(40, dtype=int), others, 100.0, age=100)
    m.ties.contact[rows] = True
    before = m.ties.s[rows].copy()
    m.apply(ties_mech._dynamics)
    d = 1 - 0.85 ** (1 / 52) + 0.03 * np.exp(-100 / 25)
    s, alive = strengths(m, np.zeros(40, dtype=int), others)
    gains = s[alive] - before[alive] * (1 - d)
    budget = m.sc.ties.weekly_social_hours
    assert np.allclose(gains, budget / 40, rtol=1e-3)      # 40 x 2.5 h asked, 16 h to give
    assert 40 * m.sc.ties.hours_per_meeting > budget


def test_relational_difficulties_make_new_ties_fragile():
    m = network_model(n=96000, no_contact=False)
    n = m.pop.n
    pop = m.pop
    a = np.arange(0, n // 2)
    b = a + n // 2
    rd = np.arange(len(a)) < len(a) // 2
    pop.reldiff[:] = False
    pop.reldiff[a[rd]] = True
    q = np.where(np.arange(len(a)) % 2 == 0, 0.0, 1.0).astype(np.float32)
    lay_out(m, a, b, 100.0, q=q, age=0)
    m.ties.q[m.ties.index_of(a, b)] = q
    m.apply(ties_mech._dynamics)
    _, alive = strengths(m, a, b)
    broken = ~alive
    p = {(r, qq): broken[(rd == r) & (q == qq)].mean() for r in (False, True) for qq in (0.0, 1.0)}
    turnover = (0.025 + 0.25 * 0.5) / 52
    t = m.sc.ties
    # the lonely ends of these ties also break them a little (withdrawal, M7): part of every cell
    withdrawal = {r: t.withdrawal_break * float((m.ctx.lvl[a] + m.ctx.lvl[b])[(rd == r) & (q == 0.0)].mean())
                  for r in (False, True)}
    expected = {r: (t.early_break + turnover) * (1 + t.fragility * r) + withdrawal[r] for r in (False, True)}
    cell = len(a) // 4                                 # ties per (relational difficulties, q) cell
    se = {r: np.sqrt(expected[r] * (1 - expected[r]) / cell) for r in (False, True)}
    assert abs(p[(False, 0.0)] - expected[False]) < 4 * se[False], (p, expected)     # 4 standard errors
    ratio = expected[True] / expected[False]
    se_ratio = ratio * np.sqrt((se[True] / expected[True]) ** 2 + (se[False] / expected[False]) ** 2)
    assert abs(p[(True, 0.0)] / p[(False, 0.0)] - ratio) < 4 * se_ratio, (p, ratio, se_ratio)
    assert p[(False, 1.0)] < 0.015 and p[(True, 1.0)] < 0.02     # a perfect match survives its trial


def test_lonely_ends_break_ties_more_often():
    m = network_model(n=20000, no_contact=False)
    pop = m.pop
    a = np.arange(0, 10000)
    b = a + 10000
    lonely = np.arange(10000) < 5000
    pop.ucla[a[lonely]] = 9
    pop.ucla[b[lonely]] = 9
    refresh_weekly_factors(m)
    lay_out(m, a, b, 300.0, age=100)
    for _ in range(10):
        m.apply(ties_mech._dynamics)
    _, alive = strengths(m, a, b)
    lost_lonely, lost_settled = (~alive[lonely]).mean(), (~alive[~lonely]).mean()
    assert lost_settled < 0.02
    assert lost_lonely > 4 * lost_settled


def test_friends_introduce_friends():
    m = network_model(n=3000, no_contact=False, **{"ties.introduction_rate": 1.0})
    g = np.arange(1000)
    lay_out(m, 3 * g, 3 * g + 1, 100.0)            # chains x - y - z
    lay_out(m, 3 * g + 1, 3 * g + 2, 100.0)
    m.apply(ties_mech._introductions)
    m.ties.flush()
    t = m.ties
    new = t.origin == INTRODUCED
    assert new.sum() > 100
    assert np.array_equal(t.a[new] // 3, t.b[new] // 3)       # only within a chain
    assert (t.a[new] % 3 == 0).all() and (t.b[new] % 3 == 2).all()


def test_no_introductions_without_friends():
    m = network_model(n=500, no_contact=False, **{"ties.introduction_rate": 1.0})
    m.apply(ties_mech.step)
    assert len(m.ties) == 0
