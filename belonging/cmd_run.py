"""`belonging run`: one simulation, summarised in the terminal, as JSON or as files."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sim.vocabulary import MECHANISMS, OUTCOMES, SUBGROUP_KEYS

from .common import add_scenario_options, build_model_kwargs, check_out_folder, dumps_json, format_table, write_or_rescue

OUT_FILES = ["timeseries.parquet", "citizens.parquet", "subgroups.csv", "scenario.toml"]


def add_parser(sub):
    p = sub.add_parser("run", help="run one scenario and summarise it")
    p.add_argument("scenario", metavar="SCENARIO_OR_FILE", help="a preset name (see `belonging scenarios`) or a .toml file")
    add_scenario_options(p)
    p.add_argument("--out", metavar="DIR", help="write timeseries.parquet, citizens.parquet, subgroups.csv, scenario.toml "
                                                "into DIR: a new or empty folder, or one written by an earlier run "
                                                "(checked before the run)")
    p.add_argument("--json", action="store_true", help="print one JSON object (outcomes, subgroups) on stdout")
    p.add_argument("--yes", action="store_true", help="run even when the estimated memory exceeds what is available")
    return p


PROGRESS_EVERY = 10.0        # seconds between progress lines when stderr is not a terminal


class RunProgress:
    """Weeks done on stderr: one redrawn line on a terminal, else a plain line every PROGRESS_EVERY s."""

    def __init__(self, stream=None, every: float = PROGRESS_EVERY):
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = every
        self.t0 = self.last = time.monotonic()
        self.drawn = False

    def __call__(self, week: int, total: int) -> None:
        now = time.monotonic()
        if self.tty:
            print(f"\rweek {week}/{total}", end="", file=self.stream, flush=True)
            self.drawn = True
        elif now - self.last >= self.every and week < total:
            self.last = now
            rate = week / (now - self.t0) if now > self.t0 else 0.0
            eta = f", about {_fmt_s((total - week) / rate)} to go" if rate > 0 else ""
            print(f"week {week}/{total} ({week / total:.0%}), {_fmt_s(now - self.t0)} elapsed{eta}",
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty and self.drawn:
            print("\r" + " " * 20 + "\r", end="", file=self.stream)


def _fmt_s(s: float) -> str:
    return f"{s:.0f} s" if s < 120 else f"{s / 60:.0f} min" if s < 7200 else f"{s / 3600:.1f} h"


ANNOUNCE_SECONDS = 10.0      # a run estimated to take longer (or more memory) is announced on stderr first
ANNOUNCE_BYTES = 1024 ** 3


def announce(args) -> bool:
    """Print the time and memory estimate of a large run on stderr before it is built (a ~0.9 GiB per
    million citizens, ~1.6M citizen-weeks/s run: experiments/estimate.py). False when the memory
    estimate exceeds what is available and --yes was not given (nothing was built)."""
    from sim import ScenarioError, load_scenario
    from sim.model import load_overrides

    from experiments.estimate import estimate_run
    try:
        over = dict(load_overrides(args.set))
        for k in ("citizens", "weeks", "seed"):
            if getattr(args, k, None) is not None:
                over[f"run.{k}"] = getattr(args, k)
        sc = load_scenario(args.scenario, over)
    except (ScenarioError, OSError, ValueError):
        return True                   # the model's own loading says what is wrong
    est = estimate_run(sc.run.citizens, sc.run.weeks, sc.run.burn_in)
    if est.seconds >= ANNOUNCE_SECONDS or est.bytes >= ANNOUNCE_BYTES or est.too_big:
        print(f"belonging run: {est.text()}", file=sys.stderr)
    if est.too_big and not getattr(args, "yes", False):
        print("belonging run: the estimated memory exceeds what this machine has available; fewer --citizens, "
              "or --yes to run anyway", file=sys.stderr)
        return False
    return True


def result_json(model) -> dict:
    sub = model.subgroups()
    groups = []
    for row in sub.to_dict("records"):
        g = {k: row[k] for k in SUBGROUP_KEYS}
        g["n"] = int(row["n"])
        for k in OUTCOMES:
            g[k] = {"start": float(row[f"{k}_start"]), "end": float(row[f"{k}_end"])}
        g["mechanisms"] = {m: {"share": float(row[f"{m}_share"]), "mean": float(row[f"{m}_mean"])}
                           for m in MECHANISMS}
        groups.append(g)
    return {
        "scenario": model.sc.name,
        "citizens": model.sc.run.citizens,
        "weeks": model.sc.run.weeks,
        "seed": model.sc.run.seed,
        "outcomes": model.outcomes(),
        "subgroups": groups,
        "costs": dict(model.costs, total=model.total_cost()),
        "no_longer_lonely": model.no_longer_lonely(),
    }


def write_outputs(model, out: Path) -> list[Path]:
    from sim import to_toml
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in OUT_FILES]
    model.timeseries().to_parquet(paths[0], index=False)
    model.citizen_table().to_parquet(paths[1], index=False)
    model.subgroups().to_csv(paths[2], index=False)
    paths[3].write_text(to_toml(model.sc))
    return paths


def print_summary(model, seconds: float) -> None:
    sc = model.sc
    print(f"Scenario {sc.name}: {sc.run.citizens} citizens, {sc.run.weeks} weeks after {sc.run.burn_in} weeks of burn-in, seed {sc.run.seed} ({seconds:.1f} s)")
    print()
    rows = [[k, f"{v['start']:.3f}", f"{v['end']:.3f}", f"{v['end'] - v['start']:+.3f}"] for k, v in model.outcomes().items()]
    print(format_table(["outcome", "start", "end", "change"], rows))
    print()
    sub = model.subgroups()
    rows = []
    for r in sub.to_dict("records"):
        rows.append([*(r[k] for k in SUBGROUP_KEYS), str(int(r["n"])),
                     f"{r['lonely_share_start']:.3f}", f"{r['lonely_share_end']:.3f}",
                     f"{r['belonging_start']:.1f}", f"{r['belonging_end']:.1f}",
                     f"{r['network_size_end'] - r['network_size_start']:+.2f}",
                     *(f"{r[f'{m}_share']:.2f}" for m in MECHANISMS)])
    print("By subgroup (who, and which mechanisms fired: share of the group):")
    print(format_table(["literacy", "relational", "supported", "n", "lonely0", "lonely1", "belong0", "belong1",
                        "d_network", *MECHANISMS], rows))
    print()
    total = model.total_cost()
    nl = model.no_longer_lonely()
    per = f"{total / nl:,.0f} per person no longer lonely" if nl else "no one moved out of loneliness"
    parts = ", ".join(f"{k} {v:,.0f}" for k, v in model.costs.items() if v)
    print(f"Costs: {total:,.0f} ({parts or 'none'}); {nl} no longer lonely; {per}")


def run(args) -> int:
    from sim import BelongingModel

    from sim import lever_conflicts

    out = None
    if args.out is not None:
        out = check_out_folder(args.out, "run", OUT_FILES)
        if out is None:
            return 2
    if not announce(args):
        return 2
    kwargs = build_model_kwargs(args)
    t0 = time.perf_counter()
    model = BelongingModel(args.scenario, **kwargs)
    for key, why in lever_conflicts(model.sc).items():
        print(f"belonging: warning: {key}: {why}", file=sys.stderr)
    weeks = model.sc.run.weeks
    progress = RunProgress()
    model.run(progress=progress)
    progress.close()
    seconds = time.perf_counter() - t0
    written = True
    if out is not None:
        paths, written = write_or_rescue(lambda folder: write_outputs(model, folder), out, "run")
        if not args.json:
            print(f"wrote {', '.join(str(p) for p in paths)}")
    if args.json:
        print(dumps_json(result_json(model), "run"))
    else:
        print_summary(model, seconds)
    assert weeks == model.week
    return 0 if written else 1
