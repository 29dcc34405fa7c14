"""The network citizens start with, before the burn-in lets it settle (M1, M4).

Kin: each citizen gets about 2.2 kin ties to citizens anywhere (families do not
share neighbourhoods), 60-300 h of closeness. Friends: Poisson((initial_ties - 2.2) / 2)
stubs, fewer (x0.7) after relational difficulties; 70% of partners live in the same
neighbourhood, 30% anywhere; of 3 candidates the best match is kept (homophily,
Asikainen et al. 2020); 20-250 h of closeness. The burn-in then reshapes this by
the weekly mechanisms. All sizes are assumptions tuned to Hill & Dunbar's inner
layers (~5 close, ~15 sympathy group).
"""

from __future__ import annotations

import numpy as np

from .population import match_quality
from .tiestore import KIN, NEIGHBOUR, TieStore


def initial_ties(sc, pop, rng) -> TieStore:
    n = pop.n
    ties = TieStore(n, node_flag=pop.reldiff)
    kin_k = rng.poisson(1.1, n)            # each tie has two ends: 1.1 stubs each -> ~2.2 kin
    u = np.repeat(np.arange(n, dtype=np.int32), kin_k)
    v = rng.integers(0, n, len(u)).astype(np.int32)
    ties.add(u, v, rng.uniform(60, 300, len(u)), match_quality(pop, u, v), KIN, True)

    mean_friends = max(sc.population.initial_ties - 2.2, 0.0) / 2
    lam = mean_friends * np.where(pop.reldiff, 0.7, 1.0)
    fk = rng.poisson(lam)
    u = np.repeat(np.arange(n, dtype=np.int32), fk)
    m = len(u)
    cands = np.empty((m, 3), dtype=np.int32)
    local = rng.random((m, 3)) < 0.7
    for j in range(3):
        near = pop.same_neighbourhood_partner(rng, u)
        far = rng.integers(0, n, m).astype(np.int32)
        cands[:, j] = np.where(local[:, j], near, far)
    q = np.stack([match_quality(pop, u, cands[:, j]) for j in range(3)], axis=1)
    best = np.argmax(q, axis=1)
    v = cands[np.arange(m), best]
    ties.add(u, v, rng.uniform(20, 250, m), q[np.arange(m), best], NEIGHBOUR, True)
    ties.flush()
    ties.age[:] = 100
    return ties
