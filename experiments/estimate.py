"""How long and how much memory a run or a sweep will take, before anything is built.

The figures come from the measurements of benchmarks/run.py (README, "Latest figures", on
the 2-core reference machine): a model run of N citizens over W weeks (burn-in included)
takes about RUN_OVERHEAD_S + W x WEEK_OVERHEAD_S + N x W / CITIZEN_WEEKS_PER_S seconds
(2,000 x 78 weeks: 0.26 s, measured 0.16-0.29 s; 100,000: 5.0 s, measured 3.8-6 s;
1,000,000: 49 s, measured 48-74 s), and a process peaks at about PROCESS_BYTES +
N x BYTES_PER_CITIZEN (0.94 GiB measured at 1,000,000 citizens). The design of a sweep
takes about DESIGN_BYTES_PER_VALUE per sample point and parameter while it is built
(measured 100-190 bytes: the SALib matrix, the points as Python dicts, the design table),
and the store about STORE_BYTES_PER_VALUE per stored number (a part file of 250 columns
is 83 kB). These are estimates for a decision (start, confirm or refuse), not promises:
the shared machine runs up to ~1.8 times slower at times.

Imports nothing heavy: `belonging run` uses it before it builds a model.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

GIB = 1024 ** 3
MIB = 1024 ** 2
RUN_OVERHEAD_S = 0.05
WEEK_OVERHEAD_S = 0.0015
CITIZEN_WEEKS_PER_S = 1.6e6
PROCESS_BYTES = 350 * MIB
BYTES_PER_CITIZEN = 0.9 * GIB / 1e6
DESIGN_BYTES_PER_VALUE = 150          # per sample point and parameter, while the design is built
DESIGN_BYTES_PER_POINT = 200
RESULT_BYTES_PER_VALUE = 24           # the results table read back at the end (per run and column)
STORE_BYTES_PER_VALUE = 350           # a part file on disk, per column
STORE_BYTES_PER_RUN = 2000
RESULT_COLUMNS = 60                   # columns of a run row besides the swept parameters (about)
CONFIRM_HOURS = 12.0                  # a sweep estimated to compute longer asks for --yes
REFUSE_MEMORY_SHARE = 0.8             # of the memory available now: refuse above it
CONFIRM_MEMORY_SHARE = 0.4            # ask for --yes above it
CONFIRM_DISK_SHARE = 0.5              # of the free disk: ask above it, refuse above all of it


def fmt_bytes(b: float) -> str:
    if b >= GIB:
        return f"{b / GIB:,.1f} GiB"
    if b >= MIB:
        return f"{b / MIB:,.0f} MiB"
    return f"{b / 1024:,.0f} kiB"


def fmt_duration(s: float) -> str:
    if not math.isfinite(s):
        return "?"
    if s < 60:
        return f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.0f} min"
    if s < 86400 * 2:
        return f"{s / 3600:.1f} h"
    if s < 86400 * 365 * 2:
        return f"{s / 86400:,.0f} days"
    return f"{s / (86400 * 365):,.3g} years"


def run_seconds(citizens: int, weeks: int, burn_in: int = 26) -> float:
    """Estimated seconds of one model run (build, burn-in and weeks) in a running process."""
    w = max(0, weeks) + max(0, burn_in)
    return RUN_OVERHEAD_S + w * WEEK_OVERHEAD_S + citizens * w / CITIZEN_WEEKS_PER_S


def run_bytes(citizens: int) -> float:
    """Estimated peak memory of a process running one model of this size."""
    return PROCESS_BYTES + citizens * BYTES_PER_CITIZEN


def memory_available() -> int | None:
    """Bytes of memory available now (MemAvailable of /proc/meminfo), or None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def disk_free(folder: str | Path) -> int | None:
    """Free bytes on the file system that holds folder (or its nearest existing parent)."""
    p = Path(folder).absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return shutil.disk_usage(p).free
    except OSError:
        return None


@dataclass
class RunEstimate:
    citizens: int
    weeks: int
    burn_in: int
    seconds: float
    bytes: float
    available: int | None

    def text(self) -> str:
        cw = self.citizens * (self.weeks + self.burn_in)
        return (f"estimate: {self.citizens:,} citizens x ({self.burn_in} burn-in + {self.weeks}) weeks = "
                f"{cw:,.0f} citizen-weeks: about {fmt_duration(self.seconds)} and {fmt_bytes(self.bytes)} of memory"
                + (f" ({fmt_bytes(self.available)} available)" if self.available is not None else ""))

    @property
    def too_big(self) -> bool:
        return self.available is not None and self.bytes > self.available


def estimate_run(citizens: int, weeks: int, burn_in: int) -> RunEstimate:
    return RunEstimate(citizens, weeks, burn_in, run_seconds(citizens, weeks, burn_in), run_bytes(citizens),
                       memory_available())


class SweepTooLarge(RuntimeError):
    """A design too large for this machine (refused), or large enough to ask first (confirm=True:
    pass --yes / confirm_large=True)."""

    def __init__(self, message: str, confirm: bool):
        super().__init__(message)
        self.confirm = confirm


@dataclass
class SweepEstimate:
    points: int
    runs: int
    todo: int
    parameters: int
    workers: int
    run_seconds: float
    run_bytes: float
    design_bytes: float
    store_bytes: float
    memory_available: int | None
    disk_free: int | None
    contrast: bool = False
    refuse: list = field(default_factory=list)
    confirm: list = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.todo * self.run_seconds / max(1, self.workers)

    def text(self) -> str:
        per = f"~{self.run_seconds:.2g} s" + (" per pair (base and contrast)" if self.contrast else " per run")
        todo = f"{self.todo:,} runs" if self.todo == self.runs else f"{self.todo:,} of {self.runs:,} runs to go"
        return (f"Estimate: {todo} x {per} on {self.workers} worker{'s' if self.workers != 1 else ''} = about "
                f"{fmt_duration(self.seconds)}; the design takes ~{fmt_bytes(self.design_bytes)} of memory, "
                f"each worker ~{fmt_bytes(self.run_bytes)}, the stored runs ~{fmt_bytes(self.store_bytes)} on disk")


def estimate_sweep(spec, workers: int = 1, stored: int = 0, folder: str | Path | None = None) -> SweepEstimate:
    """Runs, time, memory and disk of a sweep from its formula (the design is not built), with
    what this machine can take: .refuse (reasons it cannot run here) and .confirm (reasons to ask)."""
    points = spec.n_points()
    runs = points * spec.replicates
    todo = max(0, runs - stored)
    D = len(spec.parameters)
    burn_in = spec.base_scenario.run.burn_in
    per = run_seconds(spec.citizens, spec.weeks, burn_in) * (2 if spec.contrast is not None else 1)
    cols = D + RESULT_COLUMNS * (2 if spec.contrast is not None else 1)
    design = points * (D * DESIGN_BYTES_PER_VALUE + DESIGN_BYTES_PER_POINT) + runs * cols * RESULT_BYTES_PER_VALUE
    store = runs * (cols * STORE_BYTES_PER_VALUE + STORE_BYTES_PER_RUN)
    est = SweepEstimate(points, runs, todo, D, max(1, int(workers or 1)), per, run_bytes(spec.citizens), design,
                        store, memory_available(), disk_free(folder) if folder is not None else None,
                        contrast=spec.contrast is not None)
    mem = est.memory_available
    if mem is not None:
        if design > REFUSE_MEMORY_SHARE * mem:
            est.refuse.append(f"the design of {points:,} points x {D} parameters and its results need about "
                              f"{fmt_bytes(design)} of memory; {fmt_bytes(mem)} is available"
                              + _fewer_samples(spec, REFUSE_MEMORY_SHARE * mem / max(design, 1)))
        elif design > CONFIRM_MEMORY_SHARE * mem:
            est.confirm.append(f"the design needs about {fmt_bytes(design)} of the {fmt_bytes(mem)} of memory "
                               "available")
        if est.run_bytes * est.workers > mem:
            est.confirm.append(f"{est.workers} workers at ~{fmt_bytes(est.run_bytes)} each need more than the "
                               f"{fmt_bytes(mem)} of memory available (fewer --workers)")
    free = est.disk_free
    if free is not None and todo:
        if store > free:
            est.refuse.append(f"the stored runs need about {fmt_bytes(store)} of disk; {fmt_bytes(free)} is free"
                              + _fewer_samples(spec, free / max(store, 1)))
        elif store > CONFIRM_DISK_SHARE * free:
            est.confirm.append(f"the stored runs need about {fmt_bytes(store)} of the {fmt_bytes(free)} free on disk")
    if est.seconds > CONFIRM_HOURS * 3600:
        est.confirm.append(f"{todo:,} runs take about {fmt_duration(est.seconds)} on {est.workers} "
                           f"worker{'s' if est.workers != 1 else ''}")
    return est


def _fewer_samples(spec, share: float) -> str:
    """ '; at most about --samples K' for a sampling design, scaled by share (< 1)."""
    if spec.samples is None or share >= 1:
        return ""
    k = int(spec.samples * share)
    if spec.method == "sobol":
        k = 1 << (k.bit_length() - 1) if k >= 1 else 0
    return f" (this machine takes at most about --samples {k:,})" if k >= 1 else ""


def check_sweep(spec, workers: int = 1, stored: int = 0, folder=None, confirmed: bool = False) -> SweepEstimate:
    """estimate_sweep, raising SweepTooLarge when the machine cannot take it (always) or when it
    should be confirmed first (unless confirmed)."""
    est = estimate_sweep(spec, workers, stored, folder)
    if est.refuse:
        raise SweepTooLarge(f"sweep {spec.name}: too large for this machine: " + "; ".join(est.refuse)
                            + ". Lower --samples (or fewer levels or parameters).", confirm=False)
    if est.confirm and not confirmed:
        raise SweepTooLarge(f"sweep {spec.name}: a large sweep: " + "; ".join(est.confirm) + ". " + est.text()
                            + ". Pass --yes (confirm_large=True) to start it anyway, or lower --samples.",
                            confirm=True)
    return est
