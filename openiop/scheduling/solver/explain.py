"""``unmet``: what a schedule could not give each participant, and the reason that bound.

The reasons are found after solving, by looking at every placement that existed at all (the
candidates) and at what in the final schedule stands in its way: a closed or full group,
a clash with the participant's or the therapist's other sessions, a weekly maximum, no free
room. Examples: "90 of 540 target minutes unplaced: no open group outside work hours",
"family session: therapist not available in the family's window", "individual session:
therapist at weekly maximum".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from .candidates import Candidates, Request, can_attend
from .ledger import Ledger
from .model import GroupSession, PairSession, Participant, Problem, Session


def _hours_word(participant: Participant) -> str:
    reasons = sorted({w.reason or "unavailable" for w in participant.unavailable})
    if not reasons:
        return "they can attend"
    return f"outside {' and '.join(reasons)} hours"


def _no_group_at_all(problem: Problem, cands: Candidates, participant: Participant) -> str:
    why: Counter[str] = Counter()
    for offering in problem.offerings:
        reason = can_attend(participant, problem, offering.id)
        if reason is None:
            why["cannot open"] += 1
        elif reason in ("virtual group and not virtual_ok", "longer than their weekly maximum"):
            why[reason] += 1
        else:
            why["unavailable"] += 1
    if not why:
        return "no groups are offered this week"
    main = why.most_common(1)[0][0]
    return {
        "cannot open": f"no group {_hours_word(participant)} can open this week",
        "unavailable": f"no group offered {_hours_word(participant)}",
        "virtual group and not virtual_ok": "the groups they are free for are virtual and they "
        "are not virtual_ok",
        "longer than their weekly maximum": "every group is longer than their weekly maximum",
    }[main]


def _shortfall_reason(
    problem: Problem,
    cands: Candidates,
    ledger: Ledger,
    groups: dict[str, GroupSession],
    participant: Participant,
) -> str:
    if participant.max_minutes < participant.target_minutes:
        return f"target is above their weekly maximum of {participant.max_minutes} minutes"
    if not cands.attend[participant.id]:
        return _no_group_at_all(problem, cands, participant)
    options = [
        o
        for o in cands.attend[participant.id]
        if o not in groups or participant.id not in groups[o].participants
    ]
    why = _classify(problem, cands, ledger, groups, participant.id, options)
    if why["open"]:
        return (
            f"{_count(why['open'], 'open group', 'open groups')} they could join left out "
            "(search time limit)"
        )
    if not (why["full"] or why["clash"] or why["maximum"]):
        further = "further " if len(options) < len(cands.attend[participant.id]) else ""
        return f"no {further}open group {_hours_word(participant)}"
    return _phrase(why)


def _classify(
    problem: Problem,
    cands: Candidates,
    ledger: Ledger,
    groups: dict[str, GroupSession],
    pid: str,
    options: list[str],
) -> Counter[str]:
    """Why each group the participant could attend but does not was no use to them."""
    why: Counter[str] = Counter()
    for o in options:
        offering = problem.offering[o]
        group = groups.get(o)
        if group is None:
            why["not opened"] += 1
        elif len(group.participants) >= cands.groups[o].seats[cands.class_of_room[group.room]]:
            why["full"] += 1
        elif not ledger.free("participant", pid, offering.start, offering.end):
            why["clash"] += 1
        elif not ledger.participant_room(pid, offering.minutes):
            why["maximum"] += 1
        else:
            why["open"] += 1
    return why


def _phrase(why: Counter[str]) -> str:
    parts = []
    if why["full"]:
        verb = "is" if why["full"] == 1 else "are"
        parts.append(
            f"{_count(why['full'], 'open group', 'open groups')} they could attend {verb} full"
        )
    if why["clash"]:
        verb = "clashes" if why["clash"] == 1 else "clash"
        parts.append(
            f"{_count(why['clash'], 'open group', 'open groups')} {verb} with their other sessions"
        )
    if why["maximum"]:
        parts.append(
            f"{_count(why['maximum'], 'open group', 'open groups')} would pass their weekly maximum"
        )
    return "; ".join(parts)


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _request_reason(ledger: Ledger, request: Request, cands: Candidates) -> str:
    if request.blocked:
        return request.blocked
    assert request.clinician is not None
    if not ledger.clinician_room(request.clinician, request.minutes):
        return "therapist at weekly maximum"
    if not ledger.participant_room(request.participant, request.minutes):
        return "participant at weekly maximum"
    why: Counter[str] = Counter()
    rooms = [r for k in request.classes for r in cands.classes[k].rooms]
    for start in request.all_starts():
        end = start + request.minutes
        p_free = ledger.free("participant", request.participant, start, end)
        c_free = ledger.free("clinician", request.clinician, start, end)
        if not p_free and not c_free:
            why["both"] += 1
        elif not p_free:
            why["participant"] += 1
        elif not c_free:
            why["therapist"] += 1
        elif not any(ledger.free("room", r, start, end) for r in rooms):
            why["room"] += 1
        else:
            why["open"] += 1
    if why["open"]:
        return "a free time exists but was not found within the search time limit"
    if why["room"]:
        return f"no {request.kind} room free at the times both participant and therapist are free"
    if why["participant"] and not why["therapist"]:
        return "the participant's other sessions fill the therapist's available times"
    if why["therapist"] and not why["participant"]:
        return "therapist fully booked at the times the participant is free"
    return "the therapist's free times and the participant's free times do not meet"


def _days_reason(
    problem: Problem,
    cands: Candidates,
    groups: dict[str, GroupSession],
    participant: Participant,
    placed_days: set[int],
    requests: list[Request],
) -> str:
    possible = {problem.offering[o].day for o in cands.attend[participant.id]}
    for request in requests:
        possible |= set(request.starts)
    if len(possible) < participant.min_days:
        return f"sessions they can attend fall on only {_count(len(possible), 'day', 'days')}"
    open_days = {problem.offering[o].day for o in cands.attend[participant.id] if o in groups}
    if len(open_days | placed_days) < participant.min_days:
        return (
            f"the open groups they can attend fall on only {_count(len(open_days), 'day', 'days')}"
        )
    return "another day would cost target hours or a session elsewhere"


def unmet_reasons(
    problem: Problem, cands: Candidates, sessions: Sequence[Session]
) -> dict[str, list[str]]:
    """Per participant id, what was not met and why, in words (empty lists are left out)."""
    ledger = Ledger(problem, list(sessions))
    groups = {s.offering: s for s in sessions if isinstance(s, GroupSession)}
    placed = {(s.participant, s.kind) for s in sessions if isinstance(s, PairSession)}
    requests: dict[str, list[Request]] = defaultdict(list)
    for request in cands.requests:
        requests[request.participant].append(request)
    result: dict[str, list[str]] = {}
    for participant in problem.participants:
        reasons = []
        short = participant.target_minutes - ledger.minutes[("participant", participant.id)]
        if short > 0:
            why = _shortfall_reason(problem, cands, ledger, groups, participant)
            reasons.append(
                f"{short} of {participant.target_minutes} target minutes unplaced: {why}"
            )
        for request in requests[participant.id]:
            if (participant.id, request.kind) not in placed:
                why = _request_reason(ledger, request, cands)
                reasons.append(f"{request.kind} session: {why}")
        days = ledger.days(participant.id)
        if len(days) < participant.min_days:
            why = _days_reason(problem, cands, groups, participant, days, requests[participant.id])
            reasons.append(f"on {len(days)} of {participant.min_days} days: {why}")
        if reasons:
            result[participant.id] = reasons
    return result
