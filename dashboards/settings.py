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

# Sizes the dashboard accepts from a page (Explore's run.citizens and run.weeks, an uploaded
# scenario, Compare's size and length): anyone who can open the page can ask for them, so they
# are capped. The operator raises the caps with `belonging dashboard --max-citizens N
# --max-weeks W`, which sets these environment variables for the server.
MAX_CITIZENS_ENV = "BELONGING_DASHBOARD_MAX_CITIZENS"
MAX_WEEKS_ENV = "BELONGING_DASHBOARD_MAX_WEEKS"
DEFAULT_MAX_CITIZENS = 20_000
DEFAULT_MAX_WEEKS = 104
MAX_UPLOAD_BYTES = 1_000_000       # a scenario TOML with every key is ~15 kB
MAX_UPLOAD_KEYS = 2_000            # the schema has ~220 keys
MAX_UPLOAD_DEPTH = 6               # the schema nests 3 levels (support.components.x)
# Explore's steps run on a small shared pool that serves sessions in turn (one week each)
STEP_WORKERS_ENV = "BELONGING_DASHBOARD_STEP_WORKERS"


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def max_citizens() -> int:
    """The largest population a page may ask for ($BELONGING_DASHBOARD_MAX_CITIZENS, default 20,000)."""
    return _env_int(MAX_CITIZENS_ENV, DEFAULT_MAX_CITIZENS)


def max_weeks() -> int:
    """The longest run a page may ask for ($BELONGING_DASHBOARD_MAX_WEEKS, default 104)."""
    return _env_int(MAX_WEEKS_ENV, DEFAULT_MAX_WEEKS)


def step_workers() -> int:
    """Threads of the shared step pool ($BELONGING_DASHBOARD_STEP_WORKERS, default half the CPUs, 1-4)."""
    return _env_int(STEP_WORKERS_ENV, max(1, min(4, (os.cpu_count() or 2) // 2)))


def size_problems(citizens: int, weeks: int) -> dict[str, str]:
    """{dotted key: message} for sizes above the dashboard's caps (empty when within them)."""
    out = {}
    if citizens > max_citizens():
        out["run.citizens"] = (f"{citizens:,} is more than this dashboard allows: at most {max_citizens():,} "
                               "citizens (the operator can raise it: belonging dashboard --max-citizens N)")
    if weeks > max_weeks():
        out["run.weeks"] = (f"{weeks:,} is more than this dashboard allows: at most {max_weeks():,} weeks "
                            "(the operator can raise it: belonging dashboard --max-weeks W)")
    return out


def results_dir() -> Path:
    """Root of the experiments' result store: $BELONGING_RESULTS_DIR, else ./results."""
    return Path(os.environ.get("BELONGING_RESULTS_DIR", "results"))


def sweeps_root() -> Path:
    """Where finished sweeps are listed from (never a path typed into the app)."""
    return results_dir() / "sweeps"
