"""Follow a citizen: one named, fixed person's year told in plain week-by-week sentences.

Who is followed. A profile names the traits (earlier relational difficulties, low or
high digital literacy) and asks that the person feels lonely at the start of the
project (UCLA-3 >= 6 at week 0). The model is built once with the preset and seed to
see who is lonely at week 0; the first `CANDIDATES` matching citizens (by row) are then
tracked through the year, and the first whose year touches the platform or support
is followed (else the first of them). Same preset, seed and levers: the same person
and the same story, because tracking records events without drawing random numbers.

Names. Citizens are rows of arrays; the workshop gives each row a stable name from a
fixed list (`name_for(row)`), so the person a student follows, and the people they
meet, always have the same names.

Weeks. `model.events` numbers the intervention weeks from 0; here "Week 1" is the
first week of the project (event week 0), and the loneliness score shown for week k is
the one measured at the end of week k (`model.tracked_history[row][k]`, k = 0 is the
start). Events from the burn-in (negative weeks, before the project) are summed up in
one sentence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from sim import BelongingModel
from sim.population import INTERESTS
from sim.vocabulary import NEW_TIE_EVENTS, EventKind
from sim.vocabulary import EventKind as E

LONELY_FROM = 6          # UCLA-3 >= 6 is "lonely" (Hughes et al. 2004)
CANDIDATES = 25          # citizens tracked while looking for an eventful year
SETTLE_WEEKS = 3         # a change of lonely / not lonely is told when it lasts this many weeks

# every event kind the model records for a tracked citizen (sim/vocabulary.py), in the order of the
# weekly mechanisms: the order the story tells a week in
EVENT_KINDS: tuple[EventKind, ...] = (
    E.JOINED_PLATFORM, E.LEFT_PLATFORM, E.SUGGESTED, E.WROTE, E.GOT_REPLY, E.ANSWERED, E.NO_REPLY,
    E.DID_NOT_ANSWER, E.FIRST_MEETING, E.MEETING_WENT_BADLY, E.LEFT_ACTIVITY, E.JOINED_ACTIVITY, E.NEW_TIE_ACTIVITY,
    E.NEW_TIE_NEIGHBOUR, E.MOVED_ON, E.REFERRED, E.DECLINED_SUPPORT, E.TAKEN_ON, E.GOT_DEVICE,
    E.INTRODUCED_BY_WORKER, E.INTRODUCED_BY_FRIEND, E.FRIENDSHIP_LASTED, E.LOST_TIE,
)
# kinds whose `other` is a citizen
PERSON_KINDS = frozenset({
    E.SUGGESTED, E.WROTE, E.GOT_REPLY, E.ANSWERED, E.NO_REPLY, E.DID_NOT_ANSWER, E.FIRST_MEETING,
    E.MEETING_WENT_BADLY, E.NEW_TIE_ACTIVITY, E.NEW_TIE_NEIGHBOUR, E.INTRODUCED_BY_WORKER, E.INTRODUCED_BY_FRIEND,
    E.FRIENDSHIP_LASTED, E.LOST_TIE,
})
NEW_TIE_KINDS = NEW_TIE_EVENTS      # the ways a citizen gets to know someone new

FIRST_NAMES = (
    ("Anna", "f"), ("Ole", "m"), ("Maria", "f"), ("Jonas", "m"), ("Fatima", "f"), ("Lars", "m"),
    ("Sofie", "f"), ("Ahmed", "m"), ("Karen", "f"), ("Mikkel", "m"), ("Ida", "f"), ("Peter", "m"),
    ("Leila", "f"), ("Henrik", "m"), ("Mette", "f"), ("Tariq", "m"), ("Birgit", "f"), ("Søren", "m"),
    ("Emma", "f"), ("Jens", "m"), ("Aisha", "f"), ("Frederik", "m"), ("Hanne", "f"), ("Omar", "m"),
    ("Lene", "f"), ("Thomas", "m"), ("Nadia", "f"), ("Rasmus", "m"), ("Inger", "f"), ("Kasper", "m"),
    ("Sara", "f"), ("Bo", "m"), ("Yasmin", "f"), ("Niels", "m"), ("Grete", "f"), ("Emil", "m"),
    ("Lise", "f"), ("Ali", "m"), ("Tove", "f"), ("Anders", "m"),
)
SURNAMES = (
    "Berg", "Holm", "Nielsen", "Dahl", "Lund", "Madsen", "Kaya", "Jensen", "Vestergaard", "Møller",
    "Ahmadi", "Krogh", "Sørensen", "Bak", "Skov", "Larsen", "Hansen", "Olsen", "Riis", "Poulsen",
    "Hussein", "Kjær", "Thomsen", "Winther", "Friis", "Lindberg", "Mortensen", "Nørgaard", "Yilmaz", "Juhl",
    "Bech", "Eriksen", "Aziz", "Storm", "Kristensen", "Falk", "Iversen", "Rask", "Toft", "Brandt",
    "Petersen", "Andersen", "Karimi", "Lauridsen", "Østergaard", "Nygaard", "Said", "Wolff", "Clausen", "Ebbesen",
)
PRONOUNS = {"f": ("she", "her", "her"), "m": ("he", "him", "his")}


def name_for(row: int) -> str:
    """The stable name of citizen `row` from two fixed lists (unique for the first 2,000 rows)."""
    first = FIRST_NAMES[row % len(FIRST_NAMES)][0]
    return f"{first} {SURNAMES[(row // len(FIRST_NAMES)) % len(SURNAMES)]}"


def pronouns_for(row: int) -> tuple[str, str, str]:
    """(subject, object, possessive) pronouns that go with the row's first name."""
    return PRONOUNS[FIRST_NAMES[row % len(FIRST_NAMES)][1]]


def interests_of(model, row: int) -> list[str]:
    bits = int(model.pop.interests[row])
    return [name for j, name in enumerate(INTERESTS) if bits >> j & 1]


def _count(k: int) -> str:
    return ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")[k] if k <= 10 else str(k)


def _and(items: list[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Profile:
    """Whom to follow: traits, and lonely at the start of the project."""
    key: str
    label: str
    relational_difficulties: bool
    low_literacy: bool

    def matches(self, model) -> np.ndarray:
        pop = model.pop
        return (pop.reldiff == self.relational_difficulties) & (pop.low_literacy == self.low_literacy)


PROFILES = (
    Profile("relational_low_literacy",
            "Earlier relational difficulties, finds digital tools hard, lonely at the start", True, True),
    Profile("relational_online",
            "Earlier relational difficulties, at ease online, lonely at the start", True, False),
    Profile("secure_online",
            "No earlier relational difficulties, at ease online, lonely at the start", False, False),
)
PROFILE_KEYS = tuple(p.key for p in PROFILES)
# whom to prefer among the candidates: the first whose year has the first of these kinds, then the second...
PREFER = (frozenset({E.JOINED_PLATFORM}), frozenset({E.TAKEN_ON, E.JOINED_ACTIVITY, E.FIRST_MEETING}))
GROUP_NAMES = {"faith groups": "faith", "board games": "board-games", "sport": "sports"}


def profile(key: str) -> Profile:
    for p in PROFILES:
        if p.key == key:
            return p
    raise ValueError(f"profile {key!r}: unknown; allowed: {', '.join(PROFILE_KEYS)}")


@dataclass
class WeekEntry:
    """One week of the story: the sentences, and which recorded event kinds they tell."""
    week: int                     # 1 = first week of the project
    sentences: list[str]
    kinds: list[str]              # one entry per recorded event told here (with repeats)
    loneliness: int               # score at the end of this week
    lonely_change: str = ""       # "better" / "worse" when the person crossed the lonely line

    @property
    def text(self) -> str:
        return f"Week {self.week}: " + " ".join(self.sentences)


@dataclass
class Story:
    row: int
    name: str
    pronouns: tuple[str, str, str]
    profile: Profile
    scenario: str
    seed: int
    traits: list[str]
    before: str
    start: str
    entries: list[WeekEntry]
    history: list[int]            # loneliness score at week 0 (start) .. weeks
    events: list[tuple]           # the recorded events of this citizen (week, citizen, kind, other, value)
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    def lines(self) -> list[str]:
        return [self.start] + [e.text for e in self.entries]

    def describe(self) -> str:
        """'Anna Berg has had difficult relationships in the past; finds ...; likes gardening.'"""
        return f"{self.first_name} " + "; ".join(self.traits) + "."

    def markdown(self) -> str:
        out = [f"**{self.name}**", "", self.describe(), "", self.before, "", f"- {self.start}"]
        out += [f"- **Week {e.week}:** " + " ".join(e.sentences) for e in self.entries]
        return "\n".join(out)


class _Teller:
    """Turns one citizen's recorded events into sentences."""

    def __init__(self, model, row: int):
        self.m = model
        self.row = row
        self.subj, self.obj, self.poss = pronouns_for(row)
        self.mine = int(model.pop.interests[row])
        self.how_met: dict[int, str] = {}
        self.activity: int = -1
        self._seen: list[tuple] = []      # events already told (to say "came back")

    # -- describing other people ------------------------------------------------
    def about(self, other: int) -> str:
        """'who shares her interest in gardening' or 'who likes film'."""
        shared = [INTERESTS[j] for j in range(len(INTERESTS)) if (self.mine & int(self.m.pop.interests[other])) >> j & 1]
        if shared:
            return f"who shares {self.poss} interest in {_and(shared)}"
        return f"who likes {_and(interests_of(self.m, other))}"

    def person(self, other: int) -> str:
        return name_for(other)

    def met_note(self, other: int) -> str:
        how = self.how_met.get(other)
        return f" ({how})" if how else f", someone {self.subj} knew from before"

    def group(self, act: int, article: str = "the") -> str:
        if act < 0:
            return "a group activity"
        interest = INTERESTS[int(self.m.venues.interest[act])]
        return f"{article} {GROUP_NAMES.get(interest, interest)} group"

    # -- one week ------------------------------------------------------------------
    def week(self, events: list[tuple]) -> tuple[list[str], list[str]]:
        s, kinds = [], []
        subj, obj, poss = self.subj, self.obj, self.poss
        cap = subj.capitalize()
        by_kind: dict[str, list[int]] = {}
        for _, _, kind, other, _ in events:
            by_kind.setdefault(kind, []).append(int(other))
        week = events[0][0] + 1

        def told(kind, n=1):
            kinds.extend([kind] * n)

        if E.JOINED_PLATFORM in by_kind:
            again = any(e[2] == E.JOINED_PLATFORM for e in self._seen)
            s.append(f"{cap} came back to the platform." if again else f"{cap} signed up to the platform.")
            told(E.JOINED_PLATFORM, len(by_kind[E.JOINED_PLATFORM]))
        if E.LEFT_PLATFORM in by_kind:
            s.append(f"{cap} stopped using the platform.")
            told(E.LEFT_PLATFORM, len(by_kind[E.LEFT_PLATFORM]))

        # suggestions and what came of them (counted per person: a pair can repeat in a week)
        left = {k: Counter(by_kind.get(k, [])) for k in (E.WROTE, E.GOT_REPLY, E.NO_REPLY)}

        def take(kind, o):
            if left[kind][o] > 0:
                left[kind][o] -= 1
                told(kind)
                return True
            return False

        silent = []
        n_sug = len(by_kind.get(E.SUGGESTED, []))
        for o in by_kind.get(E.SUGGESTED, []):
            told(E.SUGGESTED)
            who = f"{self.person(o)}, {self.about(o)}"
            if left[E.WROTE][o] > 0 and left[E.GOT_REPLY][o] > 0:
                take(E.WROTE, o), take(E.GOT_REPLY, o)
                s.append(f"The platform suggested {who}; {subj} wrote, and {self.person(o).split()[0]} wrote back.")
                self.how_met[o] = f"met through the platform in week {week}"
            elif left[E.WROTE][o] > 0 and left[E.NO_REPLY][o] > 0:
                take(E.WROTE, o), take(E.NO_REPLY, o)
                s.append(f"The platform suggested {who}; {subj} wrote but got no answer.")
            elif take(E.WROTE, o):
                s.append(f"The platform suggested {who}; {subj} wrote.")
            else:
                silent.append(o)
        if silent:
            if len(silent) == 1:
                o = silent[0]
                s.append(f"The platform {'also ' if len(silent) < n_sug else ''}suggested {self.person(o)}, "
                         f"{self.about(o)}; {subj} did not write to {pronouns_for(o)[1]}.")
            else:
                sharing = sum(1 for o in silent if self.mine & int(self.m.pop.interests[o]))
                more = "more " if len(silent) < n_sug else ""
                who = (f"none of whom share {poss} interests" if sharing == 0
                       else f"{_count(sharing)} of whom share{'s' if sharing == 1 else ''} {poss} interests"
                       if sharing < len(silent) else f"{'both' if sharing == 2 else 'all'} sharing {poss} interests")
                s.append(f"The platform suggested {_count(len(silent))} {more}people, {who}; "
                         f"{subj} did not write to them.")
        # writing or replies without a suggestion that week (not expected; told anyway)
        for kind, verb in ((E.WROTE, "wrote to"), (E.GOT_REPLY, "got a reply from"),
                           (E.NO_REPLY, "got no answer from")):
            for o in list(left[kind].elements()):
                take(kind, o)
                s.append(f"{cap} {verb} {self.person(o)}.")
                if kind == E.GOT_REPLY:
                    self.how_met[o] = f"met through the platform in week {week}"
        for o in by_kind.get(E.ANSWERED, []):
            s.append(f"{self.person(o)}, {self.about(o)}, wrote to {obj} through the platform, and {subj} wrote back.")
            told(E.ANSWERED)
            self.how_met[o] = f"met through the platform in week {week}"
        for o in by_kind.get(E.DID_NOT_ANSWER, []):
            s.append(f"{self.person(o)}, {self.about(o)}, wrote to {obj} through the platform; {subj} did not answer.")
            told(E.DID_NOT_ANSWER)

        for o in by_kind.get(E.FIRST_MEETING, []):
            s.append(f"{cap} met {self.person(o)} face to face for the first time.")
            told(E.FIRST_MEETING)
        for o in by_kind.get(E.MEETING_WENT_BADLY, []):
            s.append(f"{cap} met {self.person(o)} face to face, but it went badly; they did not see each other again.")
            told(E.MEETING_WENT_BADLY)

        # community activities
        for act in by_kind.get(E.LEFT_ACTIVITY, []):
            s.append(f"{cap} stopped going to {self.group(act)}.")
            told(E.LEFT_ACTIVITY)
            self.activity = -1
        for act in by_kind.get(E.JOINED_ACTIVITY, []):
            near = int(self.m.venues.nbhd[act]) == int(self.m.pop.nbhd[self.row]) if act >= 0 else False
            where = f" in {poss} neighbourhood" if near else " a little further from home"
            s.append(f"{cap} joined {self.group(act, 'a')}{where}.")
            told(E.JOINED_ACTIVITY)
            self.activity = act
        acts = by_kind.get(E.NEW_TIE_ACTIVITY, [])
        if acts:
            s.append(f"{cap} got to know {_and([self.person(o) for o in acts])} at {self.group(self.activity)}.")
            told(E.NEW_TIE_ACTIVITY, len(acts))
            for o in acts:
                self.how_met[o] = f"met at {self.group(self.activity)} in week {week}"
        nbrs = by_kind.get(E.NEW_TIE_NEIGHBOUR, [])
        if nbrs:
            s.append(f"{cap} got talking to {_and([self.person(o) for o in nbrs])} in the neighbourhood, "
                     "and they kept in touch.")
            told(E.NEW_TIE_NEIGHBOUR, len(nbrs))
            for o in nbrs:
                self.how_met[o] = f"a neighbour met in week {week}"

        # support
        if E.MOVED_ON in by_kind:
            s.append(f"{cap} finished {poss} time with the support worker and moved on.")
            told(E.MOVED_ON, len(by_kind[E.MOVED_ON]))
        if E.REFERRED in by_kind:
            s.append(f"Someone noticed {subj} was struggling, and {subj} was referred to the support service.")
            told(E.REFERRED, len(by_kind[E.REFERRED]))
        if E.DECLINED_SUPPORT in by_kind:
            s.append(f"{cap} was offered a support worker but said no.")
            told(E.DECLINED_SUPPORT, len(by_kind[E.DECLINED_SUPPORT]))
        if E.TAKEN_ON in by_kind:
            s.append(f"{cap} started seeing a support worker.")
            told(E.TAKEN_ON, len(by_kind[E.TAKEN_ON]))
        if E.GOT_DEVICE in by_kind:
            s.append(f"{cap} got a tablet with a data plan from the project.")
            told(E.GOT_DEVICE, len(by_kind[E.GOT_DEVICE]))
        wk = by_kind.get(E.INTRODUCED_BY_WORKER, [])
        if wk:
            s.append(f"{poss.capitalize()} support worker introduced {obj} to {_and([self.person(o) for o in wk])}, "
                     "someone the worker knows in the community.")
            told(E.INTRODUCED_BY_WORKER, len(wk))
            for o in wk:
                self.how_met[o] = f"introduced by the support worker in week {week}"

        # friends and ties
        fr = by_kind.get(E.INTRODUCED_BY_FRIEND, [])
        if fr:
            s.append(f"A friend introduced {obj} to {_and([self.person(o) for o in fr])}.")
            told(E.INTRODUCED_BY_FRIEND, len(fr))
            for o in fr:
                self.how_met[o] = f"introduced by a friend in week {week}"
        lasted = by_kind.get(E.FRIENDSHIP_LASTED, [])
        if lasted:
            weeks = self.m.sc.ties.trial_weeks
            who = _and([self.person(o) for o in lasted])
            s.append(f"{poss.capitalize()} friendship with {who}, who {subj} met through the platform, "
                     f"has lasted its first {weeks} weeks: it is likely to last.")
            told(E.FRIENDSHIP_LASTED, len(lasted))
        lost = by_kind.get(E.LOST_TIE, [])
        if lost:
            s.append(f"{cap} lost touch with " + _and([self.person(o) + self.met_note(o) for o in lost]) + ".")
            told(E.LOST_TIE, len(lost))
        self._seen.extend(events)
        return s, kinds

    def before(self, events: list[tuple], burn_in: int) -> str:
        """One sentence for the weeks before the project (burn-in)."""
        new = [e for e in events if e[2] in NEW_TIE_KINDS]
        lost = [e for e in events if e[2] == E.LOST_TIE]
        for e in events:
            if e[2] in NEW_TIE_KINDS:
                self.how_met[int(e[3])] = "someone " + self.subj + " got to know before the project"
        parts = []
        if new:
            parts.append(f"got to know {len(new)} {'person' if len(new) == 1 else 'people'}")
        if lost:
            parts.append(f"lost touch with {len(lost)} {'person' if len(lost) == 1 else 'people'}")
        when = f"In the {burn_in} weeks before the project" if burn_in else "Before the project"
        if not parts:
            return f"{when}, {self.subj} met nobody new and lost nobody."
        return f"{when}, {self.subj} " + " and ".join(parts) + "."


def lonely_changes(history: list[int], settle: int = SETTLE_WEEKS) -> dict[int, str]:
    """Weeks in which the person crossed the lonely line and stayed on the new side for `settle` weeks
    (or until the end): {week: "better" | "worse"}. Shorter swings show on the chart only."""
    out = {}
    told = history[0] >= LONELY_FROM
    for k in range(1, len(history)):
        now = history[k] >= LONELY_FROM
        if now == told:
            continue
        window = history[k:k + settle]
        if all((h >= LONELY_FROM) == now for h in window):
            out[k] = "worse" if now else "better"
            told = now
    return out


def _traits(model, row: int) -> list[str]:
    pop = model.pop
    has = "has"
    t = ["has had difficult relationships in the past" if pop.reldiff[row]
         else "has no history of difficult relationships",
         f"finds computers and apps hard" if pop.low_literacy[row] else "is at ease with computers and apps"]
    if not pop.has_device[row]:
        t.append(f"{has} no computer, tablet or smartphone at home")
    if not pop.privacy[row]:
        t.append(f"{has} no private space at home for a call")
    if pop.mh[row]:
        t.append("lives with a mental-health condition")
    t.append(f"likes {_and(interests_of(model, row))}")
    n0 = int(model.start_values["network_size"][row])
    t.append(f"at the start knows {n0} {'person' if n0 == 1 else 'people'} well enough to call on")
    return t


def tell(model, row: int, profile_: Profile | None = None) -> Story:
    """The story of tracked citizen `row` in a model that has run (or is running)."""
    row = int(row)
    if row not in model.tracked_history:
        raise ValueError(f"citizen {row} was not tracked: build the model with track=[{row}, ...]")
    history = [int(x) for x in model.tracked_history[row]]
    events = model.events.for_citizen(row)
    unknown = sorted({e[2] for e in events} - set(EVENT_KINDS))
    if unknown:
        raise ValueError(f"citizen {row}: event kind(s) {', '.join(unknown)} have no sentence; "
                         f"known kinds: {', '.join(EVENT_KINDS)}")
    teller = _Teller(model, row)
    subj = teller.subj
    before = teller.before([e for e in events if e[0] < 0], model.sc.run.burn_in)
    teller._seen = [e for e in events if e[0] < 0]
    s0 = history[0]
    start = (f"Start: {subj} feels lonely (loneliness score {s0} of 9)." if s0 >= LONELY_FROM
             else f"Start: {subj} does not feel lonely (loneliness score {s0} of 9).")

    by_week: dict[int, list[tuple]] = {}
    for e in events:
        if e[0] >= 0:
            by_week.setdefault(e[0] + 1, []).append(e)
    changes = lonely_changes(history)
    entries = []
    for week in range(1, len(history)):
        sentences, kinds = teller.week(by_week[week]) if week in by_week else ([], [])
        change = changes.get(week, "")
        if change == "better":
            sentences.append(f"{subj.capitalize()} no longer feels lonely (score {history[week]} of 9).")
        elif change == "worse":
            sentences.append(f"{subj.capitalize()} feels lonely again (score {history[week]} of 9).")
        if sentences:
            entries.append(WeekEntry(week, sentences, kinds, history[week], change))
    later = [e for e in events if e[0] >= 0]
    count = Counter(e[2] for e in later)
    summary = {k: int(count.get(k, 0)) for k in EVENT_KINDS}
    summary.update(start=s0, end=history[-1], weeks=len(history) - 1)
    return Story(row=row, name=name_for(row), pronouns=pronouns_for(row),
                 profile=profile_ or _profile_of(model, row), scenario=model.sc.name, seed=model.sc.run.seed,
                 traits=_traits(model, row), before=before, start=start, entries=entries, history=history,
                 events=list(events), summary=summary)


def _profile_of(model, row: int) -> Profile:
    for p in PROFILES:
        if p.matches(model)[row]:
            return p
    rd, low = bool(model.pop.reldiff[row]), bool(model.pop.low_literacy[row])
    return Profile("other", "Another citizen", rd, low)


def model_kwargs(scenario: str, seed: int, citizens: int, weeks: int, overrides: Mapping[str, Any] | None) -> dict:
    return dict(scenario=scenario, seed=seed, citizens=citizens, weeks=weeks, overrides=dict(overrides or {}))


def candidates(scenario: str, seed: int, citizens: int, weeks: int, overrides: Mapping[str, Any] | None,
               profile_: Profile) -> list[int]:
    """Rows that fit the profile, lonely at week 0 first (up to CANDIDATES), in row order."""
    m0 = BelongingModel(**model_kwargs(scenario, seed, citizens, weeks, overrides))
    fit = profile_.matches(m0)
    lonely = np.flatnonzero(fit & (m0.pop.ucla >= LONELY_FROM))
    rows = lonely if len(lonely) else np.flatnonzero(fit)
    if len(rows) == 0:
        raise ValueError(f"profile {profile_.key!r}: no citizen in scenario {scenario!r} (seed {seed}, "
                         f"{citizens} citizens) has these traits; raise the population shares or the size")
    return [int(r) for r in rows[:CANDIDATES]]


def pick_citizen(model, rows: list[int]) -> int:
    """The first tracked row whose year (week >= 0) used the platform; else the first who got support,
    joined an activity or met someone; else the one with most events in the year (the first of them)."""
    years = {r: [e for e in model.events.for_citizen(r) if e[0] >= 0] for r in rows}
    for kinds in PREFER:
        for r in rows:
            if any(e[2] in kinds for e in years[r]):
                return r
    return max(rows, key=lambda r: len(years[r]))


def follow(scenario: str, seed: int, citizens: int = 2000, weeks: int = 52,
           overrides: Mapping[str, Any] | None = None, profile_key: str = PROFILES[0].key,
           row: int | None = None) -> tuple[Story, BelongingModel]:
    """Run the scenario with the profile's candidates tracked; return the followed person's story.

    With `row` given, that citizen is followed instead of choosing by profile.
    """
    prof = profile(profile_key)
    rows = [int(row)] if row is not None else candidates(scenario, seed, citizens, weeks, overrides, prof)
    m = BelongingModel(**model_kwargs(scenario, seed, citizens, weeks, overrides), track=rows)
    m.run()
    chosen = rows[0] if row is not None else pick_citizen(m, rows)
    return tell(m, chosen, prof if prof.matches(m)[chosen] else None), m
