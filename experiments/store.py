"""The result store of a sweep: one folder, a manifest, and every finished run in Parquet.

    results/sweeps/<name>/
        manifest.json          the spec, its hash, model version, design size, sessions, status
        design.parquet         the sample points (SALib space and scenario values)
        runs/part-*.parquet    one file per finished run, written as it finishes
        runs/chunk-*.parquet   parts merged when a sweep completes (same rows)
        indices.csv, ranking.md, variance.csv, levels.csv, failures.csv, plot_<output>.png   the analysis

Every file is written to a hidden temporary name in the same folder and renamed into
place (atomic on POSIX), so a killed sweep leaves only whole files: a run is either
stored completely or not at all, and `--resume` runs exactly the ones not stored. A new
sweep writes its design first and its manifest last, so a folder without a manifest (or
with a manifest and nothing stored yet) is an unfinished start that a fresh start or
`--resume` completes; a kill at any step resumes (tests/experiments/test_exp_store_kill.py
kills a sweep at each step through BELONGING_TEST_KILL_AT, see kill_point).

A file damaged afterwards (truncated, emptied, overwritten: a full disk, a copy cut
short) raises StoreDamaged naming the file and what to do; `belonging sweep SPEC --out
DIR --resume --repair` (run_sweep(..., resume=True, repair=True)) moves the damaged files
into DIR/damaged/, rebuilds a damaged manifest or design from the spec (after checking
that the stored runs are this spec's) and reruns only the runs that were lost. Parquet
files are written with page checksums, so flipped bytes inside a page are caught too.

    from experiments import read_results, load_sweep, StoreDamaged
    df = read_results("results/sweeps/sobol_policies")   # one row per run, a pandas DataFrame
    try:
        sweep = load_sweep("results/sweeps/sobol_policies")   # manifest, design, results, indices
    except StoreDamaged as exc:
        print(exc.short())                                   # which files, and what to do
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
RUNS = "runs"
DAMAGED = "damaged"
FORMAT = 1
KILL_ENV = "BELONGING_TEST_KILL_AT"
RUN_KEYS = ("run_id", "attempt", "status")       # columns every stored run file has
MANIFEST_KEYS = ("kind", "spec", "n_runs")        # keys every sweep manifest has
PART_RE = re.compile(r"^part-(\d+)-a(\d+)\.parquet$")


def kill_point(name: str) -> None:
    """Tests only: SIGKILL this process at a named write step when BELONGING_TEST_KILL_AT is
    `name` or `name:k` (at its k-th occurrence). Steps: start, before_design, design_tmp,
    after_design (= before_manifest), manifest_tmp, after_manifest, before_part, part_tmp,
    after_part, before_merge, merge_chunk (chunk renamed in, parts not yet deleted),
    merge_half (half the parts deleted), after_merge, before_final_manifest."""
    want = os.environ.get(KILL_ENV)
    if not want:
        return
    point, _, nth = want.partition(":")
    if point != name:
        return
    _KILL_COUNTS[name] = _KILL_COUNTS.get(name, 0) + 1
    if _KILL_COUNTS[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


_KILL_COUNTS: dict[str, int] = {}


def atomic_write_bytes(path: Path, data: bytes, step: str | None = None) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if step:
        kill_point(f"{step}_tmp")
    os.replace(tmp, path)


def atomic_write_table(path: Path, table: pa.Table, step: str | None = None) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    pq.write_table(table, tmp, write_page_checksum=True)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    if step:
        kill_point(f"{step}_tmp")
    os.replace(tmp, path)


def read_table(path: Path, columns=None) -> pa.Table:
    """A stored Parquet file (checksums verified where written), or StoreDamaged naming it."""
    path = Path(path)
    try:
        table = pq.read_table(path, columns=columns, page_checksum_verification=True)
    except FileNotFoundError:
        raise
    except (OSError, pa.ArrowException, ValueError) as exc:
        try:
            size = path.stat().st_size
        except OSError:
            size = None
        if size == 0:
            raise StoreDamaged.of(path, "empty (0 bytes)") from None
        detail = re.sub(r"^Could not open Parquet input source '[^']*': ", "", _first_line(exc).split(": ", 1)[-1])
        raise StoreDamaged.of(path, f"not a readable Parquet file ({size} bytes; truncated, overwritten or "
                                    f"corrupted: {detail[:120]})") from None
    if path.parent.name == RUNS:
        missing = [c for c in RUN_KEYS if c not in table.column_names and (columns is None or c in columns)]
        if missing:
            raise StoreDamaged.of(path, f"not a stored run (no column {missing[0]})")
    return table


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:200]


class StoreDamaged(RuntimeError):
    """A sweep folder with a damaged file (truncated, empty, garbage): names each file, why, and
    what to do. Attributes: folder, damaged [(file name relative to the folder, reason)], advice."""

    def __init__(self, folder, damaged: list[tuple[str, str]], advice: str | None = None):
        self.folder = Path(folder)
        self.damaged = list(damaged)
        self.advice = advice or (f"continue it with `belonging sweep SPEC --out {self.folder} --resume --repair`: "
                                 f"damaged files move to {DAMAGED}/, a damaged manifest or design is rebuilt "
                                 "from the spec, and only the runs they held are run again")
        super().__init__(f"{self.folder}: damaged sweep folder: {self.what()}. {self.advice}")

    @property
    def files(self) -> list[Path]:
        return [self.folder / f for f, _ in self.damaged]

    def what(self) -> str:
        shown = "; ".join(f"{f}: {why}" for f, why in self.damaged[:5])
        if len(self.damaged) > 5:
            shown += f"; and {len(self.damaged) - 5} more files"
        return shown

    def short(self) -> str:
        """One line without the folder's path (for pages shown to others)."""
        return f"damaged: {self.what()}; repair with belonging sweep SPEC --out FOLDER --resume --repair"

    @classmethod
    def of(cls, path: Path, why: str) -> "StoreDamaged":
        path = Path(path)
        folder = path.parent.parent if path.parent.name == RUNS else path.parent
        return cls(folder, [(str(path.relative_to(folder)), why)])


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
        """The manifest; FileNotFoundError without one, StoreDamaged when it cannot be read as one."""
        try:
            data = self.manifest_path.read_bytes()
        except FileNotFoundError:
            raise FileNotFoundError(f"{self.folder}: no {MANIFEST}: not a sweep folder") from None
        except IsADirectoryError:
            raise StoreDamaged(self.folder, [(MANIFEST, "a folder, not a file")]) from None
        why = None
        try:
            manifest = json.loads(data.decode("utf-8"))
        except UnicodeDecodeError:
            why = "not text (garbage bytes)"
        except json.JSONDecodeError as exc:
            why = "empty" if not data.strip() else f"not valid JSON (truncated or overwritten: {exc.msg} at byte {exc.pos})"
        else:
            if not isinstance(manifest, dict):
                why = f"JSON but not a manifest (a {type(manifest).__name__})"
            elif manifest.get("kind", "sweep") == "sweep" and any(k not in manifest for k in MANIFEST_KEYS):
                why = "a manifest without " + ", ".join(k for k in MANIFEST_KEYS if k not in manifest)
        if why:
            raise StoreDamaged(self.folder, [(MANIFEST, why)])
        return manifest

    def write_manifest(self, manifest: dict, step: str | None = "manifest") -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.manifest_path, json.dumps(manifest, indent=2, default=_json_default).encode(), step)

    # -- design -----------------------------------------------------------
    @property
    def design_path(self) -> Path:
        return self.folder / DESIGN

    def read_design(self) -> pd.DataFrame:
        """The stored design; FileNotFoundError without one, StoreDamaged when unreadable."""
        return read_table(self.design_path).to_pandas()

    def write_design(self, design: pd.DataFrame) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_table(self.design_path, pa.Table.from_pandas(design, preserve_index=False), "design")

    def clean_tmp(self) -> None:
        """Remove the temporary files a killed writer left (never a whole file). Only by the lock holder."""
        for d in (self.folder, self.runs_dir):
            if d.is_dir():
                for tmp in d.glob(".*.tmp*"):
                    if tmp.is_file():
                        tmp.unlink()

    # -- damage -----------------------------------------------------------
    def scan(self) -> list[tuple[str, str]]:
        """Read every stored run file in full: [(name relative to the folder, reason)] of the damaged ones."""
        bad = []
        for f in self.files():
            try:
                read_table(f)
            except StoreDamaged as exc:
                bad += exc.damaged
        return bad

    def set_aside(self, names: list[str]) -> list[str]:
        """Move damaged files (names relative to the folder) into damaged/ (never deleted). Returns the new names."""
        out = []
        dest = self.folder / DAMAGED
        dest.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for name in names:
            src = self.folder / name
            if not src.exists():
                continue
            target = dest / f"{stamp}-{name.replace('/', '-')}"
            os.replace(src, target)
            out.append(str(target.relative_to(self.folder)))
        return out

    # -- runs -------------------------------------------------------------
    def prepare(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.clean_tmp()              # left by a killed writer: never a whole run

    def append(self, record: dict) -> None:
        """Store one finished run (atomically; a later attempt of the same run replaces it on read)."""
        table = pa.Table.from_pylist([{k: record.get(k) for k in self.schema.names}], schema=self.schema)
        name = f"part-{int(record['run_id']):09d}-a{int(record.get('attempt', 1))}.parquet"
        kill_point("before_part")
        atomic_write_table(self.runs_dir / name, table, "part")
        kill_point("after_part")

    def files(self) -> list[Path]:
        if not self.runs_dir.exists():
            return []
        return sorted(p for p in self.runs_dir.iterdir() if p.suffix == ".parquet" and not p.name.startswith("."))

    def compact(self) -> int:
        """Merge part files into one chunk file (rename-safe), then delete the parts. Returns parts merged."""
        parts = [p for p in self.files() if p.name.startswith("part-")]
        if len(parts) < 2:
            return 0
        kill_point("before_merge")
        table = pa.concat_tables([read_table(p) for p in parts], promote_options="default")
        name = f"chunk-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.parquet"
        atomic_write_table(self.runs_dir / name, table, "merge")
        kill_point("merge_chunk")
        for i, p in enumerate(parts):    # a crash here leaves duplicates, which read_results drops
            if i == len(parts) // 2:
                kill_point("merge_half")
            p.unlink()
        kill_point("after_merge")
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
    tables = _read_all(files)
    df = pa.concat_tables(tables, promote_options="default").to_pandas()
    df = df.sort_values(["run_id", "attempt"], kind="stable")
    # the same attempt twice only happens when a compaction was interrupted: identical rows
    df = df.drop_duplicates(["run_id", "attempt"], keep="last")
    if not all_attempts:
        df = df.drop_duplicates("run_id", keep="last")
    return df.reset_index(drop=True)


def _read_all(files: list[Path], columns=None) -> list[pa.Table]:
    """Every file read, or one StoreDamaged naming every damaged one."""
    tables, bad, folder = [], [], None
    for p in files:
        try:
            tables.append(read_table(p, columns=columns))
        except StoreDamaged as exc:
            bad += exc.damaged
            folder = exc.folder
    if bad:
        raise StoreDamaged(folder, bad)
    return tables


def damaged_run_ids(names: list[str]) -> list[int]:
    """The run ids that damaged part files held (a damaged chunk's runs are unknown: they are
    simply not stored any more and run again)."""
    out = []
    for n in names:
        m = PART_RE.match(Path(n).name)
        if m:
            out.append(int(m.group(1)))
    return sorted(set(out))


def stored_runs(folder: str | Path) -> pd.DataFrame:
    """run_id, attempt and status of every stored run (cheap: reads three columns)."""
    store = RunStore(folder)
    files = store.files()
    if not files:
        return stored_runs_frame()
    tables = _read_all(files, columns=list(RUN_KEYS))
    df = pa.concat_tables(tables).to_pandas().sort_values(["run_id", "attempt"], kind="stable")
    return df.drop_duplicates("run_id", keep="last").reset_index(drop=True)


def list_sweeps(root: str | Path = "results/sweeps") -> list[dict]:
    """Every sweep folder under root (finished, partial or damaged), newest first.

    Each item: folder, name, method, description, status ("complete", "running" while a
    sweep process writes to it, "partial", or "damaged" when a file cannot be read),
    runs_total, runs_done, failed, has_indices, created, updated, manifest (the whole
    manifest dict, {} when it is damaged), damage (None, or which files are damaged and
    what to do, without the folder's path: StoreDamaged.short()). A damaged sweep never
    raises here and never hides the others; it has has_indices False.
    """
    root = Path(root)
    if not root.exists():
        return []
    out = []
    for mf in root.glob(f"**/{MANIFEST}"):
        folder = mf.parent
        if DAMAGED in folder.relative_to(root).parts:
            continue
        store = RunStore(folder)
        manifest, damage = {}, None
        try:
            manifest = store.read_manifest()
            if manifest.get("kind") != "sweep":
                continue
            runs = stored_runs(folder)
        except StoreDamaged as exc:
            damage = exc.short()
            runs = stored_runs_frame()
        except OSError:
            continue
        total = int(manifest.get("n_runs", 0) or 0)
        done = len(runs)
        failed = int((runs["status"] != "ok").sum())
        has_indices = damage is None and (folder / "indices.csv").exists()
        if store.is_locked():
            status = "running"
        elif damage is not None:
            status = "damaged"
        elif done >= total and str(manifest.get("status", "")).startswith("complete"):
            status = "complete"
        else:
            status = "partial"
        spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
        out.append({"folder": str(folder), "name": manifest.get("name", folder.name),
                    "method": manifest.get("method"), "description": spec.get("description", ""),
                    "status": status, "runs_total": total, "runs_done": done, "failed": failed,
                    "has_indices": has_indices, "created": manifest.get("created"),
                    "updated": mf.stat().st_mtime, "manifest": manifest, "damage": damage})
    out.sort(key=lambda d: d["updated"], reverse=True)
    return out


def stored_runs_frame() -> pd.DataFrame:
    return pd.DataFrame({"run_id": pd.Series(dtype="int64"), "attempt": pd.Series(dtype="int64"),
                         "status": pd.Series(dtype="object")})


INDEX_COLUMNS = ("output", "method", "parameter", "index", "value", "conf", "ci_low", "ci_high")


def load_indices(folder: str | Path) -> pd.DataFrame:
    """The sensitivity indices of a sweep folder (indices.csv) as a DataFrame.

    Columns: output, method, parameter, index, value, conf, ci_low, ci_high. FileNotFoundError
    when the sweep has none yet; StoreDamaged when the file cannot be read as indices.
    """
    path = Path(folder) / "indices.csv"
    if not path.exists():
        raise FileNotFoundError(f"{folder}: no indices.csv yet: the sweep is not complete or its analysis "
                                "was skipped (see its manifest 'analysis' entry); finish it with "
                                "`belonging sweep SPEC --out FOLDER --resume`")
    try:
        df = pd.read_csv(path)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise StoreDamaged(folder, [("indices.csv", f"not a readable CSV table ({_first_line(exc)})")],
                           advice=_REDO_ANALYSIS.format(folder=folder)) from None
    missing = [c for c in INDEX_COLUMNS if c not in df.columns]
    if missing:
        raise StoreDamaged(folder, [("indices.csv", f"no column {missing[0]} (truncated or overwritten)")],
                           advice=_REDO_ANALYSIS.format(folder=folder))
    return df


_REDO_ANALYSIS = ("delete it and run `belonging sweep SPEC --out {folder} --resume`: the analysis is made again "
                  "from the stored runs")


@dataclass
class StoredSweep:
    """One sweep folder as read by load_sweep."""
    folder: Path
    manifest: dict
    design: pd.DataFrame
    results: pd.DataFrame          # one row per run (last attempt), as read_results
    indices: pd.DataFrame | None   # None until the sweep is complete and analysed
    status: str                    # as list_sweeps: complete, running, partial


def load_sweep(folder: str | Path) -> StoredSweep:
    """Read a whole sweep folder, checking every file: manifest, design, every stored run, indices.

    Raises FileNotFoundError when the folder holds no sweep, StoreDamaged (one exception class,
    with .damaged [(file, reason)], .advice and .short() for a page) when any file is damaged.
    """
    folder = Path(folder)
    store = RunStore(folder)
    if not store.exists():
        raise FileNotFoundError(f"{folder}: no {MANIFEST}: not a sweep folder (see experiments.list_sweeps)")
    bad = []
    manifest = {}
    try:
        manifest = store.read_manifest()
    except StoreDamaged as exc:
        bad += exc.damaged
    design = None
    try:
        design = store.read_design()
    except FileNotFoundError:
        bad.append((DESIGN, "missing"))
    except StoreDamaged as exc:
        bad += exc.damaged
    results = None
    try:
        results = read_results(folder) if not bad else None
    except StoreDamaged as exc:
        bad += exc.damaged
    if results is None and not bad:
        results = pd.DataFrame()
    if bad:
        raise StoreDamaged(folder, bad)
    try:
        indices = load_indices(folder)
    except FileNotFoundError:
        indices = None
    total = int(manifest.get("n_runs", 0))
    if store.is_locked():
        status = "running"
    elif len(results) >= total and str(manifest.get("status", "")).startswith("complete"):
        status = "complete"
    else:
        status = "partial"
    return StoredSweep(folder, manifest, design, results, indices, status)
