"""Sweep specs: every mistake is caught before anything runs, with key, value and what is allowed."""

import copy

import numpy as np
import pytest

from experiments import SpecError, load_spec
from experiments.spec import SPEC_DIR

GOOD = {
    "name": "t", "base": "platform_with_support", "method": "sobol", "samples": 16, "replicates": 2, "seed": 5,
    "citizens": 200, "weeks": 4, "outputs": ["lonely_share", "belonging_change"],
    "parameters": {
        "support.workers": {"bounds": [0, 30]},
        "support.caseload": {"bounds": [5, 8]},
        "support.targeting": {"levels": ["first_come", "needs_based", "most_lonely_first"]},
        "support.digital_training": {"levels": [False, True]},
    },
}


def spec_with(**changes):
    d = copy.deepcopy(GOOD)
    for k, v in changes.items():
        if v is None:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def params_with(key, value):
    d = copy.deepcopy(GOOD)
    d["parameters"][key] = value
    return d


@pytest.mark.parametrize("data, message", [
    (params_with("support.wrkers", {"bounds": [0, 1]}), r"unknown key 'support.wrkers'.*allowed keys here:.*workers"),
    (params_with("support.workers", {"bounds": [0, 5000]}), r"support.workers.*5000.*less than or equal to 1000"),
    (params_with("support.caseload", {"bounds": [0.5, 8]}), r"support.caseload.*whole number"),
    (params_with("support.targeting", {"levels": ["first_come", "loudest_first"]}),
     r"'loudest_first'.*one of none, first_come"),
    (params_with("support.digital_training", {"bounds": [0, 1]}), r"true/false: use levels"),
    (params_with("support.workers", {"bounds": [3, 3]}), r"low < high"),
    (params_with("support.workers", {"bounds": [0, 3], "levels": [1, 2]}), r"exactly one of bounds or levels"),
    (params_with("support.workers", {"range": [0, 3]}), r"unknown key 'parameters.support.workers.range'"),
    (params_with("run.seed", {"bounds": [0, 3]}), r"run\.\* cannot be swept"),
    (params_with("support", {"bounds": [0, 3]}), r"not a sweepable value"),
    (params_with("support.workers", {"bounds": [0, 3], "steps": 3}), r"steps.*only for factorial"),
    (spec_with(samples=24), r"'samples' has value 24: a power of 2.*16 or 32"),
    (spec_with(samples=None), r"'samples' has value None"),
    (spec_with(method="latin"), r"'method' has value 'latin': one of sobol, morris, fast, factorial"),
    (spec_with(outputs=["lonelyness"]), r"'outputs' has value 'lonelyness': one of loneliness, lonely_share"),
    (spec_with(outputs=[]), r"non-empty list"),
    (spec_with(replicates=0), r"'replicates' has value 0"),
    (spec_with(citizens=5), r"run.citizens.*5.*greater than or equal to 10"),
    (spec_with(base="nowhere"), r"not a preset or a .toml file"),
    (spec_with(sample=4), r"unknown key 'sample'.*allowed keys: name, description, base"),
    (spec_with(options={"calc_second_order": "yes"}), r"calc_second_order.*true or false"),
    (spec_with(options={"num_levels": 4}), r"unknown option 'options.num_levels'.*for method 'sobol'"),
    (spec_with(set={"support.caseload": 15}), r"'set.support.caseload'.*not also a swept parameter"),
    (spec_with(set={"support.fidelty": 0.5}), r"unknown key 'support.fidelty'"),
    (spec_with(parameters={"support.workers": {"bounds": [0, 3]}}), r"at least two parameters for sobol"),
    (spec_with(method="factorial", samples=None), r"factorial design needs levels"),
    (spec_with(method="fast", samples=16), r"more than 4 M\^2 = 64"),
    (spec_with(method="morris", options={"num_levels": 3}), r"num_levels.*even"),
])
def test_spec_errors_name_key_value_and_allowed(data, message):
    with pytest.raises(SpecError, match=message):
        load_spec(data)


def test_spec_file_errors(tmp_path):
    with pytest.raises(SpecError, match="no such file; specs shipped in experiments/: morris_assumptions, morris_screening, sobol_policies"):
        load_spec(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("method = 'sobol'\nsamples = [")
    with pytest.raises(SpecError, match="malformed TOML"):
        load_spec(bad)


def test_shipped_specs_load_and_are_large_enough():
    s = load_spec("sobol_policies")
    assert s.method == "sobol" and len(s.parameters) == 6 and s.samples & (s.samples - 1) == 0
    m = load_spec(SPEC_DIR / "morris_screening.toml")
    assert m.method == "morris" and len(m.parameters) >= 40
    # every lever of the schema is screened
    levers = {"platform.enabled", "platform.matching_policy", "platform.outreach_effort", "support.workers",
              "support.caseload", "support.targeting", "support.delivery_mode", "support.digital_training",
              "activities.new_per_1000", "devices.per_1000"}
    assert levers <= {p.key for p in m.parameters}


def test_decoding_of_ints_bools_and_choices():
    s = load_spec(GOOD)
    X, points = s.design()
    assert X.shape == (16 * (4 + 2), 4)
    for pt in points:
        assert isinstance(pt["support.workers"], float) and 0 <= pt["support.workers"] <= 30
        assert isinstance(pt["support.caseload"], int) and 5 <= pt["support.caseload"] <= 8
        assert pt["support.targeting"] in ("first_come", "needs_based", "most_lonely_first")
        assert isinstance(pt["support.digital_training"], bool)
    p = {q.key: q for q in s.parameters}
    # whole numbers: equal slices of [low, high + 1); levels: equal slices of [0, k)
    assert [p["support.caseload"].decode(x) for x in (5.0, 5.99, 6.0, 8.99, 9.0)] == [5, 5, 6, 8, 8]
    assert [p["support.targeting"].decode(x) for x in (0.0, 0.99, 1.0, 2.5, 3.0)] == \
        ["first_come", "first_come", "needs_based", "most_lonely_first", "most_lonely_first"]


def test_design_and_seeds_are_deterministic_and_common_across_points():
    a, b = load_spec(GOOD), load_spec(GOOD)
    Xa, pa = a.design()
    Xb, pb = b.design()
    assert np.array_equal(Xa, Xb) and pa == pb
    assert a.run_seed(0, 1) == a.run_seed(7, 1) != a.run_seed(0, 0)          # common random numbers
    c = load_spec(spec_with(common_random_numbers=False))
    assert c.run_seed(0, 1) != c.run_seed(7, 1)
    assert load_spec(spec_with(seed=6)).run_seed(0, 0) != a.run_seed(0, 0)
    assert 0 <= a.run_seed(3, 1) < 2**63


def test_factorial_levels_and_steps():
    s = load_spec(spec_with(method="factorial", samples=None, parameters={
        "support.workers": {"bounds": [0, 20], "steps": 3},
        "support.caseload": {"bounds": [5, 6], "steps": 2},
        "platform.matching_policy": {"levels": ["random", "relational_match"]},
    }))
    X, points = s.design()
    assert X is None and len(points) == 3 * 2 * 2
    assert sorted({p["support.workers"] for p in points}) == [0.0, 10.0, 20.0]
    assert sorted({p["support.caseload"] for p in points}) == [5, 6]
