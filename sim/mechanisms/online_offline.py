"""Online to offline: online contacts become meetings, meetings become ties (M8, M9, M11).

For each online tie not yet met face to face and still on trial:

    p_meet = online_conversion * (0.5 + q) * relational(a) * relational(b)
             * (0.5 + mean confidence) * accompany

accompany = 1 + effectiveness for a supported client whose worker goes along to
first meetings (Connecting People: practical support); such meetings count as a
"worker bridge". A first meeting is contact that week (hours are added in ties)
and restarts the tie's trial: getting to know each other happens face to face. It goes badly with
chance 0.3 (1 - q) (1 + 0.5 relational difficulties) (1 - 0.3 moderation): the tie
breaks and both feel rejected, losing confidence and some trust (Heyes 2018).
"""

from __future__ import annotations

import numpy as np

from ..tiestore import ONLINE
from .common import reject, relational_factor


def step(model) -> None:
    sc, pop, rng, ties = model.sc, model.pop, model.rng, model.ties
    cand = (ties.origin == ONLINE) & ~ties.met & (ties.age < sc.ties.trial_weeks)
    if not cand.any():
        return
    e = np.flatnonzero(cand)
    a, b, q = ties.a[e], ties.b[e], ties.q[e]
    acc_on = sc.support.components.accompany
    acc_a = np.where((pop.support[a] == 1) & acc_on, pop.support_eff[a], 0.0)
    acc_b = np.where((pop.support[b] == 1) & acc_on, pop.support_eff[b], 0.0)
    accompany = 1.0 + np.maximum(acc_a, acc_b)
    conf = 0.5 + 0.5 * (pop.confidence[a] + pop.confidence[b])
    p = sc.effects.online_conversion * (0.5 + q) * relational_factor(model, a) * relational_factor(model, b) * conf * accompany
    meet = rng.random(len(e)) < np.clip(p, 0, 1)
    if not meet.any():
        return
    m = e[meet]
    rd_either = pop.reldiff[ties.a[m]] | pop.reldiff[ties.b[m]]
    p_bad = 0.3 * (1 - ties.q[m]) * (1 + 0.5 * rd_either) * (1 - 0.3 * sc.platform.moderation)
    bad = rng.random(len(m)) < p_bad
    good = m[~bad]
    ties.met[good] = True
    ties.contact[good] = True
    ties.age[good] = 0  # the trial starts again face to face
    helped = (acc_a[meet] > 0) | (acc_b[meet] > 0)
    ga, gb = ties.a[good], ties.b[good]
    hg = helped[~bad]
    np.add.at(pop.fired["bridge"], ga[hg & (pop.support[ga] == 1)], 1)
    np.add.at(pop.fired["bridge"], gb[hg & (pop.support[gb] == 1)], 1)
    model.events.record(model.week, "first_meeting", ga, gb, ties.q[good])
    model.events.record(model.week, "first_meeting", gb, ga, ties.q[good])
    bm = m[bad]
    ba, bb = ties.a[bm], ties.b[bm]
    for who, other in ((ba, bb), (bb, ba)):
        reject(model, who, 0.4)
        pop.trust[who] = np.maximum(0.0, pop.trust[who] - 0.02)
        model.events.record(model.week, "meeting_went_badly", who, other)
    ties.drop_later(bm)
