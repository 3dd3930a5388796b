"""Shared pieces of the exchange format: its names, times and windows."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from openiop.scheduling import rules
from openiop.scheduling.models import SessionKind

PROBLEM_FORMAT = "openiop-week/1"
SCHEDULE_FORMAT = "openiop-schedule/1"
PAIR_KINDS = (SessionKind.INDIVIDUAL.value, SessionKind.FAMILY.value)


def hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def window(item, **extra) -> dict[str, Any]:
    return {
        "day": rules.DAYS[item.weekday],
        "from": hhmm(item.start_time),
        "to": hhmm(item.end_time),
        **extra,
    }


def check_monday(week_of: date) -> None:
    if week_of.weekday() != 0:
        raise ValueError(f"A week starts on a Monday; {week_of.isoformat()} is not one.")
