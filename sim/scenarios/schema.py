"""The one scenario schema shared by the CLI, the experiments and the dashboard.

Every field carries a description, the source of its default (`src`), its **role**
and, for numbers, a plausible **range**:

- `lever`: what a planner decides (workers, targeting, the platform, activities, devices);
- `uncertainty`: what nobody knows exactly: every behavioural constant of the model,
  with the range that sensitivity analysis and calibration explore;
- `setting`: the size, length and seed of a run, and the neighbourhood size.

Sections are grouped by the mechanism that reads them (`MECHANISM` of each section
names it, in the words of sim/model.py's WEEKLY_ORDER). Sections are strict: an
unknown key, a wrong type or an out-of-range value is an error, never silently
coerced. A constant that is a definition (an instrument's published scoring, a unit
conversion, a guard that keeps a probability inside 0..1) stays in code, commented.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MATCHING_POLICIES = ("random", "interests", "proximity", "relational_match", "isolated_first")
TARGETING_POLICIES = (
    "none",
    "first_come",
    "low_literacy_first",
    "relational_first",
    "most_lonely_first",
    "needs_based",
)
DELIVERY_MODES = ("in_person", "digital", "hybrid")
DEVICE_TARGETS = ("clients", "everyone")
ROLES = ("lever", "uncertainty", "setting")


def P(default, description, src="assumption", *, role="uncertainty", range=None, **bounds):
    """A scenario parameter: default, bounds, a one-line explanation, its source, role and plausible range."""
    if role not in ROLES:
        raise ValueError(f"role {role!r}: allowed {ROLES}")
    if range is not None:
        lo, hi = range
        if not lo <= default <= hi:
            raise ValueError(f"range {range} does not hold the default {default!r} ({description})")
    extra = {"src": src, "role": role, "range": list(range) if range is not None else None}
    return Field(default, description=description, json_schema_extra=extra, **bounds)


def lever(default, description, src="lever", *, range=None, **bounds):
    """What a planner decides."""
    return P(default, description, src, role="lever", range=range, **bounds)


def unc(default, description, src="assumption", *, range=None, **bounds):
    """What nobody knows exactly: a behavioural constant, with the range analyses explore."""
    if range is None and isinstance(default, (int, float)) and not isinstance(default, bool):
        raise ValueError(f"uncertainty without a plausible range: {description}")
    return P(default, description, src, role="uncertainty", range=range, **bounds)


def setting(default, description, src="a choice of the run, not an assumption", *, range=None, **bounds):
    """Size, length, seed: how a run is set up, not what it assumes."""
    return P(default, description, src, role="setting", range=range, **bounds)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=True, allow_inf_nan=False)
    MECHANISM: ClassVar[str] = ""


class Run(Section):
    MECHANISM: ClassVar[str] = "run"
    citizens: int = setting(2000, "Number of citizens simulated.", ge=10, le=5_000_000)
    weeks: int = setting(52, "Length of the intervention period in weeks (one step is one week).", ge=1, le=520)
    burn_in: int = setting(26, "Weeks the network settles without any intervention before the intervention starts.", ge=0, le=520)
    seed: int = setting(42, "Seed of the model's random generator: same scenario and seed, same numbers.", ge=0, le=2**63 - 1)


class Population(Section):
    MECHANISM: ClassVar[str] = "population"
    share_low_literacy: float = unc(
        0.18, "Share of citizens with low digital literacy.",
        "Statistics Denmark 2023: 18% of 15-89 year olds are digitally challenged", range=(0.10, 0.30), ge=0, le=1)
    share_relational_difficulties: float = unc(
        0.20, "Share of citizens with earlier relational difficulties.",
        "assumption; Andersen et al. 2020 name the group but give no size", range=(0.10, 0.30), ge=0, le=1)
    share_mh_condition: float = unc(
        0.10, "Share of citizens with a mental-health condition.",
        "WHO 2015 via Heyes 2018 (seed 001): about 1 in 10", range=(0.05, 0.20), ge=0, le=1)
    share_no_device: float = unc(
        0.10, "Share of citizens without a usable device or Wi-Fi at home.",
        "Statistics Denmark 2023: 10% lack skills/means to use the internet", range=(0.05, 0.20), ge=0, le=1)
    share_no_privacy: float = unc(
        0.25, "Share of citizens without a private space at home for a conversation.",
        "assumption; Hickey et al. 2023 (seed 004): 68.6% of practitioners name privacy as a barrier",
        range=(0.10, 0.40), ge=0, le=1)
    mean_need_to_belong: float = unc(0.5, "Average need to belong (0-1).", "assumption (Baumeister & Leary 1995 construct)",
                                     range=(0.35, 0.65), ge=0.05, le=0.95)
    mean_confidence: float = unc(0.5, "Average social confidence in approaching new people (0-1).",
                                 range=(0.35, 0.65), ge=0.05, le=0.95)
    mean_stigma: float = unc(0.3, "Average perceived stigma of seeking support (0-1).", "assumption; direction from Heyes 2018 (seed 001)",
                             range=(0.15, 0.45), ge=0, le=1)
    mean_trust: float = unc(0.6, "Average trust in services and platforms (0-1).", "assumption; direction from Heyes 2018 (seed 001)",
                            range=(0.45, 0.75), ge=0, le=1)
    neighbourhood_size: int = setting(500, "Citizens per neighbourhood (shared everyday settings).", ge=10, le=100_000)
    initial_ties: float = unc(
        7.0, "Mean number of ties a citizen starts with (the sympathy layer).",
        "Hill & Dunbar 2003: layers of ~5 / 15; the model keeps the inner ~15", range=(4.0, 10.0), ge=0, le=40)
    min_literacy: float = unc(0.05, "Lowest digital literacy of anyone (low literacy is uniform from here to 0.4, the cut that defines the group).",
                              range=(0.0, 0.2), ge=0, lt=0.4)
    need_concentration: float = unc(8.0, "Concentration of the Beta distribution of the need to belong (higher: less spread).",
                                    range=(4.0, 16.0), ge=0.5, le=200)
    confidence_concentration: float = unc(6.0, "Concentration of the Beta distribution of social confidence.", range=(3.0, 12.0), ge=0.5, le=200)
    confidence_cut_reldiff: float = unc(0.15, "Confidence lower after earlier relational difficulties.",
                                        "assumption; direction Andersen et al. 2020 (seed 000)", range=(0.05, 0.25), ge=0, le=1)
    confidence_cut_mh: float = unc(0.1, "Confidence lower with a mental-health condition.", range=(0.0, 0.2), ge=0, le=1)
    stigma_concentration: float = unc(5.0, "Concentration of the Beta distribution of perceived stigma.", range=(2.5, 10.0), ge=0.5, le=200)
    stigma_rise_mh: float = unc(0.2, "Perceived stigma higher with a mental-health condition.", "assumption; direction Heyes 2018 (seed 001)",
                                range=(0.0, 0.4), ge=0, le=1)
    trust_concentration: float = unc(5.0, "Concentration of the Beta distribution of trust.", range=(2.5, 10.0), ge=0.5, le=200)
    no_device_ratio_low_literacy: float = unc(
        3.0, "How many times likelier someone with low digital literacy is to lack a device (the overall share is kept).",
        "assumption; Statistics Denmark 2023 groups lack of skills and means", range=(1.5, 5.0), ge=1, le=20)
    max_interests: int = unc(3, "Most interests a citizen has (each has 1 to this many, uniformly).", range=(2, 5), ge=1, le=12)
    resource_share: float = unc(0.11, "Average chance that a citizen holds one of the 27 resources of the Resource Generator-UK items.",
                                "calibrated: baseline social capital near mid-scale (13.5 of 27), at most ~10% at the maximum (Webber & Huxley 2007 instrument)",
                                range=(0.07, 0.15), ge=0, le=0.5)
    resource_share_mh: float = unc(0.07, "The same chance for a citizen with a mental-health condition.", range=(0.04, 0.1), ge=0, le=0.5)
    resource_spread: float = unc(0.75, "Spread of the items' prevalence around the average: item chances run from (1 - spread) to (1 + spread) times it (rare to common resources).",
                                 range=(0.25, 0.95), ge=0, le=1)
    wellbeing_mean: float = unc(22.5, "Mean of the wellbeing baseline (SWEMWBS points) before belonging and loneliness act.",
                                "calibrated: SWEMWBS mean ~23.5 (Ng Fat et al. 2017)", range=(20.5, 24.5), ge=7, le=35)
    wellbeing_sd: float = unc(3.5, "Spread of the wellbeing baseline (SWEMWBS points).", "Ng Fat et al. 2017 (SD ~3.5-4)",
                              range=(2.5, 4.5), ge=0, le=10)
    wellbeing_cut_mh: float = unc(3.0, "Wellbeing baseline lower with a mental-health condition (SWEMWBS points).", range=(1.5, 5.0), ge=0, le=15)
    lonely_trait_sd: float = unc(0.12, "Spread of the stable, personal part of loneliness (latent units; 0.25 is one UCLA-3 point).",
                                 "calibrated: prevalence 8-13% (DEFACTUM 2020; JRC 2022)", range=(0.06, 0.2), ge=0, le=1)
    lonely_trait_reldiff: float = unc(0.1, "Loneliness trait higher after earlier relational difficulties (latent units).",
                                      "assumption; direction Andersen et al. 2020", range=(0.0, 0.2), ge=0, le=1)
    lonely_trait_mh: float = unc(0.05, "Loneliness trait higher with a mental-health condition (latent units).", range=(0.0, 0.15), ge=0, le=1)


class Network(Section):
    MECHANISM: ClassVar[str] = "initial network"
    kin_stubs: float = unc(1.1, "Mean kin tie ends per citizen (each tie has two ends: 1.1 gives ~2.2 kin ties each).",
                           "assumption tuned to Hill & Dunbar 2003 inner layers", range=(0.5, 2.0), ge=0, le=10)
    kin_hours_low: float = unc(60.0, "Least closeness of a kin tie at the start (hours).", "Hall 2018 scale", range=(30.0, 90.0), ge=2, le=400)
    kin_hours_high: float = unc(300.0, "Most closeness of a kin tie at the start (hours).", "Hall 2018 scale", range=(200.0, 400.0), ge=2, le=400)
    friend_hours_low: float = unc(20.0, "Least closeness of a friend tie at the start (hours).", "Hall 2018 scale", range=(10.0, 40.0), ge=2, le=400)
    friend_hours_high: float = unc(250.0, "Most closeness of a friend tie at the start (hours).", "Hall 2018 scale", range=(150.0, 350.0), ge=2, le=400)
    friends_ratio_reldiff: float = unc(0.7, "Friends at the start after earlier relational difficulties, relative to others.",
                                       "assumption; direction Andersen et al. 2020", range=(0.5, 1.0), ge=0, le=1)
    local_share: float = unc(0.7, "Share of starting friends drawn from the citizen's own neighbourhood.", range=(0.5, 0.9), ge=0, le=1)
    candidates: int = unc(3, "Candidates of which the best match becomes a starting friend (homophily).",
                          "Asikainen et al. 2020 (homophily); number assumed", range=(1, 6), ge=1, le=20)

    @model_validator(mode="after")
    def _lows_not_above_highs(self):
        for kind in ("kin", "friend"):
            lo, hi = getattr(self, f"{kind}_hours_low"), getattr(self, f"{kind}_hours_high")
            if lo > hi:
                raise ValueError(f"'network.{kind}_hours_low' ({lo}) is above 'network.{kind}_hours_high' ({hi}); "
                                 f"allowed: low <= high")
        return self


class Platform(Section):
    MECHANISM: ClassVar[str] = "platform"
    enabled: bool = lever(False, "Whether the citizen-to-citizen platform runs during the intervention.", "Andersen et al. 2020 (seed 000)")
    matching_policy: Literal[MATCHING_POLICIES] = lever(
        "relational_match", "How the platform chooses whom to suggest.", "Andersen et al. 2020 (seed 000), routes (a) and (c)")
    suggestions_per_week: int = lever(3, "Contact suggestions each active user receives per week.", range=(1, 8), ge=0, le=50)
    outreach_effort: float = lever(0.5, "How hard the municipality promotes the platform (0 none, 1 a full campaign).", range=(0.0, 1.0), ge=0, le=1)
    moderation: float = lever(0.5, "Moderation and safety work on the platform (0-1): raises replies and softens rejection.",
                              "Heyes 2018 (seed 001): trust decides much", range=(0.0, 1.0), ge=0, le=1)
    join_rate: float = unc(0.02, "Weekly chance that a reached, able, willing citizen signs up at full outreach.", range=(0.01, 0.04), ge=0, le=1)
    dropout_first_week: float = unc(
        0.32, "Chance a new user drops out in their first week.",
        "Hurmuz et al.: 32.2% dropped in week 1", range=(0.25, 0.40), ge=0, le=1)
    dropout_long_run: float = unc(0.03, "Weekly dropout chance once use has settled.", "calibrated: Hurmuz et al. 45.6% still using at 4 weeks",
                                  range=(0.01, 0.06), ge=0, le=1)
    dropout_decay_weeks: float = unc(2.2, "Time constant (weeks) of the front-loaded dropout hazard.",
                                     "calibrated to Hurmuz et al.: 32% out in week 1, 45.6% still using at 4 weeks (model, platform_only, seeds 1-5: 31.1%, 45.6%)",
                                     range=(1.0, 4.0), gt=0, le=52)
    skills_dropout_ratio: float = unc(0.69, "Dropout hazard ratio of high vs low digital literacy.", "Hurmuz et al.: computer skills HR 0.69",
                                      range=(0.5, 0.9), gt=0, le=2)
    barrier_lowering: float = unc(
        0.3, "How much writing online lowers the confidence needed for a first approach (route b).",
        "Andersen et al. 2020 (seed 000), route (b); size assumed", range=(0.1, 0.5), ge=0, le=1)


class Onboarding(Section):
    MECHANISM: ClassVar[str] = "outreach and onboarding"
    literacy_threshold: float = unc(0.1, "Digital literacy below which nobody joins the platform alone.",
                                    "assumption; Statistics Denmark 2023: 10% lack the skills to use the internet", range=(0.0, 0.25), ge=0, lt=1)
    literacy_span: float = unc(0.5, "Literacy above the threshold at which the chance of joining alone is full (the gate rises linearly).",
                               range=(0.3, 0.8), gt=0, le=1)
    no_device_factor: float = unc(0.1, "Chance of joining without a device, relative to with one.", range=(0.0, 0.3), ge=0, le=1)
    stigma_share: float = unc(0.5, "Share of the stigma weight that holds people back from joining the platform (support: the whole).",
                              "assumption; direction Heyes 2018 (seed 001)", range=(0.25, 1.0), ge=0, le=1)
    trust_base: float = unc(0.5, "Willingness to join at zero trust (x (base + trust)).", range=(0.25, 1.0), ge=0, le=5)
    need_base: float = unc(0.5, "Willingness to join at zero need to belong (x (base + need)).", range=(0.25, 1.0), ge=0, le=5)
    digital_help_join: float = unc(0.3, "Extra weekly chance of joining per unit of a worker's effectiveness with digital help.",
                                   "Andersen et al. 2020 (seed 000): support to realise the platform; size assumed", range=(0.1, 0.5), ge=0, le=1)
    rejoin_factor: float = unc(0.5, "Chance of a lapsed user with digital help coming back, relative to joining.", range=(0.2, 0.8), ge=0, le=1)


class PlatformUse(Section):
    MECHANISM: ClassVar[str] = "platform use and dropout"
    reply_factor: float = unc(0.7, "Dropout hazard after a reply within the memory window, relative (a rewarding contact).",
                              range=(0.5, 0.9), ge=0, le=2)
    reply_memory_weeks: int = unc(4, "Weeks a reply keeps a user engaged.", range=(2, 8), ge=0, le=52)
    rejection_factor: float = unc(1.0, "Rise of the dropout hazard per unit of felt rejection.", "Andersen et al. 2020 (direction)",
                                  range=(0.5, 2.0), ge=0, le=10)
    rejection_cap: float = unc(2.0, "Felt rejection beyond which dropout rises no further.", range=(1.0, 3.0), ge=0, le=10)
    digital_help_retention: float = unc(0.6, "Cut in the dropout hazard per unit of a worker's effectiveness with digital help.",
                                        "Andersen et al. 2020 (direction); size assumed", range=(0.3, 0.9), ge=0, le=1)


class Matching(Section):
    MECHANISM: ClassVar[str] = "matching"
    candidates_per_suggestion: int = unc(4, "Candidates the platform scores for each suggestion it makes.", range=(2, 8), ge=1, le=50)
    weight_interests: float = unc(0.45, "Weight of shared interests in match quality.", "Asikainen et al. 2020 (homophily); weight assumed",
                                  range=(0.25, 0.65), ge=0, le=1)
    weight_proximity: float = unc(0.25, "Weight of living near each other in match quality.", range=(0.1, 0.4), ge=0, le=1)
    weight_complementarity: float = unc(0.30, "Weight of complementary needs (similar wish for closeness, one confident) in match quality.",
                                        "Andersen et al. 2020 (route c); weight assumed", range=(0.15, 0.45), ge=0, le=1)
    noise: float = unc(0.05, "Random spread added to a matching policy's scores (ties between equal candidates).", range=(0.0, 0.15), ge=0, le=1)
    isolated_boost: float = unc(0.5, "Score added per unit of loneliness level under the isolated_first policy.", range=(0.25, 1.0), ge=0, le=5)


class ReachingOut(Section):
    MECHANISM: ClassVar[str] = "reaching out"
    write_rate: float = unc(0.35, "Chance of writing to a suggestion at full confidence (x min(1, confidence + barrier lowering)).",
                            range=(0.2, 0.5), ge=0, le=1)
    reply_base: float = unc(0.35, "Chance of a reply at match quality 0.", range=(0.2, 0.5), ge=0, le=1)
    reply_match: float = unc(0.4, "Extra chance of a reply per unit of match quality.", range=(0.2, 0.6), ge=0, le=1)
    reply_unmoderated: float = unc(0.7, "Replies on an unmoderated platform, relative to a fully moderated one.", "Heyes 2018 (direction)",
                                   range=(0.5, 0.9), ge=0, le=1)
    reply_moderation: float = unc(0.3, "Rise in replies from no to full moderation (relative).", "Heyes 2018 (direction)", range=(0.1, 0.5), ge=0, le=1)
    offline_approach_confidence: float = unc(0.5, "Confidence needed to approach a stranger in person (below it, writing is a 'barrier overcome').",
                                             "Andersen et al. 2020 (route b); level assumed", range=(0.35, 0.65), ge=0, le=1)
    online_tie_hours: float = unc(3.0, "Hours of closeness of a new online tie (writing, not yet met).", range=(1.0, 6.0), gt=0, le=50)
    no_reply_rejection: float = unc(0.05, "Felt rejection of a message left unanswered.", range=(0.0, 0.15), ge=0, le=2)


class OnlineOffline(Section):
    MECHANISM: ClassVar[str] = "online to offline"
    match_base: float = unc(0.5, "Chance of a first meeting at match quality 0, relative to 0.5 + match quality.", range=(0.25, 1.0), ge=0, le=5)
    confidence_base: float = unc(0.5, "Meeting chance factor at zero confidence (x (base + weight * (confidence_a + confidence_b))).",
                                 range=(0.25, 1.0), ge=0, le=5)
    confidence_weight: float = unc(0.5, "Meeting chance factor per unit of the pair's summed confidence.", range=(0.25, 1.0), ge=0, le=5)
    bad_meeting: float = unc(0.3, "Chance a first meeting goes badly at match quality 0.", "Heyes 2018 (risks of meeting); size assumed",
                             range=(0.1, 0.5), ge=0, le=1)
    bad_meeting_reldiff: float = unc(0.5, "Extra chance (relative) of a bad meeting when either has earlier relational difficulties.",
                                     range=(0.0, 1.0), ge=0, le=5)
    bad_meeting_moderation: float = unc(0.3, "Cut in bad meetings from no to full moderation (relative).", range=(0.0, 0.6), ge=0, le=1)
    bad_meeting_rejection: float = unc(0.4, "Felt rejection of a first meeting that went badly.", range=(0.2, 0.8), ge=0, le=2)
    bad_meeting_trust_loss: float = unc(0.02, "Trust lost after a first meeting that went badly.", "Heyes 2018 (direction)", range=(0.0, 0.05), ge=0, le=1)


class SupportComponents(Section):
    MECHANISM: ClassVar[str] = "support"
    goal_setting: bool = lever(True, "Person-centred goal setting: support that starts from the client's own goals works better (x goal_setting_boost every week).", "Webber et al. 2015/2016 (seeds 002, 003)")
    digital_help: bool = lever(True, "Help to get online and use the platform.", "Andersen et al. 2020 (seed 000)")
    coaching: bool = lever(True, "Relational coaching: building confidence in meeting people.", "Webber et al. 2015 (seed 003)")
    accompany: bool = lever(True, "Going along to a first meeting or activity.", "Webber et al. 2015 (seed 003): practical support")
    activities_link: bool = lever(True, "Engagement through community activities.", "Webber et al. 2015 (seed 003)")
    bridging: bool = lever(True, "Introducing the client to the worker's own community contacts.", "Webber et al. 2015 (seed 003): creating new networks")
    existing_relationships: bool = lever(True, "Working with the client's existing relationships.", "Webber et al. 2015 (seed 003)")


class Support(Section):
    MECHANISM: ClassVar[str] = "support"
    workers: float = lever(0.0, "Support workers per 10,000 citizens (rounded to whole workers).", range=(0.0, 30.0), ge=0, le=1000)
    caseload: int = lever(15, "Clients per worker at one time.", range=(5, 30), ge=1, le=200)
    recommended_caseload: int = unc(15, "Caseload above which fidelity falls.", "NIHR SSCR 2021 CPI implementation study (direction); size assumed",
                                    range=(10, 25), ge=1, le=200)
    targeting: Literal[TARGETING_POLICIES] = lever("first_come", "Who workers take on first from the referral list.")
    duration_weeks: int = lever(16, "Weeks of support before moving on.", "Webber et al. 2019: CPI pilot ran ~9 months; assumed shorter",
                                range=(8, 40), ge=1, le=104)
    delivery_mode: Literal[DELIVERY_MODES] = lever("in_person", "How support is delivered.", "Hickey et al. 2023 (seed 004)")
    digital_training: bool = lever(False, "Workers trained to deliver support digitally.", "Hickey et al. 2023 (seed 004): 68.6% wanted training")
    fidelity: float = unc(0.75, "Average worker skill at delivering the Connecting People steps (0-1).",
                          "Webber et al. 2021: fidelity varied between teams; size assumed", range=(0.5, 0.95), ge=0, le=1)
    referral_rate: float = unc(0.05, "Weekly chance that a citizen in need is referred to support.", range=(0.02, 0.10), ge=0, le=1)
    components: SupportComponents = Field(default_factory=SupportComponents)
    skill_sd: float = unc(0.1, "Spread of worker skill around the average fidelity.", "Webber et al. 2021: fidelity varied between teams",
                          range=(0.0, 0.2), ge=0, le=1)
    worker_contacts: int = unc(20, "Settled, resourceful community contacts each worker knows (for bridging).", range=(5, 40), ge=1, le=500)
    contact_min_resources: int = unc(4, "Resources (of the 27) a worker's community contact holds at least.", range=(2, 8), ge=0, le=27)
    digitally_confident_share: float = unc(0.529, "Share of untrained workers confident in digital delivery.",
                                           "Hickey et al. 2023 (seed 004): 52.9% confident", range=(0.4, 0.65), ge=0, le=1)
    digital_confidence_trained: float = unc(0.9, "Digital-delivery confidence of a trained worker (0-1).", range=(0.75, 1.0), ge=0, le=1)
    digital_confidence_confident: float = unc(0.75, "Digital-delivery confidence of an untrained but confident worker.", range=(0.6, 0.9), ge=0, le=1)
    digital_confidence_unconfident: float = unc(0.35, "Digital-delivery confidence of an untrained, unconfident worker.", range=(0.2, 0.5), ge=0, le=1)
    digital_base: float = unc(0.4, "Effect of digital delivery at zero digital confidence, relative to in person.",
                              "Hickey et al. 2023 (direction); size assumed", range=(0.2, 0.6), ge=0, le=1)
    no_privacy_factor: float = unc(0.6, "Effect of digital delivery for a client without a private space, relative.",
                                   "Hickey et al. 2023: 68.6% name privacy as a barrier", range=(0.4, 0.8), ge=0, le=1)
    no_device_factor: float = unc(0.3, "Effect of digital delivery for a client without a device, relative.",
                                  "Hickey et al. 2023: 52.9% name Wi-Fi/devices as a barrier", range=(0.1, 0.5), ge=0, le=1)
    hybrid_in_person_share: float = unc(0.75, "Share of hybrid support delivered in person.", range=(0.5, 0.9), ge=0, le=1)
    accept_base: float = unc(0.5, "Chance that a referred citizen with no trust accepts support (rises to 1 with full trust).",
                             "Heyes 2018 (trust gates engagement); size assumed", range=(0.3, 0.7), ge=0, le=1)
    goal_setting_boost: float = unc(1.2, "Effectiveness multiplier of person-centred goal setting.", "Webber et al. 2016 (seed 002, direction)",
                                    range=(1.0, 1.5), ge=0, le=5)
    max_effectiveness: float = unc(1.5, "Cap on a worker's weekly effectiveness with one client.", range=(1.0, 2.0), gt=0, le=10)
    coaching_rate: float = unc(0.08, "Coaching a client accumulates per week per unit of effectiveness (0-1 scale).",
                               "Webber et al. 2015 (seed 003, direction); size assumed", range=(0.04, 0.15), ge=0, le=1)
    coaching_confidence: float = unc(0.02, "Confidence a client gains per week per unit of effectiveness from coaching.",
                                     range=(0.01, 0.04), ge=0, le=1)
    digital_help_rate: float = unc(0.04, "Digital literacy a client gains per week per unit of effectiveness.", range=(0.02, 0.08), ge=0, le=1)
    digital_help_cap: float = unc(0.4, "Most digital literacy that help can add.", range=(0.2, 0.6), ge=0, le=1)
    trust_gain: float = unc(0.01, "Trust a client gains per week per unit of effectiveness.", range=(0.0, 0.03), ge=0, le=1)
    bridging_rate: float = unc(0.1, "Weekly chance per unit of effectiveness that a worker introduces a client to one of their contacts.",
                               "Webber et al. 2015 (seed 003): creating new networks; size assumed", range=(0.05, 0.2), ge=0, le=1)


class Activities(Section):
    MECHANISM: ClassVar[str] = "activities and encounters"
    per_1000: float = unc(4.0, "Community activities per 1,000 citizens that exist anyway.", range=(2.0, 8.0), ge=0, le=100)
    new_per_1000: float = lever(0.0, "Extra community activities per 1,000 citizens funded by the intervention.", range=(0.0, 6.0), ge=0, le=100)
    size: int = unc(15, "Places per activity (those that exist anyway and those funded alike).", range=(6, 30), ge=2, le=500)
    join_rate: float = unc(0.01, "Weekly chance a citizen looks for an activity to join.", range=(0.005, 0.02), ge=0, le=1)
    attend_rate: float = unc(0.7, "Chance a member attends in a given week.", range=(0.5, 0.9), ge=0, le=1)
    join_confidence_base: float = unc(0.3, "Looking for an activity at zero confidence (x (base + confidence)).", range=(0.1, 0.6), ge=0, le=5)
    stigma_share: float = unc(0.5, "Share of the stigma weight that keeps a citizen with a mental-health condition from looking for an activity.",
                              "Heyes 2018 (direction)", range=(0.25, 1.0), ge=0, le=1)
    support_link_boost: float = unc(3.0, "Rise in looking for an activity per unit of a worker's effectiveness (activities link).",
                                    "Webber et al. 2015 (seed 003, direction); size assumed", range=(1.0, 5.0), ge=0, le=20)
    options_considered: int = unc(3, "Open activities a citizen looks at before choosing the best.", range=(1, 6), ge=1, le=50)
    accept_base: float = unc(0.5, "Chance a group accepts a newcomer who shares none of its interest.", range=(0.3, 0.7), ge=0, le=1)
    accept_interest: float = unc(0.5, "Extra chance of acceptance when the newcomer shares the group's interest.", range=(0.3, 0.7), ge=0, le=1)
    stigma_acceptance_divisor: float = unc(3.0, "Acceptance of a newcomer with a mental-health condition is cut by stigma / this (3: a third lower at stigma 1).",
                                           "Heyes 2018 (direction); size assumed", range=(2.0, 6.0), ge=1, le=100)
    leave_base: float = unc(0.02, "Weekly chance a member leaves their activity.", range=(0.01, 0.04), ge=0, le=1)
    leave_lonely: float = unc(0.05, "Extra weekly chance of leaving per unit of loneliness level.", "Hawkley & Cacioppo 2010 (withdrawal)",
                              range=(0.0, 0.1), ge=0, le=1)
    meetings_per_attendance: int = unc(2, "Co-attendees an attendee talks with each week.", range=(1, 4), ge=1, le=20)
    tie_chance: float = unc(0.3, "Chance that talking at an activity starts a tie (x (tie_match_base + q)(tie_confidence_base + confidence)).", range=(0.15, 0.5), ge=0, le=1)
    tie_match_base: float = unc(0.5, "Tie chance factor at match quality 0 at an activity or a chance meeting (x (base + q)).",
                                range=(0.25, 1.0), ge=0, le=5)
    tie_confidence_base: float = unc(0.5, "Tie chance factor at zero confidence of the one who speaks first (x (base + confidence)).",
                                     range=(0.25, 1.0), ge=0, le=5)
    encounter_tie_chance: float = unc(0.15, "Chance that a chance meeting starts a tie (x q (tie_confidence_base + confidence)).",
                                      "Asikainen et al. 2020 (homophily); size assumed", range=(0.05, 0.3), ge=0, le=1)
    reconnection_drive: float = unc(2.0, "Rise in chance meetings per unit of unmet need to belong (loneliness as a signal to reconnect).",
                                    "Cacioppo & Hawkley 2009 (direction); size assumed", range=(0.0, 4.0), ge=0, le=20)


class Devices(Section):
    MECHANISM: ClassVar[str] = "support"
    per_1000: float = lever(0.0, "Devices with data plans given out per 1,000 citizens.", "lever; Hickey et al. 2023: 52.9% name Wi-Fi/devices as a barrier",
                            range=(0.0, 60.0), ge=0, le=1000)
    target: Literal[DEVICE_TARGETS] = lever("clients", "Who receives devices: supported clients first, or anyone without one.")


class Ties(Section):
    MECHANISM: ClassVar[str] = "ties"
    decay_per_year: float = unc(0.15, "Loss of closeness per year a friendship fades without contact (weekly contact adds it back).",
                                "Roberts & Dunbar 2011, 2015", range=(0.05, 0.30), ge=0, le=0.99)
    kin_decay_ratio: float = unc(0.5, "Kin lose closeness at this fraction of the friends' rate.", "Roberts & Dunbar 2011: kin decay slower",
                                 range=(0.25, 0.75), ge=0, le=1)
    weak_decay_per_week: float = unc(0.03, "Weekly fading of acquaintances (below casual friend) without contact.", range=(0.01, 0.06), ge=0, le=1)
    weak_decay_hours: float = unc(25.0, "Closeness (hours) over which the fading of acquaintances falls by a factor e.", range=(10.0, 50.0), ge=1, le=400)
    hours_per_meeting: float = unc(2.5, "Hours added to a tie by one face-to-face meeting.", "Hall 2018: ~50 h casual friend, ~90 h friend, 200 h close friend",
                                   range=(1.5, 4.0), gt=0, le=24)
    weekly_social_hours: float = unc(16.0, "Hours a week a citizen can give to their ties (capacity).", "Hill & Dunbar 2003 (layered capacity); size assumed",
                                     range=(8.0, 24.0), gt=0, le=80)
    trial_weeks: int = unc(12, "Weeks a new tie is on trial: it breaks more easily.", "Vergara Hidd et al. 2023: early tie survival", range=(6, 20), ge=1, le=104)
    early_break: float = unc(0.06, "Weekly chance a new tie breaks during its trial at match quality 0.", "Vergara Hidd et al. 2023 (shape); size assumed",
                             range=(0.02, 0.12), ge=0, le=1)
    fragility: float = unc(0.5, "Extra tie breaking for people with earlier relational difficulties (relative).", "Andersen et al. 2020 (seed 000)",
                           range=(0.2, 1.0), ge=0, le=5)
    encounter_rate: float = unc(0.05, "Weekly chance of a chance meeting in the neighbourhood, before withdrawal and the reconnection drive (x (1 + reconnection_drive * unmet need)).",
                                "Jin, Girvan & Newman 2001", range=(0.02, 0.10), ge=0, le=1)
    introduction_rate: float = unc(0.03, "Weekly chance a friend introduces the citizen to one of their friends.", "Jackson & Rogers 2007",
                                   range=(0.01, 0.06), ge=0, le=1)
    introduction_acceptance: float = unc(0.3, "Chance an introduction starts a tie (x (introduction_match_base + q)).", "Jackson & Rogers 2007 (mechanism); size assumed",
                                         range=(0.15, 0.5), ge=0, le=1)
    introduction_match_base: float = unc(0.5, "Introduction tie chance factor at match quality 0 (x (base + q)).", range=(0.25, 1.0), ge=0, le=5)
    close_friend_hours: float = unc(200.0, "Closeness (hours) at which a tie counts fully: a close friend (closeness, contact and turnover scale with hours / this).",
                                    "Hall 2018: >200 h close friend", range=(150.0, 250.0), gt=2, le=400)
    max_hours: float = unc(400.0, "Most closeness a tie can hold (hours).", range=(300.0, 400.0), gt=2, le=400)
    break_hours: float = unc(2.0, "A tie that fades below this closeness (hours) has ended.", range=(1.0, 4.0), gt=0, le=50)
    contact_base: float = unc(0.05, "Weekly chance of contact on the weakest tie.", "Dunbar: outer layers are seen rarely", range=(0.02, 0.1), ge=0, le=1)
    contact_closeness: float = unc(0.85, "Extra weekly chance of contact at full closeness (x sqrt(closeness)).",
                                   "Dunbar: the closest are seen weekly", range=(0.7, 0.95), ge=0, le=1)
    contact_trial_match: float = unc(0.6, "Extra weekly chance of contact per unit of match quality while on trial (a good match wants to meet again).",
                                     "Hall 2018 (direction)", range=(0.3, 0.9), ge=0, le=2)
    contact_helped: float = unc(0.15, "Extra weekly chance of contact per unit of a worker's effectiveness (existing relationships).",
                                "Webber et al. 2015 (seed 003)", range=(0.05, 0.3), ge=0, le=1)
    trial_gain_match: float = unc(2.0, "Extra hours per meeting while on trial, per unit of match quality (relative): new friends spend long hours together.",
                                  "Hall 2018: ~40-60 h in the first weeks", range=(1.0, 3.0), ge=0, le=10)
    online_contact_hours: float = unc(0.5, "Hours added by a week's contact between two who never met (writing).", range=(0.25, 1.0), ge=0, le=10)
    turnover_close: float = unc(0.025, "Yearly chance that a close tie ends for no other reason.", "Roy et al. 2022: 1-4% a year of closest ties",
                                range=(0.01, 0.04), ge=0, le=1)
    turnover_outer: float = unc(0.25, "Extra yearly chance of ending for the weakest tie (outer layers turn over faster).", "Roy et al. 2022 (direction)",
                                range=(0.1, 0.4), ge=0, le=1)
    withdrawal_break: float = unc(0.003, "Weekly chance of a tie breaking per unit of loneliness level at either end (withdrawal, M7).",
                                  "Hawkley & Cacioppo 2010 (direction); size assumed", range=(0.0, 0.006), ge=0, le=0.1)
    kin_break_ratio: float = unc(0.1, "Kin break at this fraction of the rate of friends (estrangement is rarer than friendships fading).",
                                 range=(0.0, 0.3), ge=0, le=1)
    loss_hurt: float = unc(0.3, "Felt rejection of losing a close friend (x sqrt(closeness)).", "Hawkley & Cacioppo 2010 (direction)",
                           range=(0.1, 0.5), ge=0, le=2)


class Loneliness(Section):
    MECHANISM: ClassVar[str] = "outcomes"
    wanted_base: float = unc(1.0, "Relationships wanted by someone with no need to belong (closeness units).",
                             "Perlman & Peplau (discrepancy); size assumed", range=(0.5, 2.0), ge=0, le=20)
    wanted_per_need: float = unc(6.0, "Relationships wanted per unit of need to belong (W = base + this * need).",
                                 "Perlman & Peplau (discrepancy); size assumed", range=(3.0, 9.0), ge=0, le=40)
    group_membership_weight: float = unc(0.5, "Closeness units that membership of a community group adds to actual relationships.",
                                         "M14 (accepted group membership); size assumed", range=(0.25, 1.0), ge=0, le=5)
    gap_weight: float = unc(0.6, "Weight of the gap between wanted and actual relationships in latent loneliness.",
                            "Perlman & Peplau (discrepancy); calibrated to prevalence", range=(0.4, 0.8), ge=0, le=5)
    shock_persistence: float = unc(0.9, "Week-to-week persistence of the loneliness shock (AR(1)).", "Hill et al. 2010 (onset and recovery); calibrated",
                                   range=(0.8, 0.97), ge=0, lt=1)
    shock_sd: float = unc(0.05, "Weekly size of the loneliness shock (latent units).", "calibrated to prevalence stability", range=(0.02, 0.1), ge=0, le=1)
    contagion_reference: float = unc(0.1, "Lonely share of close contacts at which contagion pulls neither way (and assumed for someone with none).",
                                     "Cacioppo, Fowler & Christakis 2009 (prevalence ~10%)", range=(0.05, 0.2), ge=0, le=1)
    kin_contact_weight: float = unc(0.5, "Weight of a close kin tie among the close contacts whose loneliness pulls (friends count 1).",
                                    "Cacioppo, Fowler & Christakis 2009: spreads through friends more than kin; size assumed",
                                    range=(0.25, 1.0), ge=0, le=1)
    rejection_weight: float = unc(0.15, "Weight of felt rejection in latent loneliness.", "Hawkley & Cacioppo 2010", range=(0.05, 0.3), ge=0, le=2)
    rejection_cap: float = unc(2.0, "Felt rejection beyond which loneliness rises no further.", range=(1.0, 3.0), ge=0, le=10)
    rejection_fade: float = unc(0.85, "Share of felt rejection left after a week.", range=(0.7, 0.95), ge=0, lt=1)
    confidence_recovery: float = unc(0.02, "Share of the way back to base confidence made each week.", range=(0.01, 0.05), ge=0, le=1)
    ucla_centre: float = unc(4.4, "UCLA-3 score at latent loneliness 0 (UCLA-3 = round(centre + slope * latent)).",
                             "calibrated: 8-13% lonely (DEFACTUM 2020; JRC 2022)", range=(4.0, 4.8), ge=3, le=9)
    ucla_slope: float = unc(4.0, "UCLA-3 points per unit of latent loneliness.", "calibrated: 8-13% lonely (DEFACTUM 2020; JRC 2022)",
                            range=(3.0, 5.0), gt=0, le=20)


class Outcomes(Section):
    MECHANISM: ClassVar[str] = "outcomes"
    acceptance_weight: float = unc(0.7, "Weight of actual against wanted relationships in belonging (0-1 scale).",
                                   "Malone et al. 2012 (acceptance and rejection); size assumed", range=(0.5, 0.9), ge=0, le=1)
    membership_belonging: float = unc(0.1, "Belonging (0-1 scale) that membership of a community group adds.", range=(0.0, 0.2), ge=0, le=1)
    rejection_belonging: float = unc(0.15, "Belonging (0-1 scale) lost per unit of felt rejection.", "Malone et al. 2012 (rejection)",
                                     range=(0.05, 0.3), ge=0, le=1)
    wellbeing_belonging: float = unc(5.0, "SWEMWBS points per unit of belonging (0-1 scale).", "calibrated to SWEMWBS mean (Ng Fat et al. 2017)",
                                     range=(2.5, 7.5), ge=0, le=28)
    wellbeing_belonging_reference: float = unc(0.6, "Belonging (0-1) at which it neither raises nor lowers wellbeing.", range=(0.5, 0.7), ge=0, le=1)
    wellbeing_loneliness: float = unc(1.3, "SWEMWBS points lost per UCLA-3 point.", "calibrated to SWEMWBS mean (Ng Fat et al. 2017)",
                                      range=(0.8, 1.8), ge=0, le=28)
    wellbeing_loneliness_reference: float = unc(4.5, "UCLA-3 score at which loneliness neither raises nor lowers wellbeing.", range=(4.0, 5.0), ge=3, le=9)
    resource_hours: float = unc(5.0, "Closeness (hours) of someone one knows well enough to ask (Resource Generator-UK: anyone the citizen knows counts).",
                                "Webber & Huxley 2007 (instrument); threshold assumed", range=(2.0, 20.0), gt=0, le=400)
    seen_hours: float = unc(20.0, "Closeness (hours) of someone seen or heard from monthly (LSNS-6 item 1; network size).",
                            "Hall 2018 scale; mapping assumed", range=(10.0, 30.0), gt=0, le=400)
    help_hours: float = unc(50.0, "Closeness (hours) of someone one could call on for help (LSNS-6 item 2; the close contacts of contagion).",
                            "Hall 2018: ~50 h casual friend", range=(35.0, 70.0), gt=0, le=400)
    confide_hours: float = unc(90.0, "Closeness (hours) of someone one could confide in (LSNS-6 item 3).", "Hall 2018: ~90 h friend",
                               range=(70.0, 120.0), gt=0, le=400)


class Effects(Section):
    MECHANISM: ClassVar[str] = "effects across mechanisms"
    online_conversion: float = unc(0.2, "Weekly chance an online contact turns into a first meeting (at match quality 0.5).",
                                   "assumption; Andersen et al. 2020 direction", range=(0.1, 0.3), ge=0, le=1)
    reldiff_conversion_penalty: float = unc(0.5, "Relative cut in conversion and replies after earlier relational difficulties.",
                                            "Andersen et al. 2020 (seed 000); size assumed", range=(0.25, 0.75), ge=0, le=1)
    coaching_softens_reldiff: float = unc(0.6, "Share of that cut which full relational coaching removes.", "Webber et al. 2015 (seed 003, direction); size assumed",
                                          range=(0.3, 0.9), ge=0, le=1)
    rejection_confidence_hit: float = unc(0.03, "Confidence lost per rejection.", "Andersen et al. 2020; Hawkley & Cacioppo 2010",
                                          range=(0.01, 0.06), ge=0, le=1)
    reldiff_rejection_extra: float = unc(1.0, "Extra confidence lost per rejection after earlier relational difficulties (relative).",
                                         "Andersen et al. 2020 (direction); size assumed", range=(0.5, 2.0), ge=0, le=10)
    moderation_softens_rejection: float = unc(0.5, "Share of felt rejection and lost confidence that full moderation takes away.",
                                              "Heyes 2018 (direction); size assumed", range=(0.25, 0.75), ge=0, le=1)
    withdrawal: float = unc(0.4, "How much loneliness cuts contact, replies and new ties (withdrawal loop).", "Hawkley & Cacioppo 2010; Fontanari 2021",
                            range=(0.2, 0.6), ge=0, le=1)
    spread: float = unc(0.15, "Pull of lonely close contacts (ties of at least outcomes.help_hours, kin weighted by loneliness.kin_contact_weight) on a citizen's loneliness.",
                        "Cacioppo, Fowler & Christakis 2009", range=(0.05, 0.30), ge=0, le=2)
    support_effect: float = unc(1.0, "Scale of all support components' effects.", "Webber et al. 2019/2021 (direction; effect sizes uncertain)",
                                range=(0.5, 1.5), ge=0, le=3)
    online_tie_weight: float = unc(0.5, "Weight of a tie never met face to face in belonging.", "Naslund et al. 2016; Heyes 2018",
                                   range=(0.25, 0.75), ge=0, le=1)
    stigma_weight: float = unc(0.6, "How much stigma lowers help-seeking and joining.", "Heyes 2018 (seed 001); Corrigan et al. 2005",
                               range=(0.3, 0.9), ge=0, le=1)


class Costs(Section):
    MECHANISM: ClassVar[str] = "costs"
    worker_week: float = unc(900.0, "Cost of one support worker for one week.", "assumption (PSSRU unit costs order of magnitude)",
                             range=(600.0, 1200.0), ge=0, le=1e6)
    device: float = unc(350.0, "Cost of one device with a year's data.", range=(200.0, 500.0), ge=0, le=1e6)
    training_per_worker: float = unc(1200.0, "Cost of digital-delivery training per worker.", range=(600.0, 2000.0), ge=0, le=1e7)
    activity_week: float = unc(150.0, "Cost of running one new community activity for a week.", range=(75.0, 300.0), ge=0, le=1e6)
    platform_week: float = unc(2000.0, "Fixed cost of running the platform per week.", range=(1000.0, 4000.0), ge=0, le=1e7)
    platform_user_week: float = unc(0.5, "Cost per active platform user per week.", range=(0.1, 1.0), ge=0, le=1e4)
    outreach_week: float = unc(1500.0, "Cost of a week of full outreach (scaled by effort).", range=(750.0, 3000.0), ge=0, le=1e7)


class Scenario(Section):
    name: str = Field("custom", description="Short name of the scenario.")
    description: str = Field("", description="One paragraph on what the scenario represents.")
    run: Run = Field(default_factory=Run)
    population: Population = Field(default_factory=Population)
    network: Network = Field(default_factory=Network)
    platform: Platform = Field(default_factory=Platform)
    onboarding: Onboarding = Field(default_factory=Onboarding)
    platform_use: PlatformUse = Field(default_factory=PlatformUse)
    matching: Matching = Field(default_factory=Matching)
    reaching_out: ReachingOut = Field(default_factory=ReachingOut)
    online_offline: OnlineOffline = Field(default_factory=OnlineOffline)
    support: Support = Field(default_factory=Support)
    activities: Activities = Field(default_factory=Activities)
    devices: Devices = Field(default_factory=Devices)
    ties: Ties = Field(default_factory=Ties)
    loneliness: Loneliness = Field(default_factory=Loneliness)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    effects: Effects = Field(default_factory=Effects)
    costs: Costs = Field(default_factory=Costs)


def lever_conflicts(sc: Scenario) -> dict[str, str]:
    """Combinations of levers that cannot work as meant: {dotted key: why, and what would}.

    They are not errors (a sweep may well pass through them, and the model runs them
    as stated); the dashboard marks them next to the control and the CLI warns.
    """
    out = {}
    d, s, p = sc.devices, sc.support, sc.platform
    if d.per_1000 > 0 and d.target == "clients" and (s.workers == 0 or s.targeting == "none"):
        out["devices.target"] = (
            f"devices go to supported clients, but no one is supported (support.workers = {s.workers}, "
            f"support.targeting = {s.targeting!r}): the {d.per_1000} devices per 1,000 stay in the cupboard; "
            "add workers or give devices to everyone")
    if s.workers > 0 and s.targeting == "none":
        out["support.targeting"] = (
            f"{s.workers} workers per 10,000 are never deployed: targeting 'none' takes no one on "
            "(their training, if any, is still paid); choose a targeting policy or set support.workers = 0")
    if p.enabled and p.outreach_effort == 0 and not (s.workers > 0 and s.components.digital_help and s.targeting != "none"):
        out["platform.outreach_effort"] = (
            "the platform runs but no one hears of it: outreach_effort is 0 and no worker gives digital help")
    return out


def parameter_table() -> list[dict]:
    """Every scenario parameter as a row: dotted key, default, type, bounds, description,
    source, role (lever / uncertainty / setting), range ([low, high] that analyses explore,
    None for choices and switches), section and mechanism (the one that reads it)."""
    rows = []

    def walk(model_cls, prefix):
        for name, field in model_cls.model_fields.items():
            ann = field.annotation
            if isinstance(ann, type) and issubclass(ann, Section):
                walk(ann, f"{prefix}{name}.")
                continue
            if prefix == "":
                continue
            bounds = {m.__class__.__name__.lower(): getattr(m, m.__class__.__name__.lower()) for m in field.metadata
                      if m.__class__.__name__ in ("Ge", "Le", "Gt", "Lt")}
            extra = field.json_schema_extra or {}
            rows.append({
                "key": prefix + name,
                "default": field.default,
                "type": getattr(ann, "__name__", str(ann)),
                "bounds": bounds,
                "description": field.description or "",
                "source": extra.get("src", "assumption"),
                "role": extra.get("role", "uncertainty"),
                "range": list(extra["range"]) if extra.get("range") is not None else None,
                "section": prefix[:-1],
                "mechanism": model_cls.MECHANISM,
            })

    walk(Scenario, "")
    return rows


def parameters_by_role(role: str) -> list[dict]:
    """The rows of parameter_table() with one role ("lever", "uncertainty" or "setting")."""
    if role not in ROLES:
        raise ValueError(f"role {role!r}: allowed {', '.join(ROLES)}")
    return [r for r in parameter_table() if r["role"] == role]
