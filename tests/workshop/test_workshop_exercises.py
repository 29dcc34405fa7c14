"""The workshop's exercises are well-formed, valid against the scenario schema, and measure what they say."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from dashboards.workshop.exercises import (CHOICE_LABELS, CHOICES6, EXERCISES, GROUPS, NO_GAIN, PARAMS, PRESET_LABELS,
                                           SOURCES, TARGETS, Cancelled, Lever, Prediction, WorkshopError, exercise,
                                           run_exercise, run_models)
from sim import load_scenario, presets
from sim.scenarios.schema import Scenario

SMALL = {"citizens": 400, "weeks": 10}


def small(ex, **kw):
    """The exercise on a small town and a short year (same levers, seed and measure)."""
    return dataclasses.replace(ex, **{**SMALL, **kw})


def literal_values(key: str) -> tuple:
    section, _, name = key.rpartition(".")
    cls = Scenario
    for part in section.split("."):
        cls = cls.model_fields[part].annotation
    return tuple(cls.model_fields[name].annotation.__args__)


def test_at_least_six_exercises_numbered_in_order():
    assert len(EXERCISES) >= 6
    assert [e.number for e in EXERCISES] == list(range(1, len(EXERCISES) + 1))
    assert len({e.key for e in EXERCISES}) == len(EXERCISES)
    assert exercise(3) is exercise(EXERCISES[2].key) is EXERCISES[2]
    with pytest.raises(KeyError, match="unknown; exercises are 1"):
        exercise("no_such_exercise")


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.key)
def test_exercise_is_well_formed(ex):
    for text in (ex.title, ex.question, ex.intro, ex.reveal, ex.runs_label):
        assert isinstance(text, str) and len(text.strip()) > 10
    assert ex.question.rstrip().endswith("?")
    assert len(ex.discussion) >= 2 and all(q.strip().endswith("?") for q in ex.discussion)
    assert ex.sources and all(s in SOURCES for s in ex.sources)
    assert isinstance(ex.seed, int) and ex.seed >= 0
    assert 500 <= ex.citizens <= 2000, "small towns keep every run to a few seconds"
    assert ex.preset in presets() and ex.preset in PRESET_LABELS
    p = ex.prediction
    assert p.kind in ("choice", "number") and p.prompt.strip()
    if p.kind == "choice":
        assert len(p.choices) >= 2 and len(set(p.choices)) == len(p.choices)
    else:
        assert p.min < p.max and p.step > 0
    # the reveal cites its evidence in the text, not only in the source list
    assert any(word in ex.reveal for word in ("et al.", "2009", "2010", "2015", "2016", "2020", "2023"))


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.key)
def test_preset_levers_and_locked_settings_are_valid_scenario_keys(ex):
    for key in ex.overrides:
        assert key in PARAMS, f"exercise {ex.key}: override {key!r} is not a scenario key"
    sc = ex.base_scenario()
    assert sc.run.seed == ex.seed and sc.run.citizens == ex.citizens and sc.run.weeks == ex.weeks
    lever_keys = [lv.key for lv in ex.levers]
    assert len(set(lever_keys)) == len(lever_keys)
    for key in ex.locked:
        assert key in PARAMS, f"exercise {ex.key}: locked {key!r} is not a scenario key"
        assert key not in lever_keys, f"exercise {ex.key}: {key!r} is both locked and a lever"
    defaults = ex.defaults()
    for lv in ex.levers:
        if lv.option:
            assert lv.key not in PARAMS and lv.default is not None and lv.help
            assert lv.min <= lv.default <= lv.max
            continue
        assert lv.key in PARAMS, f"exercise {ex.key}: lever {lv.key!r} is not a scenario key"
        assert lv.title and lv.explain()
        row = PARAMS[lv.key]
        if lv.kind == "choice":
            allowed = literal_values(lv.key)
            assert set(lv.allowed()) <= set(allowed)
            assert all(lv.choice_label(c) != c for c in lv.allowed()), "every choice has plain words"
        elif lv.kind in ("int", "float"):
            b = row["bounds"]
            lo = b.get("ge", b.get("gt", -math.inf))
            hi = b.get("le", b.get("lt", math.inf))
            assert lo <= lv.min < lv.max <= hi, f"lever {lv.key}: {lv.min}..{lv.max} outside {lo}..{hi}"
            assert lv.step and lv.step > 0
        # the preset's value is one the control can show
        assert lv.check(defaults[lv.key]) == defaults[lv.key]
    # every lever at its extremes still makes a valid scenario
    for lv in ex.scenario_levers():
        for v in ((lv.min, lv.max) if lv.kind in ("int", "float") else
                  (True, False) if lv.kind == "bool" else lv.allowed()):
            v = int(v) if lv.kind == "int" else float(v) if lv.kind == "float" else v
            load_scenario(ex.preset, ex.overrides_for({**defaults, lv.key: v}))


def test_wrong_lever_values_name_the_key_the_value_and_what_is_allowed():
    ex = exercise("platform_alone")
    with pytest.raises(WorkshopError, match=r"'support.workers' is locked or unknown; students may change: "
                                            r"platform.outreach_effort"):
        ex.check_values({"support.workers": 10.0})
    with pytest.raises(WorkshopError, match=r"'platform.outreach_effort': value 1.5 is out of range; allowed: 0.0 to 1.0"):
        ex.check_values({"platform.outreach_effort": 1.5})
    with pytest.raises(WorkshopError, match=r"'platform.suggestions_per_week': value 2.5 is not a whole number"):
        ex.check_values({"platform.suggestions_per_week": 2.5})
    with pytest.raises(WorkshopError, match=r"'platform.matching_policy': value 'alphabetical' is not allowed; "
                                            r"allowed: random, interests"):
        ex.check_values({"platform.matching_policy": "alphabetical"})
    with pytest.raises(WorkshopError, match=r"'support.digital_training': value 'yes' is not allowed; allowed: true"):
        exercise("lockdown").check_values({"support.digital_training": "yes"})
    with pytest.raises(WorkshopError, match=r"'replicates': value 50 is out of range"):
        exercise("how_sure").check_values({"replicates": 50})
    assert ex.check_values({"platform.outreach_effort": 1})["platform.outreach_effort"] == 1.0


def test_predictions_are_checked():
    p = Prediction("number", "How many?", min=0, max=100)
    assert p.check(12) == 12.0
    with pytest.raises(WorkshopError, match="out of range; allowed: 0 to 100"):
        p.check(120)
    with pytest.raises(WorkshopError, match="not a number"):
        p.check("many")
    c = Prediction("choice", "Which?", choices=("a", "b"))
    with pytest.raises(WorkshopError, match="not one of the choices: a; b"):
        c.check("c")


@pytest.fixture(scope="module")
def small_results():
    """Every exercise run once on a small town with its default levers."""
    return {ex.key: run_exercise(small(ex)) for ex in EXERCISES}


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.key)
def test_measure_gives_something_to_set_beside_the_prediction(ex, small_results):
    r = small_results[ex.key]
    p = ex.prediction
    if p.kind == "choice":
        assert r.value in p.choices, f"{ex.key}: result {r.value!r} is not one of the prediction's choices"
        assert "You predicted" in r.verdict(p, p.choices[0])
        assert ("that is what the run shows" in r.verdict(p, r.value))
    else:
        assert isinstance(r.value, (int, float)) and p.min <= r.value <= p.max
        assert f"{r.display}" in r.verdict(p, p.min)
    assert r.display and len(r.what_happened) > 40
    assert isinstance(r.table, pd.DataFrame) and len(r.table) >= 2
    assert r.seconds > 0


def test_platform_alone_measures_lasting_friendships_by_group():
    ex = small(exercise("platform_alone"), citizens=800, weeks=20)
    runs = ex.execute(ex, ex.check_values({}), None, None)
    r = ex.measure(runs, ex.check_values({}))
    ct = runs["platform"].citizen_table()
    rates = {}
    for low, rd, label in GROUPS:
        g = ct[(ct.digital_literacy == ("low" if low else "high")) & (ct.relational_history == ("difficulties" if rd else "secure"))]
        rates[label] = 100 * (g.fired_match > 0).mean()
    assert r.facts["rates"] == pytest.approx(rates)
    assert r.value == max(rates, key=rates.get)


def test_relational_history_counts_platform_users_only():
    ex = small(exercise("relational_history"), citizens=800, weeks=20)
    vals = ex.check_values({})
    runs = ex.execute(ex, vals, None, None)
    m = runs["platform"]
    users = m.pop.joined_week >= 0
    rd = users & m.pop.reldiff
    expected = 100 * np.count_nonzero(rd & (m.pop.fired["match"] > 0)) / np.count_nonzero(rd)
    r = ex.measure(runs, vals)
    assert r.value == round(expected)
    t = r.table
    assert list(t["users"]) == [int(rd.sum()), int((users & ~m.pop.reldiff).sum())]
    # letters answered can never exceed letters written
    assert (t["letters answered (per 100 letters)"].dropna() <= 100).all()


def test_targeting_runs_every_order_on_the_same_town():
    ex = small(exercise("targeting"), citizens=600, weeks=16)
    runs = ex.execute(ex, ex.check_values({}), None, None)
    assert list(runs) == list(TARGETS)
    pops = [m.pop for m in runs.values()]
    for p in pops[1:]:
        assert np.array_equal(p.low_literacy, pops[0].low_literacy) and np.array_equal(p.reldiff, pops[0].reldiff)
    starts = [m.start_values["loneliness"] for m in runs.values()]
    assert all(np.array_equal(s, starts[0]) for s in starts[1:]), "every order starts from the same week 0"
    assert {m.sc.support.targeting for m in runs.values()} == set(TARGETS)
    r = ex.measure(runs, ex.check_values({}))
    labels = CHOICE_LABELS["support.targeting"]
    seen_low = r.table.set_index("workers see first")["of them: find digital tools hard (%)"]
    # aiming at low digital literacy puts more of them on the caseload than taking people as they come
    assert seen_low[labels["low_literacy_first"]] > seen_low[labels["first_come"]]


def test_lockdown_in_person_delivers_everything_and_training_helps():
    ex = small(exercise("lockdown"), citizens=1200, weeks=20)
    in_person = run_exercise(ex, {"support.delivery_mode": "in_person"})
    assert in_person.value == 100
    untrained = run_exercise(ex, {"support.digital_training": False})
    trained = run_exercise(ex, {"support.digital_training": True})
    assert 0 < untrained.value < trained.value < 100
    t = untrained.table.set_index("clients")["help that gets through (% of in person)"]
    assert (untrained.table["client-weeks"] > 0).all(), "the town is big enough for each kind of client"
    # Hickey et al. 2023: no private space and no device each cut remote help
    assert t["no private space"] < t["private space and a device"]
    assert t["no device"] < t["private space and a device"]


def test_cost_table_divides_by_extra_people_against_doing_nothing(small_results):
    r = small_results["cost"]
    t = r.table
    assert list(t.policy) == [PRESET_LABELS[p] for p in ("baseline", "platform_only", "platform_with_support",
                                                         "connecting_people", "digital_inclusion")]
    assert t["cost for the year"].iloc[0] == 0
    for _, row in t.iloc[1:].iterrows():
        extra = row["extra, compared with doing nothing"]
        if extra > 0 and math.isfinite(row["cost per extra person"]):
            base_cost = t["cost for the year"].iloc[0]
            assert row["cost per extra person"] == pytest.approx((row["cost for the year"] - base_cost) / extra,
                                                                 rel=1e-6)
    assert r.value in exercise("cost").prediction.choices
    assert (r.value == NO_GAIN) == all(not (x > 0) for x in t["extra, compared with doing nothing"].iloc[1:])


def test_how_sure_interval_is_consistent_with_its_replicates(small_results):
    r = small_results["how_sure"]
    f = r.facts
    assert len(f["diffs"]) == f["replicates"] == exercise("how_sure").defaults()["replicates"]
    assert f["mean"] == pytest.approx(np.mean(f["diffs"]))
    assert f["low"] <= f["mean"] <= f["high"]
    expected = (CHOICES6[0] if f["high"] < 0 else CHOICES6[2] if f["low"] > 0 else CHOICES6[1])
    assert r.value == expected


def test_interval_is_the_t_interval_of_the_replicates_and_more_replicates_extend_them():
    from scipy import stats
    ex = small(exercise("how_sure"), weeks=8)
    few = run_exercise(ex, {"replicates": 3, "run.citizens": 500})
    many = run_exercise(ex, {"replicates": 6, "run.citizens": 500})
    assert few.facts["diffs"] == pytest.approx(many.facts["diffs"][:3]), "replicate r always uses seed + r"
    for r in (few, many):
        d = np.asarray(r.facts["diffs"])
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
        assert r.facts["low"] == pytest.approx(d.mean() - half) and r.facts["high"] == pytest.approx(d.mean() + half)


def test_same_seed_same_result_and_progress_reaches_one():
    ex = small(exercise("platform_alone"))
    seen = []
    a = run_exercise(ex, progress=seen.append)
    b = run_exercise(ex)
    assert a.value == b.value and a.what_happened == b.what_happened
    pd.testing.assert_frame_equal(a.table, b.table)
    assert seen[-1] == 1.0 and all(0 <= x <= 1 for x in seen) and seen == sorted(seen)


def test_a_newer_run_cancels_an_older_one():
    ex = small(exercise("platform_alone"))
    with pytest.raises(Cancelled):
        run_models(ex, {"x": {"overrides": ex.overrides_for(ex.defaults())}}, cancel=lambda: True)


def test_option_levers_are_not_scenario_keys():
    lv = Lever("replicates", 2, 5, 1, option=True, default=3, help="runs")
    assert lv.kind == "int" and lv.check(4) == 4
    with pytest.raises(WorkshopError):
        lv.check(True)
