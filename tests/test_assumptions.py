"""Every assumption is on the table: each uncertainty of the schema is read by the model
(changing it within its plausible range changes a run), runs at both ends of its range,
and can be set from the command line; mechanisms can be called without a model."""

from __future__ import annotations

import functools
import hashlib
import inspect
import json

import numpy as np
import pytest

from model_helpers import run_cli
from sim import BelongingModel
from sim.context import INPUTS, WeekContext
from sim.events import EventLog
from sim.mechanisms import reaching_out
from sim.model import WEEKLY_ORDER
from sim.population import Population
from sim.scenarios.loader import load_scenario
from sim.scenarios.schema import ROLES, parameter_table, parameters_by_role
from sim.tiestore import TieStore

# A scenario in which every mechanism has work to do: the platform with the isolated_first
# policy (noise and the boost), workers with hybrid delivery, devices, new activities.
EVERYTHING = {
    "run.citizens": 1000, "run.burn_in": 4, "run.weeks": 14, "run.seed": 3,
    "platform.matching_policy": "isolated_first", "support.workers": 100.0, "support.delivery_mode": "hybrid",
    "support.targeting": "needs_based", "devices.per_1000": 3.0, "activities.new_per_1000": 4.0,
    "platform.outreach_effort": 1.0, "population.share_mh_condition": 0.2,
}
# Some assumptions act only under one setting of a lever.
NEEDS = {
    "support.digital_confidence_trained": {"support.digital_training": True},
    "costs.training_per_worker": {"support.digital_training": True},
    "support.digital_help_rate": {"support.digital_help_cap": 1.0, "support.targeting": "low_literacy_first",
                                  "population.share_low_literacy": 0.5},
    "platform_use.rejection_cap": {"reaching_out.no_reply_rejection": 1.0},
    # small effects on rare events (a dropout draw, a newcomer's acceptance): a larger, longer run
    "platform_use.reply_memory_weeks": {"run.citizens": 3000, "run.weeks": 26},
    "activities.accept_interest": {"run.citizens": 3000, "run.weeks": 26},
    "activities.stigma_acceptance_divisor": {"run.citizens": 3000, "run.weeks": 26},
}
# Caps and thresholds bind only at one end of their range within a short run.
LOW_END = {"support.recommended_caseload", "support.max_effectiveness",
           "activities.accept_interest",            # acceptance is already certain for a shared interest
           "platform_use.reply_memory_weeks", "activities.stigma_acceptance_divisor"}
# Small effects that a short, small run may not show inside the plausible range: probed with a
# value inside the hard bounds instead (felt rejection seldom exceeds 1 in 14 weeks; literacy
# gained from digital help and joining without a device touch a few citizens each week).
PROBE = {"platform_use.rejection_cap": 0.1, "loneliness.rejection_cap": 0.1, "support.digital_help_cap": 0.02,
         "support.digital_help_rate": 0.5, "onboarding.no_device_factor": 1.0,
         "activities.size": 2}      # places seldom run out at 15 or 30
UNCERTAINTIES = [r for r in parameters_by_role("uncertainty")]


def _digest(model) -> str:
    h = hashlib.sha256()
    for v in model.series.values():
        h.update(np.ascontiguousarray(v).tobytes())
    for col in ("ucla", "belonging", "wellbeing", "lsns", "confidence", "trust", "platform", "support", "activity"):
        h.update(getattr(model.pop, col).tobytes())
    h.update(json.dumps(model.costs, sort_keys=True).encode())
    h.update(model.ties.s.tobytes())
    for flag in sorted(model.pop.fired):
        h.update(model.pop.fired[flag].tobytes())
    return h.hexdigest()


def _run(over: dict) -> BelongingModel:
    return BelongingModel("platform_with_support", overrides={**EVERYTHING, **over}).run()


@functools.lru_cache(maxsize=None)
def _base_digest(needs: tuple) -> str:
    return _digest(_run(dict(needs)))


def _other_end(row):
    """The end of the plausible range farther from the value the test scenario uses."""
    if row["key"] in PROBE:
        return PROBE[row["key"]]
    lo, hi = row["range"]
    now = EVERYTHING.get(row["key"], row["default"])
    value = lo if row["key"] in LOW_END or now == hi else hi
    return int(value) if row["type"] == "int" else float(value)


def test_every_parameter_has_a_role_and_every_number_a_plausible_range():
    rows = parameter_table()
    assert len(rows) >= 200
    for r in rows:
        assert r["role"] in ROLES, r["key"]
        assert r["source"], r["key"]
        if r["role"] == "uncertainty" and r["type"] in ("int", "float"):
            lo, hi = r["range"]
            assert lo <= r["default"] <= hi and lo < hi, r["key"]
    assert {r["role"] for r in rows} == set(ROLES)
    levers = {r["key"] for r in parameters_by_role("lever")}
    assert {"support.workers", "platform.enabled", "support.targeting", "activities.new_per_1000"} <= levers
    assert "run.seed" in {r["key"] for r in parameters_by_role("setting")}


def _extreme(row):
    """The hard bound (or just inside it) farthest from the value the test scenario uses."""
    b = row["bounds"]
    lo = b.get("ge", b.get("gt"))
    hi = b.get("le", b.get("lt"))
    now = EVERYTHING.get(row["key"], row["default"])
    if hi is None or hi > 10 * max(abs(now), 1):         # unbounded or far: ten times the value
        hi = 10 * max(abs(now), 1)
    if lo is None:
        lo = 0
    value = hi if abs(hi - now) >= abs(now - lo) else lo
    if "lt" in b and value == b["lt"] or "gt" in b and value == b["gt"]:
        value = value - 1e-6 if value == b.get("lt") else value + 1e-6
    return int(value) if row["type"] == "int" else float(value)


@pytest.mark.parametrize("row", UNCERTAINTIES, ids=[r["key"] for r in UNCERTAINTIES])
def test_every_uncertainty_is_read_by_the_model(row):
    """Changing an uncertainty to the other end of its plausible range changes the run, or, for the few
    whose effect is too small to show in a short run of 1,000 citizens, to its far hard bound: no
    assumption is dead."""
    base_over = NEEDS.get(row["key"], {})
    base = _base_digest(tuple(sorted(base_over.items())))
    tried = []
    for value in (_other_end(row), _extreme(row)):
        tried.append(value)
        if _digest(_run({**base_over, row["key"]: value})) != base:
            return
    pytest.fail(f"{row['key']} = {tried} changed nothing in the run")


def test_an_assumption_set_on_the_command_line_changes_the_results():
    common = ["run", "baseline", "--citizens", "1500", "--weeks", "2", "--seed", "1", "--json"]
    low = json.loads(run_cli(*common, "--set", "loneliness.wanted_per_need=3").stdout)
    high = json.loads(run_cli(*common, "--set", "loneliness.wanted_per_need=9").stdout)
    lo, hi = low["outcomes"]["lonely_share"]["end"], high["outcomes"]["lonely_share"]["end"]
    assert lo < 0.08 < 0.15 < hi, (lo, hi)


def test_a_bad_assumption_value_names_the_key_the_value_and_what_is_allowed():
    proc = run_cli("run", "baseline", "--citizens", "100", "--weeks", "1", "--set", "loneliness.shock_persistence=1.5")
    assert proc.returncode != 0
    assert "loneliness.shock_persistence" in proc.stderr and "1.5" in proc.stderr and "less than 1" in proc.stderr


def test_mechanisms_name_their_inputs():
    for name, mech in WEEKLY_ORDER:
        params = list(inspect.signature(mech).parameters)
        assert params and set(params) <= set(INPUTS), (name, params)


def test_a_mechanism_runs_without_a_model():
    """reaching_out, called with hand-made objects: every suggestion written to and answered
    becomes an online tie, and the week's events are recorded."""
    sc = load_scenario("platform_only", {"run.citizens": 60, "reaching_out.write_rate": 1.0,
                                         "reaching_out.reply_base": 1.0, "reaching_out.reply_match": 0.0,
                                         "reaching_out.reply_unmoderated": 1.0, "reaching_out.reply_moderation": 0.0,
                                         "effects.reldiff_conversion_penalty": 0.0})
    rng = np.random.default_rng(0)
    pop = Population(sc, rng)
    pop.confidence[:] = 0.9
    ties = TieStore(pop.n, node_flag=pop.reldiff)
    ctx = WeekContext(pop.n, week=5, intervening=True)
    ctx.wd = np.ones(pop.n, dtype=np.float32)
    ctx.suggestions = (np.arange(0, 10, dtype=np.int32), np.arange(30, 40, dtype=np.int32))
    events = EventLog(pop.n)
    events.track(range(pop.n))
    reaching_out.step(sc, pop, ties, ctx, rng, events)
    ties.flush()
    assert len(ties) == 10
    assert (pop.last_reply[:10] == 5).all() and (pop.fired["reach"][30:40] == 1).all()
    assert sum(1 for r in events.rows if r[2] == "got_reply") == 10


def test_apply_refuses_a_mechanism_asking_for_an_unknown_input():
    m = BelongingModel("baseline", citizens=50, weeks=1, overrides={"run.burn_in": 0})

    def bad(pop, weather):
        return None

    with pytest.raises(TypeError, match="weather"):
        m.apply(bad)


def test_cli_lists_parameters_by_role_from_the_schema():
    proc = run_cli("parameters", "--role", "uncertainty", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["key"] for r in rows] == [r["key"] for r in parameters_by_role("uncertainty")]
    text = run_cli("parameters", "--section", "loneliness").stdout
    assert "loneliness.wanted_per_need" in text and "range 3..9" in text
    bad = run_cli("parameters", "--section", "weather")
    assert bad.returncode == 2 and "'weather'" in bad.stderr and "loneliness" in bad.stderr
