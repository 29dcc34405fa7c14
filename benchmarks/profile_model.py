"""Profile one model run with cProfile and print the hot spots.

    .venv/bin/python benchmarks/profile_model.py                       # 100,000 citizens, 52 weeks
    .venv/bin/python benchmarks/profile_model.py --citizens 20000 --top 40 --save /tmp/run.prof

Profiles building the model (population, initial ties, Mesa agents, burn-in) and the
52 intervention weeks of `BelongingModel(<scenario>, citizens=N, weeks=W)`; prints
the top functions by cumulative time and by own (total) time, and the seconds per
mechanism from model.timings. cProfile adds overhead to every Python call, so
absolute times are higher than in benchmarks/run.py; the ranking is what counts.
A saved profile opens with `python -m pstats FILE` or snakeviz.

cProfile cannot see inside a function: array arithmetic written inline (a * b,
np.where, comparisons) counts as the function's own time. So, with --lines N (default
3), a second run times every source line of the N sim functions with the most own
time (sys.monitoring LINE events on those functions only; a line's time includes
the calls it makes) and prints their costliest lines.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import linecache
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

sys.path.insert(0, str(ROOT))


def find_code(filename: str, lineno: int, name: str):
    """The code object of a module-level function or method defined at filename:lineno."""
    for mod in list(sys.modules.values()):
        if getattr(mod, "__file__", None) != filename:
            continue
        for obj in vars(mod).values():
            cands = [obj] + (list(vars(obj).values()) if inspect.isclass(obj) else [])
            for f in cands:
                f = getattr(f, "__func__", f)
                code = getattr(f, "__code__", None)
                if code is not None and code.co_name == name and code.co_firstlineno == lineno:
                    return code
    return None


class LineTimer:
    """Seconds per source line of chosen functions, from sys.monitoring LINE events."""

    def __init__(self, codes):
        mon = sys.monitoring
        self.mon = mon
        self.tool = next(t for t in range(6) if t not in (mon.DEBUGGER_ID, mon.COVERAGE_ID, mon.PROFILER_ID)
                         and mon.get_tool(t) is None)
        self.codes = codes
        self.times = defaultdict(float)
        self.last = {}

    def _line(self, code, line):
        now = time.perf_counter()
        prev = self.last.get(code)
        if prev is not None and prev[0] is not None:
            self.times[(code, prev[0])] += now - prev[1]
        self.last[code] = (line, time.perf_counter())

    def _start(self, code, offset):
        self.last[code] = (None, time.perf_counter())

    def _return(self, code, offset, retval):
        now = time.perf_counter()
        prev = self.last.get(code)
        if prev is not None and prev[0] is not None:
            self.times[(code, prev[0])] += now - prev[1]
        self.last[code] = None

    def __enter__(self):
        mon, ev = self.mon, self.mon.events
        mon.use_tool_id(self.tool, "benchmarks.profile_model")
        mon.register_callback(self.tool, ev.LINE, self._line)
        mon.register_callback(self.tool, ev.PY_START, self._start)
        mon.register_callback(self.tool, ev.PY_RETURN, self._return)
        for code in self.codes:
            mon.set_local_events(self.tool, code, ev.LINE | ev.PY_START | ev.PY_RETURN)
        return self

    def __exit__(self, *exc):
        mon = self.mon
        for code in self.codes:
            mon.set_local_events(self.tool, code, 0)
        for e in (mon.events.LINE, mon.events.PY_START, mon.events.PY_RETURN):
            mon.register_callback(self.tool, e, None)
        mon.free_tool_id(self.tool)
        return False

    def report(self, top: int) -> str:
        out = []
        for code in self.codes:
            rows = [(line, t) for (c, line), t in self.times.items() if c is code]
            total = sum(t for _, t in rows)
            where = f"{Path(code.co_filename).relative_to(ROOT) if code.co_filename.startswith(str(ROOT)) else code.co_filename}"
            out.append(f"\n{where}:{code.co_firstlineno} {code.co_name}: {total:.2f} s in its lines")
            for line, t in sorted(rows, key=lambda r: -r[1])[:top]:
                src = linecache.getline(code.co_filename, line).strip()
                out.append(f"  {t:6.2f} s {100 * t / total if total else 0:5.1f} %  line {line:4d}  {src[:110]}")
        return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="cProfile one run of the belonging model.")
    ap.add_argument("--scenario", default="platform_with_support")
    ap.add_argument("--citizens", type=int, default=100_000)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--top", type=int, default=30, help="functions listed per ranking (default 30)")
    ap.add_argument("--save", type=Path, default=None, help="write the raw profile here")
    ap.add_argument("--lines", type=int, default=3,
                    help="line-time the N sim functions with the most own time in a second run (default 3; 0: skip)")
    args = ap.parse_args(argv)
    if args.top < 1:
        ap.error(f"--top {args.top}: must be at least 1")
    if args.lines < 0:
        ap.error(f"--lines {args.lines}: must be 0 or more")

    from sim import BelongingModel

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    model = BelongingModel(args.scenario, citizens=args.citizens, weeks=args.weeks, seed=args.seed, timings=True)
    model.run()
    prof.disable()
    wall = time.perf_counter() - t0

    print(f"{args.scenario}: {args.citizens:,} citizens, {model.sc.run.burn_in} burn-in + {args.weeks} weeks, "
          f"seed {args.seed}: {wall:.1f} s under the profiler (build + burn-in + weeks, imports excluded)\n")
    print("Seconds per mechanism (model.timings, burn-in and intervention weeks):")
    total = sum(model.timings.values())
    for name, sec in sorted(model.timings.items(), key=lambda kv: -kv[1]):
        print(f"  {name:28s} {sec:7.2f} s  {100 * sec / wall:5.1f} %")
    print(f"  {'other (build, agents, recording)':28s} {wall - total:7.2f} s  {100 * (wall - total) / wall:5.1f} %")

    if args.save:
        prof.dump_stats(str(args.save))
    for key, title in (("cumulative", "cumulative time"), ("tottime", "own (total) time")):
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf)
        st.sort_stats(key).print_stats(args.top)
        text = buf.getvalue()
        start = text.find("   ncalls")
        print(f"\nTop {args.top} functions by {title}:")
        print(text[start:].rstrip().replace(str(ROOT) + "/", ""))

    if args.lines:
        st = pstats.Stats(prof)
        sim_dir = str(ROOT / "sim")
        own = sorted(((v[2], k) for k, v in st.stats.items() if k[0].startswith(sim_dir)), reverse=True)
        codes = [c for c in (find_code(*k) for _, k in own) if c is not None][: args.lines]
        with LineTimer(codes) as lt:
            t0 = time.perf_counter()
            BelongingModel(args.scenario, citizens=args.citizens, weeks=args.weeks, seed=args.seed).run()
            wall2 = time.perf_counter() - t0
        print(f"\nCostliest lines of the {len(codes)} sim functions with the most own time "
              f"(second run, {wall2:.1f} s, line timing on those functions only):")
        print(lt.report(12))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
