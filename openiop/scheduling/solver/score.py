"""How good a schedule is, as the format's soft ordering: a tuple compared lexicographically.

``score(problem, sessions)`` counts, best first: shortfall minutes, individual/family
sessions due but not placed, the ``min_days`` deficit, (with ``before``) changes against a
previous schedule, ``previous`` and ``preferred`` groups missed, the peak clinician load in
15-minute units, and groups opened. A smaller tuple is a better schedule. The CP-SAT model
minimises the same terms (see :mod:`.cpsat`); this plain version is used to accept or
reject large-neighbourhood moves and by the tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from .model import GRID, GroupSession, PairSession, Problem, Session, participant_days
from .model import participant_minutes as minutes_of


class Score(NamedTuple):
    shortfall: int
    unplaced: int
    day_deficit: int
    changes: int
    previous_missed: int
    preferred_missed: int
    peak_load: int
    groups: int


def _wanted(problem: Problem) -> set[tuple[str, str]]:
    wanted = set()
    for p in problem.participants:
        if p.individual_minutes > 0:
            wanted.add((p.id, "individual"))
        if p.family is not None and p.family.minutes > 0:
            wanted.add((p.id, "family"))
    return wanted


def changes(
    sessions: Sequence[Session], before: Sequence[Session], class_of_room: Mapping[str, int]
) -> int:
    """Changes against ``before``, counted as the model's stability term counts them."""

    def room_class(room: str) -> object:
        return class_of_room.get(room, room)

    old_groups = {s.offering: s for s in before if isinstance(s, GroupSession)}
    new_groups = {s.offering: s for s in sessions if isinstance(s, GroupSession)}
    old_members = {(p, o) for o, s in old_groups.items() for p in s.participants}
    new_members = {(p, o) for o, s in new_groups.items() for p in s.participants}
    count = len(old_members ^ new_members)
    for o, group in new_groups.items():
        old = old_groups.get(o)
        if old is None:
            count += 1
        else:
            count += (group.lead != old.lead) + (room_class(group.room) != room_class(old.room))
    count += 2 * len(old_groups.keys() - new_groups.keys())  # closed: lead and room not kept
    old_pairs = {(s.participant, s.kind): s for s in before if isinstance(s, PairSession)}
    for session in sessions:
        if not isinstance(session, PairSession):
            continue
        old = old_pairs.pop((session.participant, session.kind), None)
        same = (
            old is not None
            and old.start == session.start
            and (room_class(old.room) == room_class(session.room))
        )
        count += not same
    return count + len(old_pairs)


def score(
    problem: Problem,
    sessions: Sequence[Session],
    before: Sequence[Session] | None = None,
    class_of_room: Mapping[str, int] | None = None,
) -> Score:
    minutes = minutes_of(problem, sessions)
    days = participant_days(problem, sessions)
    placed = {(s.participant, s.kind) for s in sessions if isinstance(s, PairSession)}
    attended = {
        (p, s.offering) for s in sessions if isinstance(s, GroupSession) for p in s.participants
    }
    load: dict[str, int] = {}
    for session in sessions:
        if isinstance(session, GroupSession):
            who, length = session.lead, problem.offering[session.offering].minutes
        else:
            who, length = session.clinician, session.minutes
        load[who] = load.get(who, 0) + length

    def missed(which: str) -> int:
        return sum(
            (p.id, o) not in attended
            for p in problem.participants
            for o in dict.fromkeys(getattr(p, which))
            if o in problem.offering
        )

    return Score(
        shortfall=sum(max(0, p.target_minutes - minutes[p.id]) for p in problem.participants),
        unplaced=len(_wanted(problem) - placed),
        day_deficit=sum(max(0, p.min_days - len(days[p.id])) for p in problem.participants),
        changes=changes(sessions, before, class_of_room or {}) if before is not None else 0,
        previous_missed=missed("previous"),
        preferred_missed=missed("preferred"),
        peak_load=-(-max(load.values(), default=0) // GRID),
        groups=sum(isinstance(s, GroupSession) for s in sessions),
    )
