"""Designs too small for their method are refused with the minimum; designs too large for the
machine are refused or confirmed before they are built; quoted and unquoted keys; --out a file;
progress on stderr without a terminal (issue 16, items 2, 12, 13)."""

import argparse
import io
import time

import pytest

from belonging.cli import main as cli_main
from experiments import SpecError, SweepError, SweepTooLarge, load_spec, run_sweep
from experiments import estimate as est_mod
from experiments.progress import ProgressBar

BASE = {"name": "sz", "base": "baseline", "method": "sobol", "samples": 16, "replicates": 1, "seed": 1,
        "citizens": 100, "weeks": 1, "outputs": ["lonely_share"],
        "parameters": {"effects.support_effect": {"bounds": [0.0, 1.0]},
                       "population.share_low_literacy": {"bounds": [0.0, 1.0]}}}


def spec(**kw):
    return {**BASE, **kw}


@pytest.mark.parametrize("data, message", [
    (spec(samples=1), r"'samples' has value 1: at least 16 for Sobol"),
    (spec(samples=8), r"at least 16 for Sobol"),
    (spec(method="morris", samples=1), r"at least 2 trajectories"),
    (spec(method="fast", samples=64), r"more than 4 M\^2 = 64"),
    (spec(method="factorial", samples=None, parameters={"effects.support_effect": {"levels": [0.5]},
                                                         "support.workers": {"levels": [1, 2]}}),
     r"at least two levels"),
    (spec(method="factorial", samples=None, parameters={"effects.support_effect": {"bounds": [0, 1], "steps": 100000}}),
     r"steps' has value 100000: a whole number from 2 to 10000"),
])
def test_designs_too_small_or_absurd_are_refused_with_the_limit(data, message):
    with pytest.raises(SpecError, match=message):
        load_spec(data)


@pytest.mark.parametrize("data", [spec(), spec(options={"calc_second_order": True}), spec(method="morris", samples=3),
                                  spec(method="fast", samples=65),
                                  spec(method="factorial", samples=None,
                                       parameters={"effects.support_effect": {"bounds": [0, 1], "steps": 3},
                                                   "support.targeting": {"levels": ["first_come", "needs_based"]}})])
def test_design_size_by_formula_equals_the_built_design(data):
    s = load_spec(data)
    assert s.n_points() == len(s.design()[1])


def test_huge_designs_are_refused_before_anything_is_built(tmp_path, capsys, monkeypatch):
    def boom(self):
        raise AssertionError("the design was built")
    monkeypatch.setattr("experiments.spec.SweepSpec.design", boom)
    t0 = time.monotonic()
    s = load_spec(spec(samples=2 ** 40))
    with pytest.raises(SweepTooLarge, match="too large for this machine.*at most about --samples") as info:
        run_sweep(s, out=tmp_path / "huge", executor="serial")
    assert info.value.confirm is False and not (tmp_path / "huge").exists()
    # the CLI: no traceback, exit 2, for a run and a dry run (was 90 s and 3.1 GB, or a traceback)
    spec_path = tmp_path / "big.toml"
    spec_path.write_text('base = "baseline"\nmethod = "sobol"\nsamples = 16\ncitizens = 100\nweeks = 1\n'
                         'outputs = ["lonely_share"]\n[parameters]\n"effects.support_effect" = { bounds = [0.0, 1.0] }\n'
                         '"population.share_low_literacy" = { bounds = [0.0, 1.0] }\n')
    assert cli_main(["sweep", str(spec_path), "--samples", str(2 ** 40), "--out", str(tmp_path / "o"), "--workers", "1"]) == 2
    assert "too large for this machine" in capsys.readouterr().err
    assert cli_main(["sweep", str(spec_path), "--samples", str(2 ** 40), "--dry-run"]) == 2
    monkeypatch.setattr(est_mod, "memory_available", lambda: 64 * 1024 ** 3)     # a machine that holds it
    monkeypatch.setattr(est_mod, "disk_free", lambda folder: 10 ** 13)
    capsys.readouterr()
    assert cli_main(["sweep", str(spec_path), "--samples", str(2 ** 20), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "Estimate: 4,194,304 runs" in err and "of memory" in err and "it would ask for --yes" in err
    assert time.monotonic() - t0 < 20


def test_long_designs_ask_for_yes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(est_mod, "CONFIRM_HOURS", 1e-6)
    s = load_spec(spec())
    with pytest.raises(SweepTooLarge, match="Pass --yes") as info:
        run_sweep(s, out=tmp_path / "a", executor="serial")
    assert info.value.confirm is True
    import exp_fake_runs as fake
    res = run_sweep(s, out=tmp_path / "a", executor="serial", run_fn=fake.linear, confirm_large=True)
    assert res.ran == 16 * 4


def test_out_pointing_at_a_file_fails_before_any_work(tmp_path, monkeypatch):
    f = tmp_path / "afile"
    f.write_text("keep me")
    s = load_spec(spec())
    monkeypatch.setattr("experiments.spec.SweepSpec.design", lambda self: (_ for _ in ()).throw(AssertionError))
    for out in (f, f / "sub"):
        with pytest.raises(SweepError, match="file, not a folder"):
            run_sweep(s, out=out, executor="serial")
    assert f.read_text() == "keep me"


@pytest.mark.parametrize("body, message", [
    ('"support.workers" = { bounds = [0, 30] }\nsupport.workers = { bounds = [0, 20] }\n',
     r"key 'support.workers' is given twice under \[parameters\]"),
    ('support.workers = { bounds = [0, 30] }\n', r"'support.workers' written without quotes.*\"support.workers\" = "),
    ('"effects.support_effect" = { bounds = [0, 1] }\n[parameters.support]\nworkers = { bounds = [0, 30] }\n',
     r"'support.workers' written without quotes"),
])
def test_quoted_and_unquoted_keys_under_parameters(tmp_path, body, message):
    p = tmp_path / "q.toml"
    p.write_text('base = "baseline"\nmethod = "morris"\nsamples = 2\noutputs = ["lonely_share"]\n'
                 '[set]\n"support.caseload" = 15\n[parameters]\n"platform.outreach_effort" = { bounds = [0.1, 1.0] }\n'
                 + body)
    with pytest.raises(SpecError, match=message):
        load_spec(p)


def test_set_given_twice_is_named(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('base = "baseline"\nmethod = "morris"\nsamples = 2\noutputs = ["lonely_share"]\n'
                 '[set]\n"support.caseload" = 15\nsupport.caseload = 12\n[parameters]\n'
                 '"platform.outreach_effort" = { bounds = [0.1, 1.0] }\n"support.workers" = { bounds = [0, 30] }\n')
    with pytest.raises(SpecError, match=r"'support.caseload' is given twice under \[set\]"):
        load_spec(p)


def test_progress_lines_without_a_terminal():
    buf = io.StringIO()
    bar = ProgressBar("runs", stream=buf, every=0.0)
    for d in range(4):
        bar(d, 3)
    lines = buf.getvalue().splitlines()
    assert len(lines) >= 3 and "\r" not in buf.getvalue() and lines[-1].startswith("[####")
    from belonging.cmd_run import RunProgress
    buf = io.StringIO()
    rp = RunProgress(stream=buf, every=0.0)
    for w in range(1, 5):
        time.sleep(0.001)
        rp(w, 5)
    rp.close()
    assert buf.getvalue().splitlines()[0].startswith("week 1/5 (20%)") and "to go" in buf.getvalue()


def test_run_estimates_a_large_run_before_building_it(monkeypatch, capsys):
    import belonging.cmd_run as cmd_run
    built = []
    monkeypatch.setattr("sim.BelongingModel", lambda *a, **k: built.append(1))
    args = argparse.Namespace(scenario="baseline", citizens=5_000_000, weeks=520, seed=None, set=[], yes=False)
    monkeypatch.setattr(est_mod, "memory_available", lambda: 64 * 1024 ** 3)
    assert cmd_run.announce(args) is True
    err = capsys.readouterr().err
    assert "5,000,000 citizens x (26 burn-in + 520) weeks" in err and "min" in err and "GiB of memory" in err
    monkeypatch.setattr(est_mod, "memory_available", lambda: 2 * 1024 ** 3)
    assert cli_main(["run", "baseline", "--citizens", "5000000", "--weeks", "520"]) == 2
    assert "exceeds what this machine has available" in capsys.readouterr().err and not built
    monkeypatch.setattr(est_mod, "memory_available", lambda: 64 * 1024 ** 3)
    args.citizens, args.weeks = 1000, 10
    assert cmd_run.announce(args) is True and capsys.readouterr().err == ""      # small runs say nothing
