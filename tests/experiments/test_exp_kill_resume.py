"""A sweep process killed with SIGKILL loses no finished run; --resume redoes none and ends
with the same results as an uninterrupted sweep."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments import list_sweeps, load_spec, read_results, run_sweep

ROOT = Path(__file__).resolve().parents[2]
BELONGING = ROOT / ".venv" / "bin" / "belonging"
SPEC = """
name = "killme"
base = "platform_with_support"
method = "sobol"
samples = 16
replicates = 1
seed = 99
citizens = 300
weeks = 8
outputs = ["lonely_share", "belonging_change", "total_cost"]
[set]
"run.burn_in" = 3
[parameters]
"support.workers" = { bounds = [0, 60] }
"platform.matching_policy" = { levels = ["random", "interests", "relational_match"] }
"effects.support_effect" = { bounds = [0.5, 1.5] }
"""
N_RUNS = 16 * (3 + 2) * 1


def parts(folder: Path) -> list[Path]:
    d = folder / "runs"
    return [p for p in d.glob("part-*.parquet")] if d.exists() else []


@pytest.mark.slow
def test_sigkill_then_resume_equals_an_uninterrupted_sweep(tmp_path):
    spec_path = tmp_path / "killme.toml"
    spec_path.write_text(SPEC)
    out = tmp_path / "sweeps" / "killme"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    log = open(tmp_path / "first.log", "w")
    proc = subprocess.Popen([str(BELONGING), "sweep", str(spec_path), "--out", str(out), "--workers", "2"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env, cwd=tmp_path)
    deadline = time.monotonic() + 180
    try:
        while len(parts(out)) < 12:
            assert proc.poll() is None, f"the sweep ended before it could be killed:\n{(tmp_path / 'first.log').read_text()}"
            assert time.monotonic() < deadline, "the sweep stored no runs in time"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)          # the sweep, its forkserver and its workers
        proc.wait()
        log.close()
    assert proc.returncode == -signal.SIGKILL
    before = read_results(out)
    k = len(before)
    assert 12 <= k < N_RUNS, f"killed after {k} of {N_RUNS} runs: not mid-way"
    assert before.run_id.is_unique and (before.attempt == 1).all() and before.session.nunique() == 1
    listed = list_sweeps(tmp_path / "sweeps")
    assert [(s["name"], s["status"], s["runs_done"]) for s in listed] == [("killme", "partial", k)]

    res = subprocess.run([str(BELONGING), "sweep", str(spec_path), "--out", str(out), "--workers", "2", "--resume"],
                         capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert f"resuming: {k} runs already stored, {N_RUNS - k} to go" in res.stderr
    assert f"{N_RUNS} runs stored ({N_RUNS - k} this session" in res.stdout

    every = read_results(out, all_attempts=True)          # every stored row, retries included
    assert len(every) == N_RUNS and every.run_id.is_unique and (every.attempt == 1).all()
    kept = every.set_index("run_id").loc[before.run_id]
    assert (kept.session == before.session.iloc[0]).all()   # finished runs were not redone
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["ran"] for s in manifest["sessions"] if "ran" in s] == [N_RUNS - k]
    assert manifest["status"] == "complete"
    assert list_sweeps(tmp_path / "sweeps")[0]["status"] == "complete"

    ref = run_sweep(load_spec(spec_path), out=tmp_path / "ref", executor="serial")
    cols = [c for c in ref.results.columns if c not in ("seconds", "session")]
    pd.testing.assert_frame_equal(every[cols].reset_index(drop=True), ref.results[cols].reset_index(drop=True))
    pd.testing.assert_frame_equal(pd.read_csv(out / "indices.csv"), pd.read_csv(tmp_path / "ref" / "indices.csv"))
