"""The Mesa face of the array state: agents, attribute views of rows, AgentSet, DataCollector."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from sim import BelongingModel
from sim.agents import Citizen, SupportWorker
from sim.vocabulary import EventKind, SupportState

N, WEEKS = 600, 8


@pytest.fixture(scope="module")
def model():
    return BelongingModel("platform_with_support", citizens=N, weeks=WEEKS, seed=13,
                          overrides={"support.workers": 50.0}).run()


def test_one_citizen_agent_per_row_plus_workers(model):
    assert isinstance(model, mesa.Model)
    citizens = model.agents_by_type[Citizen]
    assert len(citizens) == N
    assert sorted(c.row for c in citizens) == list(range(N))
    workers = model.agents_by_type[SupportWorker]
    assert len(workers) == model.workforce.n == 3 and len(model.workers) == 3
    assert len(model.agents) == N + 3
    assert len({a.unique_id for a in model.agents}) == N + 3


def test_agents_are_built_on_first_use_in_row_order():
    """A run that never looks at agents creates none (sweeps do not pay for them); the first
    look builds all of them, through Mesa, reading the state as it is then."""
    m = BelongingModel("platform_with_support", citizens=300, weeks=3, seed=2).run()
    assert len(m._all_agents) == 0
    assert len(m.agents) == 300 + m.workforce.n
    assert [m.citizen(r).unique_id for r in (0, 1, 299)] == [1, 2, 300]
    assert all(m.citizen(r).row == r for r in range(0, 300, 7))
    assert m.citizen(5).loneliness == int(m.pop.ucla[5])
    assert len(m.agents) == 300 + m.workforce.n          # asked again: not built twice
    m2 = BelongingModel("platform_with_support", citizens=300, weeks=3, seed=2)
    assert SupportWorker in m2.agent_types and len(m2.agents_by_type[Citizen]) == 300
    m2.run()
    assert np.array_equal(m2.series["lonely_share"], m.series["lonely_share"])   # looking changes nothing


def test_citizen_attributes_read_their_row(model):
    pop = model.pop
    for c in model.agents_by_type[Citizen].to_list()[::37]:
        r = c.row
        assert c.literacy == pytest.approx(float(pop.literacy[r]))
        assert c.low_literacy == bool(pop.low_literacy[r])
        assert c.relational_difficulties == bool(pop.reldiff[r])
        assert c.loneliness == int(pop.ucla[r]) and c.lonely == (pop.ucla[r] >= 6)
        assert c.wellbeing == pytest.approx(float(pop.wellbeing[r]))
        assert c.belonging == pytest.approx(float(pop.belonging[r]))
        assert c.lsns == int(pop.lsns[r]) and c.isolated == (pop.lsns[r] < 12)
        assert c.network_size == int(pop.network_size[r])
        assert len(c.ties()) == int(model.ties.degree()[r])
        assert c.platform_state in ("never joined", "joined", "active", "lapsed")
        assert c.support_state in ("not supported", "on caseload", "moved on")
        assert c.mechanisms() == {m: int(v[r]) for m, v in pop.fired.items()}
        assert all(isinstance(i, str) for i in c.interests) and 1 <= len(c.interests) <= 3


def test_citizen_attributes_write_their_row():
    m = BelongingModel("baseline", citizens=200, weeks=2, seed=1)
    c = m.agents_by_type[Citizen].to_list()[17]
    c.confidence = 0.77
    c.has_device = False
    c.loneliness = 9
    assert m.pop.confidence[c.row] == np.float32(0.77)
    assert not m.pop.has_device[c.row]
    assert m.pop.ucla[c.row] == 9 and c.lonely
    m.pop.trust[c.row] = 0.11
    assert c.trust == pytest.approx(0.11)


def test_ties_view_matches_the_tie_store(model):
    c = max(model.agents_by_type[Citizen], key=lambda a: len(a.ties()))
    for tie in c.ties():
        row = model.ties.index_of(np.array([c.row]), np.array([tie["other"]]))[0]
        assert row >= 0
        assert tie["hours"] == pytest.approx(float(model.ties.s[row]))
        assert tie["origin"] in ("kin", "neighbour", "online", "activity", "bridge", "introduced")


def test_agentset_select_and_aggregate(model):
    citizens = model.agents_by_type[Citizen]
    lonely = citizens.select(lambda c: c.lonely)
    assert len(lonely) == int((model.pop.ucla >= 6).sum())
    low = citizens.select(lambda c: c.low_literacy)
    assert len(low) == int(model.pop.low_literacy.sum())
    assert citizens.agg("loneliness", np.mean) == pytest.approx(model.outcomes()["loneliness"]["end"])
    supported = citizens.select(lambda c: c.supported)
    assert len(supported) == int(model.pop.ever_supported.sum()) > 0
    on_caseload = sum(len(w.caseload) for w in model.workers)
    assert on_caseload == int((model.pop.support == SupportState.ON_CASELOAD).sum()) == sum(w.load for w in model.workers)
    for w in model.workers:
        for row in w.caseload:
            assert citizens.select(lambda c, r=row: c.row == r).to_list()[0].worker is w


def test_datacollector_has_weeks_plus_one_rows(model):
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == WEEKS + 1
    ts = model.timeseries()
    for col in ("loneliness", "lonely_share", "belonging", "platform_active", "ties", "cost"):
        assert np.allclose(df[col].to_numpy(), ts[col].to_numpy()), col


def test_tracked_citizen_story():
    m = BelongingModel("platform_with_support", citizens=800, weeks=20, seed=2, track=range(800))
    m.run()
    kinds = {r[2] for r in m.events.rows}
    assert {EventKind.JOINED_PLATFORM, EventKind.SUGGESTED, EventKind.LOST_TIE} <= kinds
    row = int(np.flatnonzero(m.pop.joined_week >= 0)[0])
    c = next(a for a in m.agents_by_type[Citizen] if a.row == row)
    story = c.story()
    assert any(kind == EventKind.JOINED_PLATFORM and week == m.pop.joined_week[row] for week, kind, _ in story)
    assert all(-m.sc.run.burn_in <= week <= 20 for week, _, _ in story)      # the burn-in is part of the story
    assert len(m.tracked_history[c.row]) == 21 and m.tracked_history[c.row][-1] == c.loneliness


def test_writing_relational_difficulties_reaches_the_ties():
    m = BelongingModel("baseline", citizens=300, weeks=2, seed=1)
    c = next(a for a in m.agents_by_type[Citizen] if not a.relational_difficulties and len(a.ties()) > 0)
    c.relational_difficulties = True
    assert m.ties.rd[m.ties.neighbours(c.row)].all()


@pytest.mark.slow
def test_mesa_face_works_at_100k_citizens():
    """Issue 3: model.agents, AgentSet queries and DataCollector agent reporters at 100,000 citizens."""
    n = 100_000
    m = BelongingModel("platform_with_support", citizens=n, weeks=2, seed=5)
    m.datacollector = mesa.DataCollector(model_reporters={"lonely": lambda mod: float((mod.pop.ucla >= 6).mean())},
                                         agenttype_reporters={Citizen: {"loneliness": "loneliness"},
                                                              SupportWorker: {"load": "load"}})
    m.datacollector.collect(m)
    m.step()
    m.datacollector.collect(m)
    assert len(m.agents) == n + m.workforce.n
    citizens = m.datacollector.get_agenttype_vars_dataframe(Citizen)
    assert len(citizens) == 2 * n
    last = citizens[citizens.index.get_level_values("Step") == citizens.index.get_level_values("Step").max()]
    assert last["loneliness"].to_numpy().astype(int).tolist() == m.pop.ucla.astype(int).tolist()
    workers = m.datacollector.get_agenttype_vars_dataframe(SupportWorker)
    assert len(workers) == 2 * m.workforce.n > 0
    lonely = m.agents_by_type[Citizen].select(lambda c: c.lonely)
    assert len(lonely) == int(np.count_nonzero(m.pop.ucla >= 6))
    assert m.citizen(n - 1).row == n - 1 and m.citizen(n - 1).unique_id == n
