"""The workshop's guided exercises, as data: question, preset, levers, seed, prediction, measure, reveal.

Each Exercise says
- the question students answer and the preset (a scenario name plus fixed overrides) it runs on;
- the levers students may touch (dotted scenario keys; everything else is locked), and a few
  locked settings shown for context;
- a fixed seed and a small size, so every student sees the same run in a few seconds;
- the "predict first" step: a choice or a number;
- `execute(values, progress, cancel)`: the run(s) — one model, one per policy, or a comparison
  over replicate seeds through `experiments.compare`;
- `measure(runs, values)`: the result set beside the prediction (the chosen label or a number),
  with the table and sentences of the reveal, all computed from the run(s);
- the reveal: the mechanism that produced the result in the model, and the evidence behind it.

`run_exercise(ex, values)` validates the lever values (a wrong key or value is an error naming
the key, the value and what is allowed) and returns the Result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from sim import BelongingModel, ScenarioError, load_scenario
from sim.vocabulary import EventKind, SupportState
from sim.scenarios.schema import parameter_table

PARAMS = {row["key"]: row for row in parameter_table()}

# -- plain words for keys and choices ------------------------------------------------------
KEY_LABELS = {
    "platform.enabled": "Platform running",
    "platform.outreach_effort": "How hard the town promotes the platform",
    "platform.suggestions_per_week": "Suggestions each user gets per week",
    "platform.matching_policy": "How the platform picks whom to suggest",
    "platform.moderation": "Moderation and safety work on the platform",
    "support.workers": "Support workers per 10,000 citizens",
    "support.caseload": "People each worker sees at one time",
    "support.duration_weeks": "Weeks of support for each person",
    "support.targeting": "Whom workers see first",
    "support.digital_training": "Workers trained to support people digitally",
    "support.delivery_mode": "How support is delivered",
    "devices.per_1000": "Tablets with data given out, per 1,000 citizens",
    "devices.target": "Who gets a tablet",
    "activities.new_per_1000": "Extra community activities, per 1,000 citizens",
    "population.share_no_privacy": "Share of homes without a private space for a call",
    "population.share_relational_difficulties": "Share of citizens with earlier relational difficulties",
    "population.share_low_literacy": "Share of citizens who find digital tools hard",
    "costs.worker_week": "Cost of one worker for one week",
    "costs.platform_week": "Cost of running the platform for one week",
    "costs.device": "Cost of one tablet with a year's data",
    "costs.activity_week": "Cost of one new community activity for one week",
    "run.citizens": "Citizens in each run",
}
CHOICE_LABELS = {
    "platform.matching_policy": {
        "random": "At random",
        "interests": "Shared interests",
        "proximity": "Lives nearby",
        "relational_match": "Best overall match (interests, nearness, temperament)",
        "isolated_first": "The most isolated first",
    },
    "support.targeting": {
        "none": "Nobody (workers not deployed)",
        "first_come": "First come, first served",
        "low_literacy_first": "Those who find digital tools hardest",
        "relational_first": "Those with earlier relational difficulties",
        "most_lonely_first": "The loneliest",
        "needs_based": "A mix of needs",
    },
    "support.delivery_mode": {
        "in_person": "In person",
        "digital": "By phone or video only",
        "hybrid": "A mix of both",
    },
    "devices.target": {
        "clients": "People seeing a support worker",
        "everyone": "Anyone without one",
    },
}
PRESET_LABELS = {
    "baseline": "Doing nothing",
    "platform_only": "Platform only",
    "platform_with_support": "Platform with support workers",
    "connecting_people": "Connecting People (workers, no platform)",
    "digital_inclusion": "Platform, tablets and trained workers",
    "remote_only": "Platform with remote-only support",
}
# the four groups of "for whom": (low digital literacy?, earlier relational difficulties?, label)
GROUPS = (
    (False, False, "At ease online, no earlier relational difficulties"),
    (False, True, "At ease online, earlier relational difficulties"),
    (True, False, "Finds digital tools hard, no earlier relational difficulties"),
    (True, True, "Finds digital tools hard, earlier relational difficulties"),
)
SOURCES = {
    "andersen2020": "Andersen, Reavley, Bøggild & Overgaard (2020). The role of social technologies in community care: "
                    "a realist evaluation of a Danish web-based citizen-to-citizen platform. Health & Social Care in "
                    "the Community (seed 000).",
    "heyes2018": "Heyes (2018). Socialization or social isolation? Mental health community support in the digital age. "
                 "IGI Global; the '1 in 10, up to two thirds get no support' figures are WHO 2015 (seed 001).",
    "webber2015": "Webber, Reidy, Ansari, Stevens & Morris (2015). Enhancing social networks: a qualitative study of "
                  "health and social care practice in UK mental health services. Health & Social Care in the "
                  "Community 23(2):180-189 (seed 003).",
    "webber2016": "Webber, Reidy, Ansari, Stevens & Morris (2016). Developing and modelling complex social "
                  "interventions: introducing the Connecting People Intervention. Research on Social Work Practice "
                  "26(1):14-19 (seed 002).",
    "webber2019": "Webber et al. (2019). Research on Social Work Practice 29(5):483-494: a one-group before-and-after "
                  "pilot of the Connecting People Intervention.",
    "webber2021": "Webber et al. (2021). British Journal of Social Work 51(3):1080-1100: the Connecting People "
                  "Intervention in community mental-health teams, a two-group quasi-experiment.",
    "hickey2023": "Hickey, Dunne, Maguire & McCarthy (2023). Practitioners' experiences of delivering digital social "
                  "care interventions to children and families during COVID-19. JMIR Formative Research 7:e43498 "
                  "(seed 004).",
    "hurmuz": "Hurmuz et al.: dropout from eHealth use among older adults (32.2% dropped in week 1; computer skills "
              "lowered dropout, hazard ratio 0.69).",
    "statdk2023": "Statistics Denmark (2023): 18% of 15-89 year olds are digitally challenged; 10% lack the skills "
                  "to use the internet.",
    "hawkley2010": "Hawkley & Cacioppo (2010). Loneliness matters. Annals of Behavioral Medicine 40(2):218-227.",
    "cacioppo2009": "Cacioppo, Fowler & Christakis (2009). Alone in the crowd: the structure and spread of loneliness "
                    "in a large social network. Journal of Personality and Social Psychology 97(6):977-991.",
    "vergara2023": "Vergara Hidd et al. (2023), Scientific Reports: new ties are fragile in their first weeks.",
    "hughes2004": "Hughes, Waite, Hawkley & Cacioppo (2004). A short scale for measuring loneliness in large "
                  "surveys (UCLA 3-item; 6 or more of 9 counts as lonely). Research on Aging 26(6):655-672.",
}


class WorkshopError(ValueError):
    """A lever value or a prediction the exercise cannot take, with the key, value and what is allowed."""


class Cancelled(RuntimeError):
    """The student started another run before this one finished."""


@dataclass(frozen=True)
class Lever:
    """A setting students may change. `key` is a dotted scenario key, or an option of the exercise
    itself (option=True, e.g. the number of replicates)."""
    key: str
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[str, ...] | None = None      # allowed values of a choice key (default: all)
    option: bool = False
    default: Any = None                           # options only; scenario levers read the preset
    label: str = ""
    help: str = ""

    @property
    def title(self) -> str:
        return self.label or KEY_LABELS.get(self.key, self.key)

    @property
    def kind(self) -> str:
        """'bool', 'choice', 'int' or 'float' (from the scenario schema for scenario keys)."""
        if self.option:
            return "int" if isinstance(self.default, int) else "float"
        t = PARAMS[self.key]["type"]
        return {"bool": "bool", "Literal": "choice", "int": "int", "float": "float"}.get(t, t)

    def allowed(self) -> tuple[str, ...]:
        if self.choices is not None:
            return self.choices
        return tuple(CHOICE_LABELS.get(self.key, {}))

    def choice_label(self, value) -> str:
        return CHOICE_LABELS.get(self.key, {}).get(value, str(value))

    def explain(self) -> str:
        """The schema's description and source (shown on hover)."""
        if self.option:
            return self.help
        row = PARAMS[self.key]
        src = row["source"]
        text = self.help or row["description"]
        return f"{text} Source: {src}." if src and src not in ("assumption", "lever") else text

    def check(self, value):
        """The value as the scenario wants it, or WorkshopError naming key, value and what is allowed."""
        kind = self.kind
        if kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise WorkshopError(f"lever {self.key!r}: value {value!r} is not allowed; allowed: true or false")
            return bool(value)
        if kind == "choice":
            if value not in self.allowed():
                raise WorkshopError(f"lever {self.key!r}: value {value!r} is not allowed; "
                                    f"allowed: {', '.join(self.allowed())}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or \
                not math.isfinite(float(value)):
            raise WorkshopError(f"lever {self.key!r}: value {value!r} is not a number; "
                                f"allowed: {self.min} to {self.max}")
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise WorkshopError(f"lever {self.key!r}: value {value!r} is out of range; "
                                f"allowed: {self.min} to {self.max}")
        if kind == "int":
            if float(value) != int(value):
                raise WorkshopError(f"lever {self.key!r}: value {value!r} is not a whole number; "
                                    f"allowed: whole numbers {self.min} to {self.max}")
            return int(value)
        return float(value)


@dataclass(frozen=True)
class Prediction:
    """The 'predict first' step: pick one of `choices`, or give a number between min and max."""
    kind: str                                    # "choice" or "number"
    prompt: str
    choices: tuple[str, ...] = ()
    min: float = 0
    max: float = 100
    step: float = 1
    unit: str = ""

    def check(self, value):
        if self.kind == "choice":
            if value not in self.choices:
                raise WorkshopError(f"prediction {value!r} is not one of the choices: {'; '.join(self.choices)}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
            raise WorkshopError(f"prediction {value!r} is not a number; allowed: {self.min} to {self.max}")
        if not self.min <= value <= self.max:
            raise WorkshopError(f"prediction {value!r} is out of range; allowed: {self.min} to {self.max}")
        return float(value)


@dataclass
class Result:
    """What the run(s) gave, to set beside the prediction."""
    value: Any                                   # a choice label or a number
    display: str                                 # the value as shown ("21 in 100")
    what_happened: str                           # sentences with the run's numbers
    table: pd.DataFrame | None = None
    facts: dict = field(default_factory=dict)    # the numbers behind the sentences (tests, figures)
    bars: tuple | None = None                    # (labels, values, axis label) for a bar chart
    seconds: float = 0.0

    def verdict(self, prediction: Prediction, predicted) -> str:
        """One sentence setting the prediction beside the result."""
        if prediction.kind == "choice":
            if predicted == self.value:
                return f"You predicted \u201c{predicted}\u201d, and that is what the run shows."
            return f"You predicted \u201c{predicted}\u201d; the run shows \u201c{self.value}\u201d."
        diff = float(self.value) - float(predicted)
        unit = f" {prediction.unit}" if prediction.unit else ""
        if abs(diff) < max(prediction.step, 0.5):
            return f"You predicted {predicted:g}{unit}; the run gives {self.display}: spot on."
        return (f"You predicted {predicted:g}{unit}; the run gives {self.display}: "
                f"{abs(diff):.0f} {'higher' if diff > 0 else 'lower'} than your prediction.")


@dataclass(frozen=True)
class Exercise:
    key: str
    number: int
    title: str
    question: str
    intro: str                                   # what the student reads before predicting
    preset: str
    overrides: Mapping[str, Any]                 # fixed on top of the preset (locked)
    levers: tuple[Lever, ...]
    locked: tuple[str, ...]                      # locked settings shown for context
    seed: int
    citizens: int
    weeks: int
    prediction: Prediction
    execute: Callable[..., Any]                  # (exercise, values, progress, cancel) -> runs
    measure: Callable[..., Result]               # (runs, values) -> Result
    reveal: str                                  # the mechanism and its evidence (Markdown)
    sources: tuple[str, ...]
    discussion: tuple[str, ...]
    follow_profile: str = "relational_low_literacy"
    runs_label: str = "1 run"                    # what Run does, in words

    def scenario_levers(self) -> tuple[Lever, ...]:
        return tuple(lv for lv in self.levers if not lv.option)

    def base_scenario(self):
        return load_scenario(self.preset, {**self.overrides, "run.citizens": self.citizens,
                                           "run.weeks": self.weeks, "run.seed": self.seed})

    def defaults(self) -> dict[str, Any]:
        """Each lever's starting value: the preset's (with the exercise's overrides), or the option's."""
        sc = self.base_scenario().model_dump()
        out = {}
        for lv in self.levers:
            if lv.option:
                out[lv.key] = lv.default
            else:
                node = sc
                for part in lv.key.split("."):
                    node = node[part]
                out[lv.key] = node
        return out

    def locked_values(self) -> list[tuple[str, str]]:
        """(label, value in words) of the locked settings shown for context."""
        sc = self.base_scenario().model_dump()
        out = []
        for key in self.locked:
            node = sc
            for part in key.split("."):
                node = node[part]
            out.append((KEY_LABELS.get(key, key), describe_value(key, node)))
        return out

    def check_values(self, values: Mapping[str, Any] | None) -> dict[str, Any]:
        """All lever values (defaults filled in), each checked; unknown or locked keys are errors."""
        levers = {lv.key: lv for lv in self.levers}
        values = dict(values or {})
        for key in values:
            if key not in levers:
                raise WorkshopError(f"exercise {self.number} ({self.key}): lever {key!r} is locked or unknown; "
                                    f"students may change: {', '.join(levers)}")
        out = self.defaults()
        for key, value in values.items():
            out[key] = levers[key].check(value)
        try:
            load_scenario(self.preset, self.overrides_for(out))
        except ScenarioError as exc:
            raise WorkshopError(str(exc)) from None
        return out

    def overrides_for(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Scenario overrides for a run: the exercise's fixed ones, the size, the seed and the levers."""
        over = {**self.overrides, "run.citizens": self.citizens, "run.weeks": self.weeks, "run.seed": self.seed}
        for lv in self.scenario_levers():
            if lv.key in values:
                over[lv.key] = values[lv.key]
        return over


def describe_value(key: str, value) -> str:
    if key in CHOICE_LABELS:
        return CHOICE_LABELS[key].get(value, str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value == int(value) and abs(value) >= 1:
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}"


# -- running --------------------------------------------------------------------------------
def _step_all(model, progress, cancel, done, total, observe=None):
    while model.running and model.week < model.sc.run.weeks:
        if cancel is not None and cancel():
            raise Cancelled("a newer run was started")
        model.step()
        if observe is not None:
            observe(model)
        if progress is not None:
            progress((done + model.week / model.sc.run.weeks) / total)
    return model


def run_models(ex: Exercise, specs: Mapping[str, dict], progress=None, cancel=None) -> dict[str, BelongingModel]:
    """Build and run one model per spec {label: {"overrides": {...}, "track": [...], "observe": fn}}."""
    models = {}
    total = len(specs)
    for i, (label, spec) in enumerate(specs.items()):
        m = BelongingModel(spec.get("scenario", ex.preset), overrides=spec["overrides"], track=spec.get("track"))
        obs = spec.get("observe")
        if obs is not None:
            obs(m)
        models[label] = _step_all(m, progress, cancel, i, total, obs)
    return models


def run_exercise(ex: Exercise, values: Mapping[str, Any] | None = None, progress=None, cancel=None) -> Result:
    """Check the lever values, run the exercise and measure the result."""
    import time
    vals = ex.check_values(values)
    t0 = time.perf_counter()
    runs = ex.execute(ex, vals, progress, cancel)
    result = ex.measure(runs, vals)
    result.seconds = time.perf_counter() - t0
    if progress is not None:
        progress(1.0)
    return result


def exercise(key_or_number) -> Exercise:
    for ex in EXERCISES:
        if ex.key == key_or_number or ex.number == key_or_number:
            return ex
    raise KeyError(f"exercise {key_or_number!r}: unknown; exercises are "
                   + ", ".join(f"{e.number} ({e.key})" for e in EXERCISES))


# -- shared measures ------------------------------------------------------------------------
def per100(mask_num, mask_den) -> float:
    den = int(np.count_nonzero(mask_den))
    return float("nan") if den == 0 else 100.0 * np.count_nonzero(mask_num & mask_den) / den


def _fmt(x: float, digits: int = 0) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{digits}f}"


def lasting_friend(model) -> np.ndarray:
    """Citizens with at least one friendship made through the platform that outlived its trial weeks."""
    return model.pop.fired["match"] > 0


def joined(model) -> np.ndarray:
    return model.pop.joined_week >= 0


def lonely_start(model) -> np.ndarray:
    return model.start_values["lonely_share"] > 0


def lonely_end(model) -> np.ndarray:
    return model.pop.ucla >= 6


# -- exercise 1: a platform alone, for whom --------------------------------------------------
def _ex1_execute(ex, values, progress, cancel):
    return run_models(ex, {"platform": {"overrides": ex.overrides_for(values)}}, progress, cancel)


def group_table(m) -> pd.DataFrame:
    p = m.pop
    rows = []
    for low, rd, label in GROUPS:
        g = (p.low_literacy == low) & (p.reldiff == rd)
        rows.append({
            "group": label,
            "citizens": int(g.sum()),
            "joined the platform (per 100)": per100(joined(m), g),
            "got a reply from someone new (per 100)": per100(p.fired["reach"] > 0, g),
            "made a friend who lasted (per 100)": per100(lasting_friend(m), g),
            "lonely at the start (per 100)": per100(lonely_start(m), g),
            "lonely at the end (per 100)": per100(lonely_end(m), g),
        })
    return pd.DataFrame(rows)


def _ex1_measure(runs, values) -> Result:
    m = runs["platform"]
    t = group_table(m)
    col = "made a friend who lasted (per 100)"
    best = t.loc[t[col].fillna(-1).idxmax()]
    worst = t.loc[t[col].fillna(1e9).idxmin()]
    low = m.pop.low_literacy
    j_low, j_high = per100(joined(m), low), per100(joined(m), ~low)
    text = (f"\u201c{best.group}\u201d made a friend through the platform who was still a friend three months "
            f"later most often: {best[col]:.0f} in 100, against {worst[col]:.0f} in 100 for "
            f"\u201c{worst.group}\u201d. Of the people who find digital tools hard, {j_low:.0f} in 100 joined the "
            f"platform at all; of those at ease online, {j_high:.0f} in 100.")
    return Result(value=best.group, display=f"{best.group} ({best[col]:.0f} in 100)", what_happened=text, table=t,
                  facts={"rates": dict(zip(t.group, t[col])), "joined_low": j_low, "joined_high": j_high},
                  bars=(list(t.group), list(t[col]), "made a friend through the platform who lasted (per 100)"))


# -- exercise 2: relational history ----------------------------------------------------------
def _ex2_execute(ex, values, progress, cancel):
    over = ex.overrides_for(values)
    # follow everyone's path (recording events draws no random numbers: the run is the same)
    return run_models(ex, {"platform": {"overrides": over, "track": list(range(ex.citizens))}}, progress, cancel)


def path_table(m) -> pd.DataFrame:
    """Per 100 platform users, by relational history: the steps from suggestion to lasting friendship."""
    p = m.pop
    users = joined(m)
    rows = []
    ev = pd.DataFrame(m.events.rows, columns=["week", "citizen", "kind", "other", "value"])
    ev = ev[ev.week >= 0]
    for rd, label in ((True, "Earlier relational difficulties"), (False, "No earlier relational difficulties")):
        g = users & (p.reldiff == rd)
        ids = np.flatnonzero(g)
        e = ev[ev.citizen.isin(ids)]
        count = e.kind.value_counts()
        n = len(ids)

        def c(kind):
            return int(count.get(kind, 0))
        wrote = c(EventKind.WROTE)
        meetings = c(EventKind.FIRST_MEETING) + c(EventKind.MEETING_WENT_BADLY)
        rows.append({
            "platform users": label,
            "users": n,
            "letters written (per user)": wrote / n if n else float("nan"),
            "letters answered (per 100 letters)": 100 * c(EventKind.GOT_REPLY) / wrote if wrote else float("nan"),
            "first meetings (per user)": meetings / n if n else float("nan"),
            "first meetings that went badly (per 100)": 100 * c(EventKind.MEETING_WENT_BADLY) / meetings if meetings else float("nan"),
            "made a friend who lasted (per 100 users)": per100(lasting_friend(m), g),
        })
    return pd.DataFrame(rows)


def _ex2_measure(runs, values) -> Result:
    m = runs["platform"]
    t = path_table(m)
    rd, sec = t.iloc[0], t.iloc[1]
    col = "made a friend who lasted (per 100 users)"
    v = float(rd[col])
    ratio = sec[col] / v if v > 0 else float("inf")
    text = (f"Of every 100 platform users with earlier relational difficulties, {v:.0f} made a friend through the "
            f"platform who was still a friend after the first {m.sc.ties.trial_weeks} weeks; of every 100 users "
            f"without them, {sec[col]:.0f}"
            + (f" ({ratio:.1f} times as many)." if math.isfinite(ratio) else ".")
            + f" Along the way, {rd['letters answered (per 100 letters)']:.0f} of every 100 letters they wrote were "
              f"answered (against {sec['letters answered (per 100 letters)']:.0f}), and "
              f"{_fmt(rd['first meetings that went badly (per 100)'])} of every 100 first meetings went badly "
              f"(against {_fmt(sec['first meetings that went badly (per 100)'])}).")
    return Result(value=round(v), display=f"{v:.0f} in 100", what_happened=text, table=t,
                  facts={"relational": v, "secure": float(sec[col])},
                  bars=(list(t["platform users"]), list(t[col]), "platform users with a friend who lasted (per 100)"))


# -- exercise 3: targeting support ------------------------------------------------------------
TARGETS = ("first_come", "low_literacy_first", "relational_first", "most_lonely_first", "needs_based")


def _ex3_execute(ex, values, progress, cancel):
    specs = {t: {"overrides": {**ex.overrides_for(values), "support.targeting": t}} for t in TARGETS}
    return run_models(ex, specs, progress, cancel)


def _ex3_measure(runs, values) -> Result:
    rows = []
    labels = CHOICE_LABELS["support.targeting"]
    for t, m in runs.items():
        p = m.pop
        seen = p.ever_supported
        low = p.low_literacy
        rows.append({
            "workers see first": labels[t],
            "people seen": int(seen.sum()),
            "of them: find digital tools hard (%)": per100(low, seen),
            "of them: earlier relational difficulties (%)": per100(p.reldiff, seen),
            "of them: lonely at the start (%)": per100(lonely_start(m), seen),
            "digital-tools-hard citizens who joined the platform (per 100)": per100(joined(m), low),
            "digital-tools-hard citizens with a friend who lasted (per 100)": per100(lasting_friend(m), low),
            "people seen who were lonely and no longer are": int(np.count_nonzero(seen & lonely_start(m) & ~lonely_end(m))),
        })
    t = pd.DataFrame(rows)
    col = "digital-tools-hard citizens with a friend who lasted (per 100)"
    best = t.loc[t[col].idxmax()]
    first = t.iloc[0]
    lonely_best = t.loc[t["people seen who were lonely and no longer are"].idxmax()]
    text = (f"When workers see \u201c{best['workers see first']}\u201d first, {best[col]:.1f} in 100 citizens who "
            f"find digital tools hard end the year with a friend made through the platform who lasted "
            f"({best['digital-tools-hard citizens who joined the platform (per 100)']:.0f} in 100 of them joined), "
            f"against {first[col]:.1f} in 100 when workers take people as they come. "
            f"The most people seen who stopped being lonely came with \u201c{lonely_best['workers see first']}\u201d "
            f"({lonely_best['people seen who were lonely and no longer are']}): who you see first decides who gains.")
    return Result(value=best["workers see first"], display=best["workers see first"], what_happened=text, table=t,
                  facts={"rates": dict(zip(t["workers see first"], t[col]))},
                  bars=(list(t["workers see first"]), list(t[col]),
                        "citizens who find digital tools hard with a friend who lasted (per 100)"))


# -- exercise 4: digital delivery in a lockdown -----------------------------------------------
class HelpMeter:
    """Adds up, week by week, how much help reaches clients (the model's support effectiveness)."""

    def __init__(self):
        self.total = 0.0
        self.weeks = 0
        self.by = {"private space and a device": [0.0, 0], "no private space": [0.0, 0], "no device": [0.0, 0]}

    def __call__(self, model):
        if model.week <= 0:
            return
        p = model.pop
        c = np.flatnonzero(p.support == SupportState.ON_CASELOAD)
        if len(c) == 0:
            return
        e = p.support_eff[c].astype(np.float64)
        self.total += e.sum()
        self.weeks += len(c)
        device = p.has_device[c] | p.device_given[c]
        for key, mask in (("private space and a device", p.privacy[c] & device),
                          ("no private space", ~p.privacy[c]), ("no device", ~device)):
            self.by[key][0] += e[mask].sum()
            self.by[key][1] += int(mask.sum())

    def mean(self, key=None) -> float:
        s, n = (self.total, self.weeks) if key is None else self.by[key]
        return s / n if n else float("nan")


def _ex4_execute(ex, values, progress, cancel):
    yours, in_person = HelpMeter(), HelpMeter()
    over = ex.overrides_for(values)
    specs = {"yours": {"overrides": over, "observe": yours},
             "in_person": {"overrides": {**over, "support.delivery_mode": "in_person"}, "observe": in_person}}
    models = run_models(ex, specs, progress, cancel)
    return {"models": models, "meters": {"yours": yours, "in_person": in_person}}


def _ex4_measure(runs, values) -> Result:
    my, ip = runs["meters"]["yours"], runs["meters"]["in_person"]
    base = ip.mean()
    pct = 100 * my.mean() / base if base > 0 else float("nan")
    rows = []
    for key in my.by:
        rows.append({"clients": key, "client-weeks": my.by[key][1],
                     "help that gets through (% of in person)": 100 * my.mean(key) / base if base > 0 else float("nan")})
    rows.append({"clients": "all clients", "client-weeks": my.weeks, "help that gets through (% of in person)": pct})
    t = pd.DataFrame(rows)
    mods = runs["models"]
    seen = {k: m.pop.ever_supported for k, m in mods.items()}
    on_platform = {k: per100(joined(m), seen[k]) for k, m in mods.items()}
    mode = CHOICE_LABELS["support.delivery_mode"][values["support.delivery_mode"]].lower()
    trained = "trained" if values["support.digital_training"] else "untrained"
    text = (f"With support delivered {mode} by {trained} workers, {pct:.0f} of every 100 units of help that "
            f"reach a client face to face got through. Clients without a private space got "
            f"{_fmt(t.iloc[1, 2])} in 100, clients without a device {_fmt(t.iloc[2, 2])} in 100. "
            f"{on_platform['yours']:.0f} in 100 of the people workers saw joined the platform, against "
            f"{on_platform['in_person']:.0f} in 100 when the same workers meet people in person.")
    return Result(value=round(pct), display=f"{pct:.0f} in 100", what_happened=text, table=t,
                  facts={"percent": pct, "joined_yours": on_platform["yours"],
                         "joined_in_person": on_platform["in_person"]},
                  bars=(list(t.clients), list(t.iloc[:, 2]), "help that gets through (per 100 given in person)"))


# -- exercises 5 and 6: comparisons over replicate seeds ---------------------------------------
def _compare(ex, values, scenarios, replicates, progress, cancel, citizens=None):
    from experiments.compare import compare
    over = {k: v for k, v in ex.overrides_for(values).items() if k not in ("run.seed", "run.citizens")}
    cb = None if progress is None else (lambda done, total: progress(done / total))
    return compare(scenarios, replicates=int(replicates), citizens=int(citizens or ex.citizens), seed=ex.seed,
                   overrides=over, progress=cb, executor="serial", cancel=cancel,
                   labels=[PRESET_LABELS[s] for s in scenarios])


POLICIES5 = ("baseline", "platform_only", "platform_with_support", "connecting_people", "digital_inclusion")
NO_GAIN = "None of them: no one extra out of loneliness"


def _ex5_execute(ex, values, progress, cancel):
    return _compare(ex, values, POLICIES5, values["replicates"], progress, cancel)


def _ex5_measure(c, values) -> Result:
    cf = c.costs_frame()
    rows = []
    for _, r in cf.iterrows():
        base = r.scenario == c.baseline
        rows.append({
            "policy": r.scenario,
            "cost for the year": r.total_cost,
            "people no longer lonely": r.no_longer_lonely,
            "extra, compared with doing nothing": float("nan") if base else r.incremental_effect,
            "extra: 95% interval": "" if base else f"{_fmt(r.incremental_effect_ci_low, 1)} to {_fmt(r.incremental_effect_ci_high, 1)}",
            "cost per person no longer lonely": float("nan") if base else r.cost_per_no_longer_lonely,
            "cost per extra person": float("nan") if base else r.icer,
            "note": "" if base else (r.icer_note or ""),
        })
    t = pd.DataFrame(rows)
    policies = t.iloc[1:]
    gain = policies[(policies["extra, compared with doing nothing"] > 0) & policies["cost per extra person"].notna()]
    value = NO_GAIN if gain.empty else gain.loc[gain["cost per extra person"].idxmin(), "policy"]
    base = cf.iloc[0]
    lonely0 = float(base.get("lonely_at_start", float("nan"))) if "lonely_at_start" in cf else float("nan")
    pws = t[t.policy == PRESET_LABELS["platform_with_support"]].iloc[0]
    text = (f"Doing nothing, {base.no_longer_lonely:.0f} people who were lonely at the start were no longer lonely a "
            f"year later (average of {c.replicates} runs"
            + (f", out of about {lonely0:.0f} lonely at the start" if math.isfinite(lonely0) else "")
            + "): they recovered anyway. "
            f"Dividing the cost of platform with support workers by everyone no longer lonely gives "
            f"{_fmt(pws['cost per person no longer lonely'])} per person; dividing it by the "
            f"{_fmt(pws['extra, compared with doing nothing'], 1)} extra people compared with doing nothing gives "
            + (f"{_fmt(pws['cost per extra person'])} per extra person." if math.isfinite(pws["cost per extra person"])
               else "no sensible number: it got no one extra out of loneliness in these runs.")
            + (f" Lowest cost per extra person: {value}." if value != NO_GAIN else
               " No policy got anyone extra out of loneliness on average in these runs."))
    return Result(value=value, display=value, what_happened=text, table=t,
                  facts={"baseline_recovered": float(base.no_longer_lonely), "replicates": c.replicates},
                  bars=(list(policies.policy), list(policies["cost per extra person"]),
                        "cost per extra person no longer lonely (no bar: no gain)"))


CHOICES6 = ("Yes: clearly fewer lonely people", "Can't tell yet: the interval includes no difference",
            "No: clearly more lonely people")


def _ex6_execute(ex, values, progress, cancel):
    return _compare(ex, values, ("baseline", "platform_with_support"), values["replicates"], progress, cancel,
                    citizens=values["run.citizens"])


def interval_facts(c) -> dict:
    """Per-replicate change in the lonely share (per 100 citizens) of the policy minus doing nothing."""
    rf = c.runs_frame()
    lv = c.levels_frame()
    row = lv[(lv.scenario != c.baseline) & (lv.outcome == "lonely_share")].iloc[0]
    per_rep = []
    for r in range(c.replicates):
        a = rf[(rf.replicate == r) & (rf.scenario == c.baseline)].iloc[0]
        b = rf[(rf.replicate == r) & (rf.scenario != c.baseline)].iloc[0]
        per_rep.append(100 * ((b.lonely_share_end - b.lonely_share_start) - (a.lonely_share_end - a.lonely_share_start)))
    return {"diffs": per_rep, "mean": 100 * row.change_diff, "low": 100 * row.change_ci_low,
            "high": 100 * row.change_ci_high, "replicates": c.replicates, "citizens": c.citizens,
            "seeds": list(c.seeds)}


def _ex6_measure(c, values) -> Result:
    f = interval_facts(c)
    lo, hi = f["low"], f["high"]
    if math.isfinite(hi) and hi < 0:
        value = CHOICES6[0]
    elif math.isfinite(lo) and lo > 0:
        value = CHOICES6[2]
    else:
        value = CHOICES6[1]
    d = f["diffs"]
    t = pd.DataFrame({"replicate (seed)": [f"{i + 1} ({s})" for i, s in enumerate(f["seeds"])],
                      "change in lonely people per 100, policy minus doing nothing": d})
    text = (f"Over {f['replicates']} paired runs of {f['citizens']:,} citizens, platform with support changed the "
            f"number of lonely people by {f['mean']:+.2f} per 100 compared with doing nothing; the 95% interval runs "
            f"from {_fmt(lo, 2)} to {_fmt(hi, 2)}. Single runs ranged from {min(d):+.2f} to {max(d):+.2f}. "
            + ("The interval lies below zero: fewer lonely people, with 95% confidence."
               if value == CHOICES6[0] else
               "The interval lies above zero: more lonely people, with 95% confidence." if value == CHOICES6[2] else
               "The interval includes zero: these runs cannot tell the policy from doing nothing. "
               "More replicates or more citizens narrow it."))
    return Result(value=value, display=value, what_happened=text, table=t, facts=f)


# -- the exercises ------------------------------------------------------------------------------
MATCHING = Lever("platform.matching_policy")

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        key="platform_alone", number=1,
        title="What a platform alone does, and for whom",
        question="A town opens a web platform where citizens can find friends and activity partners. Nobody helps "
                 "people use it. Who will most often make a friend through it who is still a friend three months later?",
        intro="2,000 citizens, one year. The platform suggests three people a week to each user; the town promotes it. "
              "Citizens differ in two ways that the research says matter: how easy they find digital tools, and "
              "whether they have had difficult relationships before.",
        preset="platform_only", overrides={}, seed=101, citizens=2000, weeks=52,
        levers=(Lever("platform.outreach_effort", 0.0, 1.0, 0.1), Lever("platform.suggestions_per_week", 0, 10, 1),
                MATCHING),
        locked=("platform.enabled", "support.workers", "devices.per_1000"),
        prediction=Prediction("choice", "Which group will most often make a friend through the platform who lasts?",
                              choices=tuple(g[2] for g in GROUPS)),
        execute=_ex1_execute, measure=_ex1_measure,
        reveal="To gain anything, a person must first get onto the platform and stay there. In the model the chance "
               "of signing up rises with digital skills and falls to a tenth without a device (about 18% of Danes "
               "aged 15-89 are digitally challenged, Statistics Denmark 2023), and people who find digital tools "
               "hard drop out sooner (Hurmuz et al.: 32% stopped in the first week; better computer skills meant "
               "less dropout, hazard ratio 0.69).\n\n"
               "Once on it, the platform works through the three routes Andersen et al. (2020) found in a Danish "
               "municipality: **(a)** it widens the pool of people one can reach, **(b)** writing first online takes "
               "less courage than approaching a stranger, **(c)** it suggests people who suit each other. But "
               "replies, first meetings and new friendships are all less likely after earlier relational "
               "difficulties. Andersen et al. concluded that people with previous relational difficulties and "
               "people with limited digital literacy \"may need support to realise the social opportunities\" of "
               "such platforms.\n\n"
               "This is the realist question *what works, for whom, in which circumstances*: the same resource "
               "(context) fires different mechanisms, with different outcomes.",
        sources=("andersen2020", "statdk2023", "hurmuz"),
        discussion=("Who in your own service would never sign up? What would it take to reach them?",
                    "Turn outreach up to full. Who gains, and who still does not?",
                    "Is a platform that helps those who need it least still worth running?"),
        follow_profile="relational_low_literacy", runs_label="1 run (about 1 second)",
    ),
    Exercise(
        key="relational_history", number=2,
        title="Why relational history matters",
        question="Two people use the same platform with the same skills. One has had difficult relationships "
                 "before. How much less often does the platform give them a friend who lasts?",
        intro="Same town, same platform, no support workers. This time we follow the path from a suggestion to a "
              "friendship: writing, getting an answer, meeting face to face, the first weeks of a new friendship. "
              "Follow one person with earlier relational difficulties below, week by week.",
        preset="platform_only", overrides={}, seed=202, citizens=2000, weeks=52,
        levers=(Lever("platform.moderation", 0.0, 1.0, 0.1), MATCHING),
        locked=("platform.enabled", "support.workers"),
        prediction=Prediction("number", "Out of every 100 platform users WITH earlier relational difficulties, how "
                              "many make a friend through it who is still a friend after three months? (Users "
                              "without them are shown beside it after the run.)", min=0, max=100, step=1,
                              unit="in 100"),
        execute=_ex2_execute, measure=_ex2_measure,
        reveal="Earlier relational difficulties cost something at every step of the path. In the model, replies "
               "and the step from writing to meeting are cut by half, first meetings go badly more often, a new "
               "friendship breaks more easily in its first weeks (new ties are fragile: Vergara Hidd et al. 2023), "
               "and every rejection costs them twice the confidence. Loneliness itself then makes people withdraw "
               "(Hawkley & Cacioppo 2010: loneliness heightens alertness to social threat), which lowers the next "
               "reply. The direction comes from Andersen et al. (2020): whether the platform turned into belonging "
               "\"was strongly affected by individual and relational circumstances\". The sizes are assumptions "
               "(Andersen et al. is a qualitative study of 27 interviews).\n\n"
               "The platform lowers the first barrier (route b) for everyone alike; it cannot make the later steps "
               "safe. Relational coaching by a worker softens the cut in the model (the Connecting People "
               "Intervention works on confidence and existing relationships: Webber et al. 2015).",
        sources=("andersen2020", "hawkley2010", "vergara2023", "webber2015"),
        discussion=("Where on the path did the person you followed get stuck?",
                    "More moderation softens rejection. Try it: which step changes?",
                    "What could a worker do at each step? Which step would you pick first?"),
        follow_profile="relational_online", runs_label="1 run (about 1 second)",
    ),
    Exercise(
        key="targeting", number=3,
        title="Targeting support: who should workers see first?",
        question="Support workers can only see a few people at a time. Whom should they see first so that the "
                 "most citizens who find digital tools hard make a friend through the platform who lasts?",
        intro="The platform runs, and the town pays for support workers (10 per 10,000 citizens, 15 people each, "
              "16 weeks per person) who help people get online, coach them and go along to first meetings. People "
              "are referred to them; workers choose whom to see first from the waiting list. Run compares every "
              "order on the same town.",
        preset="platform_with_support", overrides={}, seed=303, citizens=2000, weeks=52,
        levers=(Lever("support.workers", 0.0, 50.0, 5.0), Lever("support.duration_weeks", 4, 52, 4),
                Lever("support.caseload", 5, 40, 5)),
        locked=("platform.enabled", "support.delivery_mode"),
        prediction=Prediction("choice", "Which order gives the most citizens who find digital tools hard a friend "
                              "who lasts?", choices=tuple(CHOICE_LABELS["support.targeting"][t] for t in TARGETS)),
        execute=_ex3_execute, measure=_ex3_measure,
        reveal="Workers can see only a few people at once, so the order decides who benefits. The platform's gate "
               "is digital skill: in the model, a worker's digital help raises skills, gets people signed up and "
               "keeps them from dropping out, and coaching and going along to a first meeting carry them further "
               "(Andersen et al. 2020: people with limited digital literacy may need support; the Connecting People "
               "Intervention: goal setting, engagement through activities, going along, the worker's own contacts "
               "as bridges, moving on — Webber et al. 2015, 2016).\n\n"
               "Seeing the loneliest first helps other people: many are already online but struggle in "
               "relationships. Every order can only choose among those who are referred, and stigma keeps many from "
               "asking (Heyes 2018, citing WHO 2015: about 1 in 10 people have a mental-health problem and up to two "
               "thirds of them get no support); some of those offered support say no, more often when trust in "
               "services is low. Whom you see first is a choice of goal: there is no order that is best for "
               "everyone.",
        sources=("andersen2020", "webber2015", "webber2016", "heyes2018"),
        discussion=("Which goal did your service choose, perhaps without saying so?",
                    "Double the workers. Does the best order change?",
                    "What would make people who need support ask for it?"),
        follow_profile="relational_low_literacy", runs_label="5 runs, one per order (about 3 seconds)",
    ),
    Exercise(
        key="lockdown", number=4,
        title="Digital delivery during a lockdown",
        question="A lockdown: support workers can only reach people by phone or video. For every 100 units of help "
                 "that reach a client face to face, how many get through remotely?",
        intro="Same platform and workers as before, but all support is remote. Many homes have no private space for "
              "a call, some have no device or Wi-Fi, and about half of the workers feel confident working "
              "digitally. You can train workers, give out tablets, or change how support is delivered.",
        preset="remote_only", overrides={}, seed=404, citizens=2000, weeks=52,
        levers=(Lever("support.digital_training"), Lever("devices.per_1000", 0.0, 100.0, 10.0),
                Lever("devices.target"), Lever("support.delivery_mode"),
                Lever("population.share_no_privacy", 0.0, 0.7, 0.05)),
        locked=("platform.enabled", "support.workers", "support.targeting"),
        prediction=Prediction("number", "For every 100 units of help given face to face, how many get through "
                              "by phone or video (untrained workers, no tablets given out)?",
                              min=0, max=100, step=1, unit="in 100"),
        execute=_ex4_execute, measure=_ex4_measure,
        reveal="Hickey et al. (2023) surveyed 102 social-care practitioners who delivered support digitally during "
               "COVID-19: 52.9% felt confident and 45.1% comfortable doing so; 91.2% valued keeping the connection "
               "and 72.5% saw more access and flexibility; but 68.6% named home environments without privacy as a "
               "barrier, 52.9% poor Wi-Fi or devices, and 68.6% wanted more training.\n\n"
               "The model turns these into how much of each week's help gets through remotely: the worker's digital "
               "confidence (about half of untrained workers are confident, as in the survey; training raises "
               "everyone's), times a cut when the client has no private space, times a deep cut when they have no "
               "device. Tablets and training remove two of the three barriers; privacy at home remains. A mix of "
               "remote and in-person contact keeps most of the help.\n\n"
               "Careful: Hickey et al. studied practitioners working with children and families, not adults, in "
               "Ireland; the model transfers their figures with care, and the sizes of the cuts are assumptions.",
        sources=("hickey2023",),
        discussion=("Which of the three barriers could your service remove fastest, and at what cost?",
                    "Who is left behind when support goes remote, even with tablets?",
                    "What did remote contact make possible that in-person contact did not?"),
        follow_profile="relational_low_literacy", runs_label="2 runs: yours and in person (about 2 seconds)",
    ),
    Exercise(
        key="cost", number=5,
        title="The cost of belonging",
        question="Four policies, each costed for a year. Which one brings an extra person out of loneliness for "
                 "the least money, compared with doing nothing?",
        intro="A town of 2,000. Each policy runs three times on the same three random draws as doing nothing. "
              "Costs are workers' weeks, training, tablets, new activities and running the platform; you can change "
              "the unit costs (they are assumptions of the order of UK unit costs). Lonely means a score of 6 or "
              "more on the 3-item UCLA loneliness scale.",
        preset="platform_with_support", overrides={}, seed=505, citizens=2000, weeks=52,
        levers=(Lever("costs.worker_week", 0.0, 3000.0, 100.0), Lever("costs.platform_week", 0.0, 10000.0, 500.0),
                Lever("costs.device", 0.0, 1000.0, 50.0),
                Lever("replicates", 2, 5, 1, option=True, default=3, label="Runs of each policy",
                      help="Each extra run of every policy makes the averages surer and takes about 2 seconds.")),
        locked=(),
        prediction=Prediction("choice", "Which policy has the lowest cost per extra person no longer lonely?",
                              choices=tuple(PRESET_LABELS[p] for p in POLICIES5[1:]) + (NO_GAIN,)),
        execute=_ex5_execute, measure=_ex5_measure,
        reveal="Loneliness comes and goes: many people who are lonely now will not be in a year, with or without "
               "help. In the model, as in networks of real people, new ties form and loneliness recedes as well as "
               "spreads (Cacioppo, Fowler & Christakis 2009). So a policy's cost must be divided by the *extra* "
               "people it brings out of loneliness compared with doing nothing (the incremental cost-effectiveness "
               "ratio), not by everybody who is no longer lonely: that makes every policy look many times "
               "cheaper than it is.\n\n"
               "When effects are small, the extra people are few and uncertain, so the cost per extra person is "
               "large and its interval wide; a policy whose extra is near zero has no sensible cost per person at "
               "all. That is exercise 6. Lonely means 6 or more on the 3-item UCLA scale (Hughes et al. 2004).",
        sources=("cacioppo2009", "hughes2004", "webber2016"),
        discussion=("Which number would you put in a report to your council, and which caveat beside it?",
                    "Raise the worker's weekly cost to a realistic local figure. Does the order change?",
                    "What does the cost per person leave out (wellbeing, friendships that do not end loneliness)?"),
        follow_profile="secure_online", runs_label="5 policies x 3 runs (about 8 seconds)",
    ),
    Exercise(
        key="how_sure", number=6,
        title="How sure are we? Replicates and intervals",
        question="Can we say, with 95% confidence, that platform with support workers leaves fewer people lonely "
                 "after a year than doing nothing?",
        intro="Every run draws at random who meets whom, who writes and who answers. We run the policy and doing "
              "nothing on the same random draws (a replicate), a few times, and look at the difference in the "
              "change of lonely people. More replicates or a bigger town give a narrower interval.",
        preset="platform_with_support", overrides={}, seed=606, citizens=2000, weeks=52,
        levers=(Lever("run.citizens", 500, 4000, 500),
                Lever("replicates", 2, 10, 1, option=True, default=3, label="Replicates (runs of each)",
                      help="Each replicate runs both the policy and doing nothing with one random seed.")),
        locked=("platform.enabled", "support.workers"),
        prediction=Prediction("choice", "With the replicates and town size set here, what will the 95% interval "
                              "for the difference say?",
                              choices=CHOICES6),
        execute=_ex6_execute, measure=_ex6_measure,
        reveal="Each replicate runs both policies with the same seed (common random numbers), so the same citizens "
               "meet each policy and the difference is not swamped by who happened to live in town. The 95% "
               "interval shows the range of average differences consistent with the replicates: few replicates or "
               "a small town give a wide interval. The effect of a platform on the lonely share of a whole town is "
               "small, because most people never use it and most lonely people are never reached, so it takes many "
               "replicates to see.\n\n"
               "The research needs the same caution. Andersen et al. (2020) is a qualitative study of 27 "
               "interviews: it tells us how and for whom, not how much. The Connecting People pilot was a one-group "
               "before-and-after study (Webber et al. 2019); a later study compared two groups without random "
               "allocation (Webber et al. 2021). A model's numbers are only as sure as its assumptions: an interval "
               "over replicates shows the noise of the model, not the doubt about its assumptions.",
        sources=("andersen2020", "webber2019", "webber2021"),
        discussion=("How many replicates did you need before the interval stopped including zero, if it did?",
                    "Is a difference of less than one person in 100 worth the money?",
                    "What would you need to know before trusting a model's number in a budget decision?"),
        follow_profile="secure_online", runs_label="2 runs per replicate (about 1 second each)",
    ),
)
