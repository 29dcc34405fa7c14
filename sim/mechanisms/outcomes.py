"""Outcomes: belonging from the quality of ties against the need to belong; loneliness,
wellbeing and the network measures follow (M5, M6, M14; instruments of EVIDENCE.md).

Closeness of a tie: w(s) = sqrt(min(s, 200) / 200) (a close friend counts 1, a casual
friend of 50 h a half, an acquaintance of 10 h a fifth), times
online_tie_weight for a pair who never met. Actual relationships
A = sum of w over ties + 0.5 for membership of a community group (accepted group
membership, M14). Wanted W = 1 + 6 * need (M5, Perlman & Peplau: loneliness is
the gap between wanted and actual relationships).

Loneliness (latent): lam = 0.6 * clip((W - A) / W, -1, 1) + trait + shock
    + spread * (lonely share of friends - 0.1) + 0.15 * min(rejection, 2)
shock is AR(1) (0.9, sd 0.05 a week): spontaneous onset and recovery (M6, Hill et
al. 2010). Friends' loneliness pulls (Cacioppo, Fowler & Christakis 2009); kin count
half. UCLA-3 = clip(round(4.4 + 4 lam), 3, 9), lonely at 6+ (Hughes et al. 2004);
the constants are calibrated so that the untreated population settles near 8-13%
lonely (DEFACTUM 2020; JRC 2022).

Belonging (General Belongingness Scale 12-84; Malone et al. 2012): acceptance minus
rejection, b = clip(0.7 A / W + 0.1 member - 0.15 rejection, 0, 1), GBS = 12 + 72 b.
Wellbeing (SWEMWBS 7-35): clip(base + 5 (b - 0.6) - 1.3 (UCLA - 4.5), 7, 35), base
~ N(22.5, 3.5) minus 3 with a mental-health condition (mean ~23.5, Ng Fat et al. 2017).
LSNS-6 (Lubben et al. 2006): for kin and for friends, the number seen or heard from
monthly (s >= 20 h), who could be called on for help (s >= 50 h) and confided in
(s >= 90 h), each scored 0,1,2,3,3,4,4,4,4,5 for 0..9+ people; total 0-30, isolated
below 12. Network size: ties with s >= 20 h. Social capital (Resource Generator-UK):
distinct resources (of 8) held by ties with s >= 50 h.
Felt rejection then fades by 15% a week and confidence drifts 2% a week back to
its base.
"""

from __future__ import annotations

import numpy as np

from ..tiestore import KIN

UCLA_CENTRE, UCLA_SLOPE = 4.4, 4.0
LSNS_BINS = np.array([0, 1, 2, 3, 3, 4, 4, 4, 4, 5], dtype=np.int8)


def lsns_score(count: np.ndarray) -> np.ndarray:
    return LSNS_BINS[np.minimum(count, 9)]


def tie_closeness(model) -> np.ndarray:
    ties = model.ties
    w = np.sqrt(np.minimum(ties.s, 200.0) / 200.0)
    return np.where(ties.met, w, w * model.sc.effects.online_tie_weight).astype(np.float32)


def step(model) -> None:
    sc, pop, rng, ties = model.sc, model.pop, model.rng, model.ties
    n = pop.n
    w = tie_closeness(model)
    member = (pop.activity >= 0).astype(np.float32)
    actual = ties.node_sum(w) + 0.5 * member
    wanted = 1.0 + 6.0 * pop.need
    gap = np.clip((wanted - actual) / wanted, -1.0, 1.0)

    # spread along ties (M6): weighted share of lonely friends
    lonely = (pop.ucla >= 6).astype(np.float32)
    strong = ties.s >= 50.0
    ws = np.where(ties.origin == KIN, 0.5, 1.0).astype(np.float32) * strong
    num = np.bincount(ties.a, ws * lonely[ties.b], minlength=n) + np.bincount(ties.b, ws * lonely[ties.a], minlength=n)
    den = ties.node_sum(ws)
    lonely_friends = np.where(den > 0, num / np.maximum(den, 1e-9), 0.1)

    pop.shock *= 0.9
    pop.shock += rng.normal(0.0, 0.05, n).astype(np.float32)
    lam = (0.6 * gap + pop.lonely_trait + pop.shock + sc.effects.spread * (lonely_friends - 0.1)
           + 0.15 * np.minimum(pop.rejection, 2.0))
    pop.lonely_latent[:] = lam
    pop.ucla[:] = np.clip(np.rint(UCLA_CENTRE + UCLA_SLOPE * lam), 3, 9)

    b = np.clip(0.7 * actual / wanted + 0.1 * member - 0.15 * pop.rejection, 0.0, 1.0)
    pop.belonging[:] = 12.0 + 72.0 * b
    pop.wellbeing[:] = np.clip(pop.wellbeing_base + 5.0 * (b - 0.6) - 1.3 * (pop.ucla - 4.5), 7.0, 35.0)

    # LSNS-6 and network size from one count of ties per citizen, group and level
    s = ties.s
    level = (s >= 20.0).astype(np.int64) + (s >= 50.0) + (s >= 90.0)
    group = (ties.origin == KIN).astype(np.int64)
    code = group * 4 + level
    ends = np.concatenate([ties.a, ties.b]).astype(np.int64)
    counts = np.bincount(ends * 8 + np.concatenate([code, code]), minlength=n * 8).reshape(n, 8)
    lsns = np.zeros(n, dtype=np.int16)
    for g in (0, 1):
        c = counts[:, g * 4: g * 4 + 4]
        seen = c[:, 1:].sum(axis=1)
        help_ = c[:, 2:].sum(axis=1)
        confide = c[:, 3]
        lsns += lsns_score(seen) + lsns_score(help_) + lsns_score(confide)
    pop.lsns[:] = lsns
    pop.network_size[:] = counts[:, [1, 2, 3, 5, 6, 7]].sum(axis=1)

    # social capital: distinct resources of close-enough contacts
    acc = np.zeros(n, dtype=np.uint8)
    sa, sb = ties.a[strong], ties.b[strong]
    np.bitwise_or.at(acc, sa, pop.resources[sb])
    np.bitwise_or.at(acc, sb, pop.resources[sa])
    pop.social_capital[:] = np.bitwise_count(acc)

    pop.rejection *= 0.85
    pop.confidence += 0.02 * (pop.base_confidence - pop.confidence)
