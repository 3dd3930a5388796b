"""The data every instrument is made of, and the checks every scorer shares.

Nothing here knows about a particular instrument: an instrument module builds an
:class:`Instrument` from :class:`Item` rows and a band table, and picks a scorer (usually
:func:`sum_score`). Answers are checked item by item and every error names the item, because a
clinician has to find and fix the wrong answer.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

AnswerValue = int | bool
BandTable = tuple[tuple[int, str], ...]
"""Ascending ``(floor, band code)`` pairs: a total is in the last band whose floor it reaches."""

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
YES_NO: tuple[tuple[bool, str], ...] = ((True, "Yes"), (False, "No"))


@dataclass(frozen=True)
class Score:
    """The result of scoring one administration.

    ``total`` and ``band`` are None for instruments that have no total or no band (the BAM, the
    C-SSRS screener has a band but no total). ``alerts`` are codes the care team must see.
    """

    total: int | None
    band: str | None
    subscales: dict[str, int] = field(default_factory=dict)
    alerts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    """One question: its number as printed (``"3"``, ``"7A"``), its text and its answers.

    ``options`` are ``(value, label)`` pairs; the value is what a caller passes in ``answers``.
    For a choice item the value is also the points it scores. A yes/no item has the values
    ``True``/``False`` and scores 1 for yes, or 1 for *no* when ``reverse`` is set. An item with
    ``scored=False`` is validated and recorded but adds to no total or subscale.
    """

    number: str
    text: str
    options: tuple[tuple[AnswerValue, str], ...]
    reverse: bool = False
    scored: bool = True

    @property
    def is_yes_no(self) -> bool:
        return all(isinstance(value, bool) for value, _ in self.options)

    @property
    def values(self) -> tuple[AnswerValue, ...]:
        return tuple(value for value, _ in self.options)

    def points(self, value: AnswerValue) -> int:
        if self.is_yes_no:
            return int(value != self.reverse)
        return int(value)

    @property
    def max_points(self) -> int:
        return max(self.points(value) for value in self.values)

    @property
    def min_points(self) -> int:
        return min(self.points(value) for value in self.values)


@dataclass(frozen=True)
class AlertRule:
    """``item`` scoring at least ``at_least`` points raises ``alert``."""

    item: str
    at_least: int
    alert: str


Scorer = Callable[["Instrument", Sequence[Any], Mapping[str, Any]], Score]


@dataclass(frozen=True)
class Instrument:
    """An instrument definition: data, plus the function that scores it.

    ``bands`` is the band table used when the score needs no context. ``band_variants`` holds
    the tables an instrument chooses between from its context (AUDIT-C: one per sex).
    ``total_range`` is ``(lowest, highest)`` possible total, or None when there is no total.
    ``subscales`` maps a subscale name to the item numbers it sums. ``context_keys`` lists the
    keyword arguments :func:`score` accepts for this instrument; any other is refused.
    ``item_text_verbatim`` says whether ``Item.text`` is the published wording (True) or a short
    descriptive label written for OpenIOP because the licence does not let us ship the wording.
    """

    code: str
    name: str
    items: tuple[Item, ...]
    recall_period: str
    citation: str
    licence: str
    requires_program_opt_in: bool
    scorer: Scorer = field(repr=False, compare=False)
    bands: BandTable | None = None
    band_variants: Mapping[str, BandTable] = field(default_factory=lambda: MappingProxyType({}))
    total_range: tuple[int, int] | None = None
    subscales: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    alert_rules: tuple[AlertRule, ...] = ()
    context_keys: frozenset[str] = frozenset()
    item_text_verbatim: bool = False
    notes: str = ""

    @property
    def is_sum_scored(self) -> bool:
        """True when the total is the sum of item points (the hypothesis properties rely on it)."""
        return self.scorer is sum_score or getattr(self.scorer, "sums_items", False)

    def item(self, number: str) -> Item:
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(number)


# --- answers -------------------------------------------------------------------------------


def check_answer_list(instrument: Instrument, answers: Any) -> list[Any]:
    """The answers as a list of the right length, or ValueError."""
    if isinstance(answers, str | bytes) or not isinstance(answers, list | tuple):
        raise ValueError(
            f"{instrument.name} answers must be a list in item order, not {type(answers).__name__}"
        )
    if len(answers) != len(instrument.items):
        raise ValueError(
            f"{instrument.name} takes {len(instrument.items)} answers in item order, "
            f"got {len(answers)}"
        )
    return list(answers)


def check_value(instrument: Instrument, item: Item, value: Any) -> AnswerValue:
    """One answer, checked against its item: the value to score, or ValueError naming the item."""
    where = f"{instrument.name} item {item.number}"
    if value is None:
        raise ValueError(f"{where}: no answer (None); a missing item is never scored as 0")
    if item.is_yes_no:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, int):
            raise ValueError(f"{where}: {value} is not one of yes (True or 1), no (False or 0)")
        raise ValueError(
            f"{where}: {value!r} ({type(value).__name__}) is not a yes/no answer "
            "(True/False or 1/0)"
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: {value!r} ({type(value).__name__}) is not an integer answer")
    if value not in item.values:
        allowed = ", ".join(str(v) for v in item.values)
        raise ValueError(f"{where}: {value} is not one of {allowed}")
    return value


def check_answers(instrument: Instrument, answers: Any) -> list[AnswerValue]:
    """Every answer checked: right count, right type, an allowed value, none missing."""
    values = check_answer_list(instrument, answers)
    return [
        check_value(instrument, item, v) for item, v in zip(instrument.items, values, strict=True)
    ]


# --- bands ---------------------------------------------------------------------------------


def band_for(table: BandTable, total: int) -> str:
    """The band a total falls in: the last one whose floor it reaches."""
    if total < table[0][0]:
        raise ValueError(f"total {total} is below the lowest band floor {table[0][0]}")
    return next(code for floor, code in reversed(table) if total >= floor)


def band_ranges(table: BandTable, total_range: tuple[int, int]) -> tuple[tuple[int, int, str], ...]:
    """The table as inclusive ``(low, high, code)`` ranges up to the highest possible total."""
    ranges = []
    for index, (floor, code) in enumerate(table):
        high = table[index + 1][0] - 1 if index + 1 < len(table) else total_range[1]
        ranges.append((floor, high, code))
    return tuple(ranges)


def check_band_table(table: Any, total_range: tuple[int, int], *, where: str) -> BandTable:
    """A band table that covers ``total_range`` from its lowest total, without gaps or overlaps."""
    if not isinstance(table, list | tuple) or not table:
        raise ValueError(f"{where}: bands must be a non-empty list of [floor, code] pairs")
    pairs = []
    for row in table:
        if not isinstance(row, list | tuple) or len(row) != 2:
            raise ValueError(f"{where}: band {row!r} is not a [floor, code] pair")
        floor, code = row
        if isinstance(floor, bool) or not isinstance(floor, int):
            raise ValueError(f"{where}: band floor {floor!r} is not an integer")
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            raise ValueError(
                f"{where}: band code {code!r} must be lower-case letters, digits and _"
            )
        pairs.append((floor, code))
    floors = [floor for floor, _ in pairs]
    if floors[0] != total_range[0]:
        raise ValueError(
            f"{where}: the first band must start at the lowest possible total {total_range[0]}, "
            f"not {floors[0]}"
        )
    if any(a >= b for a, b in itertools.pairwise(floors)):
        raise ValueError(f"{where}: band floors must strictly increase: {floors}")
    if floors[-1] > total_range[1]:
        raise ValueError(
            f"{where}: band floor {floors[-1]} is above the highest possible total {total_range[1]}"
        )
    codes = [code for _, code in pairs]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{where}: band codes must be unique: {codes}")
    return tuple(pairs)


def total_range_of(items: Sequence[Item]) -> tuple[int, int]:
    scored = [item for item in items if item.scored]
    return (sum(i.min_points for i in scored), sum(i.max_points for i in scored))


# --- the common scorer ---------------------------------------------------------------------


def points_by_item(instrument: Instrument, values: Sequence[AnswerValue]) -> dict[str, int]:
    return {
        item.number: item.points(value)
        for item, value in zip(instrument.items, values, strict=True)
        if item.scored
    }


def fired_alerts(instrument: Instrument, points: Mapping[str, int]) -> tuple[str, ...]:
    alerts: list[str] = []
    for rule in instrument.alert_rules:
        if points[rule.item] >= rule.at_least and rule.alert not in alerts:
            alerts.append(rule.alert)
    return tuple(alerts)


def sum_score(
    instrument: Instrument,
    answers: Sequence[Any],
    context: Mapping[str, Any],
    *,
    table: BandTable | None = None,
) -> Score:
    """Total = sum of item points; band from the table; subscales and alert rules from the data."""
    values = check_answers(instrument, answers)
    points = points_by_item(instrument, values)
    total = sum(points.values())
    table = table if table is not None else instrument.bands
    return Score(
        total=total,
        band=band_for(table, total) if table is not None else None,
        subscales={
            name: sum(points[number] for number in numbers)
            for name, numbers in instrument.subscales.items()
        },
        alerts=fired_alerts(instrument, points),
    )


def sums_items(scorer: Scorer) -> Scorer:
    """Mark a scorer whose total is still the plain sum of item points (for the properties)."""
    scorer.sums_items = True  # type: ignore[attr-defined]
    return scorer


def frozen_mapping(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))
