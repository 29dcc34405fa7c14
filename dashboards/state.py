"""Per-session state of the dashboard.

`solara.reactive` values are scoped to the browser session (Solara's virtual kernel),
so every visitor has their own scenario, model and comparison; nothing here is shared
between sessions. The scenario being edited is a base (a preset or an uploaded TOML,
validated by sim) plus the dotted keys the user changed; the pages share it within a
session, so Compare can use the scenario edited on Explore.
"""

from __future__ import annotations

import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import solara

from sim import Scenario, ScenarioError, lever_conflicts, load_scenario, presets

from .settings import (DEFAULT_CITIZENS, DEFAULT_SCENARIO, MAX_UPLOAD_BYTES, MAX_UPLOAD_DEPTH, MAX_UPLOAD_KEYS,
                       size_problems)

EDITED_SUFFIX = " (edited)"


def preset_scenario(name: str) -> Scenario:
    """A preset at the dashboard's population size."""
    return load_scenario(name, {"run.citizens": DEFAULT_CITIZENS})


base: solara.Reactive[Scenario] = solara.reactive(preset_scenario(DEFAULT_SCENARIO))
base_label: solara.Reactive[str] = solara.reactive(DEFAULT_SCENARIO)   # preset name or uploaded file name
edits: solara.Reactive[dict] = solara.reactive({})                     # dotted key -> value the user set
upload_error: solara.Reactive[str] = solara.reactive("")


def load_preset(name: str) -> None:
    base.value = preset_scenario(name)
    base_label.value = name
    edits.value = {}
    upload_error.value = ""


def shown_name(filename: str, limit: int = 80) -> str:
    """An uploaded file's name as the page shows it: one line, at most `limit` characters.

    (The name comes from the browser; pages show it as text, never as HTML.)"""
    name = "".join(ch if ch.isprintable() else "?" for ch in str(filename or "")) or "uploaded file"
    return name if len(name) <= limit else name[: limit - 3] + "..."


def _depth_and_keys(data: dict) -> tuple[int, int]:
    """Deepest nesting of tables/arrays and the number of keys, without recursion."""
    depth, keys = 0, 0
    todo: list[tuple[Any, int]] = [(data, 1)]
    while todo:
        node, d = todo.pop()
        depth = max(depth, d)
        if isinstance(node, dict):
            keys += len(node)
            if keys > MAX_UPLOAD_KEYS:
                break
            todo.extend((v, d + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            todo.extend((v, d + 1) for v in node if isinstance(v, (dict, list)))
    return depth, keys


def check_upload(filename: str, data: bytes, size: int | None = None) -> tuple[Scenario | None, str]:
    """The scenario in an uploaded file, or None and what is wrong with the file (one sentence or more).

    `size` is the size the browser reported (a file over the limit is not transferred at all)."""
    name = shown_name(filename)
    size = max(len(data), size or 0)
    if size > MAX_UPLOAD_BYTES:
        return None, (f"{name}: the file is {size / 1e6:.1f} MB; a scenario file is at most "
                      f"{MAX_UPLOAD_BYTES / 1e6:g} MB (a full scenario is about 15 kB). Nothing was loaded.")
    if not data.strip():
        return None, f"{name}: the file is empty. Nothing was loaded."
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, (f"{name}: not a UTF-8 text file (byte {exc.start} is 0x{data[exc.start]:02x}); "
                      "a scenario is a TOML text file. Nothing was loaded.")
    if "\x00" in text:
        return None, f"{name}: the file holds a NUL character; a scenario is a TOML text file. Nothing was loaded."
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, f"{name}: not valid TOML: {exc}. Nothing was loaded."
    except RecursionError:
        return None, (f"{name}: tables or arrays nested too deeply to read; a scenario nests at most "
                      "3 levels. Nothing was loaded.")
    depth, keys = _depth_and_keys(parsed)
    if keys > MAX_UPLOAD_KEYS:
        return None, (f"{name}: more than {MAX_UPLOAD_KEYS:,} keys; a scenario has about 220. "
                      "Nothing was loaded.")
    if depth > MAX_UPLOAD_DEPTH:
        return None, (f"{name}: tables or arrays nested {depth} levels deep; a scenario nests at most 3. "
                      "Nothing was loaded.")
    stem = Path(str(filename)).stem[:60] or "uploaded"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', stem)}.toml"
        path.write_text(text)
        try:
            sc = load_scenario(path)
        except ScenarioError as exc:
            return None, str(exc).replace(str(path), name).rstrip() + "\nNothing was loaded."
        except (RecursionError, ValueError, TypeError, OverflowError) as exc:   # never a traceback on the page
            return None, f"{name}: could not be read as a scenario ({type(exc).__name__}: {exc}). Nothing was loaded."
    too_big = size_problems(sc.run.citizens, sc.run.weeks)
    if too_big:
        return None, f"{name}: " + "; ".join(f"{k} {v}" for k, v in too_big.items()) + ". Nothing was loaded."
    return sc, ""


def load_uploaded(filename: str, data: bytes, size: int | None = None) -> None:
    """A scenario TOML dropped on the page (e.g. one exported earlier), validated by sim.

    A file that is not a valid scenario leaves the session's scenario as it was and says why."""
    sc, problem = check_upload(filename, data, size)
    if sc is None:
        upload_error.value = problem
        return
    base.value = sc
    base_label.value = shown_name(filename)
    edits.value = {}
    upload_error.value = ""


def value_of(key: str) -> Any:
    """The value shown for a dotted key: the user's edit, else the base scenario's."""
    if key in edits.value:
        return edits.value[key]
    node: Any = base.value
    for part in key.split("."):
        node = getattr(node, part)
    return node


def set_value(key: str, value: Any) -> None:
    new = dict(edits.value)
    node: Any = base.value
    for part in key.split("."):
        node = getattr(node, part)
    if value == node and type(value) is type(node):
        new.pop(key, None)
    else:
        new[key] = value
    edits.value = new


_KEY_ERROR = re.compile(r"key '([^']+)' has value (.*?): (.*)$")


def parse_errors(message: str) -> dict[str, str]:
    """ScenarioError text -> {dotted key: 'value: what is allowed'} (one line per problem)."""
    out: dict[str, str] = {}
    for line in message.splitlines():
        m = _KEY_ERROR.search(line)
        if m:
            out[m.group(1)] = f"{m.group(2)} is not allowed: {m.group(3)}"
        else:
            out.setdefault("", line)
    return out


def current(base_sc: Scenario, edit_values: dict) -> tuple[Scenario | None, dict[str, str]]:
    """The edited scenario validated by sim, or None and the problems by key."""
    over = dict(edit_values)
    if over:
        over["name"] = base_sc.name.removesuffix(EDITED_SUFFIX) + EDITED_SUFFIX
    try:
        sc = load_scenario(base_sc, over)
    except ScenarioError as exc:
        return None, parse_errors(str(exc))
    too_big = size_problems(sc.run.citizens, sc.run.weeks)   # the dashboard's caps (settings.py)
    if too_big:
        return None, too_big
    conflicts = lever_conflicts(sc)          # levers that cannot work together: shown, model kept
    if conflicts:
        return None, {k: f"this combination cannot work: {why}" for k, why in conflicts.items()}
    return sc, {}


def use_current() -> tuple[Scenario | None, dict[str, str]]:
    """Hook: the session's edited scenario (re-validated only when it changes)."""
    b, e = base.value, edits.value
    return solara.use_memo(lambda: current(b, e), dependencies=[id(b), tuple(sorted(e.items(), key=str))])


def scenario_choices() -> list[str]:
    """Names offered wherever a scenario is picked: the presets, then the session's edited one."""
    return list(presets())
