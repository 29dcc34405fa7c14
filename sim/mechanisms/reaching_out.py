"""Reaching out: who writes to a suggested person and who answers (route b; M8, M9, M13).

    p_write = min(1, confidence + barrier_lowering) * write_rate * withdrawal(u)
    p_reply = (reply_base + reply_match q) * withdrawal(v) * relational(v)
              * (reply_unmoderated + reply_moderation * moderation)

(defaults 0.35; 0.35, 0.4; 0.7, 0.3: scenario section `reaching_out`.) Writing online
needs less confidence than approaching a stranger in person (Andersen et al. 2020,
route b): a writer whose confidence is below offline_approach_confidence (0.5), who
would not have made the approach offline, counts as "barrier overcome". A reply makes
an online tie (online_tie_hours, 3 hours of writing, not yet met; "reach" for both).
No reply is a small rejection (no_reply_rejection, 0.05).
"""

from __future__ import annotations

import numpy as np

from ..population import match_quality
from ..tiestore import ONLINE
from ..vocabulary import EventKind
from .common import reject, relational_factor, withdrawal

def step(sc, pop, ties, ctx, rng, events) -> None:
    u, v = ctx.suggestions
    if len(u) == 0:
        return
    ro = sc.reaching_out
    q = match_quality(pop, u, v)
    p_write = np.minimum(1.0, pop.confidence[u] + sc.platform.barrier_lowering) * ro.write_rate * withdrawal(ctx, u)
    write = rng.random(len(u)) < p_write
    p_reply = ((ro.reply_base + ro.reply_match * q) * withdrawal(ctx, v) * relational_factor(sc, pop, v)
               * (ro.reply_unmoderated + ro.reply_moderation * sc.platform.moderation))
    reply = write & (rng.random(len(u)) < p_reply)
    wu, wv = u[write], v[write]
    events.record(ctx.week, EventKind.WROTE, wu, wv)
    barrier = write & (pop.confidence[u] < ro.offline_approach_confidence)
    np.add.at(pop.fired["barrier"], u[barrier], 1)
    ru, rv = u[reply], v[reply]
    added = ties.add(ru, rv, ro.online_tie_hours, q[reply], ONLINE, False)
    ru, rv = ru[added], rv[added]
    np.add.at(pop.fired["reach"], ru, 1)
    np.add.at(pop.fired["reach"], rv, 1)
    pop.last_reply[ru] = ctx.week
    pop.last_reply[rv] = ctx.week
    events.record(ctx.week, EventKind.GOT_REPLY, ru, rv)
    events.record(ctx.week, EventKind.ANSWERED, rv, ru)
    unanswered = write & ~reply
    reject(sc, pop, u[unanswered], ro.no_reply_rejection)
    events.record(ctx.week, EventKind.NO_REPLY, u[unanswered], v[unanswered])
    events.record(ctx.week, EventKind.DID_NOT_ANSWER, v[unanswered], u[unanswered])
