"""BelongingModel: citizens, a platform, support workers and community activities, week by week.

The state lives in numpy arrays (sim/population.py, sim/tiestore.py); each week the
mechanisms of sim/mechanisms run over whole columns in the order of WEEKLY_ORDER
(DESIGN.md). Each mechanism's parameters name what it reads and writes (sim/context.py):
the world that persists between weeks (pop, ties, venues, workforce, costs) and the
WeekContext `ctx` that one mechanism hands to the next; `apply` passes them by name.
Mesa supplies the shell: Citizen and SupportWorker agents that read their rows,
model.agents, DataCollector, SolaraViz.

Time: __init__ builds the population and runs the burn-in (the network settles
without intervention, weeks -burn_in..-1); week 0 is the start of the
intervention, and each step() is one intervention week.
"""

from __future__ import annotations

import inspect
from functools import partial
from time import perf_counter
from pathlib import Path
from typing import Any, Iterable, Mapping

import mesa
import numpy as np

from .agents import Citizen, SupportWorker
from .context import INPUTS, WeekContext
from .events import EventLog
from .mechanisms import (activities, costs, matching, onboarding, online_offline, outcomes,
                         platform_use, reaching_out, support, ties)
from .mechanisms.activities import Venues
from .mechanisms.support import Workforce
from .network_init import initial_ties
from .outcomes_table import OUTCOMES, citizen_outcomes, population_means, subgroup_table
from .population import ON_CASELOAD, Population, on_platform
from .scenarios.loader import load_scenario
from .scenarios.schema import Scenario

WEEKLY_ORDER = (
    ("outreach and onboarding", onboarding.step),
    ("platform use and dropout", platform_use.step),
    ("matching", matching.step),
    ("reaching out", reaching_out.step),
    ("online to offline", online_offline.step),
    ("activities and encounters", activities.step),
    ("support", support.step),
    ("ties", ties.step),
    ("outcomes", outcomes.step),
    ("costs", costs.step),
)

SERIES = OUTCOMES + ("platform_active", "platform_ever", "on_caseload", "ever_supported",
                     "ties", "activity_members", "cost")


class BelongingModel(mesa.Model):
    """One run of a scenario.

    Args:
        scenario: a preset name, a TOML path or a Scenario (default "baseline").
        citizens, weeks, seed: shortcuts for run.citizens, run.weeks, run.seed.
        overrides: dotted keys, {"support.workers": 10} or ["support.workers=10"].
        track: citizen rows whose week-by-week story is recorded (model.events).
        record_history: keep every citizen's UCLA-3 each week (model.history).
        timings: accumulate seconds per mechanism in model.timings (benchmarks).
        rng: accepted for Mesa compatibility; same as seed.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = "baseline",
        citizens: int | None = None,
        weeks: int | None = None,
        seed: int | None = None,
        overrides: Iterable[str] | Mapping[str, Any] | None = None,
        track: Iterable[int] | None = None,
        record_history: bool = False,
        timings: bool = False,
        rng: int | None = None,
    ):
        over = dict(load_overrides(overrides))
        if citizens is not None:
            over["run.citizens"] = citizens
        if weeks is not None:
            over["run.weeks"] = weeks
        if seed is None and rng is not None:
            seed = rng
        if seed is not None:
            over["run.seed"] = seed
        sc = load_scenario(scenario, over) if (over or not isinstance(scenario, Scenario)) else scenario
        super().__init__(rng=sc.run.seed)
        self.sc = sc
        self.timings = {name: 0.0 for name, _ in WEEKLY_ORDER} if timings else None
        clock = perf_counter()
        n = sc.run.citizens

        # Levers draw on child streams of model.rng, so that the population, the network and
        # the burn-in are the same for every scenario with the same seed and population
        # (common random numbers from week 0).
        venue_rng, worker_rng = self.rng.spawn(2)
        self.pop = Population(sc, self.rng)
        clock = self._time_build("build: population", clock)
        self.ties = initial_ties(sc, self.pop, self.rng)
        clock = self._time_build("build: initial ties", clock)
        self.venues = Venues(sc, self.pop, self.rng, venue_rng)
        self.workforce = Workforce(sc, n, worker_rng)
        self.events = EventLog(n)
        track = [] if track is None else [int(i) for i in np.asarray(track, dtype=np.int64).ravel()]
        bad = [i for i in track if not 0 <= i < n]
        if bad:
            raise ValueError(f"track: citizen rows {bad[:5]} are out of range; allowed: 0 to {n - 1}")
        if track:
            self.events.track(track)
        self.costs = {k: 0.0 for k in costs.LEVERS}
        self.ctx = WeekContext(n, week=-sc.run.burn_in)

        self._rows_assigned = 0
        self._citizens: list[Citizen] | None = None      # Mesa agents: built on first use (_ensure_agents)
        self._workers: list[SupportWorker] = []
        clock = self._time_build("build: venues and workers", clock)

        self.series = {k: np.full(sc.run.weeks + 1, np.nan) for k in SERIES}
        self.record_history = record_history
        self.history = np.zeros((sc.run.weeks + 1, n), dtype=np.int8) if record_history else None
        self.tracked_history: dict[int, list[int]] = {i: [] for i in track}

        self.apply(outcomes.step)
        for _ in range(sc.run.burn_in):
            self._week()
        self.week = 0
        self._start_intervention()
        self.datacollector = mesa.DataCollector(
            model_reporters={k: partial(_series_value, key=k) for k in SERIES})
        self.datacollector.collect(self)

    def _time_build(self, name: str, since: float) -> float:
        now = perf_counter()
        if self.timings is not None:
            self.timings[name] = now - since
        return now

    # -- the clock ----------------------------------------------------------
    @property
    def week(self) -> int:
        """The current week (negative during the burn-in; 0 is the start of the intervention)."""
        return self.ctx.week

    @week.setter
    def week(self, value: int) -> None:
        self.ctx.week = int(value)

    @property
    def intervening(self) -> bool:
        """Whether the intervention runs (False during the burn-in)."""
        return self.ctx.intervening

    # -- mechanisms ---------------------------------------------------------
    def inputs(self) -> dict[str, Any]:
        """The objects a mechanism may ask for by name (sim/context.py INPUTS)."""
        return {"sc": self.sc, "pop": self.pop, "ties": self.ties, "venues": self.venues,
                "workforce": self.workforce, "costs": self.costs, "ctx": self.ctx, "rng": self.rng,
                "events": self.events}

    def apply(self, mechanism, **extra) -> Any:
        """Call a mechanism (any function whose parameters are named from INPUTS) on this model."""
        names = _parameter_names(mechanism)
        given = self.inputs()
        given.update(extra)
        return mechanism(**{k: given[k] for k in names})

    # -- time -------------------------------------------------------------
    def _week(self) -> None:
        """Run every mechanism once, in the documented order."""
        given = self.inputs()
        for name, mech in WEEKLY_ORDER:
            args = {k: given[k] for k in _parameter_names(mech)}
            if self.timings is None:
                mech(**args)
            else:
                t0 = perf_counter()
                mech(**args)
                self.timings[name] += perf_counter() - t0
        self.ctx.week += 1

    def _start_intervention(self) -> None:
        pop, sc, wf = self.pop, self.sc, self.workforce
        self.ctx.intervening = True
        wf.pick_contacts(pop, self.rng)
        costs.start(sc, self.costs, wf)
        if sc.devices.target == "everyone" and wf.devices_left > 0:
            lacking = np.flatnonzero(~pop.has_device)
            lacking = lacking[self.rng.permutation(len(lacking))][: wf.devices_left]
            pop.device_given[lacking] = True
            wf.devices_left -= len(lacking)
            wf.devices_given += len(lacking)
            self.costs["devices"] = wf.devices_given * sc.costs.device
        for m in pop.fired.values():
            m[:] = 0
        pop.ever_supported[:] = False
        self.start_values = citizen_outcomes(pop)
        self.start_ties = self.ties.degree()
        self._record()

    def step(self) -> None:
        """One intervention week."""
        if self.week >= self.sc.run.weeks:
            self.running = False
            return
        self._week()
        self._record()
        self.datacollector.collect(self)
        if self.week >= self.sc.run.weeks:
            self.running = False

    def run(self, progress=None) -> "BelongingModel":
        """Run the remaining intervention weeks; progress(week, weeks) is called after each."""
        while self.running and self.week < self.sc.run.weeks:
            self.step()
            if progress is not None:
                progress(self.week, self.sc.run.weeks)
        return self

    # -- observation ------------------------------------------------------
    def _record(self) -> None:
        pop, w = self.pop, self.week
        means = population_means(pop)
        for k, v in means.items():
            self.series[k][w] = v
        self.series["platform_active"][w] = np.count_nonzero(on_platform(pop))
        self.series["platform_ever"][w] = np.count_nonzero(pop.joined_week >= 0)
        self.series["on_caseload"][w] = np.count_nonzero(pop.support == ON_CASELOAD)
        self.series["ever_supported"][w] = np.count_nonzero(pop.ever_supported)
        self.series["ties"][w] = len(self.ties)
        self.series["activity_members"][w] = np.count_nonzero(pop.activity >= 0)
        self.series["cost"][w] = sum(self.costs.values())
        if self.history is not None:
            self.history[w] = pop.ucla
        for cid, traj in self.tracked_history.items():
            traj.append(int(pop.ucla[cid]))

    # -- the Mesa face -----------------------------------------------------
    def _ensure_agents(self) -> None:
        """Create the Citizen and SupportWorker agents, once, the first time anyone asks for them.

        Why lazily: the mechanisms never touch agents (they work on the arrays), and
        creating one Python object per citizen through Mesa costs about 5 s per million
        citizens, which sweeps and benchmarks would pay for nothing. Anything that looks
        (model.agents, agents_by_type, DataCollector agent reporters, SolaraViz,
        model.citizen(row), model.workers) gets them built through Mesa's own API, in
        row order, so unique_id = row + 1 for citizens, then the workers.
        """
        if self._citizens is not None:
            return
        self._citizens = [Citizen(self) for _ in range(self.pop.n)]
        self._workers = [SupportWorker(self, i) for i in range(self.workforce.n)]

    @property
    def agents(self):
        """All agents (Mesa's AgentSet); see _ensure_agents."""
        self._ensure_agents()
        return self._all_agents

    @property
    def agents_by_type(self):
        self._ensure_agents()
        return self._agents_by_type

    @property
    def agent_types(self) -> list[type]:
        self._ensure_agents()
        return list(self._agents_by_type.keys())

    @property
    def workers(self) -> list[SupportWorker]:
        """The SupportWorker agents, in row order of model.workforce."""
        self._ensure_agents()
        return self._workers

    def citizen(self, row: int) -> Citizen:
        """The Citizen agent of a row of the state arrays."""
        self._ensure_agents()
        agent = self._citizens[row]
        assert agent.row == row
        return agent

    def outcomes(self) -> dict[str, dict[str, float]]:
        """Each outcome's population value at the start and now."""
        return {k: {"start": float(self.series[k][0]), "end": float(self.series[k][self.week])} for k in OUTCOMES}

    def subgroups(self):
        """The CMO table: outcome start/end means and mechanisms fired, by subgroup."""
        return subgroup_table(self)

    def timeseries(self):
        """Weekly population series as a DataFrame (week 0 is the start of the intervention)."""
        import pandas as pd
        df = pd.DataFrame({k: v[: self.week + 1] for k, v in self.series.items()})
        df.insert(0, "week", np.arange(self.week + 1))
        return df

    def citizen_table(self):
        """One row per citizen: context, outcomes at start and now, mechanisms fired."""
        import pandas as pd
        from .outcomes_table import subgroup_labels
        pop = self.pop
        df = subgroup_labels(pop)
        df.insert(0, "citizen", np.arange(pop.n))
        df["literacy"] = pop.literacy
        df["mental_health_condition"] = pop.mh
        df["stigma"] = pop.stigma
        df["platform_state"] = pop.platform
        df["joined_week"] = pop.joined_week
        end = citizen_outcomes(pop)
        for k in OUTCOMES:
            df[f"{k}_start"] = self.start_values[k]
            df[f"{k}_end"] = end[k]
        for m, v in pop.fired.items():
            df[f"fired_{m}"] = v
        return pd.DataFrame(df)

    def no_longer_lonely(self) -> int:
        """Citizens lonely at the start (UCLA-3 >= 6) who are not lonely now."""
        return int(np.count_nonzero((self.start_values["lonely_share"] > 0) & (self.pop.ucla < 6)))

    def total_cost(self) -> float:
        return float(sum(self.costs.values()))


_NAMES: dict[Any, tuple[str, ...]] = {}


def _parameter_names(fn) -> tuple[str, ...]:
    """The parameter names of a mechanism, checked against INPUTS once per function."""
    names = _NAMES.get(fn)
    if names is None:
        names = tuple(inspect.signature(fn).parameters)
        unknown = [k for k in names if k not in INPUTS]
        if unknown:
            raise TypeError(f"mechanism {fn.__module__}.{fn.__qualname__} asks for {unknown}; "
                            f"a mechanism's parameters are named from {INPUTS}")
        _NAMES[fn] = names
    return names


def _series_value(model, key: str) -> float:
    """DataCollector reporter: this week's value of one series (a partial of it pickles, a lambda would not)."""
    return float(model.series[key][model.week])


def load_overrides(overrides):
    from .scenarios.loader import parse_overrides
    return parse_overrides(overrides)
