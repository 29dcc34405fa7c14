"""Support workers following the Connecting People steps (M11, M12, M13; seeds 002-004).

Each week, while the intervention runs:

1. Moving on: clients who had `duration_weeks` of support leave the caseload.
2. Referral: a citizen in need (lonely, UCLA-3 >= 6; isolated, LSNS-6 < 12; or with a
   mental-health condition) who was never supported is referred with chance
   referral_rate * (1 - stigma_weight * stigma) (stigma keeps people from support,
   Heyes 2018).
3. Intake: free places (caseload minus clients, per worker) are filled from the
   referral list in the order of the targeting policy (sim/policies/targeting.py),
   spread evenly over workers. A referred citizen accepts with chance accept_base +
   (1 - accept_base) trust (0.5 + 0.5 trust; trust gates engagement, Heyes 2018). Devices go to new clients who lack one while
   the device budget lasts (target "clients").
4. Delivery. Effectiveness e = support_effect * skill_w * min(1, recommended/caseload)
   * delivery * goal, where delivery is 1 in person; for digital delivery
   (digital_base + (1 - digital_base) digital_confidence_w) * (1 if private space else
   no_privacy_factor) * (1 if device else no_device_factor) (0.4, 0.6, 0.3; Hickey et al.
   2023: privacy and devices are the barriers; training raises confidence); hybrid is
   s + (1 - s) * digital with s = hybrid_in_person_share (0.75); goal = goal_setting_boost
   (1.2) in every week of support when it starts with person-centred goal setting; e is
   capped at max_effectiveness (1.5).
   Components (each a lever): relational coaching (coaching += coaching_rate e, confidence
   += coaching_confidence e; 0.08, 0.02), digital help (literacy += digital_help_rate e up
   to + digital_help_cap, 0.04 and 0.4, and joining/staying on the platform), accompany and
   activities link (used by online_offline and activities), bridging (chance bridging_rate e,
   0.1, a week, of a new tie of ties.hours_per_meeting hours to one of the worker's own
   contacts, "worker bridge"), existing
   relationships (used by ties), and trust += trust_gain e (0.01).

Workers: skill ~ N(fidelity, skill_sd) clipped to 0.05-1; untrained workers are confident
in digital delivery with chance digitally_confident_share (52.9%, Hickey et al. 2023), with
digital confidence digital_confidence_confident / _unconfident (0.75 / 0.35), trained ones
digital_confidence_trained (0.9). Each knows worker_contacts (20) settled citizens (not
lonely, holding at least contact_min_resources of the 27 resources) to bridge to.
Constants: scenario section `support`.
"""

from __future__ import annotations

import numpy as np

from ..population import MOVED_ON, NOT_SUPPORTED, ON_CASELOAD, match_quality
from ..vocabulary import EventKind
from ..policies import TARGETING
from ..tiestore import BRIDGE

class Workforce:
    """The support workers of a model run (one row a worker)."""

    def __init__(self, sc, n_citizens, rng):
        s = sc.support
        w = s.workers * n_citizens / 10_000
        # round half up, and at least one worker whenever the lever asks for any
        self.n = max(1, int(np.floor(w + 0.5))) if s.workers > 0 else 0   # definition: round half up
        # skill is clipped to 0.05-1 (guard: some skill, never beyond full fidelity)
        self.skill = np.clip(rng.normal(s.fidelity, s.skill_sd, self.n), 0.05, 1.0).astype(np.float32)  # guard
        confident = rng.random(self.n) < s.digitally_confident_share          # Hickey et al. 2023: 52.9% confident
        self.digital_confidence = np.where(
            s.digital_training, s.digital_confidence_trained,
            np.where(confident, s.digital_confidence_confident, s.digital_confidence_unconfident)).astype(np.float32)
        self.load = np.zeros(self.n, dtype=np.int32)
        self.n_contacts = s.worker_contacts
        self.min_resources = s.contact_min_resources
        self.contacts = np.full((self.n, self.n_contacts), -1, dtype=np.int32)
        self.devices_left = int(round(sc.devices.per_1000 * n_citizens / 1000))
        self.devices_given = 0
        self.trained = bool(s.digital_training)

    def pick_contacts(self, pop, rng) -> None:
        """Each worker knows some settled, resourceful people in the community."""
        pool = np.flatnonzero((pop.ucla < 6) & (np.bitwise_count(pop.resources) >= self.min_resources))
        if len(pool) == 0:
            pool = np.arange(pop.n)
        self.contacts = pool[rng.integers(0, len(pool), (self.n, self.n_contacts))].astype(np.int32)


def delivery_factor(sc, workforce, worker, client, pop) -> np.ndarray:
    s = sc.support
    digital = ((s.digital_base + (1.0 - s.digital_base) * workforce.digital_confidence[worker])
               * np.where(pop.privacy[client], 1.0, s.no_privacy_factor)
               * np.where(pop.has_device[client] | pop.device_given[client], 1.0, s.no_device_factor))
    mode = sc.support.delivery_mode
    if mode == "in_person":
        return np.ones(len(client), dtype=np.float32)
    if mode == "digital":
        return digital
    return s.hybrid_in_person_share + (1.0 - s.hybrid_in_person_share) * digital


def _move_on(sc, pop, workforce, ctx, events) -> None:
    done = np.flatnonzero((pop.support == ON_CASELOAD) & (pop.support_weeks >= sc.support.duration_weeks))
    np.subtract.at(workforce.load, pop.worker[done], 1)
    pop.support[done] = MOVED_ON
    events.record(ctx.week, EventKind.MOVED_ON, done, pop.worker[done])
    pop.worker[done] = -1


def _refer(sc, pop, ctx, rng, events) -> None:
    need = (pop.ucla >= 6) | (pop.lsns < 12) | pop.mh      # definitions: lonely, isolated, a condition
    cand = (pop.support == NOT_SUPPORTED) & (pop.referred_week < 0) & need
    p = sc.support.referral_rate * (1 - sc.effects.stigma_weight * pop.stigma)
    new = np.flatnonzero(cand & (rng.random(pop.n) < p))
    pop.referred_week[new] = ctx.week
    events.record(ctx.week, EventKind.REFERRED, new)


def _intake(sc, pop, workforce, ctx, rng, events) -> None:
    wf = workforce
    free = np.maximum(sc.support.caseload - wf.load, 0)
    if free.sum() == 0:
        return
    waiting = np.flatnonzero((pop.support == NOT_SUPPORTED) & (pop.referred_week >= 0))
    if len(waiting) == 0:
        return
    priority = TARGETING[sc.support.targeting](pop, waiting)
    if priority is None:
        return
    order = np.lexsort((rng.random(len(waiting)), pop.referred_week[waiting], -np.asarray(priority, dtype=np.float64)))
    waiting = waiting[order]
    slots_worker = np.repeat(np.arange(wf.n), free)
    slot_rank = np.arange(len(slots_worker)) - np.repeat(np.cumsum(free) - free, free)
    slots_worker = slots_worker[np.argsort(slot_rank, kind="stable")]
    m = min(len(slots_worker), len(waiting))
    cand, worker = waiting[:m], slots_worker[:m]
    accept = rng.random(m) < sc.support.accept_base + (1.0 - sc.support.accept_base) * pop.trust[cand]
    refused = cand[~accept]
    pop.referred_week[refused] = -1
    events.record(ctx.week, EventKind.DECLINED_SUPPORT, refused)
    cand, worker = cand[accept], worker[accept]
    pop.support[cand] = ON_CASELOAD
    pop.worker[cand] = worker
    pop.support_weeks[cand] = 0
    pop.ever_supported[cand] = True
    np.add.at(wf.load, worker, 1)
    events.record(ctx.week, EventKind.TAKEN_ON, cand, worker)
    if sc.devices.target == "clients" and wf.devices_left > 0:
        lacking = cand[~(pop.has_device[cand] | pop.device_given[cand])][: wf.devices_left]
        pop.device_given[lacking] = True
        wf.devices_left -= len(lacking)
        wf.devices_given += len(lacking)
        events.record(ctx.week, EventKind.GOT_DEVICE, lacking)


def _deliver(sc, pop, ties, workforce, ctx, rng, events) -> None:
    wf = workforce
    pop.support_eff[:] = 0.0
    clients = np.flatnonzero(pop.support == ON_CASELOAD)
    if len(clients) == 0:
        return
    comp, s = sc.support.components, sc.support
    w = pop.worker[clients]
    case_pen = min(1.0, sc.support.recommended_caseload / sc.support.caseload)
    goal = s.goal_setting_boost if comp.goal_setting else 1.0
    e = (sc.effects.support_effect * wf.skill[w] * case_pen * goal
         * delivery_factor(sc, wf, w, clients, pop)).astype(np.float32)
    e = np.clip(e, 0.0, s.max_effectiveness)
    pop.support_eff[clients] = e
    if comp.coaching:
        pop.coaching[clients] = np.minimum(1.0, pop.coaching[clients] + s.coaching_rate * e)
        pop.confidence[clients] = np.minimum(0.98, pop.confidence[clients] + s.coaching_confidence * e)   # guard 0.98
    if comp.digital_help:
        pop.digital_boost[clients] = np.minimum(s.digital_help_cap, pop.digital_boost[clients] + s.digital_help_rate * e)
    pop.trust[clients] = np.minimum(1.0, pop.trust[clients] + s.trust_gain * e)
    if comp.bridging:
        go = rng.random(len(clients)) < s.bridging_rate * e
        who = clients[go]
        contact = wf.contacts[w[go], rng.integers(0, wf.n_contacts, len(who))]
        q = match_quality(pop, who, contact)
        added = ties.add(who, contact, sc.ties.hours_per_meeting, q, BRIDGE, True)
        np.add.at(pop.fired["bridge"], who[added], 1)
        events.record(ctx.week, EventKind.INTRODUCED_BY_WORKER, who[added], contact[added])
    pop.support_weeks[clients] += 1


def step(sc, pop, ties, workforce, ctx, rng, events) -> None:
    if not ctx.intervening or workforce.n == 0 or sc.support.targeting == "none":
        pop.support_eff[:] = 0.0
        return
    _move_on(sc, pop, workforce, ctx, events)
    _refer(sc, pop, ctx, rng, events)
    _intake(sc, pop, workforce, ctx, rng, events)
    _deliver(sc, pop, ties, workforce, ctx, rng, events)
