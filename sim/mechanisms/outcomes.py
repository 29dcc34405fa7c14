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

from .. import kernels

UCLA_CENTRE, UCLA_SLOPE = 4.4, 4.0
LSNS_BINS = np.array([0, 1, 2, 3, 3, 4, 4, 4, 4, 5], dtype=np.int8)


def lsns_score(count: np.ndarray) -> np.ndarray:
    return LSNS_BINS[np.minimum(count, 9)]


def refresh_weekly_factors(model) -> None:
    """Per-citizen factors the mechanisms read all week, from this week's UCLA-3:
    lvl, the loneliness level (UCLA-3 rescaled to 0-1), and wd = 1 - withdrawal * lvl."""
    pop = model.pop
    model.lvl = ((pop.ucla.astype(np.float32) - np.float32(3.0)) * np.float32(1 / 6.0))
    model.wd = np.float32(1.0) - np.float32(model.sc.effects.withdrawal) * model.lvl


def step(model) -> None:
    """The week's outcomes; the sums over ties (closeness, LSNS-6 counts, lonely contacts,
    resources reached) are one compiled pass, sim/kernels.py outcome_counts."""
    sc, pop, rng, ties = model.sc, model.pop, model.rng, model.ties
    n = pop.n
    lonely = pop.ucla >= 6
    actual, counts, lonely_w, strong_w, reach = kernels.outcome_counts(
        ties.a, ties.b, ties.s, ties.met, ties.kin, lonely, pop.resources,
        np.float32(sc.effects.online_tie_weight), n)
    member = (pop.activity >= 0).astype(np.float32)
    actual += 0.5 * member
    wanted = 1.0 + 6.0 * pop.need
    gap = np.clip((wanted - actual) / wanted, -1.0, 1.0)
    model.unmet_need = np.maximum(gap, 0.0).astype(np.float32)

    # spread along ties (M6): share of lonely strong contacts, kin counting half
    lonely_friends = np.where(strong_w > 0, lonely_w / np.maximum(strong_w, 1e-9), 0.1)

    pop.shock *= np.float32(0.9)
    pop.shock += np.float32(0.05) * rng.standard_normal(n, dtype=np.float32)
    lam = (0.6 * gap + pop.lonely_trait + pop.shock + sc.effects.spread * (lonely_friends - 0.1)
           + 0.15 * np.minimum(pop.rejection, 2.0))
    pop.lonely_latent[:] = lam
    pop.ucla[:] = np.clip(np.rint(UCLA_CENTRE + UCLA_SLOPE * lam), 3, 9)

    b = np.clip(0.7 * actual / wanted + 0.1 * member - 0.15 * pop.rejection, 0.0, 1.0)
    pop.belonging[:] = 12.0 + 72.0 * b
    pop.wellbeing[:] = np.clip(pop.wellbeing_base + 5.0 * (b - 0.6) - 1.3 * (pop.ucla - 4.5), 7.0, 35.0)

    # LSNS-6: friends seen, help, confide; kin seen, help, confide (counts columns 0-5)
    pop.lsns[:] = lsns_score(counts[:, :6]).sum(axis=1)
    pop.network_size[:] = counts[:, 0] + counts[:, 3]

    # social capital: distinct resources held by contacts with s >= 50 h
    pop.social_capital[:] = np.bitwise_count(reach)

    pop.rejection *= np.float32(0.85)
    pop.confidence += np.float32(0.02) * (pop.base_confidence - pop.confidence)
    refresh_weekly_factors(model)
