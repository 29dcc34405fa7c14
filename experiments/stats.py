"""Statistics shared by comparisons and sweeps: paired intervals, bootstrap ratios, cost-effectiveness.

Everything here is plain numpy on arrays of replicate values, so it can be tested on
constructed numbers.
"""

from __future__ import annotations

import math

import numpy as np

CONFIDENCE = 0.95


def paired_interval(diffs, confidence: float = CONFIDENCE) -> dict:
    """Mean of paired differences with a t-interval over replicates.

    `diffs` holds one difference per replicate (scenario minus baseline, same seed);
    NaN entries (a subgroup empty in that replicate) are left out. With fewer than two
    values the interval is undefined (NaN); with no spread it collapses to the mean.
    """
    d = np.asarray(diffs, dtype=np.float64)
    d = d[~np.isnan(d)]
    n = len(d)
    if n == 0:
        return {"diff": math.nan, "ci_low": math.nan, "ci_high": math.nan, "replicates": 0}
    mean = float(d.mean())
    if n < 2:
        return {"diff": mean, "ci_low": math.nan, "ci_high": math.nan, "replicates": n}
    se = float(d.std(ddof=1)) / math.sqrt(n)
    from scipy import stats as _st       # on first use: scipy.stats takes ~1 s to import
    half = float(_st.t.ppf(0.5 + confidence / 2, n - 1)) * se
    return {"diff": mean, "ci_low": mean - half, "ci_high": mean + half, "replicates": n}


def mean_interval(values, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high): a t-interval for the mean of independent values."""
    r = paired_interval(values, confidence)
    return r["diff"], r["ci_low"], r["ci_high"]


def excludes_zero(ci_low: float, ci_high: float) -> bool:
    """True when a defined interval lies entirely on one side of zero."""
    return not (math.isnan(ci_low) or math.isnan(ci_high)) and (ci_low > 0 or ci_high < 0)


def bootstrap_indices(n: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples, n) replicate indices drawn with replacement, from a fixed seed."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xB007]))
    return rng.integers(0, n, size=(resamples, n))


def ratio_interval(num, den, confidence: float = CONFIDENCE, resamples: int = 2000, seed: int = 0) -> dict:
    """Ratio of means num/den with a percentile bootstrap interval over paired replicates.

    The interval is only defined when the denominator keeps its sign in (almost) every
    resample: if more than (1 - confidence)/2 of the resampled denominators are zero or
    of the other sign, the ratio can be arbitrarily large and `ci_low`/`ci_high` are NaN
    with `undefined_reason` set.
    """
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    ok = ~(np.isnan(num) | np.isnan(den))
    num, den = num[ok], den[ok]
    n = len(num)
    out = {"value": math.nan, "ci_low": math.nan, "ci_high": math.nan, "undefined_reason": None}
    if n == 0:
        out["undefined_reason"] = "no replicates"
        return out
    m_num, m_den = float(num.mean()), float(den.mean())
    if m_den == 0:
        out["undefined_reason"] = "denominator is zero"
        return out
    out["value"] = m_num / m_den
    if n < 2:
        out["undefined_reason"] = "fewer than two replicates"
        return out
    idx = bootstrap_indices(n, resamples, seed)
    b_num = num[idx].mean(axis=1)
    b_den = den[idx].mean(axis=1)
    alpha = (1 - confidence) / 2
    wrong_sign = np.mean(np.sign(b_den) != np.sign(m_den))
    if wrong_sign > alpha:
        out["undefined_reason"] = f"the denominator is within noise of zero ({wrong_sign:.0%} of resamples)"
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = b_num / b_den          # a zero denominator gives +-inf, which sorts into the tails
    ratios = ratios[~np.isnan(ratios)]
    lo, hi = np.quantile(ratios, [alpha, 1 - alpha], method="inverted_cdf")
    out["ci_low"], out["ci_high"] = float(lo), float(hi)
    return out


def dominance(names: list[str], cost: list[float], effect: list[float]) -> dict[str, dict]:
    """Strong and extended dominance on mean cost and mean effect (more effect is better).

    Returns name -> {"status": "frontier" | "dominated" | "extendedly dominated",
    "by": [names], "frontier_icer": ICER against the next cheaper frontier option or None}.
    Strongly dominated: another option costs no more and achieves at least as much, one
    of them strictly. Extendedly dominated: between two frontier options whose mix would
    give more effect for the same cost (its ICER exceeds the next costlier option's).
    Ties in both cost and effect dominate nobody.
    """
    k = len(names)
    out = {n: {"status": "frontier", "by": [], "frontier_icer": None} for n in names}
    strong = set()
    for i in range(k):
        for j in range(k):
            if i == j:
                continue
            if cost[j] <= cost[i] and effect[j] >= effect[i] and (cost[j] < cost[i] or effect[j] > effect[i]):
                out[names[i]]["status"] = "dominated"
                out[names[i]]["by"].append(names[j])
                strong.add(i)
    cand = sorted((i for i in range(k) if i not in strong), key=lambda i: (cost[i], -effect[i]))
    # options equal in cost and effect: keep them together on the frontier
    changed = True
    while changed and len(cand) > 2:
        changed = False
        icers = [None] + [_icer(cost, effect, cand[p - 1], cand[p]) for p in range(1, len(cand))]
        for p in range(1, len(cand) - 1):
            if icers[p] is not None and icers[p + 1] is not None and icers[p] > icers[p + 1]:
                i = cand[p]
                out[names[i]]["status"] = "extendedly dominated"
                out[names[i]]["by"] = [names[cand[p - 1]], names[cand[p + 1]]]
                del cand[p]
                changed = True
                break
    for p, i in enumerate(cand):
        out[names[i]]["frontier_icer"] = None if p == 0 else _icer(cost, effect, cand[p - 1], i)
    return out


def _icer(cost, effect, a, b):
    de = effect[b] - effect[a]
    dc = cost[b] - cost[a]
    if de == 0:
        return None if dc == 0 else math.inf
    return dc / de


def cost_effectiveness(names: list[str], costs, effects, baseline: int = 0,
                       confidence: float = CONFIDENCE, resamples: int = 2000, seed: int = 0) -> list[dict]:
    """Cost-effectiveness of each option against the baseline, from paired replicates.

    costs, effects: arrays (options, replicates) of total cost and the effect (people
    no longer lonely) of each replicate. For each option: mean total cost and effect
    with t-intervals; cost per person no longer lonely (ratio of means, bootstrap
    interval); incremental cost, incremental effect (paired t-intervals) and the ICER
    against the baseline (bootstrap interval over paired replicates); dominance status
    among all options on the means.
    """
    C = np.asarray(costs, dtype=np.float64)
    E = np.asarray(effects, dtype=np.float64)
    if C.shape != E.shape or C.ndim != 2 or C.shape[0] != len(names):
        raise ValueError(f"costs and effects must both be (options={len(names)}, replicates) arrays; "
                         f"got {C.shape} and {E.shape}")
    mc, me = C.mean(axis=1), E.mean(axis=1)
    dom = dominance(list(names), [float(x) for x in mc], [float(x) for x in me])
    rows = []
    for i, name in enumerate(names):
        c_mean, c_lo, c_hi = mean_interval(C[i], confidence)
        e_mean, e_lo, e_hi = mean_interval(E[i], confidence)
        per = ratio_interval(C[i], E[i], confidence, resamples, seed)
        row = {
            "scenario": name,
            "total_cost": c_mean, "total_cost_ci_low": c_lo, "total_cost_ci_high": c_hi,
            "no_longer_lonely": e_mean, "no_longer_lonely_ci_low": e_lo, "no_longer_lonely_ci_high": e_hi,
            "cost_per_no_longer_lonely": per["value"] if e_mean > 0 else math.nan,
            "cost_per_no_longer_lonely_ci_low": per["ci_low"], "cost_per_no_longer_lonely_ci_high": per["ci_high"],
            "status": dom[name]["status"], "dominated_by": dom[name]["by"],
            "frontier_icer": dom[name]["frontier_icer"],
        }
        if i == baseline:
            row.update({"incremental_cost": 0.0, "incremental_cost_ci_low": 0.0, "incremental_cost_ci_high": 0.0,
                        "incremental_effect": 0.0, "incremental_effect_ci_low": 0.0, "incremental_effect_ci_high": 0.0,
                        "icer": math.nan, "icer_ci_low": math.nan, "icer_ci_high": math.nan,
                        "icer_note": "baseline"})
        else:
            dc = C[i] - C[baseline]
            de = E[i] - E[baseline]
            pc, pe = paired_interval(dc, confidence), paired_interval(de, confidence)
            row.update({"incremental_cost": pc["diff"], "incremental_cost_ci_low": pc["ci_low"],
                        "incremental_cost_ci_high": pc["ci_high"],
                        "incremental_effect": pe["diff"], "incremental_effect_ci_low": pe["ci_low"],
                        "incremental_effect_ci_high": pe["ci_high"]})
            row.update(_icer_row(dc, de, names[baseline], confidence, resamples, seed))
        rows.append(row)
    return rows


def _icer_row(dc, de, base_name, confidence, resamples, seed) -> dict:
    mdc, mde = float(np.mean(dc)), float(np.mean(de))
    nan = math.nan
    if mde <= 0 and mdc >= 0:
        note = (f"no more people out of loneliness than {base_name} at no lower cost: dominated by {base_name}"
                if (mde < 0 or mdc > 0) else f"same cost and effect as {base_name}")
        return {"icer": nan, "icer_ci_low": nan, "icer_ci_high": nan, "icer_note": note}
    if mde >= 0 and mdc < 0:
        return {"icer": nan, "icer_ci_low": nan, "icer_ci_high": nan,
                "icer_note": f"cheaper than {base_name} and at least as effective: dominates {base_name}"}
    if mde < 0 and mdc < 0:
        r = ratio_interval(dc, de, confidence, resamples, seed)
        return {"icer": r["value"], "icer_ci_low": r["ci_low"], "icer_ci_high": r["ci_high"],
                "icer_note": f"saves money but fewer people out of loneliness than {base_name}: "
                             "saving per person fewer"}
    r = ratio_interval(dc, de, confidence, resamples, seed)
    note = None
    if r["undefined_reason"]:
        note = ("interval undefined: the gain in people out of loneliness is within noise"
                if r["undefined_reason"].startswith("the denominator is within noise")
                else f"interval undefined: {r['undefined_reason']}")
    return {"icer": r["value"], "icer_ci_low": r["ci_low"], "icer_ci_high": r["ci_high"], "icer_note": note}
