"""Ties as arrays: one row an undirected tie, kept sorted by its key.

A tie joins citizens a < b; its key is a * n + b. Keeping the rows sorted by key
makes "is this pair already tied?" a binary search, and removal a boolean mask
that keeps the order. Strength is closeness in hours spent together (Hall 2018).
"""

from __future__ import annotations

import numpy as np

# where a tie came from (origin codes)
KIN, NEIGHBOUR, ONLINE, ACTIVITY, BRIDGE, INTRODUCED = 0, 1, 2, 3, 4, 5
ORIGINS = ("kin", "neighbour", "online", "activity", "bridge", "introduced")

FIELDS = {
    "a": np.int32,
    "b": np.int32,
    "s": np.float32,        # strength: hours together
    "q": np.float32,        # relational match quality of the pair (0-1)
    "origin": np.int8,
    "age": np.int16,        # weeks since formed (capped)
    "met": np.bool_,        # met face to face at least once
    "contact": np.bool_,    # had contact this week
    "kin": np.bool_,        # origin == KIN (static, kept to spare a comparison every week)
    "rd": np.bool_,         # either end has earlier relational difficulties (static trait)
}


class TieStore:
    def __init__(self, n: int, node_flag: np.ndarray | None = None):
        self.n = n
        self.node_flag = np.zeros(n, dtype=bool) if node_flag is None else node_flag
        for name, dt in FIELDS.items():
            setattr(self, name, np.empty(0, dtype=dt))
        self.key = np.empty(0, dtype=np.int64)
        self._pending: list[dict] = []

    def __len__(self) -> int:
        return len(self.a)

    def keys_of(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        lo = np.minimum(u, v).astype(np.int64)
        hi = np.maximum(u, v).astype(np.int64)
        return lo * self.n + hi

    def exists(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Boolean per pair: already tied?"""
        k = self.keys_of(u, v)
        if len(self.key) == 0:
            return np.zeros(len(k), dtype=bool)
        pos = np.searchsorted(self.key, k)
        pos = np.minimum(pos, len(self.key) - 1)
        return self.key[pos] == k

    def index_of(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Row of each pair's tie, -1 where untied."""
        k = self.keys_of(u, v)
        if len(self.key) == 0:
            return np.full(len(k), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.key, k), len(self.key) - 1)
        return np.where(self.key[pos] == k, pos, -1)

    def add(self, u, v, s, q, origin, met) -> np.ndarray:
        """Queue new ties (skipping self-pairs, repeats and existing ties); returns the kept-pair mask.

        New ties are merged into the sorted arrays once, by flush(), so that a week
        with several tie-forming mechanisms copies the arrays once, not per mechanism.
        """
        u = np.asarray(u, dtype=np.int32)
        v = np.asarray(v, dtype=np.int32)
        m = len(u)
        if m == 0:
            return np.zeros(0, dtype=bool)
        k = self.keys_of(u, v)
        keep = (u != v) & ~self.exists(u, v)
        _, first = np.unique(k, return_index=True)
        uniq = np.zeros(m, dtype=bool)
        uniq[first] = True
        keep &= uniq
        if self._pending:
            keep &= ~np.isin(k, np.concatenate([p["key"] for p in self._pending]))
        if not keep.any():
            return keep
        lo = np.minimum(u, v)[keep]
        hi = np.maximum(u, v)[keep]
        n_new = int(keep.sum())
        self._pending.append({
            "key": k[keep], "a": lo, "b": hi,
            "s": np.broadcast_to(np.asarray(s, dtype=np.float32), (m,))[keep],
            "q": np.broadcast_to(np.asarray(q, dtype=np.float32), (m,))[keep],
            "origin": np.broadcast_to(np.asarray(origin, dtype=np.int8), (m,))[keep],
            "age": np.zeros(n_new, dtype=np.int16),
            "met": np.broadcast_to(np.asarray(met, dtype=bool), (m,))[keep],
            "contact": np.zeros(n_new, dtype=bool),
            "kin": np.broadcast_to(np.asarray(origin, dtype=np.int8), (m,))[keep] == KIN,
            "rd": self.node_flag[lo] | self.node_flag[hi],
        })
        return keep

    def flush(self) -> int:
        """Merge queued ties into the sorted arrays; returns how many were added."""
        if not self._pending:
            return 0
        new = {name: np.concatenate([p[name] for p in self._pending]) for name in ["key", *FIELDS]}
        self._pending = []
        order = np.argsort(new["key"], kind="stable")
        m = len(order)
        pos = np.searchsorted(self.key, new["key"][order])
        is_new = np.zeros(len(self.key) + m, dtype=bool)
        is_new[pos + np.arange(m)] = True
        is_old = ~is_new
        for name, dt in [("key", np.int64), *FIELDS.items()]:
            old = getattr(self, name)
            merged = np.empty(len(is_new), dtype=dt)
            merged[is_new] = new[name][order]
            merged[is_old] = old
            setattr(self, name, merged)
        return m

    def remove(self, drop: np.ndarray) -> None:
        """Remove the ties where drop is True (order kept)."""
        if not drop.any():
            return
        keep = ~drop
        self.key = self.key[keep]
        for name in FIELDS:
            setattr(self, name, getattr(self, name)[keep])

    # per-citizen aggregates ------------------------------------------------
    def node_sum(self, weights: np.ndarray | None = None, mask: np.ndarray | None = None) -> np.ndarray:
        """Sum of a tie quantity over each citizen's ties (both ends)."""
        a, b = self.a, self.b
        w = weights
        if mask is not None:
            a, b = a[mask], b[mask]
            w = None if weights is None else weights[mask]
        return (np.bincount(a, w, minlength=self.n) + np.bincount(b, w, minlength=self.n))

    def degree(self, mask: np.ndarray | None = None) -> np.ndarray:
        return self.node_sum(None, mask).astype(np.int32)

    def adjacency(self):
        """CSR view over both directions: (indptr, neighbours).

        Sorted by a two-pass 16-bit radix sort (numpy's stable sort of uint16 keys
        is a radix sort): several times faster than a stable argsort of int32, and,
        unlike the default quicksort, the same order on every machine.
        """
        src = np.concatenate([self.a, self.b])
        dst = np.concatenate([self.b, self.a])
        order = np.argsort((src & 0xFFFF).astype(np.uint16), kind="stable")
        if self.n > 0xFFFF:
            order = order[np.argsort((src[order] >> 16).astype(np.uint16), kind="stable")]
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=self.n), out=indptr[1:])
        return indptr, dst[order]

    def neighbours(self, i: int) -> np.ndarray:
        """Rows of citizen i's ties (for inspection, not hot paths)."""
        return np.flatnonzero((self.a == i) | (self.b == i))
