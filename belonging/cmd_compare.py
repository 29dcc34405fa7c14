"""`belonging compare A B [C ...]`: scenarios over common random numbers, differences with intervals."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

from sim.vocabulary import MECHANISMS, OUTCOMES, SHARE_OUTCOMES, SUBGROUP_KEYS

from .common import check_out_folder, dumps_json, executor_from_args, format_table, write_or_rescue

OUT_FILES = ["comparison.csv", "comparison.parquet", "levels.csv", "costs.csv", "cmo.csv", "runs.parquet",
             "comparison.json"]


def add_parser(sub):
    p = sub.add_parser(
        "compare", help="compare scenarios against the first, with 95%% intervals, subgroups and costs",
        description="Run every scenario over the same replicate seeds (common random numbers) and report, "
                    "against the first scenario, each outcome's mean difference with a 95%% interval paired "
                    "over replicates: for the population, by subgroup (digital literacy x relational history x "
                    "supported), which mechanisms fired for whom, and cost-effectiveness.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO_OR_FILE",
                   help="two or more presets or .toml files; the first is the baseline")
    p.add_argument("--replicates", type=int, default=10, metavar="R", help="seeds per scenario (default 10)")
    p.add_argument("--citizens", type=int, metavar="N", help="number of citizens (run.citizens) for every scenario")
    p.add_argument("--weeks", type=int, metavar="W", help="intervention weeks (run.weeks) for every scenario")
    p.add_argument("--seed", type=int, metavar="S",
                   help="seed of replicate 0; replicate r uses S + r (default: the baseline's run.seed)")
    p.add_argument("--set", action="append", default=[], metavar="dotted.key=value",
                   help="override a value in every scenario, e.g. --set costs.worker_week=1000 (repeatable)")
    p.add_argument("--outcomes", default="lonely_share,belonging,network_size", metavar="LIST",
                   help="outcomes shown in the subgroup table (comma-separated; default %(default)s)")
    ex = p.add_mutually_exclusive_group()
    ex.add_argument("--workers", type=int, metavar="N", help="local processes (default: one per core; 1: in this process)")
    ex.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--out", metavar="DIR", help="write comparison.csv/.parquet, levels.csv, costs.csv, cmo.csv, "
                                                "runs.parquet and comparison.json into DIR: a new or empty folder, or one "
                                                "written by an earlier compare (checked before any run)")
    return p


def run(args) -> int:
    from experiments import compare
    from experiments.progress import ProgressBar

    outcomes = [o.strip() for o in args.outcomes.split(",") if o.strip()]
    for o in outcomes:
        if o not in OUTCOMES:
            print(f"belonging compare: --outcomes: {o!r} is not an outcome; allowed: {', '.join(OUTCOMES)}",
                  file=sys.stderr)
            return 2
    if len(args.scenarios) < 2:
        print("belonging compare: give at least two scenarios (the first is the baseline)", file=sys.stderr)
        return 2
    if args.replicates < 1:
        print(f"belonging compare: --replicates {args.replicates}: must be at least 1 (2 or more for intervals)",
              file=sys.stderr)
        return 2
    out = None
    if args.out is not None:
        out = check_out_folder(args.out, "compare", OUT_FILES)
        if out is None:
            return 2
    executor = executor_from_args(args, "compare")
    if executor is None:
        return 2
    bar = ProgressBar("runs")
    t0 = time.perf_counter()
    print(f"Comparing {', '.join(args.scenarios)}: {args.replicates} replicates on {executor.describe()}",
          file=sys.stderr)
    try:
        c = compare(args.scenarios, replicates=args.replicates, citizens=args.citizens, weeks=args.weeks,
                    seed=args.seed, overrides=args.set, progress=bar, executor=executor)
    except ValueError as exc:
        from sim import ScenarioError
        if isinstance(exc, ScenarioError):
            raise
        bar.close()
        print(f"belonging compare: {exc}", file=sys.stderr)
        return 2
    finally:
        executor.close()
    seconds = time.perf_counter() - t0
    written = True
    if out is not None:
        paths, written = write_or_rescue(lambda folder: write_outputs(c, folder), out, "compare")
        print(f"wrote {', '.join(str(p) for p in paths)}", file=sys.stderr)
    if args.json:
        print(dumps_json(c.to_dict(), "compare"))
    else:
        print_report(c, outcomes, seconds)
    return 0 if written else 1


def write_outputs(c, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    frame = c.to_frame()
    paths = [out / name for name in OUT_FILES]
    frame.to_csv(paths[0], index=False)
    frame.to_parquet(paths[1], index=False)
    c.levels_frame().to_csv(paths[2], index=False)
    c.costs_frame().to_csv(paths[3], index=False)
    c.cmo_frame().to_csv(paths[4], index=False)
    c.runs_frame().to_parquet(paths[5], index=False)
    paths[6].write_text(dumps_json(c.to_dict(), "compare", indent=1))
    return paths


def _val(o, v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{100 * v:.1f}%" if o in SHARE_OUTCOMES else f"{v:.2f}"


def _diff(o, d, lo, hi) -> str:
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return "-"
    k, unit = (100.0, " pts") if o in SHARE_OUTCOMES else (1.0, "")
    prec = 1 if o in SHARE_OUTCOMES else 2
    star = "*" if (math.isfinite(lo) and (lo > 0 or hi < 0)) else " "
    ci = f"[{lo * k:+.{prec}f}, {hi * k:+.{prec}f}]" if math.isfinite(lo) else "[no interval]"
    return f"{d * k:+.{prec}f} {ci}{unit}{star}"


def _money(v) -> str:
    return "-" if v is None or not math.isfinite(v) else f"{v:,.0f}"


def _money_ci(v, lo, hi) -> str:
    if v is None or not math.isfinite(v):
        return "-"
    if lo is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return _money(v)
    return f"{v:,.0f} [{lo:,.0f}, {hi:,.0f}]"


def print_report(c, outcomes, seconds) -> None:
    seeds = c.seeds
    print(f"Baseline {c.baseline}; {c.replicates} replicates (seeds {seeds[0]}-{seeds[-1]}, the same for every "
          f"scenario), {c.citizens} citizens, {c.weeks} weeks ({seconds:.1f} s)")
    print("Differences are scenario minus baseline at the end, mean over replicates with a 95% interval "
          "paired by seed; * = interval excludes zero; shares in percentage points.")
    print()
    lv = c.levels_frame()
    others = c.labels[1:]
    header = ["outcome", c.baseline]
    for lab in others:
        header += [lab, "diff [95% CI]"]
    rows = []
    for o in OUTCOMES:
        b = lv[(lv.scenario == c.baseline) & (lv.outcome == o)].iloc[0]
        row = [o, _val(o, b.end)]
        for lab in others:
            r = lv[(lv.scenario == lab) & (lv.outcome == o)].iloc[0]
            row += [_val(o, r.end), _diff(o, r["diff"], r.ci_low, r.ci_high)]
        rows.append(row)
    print("Population at the end:")
    print(format_table(header, rows))

    sub = c.subgroups_frame()
    for lab in others:
        print()
        note = "" if c.paired_by_citizen[lab] else " (populations differ: groups matched by label, not by citizen)"
        print(f"{lab} vs {c.baseline} by subgroup (supported = supported in {lab}; n = mean group size){note}:")
        s = sub[sub.scenario == lab]
        header = ["literacy", "relational", "supported", "n"] + [f"{o} diff [95% CI]" for o in outcomes]
        rows = []
        for key, g in s.groupby(list(SUBGROUP_KEYS), sort=False):
            g = g.set_index("outcome")
            rows.append([*key, f"{g['n'].iloc[0]:.0f}"] +
                        [_diff(o, g.at[o, "diff"], g.at[o, "ci_low"], g.at[o, "ci_high"]) for o in outcomes])
        print(format_table(header, rows))

    print()
    print("Which mechanisms fired, for whom (share of the group; mean over replicates):")
    cmo = c.cmo_frame()
    header = ["scenario", "literacy", "relational", "supported", "n", *MECHANISMS]
    rows = [[r["scenario"], *(r[k] for k in SUBGROUP_KEYS), f"{r['n']:.0f}",
             *(f"{r[f'{m}_share']:.2f}" for m in MECHANISMS)]
            for r in cmo.to_dict("records")]
    print(format_table(header, rows))

    print()
    print("Costs (mean over replicates, 95% intervals); ICER = extra cost per extra person no longer lonely "
          f"vs {c.baseline}:")
    header = ["scenario", "total cost", "no longer lonely", "cost per person", "ICER vs baseline", "status"]
    rows = []
    for r in c.costs_frame().to_dict("records"):
        if r["scenario"] == c.baseline:
            icer = "(baseline)"
        elif math.isfinite(r["icer"]):
            icer = _money_ci(r["icer"], r["icer_ci_low"], r["icer_ci_high"])
            if not math.isfinite(r["icer_ci_low"]):
                icer += " (interval undefined)"
        else:
            icer = (r["icer_note"] or "-").split(":")[-1].strip()
        status = r["status"] + (f" by {r['dominated_by']}" if r["dominated_by"] else "")
        rows.append([r["scenario"], _money_ci(r["total_cost"], r["total_cost_ci_low"], r["total_cost_ci_high"]),
                     f"{r['no_longer_lonely']:.1f} [{r['no_longer_lonely_ci_low']:.1f}, {r['no_longer_lonely_ci_high']:.1f}]"
                     if math.isfinite(r["no_longer_lonely_ci_low"]) else f"{r['no_longer_lonely']:.1f}",
                     _money(r["cost_per_no_longer_lonely"]), icer, status])
    print(format_table(header, rows))

    print()
    print("In plain words:")
    for s in c.summary_sentences():
        print(f"- {s}")
