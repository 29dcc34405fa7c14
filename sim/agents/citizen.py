"""Citizen: a Mesa agent whose attributes read and write its row of the model's arrays.

The weekly mechanisms work on whole columns (sim/mechanisms); a Citizen is how a
person looks from outside: `model.agents_by_type[Citizen].select(lambda c: c.lonely)`,
DataCollector agent reporters and the dashboard's inspector all work on it.
"""

from __future__ import annotations

import mesa
import numpy as np

from ..population import INTERESTS, PLATFORM_STATES, RESOURCES, SUPPORT_STATES


def _column(name, cast):
    def get(self):
        return cast(getattr(self.model.pop, name)[self.row])

    def set_(self, value):
        getattr(self.model.pop, name)[self.row] = value

    return property(get, set_, doc=f"This citizen's `{name}` (row of model.pop.{name}).")


class Citizen(mesa.Agent):
    """One citizen. State lives in model.pop; this object is a view of row `row`."""

    def __init__(self, model):
        super().__init__(model)
        self.row = model._rows_assigned
        model._rows_assigned += 1

    literacy = _column("literacy", float)
    low_literacy = _column("low_literacy", bool)

    @property
    def relational_difficulties(self) -> bool:
        return bool(self.model.pop.reldiff[self.row])

    @relational_difficulties.setter
    def relational_difficulties(self, value: bool) -> None:
        """Also refresh the fragility flag that this citizen's ties keep (TieStore.rd)."""
        pop, ties = self.model.pop, self.model.ties
        pop.reldiff[self.row] = bool(value)
        rows = ties.neighbours(self.row)
        ties.rd[rows] = pop.reldiff[ties.a[rows]] | pop.reldiff[ties.b[rows]]
    mental_health_condition = _column("mh", bool)
    need_to_belong = _column("need", float)
    confidence = _column("confidence", float)
    stigma = _column("stigma", float)
    trust = _column("trust", float)
    has_device = _column("has_device", bool)
    home_privacy = _column("privacy", bool)
    neighbourhood = _column("nbhd", int)
    loneliness = _column("ucla", int)
    wellbeing = _column("wellbeing", float)
    belonging = _column("belonging", float)
    lsns = _column("lsns", int)
    network_size = _column("network_size", int)
    social_capital = _column("social_capital", int)

    @property
    def lonely(self) -> bool:
        return self.loneliness >= 6

    @property
    def isolated(self) -> bool:
        return self.lsns < 12

    @property
    def interests(self) -> list[str]:
        bits = int(self.model.pop.interests[self.row])
        return [name for j, name in enumerate(INTERESTS) if bits >> j & 1]

    @property
    def resources(self) -> list[str]:
        bits = int(self.model.pop.resources[self.row])
        return [name for j, name in enumerate(RESOURCES) if bits >> j & 1]

    @property
    def platform_state(self) -> str:
        return PLATFORM_STATES[self.model.pop.platform[self.row]]

    @property
    def support_state(self) -> str:
        return SUPPORT_STATES[self.model.pop.support[self.row]]

    @property
    def supported(self) -> bool:
        return bool(self.model.pop.ever_supported[self.row])

    @property
    def worker(self):
        w = int(self.model.pop.worker[self.row])
        return None if w < 0 else self.model.workers[w]

    def ties(self) -> list[dict]:
        """This citizen's ties: the other citizen's row, hours together, origin, met, weeks old."""
        from ..tiestore import ORIGINS
        t = self.model.ties
        rows = t.neighbours(self.row)
        other = np.where(t.a[rows] == self.row, t.b[rows], t.a[rows])
        return [
            {"other": int(o), "hours": float(t.s[r]), "origin": ORIGINS[t.origin[r]], "met": bool(t.met[r]),
             "weeks": int(t.age[r]), "match_quality": float(t.q[r])}
            for o, r in zip(other, rows)
        ]

    def mechanisms(self) -> dict[str, int]:
        """How often each CMO mechanism fired for this citizen during the intervention."""
        return {m: int(v[self.row]) for m, v in self.model.pop.fired.items()}

    def story(self) -> list[tuple]:
        """Recorded events (week, kind, other) if this citizen is tracked."""
        return [(w, k, o) for (w, _, k, o, _) in self.model.events.for_citizen(self.row)]

    def step(self) -> None:
        """Citizens act through the model's vectorised weekly mechanisms, not one by one."""
