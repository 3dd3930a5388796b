"""The database and the week-schedule exchange format (/work/shared/scheduling-format.md).

- ``problem_for_week`` writes the ``openiop-week/1`` problem the database holds for a program's
  week; ``openiop schedule export`` prints it (``export_command``).
- ``schedule_save`` stores an ``openiop-schedule/1`` answer as that week's sessions.
- ``sessions_for_week`` reads the week's sessions back in schedule format, and
  ``pinned_for_week`` the ones a re-solve must keep.

Ids are codes and opaque public ids, never names: rooms and offerings by their code,
clinicians by their user's public id, participants by their episode's public id.
"""

from openiop.scheduling.exchange.cli import export_command, find_program
from openiop.scheduling.exchange.common import PROBLEM_FORMAT, SCHEDULE_FORMAT
from openiop.scheduling.exchange.problem import (
    pinned_for_week,
    problem_for_week,
    scheduled_episodes,
    session_json,
    session_sort_key,
    sessions_for_week,
)
from openiop.scheduling.exchange.saving import schedule_save

__all__ = [
    "PROBLEM_FORMAT",
    "SCHEDULE_FORMAT",
    "export_command",
    "find_program",
    "pinned_for_week",
    "problem_for_week",
    "schedule_save",
    "scheduled_episodes",
    "session_json",
    "session_sort_key",
    "sessions_for_week",
]
