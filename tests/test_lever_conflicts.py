"""Levers that cannot work together are named (dashboard message, CLI warning), not silently run."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim import lever_conflicts, load_scenario, presets

BELONGING = Path(sys.executable).with_name("belonging")


@pytest.mark.parametrize("name", list(presets()))
def test_presets_have_no_conflicting_levers(name):
    assert lever_conflicts(load_scenario(name)) == {}


def test_devices_for_clients_without_workers_is_named():
    sc = load_scenario("baseline", {"devices.per_1000": 20.0})
    out = lever_conflicts(sc)
    assert list(out) == ["devices.target"] and "support.workers = 0.0" in out["devices.target"]
    assert lever_conflicts(load_scenario("baseline", {"devices.per_1000": 20.0, "devices.target": "everyone"})) == {}


def test_workers_without_targeting_and_silent_platform_are_named():
    out = lever_conflicts(load_scenario("platform_only", {"support.workers": 5.0, "support.targeting": "none",
                                                          "platform.outreach_effort": 0.0}))
    assert set(out) == {"support.targeting", "platform.outreach_effort"}


def test_cli_warns_on_stderr_and_still_runs():
    r = subprocess.run([str(BELONGING), "run", "baseline", "--citizens", "150", "--weeks", "1",
                        "--set", "devices.per_1000=5.0", "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "warning: devices.target" in r.stderr and r.stdout.startswith("{")
