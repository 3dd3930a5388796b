"""Who is busy when, and how many minutes each person has, for a growing list of sessions.

Used by the greedy baseline to place sessions one at a time and by the ``unmet`` analysis to
see what stood in the way of a placement.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter

from .model import GroupSession, Problem, Session, session_span


class Ledger:
    """Busy spans per participant, clinician and room, and minutes per person."""

    def __init__(self, problem: Problem, sessions: list[Session] | None = None) -> None:
        self.problem = problem
        self.spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self.minutes: Counter[tuple[str, str]] = Counter()
        for session in sessions or []:
            self.add(session)

    def free(self, what: str, who: str, start: int, end: int) -> bool:
        """Whether ``[start, end)`` misses every span booked for ``(what, who)``."""
        spans = self.spans.get((what, who))
        if not spans:
            return True
        index = bisect_left(spans, (start, start))  # spans are disjoint and sorted
        if index > 0 and spans[index - 1][1] > start:
            return False
        return index == len(spans) or spans[index][0] >= end

    def book(self, what: str, who: str, start: int, end: int) -> None:
        insort(self.spans.setdefault((what, who), []), (start, end))
        if what != "room":
            self.minutes[(what, who)] += end - start

    def unbook(self, what: str, who: str, start: int, end: int) -> None:
        self.spans[(what, who)].remove((start, end))
        if what != "room":
            self.minutes[(what, who)] -= end - start

    def add(self, session: Session) -> None:
        start, end = session_span(self.problem, session)
        if isinstance(session, GroupSession):
            for pid in session.participants:
                self.book("participant", pid, start, end)
            self.book("clinician", session.lead, start, end)
        else:
            self.book("participant", session.participant, start, end)
            self.book("clinician", session.clinician, start, end)
        self.book("room", session.room, start, end)

    def participant_room(self, pid: str, minutes: int) -> bool:
        """Whether ``minutes`` more fit under the participant's ``max_minutes``."""
        used = self.minutes[("participant", pid)]
        return used + minutes <= self.problem.participant[pid].max_minutes

    def clinician_room(self, cid: str, minutes: int) -> bool:
        used = self.minutes[("clinician", cid)]
        return used + minutes <= self.problem.clinician[cid].max_minutes

    def days(self, pid: str) -> set[int]:
        return {start // 1440 for start, _ in self.spans.get(("participant", pid), [])}
