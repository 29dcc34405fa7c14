"""The one scenario schema shared by the CLI, the experiments and the dashboard.

Every field carries a description and, where one exists, the source of its
default (`src`), so that the dashboard can show it on hover and docs/ODD.md can
list it. Sections are strict: an unknown key, a wrong type or an out-of-range
value is an error, never silently coerced.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


def P(default, description, src="assumption", **bounds):
    """A scenario parameter: default, bounds, a one-line explanation and its source."""
    return Field(default, description=description, json_schema_extra={"src": src}, **bounds)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=True, allow_inf_nan=False)


class Run(Section):
    citizens: int = P(2000, "Number of citizens simulated.", ge=10, le=5_000_000)
    weeks: int = P(52, "Length of the intervention period in weeks (one step is one week).", ge=1, le=520)
    burn_in: int = P(26, "Weeks the network settles without any intervention before the intervention starts.", ge=0, le=520)
    seed: int = P(42, "Seed of the model's random generator: same scenario and seed, same numbers.", ge=0, le=2**63 - 1)


class Population(Section):
    share_low_literacy: float = P(
        0.18, "Share of citizens with low digital literacy.",
        "Statistics Denmark 2023: 18% of 15-89 year olds are digitally challenged", ge=0, le=1)
    share_relational_difficulties: float = P(
        0.20, "Share of citizens with earlier relational difficulties.",
        "assumption; Andersen et al. 2020 name the group but give no size", ge=0, le=1)
    share_mh_condition: float = P(
        0.10, "Share of citizens with a mental-health condition.",
        "WHO 2015 via Heyes 2018 (seed 001): about 1 in 10", ge=0, le=1)
    share_no_device: float = P(
        0.10, "Share of citizens without a usable device or Wi-Fi at home.",
        "Statistics Denmark 2023: 10% lack skills/means to use the internet", ge=0, le=1)
    share_no_privacy: float = P(
        0.25, "Share of citizens without a private space at home for a conversation.",
        "assumption; Hickey et al. 2023 (seed 004): 68.6% of practitioners name privacy as a barrier", ge=0, le=1)
    mean_need_to_belong: float = P(0.5, "Average need to belong (0-1).", "assumption (Baumeister & Leary 1995 construct)", ge=0.05, le=0.95)
    mean_confidence: float = P(0.5, "Average social confidence in approaching new people (0-1).", ge=0.05, le=0.95)
    mean_stigma: float = P(0.3, "Average perceived stigma of seeking support (0-1).", "assumption; direction from Heyes 2018 (seed 001)", ge=0, le=1)
    mean_trust: float = P(0.6, "Average trust in services and platforms (0-1).", "assumption; direction from Heyes 2018 (seed 001)", ge=0, le=1)
    neighbourhood_size: int = P(500, "Citizens per neighbourhood (shared everyday settings).", ge=10, le=100_000)
    initial_ties: float = P(
        7.0, "Mean number of ties a citizen starts with (the sympathy layer).",
        "Hill & Dunbar 2003: layers of ~5 / 15; the model keeps the inner ~15", ge=0, le=40)


class Platform(Section):
    enabled: bool = P(False, "Whether the citizen-to-citizen platform runs during the intervention.", "Andersen et al. 2020 (seed 000)")
    matching_policy: Literal[MATCHING_POLICIES] = P(
        "relational_match", "How the platform chooses whom to suggest.", "Andersen et al. 2020 (seed 000), routes (a) and (c)")
    suggestions_per_week: int = P(3, "Contact suggestions each active user receives per week.", ge=0, le=50)
    outreach_effort: float = P(0.5, "How hard the municipality promotes the platform (0 none, 1 a full campaign).", ge=0, le=1)
    moderation: float = P(0.5, "Moderation and safety work on the platform (0-1): raises replies and softens rejection.", "Heyes 2018 (seed 001): trust decides much", ge=0, le=1)
    join_rate: float = P(0.02, "Weekly chance that a reached, able, willing citizen signs up at full outreach.", ge=0, le=1)
    dropout_first_week: float = P(
        0.32, "Chance an active user drops out in their first week.",
        "Hurmuz et al.: 32.2% dropped in week 1", ge=0, le=1)
    dropout_long_run: float = P(0.03, "Weekly dropout chance once use has settled.", "calibrated: Hurmuz et al. 45.6% still using at 4 weeks", ge=0, le=1)
    dropout_decay_weeks: float = P(2.2, "Time constant (weeks) of the front-loaded dropout hazard.", "calibrated to Hurmuz et al.: 32% out in week 1, 45.6% still using at 4 weeks (model, platform_only, seeds 1-5: 31.1%, 45.6%)", gt=0, le=52)
    skills_dropout_ratio: float = P(0.69, "Dropout hazard ratio of high vs low digital literacy.", "Hurmuz et al.: computer skills HR 0.69", gt=0, le=2)
    barrier_lowering: float = P(
        0.3, "How much writing online lowers the confidence needed for a first approach (route b).",
        "Andersen et al. 2020 (seed 000), route (b); size assumed", ge=0, le=1)


class SupportComponents(Section):
    goal_setting: bool = P(True, "Person-centred goal setting: support that starts from the client's own goals works better (x1.2 every week).", "Webber et al. 2015/2016 (seeds 002, 003)")
    digital_help: bool = P(True, "Help to get online and use the platform.", "Andersen et al. 2020 (seed 000)")
    coaching: bool = P(True, "Relational coaching: building confidence in meeting people.", "Webber et al. 2015 (seed 003)")
    accompany: bool = P(True, "Going along to a first meeting or activity.", "Webber et al. 2015 (seed 003): practical support")
    activities_link: bool = P(True, "Engagement through community activities.", "Webber et al. 2015 (seed 003)")
    bridging: bool = P(True, "Introducing the client to the worker's own community contacts.", "Webber et al. 2015 (seed 003): creating new networks")
    existing_relationships: bool = P(True, "Working with the client's existing relationships.", "Webber et al. 2015 (seed 003)")


class Support(Section):
    workers: float = P(0.0, "Support workers per 10,000 citizens (rounded to whole workers).", "lever", ge=0, le=1000)
    caseload: int = P(15, "Clients per worker at one time.", "lever", ge=1, le=200)
    recommended_caseload: int = P(15, "Caseload above which fidelity falls.", "NIHR SSCR 2021 CPI implementation study (direction); size assumed", ge=1, le=200)
    targeting: Literal[TARGETING_POLICIES] = P("first_come", "Who workers take on first from the referral list.", "lever")
    duration_weeks: int = P(16, "Weeks of support before moving on.", "Webber et al. 2019: CPI pilot ran ~9 months; assumed shorter", ge=1, le=104)
    delivery_mode: Literal[DELIVERY_MODES] = P("in_person", "How support is delivered.", "Hickey et al. 2023 (seed 004)")
    digital_training: bool = P(False, "Workers trained to deliver support digitally.", "Hickey et al. 2023 (seed 004): 68.6% wanted training")
    fidelity: float = P(0.75, "Average worker skill at delivering the Connecting People steps (0-1).", "Webber et al. 2021: fidelity varied between teams; size assumed", ge=0, le=1)
    referral_rate: float = P(0.05, "Weekly chance that a citizen in need is referred to support.", ge=0, le=1)
    components: SupportComponents = Field(default_factory=SupportComponents)


class Activities(Section):
    per_1000: float = P(4.0, "Community activities per 1,000 citizens that exist anyway.", ge=0, le=100)
    new_per_1000: float = P(0.0, "Extra community activities per 1,000 citizens funded by the intervention.", "lever", ge=0, le=100)
    size: int = P(15, "Places per activity.", ge=2, le=500)
    join_rate: float = P(0.01, "Weekly chance a citizen looks for an activity to join.", ge=0, le=1)
    attend_rate: float = P(0.7, "Chance a member attends in a given week.", ge=0, le=1)


class Devices(Section):
    per_1000: float = P(0.0, "Devices with data plans given out per 1,000 citizens.", "lever; Hickey et al. 2023: 52.9% name Wi-Fi/devices as a barrier", ge=0, le=1000)
    target: Literal[DEVICE_TARGETS] = P("clients", "Who receives devices: supported clients first, or anyone without one.")


class Ties(Section):
    decay_per_year: float = P(0.15, "Loss of closeness per year a friendship fades without contact (weekly contact adds it back).", "Roberts & Dunbar 2011, 2015", ge=0, le=0.99)
    kin_decay_ratio: float = P(0.5, "Kin lose closeness at this fraction of the friends' rate.", "Roberts & Dunbar 2011: kin decay slower", ge=0, le=1)
    weak_decay_per_week: float = P(0.03, "Weekly fading of acquaintances (below casual friend) without contact.", ge=0, le=1)
    hours_per_meeting: float = P(2.5, "Hours added to a tie by one face-to-face meeting.", "Hall 2018: ~50 h casual friend, ~90 h friend, 200 h close friend", gt=0, le=24)
    weekly_social_hours: float = P(16.0, "Hours a week a citizen can give to their ties (capacity).", "Hill & Dunbar 2003 (layered capacity); size assumed", gt=0, le=80)
    trial_weeks: int = P(12, "Weeks a new tie is on trial: it breaks more easily.", "Vergara Hidd et al. 2023: early tie survival", ge=1, le=104)
    early_break: float = P(0.06, "Weekly chance a new tie breaks during its trial at match quality 0.", "Vergara Hidd et al. 2023 (shape); size assumed", ge=0, le=1)
    fragility: float = P(0.5, "Extra tie breaking for people with earlier relational difficulties (relative).", "Andersen et al. 2020 (seed 000)", ge=0, le=5)
    encounter_rate: float = P(0.05, "Weekly chance of a chance meeting in the neighbourhood, before withdrawal and the reconnection drive (x (1 + 2 unmet need)).", "Jin, Girvan & Newman 2001", ge=0, le=1)
    introduction_rate: float = P(0.03, "Weekly chance a friend introduces the citizen to one of their friends.", "Jackson & Rogers 2007", ge=0, le=1)


class Effects(Section):
    online_conversion: float = P(0.2, "Weekly chance an online contact turns into a first meeting (at match quality 0.5).", "assumption; Andersen et al. 2020 direction", ge=0, le=1)
    reldiff_conversion_penalty: float = P(0.5, "Relative cut in conversion and replies after earlier relational difficulties.", "Andersen et al. 2020 (seed 000); size assumed", ge=0, le=1)
    rejection_confidence_hit: float = P(0.03, "Confidence lost per rejection.", "Andersen et al. 2020; Hawkley & Cacioppo 2010", ge=0, le=1)
    withdrawal: float = P(0.4, "How much loneliness cuts contact, replies and new ties (withdrawal loop).", "Hawkley & Cacioppo 2010; Fontanari 2021", ge=0, le=1)
    spread: float = P(0.15, "Pull of lonely close contacts (ties of at least 50 h, kin counting half) on a citizen's loneliness.", "Cacioppo, Fowler & Christakis 2009", ge=0, le=2)
    support_effect: float = P(1.0, "Scale of all support components' effects.", "Webber et al. 2019/2021 (direction; effect sizes uncertain)", ge=0, le=3)
    online_tie_weight: float = P(0.5, "Weight of a tie never met face to face in belonging.", "Naslund et al. 2016; Heyes 2018", ge=0, le=1)
    stigma_weight: float = P(0.6, "How much stigma lowers help-seeking and joining.", "Heyes 2018 (seed 001); Corrigan et al. 2005", ge=0, le=1)


class Costs(Section):
    worker_week: float = P(900.0, "Cost of one support worker for one week.", "assumption (PSSRU unit costs order of magnitude)", ge=0)
    device: float = P(350.0, "Cost of one device with a year's data.", ge=0)
    training_per_worker: float = P(1200.0, "Cost of digital-delivery training per worker.", ge=0)
    activity_week: float = P(150.0, "Cost of running one new community activity for a week.", ge=0)
    platform_week: float = P(2000.0, "Fixed cost of running the platform per week.", ge=0)
    platform_user_week: float = P(0.5, "Cost per active platform user per week.", ge=0)
    outreach_week: float = P(1500.0, "Cost of a week of full outreach (scaled by effort).", ge=0)


class Scenario(Section):
    name: str = Field("custom", description="Short name of the scenario.")
    description: str = Field("", description="One paragraph on what the scenario represents.")
    run: Run = Field(default_factory=Run)
    population: Population = Field(default_factory=Population)
    platform: Platform = Field(default_factory=Platform)
    support: Support = Field(default_factory=Support)
    activities: Activities = Field(default_factory=Activities)
    devices: Devices = Field(default_factory=Devices)
    ties: Ties = Field(default_factory=Ties)
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
    """Every scenario parameter as a row: dotted key, default, bounds, description, source."""
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
            rows.append({
                "key": prefix + name,
                "default": field.default,
                "type": getattr(ann, "__name__", str(ann)),
                "bounds": bounds,
                "description": field.description or "",
                "source": (field.json_schema_extra or {}).get("src", "assumption"),
            })

    walk(Scenario, "")
    return rows
