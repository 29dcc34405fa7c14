"""Ties: friends introduce friends, closeness grows with contact and fades without it,
capacity is limited, fragile ties break (M1, M2, M3, M4, M7; seeds 000, 003).

Order within the week: introductions; contact, strengthening, decay and breaking of
the existing ties; then broken ties leave and the week's new ties (from every
mechanism) join the network, ready for next week.

Introductions (M1, Jackson & Rogers 2007). With weekly chance introduction_rate *
withdrawal a citizen is introduced by a random friend to one of that friend's
friends; the tie forms with chance introduction_acceptance (introduction_match_base + q)
(0.3, 0.5). Friends are read from a snapshot of the network refreshed every
SNAPSHOT_WEEKS (4) weeks.

Contact (Dunbar: closest weekly, next layer monthly). With F = close_friend_hours (200 h),
the weekly chance of contact is
    p = contact_base + contact_closeness sqrt(min(s, F) / F) (+ contact_trial_match q while
    on trial: a good match wants to meet again, Hall 2018), times withdrawal of both ends,
    (0.05, 0.85, 0.6)
plus contact_helped e (0.15) when a worker works with a client's existing relationships.
Ties that met this week at an activity, by chance or at a first meeting have contact anyway.

Strength (M2, Hall 2018: ~50 h casual friend, ~90 h friend, >200 h close friend).
Contact adds hours_per_meeting hours face to face, times (1 + trial_gain_match q) (2)
while on trial (new friends spend long hours together, Hall 2018: ~40-60 h in the first
weeks), and online_contact_hours (0.5 h) if the pair never met.
Capacity (M4): a citizen has weekly_social_hours to give; when their ties ask for
more, every tie's gain is scaled by budget / demand (the smaller of both ends).
Every week closeness fades by
    d(s) = d_friend * (kin_decay_ratio for kin) + weak_decay * exp(-s / weak_decay_hours),
d_friend = 1 - (1 - decay_per_year)^(1/52) (Roberts & Dunbar: ~15% a year), so
acquaintances fade within weeks (weak_decay_hours 25) and friendships over years. s is
capped at max_hours (400 h).

Breaking. A tie breaks when s < break_hours (2 h, faded); during its trial (age < trial_weeks)
with chance early_break (1 - q) (1 + fragility * relational difficulties)
(Vergara Hidd et al. 2023); independently of that, at any age with chance
(turnover_close + turnover_outer (1 - min(s,F)/F)) / 52 (1 + fragility * rd) (0.025, 0.25;
Roy et al. 2022: 1-4% a year of closest ties; outer layers turn over faster) plus
withdrawal_break (lvl_a + lvl_b) (0.003), lvl = (UCLA-3 - 3) / 6 the loneliness level of
each end (withdrawal, M7); kin break at kin_break_ratio (a tenth) of this whole rate
(families rarely end). These rare breaks are drawn by
thinning (a Bernoulli(p_max) candidate process, each kept with p / p_max), which has
the same law as one draw per tie and spares the arithmetic on the other ties. Each lost tie adds loss_hurt sqrt(min(s, F) / F) (0.3) to both ends' felt rejection (losing a
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
from ..vocabulary import EventKind

SNAPSHOT_WEEKS = 4   # numerical, not behavioural: how often the friends-of-friends snapshot is rebuilt


def _introductions(sc, pop, ties, ctx, rng, events) -> None:
    if ctx.friends is None or ctx.week - ctx.friends_week >= SNAPSHOT_WEEKS:
        ctx.friends = ties.adjacency()
        ctx.friends_week = ctx.week
    indptr, nbrs = ctx.friends
    deg = np.diff(indptr)
    i = np.flatnonzero((rng.random(pop.n) < sc.ties.introduction_rate * ctx.wd) & (deg > 0))
    if len(i) == 0:
        return
    j = nbrs[indptr[i] + (rng.random(len(i)) * deg[i]).astype(np.int64)]
    k = nbrs[indptr[j] + (rng.random(len(i)) * deg[j]).astype(np.int64)]
    ok = k != i
    i, k = i[ok].astype(np.int32), k[ok]
    q = match_quality(pop, i, k)
    form = rng.random(len(i)) < sc.ties.introduction_acceptance * (sc.ties.introduction_match_base + q)
    added = ties.add(i[form], k[form], sc.ties.hours_per_meeting, q[form], INTRODUCED, True)
    fi, fk = i[form][added], k[form][added]
    events.record(ctx.week, EventKind.INTRODUCED_BY_FRIEND, fi, fk)
    events.record(ctx.week, EventKind.INTRODUCED_BY_FRIEND, fk, fi)


def _bernoulli_positions(rng, n: int, p: float) -> np.ndarray:
    """Indices 0..n-1 each selected independently with chance p (geometric gaps)."""
    if n == 0 or p <= 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1:
        return np.arange(n)
    out = []
    start = 0
    while start < n:
        m = int((n - start) * p * 1.1) + 16      # numerical: draw a little more than expected, then top up
        pos = start + np.cumsum(rng.geometric(p, m)) - 1
        out.append(pos[pos < n])
        if pos[-1] >= n:
            break
        start = int(pos[-1]) + 1
    return np.concatenate(out)


def _dynamics(sc, pop, ties, ctx, rng, events) -> None:
    if len(ties) == 0:
        ties.commit(None)        # nothing to update, but the week's new ties still join
        return
    t = sc.ties
    a, b, s, q = ties.a, ties.b, ties.s, ties.q
    f32 = np.float32
    on_trial = ties.age < t.trial_weeks
    if ctx.intervening and sc.support.components.existing_relationships:
        helped = ((pop.support == ON_CASELOAD) * pop.support_eff).astype(f32)
    else:
        helped = ctx.zeros
    u = rng.random(len(ties), dtype=f32)
    full = f32(t.close_friend_hours)
    gain, demand = kernels.contact_gain(a, b, s, q, ties.age, ties.met, ties.contact, ctx.wd, helped, u,
                                        f32(t.hours_per_meeting), t.trial_weeks, pop.n, full, f32(t.contact_base),
                                        f32(t.contact_closeness), f32(t.contact_trial_match), f32(t.contact_helped),
                                        f32(t.trial_gain_match), f32(t.online_contact_hours))
    scale = np.minimum(1.0, t.weekly_social_hours / np.maximum(demand, 1e-9)).astype(f32)   # guard: no division by 0
    d_friend = 1.0 - (1.0 - t.decay_per_year) ** (1.0 / 52.0)      # definition: 52 weeks a year
    kernels.strengthen_and_decay(a, b, s, ties.kin, gain, scale, f32(d_friend), f32(d_friend * t.kin_decay_ratio),
                                 f32(t.weak_decay_per_week), f32(-1.0 / t.weak_decay_hours), f32(t.max_hours))

    broken = s < f32(t.break_hours)
    # trial breaks: few ties, exact draws
    trial = np.flatnonzero(on_trial)
    if len(trial):
        p_early = f32(t.early_break) * (f32(1.0) - q[trial]) * (f32(1.0) + f32(t.fragility) * ties.rd[trial])
        broken[trial[rng.random(len(trial)) < p_early]] = True
    # turnover and withdrawal breaks: rare, so drawn by thinning. Candidates are a Bernoulli(p_max)
    # process over ties (geometric gaps), each kept with p_i / p_max: the same law as one draw per
    # tie, without computing p_i for the 99% of ties that are never candidates.
    yearly = t.turnover_close + t.turnover_outer      # the weakest tie's yearly turnover
    p_max = (yearly / 52.0) * (1.0 + t.fragility) + 2 * t.withdrawal_break   # 52 weeks a year; 2 ends
    cand = _bernoulli_positions(rng, len(ties), p_max)
    if len(cand):
        sc_ = np.minimum(s[cand], full)
        p_i = ((f32(yearly / 52.0) - sc_ * f32(t.turnover_outer / t.close_friend_hours / 52.0))   # per week
               * (f32(1.0) + f32(t.fragility) * ties.rd[cand])
               + f32(t.withdrawal_break) * (ctx.lvl[a[cand]] + ctx.lvl[b[cand]]))
        p_i *= f32(1.0) - f32(1.0 - t.kin_break_ratio) * ties.kin[cand]
        broken[cand[rng.random(len(cand)) * p_max < p_i]] = True

    survived = (ties.age == t.trial_weeks - 1) & (ties.origin == ONLINE) & ties.met & ~broken
    if survived.any():
        np.add.at(pop.fired["match"], a[survived], 1)
        np.add.at(pop.fired["match"], b[survived], 1)
        events.record(ctx.week, EventKind.FRIENDSHIP_LASTED, a[survived], b[survived])
        events.record(ctx.week, EventKind.FRIENDSHIP_LASTED, b[survived], a[survived])

    # ties that ended earlier this week at a first meeting that went badly (drop_later) leave at
    # the commit below too; that loss was already felt as a rejection (online_offline), so it
    # is not counted again here
    broken[ties.marked_to_drop()] = False
    ba, bb = a[broken], b[broken]
    # a lost tie hurts by its closeness: 0.3 for a close friend, under 0.03 for a faded acquaintance
    hurt = t.loss_hurt * np.sqrt(np.minimum(s[broken], t.close_friend_hours) / t.close_friend_hours)
    pop.rejection += (np.bincount(ba, hurt, minlength=pop.n) + np.bincount(bb, hurt, minlength=pop.n)).astype(f32)
    ctx.lost_this_week = np.bincount(ba, minlength=pop.n) + np.bincount(bb, minlength=pop.n)
    if events.any:
        events.record(ctx.week, EventKind.LOST_TIE, ba, bb, s[broken])     # value: hours of closeness lost
        events.record(ctx.week, EventKind.LOST_TIE, bb, ba, s[broken])
    np.minimum(ties.age + 1, 30000, out=ties.age, casting="unsafe")   # guard: int16 ages stop at 30000 weeks
    ties.contact[:] = False
    ties.commit(broken)   # drop broken and marked ties and merge this week's new ones in one pass


def step(sc, pop, ties, ctx, rng, events) -> None:
    _introductions(sc, pop, ties, ctx, rng, events)
    _dynamics(sc, pop, ties, ctx, rng, events)
