"""docs/validity.py (the measures of issue 11) on a tiny model: every measure runs and gives
numbers of the right kind (shares in 0..1, correlations in -1..1, risk ratios positive).

300 citizens, one seed, a 4-week burn-in and 8 intervention weeks (measure 8: 12 weeks), in
this process: a few seconds. The figures themselves are not checked (they are what the script is for)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("validity", ROOT / "docs" / "validity.py")
validity = importlib.util.module_from_spec(spec)
spec.loader.exec_module(validity)

SEED, CITIZENS, WEEKS, DRIFT_WEEKS, BURN_IN = 3, 300, 8, 12, 4


@pytest.fixture(scope="module")
def result():
    return validity.measure_all(only=list(validity.MEASURES), seeds=[SEED], citizens=CITIZENS, weeks=WEEKS,
                                drift_weeks=DRIFT_WEEKS, drift_burn_in=0, workers=1, burn_in=BURN_IN)


def mean(summary: dict) -> float:
    assert set(summary) >= {"mean", "ci95", "min", "max", "per_seed"}, summary
    assert len(summary["per_seed"]) == 1
    return summary["mean"]


def finite(x) -> bool:
    return x is not None and math.isfinite(x)


def test_every_measure_is_there(result):
    assert sorted(result["measures"]) == list(range(1, 9))
    t = result["timings"]
    assert t["wall_seconds"] > 0 and t["run_seconds_total"] > 0
    assert set(t["per_run_seconds"]) == {l for k in validity.NEEDS for l in validity.NEEDS[k]}


def test_social_capital(result):
    m = result["measures"][1]
    K = mean(m["scale maximum K"])
    assert K == validity.social_capital_max() >= 2
    assert 0 <= mean(m["baseline mean at the end"]) <= K
    for name in ("baseline share at K", "baseline share at K-1 or more", "baseline share at K, week 0",
                 "baseline share at K-1 or more, week 0"):
        assert 0 <= mean(m[name]) <= 1, name
    assert mean(m["baseline share at K"]) <= mean(m["baseline share at K-1 or more"])
    assert abs(mean(m["CP - baseline, mean at the end (points)"])) <= K
    eta = m["fidelity 0.9 vs 0.3, clients: partial eta squared (ANCOVA, end ~ group + week 0)"]["mean"]
    assert eta is None or 0 <= eta <= 1


def test_loneliness_and_network(result):
    m = result["measures"][2]
    for name in ("corr(UCLA-3, network size)", "corr(UCLA-3, LSNS-6)"):
        assert -1 <= mean(m[name]) <= 1
        assert -1 <= mean(m[name + ", week 0"]) <= 1
    for name in ("lonely share", "isolated share", "share of the lonely who are isolated"):
        assert 0 <= mean(m[name]) <= 1


def test_contagion(result):
    m = result["measures"][3]
    for spread in ("default spread", "spread 0"):
        for k in ("degree 1", "degree 2", "degree 3", "kin"):
            r = m[f"{k}, {spread}"]
            p = r["pooled"]
            assert p["exposed_cases"] <= p["exposed"] and p["unexposed_cases"] <= p["unexposed"]
            if finite(p["rr"]):
                assert p["rr"] >= 0
                if p["rr"] > 0 and finite(p["ci95"][0]):
                    assert 0 < p["ci95"][0] <= p["rr"] <= p["ci95"][1]
        assert m[f"degree 1, {spread}"]["pooled"]["exposed"] + m[f"degree 1, {spread}"]["pooled"]["unexposed"] > 0


def test_mantel_haenszel_on_known_tables():
    # one stratum: RR = (10/100) / (5/100) = 2; two identical strata pool to the same RR
    one = validity.mantel_haenszel([(10, 100, 5, 100)])
    assert one["rr"] == pytest.approx(2.0) and one["crude_rr"] == pytest.approx(2.0)
    two = validity.mantel_haenszel([(10, 100, 5, 100), (20, 200, 10, 200)])
    assert two["rr"] == pytest.approx(2.0)
    assert two["ci95"][1] - two["ci95"][0] < one["ci95"][1] - one["ci95"][0]
    # confounded by stratum: the crude RR misleads, MH does not
    mh = validity.mantel_haenszel([(1, 10, 10, 100), (50, 100, 5, 10)])
    assert mh["rr"] == pytest.approx(1.0) and abs(math.log(mh["crude_rr"])) > 1


def test_dose_and_digital(result):
    for preset, tab in result["measures"][4].items():
        rows = [r for name, r in tab.items() if not name.startswith("_")]
        assert len(rows) >= 7, preset
        for r in rows:
            assert 0 <= mean(r["clients_share"]) <= 1
            assert abs(mean(r["population_sd"])) < 5
            assert mean(r["baseline_ucla_sd"]) > 0
    m5 = result["measures"][5]
    assert mean(m5["remote_only (digital)"]["clients"]) >= 0
    assert "remote_only - platform_with_support" in m5


def test_uptake_and_p1(result):
    m6 = result["measures"][6]
    for name in ("joined by the end, all citizens", "joined by the end, low digital literacy",
                 "joined by the end, high digital literacy", "users at the end, all citizens"):
        assert 0 <= mean(m6[name]) <= 1
    m7 = result["measures"][7]
    for g in validity.P1_GROUPS:
        n = mean(m7[f"{g}: lonely at week 0 (citizens)"])
        assert n >= 0
        if n:
            for run in ("baseline", "platform_only"):
                assert 0 <= mean(m7[f"{g}: no longer lonely, {run}"]) <= 1
            assert -1 <= mean(m7[f"{g}: no longer lonely, platform_only - baseline"]) <= 1


def test_drift(result):
    m = result["measures"][8]
    assert m["_run"]["weeks"] == DRIFT_WEEKS and m["_run"]["points"] == [0, DRIFT_WEEKS]
    assert mean(m["week 0: ties per citizen"]) > 0
    assert 0 <= mean(m[f"week {DRIFT_WEEKS}: lonely share"]) <= 1
    assert finite(mean(m["slope of ties per citizen per year, all year ends"]))


def test_command_line_markdown_and_json(tmp_path, capsys):
    out = tmp_path / "v.json"
    validity.main(["--only", "2,6", "--seeds", "1", "--citizens", "200", "--weeks", "3", "--burn-in", "2", "--workers", "1",
                   "--json", str(out)])
    text = capsys.readouterr().out
    assert "Command: `python docs/validity.py --only 2,6" in text
    assert "## 2." in text and "## 6." in text and "## 3." not in text
    data = json.loads(out.read_text())
    assert data["seeds"] == [1] and sorted(data["measures"]) == ["2", "6"]
    assert data["command"].startswith("python docs/validity.py")


def test_seed_ranges():
    assert validity.parse_seeds("1-5") == [1, 2, 3, 4, 5]
    assert validity.parse_seeds("6-8,12") == [6, 7, 8, 12]
    assert validity.parse_only("3,1") == [1, 3]
    with pytest.raises(Exception):
        validity.parse_only("9")


def test_summary_interval():
    s = validity.summary([1.0, 2.0, 3.0])
    assert s["mean"] == 2.0 and s["ci95"][0] < 2.0 < s["ci95"][1] and (s["min"], s["max"]) == (1.0, 3.0)
    assert validity.summary([np.nan])["mean"] is None
