"""An independent checker of the format's hard rules, for any schedule from any solver.

``check(problem, schedule)`` returns a list of violations in words, each starting with the
rule's number as in the format ("rule 1: clinician c1 is in two sessions at once: ...").
Problems with the document itself start with "format:" (an unknown id, a malformed session,
a start off the 15-minute grid) and a ``participants`` summary that disagrees with the
sessions starts with "summary:". An empty list means the schedule obeys every hard rule.

It reuses only the problem's parsing and time helpers, not the solvers' candidate logic, so a
bug there cannot hide itself here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .model import (
    DAY_MINUTES,
    GRID,
    GroupSession,
    PairSession,
    Problem,
    Session,
    covers,
    describe_span,
    session_span,
)
from .reading import session_from_json

STATUSES = ("optimal", "feasible", "infeasible", "unknown")


def label(problem: Problem, session: Session) -> str:
    if isinstance(session, GroupSession):
        return f"group {problem.offering[session.offering].describe()}"
    span = describe_span(*session_span(problem, session))
    return f"{session.kind} session of {session.participant} ({span})"


def _sessions(problem: Problem, schedule: object, errors: list[str]) -> list[Session]:
    if not isinstance(schedule, dict):
        errors.append("format: the schedule must be a JSON object")
        return []
    if schedule.get("format") != "openiop-schedule/1":
        errors.append(
            f'format: "format" must be "openiop-schedule/1", got {schedule.get("format")!r}'
        )
    if schedule.get("status") not in STATUSES:
        errors.append(f'format: "status" must be one of {", ".join(STATUSES)}')
    items = schedule.get("sessions")
    if not isinstance(items, list):
        errors.append('format: "sessions" must be a list')
        return []
    sessions: list[Session] = []
    for index, item in enumerate(items):
        try:
            sessions.append(session_from_json(problem, item, f"sessions[{index}]"))
        except ValueError as error:
            errors.append(f"format: {error}")
    for session in sessions:
        if isinstance(session, PairSession) and session.start % GRID:
            errors.append(f"format: {label(problem, session)} does not start on the 15-minute grid")
        if isinstance(session, GroupSession):
            for pid, count in Counter(session.participants).items():
                if count > 1:
                    errors.append(f"format: {label(problem, session)} lists {pid} {count} times")
    return sessions


def _members(session: Session) -> list[str]:
    return session.participants if isinstance(session, GroupSession) else [session.participant]


def _clinician(session: Session) -> str:
    return session.lead if isinstance(session, GroupSession) else session.clinician


def _rule1(problem: Problem, sessions: list[Session], errors: list[str]) -> None:
    busy: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for session in sessions:
        start, end = session_span(problem, session)
        text = label(problem, session)
        for pid in set(_members(session)):
            busy[("participant", pid)].append((start, end, text))
        busy[("clinician", _clinician(session))].append((start, end, text))
        busy[("room", session.room)].append((start, end, text))
    for (what, who), spans in busy.items():
        spans.sort()
        last_end, last_text = -1, ""
        for start, end, text in spans:
            if start < last_end:
                errors.append(
                    f"rule 1: {what} {who} is in two sessions at once: {last_text} and {text}"
                )
            if end > last_end:
                last_end, last_text = end, text


def _rule2(problem: Problem, sessions: list[Session], errors: list[str]) -> None:
    for session in sessions:
        start, end = session_span(problem, session)
        text = label(problem, session)
        for pid in set(_members(session)):
            reason = problem.participant[pid].busy_reason(start, end)
            if reason is not None:
                errors.append(f"rule 2: participant {pid} is unavailable ({reason}) during {text}")
        clinician = problem.clinician[_clinician(session)]
        if not covers(clinician.spans, start, end):
            errors.append(f"rule 2: clinician {clinician.id} is not available for {text}")
        if isinstance(session, PairSession) and session.kind == "family":
            family = problem.participant[session.participant].family
            if family is not None and not covers(family.spans, start, end):
                errors.append(f"rule 2: {text} is outside the family's available times")


def _rule3(problem: Problem, sessions: list[Session], errors: list[str]) -> None:
    for session in sessions:
        text = label(problem, session)
        if isinstance(session, GroupSession):
            topic = problem.offering[session.offering].topic
            if topic not in problem.clinician[session.lead].leads:
                errors.append(f"rule 3: lead {session.lead} does not lead {topic}: {text}")
        elif problem.participant[session.participant].therapist != session.clinician:
            errors.append(
                f"rule 3: {text} is with {session.clinician}, not the participant's therapist"
            )


def _rule4(problem: Problem, sessions: list[Session], errors: list[str]) -> None:
    for session in sessions:
        room = problem.room[session.room]
        text = label(problem, session)
        kind = "group" if isinstance(session, GroupSession) else session.kind
        if kind not in room.uses:
            errors.append(f"rule 4: room {room.id} is not for {kind} sessions: {text}")
        if not isinstance(session, GroupSession):
            continue
        offering = problem.offering[session.offering]
        size = len(session.participants)
        if size > offering.max_size:
            errors.append(
                f"rule 4: {text} has {size} participants, max_size is {offering.max_size}"
            )
        if size > room.capacity:
            errors.append(
                f"rule 4: {text} has {size} participants, room {room.id} holds {room.capacity}"
            )
        if offering.virtual and not room.virtual:
            errors.append(f"rule 4: virtual {text} is in the in-person room {room.id}")
        if not offering.virtual and room.virtual:
            errors.append(f"rule 4: in-person {text} is in the virtual room {room.id}")
        for pid in session.participants:
            if offering.virtual and not problem.participant[pid].virtual_ok:
                errors.append(f"rule 4: {pid} is not virtual_ok but attends virtual {text}")


def _rule5(problem: Problem, sessions: list[Session], errors: list[str]) -> None:
    for session in sessions:
        if not isinstance(session, GroupSession):
            continue
        size, minimum = len(session.participants), problem.offering[session.offering].min_size
        if size == 0:
            errors.append(f"rule 5: {label(problem, session)} is opened with nobody in it")
        elif size < minimum:
            errors.append(
                f"rule 5: {label(problem, session)} has {size} participants, "
                f"fewer than min_size {minimum}"
            )


def minutes_by_person(problem: Problem, sessions: list[Session]) -> tuple[Counter, Counter]:
    """Scheduled minutes per participant and per clinician."""
    participants: Counter = Counter()
    clinicians: Counter = Counter()
    for session in sessions:
        start, end = session_span(problem, session)
        for pid in set(_members(session)):
            participants[pid] += end - start
        clinicians[_clinician(session)] += end - start
    return participants, clinicians


def _rule6(problem: Problem, sessions: list[Session], errors: list[str]) -> None:
    participants, clinicians = minutes_by_person(problem, sessions)
    for pid, minutes in sorted(participants.items()):
        if minutes > problem.participant[pid].max_minutes:
            errors.append(
                f"rule 6: participant {pid} has {minutes} minutes, "
                f"max_minutes is {problem.participant[pid].max_minutes}"
            )
    for cid, minutes in sorted(clinicians.items()):
        if minutes > problem.clinician[cid].max_minutes:
            errors.append(
                f"rule 6: clinician {cid} has {minutes} minutes, "
                f"max_minutes is {problem.clinician[cid].max_minutes}"
            )


def _rule7_pair(problem: Problem, session: PairSession, errors: list[str]) -> None:
    participant = problem.participant[session.participant]
    text = label(problem, session)
    if session.kind == "individual":
        wanted = participant.individual_minutes
        if wanted == 0:
            errors.append(f"rule 7: {text} but individual_minutes is 0")
        elif session.minutes != wanted:
            errors.append(f"rule 7: {text} lasts {session.minutes} minutes, not {wanted}")
    elif participant.family is None:
        errors.append(f"rule 7: {text} but family is null")
    elif session.minutes != participant.family.minutes:
        errors.append(
            f"rule 7: {text} lasts {session.minutes} minutes, not {participant.family.minutes}"
        )
    if problem.room[session.room].virtual and not participant.virtual_ok:
        errors.append(f"rule 7: {text} is in virtual room {session.room} but not virtual_ok")


def _rule7(problem: Problem, sessions: list[Session], errors: list[str]) -> None:
    counts: Counter = Counter()
    for session in sessions:
        if isinstance(session, GroupSession):
            counts[("group", session.offering)] += 1
        else:
            counts[(session.kind, session.participant)] += 1
            _rule7_pair(problem, session, errors)
    for (kind, key), count in sorted(counts.items()):
        if count > 1 and kind == "group":
            errors.append(f"rule 7: offering {key} is opened {count} times")
        elif count > 1:
            errors.append(f"rule 7: participant {key} has {count} {kind} sessions")


def _summary(
    problem: Problem, schedule: dict[str, Any], sessions: list[Session], errors: list[str]
) -> None:
    rows = schedule.get("participants")
    if rows is None:
        return
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        errors.append('format: "participants" must be a list of objects')
        return
    minutes, _ = minutes_by_person(problem, sessions)
    days: dict[str, set[int]] = defaultdict(set)
    for session in sessions:
        for pid in _members(session):
            days[pid].add(session_span(problem, session)[0] // DAY_MINUTES)
    for row in rows:
        pid = row.get("id")
        if pid not in problem.participant:
            errors.append(f"summary: unknown participant {pid!r}")
            continue
        target = problem.participant[pid].target_minutes
        expected = {
            "scheduled_minutes": minutes[pid],
            "shortfall_minutes": max(0, target - minutes[pid]),
            "days": len(days[pid]),
        }
        for key, value in expected.items():
            if row.get(key) != value:
                errors.append(
                    f"summary: {pid} {key} is {row.get(key)!r}, the sessions give {value}"
                )


RULES = (_rule1, _rule2, _rule3, _rule4, _rule5, _rule6, _rule7)


def check(problem: Problem, schedule: object, *, skip: tuple[int, ...] = ()) -> list[str]:
    """Every hard-rule violation of ``schedule`` (a schedule document) for ``problem``.

    ``skip`` leaves out rules by number (the solver checks pinned sessions on their own
    with rule 5 skipped, since others may still join a pinned group).
    """
    errors: list[str] = []
    sessions = _sessions(problem, schedule, errors)
    for number, rule in enumerate(RULES, start=1):
        if number not in skip:
            rule(problem, sessions, errors)
    if isinstance(schedule, dict):
        _summary(problem, schedule, sessions, errors)
    return errors
