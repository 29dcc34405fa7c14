"""The facilitator's switch: hold every student's reveals until the facilitator opens them.

Students each have their own browser session (their own predictions and runs); the
facilitator's switch is the one thing shared by every session served by the same
dashboard process, so that one person can hold and open the reveals for the room.
Changing it needs the facilitator code: `$BELONGING_FACILITATOR_CODE`, or
DEFAULT_CODE when that is unset (docs/workshop.md tells the facilitator to set one).

Pages watch `version` and re-render when it changes.
"""

from __future__ import annotations

import hmac
import os
import threading

DEFAULT_CODE = "facilitator"


class WrongCode(PermissionError):
    """The facilitator code did not match."""


def facilitator_code() -> str:
    return os.environ.get("BELONGING_FACILITATOR_CODE") or DEFAULT_CODE


def code_ok(code: str | None) -> bool:
    return bool(code) and hmac.compare_digest(str(code).encode(), facilitator_code().encode())


class Classroom:
    """Whether reveals are held, and for which exercises the facilitator has opened them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._hold = False
        self._opened: set[str] = set()
        self.version = 0

    def _check(self, code):
        if not code_ok(code):
            raise WrongCode("facilitator code: wrong code; the reveals were not changed")

    def _bump(self):
        self.version += 1

    @property
    def hold(self) -> bool:
        return self._hold

    @property
    def opened(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._opened)

    def revealed(self, exercise_key: str) -> bool:
        """Whether students may see this exercise's reveal now."""
        with self._lock:
            return not self._hold or exercise_key in self._opened

    def set_hold(self, code: str, hold: bool) -> None:
        """Hold reveals (True: closed until opened) or let each student see theirs after running."""
        self._check(code)
        with self._lock:
            self._hold = bool(hold)
            if hold:
                self._opened.clear()
            self._bump()

    def open(self, code: str, exercise_key: str) -> None:
        self._check(code)
        with self._lock:
            self._opened.add(exercise_key)
            self._bump()

    def close(self, code: str, exercise_key: str) -> None:
        self._check(code)
        with self._lock:
            self._opened.discard(exercise_key)
            self._bump()

    def open_all(self, code: str, keys) -> None:
        self._check(code)
        with self._lock:
            self._opened.update(keys)
            self._bump()

    def reset(self) -> None:
        """Back to the start: reveals not held, none opened (tests, a new session of the workshop)."""
        with self._lock:
            self._hold = False
            self._opened.clear()
            self._bump()


CLASSROOM = Classroom()
