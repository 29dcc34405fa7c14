"""TieStore: undirected ties as arrays kept sorted by key, unique, without self-ties."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.tiestore import BRIDGE, FIELDS, KIN, NEIGHBOUR, ONLINE, TieStore

N = 40


def check_invariants(t: TieStore, expected: dict | None = None):
    assert len(t.key) == len(t)
    for name in FIELDS:
        assert len(getattr(t, name)) == len(t), name
        assert getattr(t, name).dtype == FIELDS[name], name
    assert np.all(t.a < t.b), "a < b, no self-ties"
    assert np.all(t.key == t.a.astype(np.int64) * t.n + t.b)
    assert np.all(np.diff(t.key) > 0), "sorted and unique"
    if expected is not None:
        assert set(zip(t.a.tolist(), t.b.tolist())) == set(expected)
        for row, (a, b) in enumerate(zip(t.a.tolist(), t.b.tolist())):
            assert float(t.s[row]) == np.float32(expected[(a, b)]), (a, b)


def test_add_skips_self_pairs_repeats_and_existing_ties():
    t = TieStore(10)
    kept = t.add([1, 2, 3, 3, 5], [1, 7, 4, 4, 2], s=[1, 2, 3, 4, 5], q=0.5, origin=NEIGHBOUR, met=True)
    assert kept.tolist() == [False, True, True, False, True]
    assert len(t) == 0, "queued until flush"
    assert t.flush() == 3
    assert t.flush() == 0
    check_invariants(t, {(2, 7): 2, (3, 4): 3, (2, 5): 5})
    # existing (either orientation) and already queued pairs are skipped
    kept = t.add([7, 4, 0], [2, 3, 9], s=9, q=0.1, origin=KIN, met=False)
    assert kept.tolist() == [False, False, True]
    kept = t.add([9], [0], s=9, q=0.1, origin=KIN, met=False)
    assert kept.tolist() == [False]
    assert t.flush() == 1
    check_invariants(t, {(2, 7): 2, (3, 4): 3, (2, 5): 5, (0, 9): 9})
    row = t.index_of(np.array([9]), np.array([0]))[0]
    assert t.origin[row] == KIN and not t.met[row] and np.isclose(t.q[row], 0.1) and t.age[row] == 0


def test_exists_and_index_of_work_in_both_orientations():
    t = TieStore(100)
    u = np.array([5, 50, 3, 99, 0])
    v = np.array([6, 2, 97, 98, 1])
    t.add(u, v, s=np.arange(5), q=0.3, origin=ONLINE, met=False)
    t.flush()
    assert t.exists(u, v).all() and t.exists(v, u).all()
    rows = t.index_of(v, u)
    assert np.array_equal(np.minimum(u, v), t.a[rows]) and np.array_equal(np.maximum(u, v), t.b[rows])
    assert np.array_equal(t.s[rows], np.arange(5, dtype=np.float32))
    assert not t.exists(np.array([5, 7, 0]), np.array([7, 5, 99])).any()
    assert (t.index_of(np.array([5, 0]), np.array([7, 99])) == -1).all()
    empty = TieStore(10)
    assert not empty.exists(np.array([1]), np.array([2])).any()
    assert empty.index_of(np.array([1]), np.array([2])).tolist() == [-1]


def test_remove_keeps_order_and_fields_aligned():
    t = TieStore(20)
    pairs = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
    t.add([p[0] for p in pairs], [p[1] for p in pairs], s=[10, 20, 30, 40, 50], q=[0.1, 0.2, 0.3, 0.4, 0.5],
          origin=[KIN, NEIGHBOUR, ONLINE, BRIDGE, KIN], met=[True, False, True, False, True])
    t.flush()
    t.remove(np.array([False, True, False, True, False]))
    check_invariants(t, {(0, 1): 10, (4, 5): 30, (8, 9): 50})
    assert t.q.tolist() == [np.float32(0.1), np.float32(0.3), np.float32(0.5)]
    assert t.origin.tolist() == [KIN, ONLINE, KIN]
    t.remove(np.zeros(3, dtype=bool))
    assert len(t) == 3


def test_degree_node_sum_and_adjacency():
    t = TieStore(6)
    t.add([0, 0, 0, 1, 4], [1, 2, 3, 2, 5], s=[1, 2, 3, 4, 5], q=0.5, origin=NEIGHBOUR, met=True)
    t.flush()
    assert t.degree().tolist() == [3, 2, 2, 1, 1, 1]
    assert t.node_sum(t.s).tolist() == [6, 5, 6, 3, 5, 5]
    assert t.degree(mask=t.s >= 3).tolist() == [1, 1, 1, 1, 1, 1]
    adj = t.adjacency()
    indptr, nbrs = adj[0], adj[1]
    for i in range(6):
        assert sorted(nbrs[indptr[i]:indptr[i + 1]].tolist()) == sorted(
            [int(b) for a, b in zip(t.a, t.b) if a == i] + [int(a) for a, b in zip(t.a, t.b) if b == i])
    assert set(t.neighbours(0).tolist()) == {int(r) for r in t.index_of(np.array([0, 0, 0]), np.array([1, 2, 3]))}


ops = st.lists(st.one_of(
    st.tuples(st.just("add"), st.lists(st.tuples(st.integers(0, N - 1), st.integers(0, N - 1)), max_size=25)),
    st.tuples(st.just("flush")),
    st.tuples(st.just("remove"), st.integers(0, 2**32 - 1)),
), max_size=30)


@settings(max_examples=150, deadline=None)
@given(ops)
def test_random_operations_match_a_set_of_pairs(sequence):
    """Any sequence of add / flush / remove keeps the store equal to a plain set model."""
    t = TieStore(N)
    stored: dict[tuple[int, int], float] = {}
    queued: dict[tuple[int, int], float] = {}
    counter = 0
    for op in sequence:
        if op[0] == "add":
            pairs = op[1]
            u = np.array([p[0] for p in pairs], dtype=np.int32)
            v = np.array([p[1] for p in pairs], dtype=np.int32)
            s = np.arange(counter, counter + len(pairs), dtype=np.float32)
            counter += len(pairs)
            kept = t.add(u, v, s, 0.5, NEIGHBOUR, True)
            expect = []
            for (a, b), val in zip(pairs, s.tolist()):
                k = (min(a, b), max(a, b))
                ok = a != b and k not in stored and k not in queued
                if ok:
                    queued[k] = val
                expect.append(ok)
            assert kept.tolist() == expect
        elif op[0] == "flush":
            assert t.flush() == len(queued)
            stored.update(queued)
            queued.clear()
        else:
            rng = np.random.default_rng(op[1])
            drop = rng.random(len(t)) < 0.3
            for a, b in zip(t.a[drop].tolist(), t.b[drop].tolist()):
                del stored[(a, b)]
            t.remove(drop)
        check_invariants(t, stored)
        if stored:
            keys = list(stored)
            u = np.array([k[1] for k in keys])
            v = np.array([k[0] for k in keys])
            assert t.exists(u, v).all()
            rows = t.index_of(u, v)
            assert np.array_equal(t.s[rows], np.array([stored[k] for k in keys], dtype=np.float32))


def test_static_flags_follow_origin_and_node_flag():
    """The cached per-tie flags (kin, either end with relational difficulties) match their sources."""
    rng = np.random.default_rng(0)
    flag = rng.random(50) < 0.3
    t = TieStore(50, node_flag=flag)
    u, v = rng.integers(0, 50, 200), rng.integers(0, 50, 200)
    t.add(u, v, s=5.0, q=0.5, origin=rng.choice([KIN, NEIGHBOUR, ONLINE], 200).astype(np.int8), met=True)
    t.flush()
    t.remove(rng.random(len(t)) < 0.2)
    t.add(v, u, s=1.0, q=0.1, origin=BRIDGE, met=False)
    t.flush()
    check_invariants(t)
    assert np.array_equal(t.kin, t.origin == KIN)
    assert np.array_equal(t.rd, flag[t.a] | flag[t.b])
