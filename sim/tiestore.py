"""Ties as arrays: one row an undirected tie, kept sorted by its key.

A tie joins citizens a < b; its key is a * n + b. Keeping the rows sorted by key
keeps each citizen's ties (as lower end) in one run of rows, so "is this pair already
tied?" is a scan of that citizen's few rows (kernels.tie_rows, through row_starts), and
removal a boolean mask that keeps the order. Strength is closeness in hours spent together (Hall 2018).
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


def _column(value, dtype, keep: np.ndarray, n_kept: int) -> np.ndarray:
    """A per-pair value (array) or one value for all, for the n_kept kept pairs."""
    if isinstance(value, np.ndarray):
        return value.astype(dtype, copy=False)[keep]
    if np.ndim(value) == 0:
        column = np.empty(n_kept, dtype=dtype)
        column.fill(value)
        return column
    return np.asarray(value, dtype=dtype)[keep]


class TieStore:
    def __init__(self, n: int, node_flag: np.ndarray | None = None):
        self.n = n
        self.node_flag = np.zeros(n, dtype=bool) if node_flag is None else node_flag
        for name, dt in FIELDS.items():
            setattr(self, name, np.empty(0, dtype=dt))
        self.key = np.empty(0, dtype=np.int64)
        self._pending: list[dict] = []                      # queued new ties (key, a, b, s, q, origin, met)
        self._pending_keys = np.empty(0, dtype=np.int64)    # their keys, sorted
        self._starts_of: np.ndarray | None = None            # the `a` array that _starts indexes
        self._starts = np.zeros(n + 1, dtype=np.int64)
        self._doomed: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.a)

    def exists(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Boolean per pair: already tied?"""
        return self.index_of(u, v) >= 0

    def index_of(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Row of each pair's tie, -1 where untied."""
        return kernels.tie_rows(np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64), self.b, self.row_starts())

    def row_starts(self) -> np.ndarray:
        """Where each citizen's ties as lower end start (kernels.row_starts), rebuilt when the
        arrays have been replaced (commit, flush, remove)."""
        if self._starts_of is not self.a:
            self._starts = kernels.row_starts(self.a, self.n)
            self._starts_of = self.a
        return self._starts

    def add(self, u, v, s, q, origin, met) -> np.ndarray:
        """Queue new ties (skipping self-pairs, repeats and existing ties); returns the kept-pair mask.

        New ties are merged into the sorted arrays once, by commit() at the end of the week's
        ties step (together with the removals; flush() when the initial network is built), so
        that a week with several tie-forming mechanisms copies the arrays once, not per mechanism.
        """
        u = np.asarray(u, dtype=np.int32)
        v = np.asarray(v, dtype=np.int32)
        if len(u) == 0:
            return np.zeros(0, dtype=bool)
        k, lo, hi, keep = kernels.new_pairs(u, v, self.n, self.b, self.row_starts(), self._pending_keys)
        if not keep.any():
            return keep
        n_kept = int(np.count_nonzero(keep))
        self._pending.append({
            "key": k[keep], "a": lo[keep], "b": hi[keep],
            "s": _column(s, np.float32, keep, n_kept),
            "q": _column(q, np.float32, keep, n_kept),
            "origin": _column(origin, np.int8, keep, n_kept),
            "met": _column(met, bool, keep, n_kept),
        })
        self._pending_keys = np.sort(np.concatenate([self._pending_keys, k[keep]]))
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

    def marked_to_drop(self) -> np.ndarray:
        """Rows marked by drop_later since the last commit (which drops them)."""
        return np.concatenate(self._doomed) if self._doomed else np.empty(0, dtype=np.int64)

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
        new = self._take_pending()
        new = [new[name] for name in names]
        order = np.argsort(new[0], kind="stable")
        merged = kernels.merge_ties(keep, order, *[getattr(self, name) for name in names], *new)
        for name, column in zip(names, merged):
            setattr(self, name, column)
        return len(order)

    def _take_pending(self) -> dict[str, np.ndarray]:
        """The queued ties as columns of every field (and forget them): new ties start at
        age 0 without contact; kin and rd follow from origin and the ends' flags."""
        if self._pending:
            new = {name: np.concatenate([p[name] for p in self._pending]) for name in self._pending[0]}
        else:
            new = {name: np.empty(0, dtype=FIELDS.get(name, np.int64))
                   for name in ("key", "a", "b", "s", "q", "origin", "met")}
        self._pending = []
        self._pending_keys = np.empty(0, dtype=np.int64)
        m = len(new["key"])
        new["age"] = np.zeros(m, dtype=np.int16)
        new["contact"] = np.zeros(m, dtype=bool)
        new["kin"] = new["origin"] == KIN
        new["rd"] = self.node_flag[new["a"]] | self.node_flag[new["b"]]
        return new

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
