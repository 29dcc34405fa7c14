"""`belonging`: list scenarios and parameters, run one, compare several, sweep, open the dashboard.

Each subcommand lives in its own module (belonging/cmd_*.py) with two functions:
add_parser(subparsers) and run(args) -> exit code. This file only wires them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

SUBCOMMANDS = ("scenarios", "parameters", "run", "compare", "sweep", "dashboard")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="belonging",
        description="Simulate belonging interventions: platform, support workers, community activities.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            mod = importlib.import_module(f"belonging.cmd_{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"belonging.cmd_{name}":
                continue
            raise
        p = mod.add_parser(sub)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sim import ScenarioError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except ScenarioError as exc:
        print(f"belonging: invalid scenario:\n{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("belonging: interrupted", file=sys.stderr)
        return 130
