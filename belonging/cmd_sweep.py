"""`belonging sweep SPEC.toml`: a sensitivity sweep with progress, a crash-safe store and indices."""

from __future__ import annotations

import math
import sys
import time

from .common import executor_from_args, format_table, out_path_problem


def add_parser(sub):
    p = sub.add_parser(
        "sweep", help="run a sensitivity sweep (Sobol, Morris, eFAST, full factorial) from a TOML spec",
        description="Run a sweep spec: every finished run is stored at once (Parquet) under --out, so an "
                    "interrupted sweep continues with --resume without losing or redoing runs. At the end: "
                    "indices with 95%% intervals (indices.csv), the ranking of the parameters per output "
                    "(ranking.md; the top ones are printed), seed noise (variance.csv), failed runs "
                    "(failures.csv) and one plot per output (plot_<output>.png). --resume on a finished sweep "
                    "runs nothing and prints its summary again. A design too small for its method is refused "
                    "(with the minimum); the runs, time, memory and disk are estimated before the design is "
                    "built: too large for this machine is refused, large asks for --yes. Exit status: 0 done, "
                    "3 done but some runs failed, 2 bad input (or a damaged or too large sweep), 130 interrupted.")
    p.add_argument("spec", metavar="SPEC.toml", help="a sweep spec file, or the name of one in experiments/ "
                                                     f"({', '.join(_shipped_specs())})")
    p.add_argument("--out", metavar="DIR", help="results folder (default results/sweeps/<spec name>/)")
    ex = p.add_mutually_exclusive_group()
    ex.add_argument("--workers", type=int, metavar="N", help="local processes (default: one per core; 1: in this process)")
    ex.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786 (see README)")
    p.add_argument("--resume", action="store_true", help="continue the sweep stored in the folder (same spec and options)")
    p.add_argument("--retry-failed", action="store_true", help="with --resume: run the failed runs again")
    p.add_argument("--repair", action="store_true",
                   help="with --resume: move damaged files (truncated, empty, garbage) into DIR/damaged/, rebuild a "
                        "damaged manifest or design from the spec, and run again only the runs they held")
    p.add_argument("--yes", action="store_true",
                   help="start a sweep estimated to take long or much of this machine's memory or disk "
                        "(a design the machine cannot hold is refused anyway)")
    g = p.add_argument_group("spec overrides (recorded in the manifest; give the same ones to --resume)")
    g.add_argument("--samples", type=int, metavar="N", help="replace the spec's samples (Sobol: a power of 2)")
    g.add_argument("--replicates", type=int, metavar="R", help="replace the spec's replicates")
    g.add_argument("--citizens", type=int, metavar="N", help="replace the spec's citizens")
    g.add_argument("--weeks", type=int, metavar="W", help="replace the spec's weeks")
    g.add_argument("--seed", type=int, metavar="S", help="replace the spec's seed")
    p.add_argument("--dry-run", action="store_true", help="check the spec and print the design size; run nothing")
    p.add_argument("--top", type=int, default=20, metavar="N",
                   help="parameters shown per output in the summary, largest index first (default 20; 0: all)")
    return p


def _shipped_specs() -> list[str]:
    from pathlib import Path
    return sorted(q.stem for q in (Path(__file__).resolve().parents[1] / "experiments").glob("*.toml"))


def run(args) -> int:
    from experiments import SpecError, StoreDamaged, SweepBusy, SweepError, SweepTooLarge, load_spec, run_sweep
    from experiments.estimate import estimate_sweep
    from experiments.progress import ProgressBar
    from experiments.sweep import default_folder, plan

    for flag in ("retry_failed", "repair"):
        if getattr(args, flag) and not args.resume:
            print(f"belonging sweep: --{flag.replace('_', '-')} needs --resume", file=sys.stderr)
            return 2
    overrides = {"samples": args.samples, "replicates": args.replicates, "citizens": args.citizens,
                 "weeks": args.weeks, "seed": args.seed}
    try:
        spec = load_spec(args.spec, overrides)
    except SpecError as exc:
        print(f"belonging sweep: invalid spec:\n{exc}", file=sys.stderr)
        return 2
    folder = args.out or str(default_folder(spec))
    problem = out_path_problem(folder)        # a NUL byte or too long name (from --out or the spec's name), a file
    if problem is not None:
        where = "--out" if args.out else f"the results folder (from the spec's name {spec.name!r})"
        print(f"belonging sweep: {where} {folder!r}: {problem}; give a folder with --out. Nothing was run.",
              file=sys.stderr)
        return 2
    info = plan(spec)                             # from the method's formula: nothing is built yet
    size = f"N={spec.samples}" if spec.samples else "every combination"
    print(f"Sweep {spec.name}: {spec.method}, {len(spec.parameters)} parameters ({size}): {info['points']} points x "
          f"{spec.replicates} replicate{'s' if spec.replicates > 1 else ''} = {info['runs']} runs", file=sys.stderr)
    against = f" against contrast {spec.contrast} (same parameters and seeds)" if spec.contrast else ""
    print(f"Base {spec.base}{against}, {spec.citizens} citizens, {spec.weeks} weeks, seed {spec.seed}; outputs "
          f"{', '.join(spec.outputs)}; results in {folder}/", file=sys.stderr)
    if spec.from_schema:
        fs = spec.from_schema
        what = ", ".join(f"{k} {v}" for k, v in fs.items() if k != "role" and v)
        print(f"Parameters from the schema: every {fs['role']} with a range{' (' + what + ')' if what else ''}",
              file=sys.stderr)
    if args.dry_run:
        est = estimate_sweep(spec, args.workers or _cpus(), folder=folder)
        print(est.text(), file=sys.stderr)
        print(format_table(["parameter", "values"], [list(x) for x in info["parameters"]]))
        if est.refuse:
            print(f"belonging sweep: too large for this machine: {'; '.join(est.refuse)}", file=sys.stderr)
            return 2
        if est.confirm:
            print(f"Note: it would ask for --yes: {'; '.join(est.confirm)}", file=sys.stderr)
        return 0
    executor = executor_from_args(args, "sweep")
    if executor is None:
        return 2

    bar = ProgressBar("runs")

    def on_start(s):
        for r in s.get("repaired") or []:
            print(f"Repaired: {r}" if r.startswith("runs to redo") else f"Repaired: set aside {r}", file=sys.stderr)
        msg = f"Running on {s['executor']}"
        if s["stored"]:
            msg += f"; resuming: {s['stored']} runs already stored, {s['todo']} to go"
        print(msg, file=sys.stderr)
        if s.get("estimate"):
            print(s["estimate"], file=sys.stderr)

    t0 = time.perf_counter()
    try:
        result = run_sweep(spec, out=folder, executor=executor, resume=args.resume, retry_failed=args.retry_failed,
                           progress=bar, on_start=on_start, repair=args.repair, confirm_large=args.yes)
    except (SweepError, SweepBusy, SweepTooLarge) as exc:
        print(f"belonging sweep: {exc}", file=sys.stderr)
        return 2
    except StoreDamaged as exc:
        bar.close()
        print(f"belonging sweep: {exc.folder}: damaged files:", file=sys.stderr)
        for f, why in exc.damaged:
            print(f"  {f}: {why}", file=sys.stderr)
        print(f"Nothing was run. Set them aside and run again only what they held:\n"
              f"  belonging sweep {args.spec} --out {folder} --resume --repair" + _override_flags(args),
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        bar.close()
        print(f"belonging sweep: interrupted; every finished run is stored in {folder}/: continue with\n"
              f"  belonging sweep {args.spec} --out {folder} --resume" + _override_flags(args), file=sys.stderr)
        return 130
    finally:
        executor.close()
    seconds = time.perf_counter() - t0
    print_report(spec, result, seconds, top=args.top)
    return 3 if len(result.failures) else 0


def _cpus() -> int:
    import os
    return os.cpu_count() or 1


def _override_flags(args) -> str:
    flags = ""
    for name in ("samples", "replicates", "citizens", "weeks", "seed"):
        v = getattr(args, name)
        if v is not None:
            flags += f" --{name} {v}"
    return flags


def _ranking_text(header: list[str], rows: list[list[str]]) -> str:
    """A console table: rank and numbers right-aligned, the parameter and the verdict left-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    left = {1, len(header) - 1}

    def line(cells):
        return "  ".join(str(c).ljust(w) if i in left else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def print_report(spec, result, seconds, top: int = 20) -> None:
    from experiments.progress import fmt_seconds
    from experiments.ranking import interval_caveat, main_index, noise_floors, ranking, ranking_rows
    from experiments.sweep import RANKING_TOP
    res = result.results
    n_fail = len(result.failures)
    print(f"Sweep {spec.name}: {len(res)} runs stored ({result.ran} this session, {fmt_seconds(seconds)}), "
          f"{n_fail} failed; folder {result.folder}/")
    if result.indices is not None:
        idx = main_index(spec.method)[0]
        print(f"Parameters by {idx}, largest first, with 95% intervals; \"not separated from noise\": the "
              "interval reaches zero, so the sweep cannot tell that parameter's influence from none.")
        caveat = interval_caveat(spec.method, spec.samples, spec.replicates)
        if caveat:
            print(caveat)
        floors = noise_floors(result.variance, spec.method, spec.replicates, spec.options)
        for o in spec.outputs:
            full = ranking(result.indices, o, floor=floors.get(o, 0.0))
            table = full.head(top) if top else full
            header, rows = ranking_rows(table)
            print()
            v = result.variance.set_index("output").loc[o]
            noise = f"; seed noise {v.seed_share:.0%} of one run's variance" if math.isfinite(v.seed_share) else ""
            n_sep = int(full["separated"].sum())
            shown = f"top {len(table)} of {len(full)}" if len(table) < len(full) else f"{len(full)} parameters"
            floor = f"; noise floor of mu_star {floors[o]:.3g}" if floors.get(o) else ""
            print(f"{o} (mean {v['mean']:.4g}{noise}{floor}): {shown}, {n_sep} separated from noise:")
            print(_ranking_text(header, rows))
        if top and len(spec.parameters) > top:
            print()
            print(f"Every parameter: {result.folder}/indices.csv; the top {RANKING_TOP} per output as Markdown: "
                  f"{result.folder}/ranking.md")
    if result.analysis_note:
        print()
        print(f"Note: {result.analysis_note}")
    if n_fail:
        print()
        print(f"{n_fail} run{'s' if n_fail > 1 else ''} failed (kept in the store and in failures.csv, "
              "never dropped):")
        keys = [p.key for p in spec.parameters]
        for r in result.failures.head(10).to_dict("records"):
            params = ", ".join(f"{k}={r[k]!r}" for k in keys[:8])
            if len(keys) > 8:
                params += f", ... ({len(keys) - 8} more parameters in failures.csv)"
            first = (r["error"] or "").splitlines()[0] if r["error"] else "?"
            print(f"  run {r['run_id']} (point {r['point']}, replicate {r['replicate']}, seed {r['seed']}): {first}")
            print(f"      {params}")
        if n_fail > 10:
            print(f"  ... and {n_fail - 10} more (failures.csv)")
    if result.files:
        print()
        print("Wrote " + ", ".join(sorted({f.name for f in result.files})))
    print(f"All runs as a DataFrame: python -c \"from experiments import read_results; "
          f"print(read_results('{result.folder}'))\"")
