"""Ties as arrays: one row an undirected tie, kept sorted by its key.

A tie joins citizens a < b; its key is a * n + b. Keeping the rows sorted by key
makes "is this pair already tied?" a binary search, and removal a boolean mask
that keeps the order. Strength is closeness in hours spent together (Hall 2018).
"""

from __future__ import annotations

import numpy as np

from . import kernels

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



def _found(sorted_keys: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Which of k are in sorted_keys (binary search)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(k), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, k), len(sorted_keys) - 1)
    return sorted_keys[pos] == k


def _column(value, dtype, keep: np.ndarray, n_new: int) -> np.ndarray:
    """A per-pair value (array) or one value for all, for the kept pairs."""
    if np.ndim(value) == 0:
        return np.full(n_new, value, dtype=dtype)
    return np.asarray(value, dtype=dtype)[keep]


class TieStore:
    def __init__(self, n: int, node_flag: np.ndarray | None = None):
        self.n = n
        self.node_flag = np.zeros(n, dtype=bool) if node_flag is None else node_flag
        for name, dt in FIELDS.items():
            setattr(self, name, np.empty(0, dtype=dt))
        self.key = np.empty(0, dtype=np.int64)
        self._pending: list[dict] = []
        self._doomed: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.a)

    def keys_of(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        lo = np.minimum(u, v).astype(np.int64)
        hi = np.maximum(u, v).astype(np.int64)
        return lo * self.n + hi

    def exists(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Boolean per pair: already tied?"""
        return _found(self.key, self.keys_of(u, v))

    def index_of(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Row of each pair's tie, -1 where untied."""
        k = self.keys_of(u, v)
        if len(self.key) == 0:
            return np.full(len(k), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.key, k), len(self.key) - 1)
        return np.where(self.key[pos] == k, pos, -1)

    def add(self, u, v, s, q, origin, met) -> np.ndarray:
        """Queue new ties (skipping self-pairs, repeats and existing ties); returns the kept-pair mask.

        New ties are merged into the sorted arrays once, by commit() (or flush()), so that a week
        with several tie-forming mechanisms copies the arrays once, not per mechanism.
        """
        u = np.asarray(u, dtype=np.int32)
        v = np.asarray(v, dtype=np.int32)
        m = len(u)
        if m == 0:
            return np.zeros(0, dtype=bool)
        k = self.keys_of(u, v)
        keep = (u != v) & ~_found(self.key, k)
        order = np.argsort(k, kind="stable")            # first occurrence of each pair only
        ks = k[order]
        first = np.ones(m, dtype=bool)
        first[1:] = ks[1:] != ks[:-1]
        keep[order[~first]] = False
        if self._pending:
            keep &= ~_found(np.sort(np.concatenate([p["key"] for p in self._pending])), k)
        if not keep.any():
            return keep
        lo = np.minimum(u, v)[keep]
        hi = np.maximum(u, v)[keep]
        n_new = int(keep.sum())
        self._pending.append({
            "key": k[keep], "a": lo, "b": hi,
            "s": _column(s, np.float32, keep, n_new),
            "q": _column(q, np.float32, keep, n_new),
            "origin": _column(origin, np.int8, keep, n_new),
            "age": np.zeros(n_new, dtype=np.int16),
            "met": _column(met, bool, keep, n_new),
            "contact": np.zeros(n_new, dtype=bool),
            "kin": _column(origin, np.int8, keep, n_new) == KIN,
            "rd": self.node_flag[lo] | self.node_flag[hi],
        })
        return keep

    def flush(self) -> int:
        """Merge queued ties into the sorted arrays; returns how many were added."""
        return self.commit(None)

    def remove(self, drop: np.ndarray) -> None:
        """Remove the ties where drop is True now (order kept); queued ties stay queued."""
        if not drop.any():
            return
        keep = ~drop
        self.key = self.key[keep]
        for name in FIELDS:
            setattr(self, name, getattr(self, name)[keep])

    def drop_later(self, rows: np.ndarray) -> None:
        """Mark ties to leave at the next commit (the week's single rewrite of the arrays)."""
        self._doomed.append(np.asarray(rows, dtype=np.int64))

    def take_doomed(self) -> np.ndarray:
        """Rows marked by drop_later since the last commit (and forget them)."""
        rows = np.concatenate(self._doomed) if self._doomed else np.empty(0, dtype=np.int64)
        self._doomed = []
        return rows

    def commit(self, drop: np.ndarray | None) -> int:
        """Remove the ties where drop is True (or marked by drop_later) and merge the queued
        ones, in one compiled pass over the store (kernels.merge_ties)."""
        if self._doomed:
            drop = np.zeros(len(self.key), dtype=bool) if drop is None else drop.copy()
            drop[np.concatenate(self._doomed)] = True
            self._doomed = []
        if not self._pending and (drop is None or not drop.any()):
            return 0
        keep = np.ones(len(self.key), dtype=bool) if drop is None else ~drop
        names = ["key", *FIELDS]
        if self._pending:
            new = [np.concatenate([p[name] for p in self._pending]) for name in names]
        else:
            new = [np.empty(0, dtype=dt) for dt in [np.int64, *FIELDS.values()]]
        self._pending = []
        order = np.argsort(new[0], kind="stable")
        merged = kernels.merge_ties(keep, order, *[getattr(self, name) for name in names], *new)
        for name, column in zip(names, merged):
            setattr(self, name, column)
        return len(order)

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
        """CSR view over both directions: (indptr, neighbours), by counting sort."""
        return kernels.adjacency(self.a, self.b, self.n)

    def neighbours(self, i: int) -> np.ndarray:
        """Rows of citizen i's ties (for inspection, not hot paths)."""
        return np.flatnonzero((self.a == i) | (self.b == i))
