"""Pluggable policies: matching (whom the platform suggests) and targeting (whom workers see first)."""

from .matching import MATCHING
from .targeting import TARGETING

__all__ = ["MATCHING", "TARGETING"]
