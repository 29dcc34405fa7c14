"""Sweeps: the SALib pipeline, the result store, failures, cancel and resume, listing, the CLI."""

import json
import threading

import pandas as pd
import pytest

import exp_fake_runs as fake
from belonging.cli import main as cli_main
from experiments import Cancelled, SweepError, list_sweeps, load_indices, load_spec, read_results, run_sweep
from sim import BelongingModel, __version__, load_scenario, scenario_hash


def deterministic(df):
    drop = {"seconds", "session"}
    return df[[c for c in df.columns if c not in drop]].sort_values("run_id").reset_index(drop=True)


def tiny(method="sobol", **kw):
    d = {"name": "tiny", "base": "platform_with_support", "method": method, "samples": 16, "replicates": 2,
         "seed": 3, "citizens": 200, "weeks": 4, "outputs": ["lonely_share", "belonging_change", "total_cost"],
         "set": {"run.burn_in": 3},
         "parameters": {"support.workers": {"bounds": [0, 60]},
                        "platform.outreach_effort": {"bounds": [0.1, 1.0]},
                        "platform.matching_policy": {"levels": ["random", "relational_match"]}}}
    d.update(kw)
    return load_spec(d)


def test_salib_sobol_pipeline_recovers_known_indices(tmp_path):
    """y = x + 0.5 y with x, y ~ U(0, 1) (two more parameters do nothing): S1 = ST = 0.8, 0.2, 0, 0."""
    spec = load_spec({"name": "lin", "base": "baseline", "method": "sobol", "samples": 128, "replicates": 1,
                      "seed": 1, "citizens": 100, "weeks": 1, "outputs": ["lonely_share", "belonging"],
                      "parameters": {"effects.support_effect": {"bounds": [0.0, 1.0]},
                                     "population.share_low_literacy": {"bounds": [0.0, 1.0]},
                                     "support.caseload": {"bounds": [1, 4]},
                                     "support.targeting": {"levels": ["first_come", "needs_based"]}}})
    res = run_sweep(spec, out=tmp_path / "lin", executor="serial", run_fn=fake.linear)
    assert len(res.results) == 128 * 6 and res.failures.empty
    ind = res.indices.set_index(["output", "index", "parameter"])["value"]
    expect = {"effects.support_effect": 0.8, "population.share_low_literacy": 0.2,
              "support.caseload": 0.0, "support.targeting": 0.0}
    for name, v in expect.items():
        assert ind["lonely_share", "S1", name] == pytest.approx(v, abs=0.06)
        assert ind["lonely_share", "ST", name] == pytest.approx(v, abs=0.06)
    ci = res.indices[(res.indices.output == "lonely_share") & (res.indices["index"] == "S1")]
    assert ((ci.ci_low <= ci.value) & (ci.value <= ci.ci_high)).all() and (ci.conf > 0).any()
    # the stored parameters are the decoded scenario values
    assert set(res.results["support.caseload"]) <= {1, 2, 3, 4}
    assert set(res.results["support.targeting"]) == {"first_come", "needs_based"}
    assert (tmp_path / "lin" / "plot_lonely_share.png").stat().st_size > 5000
    # belonging here is pure seed noise, common to every point: no parameter explains it
    assert res.indices[(res.indices.output == "belonging")]["value"].isna().all()


def test_real_tiny_sweep_store_and_reproducibility(tmp_path):
    spec = tiny()
    res = run_sweep(spec, out=tmp_path / "s", executor="serial")
    df = read_results(tmp_path / "s")
    assert len(df) == 16 * 5 * 2 and (df.status == "ok").all()
    assert list(df.run_id) == list(range(160))
    assert (df.model_version == __version__).all()
    man = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert man["n_runs"] == 160 and man["status"] == "complete" and man["spec_hash"] == spec.spec_hash
    X, points = spec.design()
    r = df.iloc[7]
    over = points[r.point]
    assert r["support.workers"] == over["support.workers"]
    assert r.seed == spec.run_seed(r.point, r.replicate)
    sc = load_scenario(spec.base_scenario, over)
    assert r.scenario_hash == scenario_hash(sc)
    m = BelongingModel(sc, seed=int(r.seed))
    m.run()
    assert r.lonely_share_end == m.outcomes()["lonely_share"]["end"]
    assert r.total_cost == m.total_cost()
    # analysis files and the listing the dashboard reads
    assert set(load_indices(tmp_path / "s").columns) >= {"output", "parameter", "index", "value", "ci_low", "ci_high"}
    var = pd.read_csv(tmp_path / "s" / "variance.csv")
    assert set(var.output) == set(spec.outputs) and var.seed_share.between(0, 1).all()
    items = list_sweeps(tmp_path)
    assert [i["status"] for i in items] == ["complete"] and items[0]["runs_done"] == 160
    assert items[0]["manifest"]["spec"]["parameters"]["support.workers"] == {"bounds": [0.0, 60.0]}
    # a second call on the same folder without resume is refused; with resume it runs nothing
    with pytest.raises(SweepError, match="--resume"):
        run_sweep(spec, out=tmp_path / "s", executor="serial")
    again = run_sweep(spec, out=tmp_path / "s", executor="serial", resume=True)
    assert again.ran == 0
    pd.testing.assert_frame_equal(again.indices, res.indices)
    # resuming with another spec is refused, naming what differs
    with pytest.raises(SweepError, match="differs in: seed"):
        run_sweep(tiny(seed=4), out=tmp_path / "s", executor="serial", resume=True)


def test_failed_runs_are_recorded_reported_and_never_dropped(tmp_path):
    spec = tiny()
    seen = []
    res = run_sweep(spec, out=tmp_path / "f", executor="serial", run_fn=fake.flaky,
                    progress=lambda d, t, f: seen.append((d, t, f)))
    assert seen[-1] == (160, 160, 4)
    df = read_results(tmp_path / "f")
    assert len(df) == 160                                     # failures are stored rows, not gaps
    bad = df[df.status == "failed"].sort_values("run_id")
    assert list(bad.point) == [1, 1, 2, 2]
    assert bad.error.iloc[0].startswith("RuntimeError: injected failure at point 1")
    assert bad.error.iloc[2].startswith("NaN outcome: belonging_end")
    X, points = spec.design()
    assert bad["platform.matching_policy"].iloc[0] == points[1]["platform.matching_policy"]
    fails = pd.read_csv(tmp_path / "f" / "failures.csv")
    assert list(fails.run_id) == list(bad.run_id) and "support.workers" in fails.columns
    assert "analysis skipped: 2 of 80 sample points" in res.analysis_note
    assert not (tmp_path / "f" / "indices.csv").exists()
    assert json.loads((tmp_path / "f" / "manifest.json").read_text())["status"] == "complete_with_failures"


def test_retry_failed_replaces_failed_runs_and_keeps_history(tmp_path):
    spec = tiny()
    first = run_sweep(spec, out=tmp_path / "r", executor="serial", run_fn=fake.fails_at_point_0)
    assert len(first.failures) == 2 and first.indices is None
    res = run_sweep(spec, out=tmp_path / "r", executor="serial", run_fn=fake.linear, resume=True, retry_failed=True)
    assert res.ran == 2 and res.failures.empty and res.indices is not None
    hist = read_results(tmp_path / "r", all_attempts=True)
    assert len(hist) == 16 * 5 * 2 + 2
    assert sorted(hist[hist.attempt == 2].run_id) == [0, 1]


def test_cancel_keeps_finished_runs_and_resume_completes_without_redoing(tmp_path):
    spec = tiny()
    ev = threading.Event()

    def progress(done, total, failed):
        if done >= 7:
            ev.set()

    with pytest.raises(Cancelled):
        run_sweep(spec, out=tmp_path / "c", executor="serial", progress=progress, cancel=ev)
    part = read_results(tmp_path / "c")
    assert len(part) == 7
    assert [i["status"] for i in list_sweeps(tmp_path)] == ["partial"]
    with pytest.raises(FileNotFoundError, match="not complete"):
        load_indices(tmp_path / "c")
    res = run_sweep(spec, out=tmp_path / "c", executor="serial", resume=True)
    assert res.ran == 153
    full = read_results(tmp_path / "c", all_attempts=True)
    assert len(full) == 160 and (full.attempt == 1).all()
    kept = full.set_index("run_id").loc[part.run_id]
    assert (kept.session == part.session.iloc[0]).all()           # the first session's runs were not redone
    ref = run_sweep(spec, out=tmp_path / "ref", executor="serial")
    pd.testing.assert_frame_equal(deterministic(res.results), deterministic(ref.results))
    pd.testing.assert_frame_equal(res.indices, ref.indices)


def test_factorial_sweep_main_and_total_effects(tmp_path):
    spec = load_spec({"name": "fac", "base": "baseline", "method": "factorial", "replicates": 3, "seed": 2,
                      "citizens": 100, "weeks": 1, "outputs": ["lonely_share"],
                      "parameters": {"effects.support_effect": {"levels": [0.0, 1.0]},
                                     "population.share_low_literacy": {"bounds": [0.0, 1.0], "steps": 3},
                                     "support.targeting": {"levels": ["first_come", "needs_based"]}}})
    res = run_sweep(spec, out=tmp_path / "fac", executor="serial", run_fn=fake.linear)
    ind = res.indices.set_index(["index", "parameter"])["value"]
    # y = x + 0.5 z over a 2 x 3 grid: Var(x) = 1/4, Var(0.5 z) = 1/24 -> S1 = 6/7, 1/7, 0
    assert ind["S1", "effects.support_effect"] == pytest.approx(6 / 7)
    assert ind["S1", "population.share_low_literacy"] == pytest.approx(1 / 7)
    assert ind["ST", "support.targeting"] == pytest.approx(0.0)
    lv = pd.read_csv(tmp_path / "fac" / "levels.csv")
    row = lv[(lv.parameter == "effects.support_effect") & (lv.level == "1.0")].iloc[0]
    assert row["mean"] == pytest.approx(1.25) and row.points == 6


@pytest.mark.slow
def test_local_processes_equal_one_process_and_a_dying_worker_fails_only_its_run(tmp_path):
    spec = tiny()
    one = run_sweep(spec, out=tmp_path / "one", executor="serial")
    two = run_sweep(spec, out=tmp_path / "two", executor=2)
    pd.testing.assert_frame_equal(deterministic(one.results), deterministic(two.results))
    pd.testing.assert_frame_equal(one.indices, two.indices)
    dead = run_sweep(spec, out=tmp_path / "dead", executor=2, run_fn=fake.dies_at_point_1)
    assert len(dead.results) == 160
    bad = dead.results[dead.results.status == "failed"]
    assert list(bad.point) == [1, 1]
    assert bad.error.str.contains("WorkerDied: the worker process died").all()


def test_cli_sweep_dry_run_bad_spec_and_report(tmp_path, capsys):
    spec = tmp_path / "mini.toml"
    spec.write_text('base = "platform_with_support"\nmethod = "sobol"\nsamples = 16\nreplicates = 1\nseed = 1\n'
                    'citizens = 150\nweeks = 3\noutputs = ["lonely_share"]\n[set]\n"run.burn_in" = 2\n[parameters]\n'
                    '"support.workers" = { bounds = [0, 30] }\n"effects.support_effect" = { bounds = [0.5, 1.5] }\n')
    assert cli_main(["sweep", str(spec), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "Sweep mini: sobol, 2 parameters (N=16): 64 points x 1 replicate = 64 runs" in err
    assert cli_main(["sweep", str(spec), "--samples", "24"]) == 2
    assert "'samples' has value 24: a power of 2" in capsys.readouterr().err
    assert cli_main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1"]) == 0
    out = capsys.readouterr()
    assert "64 runs stored (64 this session" in out.out and "S1 [95% CI]" in out.out
    assert "64/64 runs (100%)" in out.err
    assert cli_main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1"]) == 2
    assert "pass --resume" in capsys.readouterr().err


def test_cli_compare_json_and_out(tmp_path, capsys):
    rc = cli_main(["compare", "baseline", "platform_only", "--replicates", "2", "--citizens", "150", "--weeks", "3", "--set", "run.burn_in=2",
                   "--workers", "1", "--json", "--out", str(tmp_path / "cmp")])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["baseline"] == "baseline" and set(d["scenarios"]) == {"platform_only"}
    assert {"diff", "ci_low", "ci_high"} <= set(d["scenarios"]["platform_only"]["outcomes"]["lonely_share"])
    assert pd.read_parquet(tmp_path / "cmp" / "comparison.parquet").shape[0] > 8
    assert set(pd.read_csv(tmp_path / "cmp" / "costs.csv").scenario) == {"baseline", "platform_only"}
    assert cli_main(["compare", "baseline", "platform_only", "--replicates", "2", "--citizens", "150", "--weeks", "3", "--set", "run.burn_in=2",
                     "--workers", "1"]) == 0
    text = capsys.readouterr().out
    for heading in ("Population at the end:", "by subgroup", "Which mechanisms fired", "Costs", "In plain words:"):
        assert heading in text
    assert cli_main(["compare", "baseline", "platform_only", "--set", "support.wrkers=2", "--workers", "1"]) == 2
    assert "support.wrkers" in capsys.readouterr().err


def test_model_code_changes_are_caught(tmp_path):
    """sim.__version__ does not change with every edit; the code fingerprint does."""
    spec = tiny()
    res = run_sweep(spec, out=tmp_path / "m", executor="serial", run_fn=fake.other_model_code)
    bad = res.failures
    assert list(bad.point) == [0, 0]
    assert bad.error.str.startswith("model code differs: the worker ran sim with fingerprint 0123456789abcdef").all()
    mf = tmp_path / "m" / "manifest.json"
    man = json.loads(mf.read_text())
    man["model_fingerprint"] = "fedcba9876543210"          # as if sim/ had been edited since
    mf.write_text(json.dumps(man))
    with pytest.raises(SweepError, match="model code \\(sim/\\) changed since this sweep started"):
        run_sweep(spec, out=tmp_path / "m", executor="serial", resume=True, retry_failed=True)


def test_efast_and_morris_pipelines_rank_the_known_effects(tmp_path):
    params = {"effects.support_effect": {"bounds": [0.0, 1.0]},
              "population.share_low_literacy": {"bounds": [0.0, 1.0]},
              "support.targeting": {"levels": ["first_come", "needs_based"]}}
    common = {"base": "baseline", "replicates": 1, "seed": 4, "citizens": 100, "weeks": 1,
              "outputs": ["lonely_share"], "parameters": params}
    fast = run_sweep(load_spec({"name": "fast", "method": "fast", "samples": 129, **common}),
                     out=tmp_path / "fast", executor="serial", run_fn=fake.linear)
    assert len(fast.results) == 129 * 3
    s1 = fast.indices[fast.indices["index"] == "S1"].set_index("parameter")["value"]
    assert s1["effects.support_effect"] == pytest.approx(0.8, abs=0.07)
    assert s1["population.share_low_literacy"] == pytest.approx(0.2, abs=0.07)
    assert s1["support.targeting"] < 0.05
    morris = run_sweep(load_spec({"name": "morris", "method": "morris", "samples": 10, **common}),
                       out=tmp_path / "morris", executor="serial", run_fn=fake.linear)
    mu = morris.indices[morris.indices["index"] == "mu_star"].set_index("parameter")["value"]
    # elementary effects in SALib units: dy/dx = 1 and 0.5, nothing for targeting
    assert mu["effects.support_effect"] == pytest.approx(1.0) and mu["population.share_low_literacy"] == pytest.approx(0.5)
    assert mu["support.targeting"] == 0
