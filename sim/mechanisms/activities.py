"""Community activities and everyday encounters: people meet offline (M1; CPI engagement).

Venues. Each activity has a neighbourhood, an interest and `size` places. Those that
exist anyway run throughout, burn-in included; those funded by the intervention
(`new_per_1000`) open when the intervention starts.

Joining. A citizen not in an activity looks for one with weekly chance
join_rate * (join_confidence_base + confidence) * withdrawal
* (1 - stigma_weight * stigma * mh * stigma_share), times (1 + support_link_boost e) when
their worker links them to activities (e = effectiveness; defaults 0.3, 0.5, 3).
They look at options_considered (3) random open activities and take the best by shared
interest and nearness; the group accepts them with chance accept_base + accept_interest *
interest match (0.5, 0.5), times (1 - stigma / stigma_acceptance_divisor) for a citizen
with a mental-health condition (stigma, Heyes 2018: a third lower only at stigma 1), times
(1 + e) when the worker goes along (accompany).

Attending and meeting. Members attend with chance attend_rate * withdrawal and
leave with chance leave_base + leave_lonely * loneliness level (0.02, 0.05). Each
attendee meets meetings_per_attendance (2) random co-attendees that week: an existing tie
gets contact; otherwise a tie forms with chance tie_chance (tie_match_base + q)
(tie_confidence_base + confidence of the one who speaks first) (0.3, 0.5, 0.5).

Encounters. With weekly chance encounter_rate * withdrawal * (1 + reconnection_drive *
unmet need) (drive 2) a citizen runs into a random neighbour (loneliness is also a signal
to reconnect, Cacioppo & Hawkley 2009; the size of the drive is an assumption): contact if
tied, else a tie forms with chance encounter_tie_chance q (tie_confidence_base + confidence) (0.15;
homophily: Asikainen et al. 2020). Constants: scenario section `activities`.
"""

from __future__ import annotations

import numpy as np

from ..population import INTERESTS, ON_CASELOAD, match_quality
from ..tiestore import ACTIVITY, NEIGHBOUR
from ..vocabulary import EventKind
from .common import loneliness_level, withdrawal


class Venues:
    """The community activities of a model run."""

    def __init__(self, sc, pop, rng, new_rng):
        """Existing activities draw on rng, funded ones on new_rng (a lever must not shift
        the random stream of the burn-in)."""
        n = pop.n
        base = int(round(sc.activities.per_1000 * n / 1000))
        new = int(round(sc.activities.new_per_1000 * n / 1000))
        total = base + new
        self.count = total
        self.n_new = new
        self.nbhd = np.concatenate([rng.integers(0, pop.n_neighbourhoods, base),
                                    new_rng.integers(0, pop.n_neighbourhoods, new)]).astype(np.int32)
        self.interest = np.concatenate([rng.integers(0, len(INTERESTS), base),
                                        new_rng.integers(0, len(INTERESTS), new)]).astype(np.int8)
        self.size = np.full(total, sc.activities.size, dtype=np.int32)
        self.is_new = np.zeros(total, dtype=bool)
        self.is_new[base:] = True
        self.members = np.zeros(total, dtype=np.int32)

    def open_mask(self, intervening: bool) -> np.ndarray:
        return ~self.is_new | intervening


def _join(sc, pop, venues, ctx, rng, events) -> None:
    ac = sc.activities
    open_ = venues.open_mask(ctx.intervening) & (venues.members < venues.size)
    open_idx = np.flatnonzero(open_)
    if len(open_idx) == 0:
        return
    out = pop.activity < 0
    link = (pop.support == ON_CASELOAD) & sc.support.components.activities_link
    eff = np.where(link, pop.support_eff, 0.0)
    p = (ac.join_rate * (ac.join_confidence_base + pop.confidence) * withdrawal(ctx)
         * (1 - sc.effects.stigma_weight * pop.stigma * pop.mh * ac.stigma_share) * (1 + ac.support_link_boost * eff))
    seek = np.flatnonzero(out & (rng.random(pop.n) < p))
    if len(seek) == 0:
        return
    options = open_idx[rng.integers(0, len(open_idx), (len(seek), ac.options_considered))]
    bits = (1 << venues.interest[options].astype(np.uint16)).astype(np.uint16)
    interest_match = ((pop.interests[seek][:, None] & bits) > 0).astype(np.float32)
    d = np.hypot(pop.nb_x[pop.nbhd[seek]][:, None] - pop.nb_x[venues.nbhd[options]],
                 pop.nb_y[pop.nbhd[seek]][:, None] - pop.nb_y[venues.nbhd[options]])
    score = interest_match + 1.0 / (1.0 + d)      # definition of the choice: interest, then nearness (as proximity())
    best = np.argmax(score, axis=1)
    act = options[np.arange(len(seek)), best]
    im = interest_match[np.arange(len(seek)), best]
    acc = sc.support.components.accompany & (pop.support[seek] == ON_CASELOAD)
    p_accept = ((ac.accept_base + ac.accept_interest * im) * (1 - pop.stigma[seek] * pop.mh[seek] / ac.stigma_acceptance_divisor)
                * (1 + np.where(acc, pop.support_eff[seek], 0)))
    ok = rng.random(len(seek)) < np.clip(p_accept, 0, 1)
    who, act = seek[ok], act[ok]
    # respect capacity: first come within the week
    order = np.argsort(act, kind="stable")
    who, act = who[order], act[order]
    start = np.searchsorted(act, act)
    rank = np.arange(len(act)) - start
    fits = rank < (venues.size[act] - venues.members[act])
    who, act = who[fits], act[fits]
    pop.activity[who] = act
    np.add.at(venues.members, act, 1)
    events.record(ctx.week, EventKind.JOINED_ACTIVITY, who, act)


def _leave(sc, pop, venues, ctx, rng, events) -> None:
    ac = sc.activities
    member = np.flatnonzero(pop.activity >= 0)
    if len(member) == 0:
        return
    p = ac.leave_base + ac.leave_lonely * loneliness_level(pop, member)
    closed = ~venues.open_mask(ctx.intervening)[pop.activity[member]]
    go = member[(rng.random(len(member)) < p) | closed]
    np.subtract.at(venues.members, pop.activity[go], 1)
    events.record(ctx.week, EventKind.LEFT_ACTIVITY, go, pop.activity[go])
    pop.activity[go] = -1


def _meet_pairs(pop, ties, ctx, rng, events, u, v, p_new, origin, hours) -> None:
    """Pairs who met: contact on existing ties, a new tie with chance p_new otherwise."""
    row = ties.index_of(u, v)
    known = row >= 0
    r = row[known]
    ties.contact[r] = True
    ties.met[r] = True
    fresh = ~known & (rng.random(len(u)) < p_new)
    q = match_quality(pop, u[fresh], v[fresh])
    added = ties.add(u[fresh], v[fresh], hours, q, origin, True)
    fu, fv = u[fresh][added], v[fresh][added]
    kind = EventKind.NEW_TIE_ACTIVITY if origin == ACTIVITY else EventKind.NEW_TIE_NEIGHBOUR
    events.record(ctx.week, kind, fu, fv)
    events.record(ctx.week, kind, fv, fu)


def _attend(sc, pop, ties, venues, ctx, rng, events) -> None:
    member = np.flatnonzero(pop.activity >= 0)
    pop.attended[:] = False
    if len(member) == 0:
        return
    go = member[rng.random(len(member)) < sc.activities.attend_rate * withdrawal(ctx, member)]
    pop.attended[go] = True
    if len(go) < 2:
        return
    act = pop.activity[go]
    order = np.argsort(act, kind="stable")
    go, act = go[order], act[order]
    start = np.searchsorted(act, act)
    size = np.searchsorted(act, act, side="right") - start
    us, vs = [], []
    for _ in range(sc.activities.meetings_per_attendance):
        partner = go[start + (rng.random(len(go)) * size).astype(np.int64)]
        us.append(go)
        vs.append(partner)
    u, v = np.concatenate(us), np.concatenate(vs)
    keep = u != v
    u, v = u[keep], v[keep]
    q = match_quality(pop, u, v)
    ac = sc.activities
    p_new = ac.tie_chance * (ac.tie_match_base + q) * (ac.tie_confidence_base + pop.confidence[u])
    _meet_pairs(pop, ties, ctx, rng, events, u, v, p_new, ACTIVITY, sc.ties.hours_per_meeting)


def _encounters(sc, pop, ties, ctx, rng, events) -> None:
    drive = 1.0 + sc.activities.reconnection_drive * ctx.unmet_need
    who = np.flatnonzero(rng.random(pop.n) < sc.ties.encounter_rate * withdrawal(ctx) * drive)
    if len(who) == 0:
        return
    other = pop.same_neighbourhood_partner(rng, who)
    keep = other != who
    u, v = who[keep].astype(np.int32), other[keep]
    q = match_quality(pop, u, v)
    p_new = sc.activities.encounter_tie_chance * q * (sc.activities.tie_confidence_base + pop.confidence[u])
    _meet_pairs(pop, ties, ctx, rng, events, u, v, p_new, NEIGHBOUR, sc.ties.hours_per_meeting)


def step(sc, pop, ties, venues, ctx, rng, events) -> None:
    if venues.count:
        _leave(sc, pop, venues, ctx, rng, events)
        _join(sc, pop, venues, ctx, rng, events)
        _attend(sc, pop, ties, venues, ctx, rng, events)
    _encounters(sc, pop, ties, ctx, rng, events)
