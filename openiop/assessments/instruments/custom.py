"""Instruments a program defines itself, from a plain dictionary (e.g. a JSON file).

Only simple sum-scored instruments: every item has integer answers that are also its points,
the total is their sum, bands are ``[floor, code]`` pairs, subscales are lists of item numbers
and alert rules read "item N scores at least V -> alert code". The shape is documented in
docs/instruments.md. Everything is checked, and the first problem found is raised as a
ValueError that says where it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .base import (
    CODE_PATTERN,
    AlertRule,
    Instrument,
    Item,
    check_band_table,
    frozen_mapping,
    sum_score,
    total_range_of,
)

MAX_FILE_BYTES = 100_000
REQUIRED = {"code", "name", "items", "bands", "recall_period", "citation", "licence"}
OPTIONAL = {"requires_program_opt_in", "subscales", "alerts", "item_text_verbatim", "notes"}
ITEM_KEYS = {"text", "options"}
ALERT_KEYS = {"item", "at_least", "alert"}


def _keys(data: Any, required: set[str], optional: set[str], where: str) -> None:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where} must be an object, not {type(data).__name__}")
    missing = sorted(required - set(data))
    if missing:
        raise ValueError(f"{where} is missing {', '.join(missing)}")
    unknown = sorted(str(key) for key in set(data) - required - optional)
    if unknown:
        raise ValueError(f"{where} has unknown keys: {', '.join(unknown)}")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be non-empty text")
    return value


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where} must be an integer, not {value!r}")
    return value


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise ValueError(
            f"{where} {value!r} must start with a letter and use only lower-case letters, "
            "digits and _ (at most 40)"
        )
    return value


def _item(number: int, data: Any) -> Item:
    where = f"item {number}"
    _keys(data, ITEM_KEYS, set(), where)
    options = data["options"]
    if not isinstance(options, list | tuple) or len(options) < 2:
        raise ValueError(f"{where}: options must be a list of at least two [value, label] pairs")
    pairs = []
    for option in options:
        if not isinstance(option, list | tuple) or len(option) != 2:
            raise ValueError(f"{where}: option {option!r} is not a [value, label] pair")
        value = _integer(option[0], f"{where}: option value")
        if value < 0:
            raise ValueError(f"{where}: option value {value} must not be negative")
        pairs.append((value, _text(option[1], f"{where}: option label")))
    values = [value for value, _ in pairs]
    if len(set(values)) != len(values):
        raise ValueError(f"{where}: option values must be unique: {values}")
    return Item(str(number), _text(data["text"], f"{where}: text"), tuple(pairs))


def _subscales(data: Any, numbers: set[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, Mapping):
        raise ValueError("subscales must be an object of name -> list of item numbers")
    subscales = {}
    for name, members in data.items():
        _code(name, "subscale name")
        if not isinstance(members, list | tuple) or not members:
            raise ValueError(f"subscale {name}: must list at least one item number")
        refs = [str(_integer(member, f"subscale {name}: item number")) for member in members]
        for ref in refs:
            if ref not in numbers:
                raise ValueError(f"subscale {name}: there is no item {ref}")
        if len(set(refs)) != len(refs):
            raise ValueError(f"subscale {name}: an item is listed twice")
        subscales[name] = tuple(refs)
    return subscales


def _alert_rules(data: Any, items: tuple[Item, ...]) -> tuple[AlertRule, ...]:
    if not isinstance(data, list | tuple):
        raise ValueError("alerts must be a list of {item, at_least, alert} rules")
    by_number = {item.number: item for item in items}
    rules = []
    for index, rule in enumerate(data, start=1):
        where = f"alert rule {index}"
        _keys(rule, ALERT_KEYS, set(), where)
        number = str(_integer(rule["item"], f"{where}: item"))
        if number not in by_number:
            raise ValueError(f"{where}: there is no item {number}")
        item = by_number[number]
        at_least = _integer(rule["at_least"], f"{where}: at_least")
        if not item.min_points < at_least <= item.max_points:
            raise ValueError(
                f"{where}: at_least {at_least} must be above item {number}'s lowest answer "
                f"({item.min_points}) and at most its highest ({item.max_points}), or the rule "
                "would always or never fire"
            )
        rules.append(AlertRule(number, at_least, _code(rule["alert"], f"{where}: alert")))
    return tuple(rules)


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value


def load_definition(data: Mapping[str, Any]) -> Instrument:
    """Build a sum-scored :class:`Instrument` from a definition dict, or raise ValueError."""
    _keys(data, REQUIRED, OPTIONAL, "definition")
    code = _code(data["code"], "code")
    items_data = data["items"]
    if not isinstance(items_data, list | tuple) or not items_data:
        raise ValueError("items must be a non-empty list")
    items = tuple(_item(n, item) for n, item in enumerate(items_data, start=1))
    total_range = total_range_of(items)
    notes = data.get("notes", "")
    if not isinstance(notes, str):
        raise ValueError("notes must be text")
    return Instrument(
        code=code,
        name=_text(data["name"], "name"),
        items=items,
        recall_period=_text(data["recall_period"], "recall_period"),
        citation=_text(data["citation"], "citation"),
        licence=_text(data["licence"], "licence"),
        requires_program_opt_in=_flag(data, "requires_program_opt_in"),
        scorer=sum_score,
        bands=check_band_table(data["bands"], total_range, where="bands"),
        total_range=total_range,
        subscales=frozen_mapping(
            _subscales(data.get("subscales", {}), {item.number for item in items})
        ),
        alert_rules=_alert_rules(data.get("alerts", []), items),
        item_text_verbatim=_flag(data, "item_text_verbatim"),
        notes=notes,
    )


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"the file gives {', '.join(repeated)} more than once")
    return dict(pairs)


def parse_definition_json(raw: bytes | str) -> dict[str, Any]:
    """A definition file's text as a dict, or ValueError saying what is wrong with the file
    (size, encoding, where the JSON breaks). The definition itself is checked by
    :func:`load_definition`."""
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"the file is larger than {MAX_FILE_BYTES // 1000} KB")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text") from None
    if not raw.strip():
        raise ValueError("the file is empty")
    try:
        data = json.loads(raw, object_pairs_hook=_no_repeated_keys)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"the file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(data, dict):
        raise ValueError(f"the definition must be a JSON object, not {type(data).__name__}")
    return data
