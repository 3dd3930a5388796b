"""Writes on scheduling. Each takes the ``actor``, runs in one transaction, validates, saves and
writes its own audit rows (codes and ids only, never free text).

- ``week``: attendance, places and recurring rosters, one-off sessions, building a week,
  calendar feeds, participants' scheduling needs.
- ``setup``: the program's tracks, recurring groups, rooms, clinicians' hours and time off.

Saving a week's schedule from an exchange-format document is ``exchange.schedule_save``.
"""

from openiop.scheduling.services.setup import (
    clinician_availability_add,
    clinician_availability_remove,
    clinician_schedule_save,
    clinician_time_off_add,
    clinician_time_off_remove,
    offering_delete,
    offering_save,
    room_delete,
    room_save,
    track_delete,
    track_save,
)
from openiop.scheduling.services.week import (
    BUILD_SECONDS,
    AttendanceEntry,
    attendance_record,
    attendee_pin,
    calendar_feed_reset,
    group_join,
    group_leave,
    outreach_task_done,
    preferences_update,
    schedule_build,
    session_add,
    token_digest,
    weekly_window_add,
    weekly_window_remove,
)

__all__ = [
    "BUILD_SECONDS",
    "AttendanceEntry",
    "attendance_record",
    "attendee_pin",
    "calendar_feed_reset",
    "clinician_availability_add",
    "clinician_availability_remove",
    "clinician_schedule_save",
    "clinician_time_off_add",
    "clinician_time_off_remove",
    "group_join",
    "group_leave",
    "offering_delete",
    "offering_save",
    "outreach_task_done",
    "preferences_update",
    "room_delete",
    "room_save",
    "schedule_build",
    "session_add",
    "token_digest",
    "track_delete",
    "track_save",
    "weekly_window_add",
    "weekly_window_remove",
]
