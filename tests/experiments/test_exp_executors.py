"""The executors' shared contract: run(fn, tasks) yields (index, ok, value) for every task,
failures as values, and stops (cancelling what is in flight) when asked. Checked on a
caller's concurrent.futures pool (FuturesExecutor) against the serial executor; the Dask
executor shares the same submission loop and is checked on a real cluster in
test_exp_cluster.py."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from experiments.executors import Cancelled, FuturesExecutor, SerialExecutor, make_executor


def square_or_fail(x: int) -> int:
    if x % 5 == 3:
        raise ValueError(f"task {x} fails on purpose")
    time.sleep(0.002 * (x % 3))          # finish out of order
    return x * x


def outcomes(executor, tasks):
    return {i: (ok, value if ok else str(value)) for i, ok, value in executor.run(square_or_fail, tasks)}


def test_a_futures_pool_gives_what_the_serial_executor_gives():
    tasks = list(range(40))
    with ThreadPoolExecutor(max_workers=3) as pool:
        ex = make_executor(pool)
        assert isinstance(ex, FuturesExecutor) and ex.workers == 3
        got = outcomes(ex, tasks)
    assert got == outcomes(SerialExecutor(), tasks)
    assert sorted(got) == tasks
    assert got[3] == (False, "task 3 fails on purpose") and got[4] == (True, 16)


def test_cancel_stops_the_run_and_leaves_the_rest_unsubmitted():
    started = []

    def quick(x):
        started.append(x)
        time.sleep(0.01)
        return x

    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=2) as pool:
        ex = FuturesExecutor(pool)
        run = ex.run(quick, range(200), cancel=stop)
        first = [next(run), next(run)]
        assert all(ok for _, ok, _ in first)
        stop.set()
        with pytest.raises(Cancelled):
            next(run)
    n = len(started)
    assert n <= 2 + 2 * ex._window() < 200         # a window or two was submitted, not the whole list
    time.sleep(0.1)
    assert len(started) == n                       # and nothing starts after the cancel
