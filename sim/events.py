"""A week-by-week story for chosen citizens (the dashboard's inspector, the workshop).

Only citizens marked as tracked are recorded, so recording costs nothing when no
one is followed. Each event is (week, citizen, kind, other, value); value is the
match quality for first_meeting, the hours of closeness for lost_tie, else NaN.
"""

from __future__ import annotations

import numpy as np


class EventLog:
    def __init__(self, n: int):
        self.tracked = np.zeros(n, dtype=bool)
        self.any = False
        self.rows: list[tuple[int, int, str, int, float]] = []
        self._by_citizen: dict[int, list[tuple[int, int, str, int, float]]] = {}
        self._indexed = 0
        self._indexed_list = self.rows

    def track(self, ids) -> None:
        self.tracked[np.asarray(ids, dtype=np.int64)] = True
        self.any = bool(self.tracked.any())

    def record(self, week: int, kind: str, who, other=None, value=None) -> None:
        if not self.any:
            return
        who = np.atleast_1d(np.asarray(who))
        sel = self.tracked[who]
        if not sel.any():
            return
        others = np.full(len(who), -1) if other is None else np.atleast_1d(np.asarray(other))
        values = np.full(len(who), np.nan) if value is None else np.broadcast_to(np.asarray(value, dtype=float), (len(who),))
        for i in np.flatnonzero(sel):
            self.rows.append((int(week), int(who[i]), kind, int(others[i]), float(values[i])))

    def for_citizen(self, cid: int) -> list[tuple[int, int, str, int, float]]:
        """This citizen's events in order (an index by citizen, kept up to date with rows)."""
        if self._indexed_list is not self.rows or self._indexed > len(self.rows):
            self._by_citizen, self._indexed, self._indexed_list = {}, 0, self.rows
        for row in self.rows[self._indexed:]:
            self._by_citizen.setdefault(row[1], []).append(row)
        self._indexed = len(self.rows)
        return list(self._by_citizen.get(int(cid), []))
