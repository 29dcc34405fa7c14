"""Outcomes: belonging from the quality of ties against the need to belong; loneliness,
wellbeing and the network measures follow (M5, M6, M14; instruments of EVIDENCE.md).

Closeness of a tie: w(s) = sqrt(min(s, 200) / 200) (a close friend counts 1, a casual
friend of 50 h a half, an acquaintance of 10 h a fifth), times
online_tie_weight for a pair who never met. Actual relationships
A = sum of w over ties + 0.5 for membership of a community group (accepted group
membership, M14). Wanted W = 1 + 6 * need (M5, Perlman & Peplau: loneliness is
the gap between wanted and actual relationships).

Loneliness (latent): lam = 0.6 * clip((W - A) / W, -1, 1) + trait + shock
    + spread * (lonely share of close contacts - 0.1) + 0.15 * min(rejection, 2)
shock is AR(1) (0.9, sd 0.05 a week): spontaneous onset and recovery (M6, Hill et
al. 2010). Close contacts' loneliness pulls (Cacioppo, Fowler & Christakis 2009):
the share counts ties of at least 50 h, kin counting half (0.1, no pull, without
any such tie). UCLA-3 = clip(round(4.4 + 4 lam), 3, 9), lonely at 6+ (Hughes et al. 2004);
the constants are calibrated so that the untreated population settles near 8-13%
lonely (DEFACTUM 2020; JRC 2022).

Belonging (General Belongingness Scale 12-84; Malone et al. 2012): acceptance minus
rejection, b = clip(0.7 A / W + 0.1 member - 0.15 rejection, 0, 1), GBS = 12 + 72 b.
Wellbeing (SWEMWBS 7-35): clip(base + 5 (b - 0.6) - 1.3 (UCLA - 4.5), 7, 35), base
~ N(22.5, 3.5) minus 3 with a mental-health condition (target mean ~23.5, Ng Fat et al.
2017; the model gives ~24.1-24.2 in baseline, docs/ODD.md section 8.2).
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
    """The week's outcomes in two compiled passes (sim/kernels.py): outcome_counts sums over
    ties (closeness, LSNS-6 counts, lonely contacts, resources reached), score_outcomes
    turns those sums into each citizen's scores."""
    sc, pop, rng, ties = model.sc, model.pop, model.rng, model.ties
    n = pop.n
    lonely = pop.ucla >= 6
    actual, counts, lonely_w, strong_w, reach = kernels.outcome_counts(
        ties.a, ties.b, ties.s, ties.met, ties.kin, lonely, pop.resources,
        np.float32(sc.effects.online_tie_weight), n)
    # the shock's innovation, drawn here so that the stream is model.rng's
    noise = rng.standard_normal(n, dtype=np.float32)
    # loneliness, belonging, wellbeing, LSNS-6, network size and social capital per citizen
    # (the formulas of the module docstring, one compiled pass)
    model.unmet_need = kernels.score_outcomes(
        actual, counts, lonely_w, strong_w, reach, pop.activity, pop.need, pop.lonely_trait, pop.shock, noise,
        pop.rejection, pop.wellbeing_base, float(sc.effects.spread), UCLA_CENTRE, UCLA_SLOPE, LSNS_BINS,
        pop.lonely_latent, pop.ucla, pop.belonging, pop.wellbeing, pop.lsns, pop.network_size, pop.social_capital)
    pop.rejection *= np.float32(0.85)
    pop.confidence += np.float32(0.02) * (pop.base_confidence - pop.confidence)
    refresh_weekly_factors(model)
