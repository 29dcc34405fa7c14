"""The result store of a sweep: one folder, a manifest, and every finished run in Parquet.

    results/sweeps/<name>/
        manifest.json          the spec, its hash, model version, design size, sessions, status
        design.parquet         the sample points (SALib space and scenario values)
        runs/part-*.parquet    one file per finished run, written as it finishes
        runs/chunk-*.parquet   parts merged when a sweep completes (same rows)
        indices.csv, ranking.md, variance.csv, levels.csv, failures.csv, plot_<output>.png   the analysis

Every file is written to a hidden temporary name in the same folder and renamed into
place (atomic on POSIX), so a killed sweep leaves only whole files: a run is either
stored completely or not at all, and `--resume` runs exactly the ones not stored.

    from experiments import read_results
    df = read_results("results/sweeps/sobol_policies")   # one row per run, a pandas DataFrame
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
RUNS = "runs"
FORMAT = 1


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def atomic_write_table(path: Path, table: pa.Table) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    pq.write_table(table, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def atomic_write_frame(path: Path, df: pd.DataFrame) -> None:
    """CSV or Parquet by suffix, atomically."""
    path = Path(path)
    if path.suffix == ".csv":
        atomic_write_bytes(path, df.to_csv(index=False).encode())
    else:
        atomic_write_table(path, pa.Table.from_pandas(df, preserve_index=False))


class SweepBusy(RuntimeError):
    """Another process is writing to this sweep folder."""


class RunStore:
    """One sweep folder: the single writer appends runs; anyone may read."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.runs_dir = self.folder / RUNS
        self.schema: pa.Schema | None = None
        self._lock_fd = None

    # -- one writer at a time (an flock: released by the OS even on SIGKILL) --
    def lock(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SweepBusy(f"{self.folder}: another sweep process is writing here; wait for it or stop it "
                            "(its results are kept and --resume continues)") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def is_locked(self) -> bool:
        """True while some process holds the writer lock (a sweep is running)."""
        path = self.folder / ".lock"
        if not path.exists() or self._lock_fd is not None:
            return self._lock_fd is not None
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    # -- manifest ---------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def read_manifest(self) -> dict:
        try:
            return json.loads(self.manifest_path.read_text())
        except FileNotFoundError:
            raise FileNotFoundError(f"{self.folder}: no {MANIFEST}: not a sweep folder") from None

    def write_manifest(self, manifest: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.manifest_path, json.dumps(manifest, indent=2, default=_json_default).encode())

    # -- runs -------------------------------------------------------------
    def prepare(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        for tmp in self.runs_dir.glob(".*.tmp"):      # left by a killed writer: never a whole run
            tmp.unlink()

    def append(self, record: dict) -> None:
        """Store one finished run (atomically; a later attempt of the same run replaces it on read)."""
        table = pa.Table.from_pylist([{k: record.get(k) for k in self.schema.names}], schema=self.schema)
        name = f"part-{int(record['run_id']):09d}-a{int(record.get('attempt', 1))}.parquet"
        atomic_write_table(self.runs_dir / name, table)

    def files(self) -> list[Path]:
        if not self.runs_dir.exists():
            return []
        return sorted(p for p in self.runs_dir.iterdir() if p.suffix == ".parquet" and not p.name.startswith("."))

    def compact(self) -> int:
        """Merge part files into one chunk file (rename-safe), then delete the parts. Returns parts merged."""
        parts = [p for p in self.files() if p.name.startswith("part-")]
        if len(parts) < 2:
            return 0
        table = pa.concat_tables([pq.read_table(p) for p in parts], promote_options="default")
        name = f"chunk-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.parquet"
        atomic_write_table(self.runs_dir / name, table)
        for p in parts:          # a crash here leaves duplicates, which read_results drops
            p.unlink()
        return len(parts)


def _json_default(x):
    import numpy as np
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, (set, tuple)):
        return list(x)
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def read_results(folder: str | Path, all_attempts: bool = False) -> pd.DataFrame:
    """Every stored run of a sweep folder as one DataFrame, sorted by run_id.

    Columns: run_id, point, replicate, seed, attempt, session, status ("ok"/"failed"),
    error, the swept parameters (dotted keys), every outcome's `<name>_start` and
    `<name>_end`, no_longer_lonely, total_cost, cost_<lever>, scenario_hash,
    model_version, seconds. A run retried with --retry-failed appears once (its last
    attempt) unless all_attempts=True. Works on a partial (interrupted) sweep too.
    """
    store = RunStore(folder)
    if not store.exists():
        raise FileNotFoundError(f"{folder}: no {MANIFEST}: not a sweep folder (see experiments.list_sweeps)")
    files = store.files()
    if not files:
        manifest = store.read_manifest()
        return pd.DataFrame(columns=manifest.get("columns", ["run_id"]))
    tables = [pq.read_table(p) for p in files]
    df = pa.concat_tables(tables, promote_options="default").to_pandas()
    df = df.sort_values(["run_id", "attempt"], kind="stable")
    # the same attempt twice only happens when a compaction was interrupted: identical rows
    df = df.drop_duplicates(["run_id", "attempt"], keep="last")
    if not all_attempts:
        df = df.drop_duplicates("run_id", keep="last")
    return df.reset_index(drop=True)


def stored_runs(folder: str | Path) -> pd.DataFrame:
    """run_id, attempt and status of every stored run (cheap: reads three columns)."""
    store = RunStore(folder)
    files = store.files()
    if not files:
        return pd.DataFrame({"run_id": pd.Series(dtype="int64"), "attempt": pd.Series(dtype="int64"),
                             "status": pd.Series(dtype="object")})
    tables = [pq.read_table(p, columns=["run_id", "attempt", "status"]) for p in files]
    df = pa.concat_tables(tables).to_pandas().sort_values(["run_id", "attempt"], kind="stable")
    return df.drop_duplicates("run_id", keep="last").reset_index(drop=True)


def list_sweeps(root: str | Path = "results/sweeps") -> list[dict]:
    """Every sweep folder under root (finished or partial), newest first.

    Each item: folder, name, method, description, status ("complete", "running" while a
    sweep process writes to it, else "partial"), runs_total, runs_done, failed,
    has_indices, created, updated, manifest (the whole manifest dict).
    """
    root = Path(root)
    if not root.exists():
        return []
    out = []
    for mf in root.glob(f"**/{MANIFEST}"):
        folder = mf.parent
        try:
            manifest = json.loads(mf.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if manifest.get("kind") != "sweep":
            continue
        runs = stored_runs(folder)
        total = int(manifest.get("n_runs", 0))
        done = len(runs)
        failed = int((runs["status"] != "ok").sum())
        has_indices = (folder / "indices.csv").exists()
        if RunStore(folder).is_locked():
            status = "running"
        elif done >= total and manifest.get("status", "").startswith("complete"):
            status = "complete"
        else:
            status = "partial"
        out.append({"folder": str(folder), "name": manifest.get("name", folder.name),
                    "method": manifest.get("method"), "description": manifest.get("spec", {}).get("description", ""),
                    "status": status, "runs_total": total, "runs_done": done, "failed": failed,
                    "has_indices": has_indices, "created": manifest.get("created"),
                    "updated": mf.stat().st_mtime, "manifest": manifest})
    out.sort(key=lambda d: d["updated"], reverse=True)
    return out


def load_indices(folder: str | Path) -> pd.DataFrame:
    """The sensitivity indices of a sweep folder (indices.csv) as a DataFrame.

    Columns: output, method, parameter, index, value, conf, ci_low, ci_high.
    """
    path = Path(folder) / "indices.csv"
    if not path.exists():
        raise FileNotFoundError(f"{folder}: no indices.csv yet: the sweep is not complete or its analysis "
                                "was skipped (see its manifest 'analysis' entry); finish it with "
                                "`belonging sweep SPEC --out FOLDER --resume`")
    return pd.read_csv(path)
