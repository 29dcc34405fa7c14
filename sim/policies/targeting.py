"""Targeting policies: whom support workers take on first from the referral list.

A policy is a function (pop, waiting) -> priority, one number per waiting
citizen; higher is seen first, ties broken by referral order then at random.
Register a new one with @policy("name"). "none" means no one is taken on.
"""

from __future__ import annotations

import numpy as np

TARGETING: dict = {}


def policy(name):
    def register(fn):
        TARGETING[name] = fn
        return fn
    return register


@policy("none")
def none(pop, waiting):
    """No support is given (workers, if any, are not deployed)."""
    return None


@policy("first_come")
def first_come(pop, waiting):
    """In order of referral."""
    return -pop.referred_week[waiting].astype(np.float32)


@policy("low_literacy_first")
def low_literacy_first(pop, waiting):
    """Lowest digital literacy first (Andersen et al. 2020: they need support to use the platform)."""
    return 1.0 - pop.literacy[waiting]


@policy("relational_first")
def relational_first(pop, waiting):
    """Earlier relational difficulties first, then the least confident."""
    return pop.reldiff[waiting] + (1.0 - pop.confidence[waiting])


@policy("most_lonely_first")
def most_lonely_first(pop, waiting):
    """Highest loneliness first."""
    return pop.lonely_latent[waiting]


@policy("needs_based")
def needs_based(pop, waiting):
    """A combination: loneliness, low literacy, relational difficulties, no device.

    The equal weights are the definition of this policy (a planner who wants other
    weights writes another policy), not a behavioural assumption."""
    lonely = np.clip((pop.ucla[waiting] - 3) / 6, 0, 1)
    return (lonely + (1 - pop.literacy[waiting]) + pop.reldiff[waiting]
            + ~(pop.has_device[waiting] | pop.device_given[waiting])) / 4
