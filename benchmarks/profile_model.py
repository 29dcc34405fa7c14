"""Profile one model run with cProfile and print the hot spots.

    .venv/bin/python benchmarks/profile_model.py                       # 100,000 citizens, 52 weeks
    .venv/bin/python benchmarks/profile_model.py --citizens 20000 --top 40 --save /tmp/run.prof

Profiles building the model (population, initial ties, Mesa agents, burn-in) and the
52 intervention weeks of `BelongingModel(<scenario>, citizens=N, weeks=W)`; prints
the top functions by cumulative time and by own (total) time, and the seconds per
mechanism from model.timings. cProfile adds overhead to every Python call, so
absolute times are higher than in benchmarks/run.py; the ranking is what counts.
A saved profile opens with `python -m pstats FILE` or snakeviz.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="cProfile one run of the belonging model.")
    ap.add_argument("--scenario", default="platform_with_support")
    ap.add_argument("--citizens", type=int, default=100_000)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--top", type=int, default=30, help="functions listed per ranking (default 30)")
    ap.add_argument("--save", type=Path, default=None, help="write the raw profile here")
    args = ap.parse_args(argv)
    if args.top < 1:
        ap.error(f"--top {args.top}: must be at least 1")

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
        print(text[start:].rstrip().replace(str(Path(__file__).resolve().parent.parent) + "/", ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
