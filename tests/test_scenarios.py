"""Scenario loading and validation: every kind of bad input gives one ScenarioError that
names the file, the key, the value and what is allowed; valid scenarios round-trip."""

from __future__ import annotations

import json
import math
import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import reject, HealthCheck, given, settings
from hypothesis import strategies as st

from sim import BelongingModel, Scenario, ScenarioError, load_scenario, presets, preset_descriptions, scenario_hash, to_toml
from sim.policies import MATCHING, TARGETING
from sim.scenarios.loader import parse_overrides, parse_value
from sim.scenarios.schema import (DELIVERY_MODES, DEVICE_TARGETS, MATCHING_POLICIES, TARGETING_POLICIES, Section,
                                 parameter_table)

PRESETS = ("baseline", "platform_only", "platform_with_support", "connecting_people", "digital_inclusion", "remote_only")
PARAMS = {row["key"]: row for row in parameter_table()}


def write(tmp_path: Path, text: str, name="scenario.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def error_of(source, overrides=None) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(source, overrides)
    return str(info.value)


# -- presets -------------------------------------------------------------------------

def test_all_six_presets_exist_load_and_describe_themselves():
    table = presets()
    assert tuple(table)[:6] == PRESETS
    desc = preset_descriptions()
    for name in PRESETS:
        sc = load_scenario(name)
        assert isinstance(sc, Scenario)
        assert sc.name == name
        assert len(sc.description) > 40, name
        assert desc[name].endswith(".") and len(desc[name]) > 20


def test_presets_differ_in_the_levers_they_claim():
    base, plat, sup = load_scenario("baseline"), load_scenario("platform_only"), load_scenario("platform_with_support")
    assert not base.platform.enabled and base.support.workers == 0
    assert plat.platform.enabled and plat.support.workers == 0
    assert sup.platform.enabled and sup.support.workers > 0 and sup.support.targeting == "low_literacy_first"
    remote = load_scenario("remote_only")
    assert remote.support.delivery_mode == "digital" and not remote.support.digital_training
    cp = load_scenario("connecting_people")
    assert not cp.platform.enabled and cp.support.targeting == "most_lonely_first" and cp.activities.new_per_1000 > 0
    di = load_scenario("digital_inclusion")
    assert di.devices.per_1000 > 0 and di.support.digital_training


def test_policy_names_in_schema_are_exactly_the_registered_policies():
    assert set(MATCHING_POLICIES) == set(MATCHING) and len(MATCHING) >= 5
    assert set(TARGETING_POLICIES) == set(TARGETING) and len(TARGETING) >= 5


def test_every_parameter_has_description_and_source():
    assert len(PARAMS) > 60
    for key, row in PARAMS.items():
        assert row["description"], key
        assert row["source"], key


# -- round trip ----------------------------------------------------------------------

@pytest.mark.parametrize("name", PRESETS)
def test_to_toml_round_trips_every_preset(tmp_path, name):
    sc = load_scenario(name)
    back = load_scenario(write(tmp_path, to_toml(sc), f"{name}_copy.toml"))
    assert back == sc
    assert scenario_hash(back) == scenario_hash(sc)


def test_hash_changes_with_any_value():
    sc = load_scenario("baseline")
    assert scenario_hash(load_scenario("baseline", {"ties.decay_per_year": 0.16})) != scenario_hash(sc)
    assert scenario_hash(load_scenario("baseline", {"run.seed": 43})) != scenario_hash(sc)


# any text a TOML file can hold (anything but lone surrogates)
SAFE_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


LITERALS = {"platform.matching_policy": MATCHING_POLICIES, "support.targeting": TARGETING_POLICIES,
            "support.delivery_mode": DELIVERY_MODES, "devices.target": DEVICE_TARGETS}


def _in_range_value(row, draw):
    b = row["bounds"]
    if row["type"] == "bool":
        return draw(st.booleans())
    if row["type"] == "int":
        lo = int(b["gt"]) + 1 if "gt" in b else int(b.get("ge", 0))
        hi = int(b["lt"]) - 1 if "lt" in b else int(min(b.get("le", 10**6), 10**6))
        return draw(st.integers(lo, hi))
    lo = b.get("gt", b.get("ge", 0.0))
    hi = b.get("lt", b.get("le", 1e6))
    return draw(st.floats(lo, hi, exclude_min="gt" in b, exclude_max="lt" in b))


@st.composite
def valid_scenarios(draw):
    """A preset with a few random in-range values, policies and a free-text description."""
    base = load_scenario(draw(st.sampled_from(PRESETS)))
    keys = draw(st.lists(st.sampled_from([k for k, r in PARAMS.items() if r["type"] in ("int", "float", "bool")]),
                         max_size=6, unique=True))
    over = {k: _in_range_value(PARAMS[k], draw) for k in keys}
    for k, names in LITERALS.items():
        if draw(st.booleans()):
            over[k] = draw(st.sampled_from(names))
    over["description"] = draw(SAFE_TEXT)
    try:
        return load_scenario(base, over)
    except ScenarioError:         # a cross-key rule (e.g. network.kin_hours_low <= kin_hours_high): not valid
        reject()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sc=valid_scenarios())
def test_to_toml_round_trips_random_valid_scenarios(tmp_path, sc):
    assert load_scenario(write(tmp_path, to_toml(sc))) == sc


def test_to_toml_round_trips_text_outside_the_basic_plane(tmp_path):
    sc = load_scenario("baseline", {"description": "Workshop group \U0001F600 (Aarhus)"})
    assert load_scenario(write(tmp_path, to_toml(sc))) == sc


def test_to_toml_round_trips_the_delete_character(tmp_path):
    sc = load_scenario("baseline", {"description": "pasted from a terminal \x7f"})
    assert load_scenario(write(tmp_path, to_toml(sc))) == sc


# -- each kind of bad input ----------------------------------------------------------

def test_unknown_top_level_key(tmp_path):
    p = write(tmp_path, 'name = "x"\ncolour = "blue"\n[run]\ncitizens = 100\n')
    msg = error_of(p)
    assert str(p) in msg
    assert "'colour'" in msg and "'blue'" in msg
    assert "allowed keys" in msg and "run" in msg and "support" in msg


def test_unknown_nested_key(tmp_path):
    p = write(tmp_path, "[support.components]\nfoo = true\ncoaching = false\n")
    msg = error_of(p)
    assert str(p) in msg
    assert "'support.components.foo'" in msg and "True" in msg
    assert "goal_setting" in msg and "bridging" in msg     # what is allowed there


def test_unknown_key_in_section(tmp_path):
    p = write(tmp_path, "[platform]\nenabeld = true\n")
    msg = error_of(p)
    assert "'platform.enabeld'" in msg and "enabled" in msg and str(p) in msg


def test_string_for_int(tmp_path):
    p = write(tmp_path, '[run]\ncitizens = "many"\n')
    msg = error_of(p)
    assert str(p) in msg and "'run.citizens'" in msg and "'many'" in msg and "integer" in msg


def test_float_for_bool(tmp_path):
    p = write(tmp_path, "[support]\ndigital_training = 0.5\n")
    msg = error_of(p)
    assert str(p) in msg and "'support.digital_training'" in msg and "0.5" in msg and "boolean" in msg


@pytest.mark.parametrize("key,value,allowed", [
    ("run.citizens", 1000.0, "integer"),         # strict: no silent float -> int
    ("run.citizens", True, "integer"),           # nor bool -> int
    ("platform.enabled", 1, "boolean"),
    ("population.share_low_literacy", "0.2", "number"),
    ("support.components", 1, "dictionary"),
    ("support", 3, "dictionary"),
    ("name", 5, "string"),
])
def test_wrong_types_are_not_coerced(key, value, allowed):
    msg = error_of("baseline", {key: value})
    assert f"'{key}'" in msg and repr(value) in msg and allowed in msg
    assert "baseline.toml" in msg


@pytest.mark.parametrize("key,value,allowed", [
    ("run.citizens", 5, "greater than or equal to 10"),
    ("population.share_low_literacy", 1.5, "less than or equal to 1"),
    ("ties.hours_per_meeting", 0.0, "greater than 0"),
    ("support.caseload", 0, "greater than or equal to 1"),
    ("costs.device", -1, "greater than or equal to 0"),
    ("ties.decay_per_year", float("nan"), "less than or equal to 0.99"),
])
def test_out_of_range(key, value, allowed):
    msg = error_of("baseline", {key: value})
    assert f"'{key}'" in msg and repr(value) in msg and allowed in msg


def test_out_of_range_in_file(tmp_path):
    p = write(tmp_path, "[population]\nshare_no_device = -0.1\n")
    msg = error_of(p)
    assert str(p) in msg and "'population.share_no_device'" in msg and "-0.1" in msg and "greater than or equal to 0" in msg


def test_infinite_cost_is_rejected():
    with pytest.raises(ScenarioError):
        load_scenario("baseline", {"costs.device": float("inf")})


@pytest.mark.parametrize("key,value,names", [
    ("platform.matching_policy", "astrology", MATCHING_POLICIES),
    ("support.targeting", "richest_first", TARGETING_POLICIES),
    ("support.delivery_mode", "carrier_pigeon", ("in_person", "digital", "hybrid")),
    ("devices.target", "nobody", ("clients", "everyone")),
])
def test_unknown_policy_name_lists_the_allowed_names(tmp_path, key, value, names):
    section, field = key.split(".")
    p = write(tmp_path, f'[{section}]\n{field} = "{value}"\n')
    msg = error_of(p)
    assert str(p) in msg and f"'{key}'" in msg and repr(value) in msg
    for n in names:
        assert repr(n) in msg


def test_several_problems_are_all_reported(tmp_path):
    p = write(tmp_path, '[run]\ncitizens = 1\nweeks = "x"\n[ties]\nbogus = 1\n')
    msg = error_of(p)
    assert "'run.citizens'" in msg and "'run.weeks'" in msg and "'ties.bogus'" in msg


@pytest.mark.parametrize("text", ["[run\ncitizens = 100\n", "citizens = \n", "[run]\nweeks = 52\nweeks = 53\n",
                                  'name = "unterminated\n'])
def test_malformed_toml(tmp_path, text):
    p = write(tmp_path, text)
    msg = error_of(p)
    assert str(p) in msg and "malformed TOML" in msg


def test_binary_file(tmp_path):
    p = tmp_path / "noise.toml"
    p.write_bytes(b"\xff\xfe\x00\x81garbage")
    msg = error_of(p)
    assert str(p) in msg


def test_missing_file(tmp_path):
    p = tmp_path / "nope.toml"
    msg = error_of(p)
    assert str(p) in msg and "no such" in msg


def test_unknown_preset_lists_presets():
    msg = error_of("no_such_preset")
    assert "'no_such_preset'" in msg
    for name in PRESETS:
        assert name in msg


def test_scenario_file_uses_its_stem_as_name(tmp_path):
    sc = load_scenario(write(tmp_path, "[run]\ncitizens = 300\n", "my_town.toml"))
    assert sc.name == "my_town" and sc.run.citizens == 300
    # everything not given takes the schema default
    assert sc.support == Scenario().support


def test_validation_happens_before_anything_runs():
    with pytest.raises(ScenarioError):
        BelongingModel("baseline", citizens=5)
    with pytest.raises(ScenarioError):
        BelongingModel("baseline", overrides={"platform.matching_policy": "nope"})
    with pytest.raises(ScenarioError):
        BelongingModel("baseline", overrides=["support.workers"])


# -- --set parsing -------------------------------------------------------------------

def test_parse_value_reads_toml_values():
    assert parse_value("10") == 10 and isinstance(parse_value("10"), int)
    assert parse_value("0.5") == 0.5
    assert parse_value("true") is True and parse_value("false") is False
    assert parse_value('"interests"') == "interests"
    assert parse_value("interests") == "interests"          # bare words are strings
    assert parse_value("[1, 2]") == [1, 2]


def test_parse_overrides():
    assert parse_overrides(None) == {}
    assert parse_overrides([]) == {}
    assert parse_overrides(["support.workers=10", " platform.enabled = true ", "platform.matching_policy=interests"]) == {
        "support.workers": 10, "platform.enabled": True, "platform.matching_policy": "interests"}
    assert parse_overrides({"a.b": 1}) == {"a.b": 1}
    # a later --set of the same key wins
    assert parse_overrides(["run.weeks=3", "run.weeks=4"]) == {"run.weeks": 4}


def test_set_without_equals_is_an_error():
    with pytest.raises(ScenarioError, match="support.workers.*dotted.key=value"):
        parse_overrides(["support.workers"])


def test_set_through_a_value_is_an_error():
    # the preset file sets support.workers: the override cannot descend into it
    msg = error_of("platform_with_support", ["support.workers.extra=1"])
    assert "'support.workers.extra'" in msg and "'workers'" in msg and "not a section" in msg
    # the preset leaves it to the default: the nested table is then not a number
    msg = error_of("baseline", ["support.workers.extra=1"])
    assert "'support.workers'" in msg and "{'extra': 1}" in msg and "number" in msg


def test_overrides_apply_and_are_validated():
    sc = load_scenario("platform_only", ["support.workers=12", "support.targeting=relational_first",
                                         "support.components.bridging=false", "run.citizens=321"])
    assert sc.support.workers == 12.0 and sc.support.targeting == "relational_first"
    assert sc.support.components.bridging is False and sc.run.citizens == 321
    assert sc.platform.enabled       # the preset's own values stay
    msg = error_of("platform_only", ["run.citizens=abc"])
    assert "platform_only.toml with overrides" in msg and "'run.citizens'" in msg and "'abc'" in msg


def test_overrides_do_not_change_the_preset_for_the_next_load():
    load_scenario("baseline", {"support.workers": 50})
    assert load_scenario("baseline").support.workers == 0


# -- random malformed scenarios (hypothesis) ---------------------------------------

SECTIONS = {"": Scenario}
for _name, _field in Scenario.model_fields.items():
    if isinstance(_field.annotation, type) and issubclass(_field.annotation, Section):
        SECTIONS[_name] = _field.annotation
SECTIONS["support.components"] = Scenario.model_fields["support"].annotation.model_fields["components"].annotation

WORD = st.text(string.ascii_lowercase + "_", min_size=1, max_size=14)
SCALARS = st.one_of(
    st.integers(-10**20, 10**20),
    st.floats(),                               # NaN and infinities included
    st.booleans(),
    st.text(string.ascii_letters + string.digits + " _-.", max_size=12),
)
VALUES = st.one_of(SCALARS, st.lists(st.integers(-5, 5), max_size=3),
                   st.dictionaries(WORD, st.integers(0, 9), max_size=2))


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def toml_text(data: dict) -> str:
    lines = [f"{k} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict) or not _is_table(k, data)]

    def table(prefix, d):
        lines.append(f"[{prefix}]")
        for k, v in d.items():
            if not (isinstance(v, dict) and _is_table(k, d, prefix)):
                lines.append(f"{k} = {toml_value(v)}")
        for k, v in d.items():
            if isinstance(v, dict) and _is_table(k, d, prefix):
                table(f"{prefix}.{k}", v)

    for k, v in data.items():
        if isinstance(v, dict) and _is_table(k, data):
            table(k, v)
    return "\n".join(lines) + "\n"


def _is_table(key, parent, prefix=""):
    return (f"{prefix}.{key}" if prefix else key) in SECTIONS


def preset_data(name) -> dict:
    data = tomllib.loads(presets()[name].read_text())
    for section in SECTIONS:
        if section:
            node = data
            for part in section.split("."):
                node = node.setdefault(part, {})
    return data


def set_dotted(data, key, value):
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


def check_outcome(path_or_name, overrides, key, must_fail):
    """Load; the only acceptable failure is a ScenarioError naming the source and the key."""
    try:
        sc = load_scenario(path_or_name, overrides)
    except ScenarioError as exc:
        msg = str(exc)
        assert f"'{key}'" in msg, msg
        origin = str(path_or_name) if isinstance(path_or_name, Path) else f"{path_or_name}.toml"
        assert origin in msg, msg
        return None
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{type(exc).__name__} instead of ScenarioError for {key}: {exc}")
    assert not must_fail, f"{key} accepted"
    assert isinstance(sc, Scenario)
    return sc


def assert_valid(sc: Scenario):
    """Every numeric value of an accepted scenario is finite and within its bounds."""
    for key, row in PARAMS.items():
        v = sc
        for part in key.split("."):
            v = getattr(v, part)
        if row["type"] in ("int", "float"):
            assert isinstance(v, (int, float)) and not isinstance(v, bool), key
            assert math.isfinite(v), (key, v)
            b = row["bounds"]
            assert v >= b.get("ge", -math.inf) and v <= b.get("le", math.inf) and v > b.get("gt", -math.inf), (key, v)
        elif row["type"] == "bool":
            assert isinstance(v, bool), key


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(preset=st.sampled_from(PRESETS), section=st.sampled_from(sorted(SECTIONS)), key=WORD, value=SCALARS)
def test_random_unknown_keys_are_named(tmp_path, preset, section, key, value):
    if key in SECTIONS[section].model_fields:
        return
    data = preset_data(preset)
    node = data
    for part in filter(None, section.split(".")):
        node = node[part]
    node[key] = value
    p = write(tmp_path, toml_text(data))
    dotted = f"{section}.{key}" if section else key
    check_outcome(p, None, dotted, must_fail=True)
    check_outcome(preset, {dotted: value}, dotted, must_fail=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(preset=st.sampled_from(PRESETS), key=st.sampled_from(sorted(PARAMS)), value=VALUES)
def test_random_wrong_values_for_known_keys(tmp_path, preset, key, value):
    data = preset_data(preset)
    set_dotted(data, key, value)
    p = write(tmp_path, toml_text(data))
    for source, over in ((p, None), (preset, {key: value})):
        sc = check_outcome(source, over, key, must_fail=False)
        if sc is not None:
            assert_valid(sc)
            got = sc
            for part in key.split("."):
                got = getattr(got, part)
            assert got == value, (key, value, got)
            assert (type(value) is bool) == (type(got) is bool), (key, value, got)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(preset=st.sampled_from(PRESETS),
       key=st.sampled_from(sorted(k for k, r in PARAMS.items() if r["type"] in ("int", "float"))),
       value=st.one_of(st.integers(-10**7, 10**7), st.floats(-1e7, 1e7), st.floats()))
def test_random_numbers_are_accepted_only_in_range(tmp_path, preset, key, value):
    row = PARAMS[key]
    b = row["bounds"]
    in_range = (not (isinstance(value, float) and not math.isfinite(value))
                and value >= b.get("ge", -math.inf) and value <= b.get("le", math.inf) and value > b.get("gt", -math.inf))
    acceptable_type = row["type"] == "float" or isinstance(value, int)
    data = preset_data(preset)
    set_dotted(data, key, value)
    p = write(tmp_path, toml_text(data))
    for source, over in ((p, None), (preset, {key: value})):
        sc = check_outcome(source, over, key, must_fail=not (in_range and acceptable_type))
        if sc is not None:
            assert_valid(sc)


# -- files that are not scenario files (issue 16, item 11) --------------------------

def _deep_text(kind: str, depth: int) -> str:
    """A TOML text nesting `depth` levels: arrays, inline tables, dotted keys or table headers."""
    if kind == "array":
        return "x = " + "[" * depth + "]" * depth + "\n"
    if kind == "inline":
        return "x = " + "{a = " * depth + "1" + "}" * depth + "\n"
    if kind == "dotted":
        return ".".join(["a"] * depth) + " = 1\n"
    return "[" + ".".join(["a"] * depth) + "]\nb = 1\n"


@pytest.mark.parametrize("kind", ["array", "inline", "dotted", "header"])
@pytest.mark.parametrize("depth", [17, 500, 1000, 20000])
def test_deep_nesting_is_named_not_a_recursion_error(tmp_path, kind, depth):
    p = write(tmp_path, _deep_text(kind, depth))
    msg = error_of(p)
    assert str(p) in msg and "nested more than 16 levels" in msg


def test_a_folder_is_not_a_scenario(tmp_path):
    folder = tmp_path / "mine.toml"
    folder.mkdir()
    (folder / "inside.toml").write_text("[run]\ncitizens = 300\n")
    msg = error_of(folder)
    assert str(folder) in msg and "is a folder" in msg and "inside.toml" in msg
    plain = tmp_path / "plainfolder"
    plain.mkdir()
    assert "is a folder" in error_of(plain)


def test_a_folder_named_like_a_preset_does_not_hide_the_preset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "baseline").mkdir()
    assert load_scenario("baseline").name == "baseline"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    text = "[run]\ncitizens = 300\n"
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_scenario(p).run.citizens == 300


def test_utf16_is_named(tmp_path):
    p = tmp_path / "wide.toml"
    p.write_bytes("[run]\ncitizens = 300\n".encode("utf-16"))
    msg = error_of(p)
    assert str(p) in msg and "UTF-16" in msg and "UTF-8" in msg


def test_binary_file_says_not_utf8(tmp_path):
    p = tmp_path / "noise.toml"
    p.write_bytes(bytes(range(128, 256)))
    msg = error_of(p)
    assert str(p) in msg and "not a UTF-8 text file" in msg


@pytest.mark.parametrize("name", ["a\x00b.toml", "a\x00b", "\x00"])
def test_a_nul_byte_in_the_name(name):
    msg = error_of(name)
    assert "NUL byte" in msg and "\\x00" in msg


@pytest.mark.parametrize("name", ["a" * 300, "a" * 300 + ".toml", "a" * 300 + "/x.toml", "b" * 5000 + ".toml"])
def test_a_name_too_long_for_the_file_system(name):
    msg = error_of(name)
    assert "too long" in msg and name[:40] in msg and f"({len(name)} characters" in msg


def test_a_path_through_a_file(tmp_path):
    f = write(tmp_path, "[run]\ncitizens = 300\n")
    msg = error_of(f / "x.toml")
    assert str(f / "x.toml") in msg and "is a file, not a folder" in msg


@pytest.mark.parametrize("text", ["", "\n\n  \n", "# only a comment\n", "\xef\xbb\xbf"])
def test_an_empty_scenario_file_is_refused(tmp_path, text):
    p = tmp_path / "empty.toml"
    p.write_bytes(text.encode("latin-1"))
    msg = error_of(p)
    assert str(p) in msg and "holds no values" in msg


def test_a_file_with_only_a_description_runs_the_defaults(tmp_path):
    sc = load_scenario(write(tmp_path, 'description = "defaults"\n'))
    assert sc.description == "defaults" and sc.run == Scenario().run


# the fuzzer: random presets spoiled in the ways above; only a ScenarioError naming the file may come out

def _spoiled_text(preset: str, kind: str, depth: int) -> str:
    text = presets()[preset].read_text()
    deep = _deep_text(kind, depth).replace("x = ", "zz_deep = ").replace("a.", "zz.").replace("[a", "[zz")
    return text + "\n" + deep if kind == "header" else deep + text   # a key before the first table


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(preset=st.sampled_from(PRESETS), kind=st.sampled_from(["array", "inline", "dotted", "header"]),
       depth=st.one_of(st.integers(17, 100), st.integers(100, 5000)), bom=st.booleans())
def test_random_deep_nesting_in_presets(tmp_path, preset, kind, depth, bom):
    p = tmp_path / "deep.toml"
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + _spoiled_text(preset, kind, depth).encode())
    msg = error_of(p)
    assert str(p) in msg and "nested more than 16 levels" in msg


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(preset=st.sampled_from(PRESETS))
def test_random_preset_with_a_byte_order_mark_loads_as_without(tmp_path, preset):
    p = tmp_path / f"{preset}.toml"
    p.write_bytes(b"\xef\xbb\xbf" + presets()[preset].read_bytes())
    assert load_scenario(p) == load_scenario(preset)


NAME_CHARS = st.characters(min_codepoint=1, max_codepoint=0x2FF, exclude_characters="/")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stem=st.text(NAME_CHARS, min_size=0, max_size=30), nul_at=st.integers(0, 30),
       long=st.integers(0, 2000), suffix=st.sampled_from(["", ".toml"]), kind=st.sampled_from(["nul", "long", "dir"]))
def test_random_bad_names(tmp_path, stem, nul_at, long, suffix, kind):
    if kind == "nul":
        name = stem[:nul_at] + "\x00" + stem[nul_at:] + suffix
        need = "NUL byte"
    elif kind == "long":
        name = str(tmp_path / ((stem or "x") * (1 + (256 + long) // max(1, len((stem or "x").encode())))))[:4000] + suffix
        need = "too long"
    else:
        name = str(tmp_path / ("d" + stem.replace("\x00", "") + suffix))
        Path(name).mkdir(exist_ok=True)
        need = "is a folder"
    try:
        load_scenario(name)
    except ScenarioError as exc:
        assert need in str(exc), (name[:60], str(exc))
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{type(exc).__name__} instead of ScenarioError for {name[:60]!r}: {exc}")
    else:
        pytest.fail(f"{name[:60]!r} loaded")
