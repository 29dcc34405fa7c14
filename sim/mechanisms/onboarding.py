"""Outreach and onboarding: who joins the platform (DESIGN table row 1; M9, M13).

Weekly chance that a citizen who never joined signs up (state "joined" for their first week):

    p = join_rate * outreach_effort * literacy_gate * device_gate
        * (1 - stigma_weight * stigma * stigma_share) * (trust_base + trust) * (need_base + need)
        + worker digital help

literacy_gate = clip((L - literacy_threshold) / literacy_span, 0, 1) (defaults 0.1, 0.5)
with L the effective literacy (raised by digital help): citizens with the lowest skills
almost never join alone (Statistics Denmark: 10% lack the skills to use the internet).
Without a device the chance is cut to no_device_factor (a tenth). Clients of a worker who
gives digital help join with an extra chance digital_help_join (0.3) * effectiveness *
device_gate (Andersen et al. 2020: support to realise the platform). Lapsed users who get
digital help may come back with rejoin_factor (half) of p. Constants: scenario section
`onboarding` (stigma_share 0.5, trust_base 0.5, need_base 0.5).
"""

from __future__ import annotations

import numpy as np

from ..population import JOINED, LAPSED, NEVER, ON_CASELOAD
from ..vocabulary import EventKind


def step(sc, pop, ctx, rng, events) -> None:
    ob = sc.onboarding
    if not (sc.platform.enabled and ctx.intervening):
        return
    eff_lit = pop.effective_literacy
    lit_gate = np.clip((eff_lit - ob.literacy_threshold) / ob.literacy_span, 0.0, 1.0)
    device = pop.has_device | pop.device_given
    dev_gate = np.where(device, 1.0, ob.no_device_factor)
    will = (1 - sc.effects.stigma_weight * pop.stigma * ob.stigma_share) * (ob.trust_base + pop.trust) * (ob.need_base + pop.need)
    p = sc.platform.join_rate * sc.platform.outreach_effort * lit_gate * dev_gate * will
    helped = (pop.support == ON_CASELOAD) & sc.support.components.digital_help
    p = p + np.where(helped, ob.digital_help_join * pop.support_eff * dev_gate, 0.0)
    u = rng.random(pop.n)
    joins = (pop.platform == NEVER) & (u < p)
    rejoins = (pop.platform == LAPSED) & helped & (u < ob.rejoin_factor * p)
    new = joins | rejoins
    if new.any():
        idx = np.flatnonzero(new)
        pop.platform[idx] = JOINED
        pop.platform_weeks[idx] = 0
        pop.joined_week[idx[pop.joined_week[idx] < 0]] = ctx.week
        events.record(ctx.week, EventKind.JOINED_PLATFORM, idx)
