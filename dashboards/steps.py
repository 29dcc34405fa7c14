"""A small shared pool that steps the sessions' models in turn (issue 16: fair share).

Every model's week runs here, not in the session's own thread: ten sessions playing at
once and one more pressing Step each get one week per turn. The pool keeps one queue per
session and a ring of the sessions that have work waiting; a worker takes the session at the
head of the ring, runs ONE of its jobs (one week), and puts the session at the back of the
ring if it has more. So a session that asks for a week waits for at most one job of every
other session that is waiting (plus the jobs already running), however many weeks the
others ask for.

Jobs run in the pool's threads, outside the session's Solara context: a job must not read
or set reactive values (it steps the model under its lock and returns what the page draws).
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future
from typing import Any, Callable, Hashable

from .settings import step_workers


class Cancelled(Exception):
    """The session's pending jobs were dropped (the session ended)."""


class FairPool:
    def __init__(self, workers: int, history: int = 10_000):
        self.workers = max(1, int(workers))
        self._cv = threading.Condition()
        self._queues: dict[Hashable, deque] = {}
        self._ring: deque = deque()
        self._threads: list[threading.Thread] = []
        self.served: deque = deque(maxlen=history)     # (session, job number) in the order served
        self._submitted = 0

    def _start(self) -> None:
        while len(self._threads) < self.workers:
            t = threading.Thread(target=self._work, name=f"belonging-step-{len(self._threads)}", daemon=True)
            self._threads.append(t)
            t.start()

    def submit(self, session: Hashable, fn: Callable[[], Any]) -> Future:
        """Queue one job (one week) of a session; its Future gives the job's result."""
        fut: Future = Future()
        with self._cv:
            self._start()
            self._submitted += 1
            q = self._queues.get(session)
            if q is None:
                q = self._queues[session] = deque()
                self._ring.append(session)
            q.append((fn, fut, self._submitted))
            self._cv.notify()
        return fut

    def run(self, session: Hashable, fn: Callable[[], Any], timeout: float | None = None) -> Any:
        """Submit and wait for the result (raises what the job raised)."""
        return self.submit(session, fn).result(timeout)

    def drop(self, session: Hashable) -> int:
        """Cancel a session's waiting jobs (a running one finishes); how many were dropped."""
        with self._cv:
            q = self._queues.pop(session, None)
            if q is None:
                return 0
            try:
                self._ring.remove(session)
            except ValueError:
                pass
        for _fn, fut, _n in q:
            fut.set_exception(Cancelled(f"session {session} ended"))
        return len(q)

    def waiting(self) -> dict:
        with self._cv:
            return {k: len(q) for k, q in self._queues.items()}

    def _work(self) -> None:
        while True:
            with self._cv:
                while not self._ring:
                    self._cv.wait()
                session = self._ring.popleft()
                q = self._queues[session]
                fn, fut, n = q.popleft()
                if q:
                    self._ring.append(session)      # its next week waits for everyone else's turn
                else:
                    del self._queues[session]
                self.served.append((session, n))
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn())
            except BaseException as exc:   # noqa: BLE001 - handed to the waiting session
                fut.set_exception(exc)


_pool: FairPool | None = None
_pool_lock = threading.Lock()


def pool() -> FairPool:
    """The server's one step pool ($BELONGING_DASHBOARD_STEP_WORKERS threads)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = FairPool(step_workers())
        return _pool
