"""Note timeliness: how old an unsigned note is, and when it is flagged or overdue.

Pure functions over times; a program changes the thresholds in its ``NotePolicy``. The
defaults (flag after 24 hours, overdue after 72) come from our issue tracker: many payers and
state rules expect a note within one to three business days of the service, so check yours
when configuring.

- A draft's age runs from the end of the service it documents (when that is not filled in
  yet, from when the draft was started).
- A note awaiting co-signature ages from the author's signature: that is when it reached the
  supervisor's queue.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class NoteTimeliness:
    flag_after_hours: int = 24
    overdue_after_hours: int = 72

    def __post_init__(self):
        if not 1 <= self.flag_after_hours < self.overdue_after_hours:
            raise ValueError("Need 1 <= flag_after_hours < overdue_after_hours")


DEFAULTS = NoteTimeliness()


class Urgency(StrEnum):
    ON_TIME = "on_time"
    FLAGGED = "flagged"
    OVERDUE = "overdue"


def service_ended_at(
    service_on: date, end_time: time | None, zone: ZoneInfo, *, fallback: datetime
) -> datetime:
    """When the service ended, as an aware datetime; ``fallback`` when the end is unknown."""
    if end_time is None:
        return fallback
    return datetime.combine(service_on, end_time, tzinfo=zone)


def age_hours(since: datetime, now: datetime) -> float:
    """Hours from ``since`` to ``now`` (never negative: a service later today is age 0)."""
    return max(0.0, (now - since).total_seconds() / 3600)


def urgency(hours: float, policy: NoteTimeliness = DEFAULTS) -> Urgency:
    """Past ``overdue_after_hours``: overdue; past ``flag_after_hours``: flagged."""
    if hours > policy.overdue_after_hours:
        return Urgency.OVERDUE
    if hours > policy.flag_after_hours:
        return Urgency.FLAGGED
    return Urgency.ON_TIME
