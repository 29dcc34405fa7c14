"""Damaged files in a sweep folder (issue 16, item 5): a truncated, empty or garbage part file,
chunk, manifest or design is named with what to do (StoreDamaged, exit 2), never a raw
ArrowInvalid / JSONDecodeError / UnicodeDecodeError; --resume --repair sets the damaged files
aside and reruns only the runs they held; list_sweeps shows the others and marks that one."""

import json
import os
import threading

import pandas as pd
import pytest

import exp_fake_runs as fake
from belonging.cli import main as cli_main
from experiments import (Cancelled, StoreDamaged, SweepError, list_sweeps, load_indices, load_spec, load_sweep,
                         read_results, run_sweep)

SPEC = {"name": "dmg", "base": "baseline", "method": "morris", "samples": 4, "replicates": 2, "seed": 3,
        "citizens": 100, "weeks": 1, "outputs": ["lonely_share", "belonging"],
        "parameters": {"effects.support_effect": {"bounds": [0.0, 1.0]},
                       "population.share_low_literacy": {"bounds": [0.0, 1.0]}}}
N_RUNS = 4 * 3 * 2


def deterministic(df):
    return df[[c for c in df.columns if c not in ("seconds", "session")]].sort_values("run_id").reset_index(drop=True)


def damage(path, how):
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(os.urandom(max(64, len(data) // 3)) + b"\xff\xfe")
    elif how == "flipped":                                  # bytes inside the data: caught by page checksums
        b = bytearray(data)
        for i in range(len(b) // 3, len(b) // 3 + 16):
            b[i] ^= 0xFF
        path.write_bytes(bytes(b))


@pytest.fixture
def partial(tmp_path):
    """A sweep cancelled after 10 runs: its runs are part files (one per run), and a reference."""
    spec = load_spec(SPEC)
    ev = threading.Event()
    with pytest.raises(Cancelled):
        run_sweep(spec, out=tmp_path / "p", executor="serial", run_fn=fake.linear, cancel=ev,
                  progress=lambda d, t, f: ev.set() if d >= 10 else None)
    ref = run_sweep(spec, out=tmp_path / "ref", executor="serial", run_fn=fake.linear)
    return spec, tmp_path / "p", ref


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage", "flipped"])
def test_a_damaged_part_is_named_and_repair_reruns_only_its_run(partial, how, capsys):
    spec, folder, ref = partial
    part = folder / "runs" / "part-000000004-a1.parquet"
    damage(part, how)
    with pytest.raises(StoreDamaged) as info:
        run_sweep(spec, out=folder, executor="serial", run_fn=fake.linear, resume=True)
    exc = info.value
    assert exc.damaged[0][0] == "runs/part-000000004-a1.parquet" and "--resume --repair" in str(exc)
    assert exc.files == [part]
    with pytest.raises(StoreDamaged, match="part-000000004-a1"):
        read_results(folder)
    listed = {s["name"]: s for s in list_sweeps(folder.parent)}
    assert listed["dmg"]["status"] == "damaged" and "part-000000004-a1" in listed["dmg"]["damage"]
    assert str(folder.parent) not in listed["dmg"]["damage"]         # no server path for a page
    assert listed["dmg"]["has_indices"] is False and listed["dmg"]["runs_total"] == N_RUNS
    res = run_sweep(spec, out=folder, executor="serial", run_fn=fake.linear, resume=True, repair=True)
    assert res.ran == N_RUNS - 9                                       # the 14 never run and the damaged one
    assert len(list((folder / "damaged").iterdir())) == 1
    pd.testing.assert_frame_equal(deterministic(res.results), deterministic(ref.results))
    pd.testing.assert_frame_equal(res.indices, ref.indices)
    man = json.loads((folder / "manifest.json").read_text())
    assert man["repairs"][0]["set_aside"][0].startswith("damaged/") and "runs to redo: 4" in man["repairs"][0]["set_aside"]


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage"])
def test_a_damaged_manifest_is_named_and_rebuilt_from_the_spec(partial, how):
    spec, folder, ref = partial
    damage(folder / "manifest.json", how)
    with pytest.raises(StoreDamaged, match="manifest.json"):
        run_sweep(spec, out=folder, executor="serial", run_fn=fake.linear, resume=True)
    with pytest.raises(StoreDamaged, match="manifest.json"):
        load_sweep(folder)
    assert [s["status"] for s in list_sweeps(folder.parent) if s["folder"] == str(folder)] == ["damaged"]
    # another spec cannot adopt these runs
    with pytest.raises(SweepError, match="not its runs"):
        run_sweep(load_spec({**SPEC, "seed": 4}), out=folder, executor="serial", run_fn=fake.linear,
                  resume=True, repair=True)
    res = run_sweep(spec, out=folder, executor="serial", run_fn=fake.linear, resume=True, repair=True)
    assert res.ran == N_RUNS - 10
    pd.testing.assert_frame_equal(deterministic(res.results), deterministic(ref.results))
    assert load_sweep(folder).status == "complete"


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage"])
def test_a_damaged_design_is_named_and_rewritten(partial, how):
    spec, folder, ref = partial
    damage(folder / "design.parquet", how)
    with pytest.raises(StoreDamaged, match="design.parquet"):
        run_sweep(spec, out=folder, executor="serial", run_fn=fake.linear, resume=True)
    res = run_sweep(spec, out=folder, executor="serial", run_fn=fake.linear, resume=True, repair=True)
    assert res.ran == N_RUNS - 10
    pd.testing.assert_frame_equal(deterministic(res.results), deterministic(ref.results))


def test_a_damaged_chunk_of_a_finished_sweep_reruns_its_runs_and_the_page_api(tmp_path):
    spec = load_spec(SPEC)
    ok = run_sweep(spec, out=tmp_path / "ok", executor="serial", run_fn=fake.linear)
    run_sweep(spec, out=tmp_path / "bad", executor="serial", run_fn=fake.linear)
    chunk = next((tmp_path / "bad" / "runs").glob("chunk-*.parquet"))
    damage(chunk, "truncated")
    # the dashboard's listing shows both, the damaged one marked, and never raises
    listed = {os.path.basename(s["folder"]): s["status"] for s in list_sweeps(tmp_path)}
    assert listed == {"ok": "complete", "bad": "damaged"}
    good = load_sweep(tmp_path / "ok")
    assert good.status == "complete" and len(good.results) == N_RUNS and good.indices is not None
    with pytest.raises(StoreDamaged) as info:
        load_sweep(tmp_path / "bad")
    assert info.value.damaged[0][0].startswith("runs/chunk-") and "truncated" in info.value.damaged[0][1]
    res = run_sweep(spec, out=tmp_path / "bad", executor="serial", run_fn=fake.linear, resume=True, repair=True)
    assert res.ran == N_RUNS
    pd.testing.assert_frame_equal(res.indices, ok.indices)
    # a damaged indices.csv: load_indices names it (was a pandas error)
    (tmp_path / "ok" / "indices.csv").write_bytes(b"\x00\xff garbage")
    with pytest.raises(StoreDamaged, match="indices.csv"):
        load_indices(tmp_path / "ok")


def test_cli_names_the_damaged_file_and_repairs(tmp_path, capsys):
    spec = tmp_path / "mini.toml"
    spec.write_text('base = "platform_with_support"\nmethod = "morris"\nsamples = 2\nreplicates = 1\nseed = 1\n'
                    'citizens = 120\nweeks = 2\noutputs = ["lonely_share"]\n[set]\n"run.burn_in" = 2\n[parameters]\n'
                    '"support.workers" = { bounds = [0, 30] }\n"effects.support_effect" = { bounds = [0.5, 1.5] }\n')
    out = tmp_path / "o"
    assert cli_main(["sweep", str(spec), "--out", str(out), "--workers", "1"]) == 0
    capsys.readouterr()
    damage(out / "manifest.json", "garbage")
    chunk = next((out / "runs").glob("chunk-*.parquet"))
    damage(chunk, "empty")
    assert cli_main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--resume"]) == 2
    err = capsys.readouterr().err
    assert "manifest.json: not text (garbage bytes)" in err and f"runs/{chunk.name}: empty (0 bytes)" in err
    assert "--resume --repair" in err and "Traceback" not in err
    assert cli_main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--repair"]) == 2
    assert "--repair needs --resume" in capsys.readouterr().err
    assert cli_main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--resume", "--repair"]) == 0
    cap = capsys.readouterr()
    assert "Repaired: set aside damaged/" in cap.err and "6 runs stored (6 this session" in cap.out
    assert load_sweep(out).status == "complete"
