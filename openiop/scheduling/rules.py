"""Scheduling and attendance rules: data plus small pure functions (no Django, no database).

- Weeks run Monday to Sunday; ``week_of`` is the Monday. ISO weeks ("2026-W48") name them.
- The weekly target comes from the episode's phase for that week (step-down), unless the
  participant has an override (with a reason).
- Hours: attended minutes (present, late, left early, video) against scheduled minutes and
  the target; the flags a clinician acts on are computed here from dates and statuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Default lengths of session types that do not come from an offering's times (minutes).
SESSION_TYPE_MINUTES = {"individual": 60, "family": 60}
GROUP_DEFAULT_MINUTES = 180

PRESENT = "present"
LATE = "late"
LEFT_EARLY = "left_early"
ABSENT_EXCUSED = "absent_excused"
ABSENT_UNEXCUSED = "absent_unexcused"
VIDEO = "video"
ATTENDED_STATUSES = frozenset({PRESENT, LATE, LEFT_EARLY, VIDEO})
ABSENT_STATUSES = frozenset({ABSENT_EXCUSED, ABSENT_UNEXCUSED})

# Flags, in the order pages show them.
UNDER_TARGET = "under_target"
FEW_DAYS = "few_days"
LONG_GAP = "long_gap"
UNEXCUSED_TWICE = "unexcused_twice"
FLAGS = (UNDER_TARGET, FEW_DAYS, LONG_GAP, UNEXCUSED_TWICE)

MAX_DAYS_WITHOUT_SESSION = 3  # more than this many whole days between sessions is flagged
CONSECUTIVE_UNEXCUSED = 2

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


# ----------------------------------------------------------------------------- weeks


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_days(week_of: date) -> list[date]:
    return [week_of + timedelta(days=offset) for offset in range(7)]


def parse_iso_week(text: str) -> date:
    """``"2026-W48"`` to the Monday of that ISO week; ValueError with a clear message."""
    match = _ISO_WEEK.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"The week must look like 2026-W48 (an ISO year and week), not {text!r}.")
    year, week = int(match[1]), int(match[2])
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no ISO week {week}.") from None


def iso_week(week_of: date) -> str:
    year, week, _day = week_of.isocalendar()
    return f"{year}-W{week:02d}"


# ----------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Phase:
    """A program phase in step-down order: its target and its typical length."""

    order: int
    target_minutes: int
    typical_weeks: int


def hours_to_minutes(hours: Decimal | int | float) -> int:
    return round(Decimal(str(hours)) * 60)


def planned_phase(phases: Sequence[Phase], *, admitted_on: date, week_of: date) -> Phase:
    """The phase the step-down plan puts a week in: the first phase for its typical weeks
    from the admission week, then the next, staying in the last one."""
    ordered = sorted(phases, key=lambda phase: phase.order)
    if not ordered:
        raise ValueError("A program needs at least one phase for a step-down plan.")
    weeks_in = max(0, (week_of - week_start(admitted_on)).days // 7)
    for phase in ordered:
        if weeks_in < phase.typical_weeks:
            return phase
        weeks_in -= phase.typical_weeks
    return ordered[-1]


def phase_for_week(
    phases: Sequence[Phase],
    *,
    admitted_on: date,
    week_of: date,
    current: Phase | None,
    this_week: date,
) -> Phase | None:
    """The phase whose target applies to ``week_of``.

    The current week and later weeks use the episode's current phase (the clinician decides
    when someone steps down). Past weeks follow the step-down plan from admission, but never
    past the current phase (someone held back in a phase was held back then too). Without a
    current phase the plan decides.
    """
    if not phases:
        return current
    if current is not None and week_of >= this_week:
        return current
    planned = planned_phase(phases, admitted_on=admitted_on, week_of=week_of)
    if current is not None and current.order < planned.order:
        return current
    return planned


def target_minutes(
    *, phase: Phase | None, override_minutes: int | None, program_minimum_minutes: int
) -> int:
    """The weekly target: a participant's override, else the phase's, else the program
    minimum."""
    if override_minutes is not None:
        return override_minutes
    if phase is not None:
        return phase.target_minutes
    return program_minimum_minutes


def individual_due(*, last_individual_on: date | None, week_of: date, every_weeks: int) -> bool:
    """Whether an individual session is due in ``week_of``: every ``every_weeks`` weeks
    counted from the week of the last one (never had one: due)."""
    if every_weeks < 1:
        raise ValueError("An individual session is due every 1 or more weeks.")
    if last_individual_on is None:
        return True
    weeks_since = (week_of - week_start(last_individual_on)).days // 7
    return weeks_since >= every_weeks


# ----------------------------------------------------------------------------- hours and flags


@dataclass(frozen=True)
class Attendance:
    """One session a participant was expected at or came to.

    ``status`` is None while attendance is not recorded; ``expected`` is False for walk-ins.
    """

    held_on: date
    order: int  # start time in minutes, to order sessions of one day
    session_minutes: int
    status: str | None
    minutes: int = 0
    expected: bool = True


@dataclass(frozen=True)
class WeekHours:
    week_of: date
    target_minutes: int
    scheduled_minutes: int
    attended_minutes: int
    days_attended: int
    is_complete: bool  # the week is over: under-target and day flags apply
    flags: tuple[str, ...] = field(default=())

    @property
    def shortfall_minutes(self) -> int:
        return max(0, self.target_minutes - self.attended_minutes)

    @property
    def attended_hours(self) -> str:
        return minutes_as_hours(self.attended_minutes)

    @property
    def scheduled_hours(self) -> str:
        return minutes_as_hours(self.scheduled_minutes)

    @property
    def target_hours(self) -> str:
        return minutes_as_hours(self.target_minutes)


def minutes_as_hours(minutes: int) -> str:
    """540 -> "9", 570 -> "9.5", 555 -> "9.25"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def attended(entry: Attendance) -> bool:
    return entry.status in ATTENDED_STATUSES


def long_gaps(
    attended_dates: Iterable[date], *, until: date, max_days: int = MAX_DAYS_WITHOUT_SESSION
) -> list[tuple[date, date]]:
    """Spans with more than ``max_days`` whole days without an attended session: between two
    attended days (Thursday to the next Monday is 3 days without, not flagged; Monday to
    Saturday is 4, flagged), and from the last one up to ``until`` (a gap still open). Each
    span is (last day attended, the day it ended or ``until``)."""
    days = sorted(set(attended_dates))
    ends = [*days[1:], until] if days and until > days[-1] else days[1:]
    return [
        (start, end)
        for start, end in zip(days, ends, strict=False)
        if (end - start).days > max_days + 1
    ]


def consecutive_unexcused_on(
    entries: Sequence[Attendance], count: int = CONSECUTIVE_UNEXCUSED
) -> list[date]:
    """Days on which a participant reached ``count`` unexcused absences in a row (recorded
    sessions in time order; sessions not yet recorded are skipped)."""
    run, hits = 0, []
    for entry in sorted(entries, key=lambda e: (e.held_on, e.order)):
        if entry.status is None:
            continue
        run = run + 1 if entry.status == ABSENT_UNEXCUSED else 0
        if run == count:
            hits.append(entry.held_on)
    return hits


def weekly_hours(
    entries: Sequence[Attendance],
    *,
    targets: dict[date, int],
    min_days: int,
    today: date,
    partial: Iterable[date] = (),
) -> list[WeekHours]:
    """One row per week in ``targets`` (Mondays), oldest first, with its flags.

    Under target and fewer than ``min_days`` days are judged once the week is over, and not
    for ``partial`` weeks (admitted after its Monday or discharged before its Sunday); a long
    gap is flagged in the week it ends (an open gap: the current week); two unexcused
    absences in a row in the week the second one happened.
    """
    partial = set(partial)
    attended_days = [e.held_on for e in entries if attended(e)]
    gap_ends = (
        [end for _start, end in long_gaps(attended_days, until=today)] if attended_days else []
    )
    unexcused = consecutive_unexcused_on(entries)
    rows = []
    for week_of in sorted(targets):
        week_end = week_of + timedelta(days=6)
        in_week = [e for e in entries if week_of <= e.held_on <= week_end]
        came = [e for e in in_week if attended(e)]
        row = WeekHours(
            week_of=week_of,
            target_minutes=targets[week_of],
            scheduled_minutes=sum(e.session_minutes for e in in_week if e.expected),
            attended_minutes=sum(e.minutes for e in came),
            days_attended=len({e.held_on for e in came}),
            is_complete=week_end < today,
        )
        flags = []
        judged = row.is_complete and week_of not in partial
        if judged and row.attended_minutes < row.target_minutes:
            flags.append(UNDER_TARGET)
        if judged and row.days_attended < min_days:
            flags.append(FEW_DAYS)
        if any(week_of <= end <= week_end for end in gap_ends):
            flags.append(LONG_GAP)
        if any(week_of <= day <= week_end for day in unexcused):
            flags.append(UNEXCUSED_TWICE)
        rows.append(WeekHours(**{**row.__dict__, "flags": tuple(flags)}))
    return rows


def default_minutes(status: str, session_minutes: int) -> int:
    """What the roster pre-fills: the whole session when attended, 0 when absent."""
    return 0 if status in ABSENT_STATUSES else session_minutes
