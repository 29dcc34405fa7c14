"""Compare scenarios over common random numbers: differences with intervals, for whom, at what cost.

    from experiments import compare
    c = compare(["baseline", "platform_only", "platform_with_support"], replicates=10)
    c.to_frame()            # long table: scenario, subgroup, outcome, diff, ci_low, ci_high, ...
    c.to_dict()             # the same as JSON-ready data (what `belonging compare --json` prints)
    c.costs_frame()         # cost-effectiveness: total cost, cost per person no longer lonely, ICER
    c.cmo_frame()           # which mechanisms fired for whom, per scenario
    c.summary_sentences()   # plain-language findings

Design. Replicate r of every scenario runs with seed `seed + r` (common random
numbers): the same citizens, drawn the same way, meet each policy. Every difference
is scenario minus the first scenario (the baseline) within a replicate, and its 95%
interval is a t-interval over the replicates' paired differences.

Subgroups are digital literacy x relational history (traits fixed when the population
is drawn, so the same citizens in every scenario) x supported, where "supported"
means supported *in the scenario being compared*. When both scenarios draw the same
population (same population settings and size), the baseline value of a subgroup is
the baseline outcome of exactly those citizens, so each subgroup difference is what
the scenario changed for them. Otherwise groups are matched by label
(`paired_by_citizen` is false).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

# outcomes, subgroups and their words, mechanisms: the one vocabulary's (sim/vocabulary.py)
from sim.vocabulary import (ALL, LOWER_IS_BETTER, MECHANISMS, OUTCOME_WORDS, SHARE_OUTCOMES, SUBGROUP_CITIZENS,
                            SUBGROUPS)

from . import stats
from .executors import make_executor
from .runner import comparison_run


class ComparisonError(RuntimeError):
    """A comparison that cannot run as asked (a run failed, scenarios that cannot be paired)."""


def _group_codes(low_lit, reldiff, supported):
    """Codes 0..7 over (literacy low/high) x (difficulties/secure) x (supported yes/no)."""
    return (~low_lit).astype(np.int64) * 4 + (~reldiff).astype(np.int64) * 2 + (~supported).astype(np.int64)


def _code_labels():
    out = []
    for lit in SUBGROUPS["digital_literacy"]:
        for rel in SUBGROUPS["relational_history"]:
            for sup in SUBGROUPS["supported"]:
                out.append((lit, rel, sup))
    return out


CODE_LABELS = _code_labels()
# margins: (dimension, level) -> the codes it covers
MARGINS = {(dim, lvl): [c for c, lab in enumerate(CODE_LABELS) if lab[d] == lvl]
           for d, dim in enumerate(SUBGROUPS) for lvl in SUBGROUPS[dim]}


def resolve_scenarios(scenarios, citizens=None, weeks=None, overrides=None, labels=None):
    """Load and validate every scenario (before anything runs): [(label, Scenario)]."""
    from sim import Scenario, load_scenario
    from sim.scenarios.loader import parse_overrides

    if isinstance(scenarios, (str, Path, Scenario)):
        scenarios = [scenarios]
    scenarios = list(scenarios)
    if len(scenarios) < 2:
        raise ValueError(f"compare needs at least two scenarios (the first is the baseline); got {len(scenarios)}")
    over = dict(parse_overrides(overrides))
    if citizens is not None:
        over["run.citizens"] = citizens
    if weeks is not None:
        over["run.weeks"] = weeks
    loaded = [load_scenario(s, over) for s in scenarios]
    if labels is not None:
        labels = [str(x) for x in labels]
        if len(labels) != len(loaded) or len(set(labels)) != len(labels):
            raise ValueError(f"labels: {labels!r}: need {len(loaded)} distinct labels, one per scenario")
    else:
        labels, seen = [], {}
        for sc in loaded:
            seen[sc.name] = seen.get(sc.name, 0) + 1
            labels.append(sc.name if seen[sc.name] == 1 else f"{sc.name} ({seen[sc.name]})")
    for field in ("citizens", "weeks"):
        values = {lab: getattr(sc.run, field) for lab, sc in zip(labels, loaded)}
        if len(set(values.values())) > 1:
            listing = ", ".join(f"{k}: {v}" for k, v in values.items())
            raise ValueError(f"scenarios differ in run.{field} ({listing}); a paired comparison needs one value: "
                             f"pass {field}=N (--{field} N)")
    return list(zip(labels, loaded))


def compare(
    scenarios: Iterable,
    replicates: int = 10,
    citizens: int | None = None,
    weeks: int | None = None,
    seed: int | None = None,
    overrides: Iterable[str] | Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor=None,
    cancel=None,
    labels: list[str] | None = None,
    confidence: float = stats.CONFIDENCE,
) -> "Comparison":
    """Run every scenario over the same replicate seeds and compare each with the first.

    scenarios: preset names, .toml paths or sim.Scenario objects; the first is the baseline.
    replicates: runs per scenario (seeds seed, seed+1, ...; seed defaults to the
        baseline's run.seed). At least 2 for intervals.
    citizens, weeks, overrides: applied to every scenario (overrides as for sim).
    progress: called as progress(runs_done, runs_total) after each run.
    executor: None (local processes, one per core), a number of processes, "serial",
        a Dask scheduler address or Client, a concurrent.futures.Executor, or an
        executor from experiments.executors.
    cancel: a threading.Event or a callable; when set/true the comparison stops and
        raises experiments.Cancelled.
    """
    if isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer)) or replicates < 1:
        raise ValueError(f"replicates: {replicates!r}: must be a whole number >= 1 (>= 2 for intervals)")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: {confidence!r}: must be between 0 and 1")
    pairs = resolve_scenarios(scenarios, citizens, weeks, overrides, labels)
    seed = int(pairs[0][1].run.seed if seed is None else seed)
    from sim import __version__
    if seed < 0 or seed + replicates - 1 > 2**63 - 1:
        raise ValueError(f"seed: {seed}: must be between 0 and 2**63 - {replicates}")
    seeds = [seed + r for r in range(int(replicates))]
    k = len(pairs)
    tasks = [{"scenario": sc, "seed": s} for s in seeds for _, sc in pairs]
    acc = _Accumulator([lab for lab, _ in pairs], len(seeds))
    own = not hasattr(executor, "run")
    ex = make_executor(executor)
    done = 0
    try:
        for i, ok, value in ex.run(comparison_run, tasks, cancel):
            r, s = divmod(i, k)
            if not ok:
                raise ComparisonError(f"scenario {pairs[s][0]!r}, replicate {r} (seed {seeds[r]}) failed: "
                                      f"{type(value).__name__}: {value}") from value
            acc.add(s, r, value)
            done += 1
            if progress is not None:
                progress(done, len(tasks))
    finally:
        if own:
            ex.close()
    return Comparison(pairs, seeds, acc, confidence, __version__)


class _Accumulator:
    """Collects runs as they finish; pairs each with its baseline run and drops the arrays."""

    def __init__(self, labels, replicates):
        self.labels = labels
        self.k = len(labels)
        self.R = replicates
        self.runs: dict[tuple[int, int], dict] = {}
        self.waiting: dict[tuple[int, int], dict] = {}   # arrays not yet paired
        self.paired: dict[tuple[int, int], dict] = {}

    def add(self, s, r, res):
        arrays = {k: res.pop(k) for k in ("low_literacy", "reldiff", "supported", "end")}
        self.runs[(s, r)] = res
        self.waiting[(s, r)] = arrays
        base = self.waiting.get((0, r))
        if base is None:
            return
        for j in range(1, self.k):
            if (j, r) in self.waiting and (j, r) not in self.paired:
                self.paired[(j, r)] = _pair(base, self.waiting[(j, r)])
                del self.waiting[(j, r)]
        if all((j, r) in self.paired for j in range(1, self.k)):
            del self.waiting[(0, r)]


def _pair(base, scen) -> dict:
    """Per-group means of baseline and scenario for one replicate (groups from the scenario)."""
    same_pop = (len(base["low_literacy"]) == len(scen["low_literacy"])
                and np.array_equal(base["low_literacy"], scen["low_literacy"])
                and np.array_equal(base["reldiff"], scen["reldiff"]))
    codes_s = _group_codes(scen["low_literacy"], scen["reldiff"], scen["supported"])
    codes_b = codes_s if same_pop else _group_codes(base["low_literacy"], base["reldiff"], base["supported"])
    n_s = np.bincount(codes_s, minlength=8).astype(np.float64)
    n_b = np.bincount(codes_b, minlength=8).astype(np.float64)
    out = {"same_pop": same_pop, "n": n_s, "sum_s": {}, "sum_b": {}, "n_b": n_b}
    for o, v in scen["end"].items():
        out["sum_s"][o] = np.bincount(codes_s, weights=v.astype(np.float64), minlength=8)
        out["sum_b"][o] = np.bincount(codes_b, weights=base["end"][o].astype(np.float64), minlength=8)
    return out


def _nan_div(a, b):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)


class Comparison:
    """The result of compare(): paired differences, subgroups, costs, the CMO view."""

    def __init__(self, pairs, seeds, acc: _Accumulator, confidence: float, model_version: str):
        from sim import OUTCOMES, scenario_hash
        self.labels = [lab for lab, _ in pairs]
        self.scenarios = {lab: sc for lab, sc in pairs}
        self.baseline = self.labels[0]
        self.seeds = list(seeds)
        self.replicates = len(seeds)
        self.confidence = confidence
        self.model_version = model_version
        self.citizens = pairs[0][1].run.citizens
        self.weeks = pairs[0][1].run.weeks
        self.outcome_names = tuple(OUTCOMES)
        self.hashes = {lab: scenario_hash(sc) for lab, sc in pairs}
        self._runs = acc.runs
        self._paired = acc.paired
        prints = {res.get("model_fingerprint") for res in acc.runs.values()}
        if len(prints) > 1:
            raise ComparisonError(f"runs came from different model code (fingerprints {', '.join(sorted(map(str, prints)))}): "
                                  "install the same version of the project on every worker")
        self.model_fingerprint = prints.pop()
        self.paired_by_citizen = {lab: all(acc.paired[(j, r)]["same_pop"] for r in range(self.replicates))
                                  for j, lab in enumerate(self.labels) if j}
        self._build()

    # -- computation ------------------------------------------------------
    def _build(self):
        K, R = len(self.labels), self.replicates
        O = self.outcome_names
        end = np.array([[[self._runs[(s, r)]["outcomes"][o]["end"] for o in O] for r in range(R)] for s in range(K)])
        start = np.array([[[self._runs[(s, r)]["outcomes"][o]["start"] for o in O] for r in range(R)] for s in range(K)])
        self._end, self._start = end, start
        rows = []
        for s, lab in enumerate(self.labels):
            for oi, o in enumerate(O):
                m, lo, hi = stats.mean_interval(end[s, :, oi], self.confidence)
                row = {"scenario": lab, "outcome": o, "start": float(start[s, :, oi].mean()),
                       "end": m, "end_ci_low": lo, "end_ci_high": hi}
                if s:
                    d = stats.paired_interval(end[s, :, oi] - end[0, :, oi], self.confidence)
                    ch = stats.paired_interval((end[s, :, oi] - start[s, :, oi]) - (end[0, :, oi] - start[0, :, oi]),
                                               self.confidence)
                    row.update(baseline=float(end[0, :, oi].mean()), diff=d["diff"], ci_low=d["ci_low"],
                               ci_high=d["ci_high"], replicates=d["replicates"], change_diff=ch["diff"],
                               change_ci_low=ch["ci_low"], change_ci_high=ch["ci_high"])
                rows.append(row)
        self._levels = pd.DataFrame(rows)

        grows = []
        for s, lab in enumerate(self.labels[1:], start=1):
            P = [self._paired[(s, r)] for r in range(R)]
            n = np.array([p["n"] for p in P])                      # R x 8
            n_b = np.array([p["n_b"] for p in P])
            groups = [((CODE_LABELS[c]), [c]) for c in range(8)]
            groups += [(tuple(lvl if dim == d else ALL for d in SUBGROUPS), codes)
                       for (dim, lvl), codes in MARGINS.items()]
            for key, codes in groups:
                nn = n[:, codes].sum(axis=1)
                nb = n_b[:, codes].sum(axis=1)
                if not nn.any():
                    continue    # nobody in this group in any replicate
                for o in O:
                    ss = np.array([p["sum_s"][o][codes].sum() for p in P])
                    sb = np.array([p["sum_b"][o][codes].sum() for p in P])
                    ms, mb = _nan_div(ss, nn), _nan_div(sb, nb)
                    d = stats.paired_interval(ms - mb, self.confidence)
                    grows.append({"scenario": lab, **dict(zip(SUBGROUPS, key)), "n": float(nn.mean()),
                                  "outcome": o, "baseline": float(np.nanmean(mb)) if np.any(nb > 0) else math.nan,
                                  "value": float(np.nanmean(ms)) if np.any(nn > 0) else math.nan,
                                  "diff": d["diff"], "ci_low": d["ci_low"], "ci_high": d["ci_high"],
                                  "replicates": d["replicates"]})
        self._groups = pd.DataFrame(grows)

        costs = np.array([[self._runs[(s, r)]["total_cost"] for r in range(R)] for s in range(K)])
        effects = np.array([[self._runs[(s, r)]["no_longer_lonely"] for r in range(R)] for s in range(K)])
        self._ce = stats.cost_effectiveness(self.labels, costs, effects, baseline=0,
                                            confidence=self.confidence, seed=self.seeds[0])
        for row, s in zip(self._ce, range(K)):
            levers = {}
            for r in range(R):
                for lever, v in self._runs[(s, r)]["costs"].items():
                    levers[lever] = levers.get(lever, 0.0) + v / R
            row["cost_by_lever"] = levers
            row["lonely_at_start"] = float(np.mean([self._runs[(s, r)]["lonely_at_start"] for r in range(R)]))

        crows = []
        for s, lab in enumerate(self.labels):
            acc: dict[tuple, dict] = {}
            for r in range(R):
                for g in self._runs[(s, r)]["subgroups"]:
                    key = tuple(g[k] for k in SUBGROUPS)
                    a = acc.setdefault(key, {"n": 0.0, "present": 0,
                                             **{f"{m}_{x}": 0.0 for m in MECHANISMS for x in ("share", "mean")}})
                    a["n"] += g["n"]
                    a["present"] += 1
                    for m in MECHANISMS:
                        for x in ("share", "mean"):
                            a[f"{m}_{x}"] += g[f"{m}_{x}"] * g["n"]
            for key in CODE_LABELS:
                if key not in acc:
                    continue
                a = acc[key]
                row = {"scenario": lab, **dict(zip(SUBGROUPS, key)), "n": a["n"] / R}
                for m in MECHANISMS:
                    for x in ("share", "mean"):
                        row[f"{m}_{x}"] = a[f"{m}_{x}"] / a["n"] if a["n"] else math.nan
                crows.append(row)
        self._cmo = pd.DataFrame(crows)

    # -- views ------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per scenario x subgroup x outcome (population rows have 'all' as subgroup).

        Columns: scenario, digital_literacy, relational_history, supported, outcome, n,
        baseline, value, diff, ci_low, ci_high, replicates. The baseline scenario has no rows
        (every row is a difference against it); see levels_frame() for absolute values.
        """
        lv = self._levels[self._levels.scenario != self.baseline].copy()
        pop = pd.DataFrame({"scenario": lv.scenario, **{k: ALL for k in SUBGROUPS}, "outcome": lv.outcome,
                            "n": float(self.citizens), "baseline": lv.baseline, "value": lv.end,
                            "diff": lv["diff"], "ci_low": lv.ci_low, "ci_high": lv.ci_high,
                            "replicates": lv.replicates})
        return pd.concat([pop, self._groups], ignore_index=True)

    def levels_frame(self) -> pd.DataFrame:
        """Each scenario's population outcomes: start, end with interval, and the paired difference."""
        return self._levels.copy()

    def subgroups_frame(self, margins: bool = False) -> pd.DataFrame:
        """Subgroup differences: the 8 full groups, or (margins=True) one dimension at a time."""
        g = self._groups
        is_margin = (g[list(SUBGROUPS)] == ALL).any(axis=1)
        return (g[is_margin] if margins else g[~is_margin]).reset_index(drop=True)

    def costs_frame(self) -> pd.DataFrame:
        """Cost-effectiveness, one row per scenario (see experiments.stats.cost_effectiveness)."""
        df = pd.DataFrame(self._ce)
        df["dominated_by"] = df["dominated_by"].map(lambda v: ", ".join(v))
        levers = pd.DataFrame([r["cost_by_lever"] for r in self._ce]).add_prefix("cost_")
        return pd.concat([df.drop(columns=["cost_by_lever"]), levers], axis=1)

    def cmo_frame(self) -> pd.DataFrame:
        """Context-mechanism-outcome view: per scenario and subgroup, the share of citizens in
        whom each mechanism fired (reach, barrier overcome, relational match, worker bridge)
        and how often (mean), pooled over replicates."""
        return self._cmo.copy()

    def runs_frame(self) -> pd.DataFrame:
        """One row per run: scenario, replicate, seed, outcomes at start and end, costs."""
        rows = []
        for (s, r), res in sorted(self._runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            row = {"scenario": self.labels[s], "replicate": r, "seed": res["seed"],
                   "scenario_hash": res["scenario_hash"]}
            for o, v in res["outcomes"].items():
                row[f"{o}_start"], row[f"{o}_end"] = v["start"], v["end"]
            row.update(total_cost=res["total_cost"], no_longer_lonely=res["no_longer_lonely"],
                       lonely_at_start=res["lonely_at_start"])
            row.update({f"cost_{k}": v for k, v in res["costs"].items()})
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """JSON-ready: {"baseline", "scenarios": {name: {"outcomes", "subgroups", "margins",
        "cost_effectiveness", "cmo"}}, "levels", "costs", "summary", ...}; NaN becomes None."""
        O = self.outcome_names
        keep = ("diff", "ci_low", "ci_high", "baseline", "value", "replicates")
        out = {
            "baseline": self.baseline,
            "replicates": self.replicates,
            "seeds": self.seeds,
            "citizens": self.citizens,
            "weeks": self.weeks,
            "confidence": self.confidence,
            "model_version": self.model_version,
            "model_fingerprint": self.model_fingerprint,
            "scenario_hashes": self.hashes,
            "levels": {},
            "scenarios": {},
        }
        for lab in self.labels:
            lv = self._levels[self._levels.scenario == lab].set_index("outcome")
            out["levels"][lab] = {o: {"start": lv.at[o, "start"], "end": lv.at[o, "end"],
                                      "end_ci_low": lv.at[o, "end_ci_low"], "end_ci_high": lv.at[o, "end_ci_high"]}
                                  for o in O}
        ce = {r["scenario"]: r for r in self._ce}
        for lab in self.labels[1:]:
            lv = self._levels[self._levels.scenario == lab].set_index("outcome")
            outcomes = {o: {"baseline": lv.at[o, "baseline"], "value": lv.at[o, "end"], "diff": lv.at[o, "diff"],
                            "ci_low": lv.at[o, "ci_low"], "ci_high": lv.at[o, "ci_high"],
                            "replicates": int(lv.at[o, "replicates"]),
                            "change_diff": lv.at[o, "change_diff"], "change_ci_low": lv.at[o, "change_ci_low"],
                            "change_ci_high": lv.at[o, "change_ci_high"]} for o in O}
            entry = {"scenario_hash": self.hashes[lab], "paired_by_citizen": self.paired_by_citizen[lab],
                     "outcomes": outcomes}
            for name, margins in (("subgroups", False), ("margins", True)):
                g = self.subgroups_frame(margins=margins)
                g = g[g.scenario == lab]
                items = []
                for key, sub in g.groupby(list(SUBGROUPS), sort=False):
                    items.append({**dict(zip(SUBGROUPS, key)), "n": float(sub["n"].iloc[0]),
                                  "outcomes": {r["outcome"]: {k: r[k] for k in keep} for r in sub.to_dict("records")}})
                entry[name] = items
            entry["cost_effectiveness"] = ce[lab]
            out["scenarios"][lab] = entry
        out["baseline_cost_effectiveness"] = ce[self.baseline]
        out["cmo"] = {lab: self._cmo[self._cmo.scenario == lab].drop(columns="scenario").to_dict("records")
                      for lab in self.labels}
        out["dominated"] = {r["scenario"]: r["dominated_by"] for r in self._ce if r["status"] != "frontier"}
        out["summary"] = self.summary_sentences()
        return _jsonable(out)

    # -- plain language ---------------------------------------------------
    def summary_sentences(self, outcome: str = "lonely_share") -> list[str]:
        """Findings a planner can read: overall effect, for whom, and at what cost.

        An effect is named only when its interval excludes zero; otherwise the change is
        said to be within noise (with its interval).
        """
        if outcome not in self.outcome_names:
            raise ValueError(f"outcome {outcome!r}: not one of {', '.join(self.outcome_names)}")
        out = []
        g = self.subgroups_frame(margins=True)
        for lab in self.labels[1:]:
            lv = self._levels[(self._levels.scenario == lab) & (self._levels.outcome == outcome)].iloc[0]
            out.append(f"Compared with {self.baseline}, {lab} " +
                       _effect_phrase(outcome, lv["diff"], lv.ci_low, lv.ci_high) + " overall.")
            for dim in SUBGROUPS:
                rows = g[(g.scenario == lab) & (g[dim] != ALL) & (g.outcome == outcome)]
                parts, noise = [], []
                for r in rows.itertuples():
                    who = SUBGROUP_CITIZENS[(dim, getattr(r, dim))]
                    if r.n < 1 or r.replicates == 0:
                        continue
                    if stats.excludes_zero(r.ci_low, r.ci_high):
                        parts.append(f"for {who} it " + _effect_phrase(outcome, r.diff, r.ci_low, r.ci_high))
                    else:
                        noise.append(f"for {who} the change is within noise "
                                     f"({_fmt_diff(outcome, r.diff, r.ci_low, r.ci_high)})")
                if parts:   # only dimensions where someone was affected make a sentence
                    s = "; ".join(parts + noise)
                    out.append(s[0].upper() + s[1:] + ".")
            out.append(self._cost_sentence(lab))
        for r in self._ce:
            if r["status"] == "dominated":
                out.append(f"{r['scenario']} is dominated: {', '.join(r['dominated_by'])} "
                           "helps at least as many people out of loneliness for no more money.")
            elif r["status"] == "extendedly dominated":
                a, b = r["dominated_by"]
                out.append(f"{r['scenario']} is extendedly dominated: a mix of {a} and {b} "
                           "would help more people out of loneliness for the same money.")
        return out

    def _cost_sentence(self, lab) -> str:
        r = next(x for x in self._ce if x["scenario"] == lab)
        s = f"{lab} cost {r['total_cost']:,.0f} in total"
        if r["no_longer_lonely"] > 0 and math.isfinite(r["cost_per_no_longer_lonely"]):
            s += f", {r['cost_per_no_longer_lonely']:,.0f} per person no longer lonely"
        if math.isfinite(r["icer"]):
            s += f"; {r['icer']:,.0f} per extra person out of loneliness compared with {self.baseline}"
            if math.isfinite(r["icer_ci_low"]):
                s += f" [{r['icer_ci_low']:,.0f}, {r['icer_ci_high']:,.0f}]"
            elif r["icer_note"]:
                s += f" ({r['icer_note']})"
        elif r["icer_note"]:
            s += f"; {r['icer_note']}"
        return s + "."

    def __repr__(self) -> str:
        return (f"Comparison({', '.join(self.labels)}; {self.replicates} replicates, {self.citizens} citizens, "
                f"{self.weeks} weeks)")


def _scale(outcome):
    return (100.0, " points") if outcome in SHARE_OUTCOMES else (1.0, "")


def _fmt_diff(outcome, d, lo, hi) -> str:
    k, unit = _scale(outcome)
    prec = 1 if outcome in SHARE_OUTCOMES or abs(d * k) >= 1 else 2
    ci = f" [{lo * k:+.{prec}f}, {hi * k:+.{prec}f}]" if math.isfinite(lo) else " (no interval: one replicate)"
    return f"{d * k:+.{prec}f}{unit}{ci}"


def _effect_phrase(outcome, d, lo, hi) -> str:
    """'cut the lonely share by 3.1 points [1.8, 4.3]' or 'changed ... within noise (...)'."""
    words = OUTCOME_WORDS[outcome]
    k, unit = _scale(outcome)
    if not stats.excludes_zero(lo, hi):
        return f"left {words} unchanged within noise ({_fmt_diff(outcome, d, lo, hi)})"
    verb = ("cut" if d < 0 else "raised") if outcome in LOWER_IS_BETTER else ("raised" if d > 0 else "lowered")
    a, b = sorted((abs(lo) * k, abs(hi) * k))
    prec = 1 if outcome in SHARE_OUTCOMES or abs(d * k) >= 1 else 2
    return f"{verb} {words} by {abs(d) * k:.{prec}f}{unit} [{a:.{prec}f}, {b:.{prec}f}]"


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else None
    if isinstance(x, np.bool_):
        return bool(x)
    return x
