"""The `belonging` command end to end, through the installed entry point (.venv/bin/belonging)."""

from __future__ import annotations

import json
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
