"""Ties: friends introduce friends, closeness grows with contact and fades without it,
capacity is limited, fragile ties break (M1, M2, M3, M4, M7; seeds 000, 003).

Order within the week: introductions; contact, strengthening, decay and breaking of
the existing ties; then broken ties leave and the week's new ties (from every
mechanism) join the network, ready for next week.

Introductions (M1, Jackson & Rogers 2007). With weekly chance introduction_rate *
withdrawal a citizen is introduced by a random friend to one of that friend's
friends; the tie forms with chance 0.3 (0.5 + q). Friends are read from a snapshot
of the network refreshed every 4 weeks.

Contact (Dunbar: closest weekly, next layer monthly). Weekly chance of contact
    p = 0.05 + 0.85 sqrt(min(s, 200) / 200) (+ 0.6 q while on trial: a good match wants to
    meet again, Hall 2018), times withdrawal of both ends,
plus 0.15 e when a worker works with a client's existing relationships. Ties that
met this week at an activity, by chance or at a first meeting have contact anyway.

Strength (M2, Hall 2018: ~50 h casual friend, ~90 h friend, >200 h close friend).
Contact adds hours_per_meeting hours face to face, times (1 + 2q) while on trial (new
friends spend long hours together, Hall 2018: ~40-60 h in the first weeks), and
0.5 h if the pair never met.
Capacity (M4): a citizen has weekly_social_hours to give; when their ties ask for
more, every tie's gain is scaled by budget / demand (the smaller of both ends).
Every week closeness fades by
    d(s) = d_friend * (kin_decay_ratio for kin) + weak_decay * exp(-s / 25),
d_friend = 1 - (1 - decay_per_year)^(1/52) (Roberts & Dunbar: ~15% a year), so
acquaintances fade within weeks and friendships over years. s is capped at 400 h.

Breaking. A tie breaks when s < 2 h (faded); during its trial (age < trial_weeks)
with chance early_break (1 - q) (1 + fragility * relational difficulties)
(Vergara Hidd et al. 2023); independently of that, at any age with chance (0.025 + 0.25 (1 - min(s,200)/200)) / 52 (1 + fragility * rd)
(Roy et al. 2022: 1-4% a year of closest ties; outer layers turn over faster) plus 0.003 (lvl_a + lvl_b),
lvl = (UCLA-3 - 3) / 6 the loneliness level of each end (withdrawal, M7); kin break at a tenth of
this whole rate (families rarely end). These rare breaks are drawn by
thinning (a Bernoulli(p_max) candidate process, each kept with p / p_max), which has
the same law as one draw per tie and spares the arithmetic on the other ties. Each lost tie adds 0.3 sqrt(min(s, 200) / 200) to both ends' felt rejection (losing a
close friend hurts, a faded acquaintance hardly). A tie that ended this week at a first
meeting that went badly leaves the network here too, but is not counted again as a lost
tie: online_offline already made it a rejection.
An online tie that met face to face and survives its trial is a "relational match".
"""

from __future__ import annotations

import numpy as np

from .. import kernels
from ..tiestore import INTRODUCED, ONLINE
from ..population import ON_CASELOAD, match_quality

SNAPSHOT_WEEKS = 4
WITHDRAWAL_BREAK = 0.003   # weekly break chance per unit of loneliness level at either end (M7)
KIN_BREAK_RATIO = 0.1      # kin rarely end: estrangement is rarer than friendships fading (assumption)


def _introductions(model) -> None:
    sc, pop, rng, ties = model.sc, model.pop, model.rng, model.ties
    if model.adj is None or model.week - model.adj_week >= SNAPSHOT_WEEKS:
        model.adj = ties.adjacency()
        model.adj_week = model.week
    indptr, nbrs = model.adj
    deg = np.diff(indptr)
    i = np.flatnonzero((rng.random(pop.n) < sc.ties.introduction_rate * model.wd) & (deg > 0))
    if len(i) == 0:
        return
    j = nbrs[indptr[i] + (rng.random(len(i)) * deg[i]).astype(np.int64)]
    k = nbrs[indptr[j] + (rng.random(len(i)) * deg[j]).astype(np.int64)]
    ok = k != i
    i, k = i[ok].astype(np.int32), k[ok]
    q = match_quality(pop, i, k)
    form = rng.random(len(i)) < 0.3 * (0.5 + q)
    added = ties.add(i[form], k[form], sc.ties.hours_per_meeting, q[form], INTRODUCED, True)
    fi, fk = i[form][added], k[form][added]
    model.events.record(model.week, "introduced_by_friend", fi, fk)
    model.events.record(model.week, "introduced_by_friend", fk, fi)


def _bernoulli_positions(rng, n: int, p: float) -> np.ndarray:
    """Indices 0..n-1 each selected independently with chance p (geometric gaps)."""
    if n == 0 or p <= 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1:
        return np.arange(n)
    out = []
    start = 0
    while start < n:
        m = int((n - start) * p * 1.1) + 16
        pos = start + np.cumsum(rng.geometric(p, m)) - 1
        out.append(pos[pos < n])
        if pos[-1] >= n:
            break
        start = int(pos[-1]) + 1
    return np.concatenate(out)


def _dynamics(model) -> None:
    sc, pop, rng, ties = model.sc, model.pop, model.rng, model.ties
    if len(ties) == 0:
        ties.commit(None)        # nothing to update, but the week's new ties still join
        return
    t = sc.ties
    a, b, s, q = ties.a, ties.b, ties.s, ties.q
    f32 = np.float32
    on_trial = ties.age < t.trial_weeks
    if model.intervening and sc.support.components.existing_relationships:
        helped = ((pop.support == ON_CASELOAD) * pop.support_eff).astype(f32)
    else:
        helped = model.zeros_f32
    u = rng.random(len(ties), dtype=f32)
    gain, demand = kernels.contact_gain(a, b, s, q, ties.age, ties.met, ties.contact, model.wd, helped, u,
                                        f32(t.hours_per_meeting), t.trial_weeks, pop.n)
    scale = np.minimum(1.0, t.weekly_social_hours / np.maximum(demand, 1e-9)).astype(f32)
    d_friend = 1.0 - (1.0 - t.decay_per_year) ** (1.0 / 52.0)
    kernels.strengthen_and_decay(a, b, s, ties.kin, gain, scale, f32(d_friend), f32(d_friend * t.kin_decay_ratio),
                                 f32(t.weak_decay_per_week), f32(400.0))

    broken = s < f32(2.0)
    # trial breaks: few ties, exact draws
    trial = np.flatnonzero(on_trial)
    if len(trial):
        p_early = f32(t.early_break) * (f32(1.0) - q[trial]) * (f32(1.0) + f32(t.fragility) * ties.rd[trial])
        broken[trial[rng.random(len(trial)) < p_early]] = True
    # turnover and withdrawal breaks: rare, so drawn by thinning. Candidates are a Bernoulli(p_max)
    # process over ties (geometric gaps), each kept with p_i / p_max: the same law as one draw per
    # tie, without computing p_i for the 99% of ties that are never candidates.
    p_max = (0.275 / 52.0) * (1.0 + t.fragility) + 2 * WITHDRAWAL_BREAK
    cand = _bernoulli_positions(rng, len(ties), p_max)
    if len(cand):
        sc_ = np.minimum(s[cand], f32(200.0))
        p_i = ((f32(0.275 / 52.0) - sc_ * f32(0.25 / 200.0 / 52.0)) * (f32(1.0) + f32(t.fragility) * ties.rd[cand])
               + f32(WITHDRAWAL_BREAK) * (model.lvl[a[cand]] + model.lvl[b[cand]]))
        p_i *= f32(1.0) - f32(1.0 - KIN_BREAK_RATIO) * ties.kin[cand]
        broken[cand[rng.random(len(cand)) * p_max < p_i]] = True

    survived = (ties.age == t.trial_weeks - 1) & (ties.origin == ONLINE) & ties.met & ~broken
    if survived.any():
        np.add.at(pop.fired["match"], a[survived], 1)
        np.add.at(pop.fired["match"], b[survived], 1)
        model.events.record(model.week, "friendship_lasted", a[survived], b[survived])
        model.events.record(model.week, "friendship_lasted", b[survived], a[survived])

    # ties that ended earlier this week at a first meeting that went badly (drop_later) leave at
    # the commit below too; that loss was already felt as a rejection (online_offline), so it
    # is not counted again here
    broken[ties.marked_to_drop()] = False
    ba, bb = a[broken], b[broken]
    # a lost tie hurts by its closeness: 0.3 for a close friend, under 0.03 for a faded acquaintance
    hurt = 0.3 * np.sqrt(np.minimum(s[broken], 200.0) / 200.0)
    pop.rejection += (np.bincount(ba, hurt, minlength=pop.n) + np.bincount(bb, hurt, minlength=pop.n)).astype(f32)
    model.lost_this_week = np.bincount(ba, minlength=pop.n) + np.bincount(bb, minlength=pop.n)
    if model.events.any:
        model.events.record(model.week, "lost_tie", ba, bb, s[broken])     # value: hours of closeness lost
        model.events.record(model.week, "lost_tie", bb, ba, s[broken])
    np.minimum(ties.age + 1, 30000, out=ties.age, casting="unsafe")
    ties.contact[:] = False
    ties.commit(broken)   # drop broken and marked ties and merge this week's new ones in one pass


def step(model) -> None:
    _introductions(model)
    _dynamics(model)
