"""Measure every figure quoted by issue 11 ("Model validity"), before and after the fixes.

    .venv/bin/python docs/validity.py --seeds 1-5                 # all 8 measures, 5,000 citizens
    .venv/bin/python docs/validity.py --seeds 6-10 --json v.json  # held-out seeds, results also as JSON
    .venv/bin/python docs/validity.py --only 1,3 --seeds 1-2 --citizens 2000   # a quick look at two

Every run is a preset (with dotted overrides) of `--citizens` citizens, `--weeks` intervention
weeks after the preset's burn-in. A scenario whose effect is measured is paired with `baseline`
on the same seed: the two share the population, the network and week 0 (common random numbers;
the script checks it), so a difference between them is the effect on the same citizens. Each
figure is computed per seed; tables give the mean over seeds, a 95% interval over seeds
(mean +- t(0.975, k-1) sd / sqrt(k); none with one seed) and the range. Runs go over
`--workers` processes (2 by default); progress and run times on stderr, the Markdown tables on
stdout (`--out FILE` also writes them to a file), everything with per-seed values in `--json`.
`--burn-in` shortens the presets' burn-in for quick checks only. A full run (8 measures, 5 seeds,
5,000 citizens: 110 runs, 22 a seed, one of them 260 weeks) takes 1-3 minutes on 2 processes.
Each table has a column with what issue 11 quotes (seeds 1-10, before the fixes).

Definitions (the numbering is the issue's):

1. Social capital: `pop.social_capital` in `baseline` at the end: mean, SD, share at the
   scale's maximum K (read from the model: len(sim.population.RESOURCES), or `--sc-max`) and at
   K-1 or more, also at week 0 (the issue's figures are week 0's). Effect of `connecting_people` (CP): mean at the end minus `baseline`'s (all
   citizens; and CP's clients, the same citizens in `baseline`). Fidelity contrast: CP with
   support.fidelity 0.9 against 0.3, same seed; the clients (ever supported) of each run form
   the two groups; standardised difference d of the change (end - week 0) with the pooled SD;
   partial eta squared of group in an ANCOVA of the end score on group and the week-0 score
   (SS_group / (SS_group + SS_error)).
2. `baseline` at the end: Pearson corr(UCLA-3, network size), corr(UCLA-3, LSNS-6) across
   citizens; share of the lonely (UCLA-3 >= 6) who are isolated (LSNS-6 < 12), and the reverse;
   the same at week 0 (the issue's figures are week 0's).
3. Contagion (`baseline`, and `baseline` with effects.spread 0): the week-0 network is read right
   after construction. Close tie: s >= outcomes.help_hours (read from the run's scenario); kin
   from ties.kin. Egos: not lonely at week 0 with at least one close non-kin tie. Exposed: at least
   one close non-kin contact lonely at week 0. Outcome: lonely at the end. Risk ratio
   exposed/unexposed, Mantel-Haenszel over strata of the close non-kin tie count (1, 2, 3-4, 5+):
   per seed (mean and interval over seeds) and pooled over seeds (strata x seeds, Greenland-Robins
   95% CI); the crude RR too. Degree 2 and 3: distance in the close non-kin graph; egos with no
   lonely contact nearer than k and at least one citizen at distance exactly k; exposed: a lonely
   citizen at distance k; strata: number of citizens at distance k (1-2, 3-5, 6-10, 11-20, 21+).
   Kin: egos with a close kin tie, exposed: a lonely close kin contact, strata: close kin count.
4. Dose and implementation (variants of CP and of `platform_with_support`, each paired with
   `baseline`; the issue's dose figures are those of `platform_with_support`): population effect = (mean
   UCLA-3 at the end, scenario - baseline) / SD of `baseline`'s UCLA-3 across citizens at the end.
   Clients (ever supported in the scenario): effect at the end of support = mean over clients of
   (UCLA-3 at the end of their support - just before intake) in the scenario minus the same
   difference, same weeks, same citizen, in `baseline` (end of support: the week they moved on, or
   the last week if still on the caseload), in the same SD units; effect at the end of the run =
   mean UCLA-3 of the clients, scenario - baseline, same units. Variants, one lever at a time:
   support.caseload 15, 60; support.duration_weeks 4, 16, 52; support.fidelity 0.3, 0.9 (and the
   preset's own value where it is none of these).
5. Digital delivery: `remote_only` against `platform_with_support` (the same preset with in-person
   delivery), and CP with support.delivery_mode "digital" against CP: clients reached (ever
   supported), clients' and population effects as in 4.
6. Platform uptake (`platform_only`): share of all citizens who joined by the end (joined_week >= 0),
   of those with low and high digital literacy (pop.low_literacy); users at the end.
7. P1 (`platform_only` against `baseline`) by subgroup (high literacy and relationally secure; low
   literacy; relational difficulties): of the citizens lonely at week 0, the share not lonely at the
   end, scenario minus baseline (same citizens), and the gap high&secure minus each group; also the
   per-citizen change of UCLA-3, scenario minus baseline (the measure of tests/test_patterns.py).
8. Long-run drift: `baseline` over `--drift-weeks` (260) weeks after `--drift-burn-in` (0, as the
   command of docs/ODD.md 8.3) weeks of burn-in: ties per citizen (2 ties / citizens), lonely share,
   network size at each year's end; OLS slopes per year over the year ends (all, and years 1-5);
   the lonely share's yearly means.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Scenario keys the measures set or read (one place to change them if the schema moves).
SPREAD_KEY = "effects.spread"
FIDELITY_KEY = "support.fidelity"
CASELOAD_KEY = "support.caseload"
DURATION_KEY = "support.duration_weeks"
DELIVERY_KEY = "support.delivery_mode"
LONELY_CUT = 6           # UCLA-3 >= 6: lonely (Hughes et al. 2004; the model's definition)
ISOLATED_CUT = 12        # LSNS-6 < 12: isolated (Lubben et al. 2006)
YEAR = 52

# label: (preset, overrides). Every run but "drift" is paired with "baseline" of its seed.
RUNS: dict[str, tuple[str, dict]] = {
    "baseline": ("baseline", {}),
    "baseline_spread0": ("baseline", {SPREAD_KEY: 0.0}),
    "connecting_people": ("connecting_people", {}),
    "platform_with_support": ("platform_with_support", {}),
    "cp_digital": ("connecting_people", {DELIVERY_KEY: "digital"}),
    "remote_only": ("remote_only", {}),
    "platform_only": ("platform_only", {}),
    "drift": ("baseline", {}),
}
# measure 4's variants of the support presets (issue 11 does not name the preset of its dose
# figures; the brief asks for connecting_people; its -0.052/-0.054 SD are platform_with_support's)
DOSE_PRESETS = {"cp": "connecting_people", "pws": "platform_with_support"}
DOSE_VARIANTS = ((CASELOAD_KEY, "caseload", (15, 60)), (DURATION_KEY, "duration", (4, 16, 52)),
                 (FIDELITY_KEY, "fidelity", (0.3, 0.9)))
for _short, _preset in DOSE_PRESETS.items():
    for _key, _word, _values in DOSE_VARIANTS:
        for _v in _values:
            RUNS[f"{_short}_{_word}_{_v}"] = (_preset, {_key: _v})
NEEDS: dict[int, tuple[str, ...]] = {
    1: ("baseline", "connecting_people", "cp_fidelity_0.9", "cp_fidelity_0.3"),
    2: ("baseline",),
    3: ("baseline", "baseline_spread0"),
    4: ("baseline",) + tuple(DOSE_PRESETS.values()) + tuple(l for l in RUNS if l.split("_")[0] in DOSE_PRESETS
                                                           and l.split("_")[1] in ("caseload", "duration", "fidelity")),
    5: ("baseline", "platform_with_support", "remote_only", "connecting_people", "cp_digital"),
    6: ("platform_only",),
    7: ("baseline", "platform_only"),
    8: ("drift",),
}
TITLES = {
    1: "Social capital (ceiling, response to Connecting People, fidelity contrast)",
    2: "Loneliness against network size and isolation",
    3: "Contagion: risk ratio of being lonely at the end, by a lonely close contact at week 0",
    4: "Dose and implementation of support (variants of connecting_people and platform_with_support, paired with baseline)",
    5: "Digital delivery",
    6: "Platform uptake (platform_only)",
    7: "Pattern P1: platform_only against baseline, citizens lonely at week 0 who are no longer lonely",
    8: "Long-run drift of baseline",
}
CONTAGION_WITH_TIES = ("baseline", "baseline_spread0")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# the model side: one run, returned as plain arrays (runs in a worker process)
# ---------------------------------------------------------------------------------------------

def social_capital_max(override: int | None = None) -> int:
    """The top of the social capital scale, from the model (the number of Resource Generator items)."""
    if override:
        return int(override)
    import sim.population as population
    for name in ("SOCIAL_CAPITAL_MAX", "RESOURCE_ITEMS", "RESOURCES"):
        v = getattr(population, name, None)
        if v is None:
            continue
        return int(v) if isinstance(v, (int, np.integer)) else len(v)
    raise RuntimeError("cannot find the social capital scale in sim.population; pass --sc-max")


def run_model(label: str, seed: int, citizens: int, weeks: int, drift_weeks: int = 260,
              drift_burn_in: int | None = 0, burn_in: int | None = None) -> dict:
    """One run of RUNS[label]; per-citizen arrays at week 0 and at the end, support spells, history."""
    from sim import BelongingModel
    from sim.vocabulary import SupportState
    preset, over = RUNS[label]
    over = dict(over)
    t0 = time.perf_counter()
    if label == "drift":
        if drift_burn_in is not None:
            over["run.burn_in"] = drift_burn_in
        m = BelongingModel(preset, citizens=citizens, weeks=drift_weeks, seed=seed, overrides=over).run()
        ts = m.timeseries()
        return {"label": label, "seed": seed, "n": m.pop.n, "weeks": m.week, "burn_in": m.sc.run.burn_in,
                "ties": ts["ties"].to_numpy(dtype=float), "lonely_share": ts["lonely_share"].to_numpy(dtype=float),
                "network_size": ts["network_size"].to_numpy(dtype=float),
                "isolated_share": ts["isolated_share"].to_numpy(dtype=float),
                "seconds": time.perf_counter() - t0}
    if burn_in is not None:
        over["run.burn_in"] = burn_in
    m = BelongingModel(preset, citizens=citizens, weeks=weeks, seed=seed, overrides=over, record_history=True)
    pop, n = m.pop, m.pop.n
    r: dict = {"label": label, "seed": seed, "n": n, "sc_max": social_capital_max(),
               "help_hours": float(m.sc.outcomes.help_hours),
               "ucla0": pop.ucla.astype(np.int8).copy(), "sc0": pop.social_capital.astype(np.int16).copy(),
               "lsns0": pop.lsns.astype(np.int16).copy(), "net0": pop.network_size.astype(np.int16).copy()}
    if label in CONTAGION_WITH_TIES:
        t = m.ties
        close = t.s >= np.float32(m.sc.outcomes.help_hours)
        r["close_a"], r["close_b"], r["close_kin"] = t.a[close].copy(), t.b[close].copy(), t.kin[close].copy()
    moved_on = int(SupportState.MOVED_ON)
    start = np.full(n, -1, dtype=np.int16)      # history index just before intake
    end = np.full(n, -1, dtype=np.int16)        # history index at the end of support
    while m.running and m.week < m.sc.run.weeks:
        m.step()
        new = pop.ever_supported & (start < 0)
        start[new] = m.week - 1
        gone = (pop.support == moved_on) & (end < 0) & (start >= 0)
        end[gone] = m.week - 1
    W = m.week
    end[(start >= 0) & (end < 0)] = W
    r.update({"weeks": W, "ucla": pop.ucla.astype(np.int8).copy(), "sc": pop.social_capital.astype(np.int16).copy(),
              "lsns": pop.lsns.astype(np.int16).copy(), "net": pop.network_size.astype(np.int16).copy(),
              "supported": pop.ever_supported.copy(), "support_start": start, "support_end": end,
              "low_literacy": pop.low_literacy.copy(), "reldiff": pop.reldiff.copy(),
              "joined": pop.joined_week >= 0, "users_end": float(m.series["platform_active"][W]),
              "history": m.history[: W + 1].copy(), "seconds": time.perf_counter() - t0})
    return r


def _task(args):
    return run_model(*args)


def _warm() -> None:
    """Load (or compile, on a fresh tree) the model's numba kernels before any run is timed."""
    from sim import BelongingModel
    BelongingModel("platform_with_support", citizens=60, weeks=2, seed=0, overrides={"run.burn_in": 1}).run()


# ---------------------------------------------------------------------------------------------
# statistics
# ---------------------------------------------------------------------------------------------

def t975(df: int) -> float:
    from scipy.stats import t
    return float(t.ppf(0.975, df))


def summary(values) -> dict:
    """Mean over seeds, 95% interval over seeds (t), range, and the per-seed values."""
    v = np.asarray([x for x in values], dtype=float)
    ok = v[np.isfinite(v)]
    out = {"per_seed": [None if not np.isfinite(x) else float(x) for x in v]}
    if len(ok) == 0:
        return out | {"mean": None, "ci95": [None, None], "min": None, "max": None}
    mean = float(ok.mean())
    if len(ok) > 1:
        half = t975(len(ok) - 1) * float(ok.std(ddof=1)) / math.sqrt(len(ok))
        ci = [mean - half, mean + half]
    else:
        ci = [None, None]
    return out | {"mean": mean, "ci95": ci, "min": float(ok.min()), "max": float(ok.max())}


def corr(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def share(mask, among=None) -> float:
    mask = np.asarray(mask, bool)
    if among is not None:
        mask = mask[np.asarray(among, bool)]
    return float(mask.mean()) if len(mask) else float("nan")


def mantel_haenszel(tables) -> dict:
    """Mantel-Haenszel risk ratio over strata (a, n1, c, n0) = (exposed cases, exposed, unexposed
    cases, unexposed), with the Greenland-Robins (1985) 95% CI; the crude RR; the counts."""
    R = S = P = 0.0
    a_t = n1_t = c_t = n0_t = 0
    for a, n1, c, n0 in tables:
        a_t, n1_t, c_t, n0_t = a_t + a, n1_t + n1, c_t + c, n0_t + n0
        N = n1 + n0
        if n1 == 0 or n0 == 0:
            continue
        R += a * n0 / N
        S += c * n1 / N
        P += (n1 * n0 * (a + c) - a * c * N) / N ** 2
    rr = R / S if S > 0 else float("nan")
    if R > 0 and S > 0:
        se = math.sqrt(P / (R * S))
        ci = [rr * math.exp(-1.96 * se), rr * math.exp(1.96 * se)]
    else:
        ci = [float("nan"), float("nan")]
    crude = (a_t / n1_t) / (c_t / n0_t) if n1_t and n0_t and c_t else float("nan")
    return {"rr": rr, "ci95": ci, "crude_rr": crude, "exposed": n1_t, "exposed_cases": a_t,
            "unexposed": n0_t, "unexposed_cases": c_t}


def strata_tables(stratum, exposed, case, egos, edges) -> list[tuple[int, int, int, int]]:
    """2x2 tables (a, n1, c, n0) per stratum bin; edges are the bins' lower bounds."""
    bins = np.digitize(stratum, edges)            # 0: below the first edge (not an ego)
    out = []
    for k in range(1, len(edges) + 1):
        sel = egos & (bins == k)
        e, u = sel & exposed, sel & ~exposed
        out.append((int((e & case).sum()), int(e.sum()), int((u & case).sum()), int(u.sum())))
    return out


def ancova_partial_eta2(y, group, covariate) -> float:
    """Partial eta squared of a two-level group in y ~ group + covariate (ordinary least squares)."""
    y = np.asarray(y, float)
    one = np.ones_like(y)
    full = np.column_stack([one, np.asarray(group, float), np.asarray(covariate, float)])
    reduced = np.column_stack([one, np.asarray(covariate, float)])

    def rss(X):
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        e = y - X @ beta
        return float(e @ e)
    err = rss(full)
    ss_group = rss(reduced) - err
    return ss_group / (ss_group + err) if ss_group + err > 0 else float("nan")


def cohen_d(x1, x0) -> float:
    x1, x0 = np.asarray(x1, float), np.asarray(x0, float)
    n1, n0 = len(x1), len(x0)
    if n1 < 2 or n0 < 2:
        return float("nan")
    sp = math.sqrt(((n1 - 1) * x1.var(ddof=1) + (n0 - 1) * x0.var(ddof=1)) / (n1 + n0 - 2))
    return (x1.mean() - x0.mean()) / sp if sp > 0 else float("nan")


def ols_slope(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 2:
        return float("nan")
    return float(np.polyfit(x, y, 1)[0])


# ---------------------------------------------------------------------------------------------
# the measures: each takes {seed: {label: run}} and returns {row: summary or value}
# ---------------------------------------------------------------------------------------------

def check_paired(runs: dict, label: str) -> None:
    b, s = runs["baseline"], runs[label]
    if not np.array_equal(b["ucla0"], s["ucla0"]) or not np.array_equal(b["low_literacy"], s["low_literacy"]):
        log(f"  WARNING: {label} seed {s['seed']} does not share week 0 with baseline: effects are not paired")


def effects_vs_baseline(runs: dict, label: str) -> dict:
    """Population and clients' effects of runs[label] against runs['baseline'] (SD of baseline UCLA-3 at the end)."""
    b, s = runs["baseline"], runs[label]
    check_paired(runs, label)
    sd = float(np.asarray(b["ucla"], float).std())
    pop = (s["ucla"].astype(float).mean() - b["ucla"].astype(float).mean()) / sd
    cl = np.flatnonzero(s["supported"])
    if len(cl):
        t0, t1 = s["support_start"][cl].astype(int), s["support_end"][cl].astype(int)
        hs, hb = s["history"].astype(float), b["history"].astype(float)
        did = (hs[t1, cl] - hs[t0, cl]) - (hb[t1, cl] - hb[t0, cl])
        end_support = float(did.mean()) / sd
        end_run = float((s["ucla"][cl].astype(float) - b["ucla"][cl].astype(float)).mean()) / sd
        weeks = float((t1 - t0).mean())
    else:
        end_support = end_run = weeks = float("nan")
    return {"population_sd": pop, "clients_end_of_support_sd": end_support, "clients_end_of_run_sd": end_run,
            "clients": float(len(cl)), "clients_share": len(cl) / s["n"], "mean_weeks_supported": weeks,
            "baseline_ucla_sd": sd}


def m1_social_capital(data: dict) -> dict:
    rows: dict[str, list] = {}

    def put(k, v):
        rows.setdefault(k, []).append(v)
    K = None
    for seed, runs in data.items():
        b = runs["baseline"]
        K = b["sc_max"]
        sc = b["sc"].astype(float)
        if sc.max() > K:
            raise RuntimeError(f"social capital {sc.max():.0f} above the scale maximum {K}: pass --sc-max")
        put("scale maximum K", K)
        put("baseline mean at week 0", b["sc0"].mean())
        put("baseline mean at the end", sc.mean())
        put("baseline mean at the end, share of K", sc.mean() / K)
        put("baseline SD at the end", sc.std())
        put("baseline share at K", share(sc >= K))
        put("baseline share at K-1 or more", share(sc >= K - 1))
        put("baseline share at K, week 0", share(b["sc0"] >= K))
        put("baseline share at K-1 or more, week 0", share(b["sc0"] >= K - 1))
        cp = runs["connecting_people"]
        check_paired(runs, "connecting_people")
        put("CP - baseline, mean at the end (points)", cp["sc"].mean() - sc.mean())
        put("CP - baseline, mean at the end (SD of baseline)", (cp["sc"].mean() - sc.mean()) / sc.std())
        cl = cp["supported"]
        put("CP clients - same citizens in baseline, mean at the end (points)",
            (cp["sc"][cl].astype(float) - b["sc"][cl]).mean() if cl.any() else float("nan"))
        hi, lo = runs["cp_fidelity_0.9"], runs["cp_fidelity_0.3"]
        h, l = hi["supported"], lo["supported"]
        ch_hi = hi["sc"][h].astype(float) - hi["sc0"][h]
        ch_lo = lo["sc"][l].astype(float) - lo["sc0"][l]
        put("fidelity 0.9 vs 0.3, clients: change in mean (points)",
            ch_hi.mean() - ch_lo.mean() if len(ch_hi) and len(ch_lo) else float("nan"))
        put("fidelity 0.9 vs 0.3, clients: standardised difference d of the change", cohen_d(ch_hi, ch_lo))
        y = np.concatenate([hi["sc"][h], lo["sc"][l]]).astype(float)
        g = np.concatenate([np.ones(h.sum()), np.zeros(l.sum())])
        c = np.concatenate([hi["sc0"][h], lo["sc0"][l]]).astype(float)
        put("fidelity 0.9 vs 0.3, clients: partial eta squared (ANCOVA, end ~ group + week 0)",
            ancova_partial_eta2(y, g, c) if h.sum() > 1 and l.sum() > 1 else float("nan"))
        put("clients at fidelity 0.9 / 0.3", f"{int(h.sum())} / {int(l.sum())}")
    return {k: (summary(v) if not isinstance(v[0], str) else {"per_seed": v}) for k, v in rows.items()}


def m2_loneliness_network(data: dict) -> dict:
    rows: dict[str, list] = {}
    for seed, runs in data.items():
        b = runs["baseline"]
        for when, u, net, lsns in (("", b["ucla"], b["net"], b["lsns"]), (", week 0", b["ucla0"], b["net0"], b["lsns0"])):
            u = u.astype(float)
            lonely, isolated = u >= LONELY_CUT, lsns < ISOLATED_CUT
            for k, v in (("corr(UCLA-3, network size)", corr(u, net)),
                         ("corr(UCLA-3, LSNS-6)", corr(u, lsns)),
                         ("lonely share", share(lonely)),
                         ("isolated share", share(isolated)),
                         ("share of the lonely who are isolated", share(isolated, lonely)),
                         ("share of the isolated who are lonely", share(lonely, isolated))):
                rows.setdefault(k + when, []).append(v)
    return {k: summary(v) for k, v in rows.items()}


def close_graph(r: dict, kin: bool):
    from scipy.sparse import coo_matrix
    n = r["n"]
    sel = r["close_kin"] if kin else ~r["close_kin"]
    a, b = r["close_a"][sel].astype(np.int64), r["close_b"][sel].astype(np.int64)
    A = coo_matrix((np.ones(2 * len(a), dtype=np.int32), (np.concatenate([a, b]), np.concatenate([b, a]))),
                   shape=(n, n)).tocsr()
    A.data[:] = 1
    return A


K1_EDGES = [1, 2, 3, 5]                 # strata of close-tie count: 1, 2, 3-4, 5+
KD_EDGES = [1, 3, 6, 11, 21]            # strata of citizens at distance k: 1-2, 3-5, 6-10, 11-20, 21+


def contagion_tables(r: dict) -> dict[str, list]:
    """The 2x2 tables of measure 3 for one run (baseline or baseline with spread 0)."""
    from scipy.sparse import identity
    lonely0 = r["ucla0"] >= LONELY_CUT
    case = r["ucla"] >= LONELY_CUT
    lonely_f = lonely0.astype(np.int32)
    out = {}
    A = close_graph(r, kin=False)
    deg = np.asarray(A.sum(axis=1)).ravel()
    egos = ~lonely0 & (deg >= 1)
    within = (identity(r["n"], dtype=np.int32, format="csr") + A)
    within.data[:] = 1
    exact = A
    lonely_nearer = np.zeros(r["n"], dtype=np.int64)
    for k in (1, 2, 3):
        if k > 1:
            nxt = within @ A
            nxt.data[:] = 1
            exact = nxt - within.multiply(nxt)
            exact.eliminate_zeros()
            within = nxt
        count = np.asarray(exact.sum(axis=1)).ravel()
        n_lonely = exact @ lonely_f
        exposed = n_lonely > 0
        sel = egos & (lonely_nearer == 0) & (count >= 1)
        out[f"degree {k}"] = strata_tables(count, exposed, case, sel, K1_EDGES if k == 1 else KD_EDGES)
        lonely_nearer = lonely_nearer + n_lonely
    Ak = close_graph(r, kin=True)
    dk = np.asarray(Ak.sum(axis=1)).ravel()
    exposed_k = (Ak @ lonely_f) > 0
    out["kin"] = strata_tables(dk, exposed_k, case, ~lonely0 & (dk >= 1), K1_EDGES)
    return out


def m3_contagion(data: dict) -> dict:
    res: dict = {}
    for label, name in (("baseline", "default spread"), ("baseline_spread0", "spread 0")):
        per: dict[str, list] = {}
        for seed, runs in data.items():
            for k, tables in contagion_tables(runs[label]).items():
                per.setdefault(k, []).append(tables)
        for k, by_seed in per.items():
            seed_rr = [mantel_haenszel(t)["rr"] for t in by_seed]
            pooled = mantel_haenszel([x for t in by_seed for x in t])
            res[f"{k}, {name}"] = {"mh_rr_per_seed": summary(seed_rr),
                                   "crude_rr_per_seed": summary([mantel_haenszel(t)["crude_rr"] for t in by_seed]),
                                   "pooled": pooled}
    return res


def support_variants(short: str) -> tuple[tuple[str, str], ...]:
    """(row name, run label) of measure 4 for one preset, the preset's own value in its place."""
    from sim.scenarios.loader import load_scenario
    preset = DOSE_PRESETS[short]
    sup = load_scenario(preset).support
    rows = []
    for key, word, values in DOSE_VARIANTS:
        own = getattr(sup, key.split(".")[-1])
        items = [(v, f"{short}_{word}_{v}") for v in values]
        if own not in values:
            items.append((own, preset))
        for v, label in sorted(items, key=lambda x: x[0]):
            unit = " weeks" if word == "duration" else ""
            rows.append((f"{word} {v}{unit}" + (" (preset)" if own == v else ""), label))
    return tuple(rows)


def _effect_rows(data: dict, labels) -> dict:
    out = {}
    for name, label in labels:
        per = [effects_vs_baseline(runs, label) for runs in data.values()]
        out[name] = {k: summary([p[k] for p in per]) for k in per[0]}
    return out


def m4_dose(data: dict) -> dict:
    from sim.scenarios.loader import load_scenario
    res = {}
    for short, preset in DOSE_PRESETS.items():
        out = _effect_rows(data, support_variants(short))
        sup = load_scenario(preset).support
        out["_preset"] = {"name": preset, "duration_weeks": sup.duration_weeks, "fidelity": sup.fidelity,
                          "caseload": sup.caseload, "workers_per_10000": sup.workers}
        ratio = {}
        low = next(v for n, v in out.items() if n.startswith("fidelity 0.3"))
        high = next(v for n, v in out.items() if n.startswith("fidelity 0.9"))
        for k in ("population_sd", "clients_end_of_support_sd"):
            lo, hi = low[k]["mean"], high[k]["mean"]
            ratio[k] = lo / hi if lo is not None and hi not in (None, 0) else None
        out["_fidelity_ratio_low_over_high"] = ratio
        res[preset] = out
    return res


def m5_digital(data: dict) -> dict:
    out = _effect_rows(data, (("platform_with_support (in person)", "platform_with_support"),
                              ("remote_only (digital)", "remote_only"),
                              ("connecting_people (in person)", "connecting_people"),
                              ("connecting_people, digital delivery", "cp_digital")))
    for a, b, name in (("remote_only (digital)", "platform_with_support (in person)", "remote_only - platform_with_support"),
                       ("connecting_people, digital delivery", "connecting_people (in person)", "CP digital - CP in person")):
        diffs = {}
        for k in ("clients", "clients_end_of_support_sd", "population_sd"):
            diffs[k] = summary(np.subtract(out[a][k]["per_seed"], out[b][k]["per_seed"], dtype=float))
        out[name] = diffs
    return out


def m6_uptake(data: dict) -> dict:
    rows: dict[str, list] = {}
    for runs in data.values():
        p = runs["platform_only"]
        for k, v in (("joined by the end, all citizens", share(p["joined"])),
                     ("joined by the end, low digital literacy", share(p["joined"], p["low_literacy"])),
                     ("joined by the end, high digital literacy", share(p["joined"], ~p["low_literacy"])),
                     ("users at the end, all citizens", p["users_end"] / p["n"])):
            rows.setdefault(k, []).append(v)
    return {k: summary(v) for k, v in rows.items()}


P1_GROUPS = ("high literacy & secure", "low literacy", "relational difficulties")


def m7_p1(data: dict) -> dict:
    rows: dict[str, list] = {}
    for runs in data.values():
        b, p = runs["baseline"], runs["platform_only"]
        check_paired(runs, "platform_only")
        groups = {"high literacy & secure": ~b["low_literacy"] & ~b["reldiff"], "low literacy": b["low_literacy"],
                  "relational difficulties": b["reldiff"]}
        lonely0 = b["ucla0"] >= LONELY_CUT
        diff = {}
        for g, sel in groups.items():
            base = lonely0 & sel
            nb = share(b["ucla"] < LONELY_CUT, base)
            np_ = share(p["ucla"] < LONELY_CUT, base)
            diff[g] = np_ - nb
            d_ucla = (p["ucla"][sel].astype(float) - b["ucla"][sel]).mean()
            for k, v in ((f"{g}: lonely at week 0 (citizens)", base.sum()),
                         (f"{g}: no longer lonely, baseline", nb),
                         (f"{g}: no longer lonely, platform_only", np_),
                         (f"{g}: no longer lonely, platform_only - baseline", diff[g]),
                         (f"{g}: UCLA-3 change, platform_only - baseline (all in group)", d_ucla)):
                rows.setdefault(k, []).append(v)
        for g in P1_GROUPS[1:]:
            rows.setdefault(f"gap: high literacy & secure - {g} (no longer lonely, effect)", []).append(
                diff["high literacy & secure"] - diff[g])
    return {k: summary(v) for k, v in rows.items()}


def m8_drift(data: dict) -> dict:
    rows: dict[str, list] = {}
    meta = {}
    for runs in data.values():
        d = runs["drift"]
        W, n = d["weeks"], d["n"]
        ends = list(range(0, W + 1, YEAR))
        if ends[-1] != W:
            ends.append(W)
        meta = {"weeks": W, "burn_in": d["burn_in"], "citizens": n, "points": ends}
        ties = 2 * d["ties"] / n
        years = np.array(ends) / YEAR
        for w in ends:
            rows.setdefault(f"week {w}: ties per citizen", []).append(ties[w])
            rows.setdefault(f"week {w}: lonely share", []).append(d["lonely_share"][w])
            rows.setdefault(f"week {w}: network size", []).append(d["network_size"][w])
        rows.setdefault("slope of ties per citizen per year, all year ends", []).append(ols_slope(years, ties[ends]))
        rows.setdefault("slope of lonely share per year, all year ends", []).append(
            ols_slope(years, d["lonely_share"][ends]))
        later = [w for w in ends if w >= YEAR]
        rows.setdefault("slope of ties per citizen per year, from the end of year 1", []).append(
            ols_slope(np.array(later) / YEAR, ties[later]))
        rows.setdefault("slope of lonely share per year, from the end of year 1", []).append(
            ols_slope(np.array(later) / YEAR, d["lonely_share"][later]))
        if len(ends) >= 3 and ends[-1] - ends[-2] == YEAR:
            rows.setdefault("change of ties per citizen in the last year", []).append(ties[ends[-1]] - ties[ends[-2]])
        means = [d["lonely_share"][w0 + 1: w1 + 1].mean() for w0, w1 in zip(ends, ends[1:])]
        for i, v in enumerate(means):
            rows.setdefault(f"lonely share, mean of year {i + 1}", []).append(v)
        if len(means) >= 2:
            rows.setdefault("lonely share, last year's mean - first year's mean", []).append(means[-1] - means[0])
    out = {k: summary(v) for k, v in rows.items()}
    out["_run"] = meta
    return out


MEASURES = {1: m1_social_capital, 2: m2_loneliness_network, 3: m3_contagion, 4: m4_dose, 5: m5_digital,
            6: m6_uptake, 7: m7_p1, 8: m8_drift}


# ---------------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------------

def collect_runs(only, seeds, citizens, weeks, drift_weeks, drift_burn_in, workers, burn_in=None) -> tuple[dict, list]:
    """Every run the chosen measures need: {seed: {label: run}}, and the (label, seed, seconds) of each."""
    labels = [l for l in RUNS if any(l in NEEDS[k] for k in only)]
    # the long drift runs first, so that the two processes finish together
    tasks = [(l, s, citizens, weeks, drift_weeks, drift_burn_in, burn_in) for l in sorted(labels, key=lambda l: l != "drift")
             for s in seeds]
    data: dict = {s: {} for s in seeds}
    timings = []
    t0 = time.perf_counter()

    def done(r, i):
        data[r["seed"]][r["label"]] = r
        timings.append((r["label"], r["seed"], r["seconds"]))
        log(f"[{time.perf_counter() - t0:7.1f} s] {i}/{len(tasks)} seed {r['seed']} {r['label']} ({r['seconds']:.1f} s)")

    if workers <= 1:
        _warm()
        for i, t in enumerate(tasks, 1):
            done(_task(t), i)
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_warm) as ex:
            futs = [ex.submit(_task, t) for t in tasks]
            for i, f in enumerate(as_completed(futs), 1):
                done(f.result(), i)
    return data, timings


def measure_all(only=(1, 2, 3, 4, 5, 6, 7, 8), seeds=(1, 2, 3, 4, 5), citizens=5000, weeks=52, drift_weeks=260,
                drift_burn_in=0, workers=2, sc_max=None, burn_in=None) -> dict:
    """Run the models and compute the chosen measures: {"measures": {k: ...}, "timings": ...}."""
    t0 = time.perf_counter()
    data, timings = collect_runs(list(only), list(seeds), citizens, weeks, drift_weeks, drift_burn_in, workers, burn_in)
    wall = time.perf_counter() - t0
    if sc_max:
        for runs in data.values():
            for r in runs.values():
                if "sc_max" in r:
                    r["sc_max"] = int(sc_max)
    measures = {k: MEASURES[k](data) for k in only}
    by_label: dict[str, list] = {}
    for label, _, sec in timings:
        by_label.setdefault(label, []).append(sec)
    return {"measures": measures,
            "timings": {"wall_seconds": wall, "run_seconds_total": float(sum(s for *_, s in timings)),
                        "workers": workers,
                        "per_run_seconds": {k: {"mean": float(np.mean(v)), "max": float(np.max(v)), "runs": len(v)}
                                            for k, v in by_label.items()}}}


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------

# what issue 11 quotes (seeds 1-10, 5,000 citizens, before the fixes). Its figures of 1 and 2 are
# those of week 0 (the end of the burn-in), its dose figures (4) those of platform_with_support.
ISSUE = {
    (1, "baseline mean at week 0"): "7.17 (of 8)",
    (1, "baseline share at K, week 0"): "56%",
    (1, "baseline share at K-1 or more, week 0"): "80%",
    (1, "CP - baseline, mean at the end (points)"): "every intervention 0.01-0.04",
    (1, "fidelity 0.9 vs 0.3, clients: partial eta squared (ANCOVA, end ~ group + week 0)"): "target ~.05 (CP pilot)",
    (2, "corr(UCLA-3, network size), week 0"): "-0.67 (surveys -0.2 to -0.4)",
    (2, "share of the lonely who are isolated, week 0"): "81%",
    (2, "lonely share"): "11.0%, stable over the year",
    (3, "degree 1, default spread"): "1.18 [0.90, 1.46] (target 1.4-1.65)",
    (3, "degree 1, spread 0"): "1.24",
    (4, "platform_with_support", "caseload 15"): "population -0.054",
    (4, "platform_with_support", "caseload 60"): "population -0.052",
    (4, "platform_with_support", "duration 4 weeks"): "4 weeks beat 16",
    (4, "platform_with_support", "duration 52 weeks"): "worse still",
    (4, "platform_with_support", "fidelity 0.3"): "half the effect of 0.9 (target ~0)",
    (4, "_clients"): "about -0.3 SD at the end of support",
    (6, "joined by the end, all citizens"): "35.7%",
    (6, "joined by the end, high digital literacy"): "41%",
    (6, "joined by the end, low digital literacy"): "10-11%",
    (8, "slope of ties per citizen per year, all year ends"): "about +0.4 a year, no plateau",
    (8, "lonely share, last year's mean - first year's mean"): "about +1 point over five years",
}


def fmt(x, f="{:.3f}", pct: bool | str = False) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    if pct == "pp":                  # a difference of shares: percentage points
        return f.format(100 * x) + " pp"
    return (f.format(100 * x) + "%") if pct else f.format(x)


def cell(s: dict, f="{:.3f}", pct: bool | str = False) -> str:
    """mean [95% CI over seeds] (min to max)."""
    if s.get("mean") is None:
        return "-"
    text = fmt(s["mean"], f, pct)
    lo, hi = s["ci95"]
    if lo is not None:
        text += f" [{fmt(lo, f, pct)}, {fmt(hi, f, pct)}]"
    if len([v for v in s["per_seed"] if v is not None]) > 1:
        text += f" ({fmt(s['min'], f, pct)} to {fmt(s['max'], f, pct)})"
    return text


def row_format(k: int, name: str) -> tuple[str, bool | str]:
    """(format, as a percentage) of a row of measures 1, 2, 6, 7, 8; differences of shares in points."""
    f, pct = _row_format(k, name)
    if pct and (" - " in name or "slope" in name):
        pct = "pp"
    return f, pct


def _row_format(k: int, name: str) -> tuple[str, bool]:
    if "(citizens)" in name or name == "scale maximum K":
        return "{:.0f}", False
    if "gap" in name or "platform_only - baseline" in name and "UCLA-3" not in name:
        return "{:.2f}", True
    if k == 8 and "lonely share" in name:
        return "{:.2f}", True
    if "UCLA-3 change" in name or "points" in name or "share of K" in name:
        return "{:.3f}", False
    if any(w in name for w in ("share", "joined", "users", "no longer lonely")):
        return "{:.1f}", True
    return "{:.3f}", False


def effect_table(k: int, tab: dict, preset: str | None = None) -> list[str]:
    L = ["| variant | population effect (SD) | clients' effect at end of support (SD) | clients' effect at end of run (SD) "
         "| clients (ever supported) | mean weeks supported | issue 11 says |",
         "|---|---|---|---|---|---|---|"]
    for name, r in tab.items():
        if name.startswith("_"):
            continue
        if "clients_end_of_run_sd" in r:
            L.append(f"| {name} | {cell(r['population_sd'])} | {cell(r['clients_end_of_support_sd'])} "
                     f"| {cell(r['clients_end_of_run_sd'])} | {cell(r['clients'], '{:.0f}')} "
                     f"| {cell(r['mean_weeks_supported'], '{:.1f}')} | {ISSUE.get((k, preset, name.replace(' (preset)', '')), '')} |")
        else:   # differences (measure 5)
            L.append(f"| {name} (difference) | {cell(r['population_sd'])} | {cell(r['clients_end_of_support_sd'])} "
                     f"| | {cell(r['clients'], '{:.0f}')} | | |")
    return L


def markdown(res: dict, header: list[str]) -> str:
    L = list(header)
    M = res["measures"]
    for k, m in M.items():
        L += ["", f"## {k}. {TITLES[k]}", ""]
        if k in (1, 2, 6, 7, 8):
            if k == 8:
                r = m["_run"]
                L += [f"`baseline`, {r.get('citizens')} citizens, {r.get('weeks')} weeks after a burn-in of "
                      f"{r.get('burn_in')} weeks; year ends at weeks {r.get('points')}.", ""]
            L += ["| quantity | measured: mean [95% CI over seeds] (range) | issue 11 says |", "|---|---|---|"]
            for name, s in m.items():
                if name.startswith("_"):
                    continue
                if "mean" not in s:
                    L.append(f"| {name} | {', '.join(map(str, s['per_seed']))} (per seed) | |")
                    continue
                f, pct = row_format(k, name)
                L.append(f"| {name} | {cell(s, f, pct)} | {ISSUE.get((k, name), '')} |")
        elif k == 3:
            L += ["| analysis | MH RR per seed: mean [95% CI] (range) | MH RR pooled over seeds [95% CI] | crude RR (pooled) "
                  "| exposed (lonely at end) / unexposed (lonely at end) | issue 11 says |",
                  "|---|---|---|---|---|---|"]
            for name, r in m.items():
                p = r["pooled"]
                L.append(f"| {name} | {cell(r['mh_rr_per_seed'], '{:.2f}')} | {fmt(p['rr'], '{:.2f}')} "
                         f"[{fmt(p['ci95'][0], '{:.2f}')}, {fmt(p['ci95'][1], '{:.2f}')}] | {fmt(p['crude_rr'], '{:.2f}')} "
                         f"| {p['exposed']} ({p['exposed_cases']}) / {p['unexposed']} ({p['unexposed_cases']}) "
                         f"| {ISSUE.get((3, name), '')} |")
        elif k in (4, 5):
            tables = list(m.items()) if k == 4 else [(None, m)]
            for preset, tab in tables:
                if k == 4:
                    pr = tab["_preset"]
                    L += [f"### {preset}", "",
                          f"Preset: {pr['workers_per_10000']} workers per 10,000, caseload {pr['caseload']}, duration "
                          f"{pr['duration_weeks']} weeks, fidelity {pr['fidelity']}; one lever changed per row. ", ""]
                L += effect_table(k, tab, preset)
                if k == 4:
                    rt = tab["_fidelity_ratio_low_over_high"]
                    L += ["", f"Fidelity 0.3 / fidelity 0.9 (ratio of the means over seeds): population effect "
                          f"{fmt(rt['population_sd'], '{:.2f}')}, clients' effect at the end of support "
                          f"{fmt(rt['clients_end_of_support_sd'], '{:.2f}')} (issue 11: about a half; target close to 0).", ""]
            if k == 4:
                L += ["Effects in SD of baseline UCLA-3 across citizens at the end (negative: less lonely). "
                      f"Issue 11 on clients: {ISSUE[(4, '_clients')]}; it does not name the preset of its dose figures."]
    t = res["timings"]
    L += ["", "## Run times", "",
          f"wall {t['wall_seconds']:.0f} s on {t['workers']} process(es); run time summed over runs "
          f"{t['run_seconds_total']:.0f} s (build, burn-in and run, per process; excludes imports)", "",
          "| run | seconds per run (mean, max) | runs |", "|---|---|---|"]
    for label, v in t["per_run_seconds"].items():
        L.append(f"| {label} | {v['mean']:.2f}, {v['max']:.2f} | {v['runs']} |")
    return "\n".join(L) + "\n"


def code_version() -> str:
    """The last commit that changed sim/, HEAD, and sim/ files edited since (docs/calibration.py's)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("calibration", Path(__file__).with_name("calibration.py"))
    calibration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(calibration)
    return calibration.code_version()


def parse_seeds(text: str) -> list[int]:
    """'1-5', '6,7,9' or '1-3,8'."""
    seeds = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-")
            seeds += list(range(int(a), int(b) + 1))
        else:
            seeds.append(int(part))
    if not seeds:
        raise argparse.ArgumentTypeError("no seeds")
    return seeds


def parse_only(text: str) -> list[int]:
    only = sorted({int(x) for x in text.replace(" ", "").split(",") if x})
    bad = [k for k in only if k not in MEASURES]
    if bad:
        raise argparse.ArgumentTypeError(f"no measure {bad}; measures are 1-8")
    return only


def _json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if not np.isfinite(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(type(o))


def _clean(o):
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if isinstance(o, (float, np.floating)):
        return float(o) if np.isfinite(o) else None
    return o


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=parse_seeds, default=parse_seeds("1-5"), help="e.g. 1-5, 6-10, 1,3,7 (default 1-5)")
    ap.add_argument("--citizens", type=int, default=5000)
    ap.add_argument("--weeks", type=int, default=52, help="intervention weeks of measures 1-7 (default 52)")
    ap.add_argument("--burn-in", type=int, default=None,
                    help="burn-in weeks of measures 1-7 (default: the presets', 26; less only for quick checks)")
    ap.add_argument("--drift-weeks", type=int, default=260, help="weeks of measure 8 (default 260)")
    ap.add_argument("--drift-burn-in", type=int, default=0,
                    help="burn-in of measure 8 (default 0, as docs/ODD.md 8.3; -1: the preset's)")
    ap.add_argument("--only", type=parse_only, default=list(MEASURES), help="measures to run, e.g. 1,3 (default all)")
    ap.add_argument("--workers", type=int, default=2, help="processes (default 2; 1: no pool)")
    ap.add_argument("--sc-max", type=int, default=None, help="top of the social capital scale (default: from the model)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    ap.add_argument("--out", type=Path, default=None, help="also write the Markdown to this file")
    ap.add_argument("--note", default="", help="a note on the code measured, printed after the code version "
                    "(e.g. the commit of an exported tree that has no git)")
    args = ap.parse_args(argv)
    argv_list = sys.argv[1:] if argv is None else list(argv)
    command = "python docs/validity.py " + " ".join(shlex.quote(a) for a in argv_list)
    version = code_version() + (f" ({args.note})" if args.note else "")
    log(f"{command}\ncode: {version}; {args.citizens:,} citizens, seeds {args.seeds}, measures {args.only}, "
        f"{args.workers} process(es)")
    res = measure_all(args.only, args.seeds, args.citizens, args.weeks, args.drift_weeks,
                      None if args.drift_burn_in < 0 else args.drift_burn_in, args.workers, args.sc_max, args.burn_in)
    header = ["# Validity measures of issue 11", "", f"Command: `{command}`", "",
              f"Code: {version}; {args.citizens:,} citizens, {args.weeks} weeks after "
              f"{'the preset burn-in' if args.burn_in is None else f'a burn-in of {args.burn_in} weeks'} "
              f"(measure 8: {args.drift_weeks} weeks), seeds {', '.join(map(str, args.seeds))}; "
              f"host {os.uname().nodename}, {time.strftime('%Y-%m-%d %H:%M')}. "
              "Cells: mean over seeds [95% interval over seeds] (range over seeds)."]
    text = markdown(res, header)
    print(text)
    if args.out:
        args.out.write_text(text)
    res = {"command": command, "code": version, "seeds": args.seeds, "citizens": args.citizens, "weeks": args.weeks,
           "burn_in": args.burn_in,
           "drift_weeks": args.drift_weeks, "drift_burn_in": args.drift_burn_in, **res}
    if args.json:
        args.json.write_text(json.dumps(_clean(res), indent=1, default=_json_default))
        log(f"JSON: {args.json}")
    return res


if __name__ == "__main__":
    main()
