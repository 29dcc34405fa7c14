"""Speed and memory of the belonging model against the targets of issue 3.

    .venv/bin/python benchmarks/run.py                 # 1k, 10k, 100k (3 runs each), 1M (about 9 minutes)
    .venv/bin/python benchmarks/run.py --quick         # 1k, 10k, sweep unit, dashboard step, yardstick at 10k
    .venv/bin/python benchmarks/run.py --sizes 1000,10000,100000 --repeat 3 --json out.json

What is measured (each number from its own fresh Python process, so imports and
memory do not carry over from one measurement to the next):

- Full runs: `BelongingModel("platform_with_support", citizens=N, weeks=52, timings=True).run()`,
  all mechanisms on. Wall time runs from process start to process end (interpreter
  start, imports, building the population, the burn-in and the 52 weeks). Start-up is
  the imports plus numba's one-off start-up in the process (~0.3 s, paid once by a sweep
  worker or the dashboard, not per model). Model time
  is building + burn-in + 52 weeks inside the process. Citizen-weeks per second count
  burn-in weeks too: N x (burn_in + 52) / model time. Peak memory is the process's
  maximum resident set size (ru_maxrss from os.wait4 for that one child).
  The per-mechanism shares come from model.timings (burn-in and intervention weeks);
  "other" is the rest of the model time: recording the series, the first observation.
  Mesa agents are built on first use (sim/model.py), so a run like this one builds none.
- Sweep unit: 2,000 citizens x 52 weeks inside one running process (already imported),
  median of several runs (different seeds) after a warm-up run.
- Dashboard step: one `model.step()` at the dashboard's default size (read from a
  DEFAULT_CITIZENS / DEFAULT_SIZE / CITIZENS constant in dashboards/*.py if there is
  one, else 1,000 citizens), median over 50 steps. Rendering is not included.
- Yardstick: benchmarks/yardstick.py (textbook Mesa: one Agent per citizen, per-agent
  step(), networkx ties) at 100,000 citizens (10,000 with --quick) for a few weeks;
  its rate counts only its weekly steps (not building the graph), per citizen-week.
  Each yardstick run follows one of the model runs at its size (both see the same
  phase of a shared machine); the ratio is the median over those pairs of
  the model's citizen-weeks per second (which includes building and burn-in) over the
  yardstick's.

A run that takes longer than --timeout seconds or whose memory passes --max-mem-gib
is killed and reported as such. This script is a measuring instrument, not a test:
it exits 0 whether or not targets are met (1 only if a measurement itself failed).
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = "platform_with_support"
WEEKS = 52
GIB = 1024 ** 3

TARGETS = {
    "100k_wall": 10.0,          # s, whole process
    "1m_wall": 180.0,           # s, whole process
    "1m_mem": 4 * GIB,          # bytes
    "sweep_unit": 0.3,          # s, in process
    "exponent": 1.1,            # fitted exponent of wall time vs citizens: close to 1, not above
    "dashboard_ms": 100.0,      # ms per step
    "ratio": 50.0,              # x the yardstick's citizen-weeks per second
}


# ---------------------------------------------------------------------------
# worker side: runs inside a fresh subprocess, writes one JSON object to --out
# ---------------------------------------------------------------------------

def _vm_hwm() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def worker_model(citizens: str, weeks: str, seed: str) -> dict:
    citizens, weeks, seed = int(citizens), int(weeks), int(seed)
    t0 = time.perf_counter()
    import numpy as np
    from sim import BelongingModel, kernels
    # numba's one-off start-up in a process (~0.3 s: its compiler machinery, then the cached
    # kernels load in ms each) is start-up like the imports, paid once by a sweep worker or
    # the dashboard, not by each model: count it with them
    kernels.adjacency(np.zeros(0, np.int32), np.zeros(0, np.int32), 0)
    t1, c1 = time.perf_counter(), time.process_time()
    m = BelongingModel(SCENARIO, citizens=citizens, weeks=weeks, seed=seed, timings=True)
    t2 = time.perf_counter()
    m.run()
    t3, c3 = time.perf_counter(), time.process_time()
    return {
        "citizens": citizens, "weeks": weeks, "burn_in": m.sc.run.burn_in,
        "import_s": t1 - t0, "init_s": t2 - t1, "run_s": t3 - t2, "model_s": t3 - t1, "model_cpu_s": c3 - c1,
        "timings": dict(m.timings), "ties_per_citizen": 2 * len(m.ties) / citizens,
        "lonely_share_end": float(m.series["lonely_share"][m.week]),
        "vm_hwm": _vm_hwm(),
    }


def worker_sweep(citizens: str, weeks: str, repeats: str) -> dict:
    citizens, weeks, repeats = int(citizens), int(weeks), int(repeats)
    from sim import BelongingModel
    BelongingModel(SCENARIO, citizens=citizens, weeks=weeks, seed=0).run()   # warm-up
    times, cpu = [], []
    for seed in range(1, repeats + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        BelongingModel(SCENARIO, citizens=citizens, weeks=weeks, seed=seed).run()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"citizens": citizens, "weeks": weeks, "times": times, "cpu_times": cpu,
            "median_s": statistics.median(times), "median_cpu_s": statistics.median(cpu)}


def worker_dashboard(citizens: str, steps: str, scenario: str, track_all_up_to: str, track_sample: str) -> dict:
    """Build the model as the Explore page does (dashboards/pages/explore.py) and time its steps.

    The page tracks every citizen's story up to track_all_up_to citizens (else a sample),
    keeps the UCLA-3 history, and after each step reads the time series, the subgroup
    table and the outcomes; 'page' times that step plus those reads (no rendering).
    """
    import numpy as np
    from sim import BelongingModel
    citizens, steps, track_all_up_to, track_sample = int(citizens), int(steps), int(track_all_up_to), int(track_sample)
    if citizens <= track_all_up_to:
        track = np.arange(citizens)
    else:
        track = np.sort(np.random.default_rng(42).choice(citizens, min(track_sample, citizens), replace=False))
    m = BelongingModel(scenario, citizens=citizens, weeks=steps + 1, seed=42,
                       track=[int(i) for i in track], record_history=True)
    m.step()                                                                  # warm-up
    step_t, page_t = [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        m.step()
        t1 = time.perf_counter()
        m.timeseries(), m.subgroups(), m.outcomes(), m.total_cost(), m.no_longer_lonely()
        t2 = time.perf_counter()
        step_t.append(t1 - t0)
        page_t.append(t2 - t0)
    return {"citizens": citizens, "steps": steps, "scenario": scenario, "tracked": len(track),
            "median_step_ms": 1000 * statistics.median(step_t), "median_ms": 1000 * statistics.median(page_t)}


def worker_yardstick(citizens: str, weeks: str) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from yardstick import measure
    r = measure(int(citizens), int(weeks))
    r["vm_hwm"] = _vm_hwm()
    return r


WORKERS = {"model": worker_model, "sweep": worker_sweep, "dashboard": worker_dashboard, "yardstick": worker_yardstick}


# ---------------------------------------------------------------------------
# parent side
# ---------------------------------------------------------------------------

def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def spawn(kind: str, args: list, timeout: float, max_mem: float) -> dict:
    """Run one worker in a fresh Python process; wall time, peak RSS and its JSON result.

    Returns {"ok": False, "error": ...} when the worker fails, overruns timeout or memory.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out, log = Path(tmp) / "result.json", Path(tmp) / "log.txt"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--out", str(out),
               *[str(a) for a in args]]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        with open(log, "w") as logf:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
            killed, peak_seen = None, 0
            while True:
                pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                elapsed = time.perf_counter() - t0
                rss = _rss(proc.pid)
                peak_seen = max(peak_seen, rss)
                if killed is None and elapsed > timeout:
                    killed = f"killed after {elapsed:.0f} s (over --timeout {timeout:.0f} s)"
                elif killed is None and rss > max_mem:
                    killed = f"killed at {rss / GIB:.2f} GiB resident (over --max-mem-gib {max_mem / GIB:g})"
                if killed:
                    proc.kill()
                    _, status, ru = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.005 if elapsed < 5 else 0.05)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
        peak = max(ru.ru_maxrss * 1024, peak_seen)        # ru_maxrss is in KiB on Linux
        if killed:
            return {"ok": False, "error": killed, "wall_s": wall, "peak_bytes": peak}
        if proc.returncode != 0 or not out.exists():
            tail = log.read_text()[-2000:]
            return {"ok": False, "error": f"exit code {proc.returncode}: {tail}", "wall_s": wall, "peak_bytes": peak}
        res = json.loads(out.read_text())
        res.update(ok=True, wall_s=wall, peak_bytes=peak, cpu_s=ru.ru_utime + ru.ru_stime)
        return res


def dashboard_settings() -> dict:
    """The Explore page's defaults, read (not imported) from module-level constants in dashboards/*.py.

    Falls back to 1,000 citizens, the benchmark scenario and tracking every citizen when
    the dashboards do not define them.
    """
    found = {}
    for path in sorted((ROOT / "dashboards").rglob("*.py")):
        try:
            tree = ast.parse(path.read_text())
        except (SyntaxError, OSError, UnicodeDecodeError):
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for t in node.targets:
                    if isinstance(t, ast.Name) and t.id not in found:
                        found[t.id] = (node.value.value, path.relative_to(ROOT))
    out = {"citizens": 1000, "scenario": SCENARIO, "track_all_up_to": 5000, "track_sample": 500,
           "source": "assumed: 1,000 citizens (no DEFAULT_CITIZENS in dashboards/)"}
    if isinstance(found.get("DEFAULT_CITIZENS", (None,))[0], int):
        out["citizens"] = found["DEFAULT_CITIZENS"][0]
        out["source"] = f"DEFAULT_CITIZENS in {found['DEFAULT_CITIZENS'][1]}"
    if isinstance(found.get("DEFAULT_SCENARIO", (None,))[0], str):
        out["scenario"] = found["DEFAULT_SCENARIO"][0]
    for key in ("TRACK_ALL_UP_TO", "TRACK_SAMPLE"):
        if isinstance(found.get(key, (None,))[0], int):
            out[key.lower()] = found[key][0]
    return out


def fit_exponent(xs, ys) -> float | None:
    """Least-squares slope of log(y) on log(x)."""
    if len(xs) < 2:
        return None
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sxx if sxx else None


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    import mesa
    import numpy
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "sim"], capture_output=True,
                               text=True, check=True).stdout.strip()
        commit += " + uncommitted changes in sim/" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown (not a git checkout)"
    return {"commit": commit, "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem / GIB, 1) if mem else None,
            "python": platform.python_version(), "numpy": numpy.__version__, "mesa": mesa.__version__,
            "load_average": os.getloadavg(), "date": time.strftime("%Y-%m-%d %H:%M %Z")}


def _mib(b) -> str:
    return f"{b / 1024 ** 2:,.0f}" if b else "-"


def table(header, rows) -> str:
    w = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h)) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(str(c).rjust(w[i]) if i else str(c).ljust(w[i]) for i, c in enumerate(cells))
    return "\n".join([line(header), line(["-" * x for x in w]), *(line(r) for r in rows)])


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the belonging model against the targets of issue 3.")
    ap.add_argument("--sizes", default=None, help="comma-separated citizens for full runs (default 1000,10000,100000,1000000)")
    ap.add_argument("--quick", action="store_true", help="1k and 10k, sweep unit, dashboard step, yardstick at 10k")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=None,
                    help="run each size (up to --repeat-up-to) this many times and report the median run by wall "
                         "time (default 3, 1 with --quick: this shared machine's speed drifts by a third from "
                         "minute to minute)")
    ap.add_argument("--repeat-up-to", type=int, default=100000,
                    help="repeat only sizes up to this many citizens (default 100000)")
    ap.add_argument("--sweep-repeats", type=int, default=7)
    ap.add_argument("--dashboard-citizens", type=int, default=None, help="override the dashboard's default size")
    ap.add_argument("--yardstick-citizens", type=int, default=None, help="default 100000 (10000 with --quick)")
    ap.add_argument("--yardstick-weeks", type=int, default=4)
    ap.add_argument("--yardstick-repeat", type=int, default=None,
                    help="run the yardstick this many times, each right after a model run of its size; the "
                         "ratio is the median over those pairs (default 3, 1 with --quick)")
    ap.add_argument("--no-yardstick", action="store_true")
    ap.add_argument("--timeout", type=float, default=360.0, help="kill a run after this many seconds (default 360)")
    ap.add_argument("--max-mem-gib", type=float, default=8.0, help="kill a run past this resident memory (default 8)")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure to this JSON file")
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("worker_args", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        res = WORKERS[args.worker](*args.worker_args)
        args.out.write_text(json.dumps(res))
        return 0

    if args.sizes:
        try:
            sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
        except ValueError:
            ap.error(f"--sizes {args.sizes!r}: expected comma-separated whole numbers, e.g. 1000,10000,100000")
        if not sizes or min(sizes) < 10:
            ap.error(f"--sizes {args.sizes!r}: each size must be at least 10 citizens")
    else:
        sizes = [1000, 10000] if args.quick else [1000, 10000, 100000, 1000000]
    ys_n = args.yardstick_citizens or (10000 if args.quick else 100000)
    if not args.no_yardstick and ys_n not in sizes:
        sizes = sorted(set(sizes) | {ys_n})     # the ratio needs the model at the yardstick's size
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.yardstick_repeat is None:
        args.yardstick_repeat = 1 if args.quick else 3
    if args.repeat < 1:
        ap.error(f"--repeat {args.repeat}: must be at least 1")
    timeout, max_mem = args.timeout, args.max_mem_gib * GIB
    failed = False

    mach = machine()
    print(f"Machine: {mach['cpu']}, {mach['cores']} cores, {mach['memory_gib']} GiB; Python {mach['python']}, "
          f"numpy {mach['numpy']}, mesa {mach['mesa']};\nload average at start "
          f"{', '.join(f'{x:.2f}' for x in mach['load_average'])}; {mach['date']}; code at {mach['commit']}")
    print(f"Scenario {SCENARIO!r}, {WEEKS} weeks plus burn-in, all mechanisms on; every run in a fresh process.\n")

    results = {"machine": mach, "runs": [], "targets": {}}
    # numba compiles the kernels (sim/kernels.py) on their first use after a fresh clone and caches
    # them in sim/__pycache__; a small run first keeps compiling out of every measured figure
    print("  compiling the kernels if not cached yet (a 300-citizen run) ...", file=sys.stderr, flush=True)
    warm = spawn("model", [300, 2, args.seed], timeout, max_mem)
    if not warm["ok"]:
        print(f"  warm-up run failed: {warm['error']}", file=sys.stderr)
        return 1
    results["warm_up_wall_s"] = warm["wall_s"]
    pairs = []          # (model run, yardstick run) at the yardstick's size, one right after the other
    for n in sizes:
        runs = args.repeat if n <= args.repeat_up_to else 1
        if n == ys_n and not args.no_yardstick:
            # each yardstick run follows a model run of the same size, so that both see the same
            # phase of this shared machine; those model runs are this size's runs too
            print(f"  running {n:,} citizens, each run followed by the yardstick ...", file=sys.stderr, flush=True)
            for _ in range(max(runs, args.yardstick_repeat)):
                pairs.append((spawn("model", [n, WEEKS, args.seed], timeout, max_mem),
                              spawn("yardstick", [n, args.yardstick_weeks], timeout, max_mem)))
            reps = [m for m, _ in pairs]
        else:
            print(f"  running {n:,} citizens ...", file=sys.stderr, flush=True)
            reps = [spawn("model", [n, WEEKS, args.seed], timeout, max_mem) for _ in range(runs)]
        ok_reps = sorted((x for x in reps if x["ok"]), key=lambda x: x["wall_s"])
        r = ok_reps[(len(ok_reps) - 1) // 2] if ok_reps else reps[0]      # the median run by wall time
        r["repeats"] = [x["wall_s"] for x in reps]
        r.setdefault("citizens", n)
        results["runs"].append(r)
        if not r["ok"]:
            print(f"  {n:,} citizens: {r['error']}", file=sys.stderr)
            if "killed" not in r["error"]:
                failed = True

    rows, share_rows, mech_names = [], [], None
    for r in results["runs"]:
        n = r["citizens"]
        if not r["ok"]:
            rows.append([f"{n:,}", f"{r['wall_s']:.1f}*", "-", "-", "-", "-", "-", "-", _mib(r["peak_bytes"]) + "*", "-"])
            continue
        cw = n * (r["burn_in"] + r["weeks"])
        r["citizen_weeks_per_s"] = cw / r["model_s"]
        rows.append([f"{n:,}", f"{r['wall_s']:.2f}", f"{r['cpu_s']:.2f}", f"{r['import_s']:.2f}", f"{r['init_s']:.2f}", f"{r['run_s']:.2f}",
                     f"{r['model_s']:.2f}", f"{r['citizen_weeks_per_s']:,.0f}", _mib(r["peak_bytes"]),
                     f"{r['ties_per_citizen']:.1f}"])
        mech_names = list(r["timings"])
        other = r["model_s"] - sum(r["timings"].values())
        share_rows.append([f"{n:,}", *(f"{100 * v / r['model_s']:.1f}" for v in r["timings"].values()),
                           f"{100 * other / r['model_s']:.1f}"])
    burn = next((r["burn_in"] for r in results["runs"] if r["ok"]), "?")
    print(table(["citizens", "wall s", "cpu s", "start-up s", "build+burn-in s", f"{WEEKS} weeks s", "model s",
                 "citizen-weeks/s", "peak MiB", "ties/citizen"], rows))
    print(f"wall = process start to end (interpreter, imports, build, {burn}-week burn-in, {WEEKS} weeks); "
          f"start-up = imports + numba's one-off start-up; model = build + burn-in + {WEEKS} weeks in process;\ncitizen-weeks/s = citizens x ({burn} burn-in + "
          f"{WEEKS}) weeks / model s; peak = max resident memory of the run's process;\ncpu = user + system "
          f"seconds of the process (well below wall means the machine was busy). * = killed or failed.")
    repeated = [r for r in results["runs"] if len(r.get("repeats", [])) > 1]
    if repeated:
        print("Each row is the median of its runs by wall time; walls (s): "
              + "; ".join(f"{r['citizens']:,}: " + ", ".join(f"{w:.2f}" for w in r["repeats"]) for r in repeated))
    for r in results["runs"]:
        if not r["ok"]:
            print(f"  {r['citizens']:,} citizens: {r['error'].splitlines()[0] if r['error'] else ''}")

    if share_rows:
        print("\nShare of model time per mechanism and build phase (%, burn-in and intervention weeks; "
              "other = recording the series, the first observation):")
        cols = list(zip(*share_rows))          # transpose: one row per mechanism, one column per size
        print(table(["mechanism", *cols[0]], [[name, *vals] for name, vals in zip([*mech_names, "other"], cols[1:])]))

    # sweep unit
    print("\n  sweep unit ...", file=sys.stderr, flush=True)
    sw = spawn("sweep", [2000, WEEKS, args.sweep_repeats], timeout, max_mem)
    results["sweep"] = sw
    if sw["ok"]:
        print(f"\nSweep unit (2,000 x {WEEKS} weeks + burn-in, in a running process): median {sw['median_s']:.3f} s "
              f"over {len(sw['times'])} runs after a warm-up (min {min(sw['times']):.3f}, max {max(sw['times']):.3f}; "
              f"median CPU time {sw['median_cpu_s']:.3f} s)")
    else:
        failed = True
        print(f"\nSweep unit failed: {sw['error']}")

    # dashboard step
    dash = dashboard_settings()
    if args.dashboard_citizens:
        dash.update(citizens=args.dashboard_citizens, source="--dashboard-citizens")
    d_n = dash["citizens"]
    print("  dashboard step ...", file=sys.stderr, flush=True)
    ds = spawn("dashboard", [d_n, 50, dash["scenario"], dash["track_all_up_to"], dash["track_sample"]], timeout, max_mem)
    results["dashboard"] = ds
    if ds["ok"]:
        print(f"Dashboard step at {d_n:,} citizens ({dash['source']}; {dash['scenario']!r}, {ds['tracked']:,} "
              f"tracked, UCLA history kept, as the Explore page builds it): median {ds['median_ms']:.1f} ms over 50 "
              f"steps for model.step() plus the page's reads (time series, subgroup table, outcomes), "
              f"{ds['median_step_ms']:.1f} ms for model.step() alone; rendering not included")
    else:
        failed = True
        print(f"Dashboard step failed: {ds['error']}")

    # yardstick: the ratio is the median over the (model run, yardstick run) pairs made above
    ratio = None
    if pairs:
        ok_pairs = [(m, y) for m, y in pairs if m["ok"] and y["ok"]]
        for m, _ in ok_pairs:
            m["citizen_weeks_per_s"] = m["citizens"] * (m["burn_in"] + m["weeks"]) / m["model_s"]
        results["yardstick_runs"] = [y for _, y in pairs]
        if ok_pairs:
            rates = [y["citizen_weeks_per_s"] for _, y in ok_pairs]
            ys = sorted((y for _, y in ok_pairs), key=lambda y: y["citizen_weeks_per_s"])[(len(ok_pairs) - 1) // 2]
            results["yardstick"] = ys
            ratio = statistics.median(m["citizen_weeks_per_s"] / y["citizen_weeks_per_s"] for m, y in ok_pairs)
            step_only = statistics.median(m["citizens"] * WEEKS / m["run_s"] / y["citizen_weeks_per_s"]
                                          for m, y in ok_pairs)
            ratio_cpu = statistics.median(m["citizens"] * (m["burn_in"] + m["weeks"]) / m["model_cpu_s"]
                                          / y["citizen_weeks_per_cpu_s"] for m, y in ok_pairs)
            results["ratio"] = {"wall": ratio, "weekly_steps_only": step_only, "cpu": ratio_cpu,
                                "pairs": len(ok_pairs)}
            print(f"Yardstick (textbook Mesa, benchmarks/yardstick.py) at {ys_n:,} citizens: build {ys['build_s']:.1f} s, "
                  f"{ys['weeks']} weeks {ys['step_s']:.1f} s = {ys['citizen_weeks_per_s']:,.0f} citizen-weeks/s "
                  f"(weekly steps only; the median of {len(ok_pairs)} run{'s' if len(ok_pairs) != 1 else ''}: "
                  + ", ".join(f"{x:,.0f}" for x in rates) + f"); ties/citizen {ys['ties_per_citizen_start']:.1f} -> "
                  f"{ys['ties_per_citizen_end']:.1f}; peak {_mib(ys['peak_bytes'])} MiB")
            model_rates = ", ".join(f"{m['citizen_weeks_per_s']:,.0f}" for m, _ in ok_pairs)
            pair_ratios = ", ".join(f"{m['citizen_weeks_per_s'] / y['citizen_weeks_per_s']:.0f}x" for m, y in ok_pairs)
            print(f"Model / yardstick at {ys_n:,}, each yardstick run right after a model run "
                  f"(model {model_rates} citizen-weeks/s, build and burn-in included): median {ratio:.0f}x "
                  f"citizen-weeks/s (pairs {pair_ratios}); {step_only:.0f}x comparing weekly steps only; "
                  f"{ratio_cpu:.0f}x per CPU second")
        for y in (y for _, y in pairs if not y["ok"]):
            print(f"Yardstick: {y['error'].splitlines()[0] if y['error'] else 'failed'}")
            if "killed" not in y["error"]:
                failed = True

    # exponent
    ok_runs = [r for r in results["runs"] if r["ok"] and r["citizens"] >= 1000]
    exp_wall = fit_exponent([r["citizens"] for r in ok_runs], [r["wall_s"] for r in ok_runs])
    exp_model = fit_exponent([r["citizens"] for r in ok_runs], [r["model_s"] for r in ok_runs])
    span = f"{ok_runs[0]['citizens']:,} to {ok_runs[-1]['citizens']:,}" if ok_runs else "-"
    if exp_wall is not None:
        print(f"Fitted exponent of time vs citizens ({span}, log-log least squares): wall {exp_wall:.2f}, "
              f"model time {exp_model:.2f} (the fixed start-up flattens the wall fit; the model-time fit shows "
              f"how the work itself grows; the target counts both)")
        # the 52 intervention weeks between neighbouring sizes: no start-up in them, so these show
        # where the work per citizen grows (per-call overheads at the small end, caches at the large end)
        local = [(r0["citizens"], r1["citizens"], fit_exponent([r0["citizens"], r1["citizens"]], [r0["run_s"], r1["run_s"]]))
                 for r0, r1 in zip(ok_runs, ok_runs[1:])]
        results["local_exponents_52_weeks"] = [{"from": x0, "to": x1, "exponent": e} for x0, x1, e in local]
        print("Exponent of the 52 weeks' time between neighbouring sizes: "
              + ", ".join(f"{x0:,} -> {x1:,}: {e:.2f}" for x0, x1, e in local))

    # targets
    by_n = {r["citizens"]: r for r in results["runs"]}

    def run_fig(n, key):
        r = by_n.get(n)
        if r is None:
            return None, "not run"
        return r.get(key), ("killed/failed" if not r["ok"] else None)

    trows = []

    def target(name, goal, text, ok):
        results["targets"][name] = {"goal": goal, "measured": text, "verdict": verdict(ok)}
        trows.append([name, goal, text, verdict(ok)])

    w, note = run_fig(100000, "wall_s")
    target("100k x 52 weeks, wall incl. start-up", "<= 10 s", note or f"{w:.1f} s",
           None if by_n.get(100000) is None else (by_n[100000]["ok"] and w <= TARGETS["100k_wall"]))
    w, note = run_fig(1000000, "wall_s")
    r1m = by_n.get(1000000)
    target("1M x 52 weeks, wall incl. start-up", "<= 180 s",
           (f"{w:.0f} s" + (" (killed)" if r1m and not r1m["ok"] else "")) if r1m else "not run",
           None if r1m is None else (r1m["ok"] and w <= TARGETS["1m_wall"]))
    target("1M x 52 weeks, peak memory", "<= 4 GiB",
           f"{r1m['peak_bytes'] / GIB:.2f} GiB" + (" (killed)" if not r1m["ok"] else "") if r1m else "not run",
           None if r1m is None else (r1m["ok"] and r1m["peak_bytes"] <= TARGETS["1m_mem"]))
    target("2k x 52 weeks sweep unit, in process", "<= 0.3 s", f"{sw['median_s']:.3f} s" if sw["ok"] else "failed",
           sw["ok"] and sw["median_s"] <= TARGETS["sweep_unit"])
    full_span = ok_runs and ok_runs[0]["citizens"] <= 1000 and ok_runs[-1]["citizens"] >= 1000000
    target(f"exponent of time vs citizens ({span})", "close to 1 (<= 1.1)",
           f"wall {exp_wall:.2f}, model {exp_model:.2f}" if exp_wall is not None else "-",
           None if exp_wall is None or not full_span
           else max(exp_wall, exp_model) <= TARGETS["exponent"])
    target(f"dashboard step at {d_n:,}", "< 100 ms", f"{ds['median_ms']:.1f} ms" if ds["ok"] else "failed",
           ds["ok"] and ds["median_ms"] < TARGETS["dashboard_ms"])
    target(f"model / yardstick citizen-weeks/s at {ys_n:,}", ">= 50x", f"{ratio:.0f}x" if ratio else "-",
           None if ratio is None or ys_n != 100000 else ratio >= TARGETS["ratio"])
    results["load_average_end"] = os.getloadavg()
    print("Load average at end: " + ", ".join(f"{x:.2f}" for x in results["load_average_end"])
          + f" ({mach['cores']} cores; above that, other processes shared the CPU and figures are pessimistic)")
    print("\nTargets of issue 3 (n/a = not measured at the size the target names, e.g. with --quick):")
    print(table(["target", "goal", "measured", "verdict"], trows))

    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
