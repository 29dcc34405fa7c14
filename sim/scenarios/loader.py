"""Load, override and validate scenarios before anything runs.

A scenario is a TOML file: a preset in this folder (named by its stem) or any
path. Everything is checked at load: malformed TOML, unknown keys, wrong types
and out-of-range values each give one ScenarioError naming the file, the key,
the value and what is allowed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any, Iterable, Mapping

from pydantic import ValidationError

from .schema import Scenario

PRESET_DIR = Path(__file__).parent
PRESET_ORDER = (
    "baseline",
    "platform_only",
    "platform_with_support",
    "connecting_people",
    "digital_inclusion",
    "remote_only",
)


class ScenarioError(ValueError):
    """A scenario that cannot run, with the file, key, value and what is allowed."""


def presets() -> dict[str, Path]:
    """Preset name -> file, in the documented order, then any others alphabetically."""
    found = {p.stem: p for p in sorted(PRESET_DIR.glob("*.toml"))}
    ordered = {k: found[k] for k in PRESET_ORDER if k in found}
    ordered.update({k: v for k, v in found.items() if k not in ordered})
    return ordered


def preset_descriptions() -> dict[str, str]:
    """Preset name -> first sentence of its description."""
    out = {}
    for name, path in presets().items():
        desc = tomllib.loads(path.read_text()).get("description", "")
        first = re.split(r"(?<!al)(?<!e\.g)\.\s+(?=[A-Z])", desc.strip(), maxsplit=1)[0]
        out[name] = first.rstrip(".") + "."
    return out


def _resolve(name_or_path: str | Path) -> Path:
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        if not p.exists():
            raise ScenarioError(f"{p}: no such scenario file")
        return p
    table = presets()
    if str(name_or_path) in table:
        return table[str(name_or_path)]
    raise ScenarioError(
        f"scenario {str(name_or_path)!r}: not a preset or a .toml file; presets are: {', '.join(table)}"
    )


def parse_value(text: str) -> Any:
    """A --set value as TOML would read it (numbers, booleans, strings, arrays)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _set_dotted(data: dict, key: str, value: Any, origin: str) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        nxt = node.setdefault(part, {})
        if not isinstance(nxt, dict):
            raise ScenarioError(f"{origin}: key {key!r}: {part!r} is a value, not a section")
        node = nxt
    node[parts[-1]] = value


def parse_overrides(items: Iterable[str] | Mapping[str, Any] | None) -> dict[str, Any]:
    """`["support.workers=10", ...]` or a mapping -> {dotted key: value}."""
    if not items:
        return {}
    if isinstance(items, Mapping):
        return dict(items)
    out = {}
    for item in items:
        if "=" not in item:
            raise ScenarioError(f"--set {item!r}: expected dotted.key=value, e.g. support.workers=10")
        key, _, text = item.partition("=")
        out[key.strip()] = parse_value(text.strip())
    return out


def _describe_error(err: dict, data: dict, origin: str) -> str:
    loc = [str(x) for x in err["loc"]]
    key = ".".join(loc)
    value = err.get("input")
    kind = err["type"]
    if kind == "extra_forbidden":
        section_cls = Scenario
        for part in loc[:-1]:
            section_cls = section_cls.model_fields[part].annotation
        allowed = ", ".join(section_cls.model_fields)
        return f"{origin}: unknown key {key!r} (value {value!r}); allowed keys here: {allowed}"
    allowed = err.get("msg", "")
    ctx = err.get("ctx") or {}
    if "expected" in ctx:
        allowed = f"one of {ctx['expected']}"
    bounds = _field_bounds(loc)
    if bounds and bounds not in allowed:
        allowed = f"{allowed} (allowed: {bounds})"
    return f"{origin}: key {key!r} has value {value!r}: {allowed}"


_BOUND_WORDS = {"Ge": "greater than or equal to", "Gt": "greater than",
                "Le": "less than or equal to", "Lt": "less than"}


def _field_bounds(loc: list[str]) -> str:
    """'greater than or equal to 0 and less than or equal to 0.99' for a bounded field, else ''."""
    cls = Scenario
    field = None
    for part in loc:
        fields = getattr(cls, "model_fields", {})
        if part not in fields:
            return ""
        field = fields[part]
        cls = field.annotation
    if field is None:
        return ""
    parts = [f"{_BOUND_WORDS[type(m).__name__]} {getattr(m, type(m).__name__.lower())}"
             for m in field.metadata if type(m).__name__ in _BOUND_WORDS]
    return " and ".join(parts)


def validate(data: dict, origin: str = "<scenario>") -> Scenario:
    """A dict (as read from TOML) -> Scenario, or one ScenarioError listing every problem."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        lines = [_describe_error(e, data, origin) for e in exc.errors()]
        raise ScenarioError("\n".join(lines)) from None


def load_scenario(
    name_or_path: str | Path | Scenario | None = "baseline",
    overrides: Iterable[str] | Mapping[str, Any] | None = None,
) -> Scenario:
    """Read a preset or a TOML file, apply dotted overrides, validate everything."""
    if isinstance(name_or_path, Scenario):
        data = name_or_path.model_dump()
        origin = f"scenario {name_or_path.name!r}"
    else:
        path = _resolve(name_or_path or "baseline")
        origin = str(path)
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"{origin}: malformed TOML: {exc}") from None
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"{origin}: not a text file: {exc}") from None
        data.setdefault("name", path.stem)
    data = copy.deepcopy(data)
    over = parse_overrides(overrides)
    for key, value in over.items():
        _set_dotted(data, key, value, f"{origin} (override)")
    return validate(data, origin + (" with overrides" if over else ""))


def to_toml(scenario: Scenario) -> str:
    """A scenario as TOML text that load_scenario reads back to the same scenario."""
    data = scenario.model_dump()
    lines = [f"name = {_toml_value(data.pop('name'))}", f"description = {_toml_value(data.pop('description'))}"]

    def emit(table: dict, prefix: str):
        scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
        lines.append("")
        lines.append(f"[{prefix}]")
        for k, v in scalars.items():
            lines.append(f"{k} = {_toml_value(v)}")
        for k, v in table.items():
            if isinstance(v, dict):
                emit(v, f"{prefix}.{k}")

    for section, table in data.items():
        emit(table, section)
    return "\n".join(lines) + "\n"


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    # a TOML basic string: JSON's escapes are valid TOML, but only for the basic plane,
    # so keep other characters as they are (TOML files are UTF-8)
    return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")


def scenario_hash(scenario: Scenario) -> str:
    """A short stable hash of every parameter (for result stores and caches)."""
    text = json.dumps(scenario.model_dump(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
