"""`belonging parameters`: every scenario parameter with its role, default, plausible range and source.

The roles come from the schema (sim/scenarios/schema.py): levers are what a planner
decides, uncertainties what nobody knows exactly (every behavioural constant, with the
range sensitivity analysis and calibration explore), settings the size, length and seed.
Any of them can be set for a run with `belonging run SCENARIO --set key=value`.
"""

from __future__ import annotations

import sys

from .common import dumps_json


def add_parser(sub):
    p = sub.add_parser("parameters", help="list the scenario parameters: role, default, range, source")
    p.add_argument("--role", choices=("lever", "uncertainty", "setting"), help="only parameters with this role")
    p.add_argument("--section", help="only one section of the schema (e.g. ties, loneliness, support)")
    p.add_argument("--json", action="store_true", help="print the rows as a JSON list")
    return p


def run(args) -> int:
    from sim.scenarios.schema import parameter_table

    rows = parameter_table()
    sections = sorted({r["section"] for r in rows})
    if args.section is not None and args.section not in sections:
        print(f"belonging parameters: --section {args.section!r} is not a section; allowed: {', '.join(sections)}",
              file=sys.stderr)
        return 2
    rows = [r for r in rows if (args.role is None or r["role"] == args.role)
            and (args.section is None or r["section"] == args.section)]
    if args.json:
        print(dumps_json(rows, "parameters", indent=1))
        return 0
    width = max((len(r["key"]) for r in rows), default=10)
    for r in rows:
        rng = "" if r["range"] is None else f"  range {r['range'][0]:g}..{r['range'][1]:g}"
        print(f"{r['key']:<{width}}  {r['role']:<11}  default {r['default']!s:<10}{rng}")
        print(f"{'':<{width}}  {r['description']}  [{r['source']}]")
    print(f"{len(rows)} parameters", file=sys.stderr)
    return 0
