"""Matching policies: how the platform ranks candidate contacts for a user (route a and c).

A policy is a function (sc, pop, rng, users, cands) -> scores, where users has shape (m,)
and cands (m, C) holds C candidate citizens per user; the platform suggests each
user's top-scoring candidates. To add a policy, write one function here and
register it with @policy("name"); the scenario schema lists the names.
"""

from __future__ import annotations

import numpy as np

from ..population import match_quality, proximity, shared_interests

MATCHING: dict = {}


def policy(name):
    def register(fn):
        MATCHING[name] = fn
        return fn
    return register


def _noise(sc, rng, shape):
    """Random spread (matching.noise) so that equal candidates are not always taken in id order."""
    return sc.matching.noise * rng.random(shape, dtype=np.float32)


@policy("random")
def random(sc, pop, rng, users, cands):
    """No ranking: any active user is as likely as any other."""
    return rng.random(cands.shape, dtype=np.float32)


@policy("interests")
def interests(sc, pop, rng, users, cands):
    """Shared interests first (homophily, Asikainen et al. 2020)."""
    u = np.broadcast_to(users[:, None], cands.shape)
    return shared_interests(pop.interests[u], pop.interests[cands]) + _noise(sc, rng, cands.shape)


@policy("proximity")
def nearby(sc, pop, rng, users, cands):
    """Nearest first: people who can meet easily."""
    u = np.broadcast_to(users[:, None], cands.shape)
    return proximity(pop, u.ravel(), cands.ravel()).reshape(cands.shape) + _noise(sc, rng, cands.shape)


@policy("relational_match")
def relational_match(sc, pop, rng, users, cands):
    """Interests, proximity and complementary needs together (route c, Andersen et al. 2020)."""
    u = np.broadcast_to(users[:, None], cands.shape)
    q = match_quality(pop, u.ravel(), cands.ravel()).reshape(cands.shape)
    return q + _noise(sc, rng, cands.shape)


@policy("isolated_first")
def isolated_first(sc, pop, rng, users, cands):
    """Relational match, with the loneliest candidates shown first so they receive contact
    (+ matching.isolated_boost per unit of loneliness level)."""
    iso = np.clip((pop.ucla[cands].astype(np.float32) - 3) / 6, 0, 1)     # loneliness level (definition)
    return relational_match(sc, pop, rng, users, cands) + sc.matching.isolated_boost * iso
