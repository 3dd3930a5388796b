"""Tracks, group offerings, rooms, availability, sessions, week schedules and attendance.

A program runs *tracks* (Morning, Evening, Weekend) whose recurring *group offerings* are the
candidate group sessions of a week. A week's *schedule* (the solver's answer, or staff's) is
saved as *sessions* with their expected *attendees*; attendance is recorded per session and
attendee. Codes (rooms, offerings) and public ids (episodes, users) are the stable ids of the
exchange format (/work/shared/scheduling-format.md), never names.
"""

from openiop.scheduling.models.needs import (
    FamilyAvailability,
    GroupEnrollment,
    ParticipantPreferences,
    ParticipantUnavailability,
    UnavailabilityKind,
)
from openiop.scheduling.models.sessions import (
    AttendanceRecord,
    AttendanceStatus,
    AttendanceWeek,
    AttendeeSource,
    CalendarFeed,
    OutreachReason,
    OutreachTask,
    ScheduleStatus,
    Session,
    SessionAttendee,
    SessionSource,
    WeekSchedule,
)
from openiop.scheduling.models.setup import (
    LEAD_CHOICES,
    LEADS,
    ClinicianAvailability,
    ClinicianSchedule,
    ClinicianTimeOff,
    GroupOffering,
    Room,
    SessionKind,
    TimeOffReason,
    Topic,
    Track,
    Weekday,
    WeeklyWindow,
    validate_leads,
    weekday_field,
)

__all__ = [
    "LEADS",
    "LEAD_CHOICES",
    "AttendanceRecord",
    "AttendanceStatus",
    "AttendanceWeek",
    "AttendeeSource",
    "CalendarFeed",
    "ClinicianAvailability",
    "ClinicianSchedule",
    "ClinicianTimeOff",
    "FamilyAvailability",
    "GroupEnrollment",
    "GroupOffering",
    "OutreachReason",
    "OutreachTask",
    "ParticipantPreferences",
    "ParticipantUnavailability",
    "Room",
    "ScheduleStatus",
    "Session",
    "SessionAttendee",
    "SessionKind",
    "SessionSource",
    "TimeOffReason",
    "Topic",
    "Track",
    "UnavailabilityKind",
    "WeekSchedule",
    "Weekday",
    "WeeklyWindow",
    "validate_leads",
    "weekday_field",
]
