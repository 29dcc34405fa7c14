"""Many runs of the model: scenario comparisons, sensitivity sweeps, executors, a result store.

    from experiments import compare, load_spec, run_sweep, read_results, list_sweeps, load_indices, load_sweep

Imports `sim`; `sim` never imports this package.
"""

from .compare import Comparison, ComparisonError, compare
from .estimate import SweepTooLarge
from .executors import (Cancelled, DaskExecutor, ProcessExecutor, SerialExecutor, WorkerDied,
                        make_executor)
from .spec import SpecError, SweepSpec, load_spec
from .store import StoreDamaged, StoredSweep, SweepBusy, list_sweeps, load_indices, load_sweep, read_results
from .sweep import SweepError, SweepResult, analyse_sweep, run_sweep

__all__ = ["Cancelled", "Comparison", "ComparisonError", "DaskExecutor", "ProcessExecutor", "SerialExecutor",
           "SpecError", "StoreDamaged", "StoredSweep", "SweepBusy", "SweepError", "SweepResult", "SweepSpec",
           "SweepTooLarge", "WorkerDied", "analyse_sweep", "compare", "list_sweeps", "load_indices", "load_spec",
           "load_sweep", "make_executor", "read_results", "run_sweep"]
