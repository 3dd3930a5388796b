"""The week problem and its sessions as typed Python objects (no Django).

:mod:`.reading` builds them from the exchange documents (see
``/work/shared/scheduling-format.md``), validating as it goes; :func:`schedule_to_json`
writes a schedule document back.

Internally times are *week minutes*: ``day_index * 1440 + minutes since midnight``, Monday
being day 0. Sessions are :class:`GroupSession` and :class:`PairSession` (an individual or
family session: one participant with their therapist).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

PROBLEM_FORMAT = "openiop-week/1"
SCHEDULE_FORMAT = "openiop-schedule/1"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KINDS = ("group", "individual", "family")
DAY_MINUTES = 1440
GRID = 15  # individual and family sessions start on this grid (minutes)

_TIME = re.compile(r"^(\d\d):(\d\d)$")


# ----------------------------------------------------------------------------- time helpers


def parse_time(text: object, where: str) -> int:
    """``"HH:MM"`` (00:00 to 24:00) to minutes since midnight."""
    match = _TIME.match(text) if isinstance(text, str) else None
    if not match or int(match[1]) * 60 + int(match[2]) > DAY_MINUTES or int(match[2]) > 59:
        raise ValueError(f'{where} must be a time "HH:MM" between 00:00 and 24:00, got {text!r}')
    return int(match[1]) * 60 + int(match[2])


def format_time(minutes: int) -> str:
    """Minutes since midnight to ``"HH:MM"``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_day(text: object, where: str) -> int:
    if text not in DAYS:
        raise ValueError(f"{where} must be one of {', '.join(DAYS)}, got {text!r}")
    return DAYS.index(text)


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` spans; touching spans join (08-12 + 12-17 = 08-17)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covers(merged: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether one span of ``merged`` (sorted, merged) contains ``[start, end)``."""
    index = bisect_right(merged, (start, DAY_MINUTES * 8)) - 1
    return index >= 0 and merged[index][0] <= start and end <= merged[index][1]


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def describe_span(start: int, end: int) -> str:
    """``mon 09:00-12:00`` for a span in week minutes."""
    day, minute = divmod(start, DAY_MINUTES)
    return f"{DAYS[day]} {format_time(minute)}-{format_time(end - day * DAY_MINUTES)}"


# ----------------------------------------------------------------------------- the problem


@dataclass(frozen=True)
class Window:
    """A span of one day in week minutes; ``reason`` is kept for unavailability."""

    start: int
    end: int
    reason: str = ""

    @property
    def day(self) -> int:
        return self.start // DAY_MINUTES


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int
    uses: frozenset[str]
    virtual: bool = False


@dataclass(frozen=True)
class Clinician:
    id: str
    max_minutes: int
    leads: frozenset[str]
    available: tuple[Window, ...]

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        return merge((w.start, w.end) for w in self.available)


@dataclass(frozen=True)
class Offering:
    id: str
    topic: str
    start: int  # week minutes
    end: int
    min_size: int
    max_size: int
    virtual: bool = False

    @property
    def day(self) -> int:
        return self.start // DAY_MINUTES

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def describe(self) -> str:
        return f"{self.id} ({self.topic}, {describe_span(self.start, self.end)})"


@dataclass(frozen=True)
class Family:
    minutes: int
    available: tuple[Window, ...]

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        return merge((w.start, w.end) for w in self.available)


@dataclass(frozen=True)
class Participant:
    id: str
    target_minutes: int
    max_minutes: int
    min_days: int = 0
    therapist: str | None = None
    individual_minutes: int = 0
    virtual_ok: bool = False
    unavailable: tuple[Window, ...] = ()
    family: Family | None = None
    previous: tuple[str, ...] = ()
    preferred: tuple[str, ...] = ()

    def busy_reason(self, start: int, end: int) -> str | None:
        """The reason of the first unavailable window overlapping the span, else ``None``."""
        for window in self.unavailable:
            if overlaps(window.start, window.end, start, end):
                return window.reason or "unavailable"
        return None


@dataclass
class Problem:
    """One week's scheduling problem. ``pinned`` (an OpenIOP extension) holds sessions in
    schedule format that every answer must keep."""

    week_of: str
    rooms: tuple[Room, ...]
    clinicians: tuple[Clinician, ...]
    offerings: tuple[Offering, ...]
    participants: tuple[Participant, ...]
    pinned: tuple[dict[str, Any], ...] = field(default=())

    @cached_property
    def room(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def clinician(self) -> dict[str, Clinician]:
        return {c.id: c for c in self.clinicians}

    @cached_property
    def offering(self) -> dict[str, Offering]:
        return {o.id: o for o in self.offerings}

    @cached_property
    def participant(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}


# ----------------------------------------------------------------------------- sessions


@dataclass
class GroupSession:
    offering: str
    room: str
    lead: str
    participants: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "group",
            "offering": self.offering,
            "room": self.room,
            "lead": self.lead,
            "participants": list(self.participants),
        }


@dataclass
class PairSession:
    """An individual or family session: one participant and their therapist."""

    kind: str
    participant: str
    clinician: str
    room: str
    start: int  # week minutes
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def to_json(self) -> dict[str, Any]:
        day, minute = divmod(self.start, DAY_MINUTES)
        return {
            "kind": self.kind,
            "participant": self.participant,
            "clinician": self.clinician,
            "room": self.room,
            "day": DAYS[day],
            "from": format_time(minute),
            "to": format_time(self.end - day * DAY_MINUTES),
        }


Session = GroupSession | PairSession


def session_span(problem: Problem, session: Session) -> tuple[int, int]:
    if isinstance(session, GroupSession):
        offering = problem.offering[session.offering]
        return offering.start, offering.end
    return session.start, session.end


def participant_minutes(problem: Problem, sessions: Iterable[Session]) -> dict[str, int]:
    """Scheduled minutes per participant id: group, individual and family sessions alike."""
    totals = {p.id: 0 for p in problem.participants}
    for session in sessions:
        if isinstance(session, GroupSession):
            minutes = problem.offering[session.offering].minutes
            for pid in session.participants:
                totals[pid] += minutes
        else:
            totals[session.participant] += session.minutes
    return totals


def participant_days(problem: Problem, sessions: Iterable[Session]) -> dict[str, set[int]]:
    days: dict[str, set[int]] = {p.id: set() for p in problem.participants}
    for session in sessions:
        start, _ = session_span(problem, session)
        members = (
            session.participants if isinstance(session, GroupSession) else [session.participant]
        )
        for pid in members:
            days[pid].add(start // DAY_MINUTES)
    return days


def schedule_to_json(
    problem: Problem,
    sessions: Sequence[Session],
    *,
    status: str,
    stats: dict[str, Any],
    unmet: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """An ``openiop-schedule/1`` document: sessions in a stable order plus per-participant
    minutes, shortfall, distinct days and ``unmet`` reasons."""
    minutes = participant_minutes(problem, sessions)
    days = participant_days(problem, sessions)
    ordered = sorted(
        sessions,
        key=lambda s: (
            session_span(problem, s),
            s.offering if isinstance(s, GroupSession) else f"{s.kind}:{s.participant}",
        ),
    )
    return {
        "format": SCHEDULE_FORMAT,
        "status": status,
        "sessions": [s.to_json() for s in ordered],
        "participants": [
            {
                "id": p.id,
                "scheduled_minutes": minutes[p.id],
                "shortfall_minutes": max(0, p.target_minutes - minutes[p.id]),
                "days": len(days[p.id]),
                "unmet": list((unmet or {}).get(p.id, [])),
            }
            for p in problem.participants
        ],
        "stats": stats,
    }
