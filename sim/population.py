"""Citizen and worker state as numpy arrays (one row a citizen), and how they start.

The Mesa agents in sim/agents read and write these rows; the weekly mechanisms
work on whole columns at once.
"""

from __future__ import annotations

import numpy as np

from .scenarios.schema import Scenario
from .vocabulary import (MECHANISMS, PLATFORM_STATE_WORDS, SUPPORT_STATE_WORDS, PlatformState,  # noqa: F401
                         SupportState)

INTERESTS = ("gardening", "walking", "cooking", "music", "crafts", "sport",
             "reading", "board games", "faith groups", "volunteering", "nature", "film")
# The Resource Generator-UK (Webber & Huxley 2007; the Connecting People pilot's primary outcome):
# "do you know anyone who ...", 27 items in four domains (domestic resources, expert advice,
# personal skills, problem solving). Items paraphrased; a definition of the instrument.
RESOURCES = (
    # domestic resources
    "can help with small jobs around the house", "can do your shopping when you are ill",
    "can lend you a large sum of money", "can lend you a little money", "can give you a lift",
    "can look after your home or pet when you are away", "can help you move house",
    # expert advice
    "can give advice about money, taxes or benefits", "can give legal advice", "can give medical advice",
    "can help with forms and official letters", "knows about local services", "can give advice about work",
    "can help you find a job", "knows how to fix a computer or phone",
    # personal skills
    "can repair a car or a bike", "is good at DIY", "can speak another language", "is a good cook",
    "knows a lot about gardening", "can play a musical instrument",
    # problem solving
    "can talk to you about personal matters", "can advise on a conflict at work or with family",
    "can give advice about your children or relatives", "is active in a local group or association",
    "knows people in local government", "can help when you are in a crisis",
)
LOW_LITERACY_CUT = 0.4   # definition: below this, a citizen is in the "low digital literacy" subgroup

# The states are the vocabulary's (sim/vocabulary.py), here as plain ints for the columns
# pop.platform and pop.support: numpy compares a column with a plain int in place, but casts
# the whole column first when given an IntEnum member (about 12 times slower).
NEVER, JOINED, ACTIVE, LAPSED = (int(s) for s in PlatformState)
PLATFORM_STATES = PLATFORM_STATE_WORDS          # joined: in the first week
NOT_SUPPORTED, ON_CASELOAD, MOVED_ON = (int(s) for s in SupportState)
SUPPORT_STATES = SUPPORT_STATE_WORDS


def on_platform(pop) -> np.ndarray:
    """Citizens using the platform now (joined this week or active)."""
    return (pop.platform == JOINED) | (pop.platform == ACTIVE)


def _beta_mean(rng, mean, concentration, n):
    mean = float(np.clip(mean, 0.02, 0.98))   # guard: Beta parameters must stay positive
    return rng.beta(mean * concentration, (1 - mean) * concentration, n).astype(np.float32)


class Population:
    """All citizen state. Columns are public numpy arrays of length n."""

    def __init__(self, sc: Scenario, rng: np.random.Generator):
        pop = sc.population
        n = sc.run.citizens
        m = sc.matching
        # weights of match_quality (route c), read by every mechanism that pairs people
        self.match_weights = (np.float32(m.weight_interests), np.float32(m.weight_proximity),
                              np.float32(m.weight_complementarity))
        self.n = n
        # neighbourhoods: contiguous blocks of rows, on a square grid
        n_nb = max(1, int(round(n / pop.neighbourhood_size)))
        self.n_neighbourhoods = n_nb
        self.nbhd = ((np.arange(n, dtype=np.int64) * n_nb) // n).astype(np.int32)
        self.nb_start = np.searchsorted(self.nbhd, np.arange(n_nb)).astype(np.int64)
        self.nb_size = np.bincount(self.nbhd, minlength=n_nb).astype(np.int64)
        side = int(np.ceil(np.sqrt(n_nb)))
        self.nb_x = (np.arange(n_nb) % side).astype(np.float32)
        self.nb_y = (np.arange(n_nb) // side).astype(np.float32)
        self.grid_side = side

        # traits (context)
        self.low_literacy = rng.random(n) < pop.share_low_literacy
        self.literacy = np.where(self.low_literacy, rng.uniform(pop.min_literacy, LOW_LITERACY_CUT, n),
                                 rng.uniform(LOW_LITERACY_CUT, 1.0, n)).astype(np.float32)
        self.reldiff = rng.random(n) < pop.share_relational_difficulties
        self.mh = rng.random(n) < pop.share_mh_condition
        self.need = _beta_mean(rng, pop.mean_need_to_belong, pop.need_concentration, n)
        conf = (_beta_mean(rng, pop.mean_confidence, pop.confidence_concentration, n)
                - pop.confidence_cut_reldiff * self.reldiff - pop.confidence_cut_mh * self.mh)
        self.base_confidence = np.clip(conf, 0.02, 0.98).astype(np.float32)   # guard: never certain either way
        self.confidence = self.base_confidence.copy()
        self.stigma = np.clip(_beta_mean(rng, pop.mean_stigma, pop.stigma_concentration, n) + pop.stigma_rise_mh * self.mh,
                              0, 1).astype(np.float32)
        self.trust = _beta_mean(rng, pop.mean_trust, pop.trust_concentration, n)
        # low literacy goes with fewer devices (Statistics Denmark 2023 groups them)
        s_low = pop.share_low_literacy
        ratio = pop.no_device_ratio_low_literacy
        norm = ratio * s_low + (1 - s_low)
        p_no_device = np.clip(pop.share_no_device * np.where(self.low_literacy, ratio, 1.0) / norm, 0, 1)
        self.has_device = rng.random(n) >= p_no_device
        self.privacy = rng.random(n) >= pop.share_no_privacy
        n_int = rng.integers(1, pop.max_interests + 1, n)
        bits = np.zeros(n, dtype=np.uint16)
        for j in range(pop.max_interests):
            pick = rng.integers(0, len(INTERESTS), n)
            bits |= np.where(j < n_int, (1 << pick), 0).astype(np.uint16)
        self.interests = bits
        # resources held: item k is held with chance share * (1 + spread * (2 k / (K - 1) - 1)), from
        # rare items (1 - spread) to common ones (1 + spread) around the mean share (lower with a
        # mental-health condition); drawn one item at a time (no n x 27 temporary)
        k_items = len(RESOURCES)
        item_scale = 1.0 + pop.resource_spread * (2.0 * np.arange(k_items) / (k_items - 1) - 1.0)
        share = np.where(self.mh, pop.resource_share_mh, pop.resource_share)
        res = np.zeros(n, dtype=np.uint32)
        for k in range(k_items):
            res |= (rng.random(n) < share * item_scale[k]).astype(np.uint32) << np.uint32(k)
        self.resources = res
        self.wellbeing_base = (rng.normal(pop.wellbeing_mean, pop.wellbeing_sd, n) - pop.wellbeing_cut_mh * self.mh).astype(np.float32)
        self.lonely_trait = (rng.normal(0.0, pop.lonely_trait_sd, n) + pop.lonely_trait_reldiff * self.reldiff
                             + pop.lonely_trait_mh * self.mh).astype(np.float32)
        self.shock = np.zeros(n, dtype=np.float32)

        # platform
        self.platform = np.zeros(n, dtype=np.int8)
        self.platform_weeks = np.zeros(n, dtype=np.int16)
        self.joined_week = np.full(n, -1, dtype=np.int16)
        self.lapsed_week = np.full(n, -1, dtype=np.int16)
        self.last_reply = np.full(n, -100, dtype=np.int16)
        self.digital_boost = np.zeros(n, dtype=np.float32)   # literacy gained from digital help

        # support
        self.support = np.zeros(n, dtype=np.int8)
        self.worker = np.full(n, -1, dtype=np.int32)
        self.support_weeks = np.zeros(n, dtype=np.int16)
        self.referred_week = np.full(n, -1, dtype=np.int16)
        self.coaching = np.zeros(n, dtype=np.float32)          # 0-1, accumulated coaching
        self.support_eff = np.zeros(n, dtype=np.float32)       # this week's effectiveness of support
        self.device_given = np.zeros(n, dtype=bool)

        # activities
        self.activity = np.full(n, -1, dtype=np.int32)
        self.attended = np.zeros(n, dtype=bool)

        # feelings and outcomes
        self.rejection = np.zeros(n, dtype=np.float32)         # smoothed recent rejections and losses
        self.lonely_latent = np.zeros(n, dtype=np.float32)
        self.ucla = np.full(n, 3, dtype=np.int8)
        self.belonging = np.zeros(n, dtype=np.float32)        # General Belongingness Scale, 12-84
        self.wellbeing = np.zeros(n, dtype=np.float32)        # SWEMWBS, 7-35
        self.lsns = np.zeros(n, dtype=np.int8)                # LSNS-6, 0-30
        self.network_size = np.zeros(n, dtype=np.int16)
        self.social_capital = np.zeros(n, dtype=np.int8)      # resources reachable, 0-27 (Resource Generator-UK)

        # CMO: how often each mechanism fired for this citizen during the intervention
        self.fired = {m: np.zeros(n, dtype=np.int16) for m in MECHANISMS}
        self.ever_supported = np.zeros(n, dtype=bool)

    @property
    def effective_literacy(self) -> np.ndarray:
        return np.minimum(1.0, self.literacy + self.digital_boost)

    @property
    def lonely(self) -> np.ndarray:
        return self.ucla >= 6

    def same_neighbourhood_partner(self, rng, who: np.ndarray) -> np.ndarray:
        """A uniformly drawn other resident of each citizen's neighbourhood (may be themself)."""
        nb = self.nbhd[who]
        return (self.nb_start[nb] + (rng.random(len(who)) * self.nb_size[nb]).astype(np.int64)).astype(np.int32)


def shared_interests(a_bits: np.ndarray, b_bits: np.ndarray) -> np.ndarray:
    """Jaccard overlap of interest sets (0-1)."""
    inter = np.bitwise_count(a_bits & b_bits).astype(np.float32)
    union = np.bitwise_count(a_bits | b_bits).astype(np.float32)
    return inter / np.maximum(union, 1)


def proximity(pop: Population, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 in the same neighbourhood, falling with grid distance between neighbourhoods."""
    na, nb = pop.nbhd[a], pop.nbhd[b]
    d = np.hypot(pop.nb_x[na] - pop.nb_x[nb], pop.nb_y[na] - pop.nb_y[nb])
    return (1.0 / (1.0 + d)).astype(np.float32)


def match_quality(pop: Population, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How well two people suit each other (route c): interests, proximity, complementary needs.

    Complementary needs: a similar wish for closeness, and at least one of the two
    confident enough to carry the first meetings. Weights: scenario keys matching.weight_*.
    """
    from . import kernels
    a = np.ascontiguousarray(a, dtype=np.int64)
    b = np.ascontiguousarray(b, dtype=np.int64)
    return kernels.match_quality(a, b, pop.interests, pop.nbhd, pop.nb_x, pop.nb_y, pop.need, pop.confidence,
                                 *pop.match_weights)
