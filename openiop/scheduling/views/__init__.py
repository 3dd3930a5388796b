"""Scheduling pages.

- ``week``: the attendance roster, the chart's Schedule tab, week views, the builder and
  calendar feeds.
- ``sessions``: one-off sessions and recurring-roster changes.
- ``setup``: the program's tracks, recurring groups, rooms and staff hours.
"""

from openiop.scheduling.views.sessions import group_roster, session_add
from openiop.scheduling.views.setup import (
    offering_add,
    offering_edit,
    room_add,
    room_edit,
    setup,
    staff_hours,
    track_add,
    track_edit,
)
from openiop.scheduling.views.week import (
    availability,
    builder,
    capacity,
    clinician_week,
    feed,
    my_feed_reset,
    outreach_done,
    participant_feed_reset,
    pin,
    program_week,
    roster,
    schedule_tab,
)

__all__ = [
    "availability",
    "builder",
    "capacity",
    "clinician_week",
    "feed",
    "group_roster",
    "my_feed_reset",
    "offering_add",
    "offering_edit",
    "outreach_done",
    "participant_feed_reset",
    "pin",
    "program_week",
    "room_add",
    "room_edit",
    "roster",
    "schedule_tab",
    "session_add",
    "setup",
    "staff_hours",
    "track_add",
    "track_edit",
]
