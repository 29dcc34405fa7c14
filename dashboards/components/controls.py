"""Scenario controls generated from sim's schema: one control per lever and uncertainty.

Each control shows the field's description and evidence source on hover
(`json_schema_extra["src"]` in sim/scenarios/schema.py). A value sim rejects is kept
in the control and a message naming the problem appears right under it; the model
keeps using the last valid scenario.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

import solara

from sim import Scenario, presets, preset_descriptions

from .. import state

# Groups a planner thinks in; each lists the schema sections it holds (with a subheading).
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Platform", [("platform", "")]),
    ("Support", [("support", ""), ("support.components", "Components of support"),
                 ("devices", "Devices")]),
    ("Activities", [("activities", "")]),
    ("Population", [("population", ""), ("ties", "Ties (uncertain)"), ("effects", "Effects (uncertain)")]),
    ("Costs", [("costs", "")]),
    ("Run", [("run", "")]),
]

# Slider ranges for levers whose schema bound is far wider than planners use; values
# outside can still come from a loaded TOML (the control then switches to a number box).
SLIDER_RANGES = {
    "support.workers": (0.0, 50.0, 0.5),
    "activities.per_1000": (0.0, 20.0, 0.5),
    "activities.new_per_1000": (0.0, 20.0, 0.5),
    "devices.per_1000": (0.0, 100.0, 1.0),
    "population.initial_ties": (0.0, 40.0, 0.5),
    "ties.hours_per_meeting": (0.5, 24.0, 0.5),
    "ties.weekly_social_hours": (1.0, 80.0, 1.0),
    "platform.dropout_decay_weeks": (0.5, 52.0, 0.5),
    "activities.size": (2, 60, 1),
}


@dataclass(frozen=True)
class Field:
    key: str
    kind: str                 # bool, choice, int, float
    label: str
    description: str
    source: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None


def _bounds(info) -> tuple[float | None, float | None]:
    low = high = None
    for m in info.metadata:
        name = type(m).__name__
        if name in ("Ge", "Gt"):
            low = getattr(m, name.lower())
        elif name in ("Le", "Lt"):
            high = getattr(m, name.lower())
    return low, high


def section_fields(section: str) -> list[Field]:
    """The leaf fields of one schema section (dotted, e.g. 'support.components')."""
    cls: Any = Scenario
    for part in section.split("."):
        cls = cls.model_fields[part].annotation
    out = []
    for name, info in cls.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and hasattr(ann, "model_fields"):
            continue                       # a nested section gets its own heading
        key = f"{section}.{name}"
        src = (info.json_schema_extra or {}).get("src", "assumption")
        label = name.replace("_", " ").capitalize()
        low, high = _bounds(info)
        if ann is bool:
            out.append(Field(key, "bool", label, info.description or "", src))
        elif typing.get_origin(ann) is typing.Literal:
            out.append(Field(key, "choice", label, info.description or "", src, tuple(typing.get_args(ann))))
        elif ann is int:
            out.append(Field(key, "int", label, info.description or "", src, (), low, high))
        else:
            out.append(Field(key, "float", label, info.description or "", src, (), low, high))
    return out


def all_fields() -> list[Field]:
    return [f for _, sections in GROUPS for sec, _ in sections for f in section_fields(sec)]


def _slider_range(f: Field) -> tuple[float, float, float] | None:
    if f.key in SLIDER_RANGES:
        return SLIDER_RANGES[f.key]
    if f.low is None or f.high is None:
        return None
    span = f.high - f.low
    if f.kind == "int":
        return (f.low, f.high, 1) if span <= 200 else None
    if span <= 5:
        return (f.low, f.high, 0.01 if span <= 1 else 0.05)
    return None


@solara.component
def FieldControl(f: Field, value: Any, error: str | None):
    tip = f"{f.description}  Source: {f.source}."
    on = lambda v, key=f.key: state.set_value(key, v)  # noqa: E731
    rng = _slider_range(f)
    with solara.Column(gap="0px", classes=["scenario-control"]):
        with solara.Tooltip(tip):
            with solara.Div(attributes={"data-key": f.key}):
                if f.kind == "bool":
                    solara.Checkbox(label=f.label, value=bool(value), on_value=on)
                elif f.kind == "choice":
                    solara.Select(label=f.label, values=list(f.choices), value=value, on_value=on, dense=True)
                elif rng and isinstance(value, (int, float)) and rng[0] <= value <= rng[1] and not error:
                    if f.kind == "int":
                        solara.SliderInt(label=f"{f.label}: {int(value)}", value=int(value), min=int(rng[0]), max=int(rng[1]),
                                         step=int(rng[2]), on_value=on)
                    else:
                        solara.SliderFloat(label=f"{f.label}: {float(value):g}", value=float(value), min=rng[0], max=rng[1],
                                           step=rng[2], on_value=on)
                elif f.kind == "int":
                    solara.InputInt(label=f.label, value=value if isinstance(value, int) else None,
                                    on_value=on, optional=True)
                else:
                    solara.InputFloat(label=f.label, value=value if isinstance(value, (int, float)) else None,
                                      on_value=on, optional=True)
        if error:
            solara.Error(f"{f.key}: {error}", dense=True, classes=["control-error"])


@solara.component
def ScenarioControls(errors: dict[str, str]):
    """Every lever and uncertainty of the schema, grouped, with validation messages."""
    edits = state.edits.value
    _ = state.base.value
    for title, sections in GROUPS:
        keys = [f.key for sec, _ in sections for f in section_fields(sec)]
        n_bad = sum(1 for k in keys if k in errors)
        n_edit = sum(1 for k in keys if k in edits)
        summary = title + (f"  ({n_edit} changed)" if n_edit else "") + (f"  - {n_bad} problem(s)" if n_bad else "")
        with solara.Details(summary=summary, expand=bool(n_bad)):
            for sec, heading in sections:
                if heading:
                    solara.Markdown(f"**{heading}**")
                for f in section_fields(sec):
                    FieldControl(f, state.value_of(f.key), errors.get(f.key))


@solara.component
def PresetPicker():
    """Pick a preset: loads its values (the dashboard's population size is kept)."""
    names = list(presets())
    label = state.base_label.value
    desc = preset_descriptions()
    solara.Select(label="Scenario preset", values=names, value=label if label in names else None,
                  on_value=lambda v: v and state.load_preset(v))
    if label in desc:
        solara.Text(desc[label], style={"font-size": "0.85em", "color": "#555"})
    elif label:
        solara.Text(f"Loaded from {label}", style={"font-size": "0.85em", "color": "#555"})


@solara.component
def ScenarioFile(scenario: Scenario | None):
    """Load a scenario TOML (exported earlier with Scenario TOML, top right, or written by hand)."""
    def on_file(info):
        state.load_uploaded(info["name"], info["file_obj"].read())

    if scenario is None:
        solara.Warning("Fix the problems marked below to export the scenario (Scenario TOML, top right).",
                       dense=True)
    solara.FileDrop(label="Drop a scenario .toml here to load it", on_file=on_file, lazy=False)
    if state.upload_error.value:
        solara.Error(state.upload_error.value, classes=["upload-error"])

