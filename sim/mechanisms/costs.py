"""Costs per lever, counted while the intervention runs (unit costs are scenario keys).

Each week: workers x worker_week (when support is deployed); new activities x
activity_week; the platform's fixed cost, active users x platform_user_week and
outreach_week x outreach_effort. Devices cost `device` each when given out;
training costs training_per_worker once per worker at the start.
"""

from __future__ import annotations

import numpy as np

from ..population import on_platform

LEVERS = ("workers", "training", "devices", "activities", "platform")


def start(sc, costs, workforce) -> None:
    """One-off costs when the intervention starts (training)."""
    if sc.support.digital_training:
        costs["training"] += workforce.n * sc.costs.training_per_worker


def step(sc, costs, pop, venues, workforce, ctx) -> None:
    if not ctx.intervening:
        return
    c, wf, pc = costs, workforce, sc.costs
    if wf.n and sc.support.targeting != "none":
        c["workers"] += wf.n * pc.worker_week
    c["activities"] += venues.n_new * pc.activity_week
    if sc.platform.enabled:
        active = int(np.count_nonzero(on_platform(pop)))
        c["platform"] += pc.platform_week + active * pc.platform_user_week + pc.outreach_week * sc.platform.outreach_effort
    c["devices"] = wf.devices_given * pc.device
