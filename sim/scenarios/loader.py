"""Load, override and validate scenarios before anything runs.

A scenario is a TOML file: a preset in this folder (named by its stem) or any
path. Everything is checked at load: malformed TOML, unknown keys, wrong types
and out-of-range values each give one ScenarioError naming the file, the key,
the value and what is allowed.

Reading a file (`read_toml`, also used for sweep specs) never lets an OS or parser
error through: a folder, a missing or unreadable file, a name with a NUL byte or
longer than the system allows, bytes that are not UTF-8, a UTF-16 file and tables or
arrays nested more than MAX_DEPTH levels each give one error naming the file and the
problem. A UTF-8 byte-order mark (as some Windows editors write) is accepted and
skipped. A scenario file with no values at all (empty, or only comments) is refused:
it is more often a truncated or wrong file than a wish for the schema defaults, which
a file with only a `description` still gives.
"""

from __future__ import annotations

import codecs
import copy
import errno
import hashlib
import json
import os
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


MAX_DEPTH = 16          # tables and arrays inside each other; a scenario needs 3, a sweep spec 4
_SHOW_CHARS = 80


def show_name(name: str | Path) -> str:
    """A file or scenario name fit for a message: quoted, control characters (NUL...) escaped,
    a very long name cut to its start with its length."""
    text = str(name)
    shown = repr(text)
    if len(text) > _SHOW_CHARS:
        shown = repr(text[:_SHOW_CHARS]) + f"... ({len(text)} characters)"
    return shown


def existing_file(name_or_path: str | Path, what: str, error: type[Exception] = ScenarioError) -> Path | None:
    """The path if a regular file is there, None if nothing is; `error` for anything else.

    Anything else: a NUL byte in the name, a name longer than the file system allows, a
    folder, a path through a file, or a file the system will not let us look at.
    """
    text = str(name_or_path)
    if "\x00" in text:
        raise error(f"{what} {show_name(text)}: the name contains a NUL byte (\\x00), which no file name can hold")
    p = Path(text)
    try:
        p.stat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise error(f"{what} {show_name(text)}: a part of the path before the file name is a file, "
                    "not a folder") from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            longest = max((len(part) for part in p.parts), default=0)
            raise error(f"{what} {show_name(text)}: the name is too long for the file system "
                        f"({len(text)} characters, the longest part {longest}; at most {_name_max(p)} "
                        "characters a file or folder name)") from None
        raise error(f"{what} {show_name(text)}: cannot be opened: {exc.strerror or exc}") from None
    if os.path.isdir(p):
        inside = sorted(q.name for q in p.glob("*.toml"))[:5]
        hint = f" (it holds {', '.join(inside)})" if inside else ""
        raise error(f"{what} {show_name(text)}: is a folder, not a file; give a .toml file{hint}")
    if not os.path.isfile(p):
        raise error(f"{what} {show_name(text)}: is not a regular file (a device, pipe or socket)")
    return p


def _name_max(p: Path) -> int:
    for q in [p, *p.parents]:
        try:
            return os.pathconf(q if str(q) else ".", "PC_NAME_MAX")
        except (OSError, ValueError):
            continue
    return 255


def _depth_over(data: Any, limit: int) -> bool:
    """Whether tables/arrays nest more than `limit` levels (iterative: no recursion)."""
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        depth += 1
        if depth > limit:
            return True
        stack.extend((c, depth) for c in children)
    return False


def read_toml(path: Path, origin: str, error: type[Exception] = ScenarioError, what: str = "scenario") -> dict:
    """A TOML file as a dict, or one `error` naming `origin` and the problem (see the module docstring)."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise error(f"{origin}: is a folder, not a file; give a .toml file") from None
    except PermissionError:
        raise error(f"{origin}: cannot be read: permission denied") from None
    except OSError as exc:
        raise error(f"{origin}: cannot be read: {exc.strerror or exc}") from None
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]                # accepted: some editors start UTF-8 files with one
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise error(f"{origin}: is UTF-16 text (it starts with a UTF-16 byte-order mark); a {what} file "
                    "must be UTF-8: save it again as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{origin}: not a UTF-8 text file (byte 0x{raw[exc.start]:02x} at position {exc.start} "
                    f"is not UTF-8); a {what} file is TOML text") from None
    too_deep = (f"{origin}: tables or arrays nested more than {MAX_DEPTH} levels deep; a {what} file "
                "nests a few levels at most")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{origin}: malformed TOML: {exc}") from None
    except RecursionError:
        raise error(too_deep) from None
    if _depth_over(data, MAX_DEPTH):
        raise error(too_deep)
    return data


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
    table = presets()
    if str(name_or_path) in table and not os.path.isfile(str(name_or_path)):
        return table[str(name_or_path)]       # a preset, even with a folder of that name here
    p = existing_file(name_or_path, "scenario")
    if p is not None:
        return p
    if Path(name_or_path).suffix == ".toml":
        raise ScenarioError(f"{name_or_path}: no such scenario file")
    raise ScenarioError(
        f"scenario {show_name(name_or_path)}: not a preset or a .toml file; presets are: {', '.join(table)}"
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
        data = read_toml(path, origin)
        if not data:
            raise ScenarioError(
                f"{origin}: the file holds no values (it is empty or only comments); a scenario file sets at "
                "least one value, e.g. description = \"...\" (a file with only a description runs the "
                "schema defaults)")
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
