"""What the weekly mechanisms share, made explicit.

A mechanism is a plain function whose parameter names say what it reads and writes:

    def step(sc, pop, ties, ctx, rng, events): ...      # sim/mechanisms/online_offline.py

The names come from one list, INPUTS, and BelongingModel.apply(mechanism) calls the
function with the model's objects of those names. So a reader sees from a mechanism's
signature what it touches, and a test can call it with hand-made objects, no model.

What persists between weeks (the world):
    sc          the Scenario (read-only)
    pop         Population: every citizen's state (sim/population.py)
    ties        TieStore: the network (sim/tiestore.py)
    venues      Venues: the community activities (mechanisms/activities.py)
    workforce   Workforce: the support workers (mechanisms/support.py)
    costs       the cost ledger, {lever: total so far} (mechanisms/costs.py)
    rng         the model's seeded generator (model.rng): every random draw comes from it
    events      EventLog: the story of tracked citizens (sim/events.py)

What is handed on from one mechanism to another: ctx, a WeekContext with declared fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

INPUTS = ("sc", "pop", "ties", "venues", "workforce", "costs", "ctx", "rng", "events")


def _empty_pairs() -> tuple[np.ndarray, np.ndarray]:
    return np.empty(0, np.int32), np.empty(0, np.int32)


@dataclass
class WeekContext:
    """The clock and what one mechanism hands to another (who writes -> who reads).

    week, intervening: the clock (model); week 0 is the start of the intervention.
    lvl, wd, unmet_need: outcomes -> next week's mechanisms (the loneliness level 0-1, read
        by ties; the withdrawal factor 1 - withdrawal * lvl, read by reaching out,
        activities, encounters and ties; the unmet need to belong 0-1, read by encounters).
    suggestions: matching -> reaching_out, this week's (user, candidate) pairs.
    lost_this_week: ties -> observers (tests): ties each citizen lost this week.
    friends, friends_week: ties -> ties, the friends-of-friends snapshot for introductions
        and the week it was taken (refreshed every ties.SNAPSHOT_WEEKS).
    zeros: a float32 column of zeros (read-only; spares an allocation a week).
    """
    n: int
    week: int = 0
    intervening: bool = False
    lvl: np.ndarray | None = None
    wd: np.ndarray | None = None
    unmet_need: np.ndarray | None = None
    suggestions: tuple[np.ndarray, np.ndarray] = field(default_factory=_empty_pairs)
    lost_this_week: np.ndarray | None = None
    friends: tuple[np.ndarray, np.ndarray] | None = None
    friends_week: int = -10**6
    zeros: np.ndarray | None = None

    def __post_init__(self):
        if self.lost_this_week is None:
            self.lost_this_week = np.zeros(self.n, dtype=np.int64)
        if self.zeros is None:
            self.zeros = np.zeros(self.n, dtype=np.float32)
