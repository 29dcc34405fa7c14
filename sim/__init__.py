"""The belonging-interventions model: pure computation, no UI, no files but scenario loading."""

from .model import BelongingModel, WEEKLY_ORDER
from .outcomes_table import OUTCOMES, SUBGROUP_KEYS
from .scenarios.loader import ScenarioError, load_scenario, presets, preset_descriptions, scenario_hash, to_toml
from .scenarios.schema import Scenario, lever_conflicts

__version__ = "0.1.0"

__all__ = ["BelongingModel", "WEEKLY_ORDER", "OUTCOMES", "SUBGROUP_KEYS", "Scenario", "ScenarioError",
           "load_scenario", "lever_conflicts", "presets", "preset_descriptions", "scenario_hash", "to_toml", "__version__"]
