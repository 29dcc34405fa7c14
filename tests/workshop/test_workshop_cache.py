"""The classroom cache: one computation per key however many ask at once; failures are not stored."""

from __future__ import annotations

import threading
import time

import pytest

from dashboards.workshop.cache import CancelledWait, SharedCache


def test_same_key_is_computed_once_for_everybody_asking_at_once():
    cache = SharedCache()
    calls = []
    gate = threading.Event()

    def compute():
        calls.append(1)
        gate.wait(5)
        return {"answer": 42}

    out = []
    threads = [threading.Thread(target=lambda: out.append(cache.get("k", compute))) for _ in range(5)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    gate.set()
    for t in threads:
        t.join(5)
    assert len(calls) == 1 and cache.computed == 1
    assert len(out) == 5 and all(o is out[0] for o in out)
    assert cache.get("k", lambda: pytest.fail("stored values are not computed again")) is out[0]


def test_a_failure_is_not_stored_and_the_next_request_computes_again():
    cache = SharedCache()
    with pytest.raises(ZeroDivisionError):
        cache.get("k", lambda: 1 / 0)
    assert "k" not in cache
    assert cache.get("k", lambda: 7) == 7


def test_a_waiter_that_gives_up_raises_and_the_owner_still_stores():
    cache = SharedCache()
    gate = threading.Event()
    owner = threading.Thread(target=lambda: cache.get("k", lambda: (gate.wait(5), "v")[1]))
    owner.start()
    time.sleep(0.2)
    with pytest.raises(CancelledWait):
        cache.get("k", lambda: "other", cancel=lambda: True)
    gate.set()
    owner.join(5)
    assert cache.get("k", lambda: "other") == "v"


def test_oldest_entries_make_room():
    cache = SharedCache(size=2)
    for k in "abc":
        cache.get(k, lambda k=k: k.upper())
    assert "a" not in cache and len(cache) == 2
    with pytest.raises(ValueError, match="size: 0: must be at least 1"):
        SharedCache(0)
