"""Outcomes: belonging from the quality of ties against the need to belong; loneliness,
wellbeing and the network measures follow (M5, M6, M14; instruments of EVIDENCE.md).

Constants: scenario sections `loneliness` and `outcomes` (defaults in brackets).

Closeness of a tie: w(s) = sqrt(min(s, F) / F), F = ties.close_friend_hours [200] (a close
friend counts 1, a casual friend of 50 h a half, an acquaintance of 10 h a fifth), times
online_tie_weight for a pair who never met. Actual relationships
A = sum of w over ties + group_membership_weight [0.5] for membership of a community
group (accepted group membership, M14). Wanted W = wanted_base + wanted_per_need * need
[1, 6] (M5, Perlman & Peplau: loneliness is the gap between wanted and actual relationships).

Loneliness (latent): lam = gap_weight * clip((W - A) / W, -1, 1) + trait + shock
    + spread * (lonely share of close contacts - contagion_reference)
    + rejection_weight * min(rejection, rejection_cap)            [0.6; 0.1; 0.15, 2]
shock is AR(1) (shock_persistence [0.9], shock_sd [0.05] a week): spontaneous onset and
recovery (M6, Hill et al. 2010). Close contacts' loneliness pulls (Cacioppo, Fowler &
Christakis 2009): the share counts ties of at least help_hours [50 h], kin counting kin_contact_weight [half]
(contagion_reference, no pull, without any such tie). UCLA-3 = clip(round(ucla_centre +
ucla_slope lam), 3, 9) [4.4, 4], lonely at 6+ (Hughes et al. 2004); these are calibrated
so that the untreated population settles near 8-13% lonely (DEFACTUM 2020; JRC 2022).

Belonging (General Belongingness Scale 12-84; Malone et al. 2012): acceptance minus
rejection, b = clip(acceptance_weight A / W + membership_belonging member
- rejection_belonging rejection, 0, 1) [0.7, 0.1, 0.15], GBS = 12 + 72 b (the scale's range).
Wellbeing (SWEMWBS 7-35): clip(base + wellbeing_belonging (b - wellbeing_belonging_reference)
- wellbeing_loneliness (UCLA - wellbeing_loneliness_reference), 7, 35) [5, 0.6, 1.3, 4.5],
base ~ N(22.5, 3.5) minus 3 with a mental-health condition (population section; target
mean ~23.5, Ng Fat et al. 2017; the model gives ~24.1-24.2 in baseline, docs/ODD.md 8.2).
LSNS-6 (Lubben et al. 2006): for kin and for friends, the number seen or heard from
monthly (s >= seen_hours [20 h]), who could be called on for help (s >= help_hours [50 h])
and confided in (s >= confide_hours [90 h]), each scored 0,1,2,3,3,4,4,4,4,5 for 0..9+
people (the published scoring, a definition); total 0-30, isolated below 12 (definition).
Network size: ties with s >= seen_hours. Social capital (Resource Generator-UK, Webber &
Huxley 2007): distinct resources (of 27 items in four domains) held by anyone the citizen
knows, s >= resource_hours [5 h]: weak ties count, and a worker's community contact once the
client's tie to them reaches that closeness (a bridge starts at hours_per_meeting, 2.5 h).
Felt rejection then fades to rejection_fade [0.85] of itself each week and confidence
drifts confidence_recovery [2%] of the way back to its base.
"""

from __future__ import annotations

import numpy as np

from .. import kernels

# definition: the LSNS-6 item score for 0, 1, ..., 9+ people (Lubben et al. 2006)
LSNS_BINS = np.array([0, 1, 2, 3, 3, 4, 4, 4, 4, 5], dtype=np.int8)


def coefficients(sc) -> tuple[np.ndarray, np.ndarray]:
    """The loneliness, belonging and wellbeing coefficients as score_outcomes reads them
    (float32 where the formulas work in float32, float64 where they work in float64)."""
    lo, oc = sc.loneliness, sc.outcomes
    c32 = np.array([lo.group_membership_weight, lo.wanted_base, lo.wanted_per_need, lo.shock_persistence,
                    lo.shock_sd, lo.rejection_weight, lo.rejection_cap, oc.membership_belonging,
                    oc.rejection_belonging], dtype=np.float32)
    c64 = np.array([lo.gap_weight, lo.contagion_reference, oc.acceptance_weight, oc.wellbeing_belonging,
                    oc.wellbeing_belonging_reference, oc.wellbeing_loneliness, oc.wellbeing_loneliness_reference],
                   dtype=np.float64)
    return c32, c64


def lsns_score(count: np.ndarray) -> np.ndarray:
    return LSNS_BINS[np.minimum(count, 9)]


def refresh_weekly_factors(sc, pop, ctx) -> None:
    """Per-citizen factors the mechanisms read all week, from this week's UCLA-3, into ctx:
    lvl, the loneliness level (UCLA-3 rescaled to 0-1), and wd = 1 - withdrawal * lvl."""
    ctx.lvl = ((pop.ucla.astype(np.float32) - np.float32(3.0)) * np.float32(1 / 6.0))   # definition: UCLA-3 runs 3-9
    ctx.wd = np.float32(1.0) - np.float32(sc.effects.withdrawal) * ctx.lvl


def step(sc, pop, ties, ctx, rng) -> None:
    """The week's outcomes in two compiled passes (sim/kernels.py): outcome_counts sums over
    ties (closeness, LSNS-6 counts, lonely contacts, resources reached), score_outcomes
    turns those sums into each citizen's scores."""
    n = pop.n
    oc, f32 = sc.outcomes, np.float32
    lonely = pop.ucla >= 6
    actual, counts, lonely_w, strong_w, reach = kernels.outcome_counts(
        ties.a, ties.b, ties.s, ties.met, ties.kin, lonely, pop.resources,
        f32(sc.effects.online_tie_weight), n, f32(sc.ties.close_friend_hours),
        f32(oc.seen_hours), f32(oc.help_hours), f32(oc.confide_hours), f32(sc.loneliness.kin_contact_weight),
        f32(oc.resource_hours))
    # the shock's innovation, drawn here so that the stream is model.rng's
    noise = rng.standard_normal(n, dtype=np.float32)
    # loneliness, belonging, wellbeing, LSNS-6, network size and social capital per citizen
    # (the formulas of the module docstring, one compiled pass)
    ctx.unmet_need = kernels.score_outcomes(
        actual, counts, lonely_w, strong_w, reach, pop.activity, pop.need, pop.lonely_trait, pop.shock, noise,
        pop.rejection, pop.wellbeing_base, float(sc.effects.spread), float(sc.loneliness.ucla_centre),
        float(sc.loneliness.ucla_slope), LSNS_BINS, pop.lonely_latent, pop.ucla, pop.belonging, pop.wellbeing, pop.lsns,
        pop.network_size, pop.social_capital, *coefficients(sc))
    pop.rejection *= f32(sc.loneliness.rejection_fade)
    pop.confidence += f32(sc.loneliness.confidence_recovery) * (pop.base_confidence - pop.confidence)
    refresh_weekly_factors(sc, pop, ctx)
