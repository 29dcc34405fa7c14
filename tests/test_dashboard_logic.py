"""The dashboard's logic without a browser: controls cover the schema, validation messages, the
ego-network sample, the offline asset list, and the main command serving the app."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from sim import BelongingModel, load_scenario
from sim.scenarios.schema import parameter_table

ROOT = Path(__file__).resolve().parents[1]


def test_every_schema_parameter_has_exactly_one_control_with_description_and_source():
    from dashboards.components.controls import all_fields, groups
    table = parameter_table()
    keys = [f.key for g in groups() for f in g.fields]
    assert len(keys) == len(set(keys)), "a parameter has two controls"
    assert sorted(keys) == sorted(r["key"] for r in table)
    assert [f.key for f in all_fields()] == keys
    assert all(f.description and f.source for f in all_fields())


def test_levers_come_first_then_assumptions_by_mechanism_then_run():
    from dashboards.components.controls import GROUPS, MECHANISM_ORDER, groups
    rows = {r["key"]: r for r in parameter_table()}
    parts = [g.part for g in groups()]
    assert parts == sorted(parts, key=["levers", "assumptions", "run"].index), parts
    assert parts[0] == "levers" and "assumptions" in parts
    levers = [g for g in groups() if g.part == "levers"]
    assert [g.title for g in levers][:3] == [t for t, _ in GROUPS] == ["Platform", "Support", "Activities"]
    support = next(g for g in levers if g.title == "Support")
    assert [h for h, _ in support.blocks] == ["", "Components of support", "Devices"]
    for g in groups():
        for f in g.fields:                       # the role comes from parameter_table, nothing else
            role = rows[f.key]["role"]
            assert f.role == role, f.key
            assert {"levers": "lever", "assumptions": "uncertainty", "run": "setting"}[g.part] == role, (g.title, f.key)
            if g.part == "assumptions":          # each assumption under its own mechanism's panel
                assert g.mechanism == rows[f.key]["mechanism"], f.key
    assumptions = [g for g in groups() if g.part == "assumptions"]
    mechs = [g.mechanism for g in assumptions]
    assert len(mechs) == len(set(mechs)), "one panel per mechanism"
    assert set(mechs) == {r["mechanism"] for r in rows.values() if r["role"] == "uncertainty"}
    known = [m for m in mechs if m in MECHANISM_ORDER]
    assert known == sorted(known, key=MECHANISM_ORDER.index), "panels follow the weekly order"
    assert mechs[0] == "population" and mechs[-1] == "costs"
    assert [g.title for g in groups() if g.part == "run"] == ["Run"]
    # sections that mix roles are split by role: platform.enabled is a lever, platform.join_rate an assumption
    where = {f.key: g for g in groups() for f in g.fields}
    assert where["platform.enabled"].title == "Platform" and where["platform.enabled"].part == "levers"
    assert where["platform.join_rate"].part == "assumptions" and where["platform.join_rate"].mechanism == "platform"
    assert where["run.seed"].title == "Run" and where["population.neighbourhood_size"].title == "Run"


def test_sliders_stay_inside_the_schema_bounds_and_hold_their_ends_and_default():
    from dashboards.components.controls import _slider_range, all_fields
    n_sliders = 0
    for f in all_fields():
        rng = _slider_range(f)
        if rng is None:
            continue
        n_sliders += 1
        lo, hi, step = rng
        assert lo < hi and step > 0, f.key
        if f.low is not None:
            assert lo > f.low if f.low_open else lo >= f.low, f.key
        if f.high is not None:
            assert hi < f.high if f.high_open else hi <= f.high, f.key
        if f.range is not None and f.key not in ("support.workers", "activities.new_per_1000", "devices.per_1000",
                                                  "activities.size"):
            assert lo <= f.range[0] and hi >= f.range[1], f"{f.key}: the slider covers the plausible range"
        for v in (lo, hi, f.default):
            assert vuetify_slider_value(v, lo, hi, step) == v, f"{f.key}: {v} is off the slider's grid {rng}"
    assert n_sliders > 150


def vuetify_slider_value(value, low, high, step):
    """What the browser's slider makes of a value: a port of Vuetify 2's VSlider (the version the dashboard
    loads), written here independently of the dashboard's code. On mount and on every new value the slider runs
    `internalValue = value`, i.e. roundValue(min(max(val, min), max)), and emits the result as a change if it
    differs:

        roundValue(value) {
          if (!this.stepNumeric) return value
          const trimmedStep = this.step.toString().trim()
          const decimals = trimmedStep.indexOf('.') > -1 ? trimmedStep.length - trimmedStep.indexOf('.') - 1 : 0
          const offset = this.minValue % this.stepNumeric
          const newValue = Math.round((value - offset) / this.stepNumeric) * this.stepNumeric + offset
          return parseFloat(Math.min(newValue, this.maxValue).toFixed(decimals))
        }
    """
    import math
    from decimal import ROUND_HALF_UP, Decimal
    v = min(max(value, low), high)
    js_step = str(int(step)) if float(step).is_integer() else repr(float(step))    # JS Number.toString
    decimals = len(js_step.split(".")[1]) if "." in js_step else 0
    offset = math.fmod(low, step)
    new = math.floor((v - offset) / step + 0.5) * step + offset
    fixed = Decimal(min(new, high)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)  # toFixed
    return float(fixed)


class OpenControls:
    """Explore's controls rendered once with every panel opened (as a user clicking each header)."""

    def __init__(self):
        import ipyvuetify as v
        import solara
        from dashboards import state
        from dashboards.components.controls import ScenarioControls

        @solara.component
        def Harness():
            _, errors = state.use_current()
            ScenarioControls(errors)

        self.v, self.state = v, state
        state.load_preset("baseline")
        _, self.rc = solara.render(Harness(), handle_error=False)
        panels = self.rc.find(v.ExpansionPanels).widgets
        assert len(panels) >= 15
        for p in panels:
            p.v_model = 0

    def show(self, base, edits=None):
        """Put `base` (and the user's `edits`) in the controls, then let every slider and number box do what the
        browser does: sliders round their value and send it back if it changed; a box reports its text when
        focus leaves it. Returns the session's edits afterwards and the keys shown as sliders."""
        from dashboards.components.controls import all_fields
        v, state = self.v, self.state
        state.base.value = base
        state.base_label.value = base.name
        state.edits.value = dict(edits or {})
        for w in self.rc.find(v.Slider).widgets:
            shown = vuetify_slider_value(w.v_model, w.min, w.max, w.step)
            if shown != w.v_model:
                w.v_model = shown                # what the browser sends back
        for w in self.rc.find(v.TextField).widgets:
            w.fire_event("focusout", None)       # focus passes through the box without typing
        controls = {}                            # data-key -> the control's widget (inside its tooltip)
        for tip in self.rc.find(v.Tooltip).widgets:
            for slot in tip.v_slots:
                for div in slot["children"]:
                    if "data-key" in (div.attributes or {}):
                        controls[div.attributes["data-key"]] = div.children[0]
        keys = [f.key for f in all_fields()]
        assert sorted(controls) == sorted(keys), "every parameter has one control, rendered"
        return dict(state.edits.value), {k for k, w in controls.items() if isinstance(w, v.Slider)}

    def close(self):
        self.rc.close()
        self.state.load_preset("baseline")


@pytest.fixture(scope="class")
def open_controls():
    oc = OpenControls()
    yield oc
    oc.close()                                   # rendered controls would redraw on every later state change


class TestOpenedControls:
    """Explore's controls, every panel opened: nothing the user did not touch changes."""

    def test_opening_every_control_changes_no_value_of_any_preset(self, open_controls):
        from dashboards import state
        from sim import presets
        assert len(presets()) >= 6
        for preset in presets():
            base = state.preset_scenario(preset)
            edits, sliders = open_controls.show(base)
            assert edits == {}, f"{preset}: rendering the controls changed {edits}"
            sc, errors = state.current(base, edits)
            assert errors == {} and sc == base, preset
            assert len(sliders) > 150 and {"ties.decay_per_year", "support.digitally_confident_share"} <= sliders

    def test_values_off_the_slider_grid_get_a_number_box_and_stay_as_they_are(self, open_controls):
        off = {"support.workers": 3.3, "ties.decay_per_year": 0.1234, "support.digitally_confident_share": 0.5291,
               "loneliness.wanted_per_need": 12.5, "platform.outreach_effort": 0.615, "costs.worker_week": 901.5,
               "support.caseload": 45}
        base = load_scenario("platform_with_support", {"run.citizens": 1000, **off})
        edits, sliders = open_controls.show(base)
        assert edits == {}, f"rendering the controls changed {edits}"
        assert not set(off) & sliders, "off-grid values must get a number box, not a slider that rounds them"
        baseline = load_scenario("baseline", {"run.citizens": 1000})
        edits, sliders = open_controls.show(baseline, {"ties.decay_per_year": 0.1234})   # typed off the grid: kept
        assert edits == {"ties.decay_per_year": 0.1234} and "ties.decay_per_year" not in sliders
        edits, sliders = open_controls.show(baseline, {"ties.decay_per_year": 0.2})      # on the grid: a slider again
        assert edits == {"ties.decay_per_year": 0.2} and "ties.decay_per_year" in sliders


def test_rejected_values_are_reported_per_key():
    from dashboards.state import current, parse_errors
    base = load_scenario("baseline")
    sc, errors = current(base, {"costs.worker_week": -5.0, "support.caseload": 0})
    assert sc is None
    assert set(errors) == {"costs.worker_week", "support.caseload"}
    assert "greater than or equal to 0" in errors["costs.worker_week"]
    sc, errors = current(base, {"support.workers": 10.0})
    assert errors == {} and sc.support.workers == 10.0 and sc.name == "baseline (edited)"
    assert parse_errors("something else went wrong") == {"": "something else went wrong"}


def test_ego_sample_is_small_holds_the_centre_and_only_real_ties():
    from dashboards.components.network import ego_sample
    m = BelongingModel("baseline", citizens=600, seed=3)
    centre = int(np.argmax(m.ties.degree()))
    nodes, edges, ucla = ego_sample(m.ties, m.pop.ucla, centre, 25, seed=3)
    assert nodes[0] == centre and 1 < len(nodes) <= 25 and len(set(nodes)) == len(nodes)
    assert set(ucla) == set(nodes) and all(ucla[n] == m.pop.ucla[n] for n in nodes)
    a, b = m.ties.a, m.ties.b
    for u, v, _ in edges:
        assert u in nodes and v in nodes
        assert np.any(((a == u) & (b == v)) | ((a == v) & (b == u)))
    again = ego_sample(m.ties, m.pop.ucla, centre, 25, seed=3)
    assert again[0] == nodes, "same seed, same sample"


def test_offline_asset_list_names_what_the_page_loads():
    import solara
    from dashboards.assets import wanted
    specs = wanted(Path(solara.__file__).parent)
    for needed in ("@widgetti/solara-vuetify-app@", "requirejs@", "@widgetti/vue-grid-layout@", "vega@5",
                   "vega-lite@5", "vega-embed@6", "font-awesome@", "katex@"):
        assert any(s.startswith(needed) for s in specs), needed


def test_dashboard_command_refuses_a_port_in_use():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = subprocess.run([str(ROOT / ".venv" / "bin" / "belonging"), "dashboard", "--port", str(port)],
                             capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert f"port {port}" in out.stderr and "--port" in out.stderr


@pytest.mark.slow
def test_main_command_serves_the_dashboard():
    """`scripts/run.sh` with no arguments: the dashboard answers at the printed address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, BELONGING_PORT=str(port))
    proc = subprocess.Popen([str(ROOT / "scripts" / "run.sh")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    body = r.read().decode()
                    break
            except OSError:
                assert time.monotonic() < deadline, "the dashboard did not answer within 120 s"
                time.sleep(0.5)
        assert "solara" in body.lower()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)         # the process group this test started
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in out


def test_an_uploaded_scenario_replaces_the_edited_one_and_bad_files_say_why():
    from dashboards import state
    from sim import to_toml
    sc = load_scenario("connecting_people", {"support.workers": 12.0, "run.citizens": 700})
    state.set_value("platform.moderation", 0.9)
    state.load_uploaded("mine.toml", to_toml(sc).encode())
    assert state.base.value == sc and state.edits.value == {} and state.upload_error.value == ""
    assert state.base_label.value == "mine.toml"
    state.load_uploaded("broken.toml", b"[support]\nworkers = -1\n")
    assert "support.workers" in state.upload_error.value and "broken.toml" in state.upload_error.value
    assert state.base.value == sc, "a rejected file leaves the scenario as it was"
    state.load_preset("baseline")
    assert state.base.value.name == "baseline" and state.base.value.run.citizens == 1000


def test_levers_that_cannot_work_together_are_marked_on_their_control():
    from dashboards.state import current

    base = load_scenario("baseline")
    sc, errors = current(base, {"devices.per_1000": 20.0})
    assert sc is None and list(errors) == ["devices.target"]
    assert "cannot work" in errors["devices.target"] and "support.workers" in errors["devices.target"]
    sc, errors = current(base, {"devices.per_1000": 20.0, "devices.target": "everyone"})
    assert sc is not None and errors == {}
