"""Capacity view: per day part, the program's demand against clinician and room supply.

``capacity(problem)`` (optionally with a schedule) returns one row per day part: ``morning``
(weekdays before 12:00), ``afternoon`` (weekdays 12:00-17:00), ``evening`` (weekdays from
17:00) and ``weekend``. All figures are minutes in that part of the week:

- ``demand_minutes``: group time participants need (target less their individual and family
  minutes), spread over the parts in proportion to the group time they *can* attend there
  (participants who can attend no group are spread by their free time);
- ``offered_seat_minutes``: seats times length of the offerings that can open there;
- ``clinician_minutes_needed``: lead time for that demand (in groups filled to the average
  seats) plus the individual and family sessions that can only happen there (spread like
  demand when they could happen in several parts); ``clinician_minutes_available``:
  clinicians' available time there, scaled down where their weekly maximum is smaller;
- ``room_minutes_needed``/``room_minutes_available``: the same for rooms, where a room is
  usable whenever some clinician works;
- with a schedule: ``scheduled_minutes`` (participants' time placed there) and
  ``unmet_minutes`` (their shortfall, spread like demand);
- ``bottleneck``: "clinicians", "rooms", "clinicians and rooms" or "" when need stays below
  90% of supply, so a director sees where hiring or another room would help.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .candidates import Candidates, build_candidates
from .model import DAY_MINUTES, Problem, merge, participant_minutes
from .reading import sessions_from_json

PARTS = ("morning", "afternoon", "evening", "weekend")
_WEEKDAY_PARTS = (("morning", 0, 720), ("afternoon", 720, 1020), ("evening", 1020, DAY_MINUTES))
PRESSURE = 0.9
_Rows = dict[str, dict[str, float]]


def split(start: int, end: int) -> dict[str, int]:
    """Minutes of a span (week minutes, within one day) falling in each day part."""
    day = start // DAY_MINUTES
    if day >= 5:
        return {"weekend": end - start}
    offset = day * DAY_MINUTES
    result = {}
    for part, low, high in _WEEKDAY_PARTS:
        overlap = min(end, offset + high) - max(start, offset + low)
        if overlap > 0:
            result[part] = overlap
    return result


def _group_weights(problem: Problem, cands: Candidates, pid: str) -> dict[str, float]:
    """Where a participant's group time can go: the minutes of groups they may attend per
    part, or their free time per part if they may attend none."""
    weights: dict[str, float] = defaultdict(float)
    for o in cands.attend[pid]:
        for part, minutes in split(problem.offering[o].start, problem.offering[o].end).items():
            weights[part] += minutes
    return weights or _free_weights(problem, pid)


def _spread(total: float, weights: dict[str, float], into: dict[str, float]) -> None:
    whole = sum(weights.values())
    for part, weight in weights.items():
        if whole:
            into[part] += total * weight / whole


def _free_weights(problem: Problem, pid: str) -> dict[str, float]:
    participant = problem.participant[pid]
    busy = merge((w.start, w.end) for w in participant.unavailable)
    weights: dict[str, float] = defaultdict(float)
    for day in range(7):
        low, high = day * DAY_MINUTES + 480, day * DAY_MINUTES + 1260  # 08:00-21:00
        for start, end in _gaps(busy, low, high):
            for part, minutes in split(start, end).items():
                weights[part] += minutes
    return weights


def _gaps(busy: list[tuple[int, int]], low: int, high: int) -> list[tuple[int, int]]:
    gaps, cursor = [], low
    for start, end in busy:
        if end <= cursor or start >= high:
            continue
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < high:
        gaps.append((cursor, high))
    return gaps


def capacity(problem: Problem, schedule: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Demand against supply per day part (see the module docstring)."""
    cands = build_candidates(problem)
    rows = {part: defaultdict(float) for part in PARTS}
    seats_total = minutes_total = 0.0
    for o, option in cands.groups.items():
        offering = problem.offering[o]
        seats = max(option.seats.values())
        seats_total += seats * offering.minutes
        minutes_total += offering.minutes
        for part, minutes in split(offering.start, offering.end).items():
            rows[part]["offered_seat_minutes"] += seats * minutes
    average_seats = seats_total / minutes_total if minutes_total else 1.0
    _demand(problem, cands, rows, average_seats)
    _supply(problem, rows)
    if schedule is not None:
        _scheduled(problem, schedule, rows)
    return [_row(part, rows[part], schedule is not None) for part in PARTS]


def _demand(problem: Problem, cands: Candidates, rows: _Rows, average_seats: float) -> None:
    for participant in problem.participants:
        weights = _group_weights(problem, cands, participant.id)
        personal = participant.individual_minutes + (
            participant.family.minutes if participant.family else 0
        )
        need = max(0, participant.target_minutes - personal)
        demand: dict[str, float] = defaultdict(float)
        _spread(need, weights, demand)
        for part, minutes in demand.items():
            rows[part]["demand_minutes"] += minutes
            rows[part]["clinician_minutes_needed"] += minutes / average_seats
            rows[part]["room_minutes_needed"] += minutes / average_seats
    for request in cands.requests:
        where: dict[str, float] = defaultdict(float)
        for start in request.all_starts():
            for part, minutes in split(start, start + request.minutes).items():
                where[part] += minutes
        extra: dict[str, float] = defaultdict(float)
        _spread(request.minutes, where, extra)
        for part, minutes in extra.items():
            rows[part]["clinician_minutes_needed"] += minutes
            rows[part]["room_minutes_needed"] += minutes


def _supply(problem: Problem, rows: _Rows) -> None:
    staffed: list[tuple[int, int]] = []
    for clinician in problem.clinicians:
        available = sum(end - start for start, end in clinician.spans)
        scale = min(1.0, clinician.max_minutes / available) if available else 0.0
        for start, end in clinician.spans:
            staffed.append((start, end))
            for part, minutes in split(start, end).items():
                rows[part]["clinician_minutes_available"] += minutes * scale
    for start, end in merge(staffed):
        for part, minutes in split(start, end).items():
            rows[part]["room_minutes_available"] += minutes * len(problem.rooms)


def _scheduled(problem: Problem, schedule: dict[str, Any], rows: _Rows) -> None:
    sessions = sessions_from_json(problem, schedule.get("sessions", []), strict=False)
    for session in sessions:
        members = getattr(session, "participants", None) or [getattr(session, "participant", "")]
        start, end = (
            (problem.offering[session.offering].start, problem.offering[session.offering].end)
            if hasattr(session, "offering")
            else (session.start, session.end)
        )
        for part, minutes in split(start, end).items():
            rows[part]["scheduled_minutes"] += minutes * len(members)
    placed = participant_minutes(problem, sessions)
    cands = build_candidates(problem)
    for participant in problem.participants:
        short = max(0, participant.target_minutes - placed[participant.id])
        unmet: dict[str, float] = defaultdict(float)
        _spread(short, _group_weights(problem, cands, participant.id), unmet)
        for part, minutes in unmet.items():
            rows[part]["unmet_minutes"] += minutes


def _row(part: str, figures: dict[str, float], scheduled: bool) -> dict[str, Any]:
    keys = [
        "demand_minutes",
        "offered_seat_minutes",
        "clinician_minutes_needed",
        "clinician_minutes_available",
        "room_minutes_needed",
        "room_minutes_available",
    ]
    if scheduled:
        keys += ["scheduled_minutes", "unmet_minutes"]
    row: dict[str, Any] = {"part": part}
    row.update({key: round(figures.get(key, 0.0)) for key in keys})
    short = []
    for what in ("clinician", "room"):
        if row[f"{what}_minutes_needed"] > PRESSURE * row[f"{what}_minutes_available"]:
            short.append(f"{what}s")
    row["bottleneck"] = " and ".join(short)
    return row
