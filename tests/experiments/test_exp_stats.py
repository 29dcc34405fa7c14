"""Paired intervals, bootstrap ratios and cost-effectiveness on constructed numbers."""

import math

import numpy as np
import pytest
from scipy import stats as st

from experiments.stats import cost_effectiveness, dominance, paired_interval, ratio_interval


def test_paired_interval_is_the_t_interval_of_the_differences():
    d = np.array([1.0, 2.0, 4.0, 3.0, 0.5])
    r = paired_interval(d)
    half = st.t.ppf(0.975, 4) * d.std(ddof=1) / math.sqrt(5)
    assert r["diff"] == pytest.approx(2.1)
    assert r["ci_low"] == pytest.approx(2.1 - half)
    assert r["ci_high"] == pytest.approx(2.1 + half)
    assert r["replicates"] == 5


def test_paired_interval_edge_cases():
    assert paired_interval([3.0, 3.0, 3.0]) == {"diff": 3.0, "ci_low": 3.0, "ci_high": 3.0, "replicates": 3}
    one = paired_interval([2.0])
    assert one["diff"] == 2.0 and math.isnan(one["ci_low"]) and math.isnan(one["ci_high"])
    # NaN replicates (an empty subgroup) are left out, not turned into zeros
    r = paired_interval([1.0, np.nan, 3.0])
    assert r["replicates"] == 2 and r["diff"] == 2.0


def test_pairing_is_narrower_than_unpaired_when_replicates_share_noise():
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 5, 20)                 # the seed moves both scenarios alike
    base, scen = 10 + noise, 11 + noise + rng.normal(0, 0.1, 20)
    r = paired_interval(scen - base)
    assert r["ci_low"] > 0.8 and r["ci_high"] < 1.2


def test_ratio_interval_defined_and_undefined():
    num = np.array([100.0, 110, 90, 105, 95])
    den = np.array([10.0, 11, 9, 10, 10])
    r = ratio_interval(num, den, seed=1)
    assert r["value"] == pytest.approx(500 / 50)
    assert r["ci_low"] <= 10 <= r["ci_high"] and r["undefined_reason"] is None
    # a denominator whose sign flips between replicates: no interval, and the reason says so
    r = ratio_interval(num, np.array([1.0, -1, 2, -2, 0.5]), seed=1)
    assert math.isnan(r["ci_low"]) and "noise" in r["undefined_reason"]


def test_strong_and_extended_dominance():
    names = ["base", "A", "B", "C", "D"]
    cost = [0.0, 100.0, 150.0, 300.0, 310.0]
    effect = [10.0, 20.0, 15.0, 50.0, 49.0]
    d = dominance(names, cost, effect)
    assert d["B"]["status"] == "dominated" and d["B"]["by"] == ["A"]       # costs more, does less than A
    assert d["D"]["status"] == "dominated" and d["D"]["by"] == ["C"]
    assert d["base"]["status"] == d["C"]["status"] == "frontier"
    # A: ICER base->A = 10/unit; A->C = 200/30 = 6.7/unit < 10: A is extendedly dominated
    assert d["A"]["status"] == "extendedly dominated" and d["A"]["by"] == ["base", "C"]
    assert d["C"]["frontier_icer"] == pytest.approx(300 / 40)


def test_cost_effectiveness_on_constructed_replicates():
    names = ["baseline", "cheap_good", "dear_bad", "saver"]
    # 4 replicates each: costs and people no longer lonely
    costs = np.array([[0, 0, 0, 0], [1000, 1100, 900, 1000], [5000, 5000, 5000, 5000], [-200, -200, -200, -200]],
                     dtype=float)
    effects = np.array([[10, 12, 11, 9], [20, 22, 21, 19], [8, 10, 9, 7], [10, 12, 11, 9]], dtype=float)
    rows = {r["scenario"]: r for r in cost_effectiveness(names, costs, effects, seed=3)}
    cg = rows["cheap_good"]
    assert cg["incremental_effect"] == pytest.approx(10.0)
    assert cg["incremental_cost"] == pytest.approx(1000.0)
    assert cg["icer"] == pytest.approx(100.0)                 # 1000 / 10 extra people
    assert cg["icer_ci_low"] <= 100 <= cg["icer_ci_high"]
    assert cg["icer_ci_high"] - cg["icer_ci_low"] < 40        # tight: the effect gain is the same in every replicate
    assert cg["cost_per_no_longer_lonely"] == pytest.approx(1000 / 20.5)
    bad = rows["dear_bad"]
    assert math.isnan(bad["icer"]) and "dominated by baseline" in bad["icer_note"]
    assert bad["status"] == "dominated"
    sv = rows["saver"]
    assert "dominates baseline" in sv["icer_note"]
    assert rows["baseline"]["status"] == "dominated" and rows["baseline"]["dominated_by"] == ["saver"]


def test_cost_effectiveness_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="replicates"):
        cost_effectiveness(["a", "b"], np.zeros((2, 3)), np.zeros((2, 4)))
