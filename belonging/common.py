"""Options and formatting shared by the subcommands."""

from __future__ import annotations


def add_scenario_options(p) -> None:
    p.add_argument("--citizens", type=int, metavar="N", help="number of citizens (run.citizens)")
    p.add_argument("--weeks", type=int, metavar="W", help="intervention weeks (run.weeks)")
    p.add_argument("--seed", type=int, metavar="S", help="random seed (run.seed)")
    p.add_argument("--set", action="append", default=[], metavar="dotted.key=value",
                   help="override a scenario value, e.g. --set support.workers=10 (repeatable)")


def build_model_kwargs(args) -> dict:
    return {"citizens": args.citizens, "weeks": args.weeks, "seed": args.seed, "overrides": args.set}


def executor_from_args(args, command: str):
    """The executor asked for by --workers / --scheduler, or None after printing why not."""
    import sys

    from experiments import make_executor

    try:
        return make_executor(args.workers, scheduler=args.scheduler)
    except (ValueError, ConnectionError) as exc:
        print(f"belonging {command}: {exc}", file=sys.stderr)
        return None


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])
