"""`belonging scenarios`: the presets with their one-line descriptions."""

from __future__ import annotations

from .common import dumps_json


def add_parser(sub):
    p = sub.add_parser("scenarios", help="list the preset scenarios")
    p.add_argument("--json", action="store_true", help="print a JSON object name -> description")
    return p


def run(args) -> int:
    from sim import preset_descriptions

    table = preset_descriptions()
    if args.json:
        print(dumps_json(table, "scenarios", indent=2))
        return 0
    width = max(len(k) for k in table)
    for name, desc in table.items():
        print(f"{name:<{width}}  {desc}")
    return 0
