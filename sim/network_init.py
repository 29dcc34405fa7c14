"""The network citizens start with, before the burn-in lets it settle (M1, M4).

Kin: each citizen has Poisson(kin_stubs) kin tie ends (1.1: about 2.2 kin ties each)
to citizens anywhere (families do not share neighbourhoods), kin_hours_low to
kin_hours_high (60-300 h) of closeness. Friends: Poisson((initial_ties - 2 kin_stubs) / 2)
stubs, fewer (x friends_ratio_reldiff, 0.7) after relational difficulties; a share
local_share (70%) of partners live in the same neighbourhood, the rest anywhere; of
`candidates` (3) the best match is kept (homophily, Asikainen et al. 2020);
friend_hours_low to friend_hours_high (20-250 h) of closeness. The burn-in then
reshapes this by the weekly mechanisms. All sizes (scenario section `network`) are
assumptions tuned to Hill & Dunbar's inner layers (~5 close, ~15 sympathy group).
"""

from __future__ import annotations

import numpy as np

from .population import match_quality
from .tiestore import KIN, NEIGHBOUR, TieStore


def initial_ties(sc, pop, rng) -> TieStore:
    n = pop.n
    net = sc.network
    ties = TieStore(n, node_flag=pop.reldiff)
    kin_k = rng.poisson(net.kin_stubs, n)      # each tie has two ends: 1.1 stubs each -> ~2.2 kin
    u = np.repeat(np.arange(n, dtype=np.int32), kin_k)
    v = rng.integers(0, n, len(u)).astype(np.int32)
    ties.add(u, v, rng.uniform(net.kin_hours_low, net.kin_hours_high, len(u)), match_quality(pop, u, v), KIN, True)

    mean_friends = max(sc.population.initial_ties - 2 * net.kin_stubs, 0.0) / 2
    lam = mean_friends * np.where(pop.reldiff, net.friends_ratio_reldiff, 1.0)
    fk = rng.poisson(lam)
    u = np.repeat(np.arange(n, dtype=np.int32), fk)
    m = len(u)
    c = net.candidates
    cands = np.empty((m, c), dtype=np.int32)
    local = rng.random((m, c)) < net.local_share
    for j in range(c):
        near = pop.same_neighbourhood_partner(rng, u)
        far = rng.integers(0, n, m).astype(np.int32)
        cands[:, j] = np.where(local[:, j], near, far)
    q = np.stack([match_quality(pop, u, cands[:, j]) for j in range(c)], axis=1)
    best = np.argmax(q, axis=1)
    v = cands[np.arange(m), best]
    ties.add(u, v, rng.uniform(net.friend_hours_low, net.friend_hours_high, m), q[np.arange(m), best], NEIGHBOUR, True)
    ties.flush()
    ties.age[:] = max(100, sc.ties.trial_weeks)   # definition: settled ties, past any trial
    return ties
