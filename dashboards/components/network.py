"""The sampled ego-network of one citizen: their ties and some of their ties' ties (never thousands)."""

from __future__ import annotations

import numpy as np


def ego_sample(ties, ucla: np.ndarray, center: int, max_nodes: int, seed: int):
    """Nodes, edges (u, v, hours) and loneliness of a sampled 2-step ego-network around `center`.

    All of the centre's ties are kept (up to max_nodes - 1, strongest first); the rest of the
    places go to friends of friends drawn with a generator seeded from `seed` and the centre.
    """
    a, b, s = ties.a, ties.b, ties.s
    rows = np.flatnonzero((a == center) | (b == center))
    first = np.where(a[rows] == center, b[rows], a[rows])
    first = first[np.argsort(-s[rows], kind="stable")][: max_nodes - 1]
    chosen = [int(center)] + [int(x) for x in first]
    room = max_nodes - len(chosen)
    if room > 0 and len(first):
        mask = np.isin(a, first) | np.isin(b, first)
        cand = np.unique(np.concatenate([a[mask], b[mask]]))
        cand = np.setdiff1d(cand, np.asarray(chosen))
        if len(cand) > room:
            rng = np.random.default_rng([int(seed), int(center)])
            cand = np.sort(rng.choice(cand, room, replace=False))
        chosen += [int(x) for x in cand]
    nodes = np.asarray(chosen)
    inside = np.isin(a, nodes) & np.isin(b, nodes)
    edges = [(int(u), int(v), float(w)) for u, v, w in zip(a[inside], b[inside], s[inside])]
    return chosen, edges, {int(n): int(ucla[n]) for n in chosen}
