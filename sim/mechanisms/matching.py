"""Matching: the platform proposes contacts beyond the user's own network (route a, c).

Each active user gets up to k = `suggestions_per_week` suggestions: a pool of
c = matching.candidates_per_suggestion * k (4k)
candidates is drawn uniformly, with replacement, from the users (the platform's wider
pool, route a), scored by the scenario's matching policy (sim/policies/matching.py),
and the k best kept. Self-pairs and pairs already tied are dropped, and a candidate
drawn twice can leave a user with fewer than k suggestions. The result is this week's list
of suggestions (user, candidate) for reaching_out.
"""

from __future__ import annotations

import numpy as np

from ..policies import MATCHING
from ..population import on_platform
from ..vocabulary import EventKind

def step(sc, pop, ties, ctx, rng, events) -> None:
    ctx.suggestions = (np.empty(0, np.int32), np.empty(0, np.int32))
    k = sc.platform.suggestions_per_week
    if not (sc.platform.enabled and ctx.intervening) or k == 0:
        return
    users = np.flatnonzero(on_platform(pop)).astype(np.int32)
    if len(users) < 2:
        return
    c = sc.matching.candidates_per_suggestion * k
    cands = users[rng.integers(0, len(users), (len(users), c))]
    scores = MATCHING[sc.platform.matching_policy](sc, pop, rng, users, cands).astype(np.float32)
    scores[cands == users[:, None]] = -np.inf
    k_eff = min(k, c)
    top = np.argpartition(-scores, k_eff - 1, axis=1)[:, :k_eff]
    # argpartition's order within the top k depends on the CPU's SIMD path: put each row's
    # picks in a machine-independent order (by candidate id) so the same seed gives the same run
    top = np.take_along_axis(top, np.argsort(np.take_along_axis(cands, top, axis=1), axis=1, kind="stable"), axis=1)
    chosen = np.take_along_axis(cands, top, axis=1)
    ok = np.isfinite(np.take_along_axis(scores, top, axis=1))
    u = np.repeat(users, k_eff)[ok.ravel()]
    v = chosen.ravel()[ok.ravel()]
    fresh = ~ties.exists(u, v)
    ctx.suggestions = (u[fresh], v[fresh])
    events.record(ctx.week, EventKind.SUGGESTED, u[fresh], v[fresh])
