"""Online to offline: online contacts become meetings, meetings become ties (M8, M9, M11).

For each online tie not yet met face to face and still on trial:

    p_meet = online_conversion * (match_base + q) * relational(a) * relational(b)
             * (confidence_base + confidence_weight (confidence_a + confidence_b)) * accompany

accompany = 1 + effectiveness for a supported client whose worker goes along to
first meetings (Connecting People: practical support); such meetings count as a
"worker bridge". A first meeting is contact that week (hours are added in ties)
and restarts the tie's trial: getting to know each other happens face to face. It goes badly with
chance bad_meeting (1 - q) (1 + bad_meeting_reldiff * relational difficulties of either)
(1 - bad_meeting_moderation * moderation) (0.3, 0.5, 0.3): the tie breaks and both feel
rejected (bad_meeting_rejection, 0.4), losing confidence and some trust
(bad_meeting_trust_loss, 0.02; Heyes 2018). Constants: scenario section `online_offline`.
"""

from __future__ import annotations

import numpy as np

from ..population import ON_CASELOAD
from ..tiestore import ONLINE
from ..vocabulary import EventKind
from .common import reject, relational_factor


def step(sc, pop, ties, ctx, rng, events) -> None:
    oo = sc.online_offline
    cand = (ties.origin == ONLINE) & ~ties.met & (ties.age < sc.ties.trial_weeks)
    if not cand.any():
        return
    e = np.flatnonzero(cand)
    a, b, q = ties.a[e], ties.b[e], ties.q[e]
    acc_on = sc.support.components.accompany
    acc_a = np.where((pop.support[a] == ON_CASELOAD) & acc_on, pop.support_eff[a], 0.0)
    acc_b = np.where((pop.support[b] == ON_CASELOAD) & acc_on, pop.support_eff[b], 0.0)
    accompany = 1.0 + np.maximum(acc_a, acc_b)
    conf = oo.confidence_base + oo.confidence_weight * (pop.confidence[a] + pop.confidence[b])
    p = sc.effects.online_conversion * (oo.match_base + q) * relational_factor(sc, pop, a) * relational_factor(sc, pop, b) * conf * accompany
    meet = rng.random(len(e)) < np.clip(p, 0, 1)
    if not meet.any():
        return
    m = e[meet]
    rd_either = pop.reldiff[ties.a[m]] | pop.reldiff[ties.b[m]]
    p_bad = (oo.bad_meeting * (1 - ties.q[m]) * (1 + oo.bad_meeting_reldiff * rd_either)
             * (1 - oo.bad_meeting_moderation * sc.platform.moderation))
    bad = rng.random(len(m)) < p_bad
    good = m[~bad]
    ties.met[good] = True
    ties.contact[good] = True
    ties.age[good] = 0  # the trial starts again face to face
    helped = (acc_a[meet] > 0) | (acc_b[meet] > 0)
    ga, gb = ties.a[good], ties.b[good]
    hg = helped[~bad]
    np.add.at(pop.fired["bridge"], ga[hg & (pop.support[ga] == ON_CASELOAD)], 1)
    np.add.at(pop.fired["bridge"], gb[hg & (pop.support[gb] == ON_CASELOAD)], 1)
    events.record(ctx.week, EventKind.FIRST_MEETING, ga, gb, ties.q[good])
    events.record(ctx.week, EventKind.FIRST_MEETING, gb, ga, ties.q[good])
    bm = m[bad]
    ba, bb = ties.a[bm], ties.b[bm]
    for who, other in ((ba, bb), (bb, ba)):
        reject(sc, pop, who, oo.bad_meeting_rejection)
        pop.trust[who] = np.maximum(0.0, pop.trust[who] - oo.bad_meeting_trust_loss)
        events.record(ctx.week, EventKind.MEETING_WENT_BADLY, who, other)
    ties.drop_later(bm)
