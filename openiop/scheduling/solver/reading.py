"""Reading exchange documents into :mod:`.model` objects, with messages that name the fault.

``problem_from_json`` validates an ``openiop-week/1`` document and builds the
:class:`~.model.Problem`; anything malformed raises ``ValueError`` naming the element, e.g.
``participants[2] (id "p3"): "target_minutes" must be a whole number >= 0, got "540"``.
``sessions_from_json`` reads the sessions of an ``openiop-schedule/1`` document (pins, last
week's schedule, a schedule to check).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import (
    DAY_MINUTES,
    KINDS,
    PROBLEM_FORMAT,
    Clinician,
    Family,
    GroupSession,
    Offering,
    PairSession,
    Participant,
    Problem,
    Room,
    Session,
    Window,
    format_time,
    parse_day,
    parse_time,
)


def _where(path: str, item: object) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
        return f'{path} (id "{item["id"]}")'
    return path


def _get(obj: dict[str, Any], key: str, where: str, default: Any = ...) -> Any:
    if key in obj:
        return obj[key]
    if default is ...:
        raise ValueError(f'{where}: "{key}" is missing')
    return default


def _int(obj: dict[str, Any], key: str, where: str, default: Any = ...) -> int:
    value = _get(obj, key, where, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f'{where}: "{key}" must be a whole number >= 0, got {value!r}')
    return value


def _bool(obj: dict[str, Any], key: str, where: str, default: Any = ...) -> bool:
    value = _get(obj, key, where, default)
    if not isinstance(value, bool):
        raise ValueError(f'{where}: "{key}" must be true or false, got {value!r}')
    return value


def _str(obj: dict[str, Any], key: str, where: str, default: Any = ...) -> str:
    value = _get(obj, key, where, default)
    if not isinstance(value, str) or not value:
        raise ValueError(f'{where}: "{key}" must be a non-empty string, got {value!r}')
    return value


def _list(obj: dict[str, Any], key: str, where: str, default: Any = ...) -> list[Any]:
    value = _get(obj, key, where, default)
    if not isinstance(value, list):
        raise ValueError(f'{where}: "{key}" must be a list, got {type(value).__name__}')
    return value


def _strings(obj: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _list(obj, key, where, [])
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise ValueError(f'{where}: "{key}"[{index}] must be a string, got {value!r}')
    return tuple(values)


def _items(doc: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    """``(where, item)`` for each object in ``doc[key]``, checking ids are unique strings."""
    seen: set[str] = set()
    items = []
    for index, item in enumerate(_list(doc, key, "problem")):
        where = _where(f"{key}[{index}]", item)
        if not isinstance(item, dict):
            raise ValueError(f"{where} must be an object, got {type(item).__name__}")
        item_id = _str(item, "id", where)
        if item_id in seen:
            raise ValueError(f'{where}: id "{item_id}" is used twice in {key}')
        seen.add(item_id)
        items.append((where, item))
    return items


def _window(item: object, where: str) -> Window:
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be an object with day, from and to")
    day = parse_day(_get(item, "day", where), f'{where}: "day"')
    start = parse_time(_get(item, "from", where), f'{where}: "from"')
    end = parse_time(_get(item, "to", where), f'{where}: "to"')
    if end <= start:
        raise ValueError(
            f'{where}: "to" ({format_time(end)}) must be after "from" ({format_time(start)})'
        )
    reason = item.get("reason", "")
    if not isinstance(reason, str):
        raise ValueError(f'{where}: "reason" must be a string, got {reason!r}')
    base = day * DAY_MINUTES
    return Window(base + start, base + end, reason)


def _windows(obj: dict[str, Any], key: str, where: str, default: Any = ...) -> tuple[Window, ...]:
    items = _list(obj, key, where, default)
    return tuple(_window(item, f'{where}: "{key}"[{i}]') for i, item in enumerate(items))


def _room(where: str, item: dict[str, Any]) -> Room:
    uses = _strings(item, "uses", where)
    unknown = sorted(set(uses) - set(KINDS))
    if unknown:
        raise ValueError(f'{where}: "uses" may hold {", ".join(KINDS)}, not {unknown[0]!r}')
    return Room(
        id=item["id"],
        capacity=_int(item, "capacity", where),
        uses=frozenset(uses),
        virtual=_bool(item, "virtual", where, False),
    )


def _clinician(where: str, item: dict[str, Any]) -> Clinician:
    return Clinician(
        id=item["id"],
        max_minutes=_int(item, "max_minutes", where),
        leads=frozenset(_strings(item, "leads", where)),
        available=_windows(item, "available", where, []),
    )


def _offering(where: str, item: dict[str, Any]) -> Offering:
    window = _window(item, where)
    return Offering(
        id=item["id"],
        topic=_str(item, "topic", where),
        start=window.start,
        end=window.end,
        min_size=_int(item, "min_size", where, 0),
        max_size=_int(item, "max_size", where),
        virtual=_bool(item, "virtual", where, False),
    )


def _family(value: object, where: str) -> Family | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f'{where}: "family" must be an object or null')
    family_where = f"{where}: family"
    return Family(
        minutes=_int(value, "minutes", family_where),
        available=_windows(value, "available", family_where, []),
    )


def _participant(where: str, item: dict[str, Any], clinicians: dict[str, Clinician]) -> Participant:
    therapist = _get(item, "therapist", where, None)
    if therapist is not None and therapist not in clinicians:
        raise ValueError(f'{where}: therapist "{therapist}" is not a clinician in this problem')
    return Participant(
        id=item["id"],
        target_minutes=_int(item, "target_minutes", where),
        max_minutes=_int(item, "max_minutes", where),
        min_days=_int(item, "min_days", where, 0),
        therapist=therapist,
        individual_minutes=_int(item, "individual_minutes", where, 0),
        virtual_ok=_bool(item, "virtual_ok", where, False),
        unavailable=_windows(item, "unavailable", where, []),
        family=_family(item.get("family"), where),
        previous=_strings(item, "previous", where),
        preferred=_strings(item, "preferred", where),
    )


def problem_from_json(doc: object) -> Problem:
    """Validate an ``openiop-week/1`` document and build the :class:`Problem`.

    Raises ``ValueError`` naming the element at fault. Contradictory but well-formed data
    (``min_size`` above ``max_size``, a family window the therapist never works) is accepted:
    the solver reports what it could not place in ``unmet``. ``previous`` and ``preferred``
    may name offerings that do not run this week; they are ignored. The optional ``pinned``
    key (an OpenIOP extension) lists sessions, in schedule format, that must be kept.
    """
    if not isinstance(doc, dict):
        raise ValueError(f"the problem must be a JSON object, got {type(doc).__name__}")
    if doc.get("format") != PROBLEM_FORMAT:
        raise ValueError(f'"format" must be "{PROBLEM_FORMAT}", got {doc.get("format")!r}')
    week_of = doc.get("week_of", "")
    if not isinstance(week_of, str):
        raise ValueError(f'"week_of" must be a date string, got {week_of!r}')
    rooms = tuple(_room(w, i) for w, i in _items(doc, "rooms"))
    clinicians = tuple(_clinician(w, i) for w, i in _items(doc, "clinicians"))
    offerings = tuple(_offering(w, i) for w, i in _items(doc, "offerings"))
    by_id = {c.id: c for c in clinicians}
    participants = tuple(_participant(w, i, by_id) for w, i in _items(doc, "participants"))
    pinned = _list(doc, "pinned", "problem", [])
    for index, session in enumerate(pinned):
        if not isinstance(session, dict):
            raise ValueError(f"pinned[{index}] must be a session object")
    problem = Problem(week_of, rooms, clinicians, offerings, participants, tuple(pinned))
    sessions_from_json(problem, list(problem.pinned), "pinned")  # validates the references
    return problem


def sessions_from_json(
    problem: Problem, sessions: Sequence[object], where: str = "sessions", *, strict: bool = True
) -> list[Session]:
    """Sessions of a schedule document as objects. With ``strict`` a malformed or unknown
    reference raises ``ValueError``; otherwise such sessions are skipped (for warm starts
    from last week's schedule, whose people and offerings may have changed)."""
    result: list[Session] = []
    for index, item in enumerate(sessions):
        try:
            result.append(session_from_json(problem, item, f"{where}[{index}]"))
        except ValueError:
            if strict:
                raise
    return result


def _ref(item: dict[str, Any], key: str, where: str, known: dict[str, Any], what: str) -> str:
    value = _str(item, key, where)
    if value not in known:
        raise ValueError(f'{where}: {key} "{value}" is not in this problem\'s {what}s')
    return value


def session_from_json(problem: Problem, item: object, where: str) -> Session:
    """One session of a schedule document; ``ValueError`` names ``where`` and the fault."""
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be a session object")
    kind = _get(item, "kind", where)
    room = _ref(item, "room", where, problem.room, "room")
    if kind == "group":
        members = _strings(item, "participants", where)
        for pid in members:
            if pid not in problem.participant:
                raise ValueError(
                    f'{where}: participant "{pid}" is not in this problem\'s participants'
                )
        return GroupSession(
            offering=_ref(item, "offering", where, problem.offering, "offering"),
            room=room,
            lead=_ref(item, "lead", where, problem.clinician, "clinician"),
            participants=list(members),
        )
    if kind not in ("individual", "family"):
        raise ValueError(f'{where}: "kind" must be one of {", ".join(KINDS)}, got {kind!r}')
    window = _window(item, where)
    return PairSession(
        kind=kind,
        participant=_ref(item, "participant", where, problem.participant, "participant"),
        clinician=_ref(item, "clinician", where, problem.clinician, "clinician"),
        room=room,
        start=window.start,
        end=window.end,
    )
