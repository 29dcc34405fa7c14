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
from pathlib import Path
from typing import Any

import solara

from sim import Scenario, ScenarioError, lever_conflicts, load_scenario, presets

from .settings import DEFAULT_CITIZENS, DEFAULT_SCENARIO

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


def load_uploaded(filename: str, data: bytes) -> None:
    """A scenario TOML dropped on the page (e.g. one exported earlier), validated by sim."""
    stem = Path(filename).stem or "uploaded"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', stem)}.toml"
        path.write_bytes(data)
        try:
            sc = load_scenario(path)
        except ScenarioError as exc:
            upload_error.value = str(exc).replace(str(path), filename)
            return
    base.value = sc
    base_label.value = filename
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
