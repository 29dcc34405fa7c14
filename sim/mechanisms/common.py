"""Small shared factors used by several mechanisms (each documented in docs/ODD.md)."""

from __future__ import annotations

import numpy as np


def loneliness_level(pop, idx=None) -> np.ndarray:
    """UCLA-3 rescaled to 0-1: 0 at 3 (never lonely), 1 at 9 (a definition: the scale's range)."""
    u = pop.ucla if idx is None else pop.ucla[idx]
    return (u.astype(np.float32) - 3.0) / 6.0     # definition: UCLA-3 runs 3-9


def withdrawal(ctx, idx=None) -> np.ndarray:
    """Withdrawal loop (M7): loneliness cuts contact, approaches and replies: 1 - w * level.

    Computed once a week from last week's UCLA-3 (outcomes.refresh_weekly_factors) into ctx.wd.
    """
    return ctx.wd if idx is None else ctx.wd[idx]


def relational_factor(sc, pop, idx=None) -> np.ndarray:
    """Earlier relational difficulties cut conversion and replies (M9); coaching softens the cut
    (1 - penalty * rd * (1 - coaching_softens_reldiff * coaching))."""
    fx = sc.effects
    rd = pop.reldiff if idx is None else pop.reldiff[idx]
    coach = pop.coaching if idx is None else pop.coaching[idx]
    return 1.0 - fx.reldiff_conversion_penalty * rd * (1.0 - fx.coaching_softens_reldiff * coach)


def reject(sc, pop, who: np.ndarray, size: float) -> None:
    """A rejection: raises felt rejection, costs confidence (more after relational difficulties);
    moderation softens both."""
    if len(who) == 0:
        return
    fx = sc.effects
    soften = 1.0 - fx.moderation_softens_rejection * sc.platform.moderation
    np.add.at(pop.rejection, who, size * soften)
    hit = fx.rejection_confidence_hit * (1 + fx.reldiff_rejection_extra * pop.reldiff[who]) * soften
    np.subtract.at(pop.confidence, who, hit.astype(np.float32))
    np.clip(pop.confidence, 0.02, 0.98, out=pop.confidence)   # guard: never certain either way
