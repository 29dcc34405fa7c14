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


# -- issue 16: nothing lost, nothing let in ----------------------------------------------------

def test_uploads_run_the_files_values_and_malformed_files_say_what_is_wrong():
    from dashboards import state
    from sim import to_toml
    sc = load_scenario("baseline", {"run.citizens": 300, "run.weeks": 6, "support.workers": 25.0})
    got, problem = state.check_upload("mine.toml", to_toml(sc).encode())
    assert problem == "" and (got.run.citizens, got.run.weeks, got.support.workers) == (300, 6, 25.0)
    got, problem = state.check_upload("bom.toml", b"\xef\xbb\xbf" + to_toml(sc).encode())
    assert problem == "" and got.run.citizens == 300
    bad = {
        "huge.toml": (b"", 20_000_000, "20.0 MB"),
        "big.toml": (b"#" * 1_500_000, None, "1.5 MB"),
        "empty.toml": (b"  \n", None, "empty"),
        "random.toml": (bytes(range(256)) * 4, None, "not a UTF-8 text file"),
        "nul.toml": (b"name = 1\x00\n", None, "NUL"),
        "bad.toml": (b"[support\n", None, "not valid TOML"),
        "deep.toml": (b"a = " + b"[" * 5000 + b"]" * 5000, None, "nested too deeply"),
        "inline.toml": (b"a = " + b"{b=" * 3000 + b"1" + b"}" * 3000, None, "nested too deeply"),
        "dotted.toml": (b"x" + b".x" * 1000 + b" = 1\n", None, "nested 1001 levels"),
        "keys.toml": ("".join(f"k{i}=1\n" for i in range(100_000)).encode(), None, "more than 2,000 keys"),
        "wrong.toml": (b"[support]\nworkers = -1\n", None, "support.workers"),
        "large.toml": (to_toml(load_scenario("baseline", {"run.citizens": 5_000_000, "run.weeks": 520})).encode(),
                       None, "at most 20,000 citizens"),
    }
    for name, (data, size, words) in bad.items():
        got, problem = state.check_upload(name, data, size)
        assert got is None and words in problem and problem.startswith(name), (name, problem)
        assert "Nothing was loaded" in problem, (name, problem)
    # through the session state: a bad file keeps the last valid scenario and says why
    state.load_uploaded("mine.toml", to_toml(sc).encode())
    state.load_uploaded("random.toml", bytes(range(256)))
    assert state.base.value.run.citizens == 300 and state.base_label.value == "mine.toml"
    assert "not a UTF-8 text file" in state.upload_error.value
    assert state.shown_name("x" * 500).endswith("...") and len(state.shown_name("x" * 500)) == 80


def test_upload_reads_the_file_once_and_never_more_than_the_limit():
    import io
    from dashboards.components.upload import read_upload
    data = b"name = 'x'\n"
    assert read_upload({"size": len(data), "file_obj": io.BytesIO(data)}) == data
    assert read_upload({"size": 10**9, "file_obj": io.BytesIO(b"never read")}) == b""

    class Liar(io.BytesIO):        # a client that reports a small size for a large file
        def read(self, n=-1):
            assert 0 <= n <= 1_000_001, n
            return super().read(n)
    assert len(read_upload({"size": 2_000, "file_obj": Liar(b"x" * 5_000_000)})) == 2_000


def test_sizes_above_the_dashboards_caps_are_refused_and_the_operator_can_raise_them(monkeypatch):
    from dashboards import settings
    from dashboards.state import current
    base = load_scenario("baseline", {"run.citizens": 1000})
    sc, errors = current(base, {"run.citizens": 5_000_000, "run.weeks": 520})
    assert sc is None and set(errors) == {"run.citizens", "run.weeks"}
    assert "at most 20,000 citizens" in errors["run.citizens"] and "--max-citizens" in errors["run.citizens"]
    assert "at most 104 weeks" in errors["run.weeks"]
    sc, errors = current(base, {"run.citizens": 20_000, "run.weeks": 104})
    assert sc is not None and errors == {}
    monkeypatch.setenv(settings.MAX_CITIZENS_ENV, "50000")
    monkeypatch.setenv(settings.MAX_WEEKS_ENV, "520")
    sc, errors = current(base, {"run.citizens": 50_000, "run.weeks": 520})
    assert sc is not None and errors == {}
    from belonging import cmd_dashboard
    import argparse
    parser = argparse.ArgumentParser()
    cmd_dashboard.add_parser(parser.add_subparsers())
    args = parser.parse_args(["dashboard", "--max-citizens", "100000", "--max-weeks", "260"])
    assert (args.max_citizens, args.max_weeks) == (100_000, 260)


def test_user_text_in_markdown_is_shown_as_text():
    import markdown
    import pandas as pd
    from dashboards.components.safe import md_sentence, md_text
    from dashboards.pages.sensitivity import plain_words
    md = markdown.Markdown(extensions=["pymdownx.highlight", "pymdownx.superfences", "toc", "tables"])
    evil = ['x<img src=x onerror="window.x=1">', "<script>alert(1)</script>", "[a](javascript:alert(1))",
            "![i](x onerror=alert(1))", "`code` **b** _i_ # h"]
    for text in evil:
        for fn in (md_text, md_sentence):
            out = md.convert(fn(text))
            assert "<img" not in out and "<script" not in out and "<a " not in out and "<code" not in out, (fn, out)
        assert md.convert(md_text(text)).removeprefix("<p>").removesuffix("</p>") == \
            text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    ind = pd.DataFrame({"output": ["lonely_share"] * 2, "index": ["mu_star"] * 2, "parameter": evil[:2],
                        "value": [0.5, 0.0], "ci_low": [0.1, 0.0], "ci_high": [0.9, 0.0]})
    out = md.convert("\n".join(f"- {s}" for s in plain_words(ind)))
    assert "<img" not in out and "<script" not in out and "&lt;img" in out


def test_sweep_names_are_a_safe_set_of_characters():
    import tomllib
    from experiments.spec import SpecError, load_spec
    data = tomllib.loads((ROOT / "experiments" / "morris_screening.toml").read_text())
    for name in ('x<img src=x onerror="alert(1)">', "a/b", ".hidden", "", "x" * 101, "tab\tname", "é"):
        with pytest.raises(SpecError, match="name"):
            load_spec({**data, "name": name})
    assert load_spec({**data, "name": "policy sweep-2.1_b"}).name == "policy sweep-2.1_b"


def test_the_step_pool_serves_sessions_in_turn():
    """Ten sessions play (each always has its next week waiting); an eleventh asks for one week:
    it is served before any session gets a second week (order, not wall-clock time)."""
    import threading
    from dashboards.steps import FairPool
    pool = FairPool(workers=1)
    stop = threading.Event()

    def player(k):
        while not stop.is_set():
            pool.run(k, lambda: time.sleep(0.002))

    threads = [threading.Thread(target=player, args=(f"s{k}",), daemon=True) for k in range(10)]
    for t in threads:
        t.start()
    time.sleep(0.3)                                  # the ten are in full swing
    mark = len(pool.served)
    pool.run("planner", lambda: None, timeout=10)
    stop.set()
    for t in threads:
        t.join(5)
    served = [s for s, _ in list(pool.served)[mark:]]
    ahead = served[: served.index("planner")]
    from collections import Counter
    assert len(ahead) <= 10 + pool.workers, f"{len(ahead)} weeks were served before the planner's one week"
    assert max(Counter(ahead).values(), default=0) <= 2, f"a session had more than one turn first: {ahead}"

    # a session that queues many weeks at once still waits its turn after each
    pool2 = FairPool(workers=1)
    gate = threading.Event()
    pool2.submit("blocker", gate.wait)
    greedy = [pool2.submit("greedy", lambda: None) for _ in range(50)]
    other = pool2.submit("other", lambda: None)
    gate.set()
    other.result(5)
    order = [s for s, _ in pool2.served]
    assert order.index("other") <= 2, order[:5]
    for f in greedy:
        f.result(5)
    # a session's waiting weeks are dropped when it ends
    gate2 = threading.Event()
    pool2.submit("blocker", gate2.wait)
    dropped = [pool2.submit("gone", lambda: None) for _ in range(5)]
    assert pool2.drop("gone") == 5 and all(f.exception(1) is not None for f in dropped)
    gate2.set()


def test_ending_a_session_cancels_its_build_and_lets_its_model_go():
    import threading
    from dashboards import sessions
    BelongingModel("platform_with_support", citizens=300, weeks=2)          # compiled kernels warm
    s = sessions.get("test-session-build")
    result = {}

    def build():
        try:
            with s.building():
                result["model"] = BelongingModel("platform_with_support", citizens=300_000, weeks=4)
            result["outcome"] = "built"
        except sessions.BuildCancelled:
            result["outcome"] = "cancelled"

    t = threading.Thread(target=build, daemon=True)
    t0 = time.monotonic()
    t.start()
    time.sleep(0.5)
    done = sessions.closed("test-session-build", log=False)
    t.join(30)
    assert not t.is_alive() and result.get("outcome") == "cancelled" and "model" not in result, result
    assert done["build_cancelled"] and time.monotonic() - t0 < 15.0, time.monotonic() - t0   # a full build: ~4 s
    assert "test-session-build" not in sessions.open_sessions()

    # a session's model is let go when the session ends
    from dashboards.pages.explore import Live
    s = sessions.get("test-session-free")
    model = BelongingModel("baseline", citizens=300, weeks=2)
    lv = Live(model, np.arange(300), "h")
    s.hold(lv)
    del model
    done = sessions.closed("test-session-free", log=False)
    deadline = time.monotonic() + 10
    while done["model_freed"] is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert done["model_freed"] is True and lv.model is None


def test_the_default_facilitator_code_is_never_used_beyond_this_machine(monkeypatch):
    from belonging.cmd_dashboard import facilitator_env
    from dashboards.hardening import check_facilitator_code, is_local
    assert is_local("127.0.0.1") and is_local("::1") and is_local("localhost") and is_local("127.0.0.2")
    assert not is_local("0.0.0.0") and not is_local("192.168.1.5") and not is_local(None)
    env = {}
    lines = facilitator_env("0.0.0.0", env)
    code = env["BELONGING_FACILITATOR_CODE"]
    assert code != "facilitator" and len(code) >= 10 and code in lines[0]
    env = {"BELONGING_FACILITATOR_CODE": "facilitator"}
    facilitator_env("192.168.1.5", env)
    assert env["BELONGING_FACILITATOR_CODE"] != "facilitator"
    env = {"BELONGING_FACILITATOR_CODE": "our-own-code"}
    assert facilitator_env("0.0.0.0", env) == [] and env["BELONGING_FACILITATOR_CODE"] == "our-own-code"
    env = {}
    lines = facilitator_env("127.0.0.1", env)
    assert env == {} and "warning" in lines[0] and "default" in lines[0]
    # a server started some other way (solara run ... --host 0.0.0.0) refuses the default code
    monkeypatch.delenv("BELONGING_FACILITATOR_CODE", raising=False)
    with pytest.raises(SystemExit, match="default facilitator code"):
        check_facilitator_code("0.0.0.0")
    check_facilitator_code("127.0.0.1")
    monkeypatch.setenv("BELONGING_FACILITATOR_CODE", "our-own-code")
    check_facilitator_code("0.0.0.0")


def test_the_asset_proxy_never_fetches_from_the_internet(tmp_path):
    """Once the app is loaded, an uncached CDN path is 'not found' at once (Solara would fetch it)."""
    import dashboards.app  # noqa: F401 - loading the app hardens the server
    from solara.server import cdn_helper
    t0 = time.monotonic()
    with pytest.raises(FileNotFoundError):
        cdn_helper.get_path(tmp_path, "left-pad@1.3.0/index.js")
    assert time.monotonic() - t0 < 1.0
