"""Realistic synthetic weeks (fictional people only) for tests and the benchmark.

``generate_problem(200, seed=1)`` returns an ``openiop-week/1`` document sized like a real
program of that many participants. The same size and seed give the same document.

Who is in it (shares are approximate, drawn per participant):
- participants: day workers (45%: unavailable on weekdays roughly 07:00-17:30, some also on
  Saturday), late-shift workers (15%: unavailable weekday afternoons and evenings), students
  (15%: school on weekday mornings) and flexible people (25%: one childcare or appointment
  window). Three quarters are in IOP (9 hours a week, 3 days), a quarter step down (6 hours,
  2 days); 19 hours is the ceiling. 80% are due an individual session (60 minutes), 30% a
  family session in an evening or Saturday-morning window; 60% may join virtually. Those in
  their second week or later attended two or three groups last week (``previous``); some
  asked for a group (``preferred``).
- clinicians: day shift (08:30-17:00), late shift (12:00-21:00) and Tuesday-to-Saturday staff,
  each leading three or four of the five group topics, caseloads spread evenly.
- offerings: weekday mornings, early afternoons and evenings (one virtual evening group a
  day) plus Saturday morning and afternoon, three hours each, sized 3 to 12; some spare
  blocks, so the solver has to choose which to open.
- rooms: group rooms of 12, offices for individual and family sessions, and video rooms.
"""

from __future__ import annotations

import random
from typing import Any

from .model import DAYS, PROBLEM_FORMAT

TOPICS = ("process", "psychoeducation", "skills", "relapse-prevention", "wellness")
WEEKDAYS = DAYS[:5]
# (label, days, from, to, parallel offerings per 200 participants, virtual ones among them)
BLOCKS = (
    ("am", WEEKDAYS, "09:00", "12:00", 3, 0),
    ("pm", WEEKDAYS, "13:00", "16:00", 2, 0),
    ("eve", WEEKDAYS[:4], "18:00", "21:00", 5, 1),
    ("eve", ("fri",), "17:30", "20:30", 2, 1),
    ("am", ("sat",), "09:00", "12:00", 3, 0),
    ("pm", ("sat",), "13:00", "16:00", 2, 0),
)


def _scaled(base: float, scale: float) -> int:
    return max(1, round(base * scale))


def _window(day: str, start: str, end: str, reason: str = "") -> dict[str, str]:
    window = {"day": day, "from": start, "to": end}
    if reason:
        window["reason"] = reason
    return window


def _rooms(scale: float) -> list[dict[str, Any]]:
    rooms = [
        {"id": f"group-{i + 1}", "capacity": 12, "uses": ["group"]}
        for i in range(_scaled(4, scale))
    ]
    rooms += [
        {"id": f"office-{i + 1}", "capacity": 4, "uses": ["individual", "family"]}
        for i in range(_scaled(7, scale))
    ]
    rooms += [
        {
            "id": f"video-{i + 1}",
            "capacity": 15,
            "uses": list(("group", "individual", "family")),
            "virtual": True,
        }
        for i in range(_scaled(4, scale))
    ]
    return rooms


def _clinicians(scale: float, rng: random.Random) -> list[dict[str, Any]]:
    shifts = (
        ("day", WEEKDAYS, "08:30", "17:00"),
        ("late", WEEKDAYS, "12:00", "21:00"),
        ("tue-sat", ("tue", "wed", "thu", "fri", "sat"), "09:00", "18:00"),
    )
    counts = (_scaled(5, scale), _scaled(8, scale), _scaled(3, scale))
    clinicians = []
    for (_, days, start, end), count in zip(shifts, counts, strict=True):
        for _ in range(count):
            topics = rng.sample(TOPICS, rng.choice((3, 4)))
            clinicians.append(
                {
                    "id": f"c{len(clinicians) + 1:03d}",
                    "max_minutes": rng.choice((1800, 2100, 2400)),
                    "leads": [*topics, "individual", "family"],
                    "available": [_window(day, start, end) for day in days],
                }
            )
    return clinicians


def _offerings(scale: float, rng: random.Random) -> list[dict[str, Any]]:
    offerings = []
    for label, days, start, end, parallel, virtual in BLOCKS:
        count = _scaled(parallel, scale)
        virtual_count = min(count - 1, round(virtual * max(scale, 1))) if virtual else 0
        for day in days:
            offset = rng.randrange(len(TOPICS))
            topics = [TOPICS[(offset + i) % len(TOPICS)] for i in range(count)]
            for i, topic in enumerate(topics):
                offerings.append(
                    {
                        "id": f"{day}-{label}-{topic}-{i + 1}",
                        "topic": topic,
                        "day": day,
                        "from": start,
                        "to": end,
                        "min_size": rng.choice((3, 3, 4)),
                        "max_size": 12,
                        "virtual": i < virtual_count,
                    }
                )
    return offerings


def _unavailable(kind: str, rng: random.Random) -> list[dict[str, str]]:
    if kind == "day worker":
        start, end = rng.choice((("07:00", "15:30"), ("08:00", "16:30"), ("09:00", "17:30")))
        days = WEEKDAYS + (("sat",) if rng.random() < 0.15 else ())
        return [_window(day, start, end, "work") for day in days]
    if kind == "late shift":
        start, end = rng.choice((("14:00", "22:30"), ("15:00", "23:00")))
        return [_window(day, start, end, "work") for day in WEEKDAYS]
    if kind == "student":
        return [_window(day, "08:00", "14:30", "school") for day in WEEKDAYS]
    day = rng.choice(WEEKDAYS)
    start, end = rng.choice((("08:00", "10:00"), ("15:00", "18:00"), ("10:00", "13:00")))
    return [_window(day, start, end, rng.choice(("childcare", "appointment")))]


def _family(rng: random.Random) -> dict[str, Any] | None:
    if rng.random() >= 0.3:
        return None
    if rng.random() < 0.2:
        return {"minutes": 60, "available": [_window("sat", "10:00", "14:00")]}
    days = rng.sample(WEEKDAYS, rng.choice((1, 2)))
    return {"minutes": 60, "available": [_window(day, "17:00", "20:00") for day in days]}


def _participant(index: int, rng: random.Random) -> dict[str, Any]:
    kind = rng.choices(("day worker", "late shift", "student", "flexible"), (45, 15, 15, 25))[0]
    step_down = rng.random() < 0.25
    return {
        "id": f"p{index + 1:04d}",
        "target_minutes": 360 if step_down else 540,
        "max_minutes": 1140,
        "min_days": 2 if step_down else 3,
        "therapist": None,
        "individual_minutes": 60 if rng.random() < 0.8 else 0,
        "virtual_ok": rng.random() < 0.6,
        "unavailable": _unavailable(kind, rng),
        "family": _family(rng),
        "previous": [],
        "preferred": [],
    }


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def _fit(participant: dict[str, Any], clinician: dict[str, Any]) -> int:
    """How many hours of the clinician's week the participant is free for (and the family's
    window, if any, meets the clinician's hours: otherwise 0)."""
    busy = {(w["day"], _minutes(w["from"]), _minutes(w["to"])) for w in participant["unavailable"]}
    hours = 0
    for window in clinician["available"]:
        for hour in range(_minutes(window["from"]), _minutes(window["to"]) - 59, 60):
            if not any(d == window["day"] and a < hour + 60 and hour < b for d, a, b in busy):
                hours += 1
    family = participant["family"]
    if family and not any(
        f["day"] == w["day"]
        and _minutes(f["from"]) < _minutes(w["to"]) - 59
        and _minutes(w["from"]) < _minutes(f["to"]) - 59
        for f in family["available"]
        for w in clinician["available"]
    ):
        return 0
    return hours


def _assign_therapists(
    participants: list[dict[str, Any]], clinicians: list[dict[str, Any]]
) -> None:
    """Each participant gets the least-loaded clinician whose hours suit them (as a program
    would), caseloads capped at an even share plus a little."""
    cap = len(participants) // len(clinicians) + 2
    load = dict.fromkeys((c["id"] for c in clinicians), 0)
    for participant in participants:
        fits = [(c, _fit(participant, c)) for c in clinicians if load[c["id"]] < cap]
        usable = [c for c, hours in fits if hours >= 4] or [c for c, _ in fits]
        chosen = min(usable, key=lambda c: load[c["id"]])
        participant["therapist"] = chosen["id"]
        load[chosen["id"]] += 1


def _free_for(participant: dict[str, Any], offering: dict[str, Any]) -> bool:
    if offering["virtual"] and not participant["virtual_ok"]:
        return False
    return not any(
        w["day"] == offering["day"] and w["from"] < offering["to"] and offering["from"] < w["to"]
        for w in participant["unavailable"]
    )


def _wishes(participants: list[dict[str, Any]], offerings: list[dict[str, Any]], rng) -> None:
    """Last week's groups for continuing participants, a request for some."""
    for participant in participants:
        free = [o["id"] for o in offerings if _free_for(participant, o)]
        if not free:
            continue
        if rng.random() < 0.7:
            participant["previous"] = sorted(rng.sample(free, min(len(free), rng.choice((2, 3)))))
        if rng.random() < 0.3:
            participant["preferred"] = sorted(rng.sample(free, min(len(free), rng.choice((1, 2)))))


def generate_problem(participants: int = 200, *, seed: int = 0) -> dict[str, Any]:
    """A synthetic ``openiop-week/1`` document with ``participants`` participants."""
    if participants < 1:
        raise ValueError("a generated week needs at least one participant")
    rng = random.Random(f"openiop-week:{participants}:{seed}")  # noqa: S311 (repeatable)
    scale = participants / 200
    clinicians = _clinicians(scale, rng)
    offerings = _offerings(scale, rng)
    people = [_participant(i, rng) for i in range(participants)]
    _assign_therapists(people, clinicians)
    _wishes(people, offerings, rng)
    return {
        "format": PROBLEM_FORMAT,
        "week_of": "2026-11-23",
        "rooms": _rooms(scale),
        "clinicians": clinicians,
        "offerings": offerings,
        "participants": people,
    }
