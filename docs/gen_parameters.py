"""Print the scenario parameter table of docs/ODD.md as Markdown, from the schema itself.

    .venv/bin/python docs/gen_parameters.py           # print the table
    .venv/bin/python docs/gen_parameters.py --write   # replace the table in docs/ODD.md

The table is generated from `sim.scenarios.schema.parameter_table()`, so the ODD
cannot drift from the defaults, bounds, descriptions and sources in the code;
tests/test_odd_docs.py fails when docs/ODD.md holds a different table.
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path

from sim.scenarios.schema import Scenario, Section, parameter_table

ODD = Path(__file__).resolve().parent / "ODD.md"
START = "<!-- parameters:start -->"
END = "<!-- parameters:end -->"
SYMBOLS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


def _allowed_values(key: str) -> tuple | None:
    """The choices of a Literal field (e.g. the matching policies), None for other fields."""
    cls = Scenario
    *sections, name = key.split(".")
    for s in sections:
        cls = cls.model_fields[s].annotation
        if not (isinstance(cls, type) and issubclass(cls, Section)):
            return None
    ann = cls.model_fields[name].annotation
    if typing.get_origin(ann) is typing.Literal:
        return typing.get_args(ann)
    return None


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, int) and abs(v) >= 10**9:
        return f"2^{v.bit_length()}-1" if v == 2 ** v.bit_length() - 1 else str(v)
    return str(v)


def _bounds(row: dict) -> str:
    choices = _allowed_values(row["key"])
    if choices is not None:
        return "one of " + ", ".join(f"`{c}`" for c in choices)
    if row["type"] == "bool":
        return "true / false"
    b = row["bounds"]
    if not b:
        return "-"
    parts = [f"{SYMBOLS[k]} {_value(b[k])}" for k in ("gt", "ge", "lt", "le") if k in b]
    return ", ".join(parts)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _range(row: dict) -> str:
    r = row["range"]
    return "-" if r is None else f"{_value(r[0])} - {_value(r[1])}"


def markdown_table() -> str:
    """The parameter tables, one per schema section (in the schema's order, which follows the
    weekly order of the mechanisms): key, role, default, plausible range, allowed values,
    description, source."""
    lines: list[str] = []
    section = None
    for row in parameter_table():
        if row["section"] != section:
            section = row["section"]
            if lines:
                lines.append("")
            lines.append(f"**`[{section}]`**, read by: {row['mechanism']}")
            lines.append("")
            lines.append("| key | role | default | range | allowed | description | source |")
            lines.append("|---|---|---|---|---|---|---|")
        lines.append("| " + " | ".join(_cell(c) for c in (
            f"`{row['key']}`", row["role"], _value(row["default"]), _range(row), _bounds(row),
            row["description"], row["source"])) + " |")
    return "\n".join(lines) + "\n"


def embedded_table(text: str) -> str:
    """The table between the markers of an ODD text (ValueError if the markers are missing)."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"{ODD}: expected one '{START}' followed by one '{END}'")
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def write(path: Path = ODD) -> bool:
    """Replace the table between the markers; True if the file changed."""
    text = path.read_text()
    embedded_table(text)  # checks the markers
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{markdown_table()}{END}{tail}"
    if new != text:
        path.write_text(new)
        return True
    return False


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        changed = write()
        print(f"{ODD}: parameter table {'updated' if changed else 'already current'}")
        return 0
    if argv:
        print(f"unknown arguments {argv}; allowed: none (print the table) or --write", file=sys.stderr)
        return 2
    sys.stdout.write(markdown_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
