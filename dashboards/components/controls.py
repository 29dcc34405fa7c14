"""Scenario controls generated from sim's schema: one control per parameter, placed by its role.

The role of every parameter comes from `sim.scenarios.schema.parameter_table()`, never from
section names or the wording of a source:

- **levers** (what a planner decides) come first, in the groups a planner thinks in
  (Platform; Support with its components and devices; Activities);
- **assumptions** (role "uncertainty": what nobody knows exactly) follow under the heading
  "Assumptions", one panel per mechanism that reads them, in the model's weekly order;
- **settings** (size, length, seed) are in the "Run" group.

Each control shows the field's description and evidence source on hover (and an assumption's
plausible range). A value sim rejects is kept in the control and a message naming the problem
appears right under it; the model keeps using the last valid scenario.

A control never changes a value the user did not touch: a slider is shown only when the value
lies exactly on the slider's grid (as the browser's slider rounds it); any other value (from a
preset, a loaded TOML or `--set`) gets a number box that shows it as it is.
"""

from __future__ import annotations

import functools
import math
import typing
from dataclasses import dataclass
from typing import Any

import reacton.ipyvuetify as rv
import solara

from sim import Scenario, presets, preset_descriptions
from sim.scenarios.schema import parameter_table

from .. import state

# Lever groups a planner thinks in; each lists the schema sections whose levers it holds
# (with a subheading). Only parameters whose role is "lever" are placed here.
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Platform", [("platform", "")]),
    ("Support", [("support", ""), ("support.components", "Components of support"),
                 ("devices", "Devices")]),
    ("Activities", [("activities", "")]),
]
OTHER_LEVERS = "Other levers"        # a lever in a section none of GROUPS names (none today)
RUN = "Run"                           # the settings: size, length, seed
ASSUMPTIONS = "Assumptions"

# The mechanisms that read the assumptions, in the model's weekly order; a mechanism the
# schema names that is missing here gets its panel after these.
MECHANISM_ORDER = (
    "population", "initial network", "outreach and onboarding", "platform", "platform use and dropout",
    "matching", "reaching out", "online to offline", "activities and encounters", "support", "ties",
    "outcomes", "effects across mechanisms", "costs",
)

# Slider ranges (low, high, step) for levers whose plausible range is narrower than planners
# use; other numbers slide over their plausible range (widened to hold the default, never
# beyond the hard bounds). Values off the slider get a number box.
SLIDER_RANGES = {
    "support.workers": (0.0, 50.0, 0.5),
    "activities.new_per_1000": (0.0, 20.0, 0.5),
    "devices.per_1000": (0.0, 100.0, 1.0),
    "activities.size": (2, 60, 1),
}
MIN_STEPS, MAX_STEPS = 40, 2000       # a slider has between these many steps, or is a number box


@dataclass(frozen=True)
class Field:
    key: str
    kind: str                 # bool, choice, int, float
    label: str
    description: str
    source: str
    choices: tuple = ()
    low: float | None = None          # hard bounds (schema)
    high: float | None = None
    role: str = "uncertainty"         # lever, uncertainty or setting (parameter_table)
    mechanism: str = ""
    section: str = ""
    range: tuple | None = None        # plausible [low, high] (parameter_table), None for switches/choices
    default: Any = None
    low_open: bool = False            # bound is > rather than >=
    high_open: bool = False

    @property
    def tooltip(self) -> str:
        tip = f"{self.description}  Source: {self.source.rstrip('.')}."
        if self.role == "uncertainty" and self.range is not None:
            tip += f"  Plausible range: {self.range[0]:g} to {self.range[1]:g}."
        return tip


@dataclass(frozen=True)
class Group:
    """One expandable group of controls: its title, part (levers, assumptions, run) and
    (subheading, fields) blocks."""
    title: str
    part: str
    blocks: tuple[tuple[str, tuple[Field, ...]], ...]
    mechanism: str = ""

    @property
    def fields(self) -> list[Field]:
        return [f for _, fs in self.blocks for f in fs]


def _annotation(key: str) -> Any:
    cls: Any = Scenario
    for part in key.split("."):
        cls = cls.model_fields[part].annotation
    return cls


def _field(row: dict) -> Field:
    ann = _annotation(row["key"])
    b = row["bounds"]
    low = b.get("ge", b.get("gt"))
    high = b.get("le", b.get("lt"))
    if ann is bool:
        kind, choices = "bool", ()
    elif typing.get_origin(ann) is typing.Literal:
        kind, choices = "choice", tuple(typing.get_args(ann))
    elif ann is int:
        kind, choices = "int", ()
    else:
        kind, choices = "float", ()
    name = row["key"].rsplit(".", 1)[-1]
    return Field(row["key"], kind, name.replace("_", " ").capitalize(), row["description"], row["source"],
                 choices, low, high, row["role"], row["mechanism"], row["section"],
                 tuple(row["range"]) if row["range"] is not None else None, row["default"],
                 "gt" in b, "lt" in b)


@functools.lru_cache(maxsize=1)
def _fields() -> tuple[Field, ...]:
    return tuple(_field(r) for r in parameter_table())


def section_fields(section: str, role: str | None = None) -> list[Field]:
    """The fields of one schema section (dotted, e.g. 'support.components'), optionally of one role."""
    return [f for f in _fields() if f.section == section and (role is None or f.role == role)]


def _heading(section: str) -> str:
    return section.rsplit(".", 1)[-1].replace("_", " ").capitalize()


@functools.lru_cache(maxsize=1)
def groups() -> tuple[Group, ...]:
    """Every control group in page order: levers, then assumptions by mechanism, then Run."""
    fields = _fields()
    out: list[Group] = []
    placed: set[str] = set()
    for title, sections in GROUPS:
        blocks = tuple((heading, tuple(section_fields(sec, "lever"))) for sec, heading in sections)
        blocks = tuple(b for b in blocks if b[1])
        if blocks:
            out.append(Group(title, "levers", blocks))
            placed.update(f.key for _, fs in blocks for f in fs)
    other = tuple(f for f in fields if f.role == "lever" and f.key not in placed)
    if other:
        out.append(Group(OTHER_LEVERS, "levers", (("", other),)))
    unc = [f for f in fields if f.role == "uncertainty"]
    names = list(MECHANISM_ORDER) + sorted({f.mechanism for f in unc} - set(MECHANISM_ORDER))
    for mech in names:
        mine = [f for f in unc if f.mechanism == mech]
        if not mine:
            continue
        sections = list(dict.fromkeys(f.section for f in mine))
        blocks = tuple((_heading(sec) if len(sections) > 1 else "", tuple(f for f in mine if f.section == sec))
                       for sec in sections)
        out.append(Group(mech[:1].upper() + mech[1:], "assumptions", blocks, mech))
    settings = tuple(f for f in fields if f.role not in ("lever", "uncertainty"))
    if settings:
        out.append(Group(RUN, "run", (("", settings),)))
    return tuple(out)


def all_fields() -> list[Field]:
    """Every field once, in the order the page shows them."""
    return [f for g in groups() for f in g.fields]


def slider_rounds(value: float, low: float, high: float, step: float) -> float:
    """The value the browser's slider (Vuetify 2 VSlider.roundValue) turns `value` into.

    The slider clamps to [low, high], snaps to low + k * step and keeps the step's decimals;
    if the result differs from the value it sends the result back as a change.
    """
    v = min(max(float(value), low), high)
    text = repr(float(step)) if isinstance(step, float) else str(step)
    decimals = len(text) - text.index(".") - 1 if "." in text else 0
    if text.endswith(".0"):
        decimals = 0
    offset = math.fmod(low, step)
    snapped = math.floor((v - offset) / step + 0.5) * step + offset
    return float(f"{min(snapped, high):.{decimals}f}")


def on_slider(value: Any, rng: tuple) -> bool:
    """True when the slider shows `value` exactly as it is (no rounding, no clamping)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    low, high, step = rng
    return low <= value <= high and slider_rounds(value, low, high, step) == value


def _nice_step(low: float, high: float, hold: list[float]) -> float | None:
    """The coarsest 1/2/5 x 10^k step giving MIN_STEPS..MAX_STEPS steps that holds every value in `hold`."""
    span = high - low
    if span <= 0:
        return None
    for exp in range(math.floor(math.log10(span)), -7, -1):
        for m in (5, 2, 1):
            step = float(f"{m}e{exp}")
            n = span / step
            if n < MIN_STEPS:
                continue
            if n > MAX_STEPS:
                return None
            if all(on_slider(v, (low, high, step)) for v in hold):
                return step
    return None


def _slider_range(f: Field) -> tuple[float, float, float] | None:
    """(low, high, step) of the field's slider, or None for a number box."""
    if f.key in SLIDER_RANGES:
        return SLIDER_RANGES[f.key]
    if f.kind not in ("int", "float"):
        return None
    if f.range is not None:
        low, high = f.range
        if isinstance(f.default, (int, float)):           # widened to hold the default
            low, high = min(low, f.default), max(high, f.default)
        if f.low is not None:                              # never beyond the hard bounds
            low = max(low, f.low)
        if f.high is not None:
            high = min(high, f.high)
    elif f.low is not None and f.high is not None and (f.high - f.low) <= (200 if f.kind == "int" else 5):
        low, high = f.low, f.high                          # no plausible range: a short hard range
    else:
        return None
    if (f.low_open and low <= f.low) or (f.high_open and high >= f.high) or not low < high:
        return None
    if f.kind == "int":
        low, high = math.ceil(low), math.floor(high)
        return (int(low), int(high), 1) if low < high and high - low <= MAX_STEPS else None
    hold = [low, high] + ([f.default] if isinstance(f.default, (int, float)) else [])
    step = _nice_step(low, high, hold)
    return (low, high, step) if step is not None else None


@solara.component
def FieldControl(f: Field, value: Any, error: str | None):
    on = lambda v, key=f.key: state.set_value(key, v)  # noqa: E731
    rng = _slider_range(f)
    with solara.Column(gap="0px", classes=["scenario-control"]):
        with solara.Tooltip(f.tooltip):
            with solara.Div(attributes={"data-key": f.key}):
                if f.kind == "bool":
                    solara.Checkbox(label=f.label, value=bool(value), on_value=on)
                elif f.kind == "choice":
                    solara.Select(label=f.label, values=list(f.choices), value=value, on_value=on, dense=True)
                elif rng and not error and on_slider(value, rng):
                    if f.kind == "int":
                        solara.SliderInt(label=f"{f.label}: {int(value)}", value=int(value), min=int(rng[0]),
                                         max=int(rng[1]), step=int(rng[2]), on_value=on)
                    else:
                        solara.SliderFloat(label=f"{f.label}: {float(value):g}", value=float(value), min=rng[0],
                                           max=rng[1], step=rng[2], on_value=on)
                elif f.kind == "int":
                    solara.InputInt(label=f.label, value=value if isinstance(value, int) else None,
                                    on_value=on, optional=True)
                else:
                    solara.InputFloat(label=f.label, value=value if isinstance(value, (int, float)) else None,
                                      on_value=on, optional=True)
        if error:
            solara.Error(f"{f.key}: {error}", dense=True, classes=["control-error"])


@solara.component
def ControlGroup(group: Group, values: tuple, errors: tuple, n_edit: int):
    """One expandable group; its controls are built when it is first opened (or has a problem).

    It gets its own fields' values and problems (not the whole scenario), so a change elsewhere
    does not redraw it.
    """
    n_bad = sum(1 for e in errors if e)
    summary = group.title + (f"  ({n_edit} changed)" if n_edit else "") + (f"  - {n_bad} problem(s)" if n_bad else "")
    expand, set_expand = solara.use_state_or_update(bool(n_bad))
    opened, set_opened = solara.use_state(False)

    def on_v_model(v):
        set_expand(v == 0)
        if v == 0:
            set_opened(True)

    cls = f"control-group control-group-{group.part}"
    with rv.ExpansionPanels(v_model=0 if expand else None, on_v_model=on_v_model, class_=cls):
        with rv.ExpansionPanel():
            rv.ExpansionPanelHeader(children=[summary])
            with rv.ExpansionPanelContent():
                if expand or opened:
                    i = 0
                    for heading, fields in group.blocks:
                        if heading:
                            solara.Markdown(f"**{heading}**")
                        for f in fields:
                            FieldControl(f, values[i], errors[i])
                            i += 1


def _value(base: Scenario, edits: dict, key: str) -> Any:
    if key in edits:
        return edits[key]
    node: Any = base
    for part in key.split("."):
        node = getattr(node, part)
    return node


@solara.component
def ScenarioControls(errors: dict[str, str]):
    """Levers first, then the assumptions by mechanism, then the run settings; with validation messages."""
    edits = state.edits.value
    base = state.base.value
    parts: dict[str, list[Group]] = {"levers": [], "assumptions": [], "run": []}
    for g in groups():
        parts[g.part].append(g)

    def group(g: Group):
        keys = [f.key for f in g.fields]
        ControlGroup(g, tuple(_value(base, edits, k) for k in keys), tuple(errors.get(k) for k in keys),
                     sum(1 for k in keys if k in edits))

    with solara.Column(gap="4px", classes=["scenario-controls"]):
        with solara.Div(classes=["levers"]):
            solara.Markdown("#### Levers\nWhat a planner decides.")
            for g in parts["levers"]:
                group(g)
        with solara.Div(classes=["assumptions"]):
            n = sum(len(g.fields) for g in parts["assumptions"])
            solara.Markdown(f"#### {ASSUMPTIONS}\nWhat nobody knows exactly: {n} assumptions, grouped by the "
                            "mechanism that uses them (in the order a week runs). Hover a control for its "
                            "source and plausible range.")
            for g in parts["assumptions"]:
                group(g)
        with solara.Div(classes=["run-settings"]):
            for g in parts["run"]:
                group(g)


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
        solara.Text(f"Loaded from {label}", classes=["loaded-from"], style={"font-size": "0.85em", "color": "#555"})


@solara.component
def ScenarioFile(scenario: Scenario | None):
    """Load a scenario TOML (exported earlier with Scenario TOML, top right, or written by hand)."""
    from .upload import ScenarioDrop

    if scenario is None:
        solara.Warning("Fix the problems marked below to export the scenario (Scenario TOML, top right).",
                       dense=True)
    ScenarioDrop(label="Drop a scenario .toml here to load it", on_bytes=state.load_uploaded)
    if state.upload_error.value:
        solara.Error(state.upload_error.value, classes=["upload-error"])

