"""Helpers shared by the report selectors: weeks of a range, docstring definitions."""

from __future__ import annotations

import inspect
from datetime import date, timedelta


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks(start: date, end: date) -> list[date]:
    """Mondays of the weeks that overlap [start, end]."""
    first, count = monday(start), (monday(end) - monday(start)).days // 7 + 1
    return [first + timedelta(weeks=i) for i in range(count)]


def definition(function) -> str:
    """A selector's docstring, unwrapped: the figure's definition shown under its table."""
    text = inspect.getdoc(function) or ""
    return " ".join(text.split())
