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


def test_every_schema_parameter_has_a_control_with_description_and_source():
    from dashboards.components.controls import GROUPS, all_fields
    fields = all_fields()
    keys = [f.key for f in fields]
    assert sorted(keys) == sorted(r["key"] for r in parameter_table())
    assert len(keys) == len(set(keys))
    assert all(f.description and f.source for f in fields)
    assert [g for g, _ in GROUPS][:5] == ["Platform", "Support", "Activities", "Population", "Costs"]


def test_sliders_stay_inside_the_schema_bounds():
    from dashboards.components.controls import _slider_range, all_fields
    for f in all_fields():
        rng = _slider_range(f)
        if rng is None:
            continue
        lo, hi, step = rng
        assert lo < hi and step > 0, f.key
        if f.low is not None:
            assert lo >= f.low, f.key
        if f.high is not None:
            assert hi <= f.high, f.key


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
