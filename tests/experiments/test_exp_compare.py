"""compare(): common random numbers, paired intervals, subgroups by citizen, JSON shape, costs, cancel."""

import json
import math
import threading

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from experiments import Cancelled, compare
from experiments.compare import _effect_phrase
from sim import BelongingModel, ScenarioError, load_scenario

SMALL = dict(citizens=300, weeks=8, seed=11)
FAST = {"run.burn_in": 4}


@pytest.fixture(scope="module")
def comp():
    return compare(["baseline", "platform_only", "platform_with_support"], replicates=3, executor="serial",
                   overrides={"support.workers": 40.0, "run.burn_in": 4}, **SMALL)


def test_common_random_numbers_same_seeds_and_reproducible_runs(comp):
    runs = comp.runs_frame()
    seeds = runs.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()                       # replicate r: one seed for every scenario
    assert list(seeds["baseline"]) == [11, 12, 13]
    # replicate 1 of platform_only is exactly `BelongingModel(..., seed=12)`
    m = BelongingModel("platform_only", citizens=300, weeks=8, seed=12, overrides={"support.workers": 40.0, "run.burn_in": 4})
    m.run()
    row = runs[(runs.scenario == "platform_only") & (runs.replicate == 1)].iloc[0]
    for k, v in m.outcomes().items():
        assert row[f"{k}_end"] == v["end"]
    assert row.total_cost == m.total_cost()


def test_a_scenario_against_itself_differs_by_exactly_zero():
    c = compare(["baseline", "baseline"], replicates=2, executor="serial", overrides=FAST, **SMALL)
    f = c.to_frame()
    assert c.labels == ["baseline", "baseline (2)"]
    assert (f["diff"] == 0).all() and (f.ci_low == 0).all() and (f.ci_high == 0).all()


def test_population_interval_is_the_paired_t_interval(comp):
    runs = comp.runs_frame()
    end = runs.pivot(index="replicate", columns="scenario", values="lonely_share_end")
    d = (end["platform_with_support"] - end["baseline"]).to_numpy()
    half = st.t.ppf(0.975, 2) * d.std(ddof=1) / math.sqrt(3)
    f = comp.to_frame()
    row = f[(f.scenario == "platform_with_support") & (f.outcome == "lonely_share") & (f.digital_literacy == "all")
            & (f.relational_history == "all") & (f.supported == "all")].iloc[0]
    assert row["diff"] == pytest.approx(d.mean(), abs=1e-12)
    assert row.ci_low == pytest.approx(d.mean() - half, abs=1e-12)
    assert row.ci_high == pytest.approx(d.mean() + half, abs=1e-12)


def test_subgroups_pair_the_same_citizens_across_scenarios(comp):
    """The 'supported' subgroup's baseline value is the baseline outcome of the citizens the
    scenario supported, computed here from the models' citizen tables."""
    diffs = []
    for r, seed in enumerate([11, 12, 13]):
        tabs = {}
        for name in ("baseline", "platform_with_support"):
            m = BelongingModel(name, seed=seed, overrides={"support.workers": 40.0, "run.burn_in": 4}, citizens=300, weeks=8)
            m.run()
            tabs[name] = m.citizen_table()
        sup = (tabs["platform_with_support"].supported == "yes").to_numpy()
        assert sup.any()
        diffs.append(tabs["platform_with_support"].belonging_end[sup].mean() - tabs["baseline"].belonging_end[sup].mean())
    f = comp.subgroups_frame(margins=True)
    row = f[(f.scenario == "platform_with_support") & (f.supported == "yes") & (f.outcome == "belonging")].iloc[0]
    assert row["diff"] == pytest.approx(np.mean(diffs), rel=1e-5)
    assert comp.paired_by_citizen["platform_with_support"]
    # full groups partition the population: sizes add up to the citizens
    full = comp.subgroups_frame()
    n = full[(full.scenario == "platform_with_support") & (full.outcome == "belonging")]["n"].sum()
    assert n == pytest.approx(300)


def test_to_dict_shape_and_json(comp):
    d = comp.to_dict()
    text = json.dumps(d, allow_nan=False)             # NaN became null: valid JSON
    assert json.loads(text)["baseline"] == "baseline"
    assert list(d["scenarios"]) == ["platform_only", "platform_with_support"]
    s = d["scenarios"]["platform_with_support"]
    for o in ("lonely_share", "belonging", "network_size"):
        assert {"diff", "ci_low", "ci_high"} <= set(s["outcomes"][o])
    assert s["subgroups"], "subgroups listed"
    for g in s["subgroups"]:
        assert set(g) >= {"digital_literacy", "relational_history", "supported", "n", "outcomes"}
        assert {"diff", "ci_low", "ci_high"} <= set(g["outcomes"]["lonely_share"])
    ce = s["cost_effectiveness"]
    assert {"total_cost", "cost_per_no_longer_lonely", "icer", "icer_ci_low", "icer_ci_high", "status"} <= set(ce)
    assert set(d["cmo"]) == {"baseline", "platform_only", "platform_with_support"}
    assert {"reach_share", "bridge_share", "n"} <= set(d["cmo"]["platform_with_support"][0])
    assert isinstance(d["summary"], list) and d["summary"]


def test_costs_and_cmo_views(comp):
    c = comp.costs_frame().set_index("scenario")
    runs = comp.runs_frame()
    assert c.loc["platform_with_support", "total_cost"] == pytest.approx(
        runs[runs.scenario == "platform_with_support"].total_cost.mean())
    assert c.loc["baseline", "cost_platform"] == 0 and c.loc["platform_only", "cost_platform"] > 0
    assert set(c.status) <= {"frontier", "dominated", "extendedly dominated"}
    cmo = comp.cmo_frame()
    sup = cmo[(cmo.scenario == "platform_with_support") & (cmo.supported == "yes")]
    assert (sup.bridge_share > 0).any()                  # worker bridges fire only for the supported
    assert (cmo[cmo.supported == "no"].bridge_share == 0).all()
    assert (cmo[cmo.scenario == "baseline"][["reach_share", "match_share"]] == 0).all().all()   # no platform


def test_edited_scenario_objects_are_accepted():
    edited = load_scenario("platform_with_support", {"support.workers": 60.0})
    c = compare(["platform_with_support", edited], replicates=2, executor="serial", overrides=FAST, **SMALL)
    assert c.labels == ["platform_with_support", "platform_with_support (2)"]
    costs = c.costs_frame().set_index("scenario").total_cost
    assert costs.iloc[1] > costs.iloc[0]                # more workers cost more


def test_bad_input_fails_before_anything_runs():
    calls = []
    with pytest.raises(ScenarioError, match="support.wrkers"):
        compare(["baseline", "platform_only"], overrides={"support.wrkers": 3}, progress=lambda *a: calls.append(a),
                executor="serial")
    with pytest.raises(ScenarioError, match="no_such_preset"):
        compare(["baseline", "no_such_preset"], executor="serial")
    with pytest.raises(ValueError, match="run.citizens"):
        compare(["baseline", load_scenario("baseline", {"run.citizens": 500})], executor="serial")
    with pytest.raises(ValueError, match="replicates"):
        compare(["baseline", "platform_only"], replicates=0, executor="serial")
    with pytest.raises(ValueError, match="at least two"):
        compare(["baseline"], executor="serial")
    assert calls == []


def test_cancel_stops_the_comparison():
    ev = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done == 2:
            ev.set()

    with pytest.raises(Cancelled):
        compare(["baseline", "platform_only"], replicates=5, executor="serial", progress=progress, cancel=ev, overrides=FAST, **SMALL)
    assert seen == [1, 2]
    with pytest.raises(Cancelled):
        compare(["baseline", "platform_only"], replicates=5, executor="serial", cancel=lambda: True, overrides=FAST, **SMALL)


def test_summary_sentences_wording(comp):
    assert _effect_phrase("lonely_share", -0.031, -0.043, -0.018) == "cut the lonely share by 3.1 points [1.8, 4.3]"
    assert _effect_phrase("belonging", 1.234, 0.5, 2.0) == "raised belonging by 1.2 [0.5, 2.0]"
    assert "within noise" in _effect_phrase("lonely_share", 0.002, -0.005, 0.009)
    sents = comp.summary_sentences()
    assert any(s.startswith("Compared with baseline, platform_with_support") for s in sents)
    assert any("cost" in s for s in sents)
    with pytest.raises(ValueError, match="outcome"):
        comp.summary_sentences("happiness")


@pytest.mark.slow
def test_local_processes_give_the_same_numbers_as_one_process(comp):
    par = compare(["baseline", "platform_only", "platform_with_support"], replicates=3, executor=2,
                  overrides={"support.workers": 40.0, "run.burn_in": 4}, **SMALL)
    pd.testing.assert_frame_equal(par.to_frame(), comp.to_frame())
    pd.testing.assert_frame_equal(par.costs_frame(), comp.costs_frame())
