"""Re-measure the calibration table of docs/ODD.md (section 8.2) and the figures quoted from it.

    .venv/bin/python docs/calibration.py            # seeds 1-5, 5,000 citizens (10-15 s)
    .venv/bin/python docs/calibration.py --seeds 1 2 --citizens 2000   # a quicker look

Each run uses the preset's defaults (26-week burn-in, 52 intervention weeks); week 0 is
the end of the burn-in. Runs go one after another in this process (no parallelism).
Values are the mean over seeds with the range over seeds in brackets; progress lines go
to stderr, the results to stdout.

What is measured, and where the text quotes it:

- `baseline`: lonely share (UCLA-3 >= 6), SWEMWBS mean, LSNS-6 isolated share (< 12),
  the network (ties per citizen, ties of at least 20 h = network size, ties of at least
  200 h), mean UCLA-3, GBS, LSNS-6 and social capital, at week 0 and week 52 (8.2 table,
  2.7, P5 in 1.2); turnover of the closest ties: share of ties of at least 200 h at
  week 0 that are gone at week 52, all / kin / others (8.2 table); P3: ties lost, change
  in network size and tie count of citizens lonely at week 0 against the others (1.2);
  new ties that broke in their first week in the network, by origin (first seed; ties
  that joined the network at the end of intervention weeks 1-19, each followed one more
  week, so weeks 1-20 in all; 7.6 and Appendix C).
- `platform_only`: dropout in week 1 = share of joiners who lapsed in the week they
  joined; still using at 4 weeks = share of those who joined by week 48 (observed for
  4 full weeks) who had not lapsed within 4 weeks of joining (8.2 table, 7.2, P4);
  users and ever joined at week 52 (P4); the average skills factor k_skill of the users
  at week 52 (7.2).
- every preset: change in lonely share from week 0 to week 52 (percentage points) and
  citizens lonely at week 0 who are not lonely at week 52 (the paragraph below the table).
  All presets share week 0 with `baseline` for a seed; the script checks that.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim import BelongingModel
from sim.population import on_platform
from sim.tiestore import ORIGINS
from sim.vocabulary import OUTCOMES

PRESETS = ("baseline", "platform_only", "platform_with_support", "connecting_people",
           "digital_inclusion", "remote_only")
LAST_JOIN_WEEK = 19     # first-week breaks: ties that joined in weeks 1-19, followed to week 20


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def code_version() -> str:
    """The last commit that changed sim/ (the model measured), HEAD, and sim/ files edited since."""
    def git(*a):
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    try:
        sim_commit, head = git("log", "-1", "--format=%h", "--", "sim"), git("rev-parse", "--short", "HEAD")
        dirty = git("diff", "--name-only", "HEAD", "--", "sim").split()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    text = f"sim/ as of {sim_commit} (HEAD {head})"
    return text + (f", uncommitted edits in {', '.join(dirty)}" if dirty else "")


def network_state(m) -> dict[str, float]:
    t, n = m.ties, m.pop.n
    return {"ties": 2 * len(t) / n, "net20": float(m.pop.network_size.mean()),
            "ties200": 2 * int(np.count_nonzero(t.s >= 200)) / n}


def baseline_run(seed: int, citizens: int, first_week_breaks: bool) -> dict:
    """One `baseline` run, stepped week by week so that new ties can be followed."""
    m = BelongingModel("baseline", citizens=citizens, seed=seed)
    t, n = m.ties, m.pop.n
    r = {"start": {k: float(m.series[k][0]) for k in OUTCOMES}, "net0": network_state(m)}
    key0, close0, kin0 = t.key.copy(), t.s >= 200, t.kin.copy()
    a0, b0, deg0 = t.a.copy(), t.b.copy(), t.degree()
    net0, lonely0 = m.pop.network_size.copy(), m.pop.ucla >= 6
    breaks = {o: [0, 0] for o in ORIGINS}         # origin: [joined in weeks 1-19, gone a week later]
    prev_key = t.key.copy()
    pending = None                                  # (keys, origins) of ties that joined last week
    while m.running and m.week < m.sc.run.weeks:
        m.step()
        if not first_week_breaks:
            continue
        key = m.ties.key
        if pending is not None:
            gone = ~np.isin(pending[0], key)
            for o, name in enumerate(ORIGINS):
                sel = pending[1] == o
                breaks[name][0] += int(sel.sum())
                breaks[name][1] += int((sel & gone).sum())
        pending = None
        if m.week <= LAST_JOIN_WEEK:
            new = ~np.isin(key, prev_key)
            pending = (key[new].copy(), m.ties.origin[new].copy())
        prev_key = key.copy()
    r["end"] = {k: float(m.series[k][m.week]) for k in OUTCOMES}
    r["net52"] = network_state(m)
    gone = ~np.isin(key0, m.ties.key)
    r["turnover"] = {"all": gone[close0].mean(), "kin": gone[close0 & kin0].mean(),
                     "others": gone[close0 & ~kin0].mean()}
    lost = np.bincount(a0[gone], minlength=n) + np.bincount(b0[gone], minlength=n)
    deg = m.ties.degree()
    for label, sel in (("lonely", lonely0), ("others", ~lonely0)):
        r["P3 " + label] = {"lost": lost[sel].sum() / deg0[sel].sum(),
                            "dnet": (m.pop.network_size[sel] - net0[sel]).mean(),
                            "dties": (deg[sel] - deg0[sel]).mean()}
    r["delta_lonely_pp"] = 100 * (m.series["lonely_share"][m.week] - m.series["lonely_share"][0])
    r["no_longer_lonely"] = m.no_longer_lonely()
    r["first_week_breaks"] = breaks if first_week_breaks else None
    return r


def platform_run(seed: int, citizens: int) -> dict:
    m = BelongingModel("platform_only", citizens=citizens, seed=seed).run()
    pop, W = m.pop, m.sc.run.weeks
    j, lw = pop.joined_week, pop.lapsed_week
    joined = j >= 0
    week1 = (joined & (lw == j)).sum() / joined.sum()                 # lapsed in the week they joined
    cohort = joined & (j <= W - 4)                                     # observed for 4 full weeks
    at4 = (cohort & ((lw < 0) | (lw > j + 3))).sum() / cohort.sum()   # survived 4 dropout draws
    p = m.sc.platform
    s_low = m.sc.population.share_low_literacy
    users = m.series["platform_active"][m.week]
    on = on_platform(pop)                                              # joined or active
    k_skill = (np.where(pop.effective_literacy[on] >= 0.4, p.skills_dropout_ratio, 1.0)
               / (s_low + (1 - s_low) * p.skills_dropout_ratio))
    return {"start": {k: float(m.series[k][0]) for k in OUTCOMES},
            "week1": week1, "at4": at4, "joiners": int(joined.sum()), "cohort": int(cohort.sum()),
            "users52": int(users), "ever52": int(m.series["platform_ever"][m.week]),
            "k_skill": float(k_skill.mean()),
            "delta_lonely_pp": 100 * (m.series["lonely_share"][m.week] - m.series["lonely_share"][0]),
            "no_longer_lonely": m.no_longer_lonely()}


def preset_run(name: str, seed: int, citizens: int) -> dict:
    m = BelongingModel(name, citizens=citizens, seed=seed).run()
    return {"start": {k: float(m.series[k][0]) for k in OUTCOMES},
            "delta_lonely_pp": 100 * (m.series["lonely_share"][m.week] - m.series["lonely_share"][0]),
            "no_longer_lonely": m.no_longer_lonely()}


def mr(values, fmt: str = "{:.1f}", scale: float = 1.0) -> str:
    """mean (min-max) over seeds."""
    v = np.asarray(values, dtype=float) * scale
    sep = " to " if v.min() < 0 else "-"
    return f"{fmt.format(v.mean())} ({fmt.format(v.min())}{sep}{fmt.format(v.max())})"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--citizens", type=int, default=5000)
    args = ap.parse_args(argv)
    seeds, N = args.seeds, args.citizens
    t0 = time.perf_counter()
    log(f"code: {code_version()}; {N:,} citizens, seeds {seeds}")

    base, plat, other = {}, {}, {name: {} for name in PRESETS[2:]}
    for s in seeds:
        log(f"[{time.perf_counter() - t0:6.1f} s] seed {s}: baseline")
        base[s] = baseline_run(s, N, first_week_breaks=(s == seeds[0]))
        log(f"[{time.perf_counter() - t0:6.1f} s] seed {s}: platform_only")
        plat[s] = platform_run(s, N)
        for name in PRESETS[2:]:
            log(f"[{time.perf_counter() - t0:6.1f} s] seed {s}: {name}")
            other[name][s] = preset_run(name, s, N)
        for name, r in [("platform_only", plat[s])] + [(k, v[s]) for k, v in other.items()]:
            if r["start"] != base[s]["start"]:
                log(f"  WARNING: {name} seed {s} does not share week 0 with baseline")
    log(f"[{time.perf_counter() - t0:6.1f} s] done")

    B = [base[s] for s in seeds]
    P = [plat[s] for s in seeds]
    out = print
    out(f"# Calibration table, docs/ODD.md section 8.2 -- code {code_version()}")
    out(f"# {N:,} citizens, seeds {', '.join(map(str, seeds))}: mean (range over seeds)")
    out("")
    out("target | model (week 0) | model (week 52)")
    for label, key, fmt, scale in (("lonely share (UCLA-3 >= 6), %", "lonely_share", "{:.1f}", 100),
                                   ("SWEMWBS mean", "wellbeing", "{:.2f}", 1),
                                   ("LSNS-6 isolated (< 12), %", "isolated_share", "{:.1f}", 100)):
        out(f"{label} | {mr([r['start'][key] for r in B], fmt, scale)} | {mr([r['end'][key] for r in B], fmt, scale)}")
    out(f"platform dropout in week 1, % of joiners (platform_only) | {mr([r['week1'] for r in P], '{:.1f}', 100)}"
        f"  [joiners per run {mr([r['joiners'] for r in P], '{:.0f}')}]")
    out(f"still using at 4 weeks, % of joiners who joined by week 48 (platform_only) | {mr([r['at4'] for r in P], '{:.1f}', 100)}"
        f"  [cohort per run {mr([r['cohort'] for r in P], '{:.0f}')}]")
    out("turnover of closest ties, % of ties >= 200 h at week 0 lost within the year | "
        f"all {mr([r['turnover']['all'] for r in B], '{:.1f}', 100)}; "
        f"kin {mr([r['turnover']['kin'] for r in B], '{:.1f}', 100)}; "
        f"others {mr([r['turnover']['others'] for r in B], '{:.1f}', 100)}")
    for when, key in (("week 0", "net0"), ("week 52", "net52")):
        out(f"network, {when} | mean ties {mr([r[key]['ties'] for r in B], '{:.2f}')}; "
            f">= 20 h {mr([r[key]['net20'] for r in B], '{:.2f}')}; "
            f">= 200 h {mr([r[key]['ties200'] for r in B], '{:.2f}')}")
    for label, key, fmt in (("mean UCLA-3", "loneliness", "{:.2f}"), ("mean GBS", "belonging", "{:.1f}"),
                            ("mean LSNS-6", "lsns", "{:.1f}"), ("mean social capital (of 27)", "social_capital", "{:.2f}")):
        out(f"{label} | {mr([r['start'][key] for r in B], fmt)} | {mr([r['end'][key] for r in B], fmt)}")

    out("")
    out("Population effects of the presets: change in lonely share week 0 -> 52 (points); no longer lonely at week 52")
    for name in PRESETS:
        R = B if name == "baseline" else P if name == "platform_only" else [other[name][s] for s in seeds]
        out(f"  {name:22s} {mr([r['delta_lonely_pp'] for r in R], '{:+.2f}')}   "
            f"no longer lonely {mr([r['no_longer_lonely'] for r in R], '{:.0f}')}")

    out("")
    out("Also quoted in the text:")
    out(f"  P4 (platform_only): users at week 52 {mr([r['users52'] for r in P], '{:.0f}')}; "
        f"ever joined by week 52 {mr([r['ever52'] for r in P], '{:.0f}')}")
    out(f"  7.2: mean k_skill of the users at week 52 (platform_only) {mr([r['k_skill'] for r in P], '{:.3f}')}")
    for label in ("lonely", "others"):
        out(f"  P3 (baseline), {label} at week 0: ties lost {mr([r['P3 ' + label]['lost'] for r in B], '{:.1f}', 100)}%; "
            f"network size {mr([r['P3 ' + label]['dnet'] for r in B], '{:+.2f}')}; "
            f"tie count {mr([r['P3 ' + label]['dties'] for r in B], '{:+.2f}')}")
    fw = base[seeds[0]]["first_week_breaks"]
    out(f"  7.6 / Appendix C (baseline, seed {seeds[0]}, ties that joined in weeks 1-19, followed to week 20): broke in their first week "
        "in the network: " + "; ".join(f"{o} {g} of {j}" for o, (j, g) in fw.items() if j))


if __name__ == "__main__":
    main()
