"""The `belonging` command end to end, through the installed entry point (.venv/bin/belonging)."""

from __future__ import annotations

import json
import math
import subprocess

import pandas as pd
import pyarrow.parquet as pq
import pytest

from belonging.cli import main
from model_helpers import BELONGING, ROOT, run_cli
from sim import OUTCOMES, BelongingModel, load_scenario

PRESETS = ("baseline", "platform_only", "platform_with_support", "connecting_people", "digital_inclusion", "remote_only")


def run_many(argvs, timeout=180):
    """Start several CLI runs at once (the machine has two cores) and wait for all."""
    procs = [subprocess.Popen([str(BELONGING), *map(str, a)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT) for a in argvs]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=timeout)
        out.append((p.returncode, stdout, stderr))
    return out


def test_scenarios_lists_all_six_presets(belonging_exe):
    r = run_cli("scenarios")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(PRESETS)
    assert all(len(line.split(None, 1)[1]) > 20 for line in lines)


def test_scenarios_json(capsys):
    assert main(["scenarios", "--json"]) == 0
    assert list(json.loads(capsys.readouterr().out)) == list(PRESETS)


def test_run_prints_summary_and_subgroup_table(belonging_exe):
    r = run_cli("run", "platform_with_support", "--citizens", 1000, "--weeks", 10)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Scenario platform_with_support: 1000 citizens, 10 weeks" in out
    for name in OUTCOMES:
        assert f"\n{name} " in out, name
    assert "By subgroup" in out
    header = next(line for line in out.splitlines() if line.startswith("literacy"))
    for col in ("relational", "supported", "n", "lonely0", "lonely1", "belong0", "belong1", "reach", "bridge"):
        assert col in header.split()
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in (["low"], ["high"])]
    assert 4 <= len(rows) <= 8
    assert sum(int(row[3]) for row in rows) == 1000
    assert {row[1] for row in rows} == {"difficulties", "secure"} and {row[2] for row in rows} <= {"yes", "no"}
    assert "Costs:" in out
    # the start and end values printed are the model's own (same seed in this process)
    m = BelongingModel("platform_with_support", citizens=1000, weeks=10).run()
    line = next(line for line in out.splitlines() if line.startswith("lonely_share "))
    assert line.split()[1:3] == [f"{m.outcomes()['lonely_share']['start']:.3f}", f"{m.outcomes()['lonely_share']['end']:.3f}"]


def test_run_json(belonging_exe):
    r = run_cli("run", "platform_with_support", "--citizens", 1000, "--weeks", 10, "--seed", 3, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)            # exactly one JSON object, nothing else on stdout
    assert isinstance(data, dict)
    assert set(data["outcomes"]) == set(OUTCOMES)
    for name, v in data["outcomes"].items():
        assert set(v) == {"start", "end"} and all(isinstance(x, float) for x in v.values()), name
    groups = data["subgroups"]
    assert 4 <= len(groups) <= 8 and sum(g["n"] for g in groups) == 1000
    keys = set()
    for g in groups:
        assert g["digital_literacy"] in ("low", "high")
        assert g["relational_history"] in ("difficulties", "secure")
        assert g["supported"] in ("yes", "no")
        assert isinstance(g["n"], int) and g["n"] > 0
        for name in OUTCOMES:
            assert set(g[name]) == {"start", "end"}, name
        keys.add((g["digital_literacy"], g["relational_history"], g["supported"]))
    assert len(keys) == len(groups)
    # same numbers as the model run in this process with the same seed
    m = BelongingModel("platform_with_support", citizens=1000, weeks=10, seed=3).run()
    assert data["outcomes"] == m.outcomes()
    assert data["seed"] == 3 and data["citizens"] == 1000 and data["weeks"] == 10


def test_run_out_writes_parquet_and_csv(belonging_exe, tmp_path):
    out = tmp_path / "results" / "run1"
    r = run_cli("run", "connecting_people", "--citizens", 700, "--weeks", 6, "--seed", 8, "--out", out,
                "--set", "support.caseload=20")
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stdout and "By subgroup" in r.stdout
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 7 and ts["week"].tolist() == list(range(7))
    for col in ("week", *OUTCOMES, "platform_active", "on_caseload", "ties", "cost"):
        assert col in ts.columns, col
    table = pq.read_table(out / "citizens.parquet")
    assert table.num_rows == 700
    cit = table.to_pandas()
    for col in ("citizen", "digital_literacy", "relational_history", "supported", "literacy",
                *(f"{k}_start" for k in OUTCOMES), *(f"{k}_end" for k in OUTCOMES), "fired_reach", "fired_bridge"):
        assert col in cit.columns, col
    assert cit["citizen"].tolist() == list(range(700))
    sub = pd.read_csv(out / "subgroups.csv")
    assert sub["n"].sum() == 700
    assert {"digital_literacy", "relational_history", "supported", "lonely_share_start", "lonely_share_end"} <= set(sub.columns)
    sc = load_scenario(out / "scenario.toml")
    assert sc.support.caseload == 20 and sc.run.citizens == 700 and sc.run.seed == 8
    # the files hold the run's numbers
    m = BelongingModel("connecting_people", citizens=700, weeks=6, seed=8, overrides={"support.caseload": 20}).run()
    pd.testing.assert_frame_equal(ts, m.timeseries(), check_dtype=False)
    assert cit["loneliness_end"].tolist() == m.citizen_table()["loneliness_end"].tolist()


def test_run_json_with_out_prints_only_json(capsys, tmp_path):
    assert main(["run", "baseline", "--citizens", "300", "--weeks", "2", "--json", "--out", str(tmp_path)]) == 0
    json.loads(capsys.readouterr().out)
    assert (tmp_path / "citizens.parquet").exists()


@pytest.mark.slow
def test_every_preset_runs(belonging_exe):
    results = run_many([("run", name, "--citizens", 400, "--weeks", 4, "--json") for name in PRESETS])
    for name, (code, stdout, stderr) in zip(PRESETS, results):
        assert code == 0, f"{name}: {stderr}"
        data = json.loads(stdout)
        assert data["scenario"] == name and sum(g["n"] for g in data["subgroups"]) == 400


def test_a_preset_copied_to_a_file_runs(capsys, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text((ROOT / "sim" / "scenarios" / "remote_only.toml").read_text())
    assert main(["run", str(path), "--citizens", "300", "--weeks", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["scenario"] == "mine"


BAD = {
    "bad_set_type": (["run", "baseline", "--set", "run.citizens=abc"], ["'run.citizens'", "'abc'", "integer"]),
    "set_without_value": (["run", "baseline", "--set", "support.workers"], ["support.workers", "dotted.key=value"]),
    "unknown_preset": (["run", "no_such_scenario"], ["'no_such_scenario'", "baseline", "remote_only"]),
    "missing_file": (["run", "missing.toml"], ["missing.toml", "no such"]),
    "out_of_range": (["run", "baseline", "--citizens", "5"], ["'run.citizens'", "5", "greater than or equal to 10"]),
    "unknown_policy": (["run", "baseline", "--set", "support.targeting=richest"], ["'support.targeting'", "'richest'",
                                                                                 "most_lonely_first"]),
}


def bad_cases(tmp_path):
    malformed = tmp_path / "malformed.toml"
    malformed.write_text("[run\ncitizens = 100\n")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[support.components]\nfoo = true\n")
    cases = dict(BAD)
    cases["malformed_toml"] = (["run", str(malformed)], [str(malformed), "malformed TOML"])
    cases["unknown_nested_key"] = (["run", str(unknown)], [str(unknown), "'support.components.foo'", "goal_setting"])
    return cases


def check_bad(name, needles, code, stdout, stderr):
    assert code == 2, f"{name}: exit {code}, stderr {stderr}"
    assert stdout == "", f"{name}: stdout {stdout!r}"
    assert "Traceback" not in stderr, name
    for needle in needles:
        assert needle in stderr, f"{name}: {needle!r} not in {stderr!r}"


def test_bad_input_exits_2_with_message_on_stderr_and_nothing_on_stdout(belonging_exe, tmp_path):
    """Through the installed command (two cases; the in-process test below covers every kind)."""
    cases = bad_cases(tmp_path)
    picked = ["bad_set_type", "malformed_toml"]
    results = run_many([cases[k][0] for k in picked])
    for name, (code, stdout, stderr) in zip(picked, results):
        check_bad(name, cases[name][1], code, stdout, stderr)


def test_every_kind_of_bad_input_through_the_cli_main(tmp_path, capsys):
    for name, (argv, needles) in bad_cases(tmp_path).items():
        code = main(argv)
        out = capsys.readouterr()
        check_bad(name, needles, code, out.out, out.err)


def test_usage_errors(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run"])
    out = capsys.readouterr()
    assert exc.value.code == 2 and "SCENARIO_OR_FILE" in out.err and out.out == ""
    with pytest.raises(SystemExit) as exc:
        main(["run", "baseline", "--citizens", "many"])
    assert exc.value.code == 2 and "--citizens" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0 and "scenarios" in out and "run" in out


# -- issue 16: files that are not scenario or spec files (item 11) ------------------------

SPEC_TEXT = '''base = "{base}"
method = "morris"
samples = 2
citizens = 100
weeks = 1
outputs = ["lonely_share"]
[parameters]
"support.workers" = {{ bounds = [0, 30] }}
"platform.outreach_effort" = {{ bounds = [0.1, 1.0] }}
'''


def bad_file_cases(tmp_path):
    """name -> (argv, needles): each must exit 2 with the needles on stderr, nothing on stdout, no traceback."""
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 600 + "]" * 600 + "\n")
    deep_table = tmp_path / "deep_table.toml"
    deep_table.write_text("x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    binary = tmp_path / "binary.toml"
    binary.write_bytes(bytes(range(256)))
    wide = tmp_path / "wide.toml"
    wide.write_bytes("[run]\ncitizens = 300\n".encode("utf-16"))
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    long = "a" * 300 + ".toml"
    deep_spec = tmp_path / "deep_spec.toml"
    deep_spec.write_text(SPEC_TEXT.format(base="baseline") + "x = " + "[" * 900 + "]" * 900 + "\n")
    spec_on = {}
    for name, base in (("deep", deep), ("folder", folder), ("nul", "a\\u0000b.toml"), ("long", "b" * 300)):
        spec_on[name] = tmp_path / f"spec_on_{name}.toml"
        spec_on[name].write_text(SPEC_TEXT.format(base=base))
    nested = "nested more than 16 levels"
    return {
        "run_deep": (["run", deep], [str(deep), nested]),
        "run_deep_inline_tables": (["run", deep_table], [str(deep_table), nested]),
        "compare_deep": (["compare", "baseline", deep, "--workers", "1"], [str(deep), nested]),
        "sweep_deep_spec": (["sweep", deep_spec, "--dry-run"], [str(deep_spec), nested]),
        "sweep_spec_on_deep_scenario": (["sweep", spec_on["deep"], "--dry-run"], [str(deep), nested]),
        "run_folder": (["run", folder], [str(folder), "is a folder"]),
        "compare_folder": (["compare", folder, "baseline", "--workers", "1"], [str(folder), "is a folder"]),
        "sweep_folder": (["sweep", folder, "--dry-run"], [str(folder), "is a folder"]),
        "sweep_spec_on_folder": (["sweep", spec_on["folder"], "--dry-run"], [str(folder), "is a folder"]),
        "run_binary": (["run", binary], [str(binary), "not a UTF-8 text file"]),
        "sweep_binary": (["sweep", binary, "--dry-run"], [str(binary), "not a UTF-8 text file"]),
        "run_utf16": (["run", wide], [str(wide), "UTF-16"]),
        "sweep_utf16": (["sweep", wide, "--dry-run"], [str(wide), "UTF-16"]),
        "run_nul": (["run", "a\x00b.toml"], ["'a\\x00b.toml'", "NUL byte"]),
        "sweep_nul": (["sweep", "a\x00b.toml", "--dry-run"], ["'a\\x00b.toml'", "NUL byte"]),
        "sweep_spec_on_nul": (["sweep", spec_on["nul"], "--dry-run"], ["'a\\x00b.toml'", "NUL byte"]),
        "run_long": (["run", long], [long[:60], "too long"]),
        "compare_long": (["compare", "baseline", long, "--workers", "1"], [long[:60], "too long"]),
        "sweep_long": (["sweep", long, "--dry-run"], [long[:60], "too long"]),
        "sweep_spec_on_long": (["sweep", spec_on["long"], "--dry-run"], ["b" * 60, "too long"]),
        "run_empty": (["run", empty], [str(empty), "holds no values"]),
        "sweep_empty": (["sweep", empty, "--dry-run"], [str(empty), "holds no values"]),
    }


def test_files_that_are_not_scenarios_or_specs_exit_2_with_one_message(tmp_path, capsys):
    for name, (argv, needles) in bad_file_cases(tmp_path).items():
        code = main([str(a) for a in argv])
        out = capsys.readouterr()
        check_bad(name, needles, code, out.out, out.err)


def test_files_that_are_not_scenarios_through_the_installed_command(belonging_exe, tmp_path):
    cases = bad_file_cases(tmp_path)
    picked = ["run_deep", "compare_folder", "sweep_binary", "sweep_spec_on_long"]
    results = run_many([cases[k][0] for k in picked])
    for name, (code, stdout, stderr) in zip(picked, results):
        check_bad(name, cases[name][1], code, stdout, stderr)


def test_a_byte_order_mark_is_accepted_by_run_and_sweep(tmp_path, capsys):
    sc = tmp_path / "bom.toml"
    sc.write_bytes(b"\xef\xbb\xbf[run]\ncitizens = 300\nweeks = 2\n")
    assert main(["run", str(sc), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["citizens"] == 300
    spec = tmp_path / "bom_spec.toml"
    spec.write_bytes(b"\xef\xbb\xbf" + SPEC_TEXT.format(base="baseline").encode())
    assert main(["sweep", str(spec), "--dry-run"]) == 0
    assert "support.workers" in capsys.readouterr().out


# -- issue 16: --out checked before any run (item 2) ---------------------------------------

@pytest.fixture
def nothing_may_run(monkeypatch):
    """Building a model or starting a comparison fails the test: --out must be refused first."""
    import experiments
    import sim

    def refuse(*a, **k):
        raise AssertionError("work started before --out was checked")
    monkeypatch.setattr(sim, "BelongingModel", refuse)
    monkeypatch.setattr(experiments, "compare", refuse)


def bad_out_cases(tmp_path):
    a_file = tmp_path / "results.csv"
    a_file.write_text("earlier results\n")
    crowded = tmp_path / "crowded"
    crowded.mkdir()
    (crowded / "notes.txt").write_text("mine")
    long = str(tmp_path / ("o" * 300))
    cases = {}
    for cmd, extra in (("run", ["baseline"]), ("compare", ["baseline", "platform_only", "--workers", "1"])):
        cases[f"{cmd}_out_is_a_file"] = ([cmd, *extra, "--out", a_file], [str(a_file), "is a file", "new folder"])
        cases[f"{cmd}_out_through_a_file"] = ([cmd, *extra, "--out", a_file / "sub"],
                                              [str(a_file / "sub"), "is a file, not a folder"])
        cases[f"{cmd}_out_has_other_files"] = ([cmd, *extra, "--out", crowded],
                                               [str(crowded), "other files (notes.txt)", "empty folder"])
        cases[f"{cmd}_out_nul"] = ([cmd, *extra, "--out", "res\x00ults"], ["'res\\x00ults'", "NUL byte"])
        cases[f"{cmd}_out_long"] = ([cmd, *extra, "--out", long], [long[:80], "too long"])
    cases["sweep_out_is_a_file"] = (["sweep", "morris_screening", "--out", a_file], [str(a_file), "is a file"])
    cases["sweep_out_long"] = (["sweep", "morris_screening", "--out", long], [long[:80], "too long"])
    return cases, a_file, crowded


def test_bad_out_is_refused_before_any_run(tmp_path, capsys, nothing_may_run):
    cases, a_file, crowded = bad_out_cases(tmp_path)
    for name, (argv, needles) in cases.items():
        code = main([str(a) for a in argv])
        out = capsys.readouterr()
        check_bad(name, needles, code, out.out, out.err)
        assert "Nothing was run" in out.err, name
    assert a_file.read_text() == "earlier results\n" and (crowded / "notes.txt").read_text() == "mine"


def test_out_is_a_file_through_the_installed_command(belonging_exe, tmp_path):
    cases, _, _ = bad_out_cases(tmp_path)
    picked = ["run_out_is_a_file", "compare_out_is_a_file"]
    # a large run would take minutes: refused at once, it takes the start-up time only
    argvs = [cases[k][0] + ["--citizens", 1_000_000, "--weeks", 500] for k in picked]
    argvs[1] += ["--replicates", 50]
    results = run_many(argvs, timeout=60)
    for name, (code, stdout, stderr) in zip(picked, results):
        check_bad(name, cases[name][1], code, stdout, stderr)


def test_out_of_an_earlier_run_is_replaced(tmp_path, capsys):
    out = tmp_path / "run1"
    assert main(["run", "baseline", "--citizens", "300", "--weeks", "2", "--json", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["run", "baseline", "--citizens", "400", "--weeks", "2", "--json", "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["citizens"] == 400
    assert len(pd.read_parquet(out / "citizens.parquet")) == 400
    assert sorted(p.name for p in out.iterdir()) == sorted(["timeseries.parquet", "citizens.parquet",
                                                            "subgroups.csv", "scenario.toml"])


def test_a_write_that_fails_after_the_run_keeps_the_results(tmp_path, capsys, monkeypatch):
    from belonging import cmd_compare, cmd_run

    for mod, argv in ((cmd_run, ["run", "baseline", "--citizens", "300", "--weeks", "2"]),
                      (cmd_compare, ["compare", "baseline", "platform_only", "--citizens", "200", "--weeks", "1",
                                     "--replicates", "2", "--workers", "1"])):
        real = mod.write_outputs
        calls = []

        def flaky(obj, folder, real=real, calls=calls):
            calls.append(folder)
            if len(calls) == 1:
                raise OSError(28, "No space left on device")
            return real(obj, folder)
        monkeypatch.setattr(mod, "write_outputs", flaky)
        out = tmp_path / f"{argv[0]}_out"
        code = main([*argv, "--out", str(out)])
        err = capsys.readouterr().err
        assert code == 1, err
        assert "No space left on device" in err and str(calls[1]) in err
        assert str(calls[1]) != str(out) and any(calls[1].iterdir())
        assert "Traceback" not in err


# -- issue 16: JSON output is always JSON (item 3) -----------------------------------------

def strict_json(text: str):
    def no_constant(c):
        raise AssertionError(f"{c} is not JSON")
    return json.loads(text, parse_constant=no_constant)


def test_run_json_never_prints_infinity(capsys, monkeypatch):
    monkeypatch.setattr(BelongingModel, "total_cost", lambda self: float("inf"))
    assert main(["run", "baseline", "--citizens", "300", "--weeks", "2", "--json"]) == 0
    out = capsys.readouterr()
    data = strict_json(out.out)
    assert data["costs"]["total"] is None
    assert any("costs.total" in n and "inf" in n for n in data["notes"])
    assert "costs.total" in out.err


def test_compare_json_never_prints_nan_or_infinity(tmp_path, capsys, monkeypatch):
    from experiments.compare import Comparison

    real = Comparison.to_dict
    monkeypatch.setattr(Comparison, "to_dict", lambda self: {**real(self), "weird": [float("nan"), float("-inf")]})
    out = tmp_path / "cmp"
    code = main(["compare", "baseline", "platform_only", "--citizens", "200", "--weeks", "1", "--replicates", "2",
                 "--workers", "1", "--json", "--out", str(out)])
    res = capsys.readouterr()
    assert code == 0, res.err
    data = strict_json(res.out)
    assert data["weird"] == [None, None] and len(data["notes"]) == 2
    assert strict_json((out / "comparison.json").read_text())["weird"] == [None, None]


def test_every_json_output_is_strict_json(capsys):
    for argv in (["scenarios", "--json"], ["parameters", "--json"], ["parameters", "--role", "lever", "--json"]):
        assert main(argv) == 0
        strict_json(capsys.readouterr().out)


def test_json_safe_maps_non_finite_numbers_to_null():
    import numpy as np

    from belonging.common import json_safe

    value, notes = json_safe({"a": [np.float64("nan"), np.int64(3), np.bool_(True), 1.5], "b": {"c": -math.inf}})
    assert value == {"a": [None, 3, True, 1.5], "b": {"c": None}}
    assert notes == ["a[0]: nan is not a JSON number; written as null",
                     "b.c: -inf is not a JSON number; written as null"]
