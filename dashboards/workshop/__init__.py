"""The workshop: guided exercises and a citizen to follow, as plain data and functions.

Nothing here needs a browser: dashboards/pages/workshop.py shows it, tests/workshop
checks it. `exercises.EXERCISES` are the exercises in order; `story` turns a tracked
citizen's recorded events into week-by-week sentences; `classroom` holds the
facilitator's switch that hides reveals in every student's browser.
"""

from .exercises import EXERCISES, Exercise, exercise, run_exercise
from .story import PROFILES, Story, follow, pick_citizen

__all__ = ["EXERCISES", "Exercise", "exercise", "run_exercise", "PROFILES", "Story", "follow", "pick_citizen"]
