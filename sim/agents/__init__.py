"""Mesa agents: the readable face of the array state (one agent, one row)."""

from .citizen import Citizen
from .support_worker import SupportWorker

__all__ = ["Citizen", "SupportWorker"]
