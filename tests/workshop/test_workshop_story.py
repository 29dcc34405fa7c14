"""Follow a citizen: the same person for the same seed, and a story that tells their recorded year week by week."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from dashboards.workshop.story import (EVENT_KINDS, FIRST_NAMES, PREFER, LONELY_FROM, PERSON_KINDS, PROFILE_KEYS,
                                       PROFILES, SURNAMES, candidates, follow, lonely_changes, name_for, profile, tell)
from sim import BelongingModel

N, WEEKS = 1000, 30


@pytest.fixture(scope="module")
def followed():
    """One story per profile, on the preset exercise 2 uses, with the platform on."""
    return {key: follow("platform_with_support", seed=202, citizens=N, weeks=WEEKS, profile_key=key)
            for key in PROFILE_KEYS}


def events_by_week(events) -> dict[int, Counter]:
    out: dict[int, Counter] = {}
    for w, _, kind, _, _ in events:
        if w >= 0:
            out.setdefault(w + 1, Counter())[kind] += 1
    return out


@pytest.mark.parametrize("key", PROFILE_KEYS)
def test_followed_citizen_fits_the_profile_and_is_lonely_at_the_start(followed, key):
    story, m = followed[key]
    p = profile(key)
    assert bool(m.pop.reldiff[story.row]) == p.relational_difficulties
    assert bool(m.pop.low_literacy[story.row]) == p.low_literacy
    assert story.history[0] >= LONELY_FROM == 6
    assert story.history == m.tracked_history[story.row]
    assert len(story.history) == WEEKS + 1


@pytest.mark.parametrize("key", PROFILE_KEYS)
def test_followed_citizen_is_the_first_candidate_who_used_the_platform(followed, key):
    story, m = followed[key]
    rows = candidates("platform_with_support", 202, N, WEEKS, None, profile(key))
    assert story.row in rows

    def first(kinds):
        return next((r for r in rows if any(e[0] >= 0 and e[2] in kinds for e in m.events.for_citizen(r))), None)
    on_platform = first({"joined_platform"})
    expected = on_platform if on_platform is not None else first(PREFER[1])
    if expected is None:
        expected = max(rows, key=lambda r: sum(e[0] >= 0 for e in m.events.for_citizen(r)))
    assert story.row == expected
    # candidates are in row order and all lonely at week 0
    assert rows == sorted(rows)


@pytest.mark.parametrize("key", PROFILE_KEYS)
def test_story_tells_every_recorded_event_in_its_week(followed, key):
    story, m = followed[key]
    recorded = events_by_week(m.events.for_citizen(story.row))
    told = {e.week: Counter(e.kinds) for e in story.entries if e.kinds}
    assert told == recorded, "each week's sentences must tell exactly that week's recorded events"
    for entry in story.entries:
        assert entry.text.startswith(f"Week {entry.week}: ")
        assert entry.loneliness == story.history[entry.week]
        assert entry.kinds or entry.lonely_change, "a week is only told when something happened"
    # people are named in the week they appear (suggestions the citizen ignored may be summed up)
    for w, _, kind, other, _ in m.events.for_citizen(story.row):
        if w < 0 or kind not in PERSON_KINDS or kind == "suggested":
            continue
        entry = next(e for e in story.entries if e.week == w + 1)
        assert name_for(other) in entry.text, (kind, other, entry.text)
    lines = story.lines()
    assert lines[0].startswith("Start: ") and f"score {story.history[0]} of 9" in lines[0]
    assert lines[1:] == [e.text for e in story.entries]


@pytest.mark.parametrize("key", PROFILE_KEYS)
def test_lonely_changes_follow_the_recorded_scores(followed, key):
    story, _ = followed[key]
    changes = {e.week: e.lonely_change for e in story.entries if e.lonely_change}
    assert changes == lonely_changes(story.history)
    for week, change in changes.items():
        assert (story.history[week] >= LONELY_FROM) == (change == "worse")


def test_lonely_changes_skip_short_swings():
    assert lonely_changes([7, 5, 6, 6, 5, 5, 5, 6, 5, 5, 6, 6, 6]) == {4: "better", 10: "worse"}
    assert lonely_changes([6, 5, 5]) == {1: "better"}
    assert lonely_changes([5, 5, 6, 5, 5]) == {}


def test_same_seed_same_person_same_story():
    a, _ = follow("platform_only", seed=101, citizens=800, weeks=20, profile_key="relational_low_literacy")
    b, _ = follow("platform_only", seed=101, citizens=800, weeks=20, profile_key="relational_low_literacy")
    assert (a.row, a.name, a.lines(), a.history, a.traits) == (b.row, b.name, b.lines(), b.history, b.traits)
    c, _ = follow("platform_only", seed=102, citizens=800, weeks=20, profile_key="relational_low_literacy")
    assert (c.row, c.lines()) != (a.row, a.lines())


def test_names_are_stable_and_distinct_in_a_town_of_two_thousand():
    names = [name_for(r) for r in range(len(FIRST_NAMES) * len(SURNAMES))]
    assert len(set(names)) == len(names) >= 2000
    assert name_for(17) == name_for(17)


def test_every_event_kind_has_a_sentence():
    """Each kind the model records (a copy of one week per kind) is told in that week."""
    m = BelongingModel("platform_with_support", citizens=300, weeks=3, seed=5, track=[0])
    m.run()
    m.events.rows = [r for r in m.events.rows if r[1] != 0]
    other = 1 if m.venues.count == 0 else 0
    for i, kind in enumerate(EVENT_KINDS):
        o = other if kind in ("joined_activity", "left_activity") else (2 if kind in PERSON_KINDS else -1)
        m.events.rows.append((i % 3, 0, kind, o, float("nan")))
    story = tell(m, 0)
    told = Counter(k for e in story.entries for k in e.kinds)
    assert told == Counter(EVENT_KINDS)
    text = " ".join(story.lines())
    assert name_for(2) in text


def test_the_model_records_no_kind_without_a_sentence():
    """Everyone tracked under presets with the platform, support, devices and activities."""
    seen = set()
    for preset in ("platform_with_support", "connecting_people", "digital_inclusion"):
        m = BelongingModel(preset, citizens=500, weeks=26, seed=3, track=list(range(500)))
        m.run()
        seen |= {r[2] for r in m.events.rows}
    assert seen <= set(EVENT_KINDS), f"kinds without a sentence: {sorted(seen - set(EVENT_KINDS))}"
    assert {"suggested", "wrote", "joined_platform", "taken_on", "lost_tie"} <= seen


def test_unknown_kind_or_untracked_citizen_is_an_error():
    m = BelongingModel("baseline", citizens=200, weeks=2, seed=1, track=[3])
    m.run()
    with pytest.raises(ValueError, match=r"citizen 4 was not tracked: build the model with track=\[4"):
        tell(m, 4)
    m.events.rows.append((0, 3, "teleported", -1, float("nan")))
    with pytest.raises(ValueError, match="event kind\\(s\\) teleported have no sentence"):
        tell(m, 3)
    with pytest.raises(ValueError, match="profile 'tall': unknown; allowed: relational_low_literacy"):
        profile("tall")


def test_a_profile_nobody_fits_is_a_clear_error():
    with pytest.raises(ValueError, match="no citizen in scenario 'baseline'.*has these traits"):
        candidates("baseline", 1, 50, 2, {"population.share_relational_difficulties": 0.0}, PROFILES[0])


def test_a_given_row_is_followed_and_described_in_plain_words():
    story, m = follow("platform_only", seed=7, citizens=500, weeks=10, row=12)
    assert story.row == 12 and story.name == name_for(12)
    assert story.describe().startswith(story.first_name + " ")
    assert story.before.startswith("In the 26 weeks before the project")
    words = " ".join(story.lines() + story.traits).lower()
    for jargon in ("ucla", "tie", "reldiff", "literacy", "caseload", "row"):
        assert jargon not in words.split(), jargon
    assert np.all(np.asarray(story.history) >= 3) and np.all(np.asarray(story.history) <= 9)
