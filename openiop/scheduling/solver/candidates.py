"""Feasible placements, computed once and shared by the solvers, the checker's callers, the
``unmet`` analysis and the capacity view.

Only placements that can satisfy the hard rules on their own are generated:
- an offering can open if some clinician leads its topic and is available for the whole
  block, some room of the right kind holds ``min_size``, ``min_size <= max_size`` and at least
  ``min_size`` participants could attend; otherwise :attr:`Candidates.closed` says why;
- a participant may attend an open-able offering they are not unavailable for, that fits
  their ``max_minutes``, and that is in person or that they may join virtually;
- an individual or family session (a :class:`Request`) may start at any 15-minute grid point
  where it fits the therapist's availability (and the family's window), misses the
  participant's unavailability, and some room of the right kind exists.

Rooms that are interchangeable for every rule (same uses, same virtual flag and, for group
rooms, same capacity) form one :class:`RoomClass`; the models count rooms per class and the
actual room is chosen afterwards (``assign_rooms``), which is exact for fixed-length sessions.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from .model import (
    DAY_MINUTES,
    GRID,
    GroupSession,
    Participant,
    Problem,
    Room,
    Session,
    covers,
    merge,
    overlaps,
    session_span,
)


@dataclass(frozen=True)
class RoomClass:
    index: int
    rooms: tuple[str, ...]
    uses: frozenset[str]
    virtual: bool
    capacity: int

    def size(self) -> int:
        return len(self.rooms)


@dataclass
class GroupOption:
    """An offering that could open: who may lead it and which room classes may hold it."""

    offering: str
    leads: tuple[str, ...]
    seats: dict[int, int]  # room class -> seats (min of max_size and room capacity)


@dataclass
class Request:
    """An individual or family session a participant is due this week."""

    index: int
    participant: str
    kind: str  # "individual" or "family"
    minutes: int
    clinician: str | None
    starts: dict[int, list[int]] = field(default_factory=dict)  # day -> week-minute starts
    classes: tuple[int, ...] = ()
    blocked: str = ""  # why no placement exists at all ("" when some does)

    def all_starts(self) -> list[int]:
        return [start for day in sorted(self.starts) for start in self.starts[day]]


@dataclass
class Candidates:
    classes: list[RoomClass]
    class_of_room: dict[str, int]
    groups: dict[str, GroupOption]  # offering id -> option, for offerings that can open
    closed: dict[str, str]  # offering id -> why it cannot open
    attend: dict[str, list[str]]  # participant id -> offerings they may attend
    requests: list[Request]


def room_classes(rooms: Sequence[Room], singletons: Iterable[str] = ()) -> list[RoomClass]:
    """Group interchangeable rooms; rooms in ``singletons`` (pinned) get a class of their own."""
    alone = set(singletons)
    buckets: dict[Hashable, list[Room]] = defaultdict(list)
    for room in rooms:
        capacity = room.capacity if "group" in room.uses else 0
        key: Hashable = (room.uses, room.virtual, capacity, room.id if room.id in alone else "")
        buckets[key].append(room)
    classes = []
    for members in buckets.values():
        first = members[0]
        capacity = first.capacity if "group" in first.uses else 0
        rooms = tuple(r.id for r in members)
        classes.append(RoomClass(len(classes), rooms, first.uses, first.virtual, capacity))
    return classes


def _group_option(problem: Problem, offering_id: str, classes: list[RoomClass]):
    """A GroupOption for the offering, or the reason it can never open."""
    offering = problem.offering[offering_id]
    where = "virtual" if offering.virtual else "in-person"
    if offering.min_size > offering.max_size:
        return f"min_size {offering.min_size} is above max_size {offering.max_size}"
    if offering.max_size == 0:
        return "max_size is 0"
    leads = tuple(
        c.id
        for c in problem.clinicians
        if offering.topic in c.leads
        and c.max_minutes >= offering.minutes
        and covers(c.spans, offering.start, offering.end)
    )
    if not leads:
        return f"no clinician who leads {offering.topic} is available for the whole block"
    seats = {
        k.index: min(offering.max_size, k.capacity)
        for k in classes
        if "group" in k.uses and k.virtual == offering.virtual
    }
    if not seats:
        return f"no {where} room is set up for groups"
    seats = {k: n for k, n in seats.items() if n >= max(1, offering.min_size)}
    if not seats:
        return f"no {where} group room holds min_size {offering.min_size}"
    return GroupOption(offering_id, leads, seats)


def can_attend(participant: Participant, problem: Problem, offering_id: str) -> str | None:
    """``None`` if the participant may attend the offering, else the reason they may not."""
    offering = problem.offering[offering_id]
    if offering.virtual and not participant.virtual_ok:
        return "virtual group and not virtual_ok"
    if offering.minutes > participant.max_minutes:
        return "longer than their weekly maximum"
    return participant.busy_reason(offering.start, offering.end)


def _starts(problem: Problem, request: Request, participant: Participant) -> None:
    """Fill ``request.starts`` (or ``request.blocked``)."""
    if request.clinician is None:
        request.blocked = "no therapist assigned"
        return
    therapist = problem.clinician[request.clinician]
    spans = therapist.spans
    if request.kind == "family":
        assert participant.family is not None
        family = participant.family.spans
        if not family:
            request.blocked = "the family has no available times"
            return
        spans = merge(
            (max(a, c), min(b, d)) for a, b in spans for c, d in family if overlaps(a, b, c, d)
        )
        if not spans:
            request.blocked = "therapist not available in the family's window"
            return
    elif not spans:
        request.blocked = "therapist has no available hours"
        return
    minutes = request.minutes
    for span_start, span_end in spans:
        first = -(-span_start // GRID) * GRID
        for start in range(first, span_end - minutes + 1, GRID):
            if start // DAY_MINUTES != (start + minutes - 1) // DAY_MINUTES:
                continue
            if participant.busy_reason(start, start + minutes) is None:
                request.starts.setdefault(start // DAY_MINUTES, []).append(start)
    if not request.starts:
        window = " in the family's window" if request.kind == "family" else ""
        request.blocked = (
            f"therapist's available hours{window} all fall in the participant's unavailable times"
        )
    elif minutes > participant.max_minutes:
        request.starts.clear()
        request.blocked = "longer than the participant's weekly maximum"
    elif minutes > therapist.max_minutes:
        request.starts.clear()
        request.blocked = "longer than the therapist's weekly maximum"


def _requests(problem: Problem, classes: list[RoomClass]) -> list[Request]:
    requests: list[Request] = []
    for participant in problem.participants:
        wanted = []
        if participant.individual_minutes > 0:
            wanted.append(("individual", participant.individual_minutes))
        if participant.family is not None and participant.family.minutes > 0:
            wanted.append(("family", participant.family.minutes))
        for kind, minutes in wanted:
            request = Request(len(requests), participant.id, kind, minutes, participant.therapist)
            request.classes = tuple(
                k.index
                for k in classes
                if kind in k.uses and (participant.virtual_ok or not k.virtual)
            )
            _starts(problem, request, participant)
            if not request.classes and not request.blocked:
                request.starts.clear()
                virtual = "" if participant.virtual_ok else " in person"
                request.blocked = f"no room for {kind} sessions{virtual}"
            requests.append(request)
    return requests


def build_candidates(problem: Problem, singletons: Iterable[str] = ()) -> Candidates:
    """Every feasible placement of the problem (see the module docstring)."""
    classes = room_classes(problem.rooms, singletons)
    class_of_room = {room: k.index for k in classes for room in k.rooms}
    groups: dict[str, GroupOption] = {}
    closed: dict[str, str] = {}
    for offering in problem.offerings:
        option = _group_option(problem, offering.id, classes)
        if isinstance(option, str):
            closed[offering.id] = option
        else:
            groups[offering.id] = option
    attend = {
        p.id: [o for o in groups if can_attend(p, problem, o) is None] for p in problem.participants
    }
    takers: dict[str, int] = defaultdict(int)
    for offerings in attend.values():
        for o in offerings:
            takers[o] += 1
    for o in list(groups):
        minimum = problem.offering[o].min_size
        if takers[o] < max(1, minimum):
            closed[o] = f"only {takers[o]} participants could attend, min_size is {minimum}"
            del groups[o]
    attend = {p: [o for o in offerings if o in groups] for p, offerings in attend.items()}
    return Candidates(classes, class_of_room, groups, closed, attend, _requests(problem, classes))


def cliques(spans: dict[Hashable, tuple[int, int]]) -> list[list[Hashable]]:
    """Maximal sets of pairwise-overlapping spans (an interval graph's maximal cliques)."""
    events = sorted(
        [(end, 0, key) for key, (_, end) in spans.items()]
        + [(start, 1, key) for key, (start, _) in spans.items()],
        key=lambda e: (e[0], e[1]),
    )
    active: dict[Hashable, None] = {}
    result = []
    grew = False
    for _, is_start, key in events:
        if is_start:
            active[key] = None
            grew = True
        else:
            if grew:
                result.append(list(active))
                grew = False
            del active[key]
    return result


def assign_rooms(
    problem: Problem,
    candidates: Candidates,
    sessions: list[Session],
    preferred: dict[int, str] | None = None,
) -> bool:
    """Choose the actual room of each session within its room class, in place.

    ``sessions[i].room`` must already name *some* room of the session's class; the rooms are
    re-dealt per class by start time, keeping ``preferred[i]`` (a pin or last week's room)
    when it is free. Taking sessions by start time, a free room always exists while the
    class's count is never exceeded, so this never fails for a valid count. Returns False
    if a class ran out of rooms (a count was exceeded).
    """
    preferred = preferred or {}
    by_class: dict[int, list[int]] = defaultdict(list)
    for i, session in enumerate(sessions):
        by_class[candidates.class_of_room[session.room]].append(i)
    ok = True
    for k, members in by_class.items():
        free_at = dict.fromkeys(candidates.classes[k].rooms, -1)
        members.sort(key=lambda i: (session_span(problem, sessions[i]), i not in preferred))
        spans = [session_span(problem, sessions[i]) for i in members]
        for position, i in enumerate(members):
            start, end = spans[position]
            free = [r for r, at in free_at.items() if at <= start]
            if not free:
                ok = False
                continue
            wanted_later = set()
            for j, (later_start, _) in zip(
                members[position + 1 :], spans[position + 1 :], strict=True
            ):
                if later_start >= end:
                    break
                if j in preferred:
                    wanted_later.add(preferred[j])
            room = preferred.get(i)
            if room not in free:
                room = next((r for r in free if r not in wanted_later), free[0])
            free_at[room] = end
            sessions[i].room = room
    return ok


def keep_pairs(problem: Problem, sessions: Iterable[Session]) -> set[tuple[str, str]]:
    """(participant, offering) pairs no trimming may drop: wished for (``previous``,
    ``preferred``) and those in ``sessions`` (pins, last week's, the warm start's)."""
    keep = {(p.id, o) for p in problem.participants for o in (*p.previous, *p.preferred)}
    for session in sessions:
        if isinstance(session, GroupSession):
            keep.update((pid, session.offering) for pid in session.participants)
    return keep


def limit_parallel(
    problem: Problem,
    cands: Candidates,
    keep: set[tuple[str, str]],
    per_block: int,
    salt: str = "",
) -> int:
    """Trim, in place, each participant's options to ``per_block`` of the offerings running
    in the same time block (same start, end and virtual flag); returns how many options went.

    A large program runs many groups in parallel; a participant needs one per block, and a
    handful of parallel choices keeps nearly all the freedom at a fraction of the model. The
    ``(participant, offering)`` pairs in ``keep`` (last week's, requested, pinned, the warm
    start's) always stay; the others are spread by a stable hash (varied by ``salt``) so that
    every parallel group keeps enough takers.
    """
    removed = 0
    for pid, offerings in cands.attend.items():
        blocks: dict[tuple[int, int, bool], list[str]] = defaultdict(list)
        for o in offerings:
            offering = problem.offering[o]
            blocks[offering.start, offering.end, offering.virtual].append(o)
        kept: set[str] = set()
        for members in blocks.values():
            must = [o for o in members if (pid, o) in keep]
            rest = sorted(
                (o for o in members if (pid, o) not in keep),
                key=lambda o: zlib.crc32(f"{salt}|{pid}|{o}".encode()),
            )
            kept.update(must, rest[: max(0, per_block - len(must))])
        removed += len(offerings) - len(kept)
        cands.attend[pid] = [o for o in offerings if o in kept]
    return removed


def limit_leads(
    cands: Candidates, keep: dict[str, str], per_offering: int, salt: str = ""
) -> Candidates:
    """Candidates whose offerings each keep at most ``per_offering`` possible leads: the one
    in ``keep`` (the current lead) and others drawn by a stable hash varied by ``salt``. In a
    large program dozens of clinicians could lead a block; a few suffice for one round of
    the neighbourhood search."""
    groups = {}
    for o, option in cands.groups.items():
        leads = sorted(option.leads, key=lambda c: zlib.crc32(f"{salt}|{o}|{c}".encode()))
        chosen = [keep[o]] if keep.get(o) in option.leads else []
        chosen += [c for c in leads if c not in chosen][: max(0, per_offering - len(chosen))]
        groups[o] = GroupOption(o, tuple(c for c in option.leads if c in chosen), option.seats)
    return replace(cands, groups=groups)
