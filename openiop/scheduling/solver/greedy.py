"""A simple greedy baseline, also the CP-SAT solver's warm start.

1. Keep the sessions it is given (pins, then last week's sessions that still fit).
2. Groups, by a lazy priority queue: repeatedly take the offering (already open, or that can
   still get a lead and a room) that would seat the most minutes of participants who still
   fall short of their target, and seat them: those who attended it or asked for it first,
   then those on a new day, then those furthest from target.
3. Individual and family sessions, the most constrained first, each at the first start where
   participant, therapist and a room are free and nobody's weekly maximum is passed.

Every placement is checked against the hard rules as it is made, so the result is valid.
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from .candidates import Candidates, GroupOption, Request, build_candidates
from .ledger import Ledger
from .model import GroupSession, PairSession, Problem, Session, schedule_to_json


class _Greedy:
    def __init__(self, problem: Problem, candidates: Candidates) -> None:
        self.problem = problem
        self.cands = candidates
        self.ledger = Ledger(problem)
        self.sessions: list[Session] = []
        self.groups: dict[str, GroupSession] = {}
        self.placed: set[tuple[str, str]] = set()  # (participant, kind) placed
        self.takers: dict[str, list[str]] = defaultdict(list)
        for pid, offerings in candidates.attend.items():
            for o in offerings:
                self.takers[o].append(pid)
        self.request_of = {(r.participant, r.kind): r for r in candidates.requests}
        self.reserved: dict[str, int] = defaultdict(int)
        for request in candidates.requests:
            if request.starts:
                self.reserved[request.participant] += request.minutes

    # -- keeping given sessions ---------------------------------------------------------
    def keep(self, session: Session, *, force: bool = False) -> bool:
        """Add a given session if it still fits (always when ``force``, for checked pins)."""
        if isinstance(session, GroupSession):
            return self._keep_group(session, force)
        return self._keep_pair(session, force)

    def _keep_group(self, session: GroupSession, force: bool) -> bool:
        option = self.cands.groups.get(session.offering)
        offering = self.problem.offering[session.offering]
        if session.offering in self.groups or option is None:
            return False
        k = self.cands.class_of_room.get(session.room)
        if not force and (
            session.lead not in option.leads
            or k not in option.seats
            or not self._lead_free(session.lead, offering.start, offering.end)
            or not self.ledger.free("room", session.room, offering.start, offering.end)
        ):
            return False
        members = [p for p in session.participants if force or self._joinable(p, session.offering)]
        members = members[: option.seats.get(k, 0)] if not force else members
        if not force and len(members) < max(1, offering.min_size):
            return False
        self._open(session.offering, session.lead, session.room, members)
        return True

    def _keep_pair(self, session: PairSession, force: bool) -> bool:
        request = self.request_of.get((session.participant, session.kind))
        if request is None or (request.participant, request.kind) in self.placed:
            return False
        k = self.cands.class_of_room.get(session.room)
        day_starts = request.starts.get(session.start // 1440, [])
        if not force and (
            session.start not in day_starts
            or session.clinician != request.clinician
            or k not in request.classes
            or not self._pair_fits(request, session.start, [session.room])
        ):
            return False
        self._place(request, session.start, session.room)
        return True

    # -- checks -------------------------------------------------------------------------
    def _lead_free(self, cid: str, start: int, end: int) -> bool:
        return self.ledger.free("clinician", cid, start, end) and self.ledger.clinician_room(
            cid, end - start
        )

    def _joinable(self, pid: str, offering_id: str) -> bool:
        offering = self.problem.offering[offering_id]
        return self.ledger.free("participant", pid, offering.start, offering.end) and (
            self.ledger.participant_room(pid, offering.minutes)
        )

    def need(self, pid: str) -> int:
        target = self.problem.participant[pid].target_minutes
        return target - self.ledger.minutes[("participant", pid)] - self.reserved[pid]

    def _free_rooms(self, classes: Sequence[int], start: int, end: int) -> list[str]:
        return [
            room
            for k in classes
            for room in self.cands.classes[k].rooms
            if self.ledger.free("room", room, start, end)
        ]

    # -- groups -------------------------------------------------------------------------
    def _candidates_for(self, offering_id: str) -> list[str]:
        members = set(self.groups[offering_id].participants) if offering_id in self.groups else ()
        return [
            p
            for p in self.takers[offering_id]
            if p not in members and self.need(p) > 0 and self._joinable(p, offering_id)
        ]

    def _seats(self, offering_id: str, option: GroupOption) -> tuple[int, str | None, str | None]:
        """Seats still to fill, and the lead and room to open with (None if already open)."""
        offering = self.problem.offering[offering_id]
        if offering_id in self.groups:
            group = self.groups[offering_id]
            room_seats = option.seats[self.cands.class_of_room[group.room]]
            return room_seats - len(group.participants), None, None
        leads = [c for c in option.leads if self._lead_free(c, offering.start, offering.end)]
        rooms = self._free_rooms(list(option.seats), offering.start, offering.end)
        if not leads or not rooms:
            return 0, None, None
        lead = min(leads, key=lambda c: self.ledger.minutes[("clinician", c)])
        room = max(rooms, key=lambda r: option.seats[self.cands.class_of_room[r]])
        return option.seats[self.cands.class_of_room[room]], lead, room

    def _score(self, offering_id: str) -> tuple[int, list[str], str | None, str | None]:
        option = self.cands.groups[offering_id]
        seats, lead, room = self._seats(offering_id, option)
        if seats <= 0:
            return 0, [], None, None
        pool = self._candidates_for(offering_id)
        offering = self.problem.offering[offering_id]
        if offering_id not in self.groups and len(pool) < max(1, offering.min_size):
            return 0, [], None, None
        pool.sort(key=lambda p: self._priority(p, offering_id))
        chosen = pool[:seats]
        return len(chosen) * offering.minutes, chosen, lead, room

    def _priority(self, pid: str, offering_id: str) -> tuple[int, int, int]:
        participant = self.problem.participant[pid]
        wished = offering_id in participant.previous or offering_id in participant.preferred
        new_day = self.problem.offering[offering_id].day not in self.ledger.days(pid)
        return (0 if wished else 1, 0 if new_day else 1, -self.need(pid))

    def _open(self, offering_id: str, lead: str, room: str, members: list[str]) -> None:
        session = GroupSession(offering_id, room, lead, [])
        self.groups[offering_id] = session
        self.sessions.append(session)
        offering = self.problem.offering[offering_id]
        self.ledger.book("clinician", lead, offering.start, offering.end)
        self.ledger.book("room", room, offering.start, offering.end)
        self._join(offering_id, members)

    def _join(self, offering_id: str, members: list[str]) -> None:
        offering = self.problem.offering[offering_id]
        for pid in members:
            self.groups[offering_id].participants.append(pid)
            self.ledger.book("participant", pid, offering.start, offering.end)

    def fill_groups(self) -> None:
        heap = [(-1 << 40, o) for o in self.cands.groups]
        heapq.heapify(heap)
        while heap:
            _, offering_id = heapq.heappop(heap)
            score, members, lead, room = self._score(offering_id)
            if score <= 0:
                continue
            if heap and -heap[0][0] > score:
                heapq.heappush(heap, (-score, offering_id))
                continue
            if offering_id in self.groups:
                self._join(offering_id, members)
            else:
                assert lead is not None and room is not None
                self._open(offering_id, lead, room, members)
            heapq.heappush(heap, (-score, offering_id))

    # -- individual and family sessions -------------------------------------------------
    def _pair_fits(self, request: Request, start: int, rooms: Sequence[str]) -> str | None:
        end = start + request.minutes
        assert request.clinician is not None
        if not (
            self.ledger.free("participant", request.participant, start, end)
            and self.ledger.free("clinician", request.clinician, start, end)
            and self.ledger.participant_room(request.participant, request.minutes)
            and self.ledger.clinician_room(request.clinician, request.minutes)
        ):
            return None
        return next((r for r in rooms if self.ledger.free("room", r, start, end)), None)

    def _place(self, request: Request, start: int, room: str) -> None:
        assert request.clinician is not None
        session = PairSession(
            request.kind,
            request.participant,
            request.clinician,
            room,
            start,
            start + request.minutes,
        )
        self.sessions.append(session)
        self.ledger.add(session)
        self.placed.add((request.participant, request.kind))
        self.reserved[request.participant] -= request.minutes

    def place_requests(self) -> None:
        todo = [r for r in self.cands.requests if r.starts]
        todo.sort(key=lambda r: len(r.all_starts()))
        for request in todo:
            if (request.participant, request.kind) in self.placed:
                continue
            days = self.ledger.days(request.participant)
            starts = sorted(request.all_starts(), key=lambda s: (s // 1440 in days, s))
            rooms = [r for k in request.classes for r in self.cands.classes[k].rooms]
            for start in starts:
                room = self._pair_fits(request, start, rooms)
                if room is not None:
                    self._place(request, start, room)
                    break


def greedy_sessions(
    problem: Problem,
    candidates: Candidates,
    *,
    pinned: Sequence[Session] = (),
    keep: Sequence[Session] = (),
) -> list[Session]:
    """A valid list of sessions: ``pinned`` (already checked) kept as they are, ``keep``
    (e.g. last week's) kept where they still fit, the rest filled greedily."""
    greedy = _Greedy(problem, candidates)
    for session in pinned:
        greedy.keep(session, force=True)
    for session in keep:
        greedy.keep(session)
    greedy.fill_groups()
    greedy.place_requests()
    greedy.reserved.clear()  # minutes kept for sessions that found no place go to groups
    greedy.fill_groups()
    return greedy.sessions


def solve_greedy(problem: Problem) -> dict[str, Any]:
    """The greedy baseline's schedule document (status ``feasible``; no bound)."""
    from .explain import unmet_reasons

    began = time.monotonic()
    candidates = build_candidates(problem)
    sessions = greedy_sessions(problem, candidates)
    seconds = round(time.monotonic() - began, 3)
    stats = {"solve_seconds": seconds, "objective": None, "bound": None, "solver": "greedy"}
    unmet = unmet_reasons(problem, candidates, sessions)
    return schedule_to_json(problem, sessions, status="feasible", stats=stats, unmet=unmet)


def polish(problem: Problem, candidates: Candidates, sessions: Sequence[Session]) -> list[Session]:
    """A valid schedule with whatever still fits added, nothing moved: individual and family
    sessions at free times, then participants short of target into open groups with seats (or
    groups that can still open). Each addition lowers shortfall or places a session, so the
    result is never worse on rules 1-3. Sessions must have their actual rooms."""
    greedy = _Greedy(problem, candidates)
    for session in sessions:
        greedy.keep(session, force=True)
    greedy.place_requests()
    greedy.reserved.clear()
    greedy.fill_groups()
    return greedy.sessions
