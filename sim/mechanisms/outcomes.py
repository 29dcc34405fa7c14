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


UCLA_CENTRE, UCLA_SLOPE = 4.4, 4.0
LSNS_BINS = np.array([0, 1, 2, 3, 3, 4, 4, 4, 4, 5], dtype=np.int8)
LANE = 10                      # bits per packed counter (see _packed_counts)
LANE_MAX = (1 << LANE) - 1


def lsns_score(count: np.ndarray) -> np.ndarray:
    return LSNS_BINS[np.minimum(count, 9)]


def tie_closeness(model) -> np.ndarray:
    ties = model.ties
    w = np.minimum(ties.s, np.float32(200.0))
    w *= np.float32(1 / 200.0)
    np.sqrt(w, out=w)
    w *= np.where(ties.met, np.float32(1.0), np.float32(model.sc.effects.online_tie_weight))
    return w


def _pack(*flags) -> np.ndarray:
    """Up to five 0/1 arrays packed into one float64, 10 bits each (the fifth open-ended)."""
    out = np.zeros(len(flags[0]), dtype=np.float64)
    for k, f in enumerate(flags):
        out += f * float(1 << (LANE * k))
    return out


def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Packed words for every tie code: level (0-3: <20, 20-49, 50-89, 90+ h) + 4 kin + 8 other lonely."""
    code = np.arange(16)
    level, kin, lonely = code % 4, (code // 4) % 2 == 1, code // 8 == 1
    seen, help_, conf = level >= 1, level >= 2, level >= 3
    friend = ~kin
    word1 = _pack(seen & friend, help_ & friend, conf & friend, seen & kin, np.ones(16, dtype=bool))
    word2 = _pack(help_ & kin, conf & kin, help_ & friend & lonely, help_ & kin & lonely)
    return word1, word2


def _unpack(total: np.ndarray, lanes: int, open_top: bool = False) -> list[np.ndarray]:
    t = total.astype(np.int64)
    out = [(t >> (LANE * k)) & LANE_MAX for k in range(lanes)]
    if open_top:
        out[-1] = t >> (LANE * (lanes - 1))
    return out


def _packed_counts(ties, n, w_a, w_b) -> np.ndarray:
    """Per-citizen sums of packed counters: weights w_a count for end a, w_b for end b.

    Packing 10-bit counters into one float64 (exact below 2**53) turns four or five
    bincounts into one; the counts stay exact while no citizen has 1,023 ties, which
    step() checks with an open-ended degree lane.
    """
    return np.bincount(ties.a, w_a, minlength=n) + np.bincount(ties.b, w_b, minlength=n)


WORD1, WORD2 = _tables()


def refresh_weekly_factors(model) -> None:
    """Per-citizen factors the mechanisms read all week, from this week's UCLA-3."""
    pop = model.pop
    model.lvl = ((pop.ucla.astype(np.float32) - np.float32(3.0)) * np.float32(1 / 6.0))
    model.wd = np.float32(1.0) - np.float32(model.sc.effects.withdrawal) * model.lvl


def step(model) -> None:
    sc, pop, rng, ties = model.sc, model.pop, model.rng, model.ties
    n = pop.n
    w = tie_closeness(model)
    member = (pop.activity >= 0).astype(np.float32)
    actual = ties.node_sum(w) + 0.5 * member
    wanted = 1.0 + 6.0 * pop.need
    gap = np.clip((wanted - actual) / wanted, -1.0, 1.0)
    model.unmet_need = np.maximum(gap, 0.0).astype(np.float32)

    # one pass of packed counters: LSNS levels by kin/friend, degree, lonely strong contacts (M6).
    # Each tie gets a small code (level 0-3, kin, other end lonely) and a lookup table turns the
    # code into the packed word, so the counts cost two gathers and two bincounts per word.
    s = ties.s
    level = (s >= 20.0).view(np.uint8) + (s >= 50.0).view(np.uint8) + (s >= 90.0).view(np.uint8)
    code = level + np.uint8(4) * ties.kin.view(np.uint8)
    lonely = (pop.ucla >= 6).view(np.uint8)
    word1 = WORD1[code]
    seen_f, help_f, conf_f, seen_k, degree = _unpack(_packed_counts(ties, n, word1, word1), 5, open_top=True)
    if len(ties) and degree.max() >= LANE_MAX:
        raise OverflowError(f"citizen {int(degree.argmax())} has {int(degree.max())} ties; "
                            f"the packed counters of outcomes.py hold at most {LANE_MAX - 1}")
    help_k, conf_k, lonely_f, lonely_k = _unpack(
        _packed_counts(ties, n, WORD2[code + np.uint8(8) * lonely[ties.b]], WORD2[code + np.uint8(8) * lonely[ties.a]]), 4)

    # spread along ties (M6): share of lonely strong contacts, kin counting half
    den = help_f + 0.5 * help_k
    lonely_friends = np.where(den > 0, (lonely_f + 0.5 * lonely_k) / np.maximum(den, 1e-9), 0.1)

    pop.shock *= np.float32(0.9)
    pop.shock += np.float32(0.05) * rng.standard_normal(n, dtype=np.float32)
    lam = (0.6 * gap + pop.lonely_trait + pop.shock + sc.effects.spread * (lonely_friends - 0.1)
           + 0.15 * np.minimum(pop.rejection, 2.0))
    pop.lonely_latent[:] = lam
    pop.ucla[:] = np.clip(np.rint(UCLA_CENTRE + UCLA_SLOPE * lam), 3, 9)

    b = np.clip(0.7 * actual / wanted + 0.1 * member - 0.15 * pop.rejection, 0.0, 1.0)
    pop.belonging[:] = 12.0 + 72.0 * b
    pop.wellbeing[:] = np.clip(pop.wellbeing_base + 5.0 * (b - 0.6) - 1.3 * (pop.ucla - 4.5), 7.0, 35.0)

    pop.lsns[:] = (lsns_score(seen_f) + lsns_score(help_f) + lsns_score(conf_f)
                   + lsns_score(seen_k) + lsns_score(help_k) + lsns_score(conf_k))
    pop.network_size[:] = seen_f + seen_k

    # social capital: distinct resources of contacts with s >= 50 h. The 8 resource bits are
    # packed in 6-bit lanes (one bincount per end) while no citizen has 63 strong ties.
    strong = s >= 50.0
    sa, sb = ties.a[strong], ties.b[strong]
    if len(sa) == 0 or (help_f + help_k).max() < 63:
        lanes = model.resource_lanes
        total = (np.bincount(sa, lanes[sb], minlength=n) + np.bincount(sb, lanes[sa], minlength=n)).astype(np.int64)
        have = sum((((total >> (6 * k)) & 63) > 0).astype(np.int8) for k in range(8))
    else:
        acc = np.zeros(n, dtype=np.uint8)
        np.bitwise_or.at(acc, sa, pop.resources[sb])
        np.bitwise_or.at(acc, sb, pop.resources[sa])
        have = np.bitwise_count(acc)
    pop.social_capital[:] = have

    pop.rejection *= np.float32(0.85)
    pop.confidence += np.float32(0.02) * (pop.base_confidence - pop.confidence)
    refresh_weekly_factors(model)


def resource_lanes(pop) -> np.ndarray:
    """Each citizen's 8 resource bits spread into 6-bit lanes of one float64 (exact: 48 bits)."""
    out = np.zeros(pop.n, dtype=np.float64)
    for k in range(8):
        out += ((pop.resources >> k) & 1) * float(1 << (6 * k))
    return out
