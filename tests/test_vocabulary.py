"""One vocabulary in one place (sim/vocabulary.py): experiments, the CLI, the dashboard and the
workshop take outcomes, subgroups, mechanisms, event kinds and states from it, and no copy creeps back."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import sim
from sim import BelongingModel
from sim import vocabulary as V
from sim.vocabulary import EventKind, SupportState

ROOT = Path(__file__).resolve().parents[1]
CODE_DIRS = ("sim", "experiments", "belonging", "dashboards", "docs", "benchmarks", "scripts")
# Known copies in files other engineers own, to be removed there (keep this list short and say why)
PENDING: dict[str, str] = {}   # files with a copy still to replace, and why (none left)


def _modules(dirs=CODE_DIRS + ("tests",)):
    for d in dirs:
        for p in sorted((ROOT / d).rglob("*.py")):
            rel = p.relative_to(ROOT).as_posix()
            if rel not in ("sim/vocabulary.py", "tests/test_vocabulary.py"):
                yield rel, ast.parse(p.read_text(encoding="utf-8"), filename=rel)


def _literals(tree):
    """(line, set of string constants) of every tuple, list and set literal."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            yield node.lineno, {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}


# -- the vocabulary itself -----------------------------------------------------------------------
def test_every_outcome_has_a_label_a_unit_and_words():
    assert tuple(sim.OUTCOMES) == V.OUTCOMES and sim.OUTCOMES is V.OUTCOMES
    assert len(set(V.OUTCOMES)) == len(V.OUTCOMES)
    for o in sim.OUTCOMES:
        spec = V.OUTCOME[o]
        assert spec.label.strip() and V.OUTCOME_LABELS[o] == spec.label, o
        assert spec.unit.strip() and V.OUTCOME_UNITS[o] == spec.unit, o
        assert spec.words.strip() and V.OUTCOME_WORDS[o] == spec.words, o
    assert V.SHARE_OUTCOMES == tuple(o for o in V.OUTCOMES if V.OUTCOME[o].share)
    assert set(V.SHARE_OUTCOMES) == {"lonely_share", "isolated_share"}
    assert V.LOWER_IS_BETTER == tuple(o for o in V.OUTCOMES if V.OUTCOME[o].lower_is_better)
    assert set(V.LOWER_IS_BETTER) == {"loneliness", "lonely_share", "isolated_share"}
    assert len(set(V.OUTCOME_LABELS.values())) == len(V.OUTCOMES)       # no two outcomes look alike on a chart


def test_every_subgroup_level_and_mechanism_has_its_words():
    assert sim.SUBGROUP_KEYS is V.SUBGROUP_KEYS
    keys = {(k, lvl) for k, levels in V.SUBGROUPS.items() for lvl in levels}
    assert set(V.SUBGROUP_LEVEL_LABELS) == keys == set(V.SUBGROUP_CITIZENS)
    assert set(V.SUBGROUP_LABELS) == set(V.SUBGROUP_KEYS)
    assert V.ALL not in {lvl for levels in V.SUBGROUPS.values() for lvl in levels}
    assert set(V.MECHANISM_LABELS) == set(V.MECHANISM_FLAGS) == set(V.MECHANISMS)


def test_states_and_their_words():
    assert len(V.SUPPORT_STATE_WORDS) == len(SupportState) and len(V.PLATFORM_STATE_WORDS) == len(V.PlatformState)
    assert [int(s) for s in SupportState] == list(range(len(SupportState)))
    assert [int(s) for s in V.PlatformState] == list(range(len(V.PlatformState)))


# -- who uses it ---------------------------------------------------------------------------------
def test_experiments_compare_uses_the_vocabulary():
    c = importlib.import_module("experiments.compare")        # (experiments.compare is also the function)
    assert c.SHARE_OUTCOMES is V.SHARE_OUTCOMES and c.LOWER_IS_BETTER is V.LOWER_IS_BETTER
    assert c.OUTCOME_WORDS is V.OUTCOME_WORDS and c.SUBGROUP_CITIZENS is V.SUBGROUP_CITIZENS
    assert c.SUBGROUPS is V.SUBGROUPS and c.MECHANISMS is V.MECHANISMS and c.ALL == V.ALL
    for gone in ("GROUP_LEVELS", "MECHS", "GROUP_WORDS"):
        assert not hasattr(c, gone), gone


def test_cli_uses_the_vocabulary():
    from belonging import cmd_compare, cmd_run
    assert cmd_compare.SHARE_OUTCOMES is V.SHARE_OUTCOMES and not hasattr(cmd_compare, "SHARES")
    assert cmd_compare.MECHANISMS is V.MECHANISMS and cmd_compare.SUBGROUP_KEYS is V.SUBGROUP_KEYS
    assert cmd_compare.OUTCOMES is V.OUTCOMES
    assert cmd_run.MECHANISMS is V.MECHANISMS and cmd_run.SUBGROUP_KEYS is V.SUBGROUP_KEYS
    assert cmd_run.OUTCOMES is V.OUTCOMES


def test_dashboard_uses_the_vocabulary():
    from dashboards.components import charts
    from dashboards.pages import compare, sensitivity
    assert charts.OUTCOME_LABELS is V.OUTCOME_LABELS and charts.SHARE_OUTCOMES is V.SHARE_OUTCOMES
    assert not hasattr(charts, "SHARES")
    assert not set(charts.SERIES_LABELS) & set(V.OUTCOMES)       # only labels of series that are not outcomes
    for o in V.OUTCOMES:
        assert charts.label(o) == V.OUTCOME_LABELS[o]
    assert charts.label("platform_active") == "Active platform users"
    assert charts.subgroup_words({"digital_literacy": "low", "relational_history": "secure", "supported": "no"}) == [
        "low digital literacy", "secure relational history", "not supported"]
    assert compare.SHARE_OUTCOMES is V.SHARE_OUTCOMES and compare.SUBGROUP_LEVEL_LABELS is V.SUBGROUP_LEVEL_LABELS
    assert compare.OUTCOMES is V.OUTCOMES
    for gone in ("SHARES", "WHO"):
        assert not hasattr(compare, gone), gone
    assert sensitivity.OUTCOME is V.OUTCOME
    assert sensitivity.output_words("lonely_share").startswith(V.OUTCOME_LABELS["lonely_share"])
    assert sensitivity.output_words("belonging_change_effect").startswith(V.OUTCOME_LABELS["belonging"])


def test_the_workshop_uses_the_event_kinds():
    from dashboards.workshop import figures, story
    assert story.NEW_TIE_KINDS is V.NEW_TIE_EVENTS
    assert all(isinstance(k, EventKind) for k in story.EVENT_KINDS)
    assert len(story.EVENT_KINDS) == len(set(story.EVENT_KINDS))
    assert set(story.EVENT_KINDS) == set(EventKind)                    # every kind has its sentence
    assert all(isinstance(k, EventKind) for k in story.PERSON_KINDS)
    assert all(isinstance(k, EventKind) for kinds in story.PREFER for k in kinds)
    assert all(isinstance(k, EventKind) for kinds, *_ in figures.MARKS for k in kinds)


def test_every_kind_the_model_records_is_an_event_kind_the_story_tells():
    # in the code: every kind named where the model records events
    named = set()
    for rel, tree in _modules(("sim",)):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "EventKind":
                named.add(getattr(EventKind, node.attr))
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and len(node.args) >= 2):
                kind = node.args[1]
                assert not (isinstance(kind, ast.Constant) and isinstance(kind.value, str)), \
                    f"{rel}:{node.lineno}: events.record with a bare string {kind.value!r}: use EventKind"
    from dashboards.workshop.story import EVENT_KINDS
    assert named and named <= set(EVENT_KINDS)
    # in a run: what is recorded is an EventKind the story knows
    m = BelongingModel("platform_with_support", citizens=300, weeks=6, seed=2, track=range(300)).run()
    kinds = {r[2] for r in m.events.rows}
    assert kinds and all(isinstance(k, EventKind) for k in kinds) and kinds <= set(EVENT_KINDS)
    assert set(m.outcomes()) == set(V.OUTCOMES)


# -- no copy creeps back -------------------------------------------------------------------------
def test_no_module_lists_the_share_outcomes_itself():
    found = [f"{rel}:{line}" for rel, tree in _modules() for line, strs in _literals(tree)
             if {"lonely_share", "isolated_share"} <= strs]
    assert not found, f"a list of the share outcomes outside sim/vocabulary.py (use SHARE_OUTCOMES): {found}"


@pytest.mark.parametrize("what, words, least", [
    ("event kinds (use EventKind and its tuples)", frozenset(k.value for k in EventKind), 2),
    ("mechanisms (use MECHANISMS)", frozenset(V.MECHANISMS), 2),
    ("subgroup levels (use SUBGROUPS)", frozenset({"low", "high"}), 2),
    ("subgroup levels (use SUBGROUPS)", frozenset({"difficulties", "secure"}), 2),
])
def test_no_module_lists_vocabulary_words_itself(what, words, least):
    found = [f"{rel}:{line}" for rel, tree in _modules(CODE_DIRS) if rel not in PENDING
             for line, strs in _literals(tree) if len(strs & words) >= least]
    assert not found, f"a list of {what} outside sim/vocabulary.py: {found}"


def test_no_state_is_compared_with_a_bare_number():
    """`pop.support == 1` hides which state is meant: compare with SupportState / PlatformState."""
    found = []
    for rel, tree in _modules():
        if rel in PENDING:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                parts = [node.left, *node.comparators]
                if (any(isinstance(x, ast.Attribute) and x.attr in ("support", "platform") for x in parts)
                        and any(isinstance(x, ast.Constant) and type(x.value) is int for x in parts)):
                    found.append(f"{rel}:{node.lineno}")
    assert not found, f"a support or platform state compared with a bare number: {found}"
