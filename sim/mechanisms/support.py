"""Support workers following the Connecting People steps (M11, M12, M13; seeds 002-004).

Each week, while the intervention runs:

1. Moving on: clients who had `duration_weeks` of support leave the caseload.
2. Referral: a citizen in need (lonely, UCLA-3 >= 6; isolated, LSNS-6 < 12; or with a
   mental-health condition) who was never supported is referred with chance
   referral_rate * (1 - stigma_weight * stigma) (stigma keeps people from support,
   Heyes 2018).
3. Intake: free places (caseload minus clients, per worker) are filled from the
   referral list in the order of the targeting policy (sim/policies/targeting.py),
   spread evenly over workers. A referred citizen accepts with chance 0.5 + 0.5 trust
   (trust gates engagement, Heyes 2018). Devices go to new clients who lack one while
   the device budget lasts (target "clients").
4. Delivery. Effectiveness e = support_effect * skill_w * min(1, recommended/caseload)
   * delivery * goal, where delivery is 1 in person; for digital delivery
   (0.4 + 0.6 digital_confidence_w) * (1 if private space else 0.6) * (1 if device else 0.3)
   (Hickey et al. 2023: privacy and devices are the barriers; training raises confidence);
   hybrid is 0.75 + 0.25 * digital; goal = 1.2 in every week of support when it starts
   with person-centred goal setting; e is capped at 1.5.
   Components (each a lever): relational coaching (coaching += 0.08 e, confidence
   += 0.02 e), digital help (literacy += 0.04 e up to +0.4, and joining/staying on the
   platform), accompany and activities link (used by online_offline and activities),
   bridging (chance 0.1 e a week of a tie to one of the worker's own contacts,
   "worker bridge"), existing relationships (used by ties), and trust += 0.01 e.
"""

from __future__ import annotations

import numpy as np

from ..population import MOVED_ON, NOT_SUPPORTED, ON_CASELOAD, match_quality
from ..policies import TARGETING
from ..tiestore import BRIDGE

CONTACTS_PER_WORKER = 20


class Workforce:
    """The support workers of a model run (one row a worker)."""

    def __init__(self, sc, n_citizens, rng):
        s = sc.support
        w = s.workers * n_citizens / 10_000
        # round half up, and at least one worker whenever the lever asks for any
        self.n = max(1, int(np.floor(w + 0.5))) if s.workers > 0 else 0
        self.skill = np.clip(rng.normal(s.fidelity, 0.1, self.n), 0.05, 1.0).astype(np.float32)
        confident = rng.random(self.n) < 0.529          # Hickey et al. 2023: 52.9% confident
        self.digital_confidence = np.where(s.digital_training, 0.9, np.where(confident, 0.75, 0.35)).astype(np.float32)
        self.load = np.zeros(self.n, dtype=np.int32)
        self.contacts = np.full((self.n, CONTACTS_PER_WORKER), -1, dtype=np.int32)
        self.devices_left = int(round(sc.devices.per_1000 * n_citizens / 1000))
        self.devices_given = 0
        self.trained = bool(s.digital_training)

    def pick_contacts(self, model) -> None:
        """Each worker knows some settled, resourceful people in the community."""
        pop, rng = model.pop, model.rng
        pool = np.flatnonzero((pop.ucla < 6) & (np.bitwise_count(pop.resources) >= 3))
        if len(pool) == 0:
            pool = np.arange(pop.n)
        self.contacts = pool[rng.integers(0, len(pool), (self.n, CONTACTS_PER_WORKER))].astype(np.int32)


def delivery_factor(sc, workforce, worker, client, pop) -> np.ndarray:
    digital = ((0.4 + 0.6 * workforce.digital_confidence[worker])
               * np.where(pop.privacy[client], 1.0, 0.6)
               * np.where(pop.has_device[client] | pop.device_given[client], 1.0, 0.3))
    mode = sc.support.delivery_mode
    if mode == "in_person":
        return np.ones(len(client), dtype=np.float32)
    if mode == "digital":
        return digital
    return 0.75 + 0.25 * digital


def _move_on(model) -> None:
    pop, wf, sc = model.pop, model.workforce, model.sc
    done = np.flatnonzero((pop.support == ON_CASELOAD) & (pop.support_weeks >= sc.support.duration_weeks))
    np.subtract.at(wf.load, pop.worker[done], 1)
    pop.support[done] = MOVED_ON
    model.events.record(model.week, "moved_on", done, pop.worker[done])
    pop.worker[done] = -1


def _refer(model) -> None:
    pop, sc, rng = model.pop, model.sc, model.rng
    need = (pop.ucla >= 6) | (pop.lsns < 12) | pop.mh
    cand = (pop.support == NOT_SUPPORTED) & (pop.referred_week < 0) & need
    p = sc.support.referral_rate * (1 - sc.effects.stigma_weight * pop.stigma)
    new = np.flatnonzero(cand & (rng.random(pop.n) < p))
    pop.referred_week[new] = model.week
    model.events.record(model.week, "referred", new)


def _intake(model) -> None:
    pop, sc, rng, wf = model.pop, model.sc, model.rng, model.workforce
    free = np.maximum(sc.support.caseload - wf.load, 0)
    if free.sum() == 0:
        return
    waiting = np.flatnonzero((pop.support == NOT_SUPPORTED) & (pop.referred_week >= 0))
    if len(waiting) == 0:
        return
    priority = TARGETING[sc.support.targeting](model, waiting)
    if priority is None:
        return
    order = np.lexsort((rng.random(len(waiting)), pop.referred_week[waiting], -np.asarray(priority, dtype=np.float64)))
    waiting = waiting[order]
    slots_worker = np.repeat(np.arange(wf.n), free)
    slot_rank = np.arange(len(slots_worker)) - np.repeat(np.cumsum(free) - free, free)
    slots_worker = slots_worker[np.argsort(slot_rank, kind="stable")]
    m = min(len(slots_worker), len(waiting))
    cand, worker = waiting[:m], slots_worker[:m]
    accept = rng.random(m) < 0.5 + 0.5 * pop.trust[cand]
    refused = cand[~accept]
    pop.referred_week[refused] = -1
    model.events.record(model.week, "declined_support", refused)
    cand, worker = cand[accept], worker[accept]
    pop.support[cand] = ON_CASELOAD
    pop.worker[cand] = worker
    pop.support_weeks[cand] = 0
    pop.ever_supported[cand] = True
    np.add.at(wf.load, worker, 1)
    model.events.record(model.week, "taken_on", cand, worker)
    if sc.devices.target == "clients" and wf.devices_left > 0:
        lacking = cand[~(pop.has_device[cand] | pop.device_given[cand])][: wf.devices_left]
        pop.device_given[lacking] = True
        wf.devices_left -= len(lacking)
        wf.devices_given += len(lacking)
        model.events.record(model.week, "got_device", lacking)


def _deliver(model) -> None:
    pop, sc, rng, wf = model.pop, model.sc, model.rng, model.workforce
    pop.support_eff[:] = 0.0
    clients = np.flatnonzero(pop.support == ON_CASELOAD)
    if len(clients) == 0:
        return
    comp = sc.support.components
    w = pop.worker[clients]
    case_pen = min(1.0, sc.support.recommended_caseload / sc.support.caseload)
    goal = 1.2 if comp.goal_setting else 1.0
    e = (sc.effects.support_effect * wf.skill[w] * case_pen * goal
         * delivery_factor(sc, wf, w, clients, pop)).astype(np.float32)
    e = np.clip(e, 0.0, 1.5)
    pop.support_eff[clients] = e
    if comp.coaching:
        pop.coaching[clients] = np.minimum(1.0, pop.coaching[clients] + 0.08 * e)
        pop.confidence[clients] = np.minimum(0.98, pop.confidence[clients] + 0.02 * e)
    if comp.digital_help:
        pop.digital_boost[clients] = np.minimum(0.4, pop.digital_boost[clients] + 0.04 * e)
    pop.trust[clients] = np.minimum(1.0, pop.trust[clients] + 0.01 * e)
    if comp.bridging:
        go = rng.random(len(clients)) < 0.1 * e
        who = clients[go]
        contact = wf.contacts[w[go], rng.integers(0, CONTACTS_PER_WORKER, len(who))]
        q = match_quality(pop, who, contact)
        added = model.ties.add(who, contact, model.sc.ties.hours_per_meeting, q, BRIDGE, True)
        np.add.at(pop.fired["bridge"], who[added], 1)
        model.events.record(model.week, "introduced_by_worker", who[added], contact[added])
    pop.support_weeks[clients] += 1


def step(model) -> None:
    sc = model.sc
    if not model.intervening or model.workforce.n == 0 or sc.support.targeting == "none":
        model.pop.support_eff[:] = 0.0
        return
    _move_on(model)
    _refer(model)
    _intake(model)
    _deliver(model)
