"""The one vocabulary of the model: outcomes, subgroups, mechanism flags, event kinds and states.

sim, the experiments, the dashboard and the CLI all take their words from here, so an
outcome's label, unit and direction, a subgroup's words or an event's name are written
once. Event kinds and states are enums: a typo is an AttributeError, not a silent new
kind. EventKind is a StrEnum, so a recorded kind still equals its plain string (stored
results and the workshop's texts keep working).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


@dataclass(frozen=True)
class Outcome:
    name: str
    label: str
    unit: str
    share: bool            # a share of citizens (0-1), shown as a percentage
    lower_is_better: bool
    words: str             # how a sentence names it: "cut {words} by 3.1 points"


OUTCOME_SPECS: tuple[Outcome, ...] = (
    Outcome("loneliness", "Loneliness (UCLA-3, 3-9)", "UCLA-3 score, 3-9", False, True,
            "loneliness (UCLA-3)"),
    Outcome("lonely_share", "Lonely share (UCLA-3 >= 6)", "share of citizens", True, True,
            "the lonely share"),
    Outcome("wellbeing", "Wellbeing (SWEMWBS, 7-35)", "SWEMWBS score, 7-35", False, False,
            "wellbeing (SWEMWBS)"),
    Outcome("belonging", "Belonging (GBS, 12-84)", "General Belongingness Scale score, 12-84", False, False,
            "belonging"),
    Outcome("lsns", "Social network (LSNS-6, 0-30)", "LSNS-6 score, 0-30", False, False,
            "social network (LSNS-6)"),
    Outcome("isolated_share", "Isolated share (LSNS-6 < 12)", "share of citizens", True, True,
            "the isolated share"),
    Outcome("network_size", "Network size (ties)", "people seen or heard from monthly", False, False,
            "network size"),
    Outcome("social_capital", "Social capital (0-27)", "resources reachable through anyone known (Resource Generator-UK), 0-27", False, False,
            "social capital"),
)
OUTCOME = {o.name: o for o in OUTCOME_SPECS}
OUTCOMES: tuple[str, ...] = tuple(o.name for o in OUTCOME_SPECS)
SHARE_OUTCOMES: tuple[str, ...] = tuple(o.name for o in OUTCOME_SPECS if o.share)
OUTCOME_LABELS: dict[str, str] = {o.name: o.label for o in OUTCOME_SPECS}
OUTCOME_UNITS: dict[str, str] = {o.name: o.unit for o in OUTCOME_SPECS}
OUTCOME_WORDS: dict[str, str] = {o.name: o.words for o in OUTCOME_SPECS}
LOWER_IS_BETTER: tuple[str, ...] = tuple(o.name for o in OUTCOME_SPECS if o.lower_is_better)

# Subgroups of the CMO table: key -> (word for True / the group, word for the rest).
SUBGROUPS: dict[str, tuple[str, str]] = {
    "digital_literacy": ("low", "high"),
    "relational_history": ("difficulties", "secure"),
    "supported": ("yes", "no"),
}
SUBGROUP_KEYS: tuple[str, ...] = tuple(SUBGROUPS)
SUBGROUP_LABELS: dict[str, str] = {
    "digital_literacy": "Digital literacy",
    "relational_history": "Relational history",
    "supported": "Supported",
}
ALL = "all"     # the level of a subgroup key in a row that pools its levels (a margin, the population)
# Each level in words: a short label (charts, tables) ...
SUBGROUP_LEVEL_LABELS: dict[tuple[str, str], str] = {
    ("digital_literacy", "low"): "low digital literacy",
    ("digital_literacy", "high"): "high digital literacy",
    ("relational_history", "difficulties"): "earlier relational difficulties",
    ("relational_history", "secure"): "secure relational history",
    ("supported", "yes"): "supported",
    ("supported", "no"): "not supported",
}
# ... and the citizens it names in a sentence about a scenario ("it" is the scenario: supported
# means supported in that scenario)
SUBGROUP_CITIZENS: dict[tuple[str, str], str] = {
    ("digital_literacy", "low"): "citizens with low digital literacy",
    ("digital_literacy", "high"): "citizens with high digital literacy",
    ("relational_history", "difficulties"): "citizens with earlier relational difficulties",
    ("relational_history", "secure"): "citizens with a secure relational history",
    ("supported", "yes"): "citizens it supported",
    ("supported", "no"): "citizens it did not support",
}

# The mechanisms of the CMO table: how often each fired for a citizen during the intervention.
MECHANISM_FLAGS: dict[str, str] = {
    "reach": "reach (a reply on the platform)",
    "barrier": "barrier overcome (wrote where they would not have approached in person)",
    "match": "relational match (an online contact met and lasted its trial)",
    "bridge": "worker bridge (a worker introduced or went along)",
}
MECHANISMS: tuple[str, ...] = tuple(MECHANISM_FLAGS)
# short labels (chart axes, table headers)
MECHANISM_LABELS: dict[str, str] = {
    "reach": "reached by platform",
    "barrier": "barrier overcome",
    "match": "relational match",
    "bridge": "worker bridge",
}


class PlatformState(IntEnum):
    NEVER = 0          # never joined
    JOINED = 1         # in the first week after joining
    ACTIVE = 2         # stayed past the first week
    LAPSED = 3         # dropped out


PLATFORM_STATE_WORDS = ("never joined", "joined", "active", "lapsed")


class SupportState(IntEnum):
    NOT_SUPPORTED = 0
    ON_CASELOAD = 1
    MOVED_ON = 2


SUPPORT_STATE_WORDS = ("not supported", "on caseload", "moved on")


class EventKind(StrEnum):
    """What can happen to a tracked citizen in a week (sim/events.py records them)."""
    JOINED_PLATFORM = "joined_platform"
    LEFT_PLATFORM = "left_platform"
    SUGGESTED = "suggested"
    WROTE = "wrote"
    GOT_REPLY = "got_reply"
    ANSWERED = "answered"
    NO_REPLY = "no_reply"
    DID_NOT_ANSWER = "did_not_answer"
    FIRST_MEETING = "first_meeting"
    MEETING_WENT_BADLY = "meeting_went_badly"
    JOINED_ACTIVITY = "joined_activity"
    LEFT_ACTIVITY = "left_activity"
    NEW_TIE_ACTIVITY = "new_tie_activity"
    NEW_TIE_NEIGHBOUR = "new_tie_neighbour"
    INTRODUCED_BY_FRIEND = "introduced_by_friend"
    INTRODUCED_BY_WORKER = "introduced_by_worker"
    FRIENDSHIP_LASTED = "friendship_lasted"
    LOST_TIE = "lost_tie"
    REFERRED = "referred"
    DECLINED_SUPPORT = "declined_support"
    TAKEN_ON = "taken_on"
    GOT_DEVICE = "got_device"
    MOVED_ON = "moved_on"


PLATFORM_EVENTS = (EventKind.JOINED_PLATFORM, EventKind.LEFT_PLATFORM, EventKind.SUGGESTED, EventKind.WROTE,
                   EventKind.GOT_REPLY, EventKind.ANSWERED, EventKind.NO_REPLY, EventKind.DID_NOT_ANSWER,
                   EventKind.FIRST_MEETING, EventKind.MEETING_WENT_BADLY)
SUPPORT_EVENTS = (EventKind.REFERRED, EventKind.DECLINED_SUPPORT, EventKind.TAKEN_ON, EventKind.GOT_DEVICE,
                  EventKind.INTRODUCED_BY_WORKER, EventKind.MOVED_ON)
NEW_TIE_EVENTS = (EventKind.NEW_TIE_ACTIVITY, EventKind.NEW_TIE_NEIGHBOUR, EventKind.INTRODUCED_BY_FRIEND,
                  EventKind.INTRODUCED_BY_WORKER, EventKind.GOT_REPLY, EventKind.ANSWERED)
