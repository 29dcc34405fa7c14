"""Where runs execute: in this process, in local worker processes, or on a Dask cluster.

Every executor has one method, `run(fn, tasks, cancel=None)`, a generator that yields
`(index, ok, value)` as tasks finish (completion order): `value` is fn(task) when ok,
else the exception. `fn` must be a top-level function of an importable module and the
tasks plain picklable data, so the same call works with spawn/forkserver processes
and on remote Dask workers. Results never depend on where a task ran: each task
carries its own seed.

    make_executor(None)              local processes, one per core
    make_executor(4)                 four local processes (1: in this process)
    make_executor("serial")          in this process (debugging, tests)
    make_executor("tcp://host:8786") a Dask distributed scheduler
    make_executor(client)            an existing dask.distributed.Client
    make_executor(pool)              any concurrent.futures.Executor
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
import time
from collections import deque
from typing import Any, Callable, Iterable, Iterator


class Cancelled(RuntimeError):
    """The caller asked to stop (cancel event set or cancel() returned True)."""


class WorkerDied(RuntimeError):
    """A worker process exited while running a task (crash, out of memory, killed)."""


def cancel_requested(cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event) or hasattr(cancel, "is_set"):
        return bool(cancel.is_set())
    if callable(cancel):
        return bool(cancel())
    raise TypeError(f"cancel must be a threading.Event or a callable returning bool, not {type(cancel).__name__}")


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class SerialExecutor:
    """Runs every task in this process, one after another."""

    name = "serial"
    workers = 1

    def run(self, fn: Callable, tasks: Iterable[Any], cancel=None) -> Iterator[tuple[int, bool, Any]]:
        for i, task in enumerate(tasks):
            if cancel_requested(cancel):
                raise Cancelled("cancelled")
            try:
                value = fn(task)
            except Exception as exc:  # reported to the caller, which decides
                yield i, False, exc
                continue
            yield i, True, value

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return "this process"


class _FuturesMixin:
    """Windowed submission over concurrent.futures-like futures, with cancel."""

    poll = 0.2

    def _window(self) -> int:
        return max(4, 3 * self.workers)


def _windowed(tasks, cancel, window, submit, finished, outcome, drop):
    """Keep up to window() tasks in flight and yield (index, ok, value) as they finish.

    The pool-specific parts are passed in: submit(task) -> future; finished(futures) ->
    those done now (may wait a little); outcome(future) -> (ok, value); drop(futures)
    cancels what is still in flight when the caller stops early or cancels.
    """
    pending = deque(enumerate(tasks))
    inflight: dict = {}
    try:
        while pending or inflight:
            if cancel_requested(cancel):
                raise Cancelled("cancelled")
            if pending:
                limit = window()
                while pending and len(inflight) < limit:
                    i, task = pending.popleft()
                    inflight[submit(task)] = i
            for fut in finished(list(inflight)):
                yield (inflight.pop(fut), *outcome(fut))
    finally:
        if inflight:
            drop(list(inflight))


class ProcessExecutor(_FuturesMixin):
    """Local worker processes (forkserver on Linux, spawn elsewhere: safe with threads).

    A worker that dies (segfault, out of memory, SIGKILL) breaks the pool: the pool is
    restarted and the tasks that were in flight are retried one at a time, so only the
    task that kills its worker is reported failed (WorkerDied), never its neighbours.
    """

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = int(workers) if workers else cpu_count()
        if self.workers < 1:
            raise ValueError(f"workers: {workers!r}: must be at least 1")
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        self._ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            self._ctx.set_forkserver_preload(["sim", "experiments.runner"])
        self._pool = None

    def describe(self) -> str:
        return f"{self.workers} local process{'es' if self.workers != 1 else ''}"

    def _new_pool(self):
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx)
        return self._pool

    def run(self, fn, tasks, cancel=None):
        pending = deque(enumerate(tasks))
        suspects: deque = deque()   # in flight when a worker died: rerun one at a time
        inflight: dict[cf.Future, tuple[int, Any]] = {}
        isolating = False           # a suspect runs alone: if the pool breaks now, it was this task
        deaths = successes = 0
        pool = self._pool or self._new_pool()
        try:
            while pending or suspects or inflight:
                if cancel_requested(cancel):
                    raise Cancelled("cancelled")
                broken = False
                if not inflight:
                    isolating = bool(suspects)
                try:
                    queue, limit = (suspects, 1) if isolating else (pending, self._window())
                    while queue and len(inflight) < limit:
                        fut = pool.submit(fn, queue[0][1])      # may raise if the pool just broke
                        inflight[fut] = queue.popleft()
                except cf.process.BrokenProcessPool:
                    broken = True
                if not broken:
                    done, _ = cf.wait(list(inflight), timeout=self.poll, return_when=cf.FIRST_COMPLETED)
                    for fut in done:
                        item = inflight.pop(fut)
                        exc = fut.exception()
                        if exc is None:
                            successes += 1
                            yield item[0], True, fut.result()
                        elif isinstance(exc, cf.process.BrokenProcessPool):
                            broken = True
                            if isolating:
                                deaths += 1
                                if deaths >= 3 and not successes:
                                    raise WorkerDied(
                                        "local worker processes keep dying before finishing any task; from a "
                                        "script, put the call under `if __name__ == \"__main__\":` (worker "
                                        "processes import the main module), or use executor='serial' to see "
                                        f"the error ({exc})")
                                yield item[0], False, WorkerDied(
                                    f"the worker process died while running this task ({exc})")
                            else:
                                suspects.append(item)
                        else:
                            successes += 1
                            yield item[0], False, exc
                if broken:
                    suspects.extend(inflight.values())
                    inflight.clear()
                    pool = self._new_pool()
        finally:
            for fut in inflight:
                fut.cancel()
            if cancel_requested(cancel):
                self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class FuturesExecutor(_FuturesMixin):
    """Any concurrent.futures.Executor the caller owns (not shut down here)."""

    name = "futures"

    def __init__(self, pool: cf.Executor, workers: int | None = None):
        self._pool = pool
        self.workers = workers or getattr(pool, "_max_workers", None) or cpu_count()

    def describe(self) -> str:
        return f"{type(self._pool).__name__} ({self.workers} workers)"

    def run(self, fn, tasks, cancel=None):
        def outcome(fut):
            exc = fut.exception()
            return (True, fut.result()) if exc is None else (False, exc)

        def drop(futures):
            for fut in futures:
                fut.cancel()

        return _windowed(tasks, cancel, self._window, lambda task: self._pool.submit(fn, task),
                         lambda futures: cf.wait(futures, timeout=self.poll, return_when=cf.FIRST_COMPLETED)[0],
                         outcome, drop)

    def close(self) -> None:
        pass


class DaskExecutor(_FuturesMixin):
    """A Dask distributed cluster, by scheduler address or an existing Client.

    A Client made here from an address is closed by close(); a Client passed in is left
    open. Workers need this project installed (same versions) and import
    `experiments.runner` themselves.
    """

    name = "dask"

    def __init__(self, scheduler):
        from dask.distributed import Client
        if isinstance(scheduler, Client):
            self.client, self._own = scheduler, False
        else:
            try:
                self.client = Client(scheduler, timeout="20s")
            except OSError as exc:
                raise ConnectionError(
                    f"--scheduler {scheduler!r}: cannot reach a Dask scheduler there ({exc}); start one with "
                    "`dask scheduler` and workers with `dask worker ADDRESS` (see README, Experiments)") from None
            self._own = True
        threads = self.client.nthreads()
        self.workers = max(1, sum(threads.values()))
        self._asked = 0.0

    def describe(self) -> str:
        threads = self.client.nthreads()
        return f"Dask scheduler {self.client.scheduler.address} ({len(threads)} workers, {sum(threads.values())} threads)"

    def _window(self) -> int:
        # ask the cluster again (workers may join after start), at most once a second
        now = time.monotonic()
        if now - self._asked >= 1.0:
            self.workers = max(1, sum(self.client.nthreads().values()))
            self._asked = now
        return max(8, 3 * self.workers)

    def run(self, fn, tasks, cancel=None):
        def finished(futures):
            done = [f for f in futures if f.done()]
            if not done:
                time.sleep(0.02)
            return done

        def outcome(fut):
            if fut.status == "finished":
                result = (True, fut.result())
            else:
                exc = fut.exception()
                result = (False, exc if isinstance(exc, BaseException) else RuntimeError(str(exc)))
            fut.release()
            return result

        return _windowed(tasks, cancel, self._window, lambda task: self.client.submit(fn, task, pure=False),
                         finished, outcome, self.client.cancel)

    def close(self) -> None:
        if self._own:
            self.client.close()


def make_executor(spec=None, scheduler: str | None = None):
    """An executor from a loose description (see the module docstring)."""
    if scheduler:
        return DaskExecutor(scheduler)
    if spec is None or spec == "local":
        return ProcessExecutor()
    if isinstance(spec, (SerialExecutor, ProcessExecutor, FuturesExecutor, DaskExecutor)):
        return spec
    if isinstance(spec, bool):
        raise TypeError(f"executor: {spec!r}: expected a number of workers, 'serial', 'local', a scheduler address, "
                        "a dask Client or a concurrent.futures.Executor")
    if isinstance(spec, int):
        if spec < 1:
            raise ValueError(f"workers: {spec}: must be at least 1")
        return SerialExecutor() if spec == 1 else ProcessExecutor(spec)
    if isinstance(spec, str):
        if spec == "serial":
            return SerialExecutor()
        if "://" in spec or ":" in spec:
            return DaskExecutor(spec)
        raise ValueError(f"executor: {spec!r}: expected 'serial', 'local', a number of workers or a scheduler "
                         "address like tcp://host:8786")
    if isinstance(spec, cf.Executor):
        return FuturesExecutor(spec)
    try:
        from dask.distributed import Client
        if isinstance(spec, Client):
            return DaskExecutor(spec)
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"executor: {spec!r}: expected a number of workers, 'serial', 'local', a scheduler address, "
                    "a dask Client or a concurrent.futures.Executor")
