"""Builders for small week problems in the exchange format, shared by the solver tests.

(The solver is imported only by ``solved``, so other tests importing this package's
factories do not load OR-Tools.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openiop.scheduling.solver.model import Problem

Doc = dict[str, Any]


def window(day: str, start: str, end: str, reason: str = "") -> Doc:
    found = {"day": day, "from": start, "to": end}
    return {**found, "reason": reason} if reason else found


def room(id: str, *uses: str, capacity: int = 12, virtual: bool = False) -> Doc:
    return {"id": id, "capacity": capacity, "uses": list(uses or ("group",)), "virtual": virtual}


def clinician(
    id: str,
    *leads: str,
    available: list[Doc] | None = None,
    max_minutes: int = 2400,
) -> Doc:
    days = ("mon", "tue", "wed", "thu", "fri")
    return {
        "id": id,
        "max_minutes": max_minutes,
        "leads": list(leads or ("process", "skills", "individual", "family")),
        "available": available
        if available is not None
        else [window(day, "08:00", "20:00") for day in days],
    }


def offering(
    id: str,
    day: str = "mon",
    start: str = "09:00",
    end: str = "12:00",
    *,
    topic: str = "process",
    min_size: int = 1,
    max_size: int = 12,
    virtual: bool = False,
) -> Doc:
    return {
        "id": id,
        "topic": topic,
        "day": day,
        "from": start,
        "to": end,
        "min_size": min_size,
        "max_size": max_size,
        "virtual": virtual,
    }


def participant(id: str, therapist: str | None = "c1", **fields: Any) -> Doc:
    found: Doc = {
        "id": id,
        "target_minutes": 180,
        "max_minutes": 1140,
        "min_days": 0,
        "therapist": therapist,
        "individual_minutes": 0,
        "virtual_ok": False,
        "unavailable": [],
        "family": None,
        "previous": [],
        "preferred": [],
    }
    found.update(fields)
    return found


def week(
    *,
    rooms: list[Doc] | None = None,
    clinicians: list[Doc] | None = None,
    offerings: list[Doc] | None = None,
    participants: list[Doc] | None = None,
    **extra: Any,
) -> Doc:
    return {
        "format": "openiop-week/1",
        "week_of": "2026-11-23",
        "rooms": rooms
        if rooms is not None
        else [room("group-a", "group"), room("office-1", "individual", "family", capacity=4)],
        "clinicians": clinicians if clinicians is not None else [clinician("c1")],
        "offerings": offerings if offerings is not None else [],
        "participants": participants if participants is not None else [],
        **extra,
    }


def solved(doc: Doc, time_limit: float = 3.0, **options: Any) -> tuple[Problem, Doc]:
    """The problem read from ``doc`` and the solver's schedule for it."""
    from openiop.scheduling.solver import problem_from_json, solve

    problem = problem_from_json(doc)
    return problem, solve(problem, time_limit=time_limit, **options)


def groups_of(schedule: Doc, pid: str) -> set[str]:
    return {
        s["offering"]
        for s in schedule["sessions"]
        if s["kind"] == "group" and pid in s["participants"]
    }


def pair_of(schedule: Doc, pid: str, kind: str) -> Doc | None:
    return next(
        (s for s in schedule["sessions"] if s["kind"] == kind and s["participant"] == pid), None
    )


def row(schedule: Doc, pid: str) -> Doc:
    return next(r for r in schedule["participants"] if r["id"] == pid)
