"""Pattern tests (pattern-oriented modelling, shared/EVIDENCE.md) over several seeds.

Each seed gives one population; baseline, platform_only and platform_with_support are
run on it with the same seed, so the runs share the citizens, their network and
their week-0 state, and a difference between runs is the effect of the intervention
on the same people (paired runs). Sizes: 5,000 citizens x 8 seeds x 4 scenarios, one
year after the default 26-week burn-in.

Effects are differences in change: (end - start with the intervention) - (end - start
without it), per citizen, averaged over a subgroup (with a shared week 0, the same as
the difference of end values).

Thresholds were set from the values measured over seeds 1-8 (quoted in the comments of
each test) with wide margins: they test the direction and a clear size of each pattern,
not the exact numbers, so they survive re-tuning of the model but fail if a pattern
disappears or reverses.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import BelongingModel
from sim.population import LAPSED

pytestmark = pytest.mark.slow      # ~16 runs of 5,000 citizens: deselect with -m "not slow"

SEEDS = (1, 2, 3, 4, 5, 6, 7, 8)   # eight: the relational-difficulties gap is noisy at four
CITIZENS = 5000
SCENARIOS = {   # label: (preset, overrides)
    "baseline": ("baseline", {}),
    "platform_only": ("platform_only", {}),
    "platform_with_support": ("platform_with_support", {}),                     # low_literacy_first
    "relational_first": ("platform_with_support", {"support.targeting": "relational_first"}),
}


def measure(seed: int, citizens: int = CITIZENS) -> dict:
    """Every number the pattern tests need from one seed's three paired runs."""
    out: dict = {"seed": seed}
    runs = {}
    for name, (preset, over) in SCENARIOS.items():
        m = BelongingModel(preset, citizens=citizens, seed=seed, overrides=over)
        start_keys = m.ties.key.copy()
        start_a, start_b = m.ties.a.copy(), m.ties.b.copy()
        m.run()
        runs[name] = m
        if name == "baseline":
            out["baseline_lonely_series"] = m.timeseries()["lonely_share"].to_numpy()
            # pattern 5: which of each citizen's week-0 ties are gone a year later
            gone = ~np.isin(start_keys, m.ties.key)
            n = m.pop.n
            lost = np.bincount(start_a[gone], minlength=n) + np.bincount(start_b[gone], minlength=n)
            deg0 = np.bincount(start_a, minlength=n) + np.bincount(start_b, minlength=n)
            lonely0 = m.start_values["lonely_share"] > 0
            untreated = ~m.pop.ever_supported
            out["lonely_n"] = int((lonely0 & untreated).sum())
            for label, sel in (("lonely", lonely0 & untreated), ("settled", ~lonely0 & untreated)):
                out[f"lost_share_{label}"] = float(lost[sel].sum() / max(deg0[sel].sum(), 1))
                out[f"d_network_{label}"] = float((m.pop.network_size[sel] - m.start_values["network_size"][sel]).mean())
                out[f"d_degree_{label}"] = float((m.ties.degree()[sel] - deg0[sel]).mean())
        if name == "platform_only":
            pop = m.pop
            ts = m.timeseries()
            out["active"] = ts["platform_active"].to_numpy()
            out["ever"] = ts["platform_ever"].to_numpy()
            # pattern 4: the cohort that joined in the first four weeks, followed for 48 weeks
            cohort = (pop.joined_week >= 0) & (pop.joined_week < 4)
            lapsed = pop.platform == LAPSED
            time_on = np.where(lapsed, pop.lapsed_week.astype(int) - pop.joined_week + 1, 10**6)[cohort]   # weeks used
            out["cohort_n"] = int(cohort.sum())
            out["retention"] = {t: float((time_on > t).mean()) for t in (1, 4, 8, 13, 26, 48)}
            dropped = time_on[time_on <= 48]
            out["dropouts_in_4_weeks"] = float((dropped <= 4).mean())
    base = runs["baseline"]
    pop = base.pop
    groups = {
        "high_secure": ~pop.low_literacy & ~pop.reldiff,
        "low_literacy": pop.low_literacy,
        "rel_difficulties": pop.reldiff,
    }
    base_change = {"belonging": pop.belonging - base.start_values["belonging"],
                   "loneliness": pop.ucla - base.start_values["loneliness"]}
    for name in ("platform_only", "platform_with_support", "relational_first"):
        m = runs[name]
        assert np.array_equal(m.pop.literacy, pop.literacy) and np.array_equal(m.pop.reldiff, pop.reldiff)
        for k in ("belonging", "loneliness", "network_size"):
            assert np.array_equal(m.start_values[k], base.start_values[k]), f"paired runs share week 0 ({name}, {k})"
        for outcome in ("belonging", "loneliness"):
            now = m.pop.belonging if outcome == "belonging" else m.pop.ucla
            # change over the year with the intervention minus change without it, same citizens
            diff = (now - m.start_values[outcome]) - base_change[outcome]
            for g, sel in groups.items():
                out[f"{name}.{outcome}.{g}"] = float(diff[sel].mean())
    return out


@pytest.fixture(scope="module")
def measured():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    # the seeds are independent: two at a time, in fresh processes (fork from a threaded test run can deadlock)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as ex:
        return list(ex.map(measure, SEEDS))


def mean_of(measured, key):
    return float(np.mean([r[key] for r in measured]))


def gap(r, scenario, outcome, group):
    """How much more the high-literacy, secure citizens gained than `group` (in the good direction)."""
    hs, other = r[f"{scenario}.{outcome}.high_secure"], r[f"{scenario}.{outcome}.{group}"]
    return hs - other if outcome == "belonging" else other - hs


# -- (1) the platform alone helps the high-literacy, relationally secure most ---------

def test_platform_alone_raises_belonging_of_the_literate_and_secure(measured):
    # measured (GBS points, paired with baseline), seeds 1-8: +0.81 +0.59 +0.70 +0.71 +0.58 +0.70 +0.67 +0.77;
    # UCLA-3: -0.036 -0.045 -0.031 -0.047 -0.030 -0.060 -0.039 -0.059
    for r in measured:
        assert r["platform_only.belonging.high_secure"] > 0.2, r["seed"]
        assert r["platform_only.loneliness.high_secure"] < 0, r["seed"]
    assert mean_of(measured, "platform_only.belonging.high_secure") > 0.35


@pytest.mark.parametrize("group", ["low_literacy", "rel_difficulties"])
def test_platform_alone_raises_belonging_more_for_them_than_for_the_low_literate_or_struggling(measured, group):
    # measured gap (GBS points), seeds 1-8: low literacy +0.82 +0.83 +0.76 +0.80 +0.53 +0.90 +0.82 +0.95,
    # relational difficulties +0.73 +0.01 +0.33 +0.26 +0.05 +0.03 +0.47 +0.69
    gaps = [gap(r, "platform_only", "belonging", group) for r in measured]
    assert np.mean(gaps) > 0.15, gaps
    assert sum(g > 0 for g in gaps) >= 0.6 * len(gaps), gaps


@pytest.mark.parametrize("group", [
    "low_literacy",
    pytest.param("rel_difficulties", marks=pytest.mark.xfail(strict=True, reason=(
        "on UCLA-3 the platform alone lowers loneliness only slightly more for the secure than for citizens with "
        "relational difficulties, within seed noise: gap (UCLA-3 points) seeds 1-8 +0.030 +0.056 -0.032 -0.031 "
        "+0.085 -0.016 +0.059 +0.011, mean +0.020, t = 1.3 (measured after the 27-item Resource Generator change); the pattern holds on belonging"))),
])
def test_platform_alone_lowers_loneliness_more_for_them_than_for_the_low_literate_or_struggling(measured, group):
    # measured gap (UCLA-3 points), low literacy, seeds 1-8: +0.045 +0.044 +0.000 -0.014 +0.066 +0.013 +0.029 -0.023
    hs_effect = -mean_of(measured, "platform_only.loneliness.high_secure")
    gaps = np.array([gap(r, "platform_only", "loneliness", group) for r in measured])
    assert gaps.mean() > 0.25 * hs_effect, (gaps, hs_effect)       # a clear part of what the secure gain
    t = gaps.mean() / (gaps.std(ddof=1) / np.sqrt(len(gaps)))
    assert t > 1.4, (gaps, t)             # told apart from seed noise (about 90%, one-sided): no verdict on noise


def test_platform_alone_leaves_the_low_literate_with_little(measured):
    hs = mean_of(measured, "platform_only.belonging.high_secure")
    low = mean_of(measured, "platform_only.belonging.low_literacy")
    assert low < 0.5 * hs


# -- (2) support aimed at them narrows the gap ---------------------------------------

def test_support_for_low_literacy_first_narrows_the_literacy_gap(measured):
    # measured narrowing (gap platform_only - gap platform_with_support, GBS points), seeds 1-8:
    # +1.58 +1.18 +1.38 +1.62 +1.35 +1.52 +2.18 +2.10 (the gap reverses: supported low-literacy citizens gain most);
    # in UCLA-3 points: +0.045 +0.034 +0.044 +0.082 +0.062 +0.088 +0.130 +0.125
    narrowing = [gap(r, "platform_only", "belonging", "low_literacy") - gap(r, "platform_with_support", "belonging", "low_literacy")
                 for r in measured]
    assert all(x > 0 for x in narrowing), narrowing
    assert np.mean(narrowing) > 0.5, narrowing
    lon = [gap(r, "platform_only", "loneliness", "low_literacy") - gap(r, "platform_with_support", "loneliness", "low_literacy")
           for r in measured]
    assert np.mean(lon) > 0, lon
    # and the low-literacy group gains more with support than without
    assert mean_of(measured, "platform_with_support.belonging.low_literacy") > \
        mean_of(measured, "platform_only.belonging.low_literacy") + 0.5


def test_support_for_relational_difficulties_first_narrows_the_relational_gap(measured):
    # measured narrowing (GBS points), seeds 1-8: +0.79 +0.35 +0.30 +0.94 +0.95 +0.55 +1.14 +1.28;
    # in UCLA-3 points: +0.010 -0.012 +0.027 +0.053 +0.033 +0.027 +0.061 +0.095
    narrowing = [gap(r, "platform_only", "belonging", "rel_difficulties")
                 - gap(r, "relational_first", "belonging", "rel_difficulties") for r in measured]
    assert all(x > 0 for x in narrowing), narrowing
    assert np.mean(narrowing) > 0.3, narrowing
    lon = [gap(r, "platform_only", "loneliness", "rel_difficulties")
           - gap(r, "relational_first", "loneliness", "rel_difficulties") for r in measured]
    assert np.mean(lon) > 0, lon


# -- (3) no intervention: stable loneliness near the calibration targets -------------

def test_baseline_lonely_share_stays_in_the_calibration_band(measured):
    # measured weekly range, seeds 1-8: 0.111-0.121 0.099-0.108 0.097-0.107 0.105-0.116 0.108-0.116
    # 0.108-0.116 0.103-0.112 0.095-0.109 (year means 0.101-0.115)
    for r in measured:
        series = r["baseline_lonely_series"]
        assert len(series) == 53
        assert series.min() >= 0.05 and series.max() <= 0.15, (r["seed"], series.min(), series.max())
    overall = np.mean([r["baseline_lonely_series"].mean() for r in measured])
    assert 0.08 <= overall <= 0.13, overall        # 8-13% (DEFACTUM 2020; JRC 2022), as baseline.toml says


def test_baseline_lonely_share_does_not_drift_over_the_year(measured):
    # measured drift, seeds 1-8: -0.000 -0.002 -0.003 -0.000 +0.003 +0.001 -0.001 -0.003
    for r in measured:
        s = r["baseline_lonely_series"]
        drift = s[-13:].mean() - s[:13].mean()      # last quarter against the first
        assert abs(drift) < 0.02, (r["seed"], drift)


# -- (4) platform use declines over months; dropout is front-loaded ------------------

def test_platform_use_of_a_cohort_declines_over_months(measured):
    # measured retention of the week 0-3 joiners (~160-200 a seed) after 1 / 4 / 13 / 26 / 48 weeks, seed 1:
    # 0.66 0.41 0.29 0.22 0.14; seeds 1-8 at 1 week 0.62-0.74, at 4 weeks 0.41-0.50
    for r in measured:
        ret = r["retention"]
        assert r["cohort_n"] > 100
        values = [ret[t] for t in (1, 4, 8, 13, 26, 48)]
        assert all(a >= b for a, b in zip(values, values[1:])), (r["seed"], ret)
        assert 0.55 <= ret[1] <= 0.80, (r["seed"], ret)       # Hurmuz: 32.2% dropped in week 1
        assert 0.35 <= ret[4] <= 0.58, (r["seed"], ret)       # Hurmuz: 45.6% still using at 4 weeks
        assert ret[26] < 0.75 * ret[4], (r["seed"], ret)      # and use keeps falling for months
        assert ret[48] < ret[13]


def test_dropout_is_front_loaded(measured):
    # share of the cohort's dropouts (within 48 weeks) in their first 4 weeks, seeds 1-8:
    # 0.69 0.65 0.62 0.64 0.60 0.56 0.63 0.64
    assert mean_of(measured, "dropouts_in_4_weeks") > 0.52
    for r in measured:
        assert r["dropouts_in_4_weeks"] > 0.47, r["seed"]       # most dropouts in the first weeks
        ret = r["retention"]
        first_week_hazard = 1 - ret[1]
        later_hazard = 1 - (ret[26] / ret[13]) ** (1 / 13)       # weekly, months 3-6
        assert first_week_hazard > 4 * later_hazard, (r["seed"], first_week_hazard, later_hazard)


def test_share_of_joiners_still_using_the_platform_falls(measured):
    for r in measured:
        active, ever = r["active"], r["ever"]
        retained = active[1:] / np.maximum(ever[1:], 1)
        assert retained[-1] < retained[7] - 0.1, (r["seed"], retained[7], retained[-1])


# -- (5) untreated lonely citizens lose ties -----------------------------------------

def test_untreated_lonely_citizens_lose_more_of_their_ties(measured):
    # measured share of week-0 ties gone after a year, lonely / not lonely, seeds 1-8:
    # .151/.097 .142/.091 .144/.095 .141/.097 .156/.100 .161/.096 .134/.097 .147/.093
    for r in measured:
        assert r["lonely_n"] > 200
        assert r["lost_share_lonely"] > r["lost_share_settled"] + 0.02, r
    assert mean_of(measured, "lost_share_lonely") > 1.25 * mean_of(measured, "lost_share_settled")


def test_untreated_lonely_citizens_drift_to_the_edge_of_the_network(measured):
    # measured change of network size (ties >= 20 h), lonely / not lonely, seeds 1-8:
    # -0.14/+0.03 -0.09/+0.05 -0.16/+0.06 -0.10/+0.03 -0.16/+0.03 -0.18/+0.04 -0.12/+0.04 -0.15/+0.07
    for r in measured:
        assert r["d_network_lonely"] < 0 < r["d_network_settled"], r      # the lonely lose close ties, others gain
        assert r["d_degree_lonely"] < r["d_degree_settled"], r
