"""Dashboard settings in one place (a benchmark reads DEFAULT_CITIZENS)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_CITIZENS = 1000            # Explore's population size: a step stays well under 100 ms
DEFAULT_SCENARIO = "platform_with_support"   # the scenario the dashboard opens on
TRACK_ALL_UP_TO = 5000             # Explore records every citizen's story up to this size
TRACK_SAMPLE = 500                 # above it, the story of this many citizens drawn with the model's seed
EGO_MAX_NODES = 60                 # the network view never draws more than this many citizens
COMPARE_DEFAULT_REPLICATES = 5
COMPARE_DEFAULT_CITIZENS = 1000
COMPARE_MAX_SCENARIOS = 4


def results_dir() -> Path:
    """Root of the experiments' result store: $BELONGING_RESULTS_DIR, else ./results."""
    return Path(os.environ.get("BELONGING_RESULTS_DIR", "results"))


def sweeps_root() -> Path:
    """Where finished sweeps are listed from (never a path typed into the app)."""
    return results_dir() / "sweeps"
