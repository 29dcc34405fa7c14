"""A small shared cache for a classroom: the same run is computed once for everybody.

Every student runs an exercise with the same seed, and most with the same levers, so
their results are identical (same seed, same numbers). The first request computes;
requests for the same key that arrive meanwhile wait for it instead of computing again
on the same two cores; later ones get the stored result at once. A failed or cancelled
computation stores nothing: the next request computes again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable


class SharedCache:
    def __init__(self, size: int = 256):
        if size < 1:
            raise ValueError(f"size: {size}: must be at least 1")
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, threading.Event] = {}
        self.computed = 0          # how many times compute() ran to the end (tests, logs)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._entries

    def get(self, key: Hashable, compute: Callable[[], Any], cancel: Callable[[], bool] | None = None) -> Any:
        """The stored value of `key`, else compute() (once, however many ask at the same time).

        While another request computes the same key, wait for it (checking `cancel`, which
        should raise or return True to give up; giving up raises CancelledWait).
        """
        while True:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key]
                done = self._pending.get(key)
                owner = done is None
                if owner:
                    done = self._pending[key] = threading.Event()
            if owner:
                break
            while not done.wait(0.2):
                if cancel is not None and cancel():
                    raise CancelledWait("a newer request replaced this one while it waited")
            # the other computation finished (stored) or failed (not stored): look again
        try:
            value = compute()
            with self._lock:
                self._entries[key] = value
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
                self.computed += 1
            return value
        finally:
            with self._lock:
                self._pending.pop(key, None)
            done.set()


class CancelledWait(RuntimeError):
    """A request gave up waiting for someone else's computation of the same key."""
