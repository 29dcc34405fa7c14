"""Run a sensitivity sweep: design -> runs on an executor -> result store -> indices and plots.

    from experiments import load_spec, run_sweep
    result = run_sweep(load_spec("sobol_policies", {"samples": 16}), out="results/sweeps/try",
                       executor=2, progress=lambda done, total, failed: ...)
    result.indices        # DataFrame: output, method, parameter, index, value, conf, ci_low, ci_high
    result.failures       # DataFrame of failed runs with their parameters and error

With a contrast scenario (spec key `contrast`), each run is a pair: the base and the
contrast at the same parameter values and seed, stored in one row (the contrast's
columns prefixed `contrast_`), so `<output>_effect` is computed run by run.

Run r of point p has run_id p * replicates + r and a seed derived from the spec's seed
(SeedSequence), never from the order in which runs finish, so one process, many
processes and a Dask cluster give the same numbers. Each finished run is stored at
once (experiments.store); `resume=True` runs only what is not stored yet.
"""

from __future__ import annotations

import math
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from .executors import make_executor
from .runner import model_fingerprint, safe_sweep_run, sweep_run
from .spec import CONTRAST_PREFIX, SweepSpec, load_spec, output_values
from .estimate import check_sweep
from .store import (DESIGN, MANIFEST, RunStore, StoreDamaged, atomic_write_frame, damaged_run_ids, kill_point,
                    read_results, stored_runs)

DEFAULT_ROOT = Path("results/sweeps")
COMPACT_EVERY = 2000
RANKING_TOP = 20          # parameters per output in ranking.md and the CLI's summary
PLOT_TOP = 30             # parameters per plot when a sweep has more (the largest main index first)


class SweepError(RuntimeError):
    """A sweep that cannot start or continue as asked (folder clash, changed spec or model)."""


@dataclass
class SweepResult:
    folder: Path
    manifest: dict
    results: pd.DataFrame
    indices: pd.DataFrame | None
    variance: pd.DataFrame | None
    failures: pd.DataFrame
    analysis_note: str | None = None
    ran: int = 0                      # runs executed in this call (not resumed ones)
    files: list = field(default_factory=list)


def default_folder(spec: SweepSpec) -> Path:
    return DEFAULT_ROOT / spec.name


def _schema(spec: SweepSpec) -> pa.Schema:
    from sim import OUTCOMES
    from sim.mechanisms.costs import LEVERS
    kinds = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_(), "choice": pa.string()}
    fields = [("run_id", pa.int64()), ("point", pa.int64()), ("replicate", pa.int64()), ("seed", pa.int64()),
              ("attempt", pa.int64()), ("session", pa.string()), ("status", pa.string()), ("error", pa.string())]
    for p in spec.parameters:
        if p.levels is not None and p.kind == "float":
            fields.append((p.key, pa.float64()))
        else:
            fields.append((p.key, kinds[p.kind]))
    prefixes = [""] + ([CONTRAST_PREFIX] if spec.contrast is not None else [])
    for pre in prefixes:
        for o in OUTCOMES:
            fields += [(f"{pre}{o}_start", pa.float64()), (f"{pre}{o}_end", pa.float64())]
        fields += [(f"{pre}no_longer_lonely", pa.float64()), (f"{pre}total_cost", pa.float64())]
        fields += [(f"{pre}cost_{lever}", pa.float64()) for lever in LEVERS]
    fields += [("scenario_hash", pa.string())]
    if spec.contrast is not None:
        fields += [(f"{CONTRAST_PREFIX}scenario_hash", pa.string())]
    fields += [("model_version", pa.string()), ("model_fingerprint", pa.string()), ("seconds", pa.float64())]
    return pa.schema(fields)


def _design_frame(spec: SweepSpec, X, points) -> pd.DataFrame:
    cols = {"point": np.arange(len(points))}
    if X is not None:
        for j, p in enumerate(spec.parameters):
            cols[f"x:{p.key}"] = X[:, j]
    for p in spec.parameters:
        cols[p.key] = [pt[p.key] for pt in points]
    return pd.DataFrame(cols)       # built at once: a column at a time fragments a frame of 180 parameters


def plan(spec: SweepSpec) -> dict:
    """Design size without running or building anything: points, runs, parameters."""
    points = spec.n_points()
    return {"points": points, "runs": points * spec.replicates,
            "parameters": [(p.key, p.describe()) for p in spec.parameters]}


def check_out(folder: str | Path) -> None:
    """SweepError when the results folder cannot be one: it, or a folder above it, is a file."""
    folder = Path(folder)
    for p in (folder, *folder.parents):
        if p.exists() or p.is_symlink():
            if not p.is_dir():
                what = "is a file" if p == folder else f"would be inside {p}, which is a file"
                raise SweepError(f"--out {folder}: {what}, not a folder; give a folder for the results "
                                 "(it is created if missing)")
            break


def _open_folder(store: RunStore, spec, design, schema, resume, repair, base_hash, contrast_hash, version,
                 fingerprint, repaired: list) -> dict | None:
    """Check a folder before runs are added. Returns its manifest to continue, or None to write a
    new one: nothing is stored yet (a new folder, or a start killed before its first run), or
    the manifest was damaged and is rebuilt (with repair, once the stored runs are checked to be
    this spec's). Damage raises StoreDamaged; with repair the damaged files are set aside into
    damaged/ and their runs run again."""
    folder = store.folder
    runs = store.files()
    old, manifest_bad = None, None
    try:
        old = store.read_manifest()
    except FileNotFoundError:
        pass
    except StoreDamaged as exc:
        manifest_bad = exc.damaged
    if old is not None and old.get("kind") != "sweep":
        raise SweepError(f"{folder}: manifest is not a sweep's")
    design_bad = None
    try:
        store.read_design()
    except FileNotFoundError:
        design_bad = [(DESIGN, "missing")]
    except StoreDamaged as exc:
        design_bad = exc.damaged

    if not runs:                          # nothing stored: nothing to keep
        if old is None and manifest_bad is None and resume and folder.exists():
            extra = [p.name for p in folder.iterdir() if p.name not in (".lock", DESIGN, "runs", "damaged")
                     and not p.name.startswith(".")]
            if extra:
                raise SweepError(f"{folder}: exists but holds no sweep manifest; choose another --out")
        if old is not None and resume and design_bad is None:
            try:
                _check_same(old, spec, base_hash, version, fingerprint, folder, contrast_hash)
                return old                # a resume before the first run: the same sweep, its sessions kept
            except SweepError:
                pass                      # another spec or model, but nothing stored to mix with: start afresh
        if manifest_bad:
            repaired += store.set_aside([MANIFEST])
        if design_bad and design_bad[0][1] != "missing":
            repaired += store.set_aside([DESIGN])
        return None                       # never started, or killed before its first run: start afresh

    if old is not None:
        if not resume:
            raise SweepError(f"{folder} already holds a sweep ({old.get('name')}, "
                             f"{len(stored_runs_safe(folder))}/{old.get('n_runs')} runs stored): pass --resume "
                             "(resume=True) to continue it, or choose another --out folder")
        _check_same(old, spec, base_hash, version, fingerprint, folder, contrast_hash)
    bad = list(manifest_bad or [])
    if old is None and not manifest_bad:
        bad.append((MANIFEST, f"missing, while {len(runs)} run files are stored"))
    bad += (design_bad or []) + store.scan()
    if bad and not (resume and repair):
        raise StoreDamaged(folder, bad)
    if bad:
        run_files = [f for f, _ in bad if f not in (MANIFEST, DESIGN)]
        lost = damaged_run_ids(run_files)
        repaired += store.set_aside(run_files)
        if old is None:
            _check_runs_are_this_spec(folder, spec, design, schema, fingerprint)
            repaired += store.set_aside([MANIFEST])
        if design_bad:
            repaired += store.set_aside([DESIGN])
            store.write_design(design)
        still = set(stored_runs(folder).run_id.tolist()) if lost else set()
        lost = [r for r in lost if r not in still]
        if lost:
            repaired.append(f"runs to redo: {', '.join(map(str, lost[:20]))}{' ...' if len(lost) > 20 else ''}")
    stored_design = store.read_design()
    if (list(stored_design.columns) != list(design.columns)
            or stored_design.astype(object).values.tolist() != design.astype(object).values.tolist()):
        raise SweepError(f"{folder}: the design generated now differs from the stored one "
                         "(another SALib or numpy version?); resuming would mix designs: start a new folder")
    return old


def stored_runs_safe(folder) -> pd.DataFrame:
    try:
        return stored_runs(folder)
    except StoreDamaged:
        return pd.DataFrame({"run_id": []})


def _check_runs_are_this_spec(folder, spec, design, schema, fingerprint) -> None:
    """Before a manifest is rebuilt from the spec: the stored runs must be this spec's runs."""
    if not RunStore(folder).files():
        return
    res = read_results(folder, all_attempts=True)
    if not len(res):
        return
    why = None
    if set(res.columns) != set(schema.names):
        why = "their columns differ from this spec's"
    elif res.point.max() >= len(design) or (res.replicate >= spec.replicates).any():
        why = "they hold points or replicates outside this spec's design"
    else:
        d = design.set_index("point").loc[res.point.to_numpy()]
        for p in spec.parameters:
            if list(d[p.key].astype(object)) != list(res[p.key].astype(object)):
                why = f"their values of {p.key} are not this spec's design"
                break
        if why is None:
            seeds = [spec.run_seed(int(a), int(b)) for a, b in zip(res.point, res.replicate)]
            if seeds != [int(x) for x in res.seed]:
                why = "their seeds are not this spec's"
            elif set(res.model_fingerprint.dropna()) - {fingerprint}:
                why = "they were run by other model code (fingerprint differs)"
    if why:
        raise SweepError(f"{folder}: cannot rebuild the manifest from this spec: the stored runs are not its runs "
                         f"({why}); give the spec and options the sweep was started with")


def run_sweep(
    spec: SweepSpec | str | Path,
    out: str | Path | None = None,
    executor=None,
    resume: bool = False,
    retry_failed: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
    cancel=None,
    run_fn: Callable | None = None,
    analyse: bool = True,
    on_start: Callable[[dict], None] | None = None,
    repair: bool = False,
    confirm_large: bool = False,
) -> SweepResult:
    """Run (or resume) a sweep and analyse it when every run is stored.

    spec: a SweepSpec, a spec path or a shipped spec's name.
    out: the results folder (default results/sweeps/<spec name>/).
    executor: as for experiments.make_executor (None: local processes, one per core).
    resume: continue a folder holding this spec's runs; without it such a folder is an error.
    retry_failed: with resume, run the stored failed runs again (their new attempt replaces them).
    progress: progress(runs_done, runs_total, runs_failed), counting stored runs too.
    cancel: threading.Event or callable: stop after the runs in flight (all stored runs kept).
    run_fn: a top-level function task -> record replacing experiments.runner.sweep_run
        (tests use it to inject failures); it must be importable by the workers.
    on_start: called once with {"points", "runs", "todo", "executor", "stored", "merged", "repaired",
        "estimate"} before runs start.
    repair: with resume, set damaged files aside (into damaged/), rebuild a damaged manifest or
        design from this spec once the stored runs are checked to be its runs, and run again
        only the runs that were lost. Without it a damaged folder raises StoreDamaged.
    confirm_large: start a design that estimate.check_sweep asks to confirm (long, or large for
        this machine's memory or disk); one the machine cannot hold raises SweepTooLarge anyway.
        Both are checked from the design's formula, before the design is built.
    """
    from sim import __version__, scenario_hash

    if not isinstance(spec, SweepSpec):
        spec = load_spec(spec)
    folder = Path(out) if out is not None else default_folder(spec)
    check_out(folder)
    store = RunStore(folder)
    stored_now = len(stored_runs_safe(folder)) if resume and store.exists() and not repair else 0
    ex = make_executor(executor)
    own = not hasattr(executor, "run")
    try:
        estimate = check_sweep(spec, getattr(ex, "workers", 1), stored=stored_now, folder=folder,
                               confirmed=confirm_large)
    except BaseException:
        if own:
            ex.close()
        raise
    X, points = spec.design()
    n_points, R = len(points), spec.replicates
    n_runs = n_points * R
    design = _design_frame(spec, X, points)
    schema = _schema(spec)
    base_hash = scenario_hash(spec.base_scenario)
    contrast_hash = scenario_hash(spec.contrast_scenario) if spec.contrast is not None else None
    fingerprint = model_fingerprint()
    repaired = []

    try:
        store.lock()
    except BaseException:
        if own:
            ex.close()
        raise
    try:
        kill_point("start")
        store.clean_tmp()
        manifest = _open_folder(store, spec, design, schema, resume, repair, base_hash, contrast_hash,
                                __version__, fingerprint, repaired)
        if manifest is None:                      # nothing stored yet: a new sweep (or an unfinished start)
            manifest = {
                "kind": "sweep", "format": 1, "name": spec.name, "method": spec.method,
                "spec": spec.data, "spec_hash": spec.spec_hash, "spec_path": spec.path,
                "spec_text": Path(spec.path).read_text() if spec.path else None,
                "model_version": __version__, "model_fingerprint": fingerprint, "base_scenario_hash": base_hash,
                "contrast": spec.contrast, "contrast_scenario_hash": contrast_hash,
                "parameters_from_schema": spec.from_schema,
                "n_points": n_points, "replicates": R, "n_runs": n_runs,
                "parameters": [{"key": p.key, "kind": p.kind, "bounds": p.bounds, "levels": p.levels}
                               for p in spec.parameters],
                "outputs": spec.outputs, "columns": schema.names,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "sessions": [], "status": "running",
            }
            # the design first, the manifest last: a folder without a manifest holds nothing to keep
            kill_point("before_design")
            store.write_design(design)
            kill_point("after_design")
            kill_point("before_manifest")
            store.write_manifest(manifest)
            kill_point("after_manifest")
        if repaired:
            manifest.setdefault("repairs", []).append({"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                                       "set_aside": repaired})
        store.prepare(schema)
        merged = store.compact() if resume else 0
        have = stored_runs(folder)
        done_ids = set(have.run_id.tolist())
        attempts = dict(zip(have.run_id.tolist(), have.attempt.tolist()))
        failed_ids = set(have.run_id[have.status != "ok"].tolist())
        if retry_failed:
            done_ids -= failed_ids
        todo = [rid for rid in range(n_runs) if rid not in done_ids]
        session = uuid.uuid4().hex[:12]
        manifest["status"] = "running"
        manifest["sessions"].append({"id": session, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                     "executor": ex.describe(), "todo": len(todo), "pid": os.getpid(),
                                     "resumed": bool(resume and done_ids)})
        store.write_manifest(manifest)
        if on_start is not None:
            on_start({"points": n_points, "runs": n_runs, "todo": len(todo), "executor": ex.describe(),
                      "stored": len(done_ids), "merged": merged, "repaired": repaired,
                      "estimate": estimate.text() if todo else None})

        base = spec.base_scenario
        contrast = spec.contrast_scenario

        def task(rid):
            p, r = divmod(rid, R)
            return {"run_id": rid, "point": p, "replicate": r, "seed": spec.run_seed(p, r), "base": base,
                    "contrast": contrast, "overrides": points[p], "fn": run_fn or sweep_run}

        n_failed = 0 if retry_failed else len(failed_ids)
        n_done = len(done_ids)
        ran = 0
        if progress is not None:
            progress(n_done, n_runs, n_failed)
        since_compact = 0
        try:
            tasks = (task(rid) for rid in todo)
            for i, ok, value in ex.run(safe_sweep_run, tasks, cancel):
                rid = todo[i]
                p, r = divmod(rid, R)
                rec = value if ok else {"status": "failed", "error": f"{type(value).__name__}: {value}"}
                rec.update({"run_id": rid, "point": p, "replicate": r, "seed": spec.run_seed(p, r),
                            "attempt": attempts.get(rid, 0) + 1, "session": session, **points[p]})
                if rec.get("scenario_hash") is None:
                    rec["scenario_hash"] = _hash_or_blank(base, points[p])
                if contrast is not None and rec.get(f"{CONTRAST_PREFIX}scenario_hash") is None:
                    rec[f"{CONTRAST_PREFIX}scenario_hash"] = _hash_or_blank(contrast, points[p])
                rec.setdefault("model_version", __version__)
                if rec["status"] == "ok" and rec.get("model_fingerprint", fingerprint) != fingerprint:
                    rec.update(status="failed", error=(
                        f"model code differs: the worker ran sim with fingerprint {rec['model_fingerprint']}, "
                        f"this sweep uses {fingerprint}; install the same version of the project on every worker"))
                rec.setdefault("model_fingerprint", fingerprint)
                store.append(rec)
                ran += 1
                n_done += 1
                n_failed += rec["status"] != "ok"
                since_compact += 1
                if since_compact >= COMPACT_EVERY:
                    store.compact()
                    since_compact = 0
                if progress is not None:
                    progress(n_done, n_runs, n_failed)
        finally:
            if own:
                ex.close()
                own = False
        store.compact()
        results = read_results(folder)
        failures = results[results.status != "ok"].reset_index(drop=True)
        complete = len(results) == n_runs
        manifest["sessions"][-1]["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        manifest["sessions"][-1]["ran"] = ran
        result = SweepResult(folder, manifest, results, None, None, failures, ran=ran)
        if complete and analyse:
            analysis = analyse_sweep(folder, spec, results)
            result.indices, result.variance = analysis["indices"], analysis["variance"]
            result.analysis_note, result.files = analysis["note"], analysis["files"]
            manifest["analysis"] = {"note": analysis["note"], "files": [str(Path(f).name) for f in analysis["files"]]}
        manifest["status"] = ("complete" if not len(failures) else "complete_with_failures") if complete else "partial"
        manifest["runs_stored"] = len(results)
        manifest["runs_failed"] = len(failures)
        kill_point("before_final_manifest")
        store.write_manifest(manifest)
        return result
    finally:
        if own:
            ex.close()
        store.unlock()


def _hash_or_blank(base, overrides) -> str:
    from sim import ScenarioError, load_scenario, scenario_hash
    try:
        return scenario_hash(load_scenario(base, overrides))
    except ScenarioError:
        return ""


def _check_same(old: dict, spec: SweepSpec, base_hash: str, version: str, fingerprint: str, folder: Path,
                contrast_hash: str | None = None) -> None:
    if old.get("kind") != "sweep":
        raise SweepError(f"{folder}: manifest is not a sweep's")
    if old.get("spec_hash") != spec.spec_hash:
        diffs = [k for k in set(old.get("spec", {})) | set(spec.data)
                 if old.get("spec", {}).get(k) != spec.data.get(k)]
        raise SweepError(f"{folder} holds a different spec (differs in: {', '.join(sorted(diffs))}); resuming "
                         "would mix designs: use the same spec and options, or another --out folder")
    if old.get("base_scenario_hash") != base_hash:
        raise SweepError(f"{folder}: the base scenario {spec.base!r} changed since this sweep started "
                         f"(hash {old.get('base_scenario_hash')} -> {base_hash}); start a new folder")
    if old.get("contrast_scenario_hash") != contrast_hash:
        raise SweepError(f"{folder}: the contrast scenario {spec.contrast!r} changed since this sweep started "
                         f"(hash {old.get('contrast_scenario_hash')} -> {contrast_hash}); start a new folder")
    if old.get("model_version") != version:
        raise SweepError(f"{folder}: started with model version {old.get('model_version')}, this is {version}; "
                         "runs would not be comparable: start a new folder")
    if old.get("model_fingerprint") != fingerprint:
        raise SweepError(f"{folder}: the model code (sim/) changed since this sweep started (fingerprint "
                         f"{old.get('model_fingerprint')} -> {fingerprint}); resuming would mix runs of two models: "
                         "start a new --out folder (or restore that code)")


# -- analysis -----------------------------------------------------------------

def analyse_sweep(folder: str | Path, spec: SweepSpec | None = None, results: pd.DataFrame | None = None) -> dict:
    """Indices per output (indices.csv), seed noise (variance.csv), failures (failures.csv), plots.

    Returns {"indices", "variance", "levels", "note", "files"}. Analysis needs every sample
    point to have at least one successful run; otherwise it is skipped with a note
    naming the points (a design with holes would give wrong indices).
    """
    folder = Path(folder)
    if spec is None:
        spec = load_spec(RunStore(folder).read_manifest()["spec"])
    if results is None:
        results = read_results(folder)
    X, points = spec.design()
    n_points = len(points)
    files = []
    fail = results[results.status != "ok"]
    fail_cols = ["run_id", "point", "replicate", "seed", *[p.key for p in spec.parameters], "error"]
    atomic_write_frame(folder / "failures.csv", fail[fail_cols])
    files.append(folder / "failures.csv")
    ok = results[results.status == "ok"]
    Y, counts = _point_means(spec, ok, n_points)
    variance = seed_noise(spec, ok)
    atomic_write_frame(folder / "variance.csv", variance)
    files.append(folder / "variance.csv")
    missing = np.flatnonzero(counts == 0)
    note = None
    indices = None
    levels = None
    if len(missing):
        note = (f"analysis skipped: {len(missing)} of {n_points} sample points have no successful run "
                f"(points {', '.join(map(str, missing[:10]))}{' ...' if len(missing) > 10 else ''}); see failures.csv, "
                "fix the cause and rerun them with --resume --retry-failed")
    else:
        if spec.method == "factorial":
            indices, levels = factorial_indices(spec, points, ok)
            atomic_write_frame(folder / "levels.csv", levels)
            files.append(folder / "levels.csv")
        else:
            indices = salib_indices(spec, X, Y)
            if spec.method == "fast":
                note = ("eFAST intervals come from SALib's bootstrap, which SALib marks as indicative only "
                        "(SALib issue 649); read them as rough")
        atomic_write_frame(folder / "indices.csv", indices)
        files.append(folder / "indices.csv")
        from .ranking import interval_caveat, noise_floors, write_ranking
        write_ranking(folder / "ranking.md", indices, spec.outputs,
                      title=f"{spec.name}: {spec.method}, {len(spec.parameters)} parameters", top=RANKING_TOP,
                      caveat=interval_caveat(spec.method, spec.samples, spec.replicates),
                      floors=noise_floors(variance, spec.method, spec.replicates, spec.options))
        files.append(folder / "ranking.md")
        files += plot_indices(folder, spec, indices, variance)
    return {"indices": indices, "variance": variance, "levels": levels, "note": note, "files": files}


def _point_means(spec, ok: pd.DataFrame, n_points: int):
    """(n_points, outputs) means over each point's successful replicates, and counts."""
    Y = np.full((n_points, len(spec.outputs)), np.nan)
    counts = np.bincount(ok.point.to_numpy(dtype=np.int64), minlength=n_points)
    pts = ok.point.to_numpy(dtype=np.int64)
    for j, o in enumerate(spec.outputs):
        v = output_values(ok, o)
        sums = np.bincount(pts, weights=v, minlength=n_points)
        with np.errstate(invalid="ignore", divide="ignore"):
            Y[:, j] = sums / counts
    return Y, counts


def seed_noise(spec, ok: pd.DataFrame) -> pd.DataFrame:
    """How much of each output's variance is seed noise (needs replicates >= 2, else NaN).

    seed_var: mean over points of the variance over replicates (ddof 1): the noise of one run.
    signal_var: variance of the point means that the parameters explain: var(point means)
    minus seed_var / replicates (without common random numbers) or var(point means) itself
    (with them: every point shares the same seeds, so a seed shifts all points alike).
    seed_share = seed_var / (seed_var + signal_var): the share of one run's variance that is
    noise. mean_noise_share = (seed_var / replicates) / var(point means), at most 1: the same
    for the averages the indices are computed from (an upper bound with common random numbers).
    """
    rows = []
    R = spec.replicates
    for o in spec.outputs:
        v = output_values(ok, o)
        df = pd.DataFrame({"point": ok.point.to_numpy(), "v": v})
        g = df.groupby("point")["v"]
        within = float(g.var(ddof=1).mean()) if R > 1 else math.nan
        pm = g.mean()
        var_means = float(pm.var(ddof=1)) if len(pm) > 1 else math.nan
        signal = var_means if spec.crn else var_means - within / R
        signal = max(signal, 0.0) if math.isfinite(signal) else math.nan
        denom = within + signal
        rows.append({
            "output": o, "runs": len(v), "points": int(g.ngroups), "replicates": R,
            "mean": float(np.mean(v)) if len(v) else math.nan,
            "seed_var": within, "signal_var": signal, "point_means_var": var_means,
            "seed_share": within / denom if denom > 0 else math.nan,
            "mean_noise_share": min(1.0, (within / R) / var_means) if var_means > 0 else math.nan,
        })
    return pd.DataFrame(rows)


def salib_indices(spec: SweepSpec, X, Y) -> pd.DataFrame:
    """Sobol / Morris / eFAST indices through SALib's ProblemSpec, one block per output."""
    import warnings
    sp = spec.problem_spec()
    sp.set_samples(X)
    sp.set_results(Y if Y.shape[1] > 1 else Y[:, 0])
    o = spec.options
    common = {"num_resamples": o["num_resamples"], "conf_level": o["conf_level"], "seed": spec.seed}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)    # constant outputs divide by zero: NaN indices
        warnings.filterwarnings("ignore", message="Constant values encountered")
        warnings.filterwarnings("ignore", message="FAST confidence intervals")   # said in the analysis note
        if spec.method == "sobol":
            sp.analyze_sobol(calc_second_order=o["calc_second_order"], **common)
        elif spec.method == "morris":
            sp.analyze_morris(num_levels=o["num_levels"], **common)
        elif spec.method == "fast":
            sp.analyze_fast(M=o["M"], **common)
    analysis = sp.analysis if len(spec.outputs) > 1 else {spec.outputs[0]: sp.analysis}
    names = [p.key for p in spec.parameters]
    rows = []
    for out_name in spec.outputs:
        a = analysis[out_name]
        col = Y[:, spec.outputs.index(out_name)]
        const = float(np.nanmax(col)) == float(np.nanmin(col))    # no variance to share out
        if spec.method in ("sobol", "fast"):
            pairs = [("S1", "S1_conf"), ("ST", "ST_conf")]
        else:
            pairs = [("mu_star", "mu_star_conf"), ("mu", None), ("sigma", None)]
        for idx, conf in pairs:
            for j, name in enumerate(names):
                val = float(np.asarray(a[idx])[j])
                c = float(np.asarray(a[conf])[j]) if conf else math.nan
                if const:
                    val, c = math.nan, math.nan
                rows.append(_row(out_name, spec.method, name, idx, val, c))
        if spec.method == "sobol" and o["calc_second_order"]:
            S2, S2c = np.asarray(a["S2"]), np.asarray(a["S2_conf"])
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    rows.append(_row(out_name, spec.method, f"{names[i]} x {names[j]}", "S2",
                                     math.nan if const else float(S2[i, j]), math.nan if const else float(S2c[i, j])))
    return pd.DataFrame(rows)


def _row(output, method, parameter, index, value, conf) -> dict:
    lo = value - conf if math.isfinite(conf) else math.nan
    hi = value + conf if math.isfinite(conf) else math.nan
    return {"output": output, "method": method, "parameter": parameter, "index": index, "value": value,
            "conf": conf, "ci_low": lo, "ci_high": hi}


def _anova(values: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total effects of a full factorial (balanced) design.

    values: (points,) output; grid: (points, D) level indices. S1_i = Var(E[Y|x_i]) / Var(Y);
    ST_i = E[Var(Y|x_~i)] / Var(Y), both exact on a complete grid.
    """
    var = values.var()
    D = grid.shape[1]
    S1, ST = np.full(D, np.nan), np.full(D, np.nan)
    if not var > 0:
        return S1, ST
    df = pd.DataFrame(grid, columns=[f"g{j}" for j in range(D)])
    df["y"] = values
    for j in range(D):
        S1[j] = df.groupby(f"g{j}")["y"].mean().var(ddof=0) / var
        others = [f"g{k}" for k in range(D) if k != j]
        within = df.groupby(others)["y"].var(ddof=0).mean() if others else var
        ST[j] = within / var
    return S1, ST


def factorial_indices(spec: SweepSpec, points, ok: pd.DataFrame):
    """Main and total effect shares (ANOVA on the full grid), with bootstrap intervals over
    replicates (the design itself is exhaustive, so only seed noise is uncertain), and the
    mean of each output at each level of each parameter (levels.csv)."""
    D = len(spec.parameters)
    n_points = len(points)
    grid = np.array([[p.levels.index(pt[p.key]) for p in spec.parameters] for pt in points], dtype=np.int64)
    R = spec.replicates
    conf_level = spec.options["conf_level"]
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, 0xFAC7]))
    rows, lrows = [], []
    for o in spec.outputs:
        v = output_values(ok, o)
        table = np.full((n_points, R), np.nan)
        table[ok.point.to_numpy(dtype=np.int64), ok.replicate.to_numpy(dtype=np.int64)] = v
        Y = np.nanmean(table, axis=1)
        S1, ST = _anova(Y, grid)
        B = spec.options["num_resamples"]
        if R > 1:
            boot1, bootT = np.empty((B, D)), np.empty((B, D))
            for b in range(B):
                pick = rng.integers(0, R, size=(n_points, R))
                Yb = np.nanmean(np.take_along_axis(table, pick, axis=1), axis=1)
                Yb = np.where(np.isnan(Yb), Y, Yb)
                boot1[b], bootT[b] = _anova(Yb, grid)
            z = float(__import__("scipy.stats", fromlist=["norm"]).norm.ppf(0.5 + conf_level / 2))
            c1, cT = z * np.nanstd(boot1, axis=0, ddof=1), z * np.nanstd(bootT, axis=0, ddof=1)
        else:
            c1 = cT = np.full(D, np.nan)
        for j, p in enumerate(spec.parameters):
            rows.append(_row(o, "factorial", p.key, "S1", float(S1[j]), float(c1[j])))
        for j, p in enumerate(spec.parameters):
            rows.append(_row(o, "factorial", p.key, "ST", float(ST[j]), float(cT[j])))
        from .stats import mean_interval
        for j, p in enumerate(spec.parameters):
            for li, lv in enumerate(p.levels):
                m, lo, hi = mean_interval(Y[grid[:, j] == li], conf_level)
                lrows.append({"output": o, "parameter": p.key, "level": str(lv), "mean": m, "ci_low": lo,
                              "ci_high": hi, "points": int(np.sum(grid[:, j] == li))})
    return pd.DataFrame(rows), pd.DataFrame(lrows)


def plot_indices(folder: Path, spec: SweepSpec, indices: pd.DataFrame, variance: pd.DataFrame) -> list[Path]:
    """One PNG per output: the method's indices per parameter with their intervals (with more
    than PLOT_TOP parameters, the PLOT_TOP with the largest mu_star or ST, largest first)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .ranking import ranking

    files = []
    all_names = [p.key for p in spec.parameters]
    shown = ("mu_star", "sigma") if spec.method == "morris" else ("S1", "ST")
    for o in spec.outputs:
        sub = indices[(indices.output == o)]
        names = all_names
        if len(all_names) > PLOT_TOP:
            names = list(ranking(indices, o, top=PLOT_TOP)["parameter"])
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(names) + 1.6), dpi=110)
        y = np.arange(len(names))
        h = 0.38
        for k, idx in enumerate(shown):
            s = sub[sub["index"] == idx].set_index("parameter").reindex(names)
            err = s["conf"].to_numpy()
            ax.barh(y + (k - 0.5) * h, s["value"].to_numpy(), height=h, label=idx,
                    xerr=np.where(np.isfinite(err), err, 0), capsize=2)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.6)
        noise = variance.set_index("output").loc[o, "seed_share"]
        ttl = f"{o}: {spec.method} ({spec.name})"
        if len(names) < len(all_names):
            ttl += f"\nthe {len(names)} of {len(all_names)} parameters with the largest {shown[0] if spec.method == 'morris' else 'ST'}"
        if math.isfinite(noise):
            ttl += f"\nseed noise: {noise:.0%} of one run's variance"
        ax.set_title(ttl, fontsize=10)
        ax.set_xlabel("elementary effect" if spec.method == "morris" else "share of variance")
        ax.legend(fontsize=8, loc="lower right")
        fig.tight_layout()
        path = folder / f"plot_{o}.png"
        tmp = path.with_name(f".{path.name}.tmp.png")
        fig.savefig(tmp)
        plt.close(fig)
        os.replace(tmp, path)
        files.append(path)
    return files
