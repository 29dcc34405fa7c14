"""Platform use and dropout: engagement decays, dropout is front-loaded (M10).

Weekly hazard of a user (joined or active) lapsing, t weeks after joining:

    h(t) = h_inf + (h_0 - h_inf) * exp(-t / tau)          (h_0 = 0.32, h_inf = 0.03, tau = 2.2)

calibrated to Hurmuz et al.: 32.2% dropped in week 1 and 45.6% still used the
programme at 4 weeks; with all the factors below, the platform_only preset gives
31.1% of joiners lapsing in their first week and 45.6% of those who joined by week 48
still using it 4 weeks after joining (seeds 1-5 x 5,000 citizens; docs/calibration.py).
The hazard is multiplied by the skills hazard ratio 0.69 for high (effective) digital
literacy (Hurmuz et al.), normalised so that the average over the whole population
stays at h(t) (users are mostly high-literacy, so their average factor is ~0.94);
by reply_factor (0.7) after a reply in the last reply_memory_weeks (4) weeks (a rewarding
contact, assumption); by (1 + rejection_factor min(rejection, rejection_cap)) (1, 2) after
recent rejections (Andersen et al. 2020); and by (1 - digital_help_retention * effectiveness)
(0.6) for clients getting digital help from a worker (Andersen et al. 2020). Constants:
scenario section `platform_use`.

States: a new user is "joined" during their first week and "active" once they stay
past it; a user who drops out is "lapsed" (only a worker's digital help brings them back).
"""

from __future__ import annotations

import numpy as np

from ..population import ACTIVE, LAPSED, LOW_LITERACY_CUT, ON_CASELOAD, on_platform
from ..vocabulary import EventKind


def step(sc, pop, ctx, rng, events) -> None:
    active = on_platform(pop)
    if not active.any():
        return
    idx = np.flatnonzero(active)
    p, pu = sc.platform, sc.platform_use
    t = pop.platform_weeks[idx].astype(np.float64)   # float64: t / tau stays finite for tiny tau
    h = p.dropout_long_run + (p.dropout_first_week - p.dropout_long_run) * np.exp(-t / p.dropout_decay_weeks)
    s_low = sc.population.share_low_literacy
    norm = s_low + (1 - s_low) * p.skills_dropout_ratio
    high = pop.effective_literacy[idx] >= LOW_LITERACY_CUT
    h = h * np.where(high, p.skills_dropout_ratio, 1.0) / max(norm, 1e-9)   # guard: no division by 0
    h = h * np.where(ctx.week - pop.last_reply[idx] <= pu.reply_memory_weeks, pu.reply_factor, 1.0)
    h = h * (1 + pu.rejection_factor * np.minimum(pop.rejection[idx], pu.rejection_cap))
    helped = (pop.support[idx] == ON_CASELOAD) & sc.support.components.digital_help
    h = h * (1 - np.where(helped, pu.digital_help_retention * pop.support_eff[idx], 0.0))
    drop = rng.random(len(idx)) < np.clip(h, 0, 1)
    gone = idx[drop]
    pop.platform[gone] = LAPSED
    pop.lapsed_week[gone] = ctx.week
    events.record(ctx.week, EventKind.LEFT_PLATFORM, gone)
    stay = idx[~drop]
    pop.platform_weeks[stay] += 1
    pop.platform[stay[pop.platform_weeks[stay] >= 2]] = ACTIVE   # past the first week: active
