"""The facilitator's switch: held reveals stay closed until the facilitator opens them, with the right code."""

from __future__ import annotations

import pytest

from dashboards.workshop import classroom
from dashboards.workshop.classroom import Classroom, WrongCode


@pytest.fixture
def room(monkeypatch):
    monkeypatch.setenv("BELONGING_FACILITATOR_CODE", "tea-and-biscuits")
    return Classroom()


def test_reveals_are_open_until_the_facilitator_holds_them(room):
    assert room.revealed("platform_alone")
    room.set_hold("tea-and-biscuits", True)
    assert room.hold and not room.revealed("platform_alone") and not room.revealed("cost")


def test_opening_one_exercise_opens_only_that_one(room):
    code = "tea-and-biscuits"
    room.set_hold(code, True)
    v = room.version
    room.open(code, "platform_alone")
    assert room.version > v
    assert room.revealed("platform_alone") and not room.revealed("targeting")
    room.close(code, "platform_alone")
    assert not room.revealed("platform_alone")
    room.open_all(code, ["platform_alone", "targeting"])
    assert room.opened == {"platform_alone", "targeting"}
    room.set_hold(code, False)
    assert room.revealed("cost")
    room.set_hold(code, True)
    assert room.opened == frozenset(), "holding again closes every reveal"


def test_a_wrong_code_changes_nothing(room):
    v = room.version
    for bad in ("", None, "facilitator", "tea-and-biscuit"):
        with pytest.raises(WrongCode, match="wrong code; the reveals were not changed"):
            room.set_hold(bad, True)
    with pytest.raises(WrongCode):
        room.open("nope", "platform_alone")
    assert not room.hold and room.version == v


def test_default_code_when_none_is_set(monkeypatch):
    monkeypatch.delenv("BELONGING_FACILITATOR_CODE", raising=False)
    assert classroom.facilitator_code() == classroom.DEFAULT_CODE
    assert classroom.code_ok(classroom.DEFAULT_CODE) and not classroom.code_ok("")
