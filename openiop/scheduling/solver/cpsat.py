"""The week-schedule solver on OR-Tools CP-SAT (no Django).

``solve(problem, time_limit=30, seed=0)`` returns an ``openiop-schedule/1`` document. Every
soft wish is soft, so an empty schedule is always valid and the answer is never
"infeasible" because of a wish; only contradictory *pins* can make it so.

How: :mod:`.candidates` generates only feasible placements, :mod:`.greedy` builds a valid
schedule at once (the warm start; with ``hint`` it first keeps last week's sessions that
still fit), :mod:`.cpmodel` builds the model and :mod:`.search` has CP-SAT improve it
anytime, with at least two workers, until the time limit or a proof of optimality. Above
``LNS_ABOVE`` participants :mod:`.lns` improves it a neighbourhood at a time instead. Room
classes become actual rooms (``assign_rooms``), whatever still fits is added
(``greedy.polish``) and :mod:`.explain` writes ``unmet``.

Objective (lexicographic, as the format orders it). The terms, best first:

====  ========================================================  =====
 #    term (each between 0 and a bound B computed per problem)  stage
====  ========================================================  =====
 1    total shortfall minutes against ``target_minutes``          1
 2    individual and family sessions not placed                   1
 3    ``min_days`` deficit (days missing, summed)                 1
 S    changes against ``hint`` (only with ``stability``)          1
 4a   ``previous`` groups not attended                            2
 4b   ``preferred`` groups not attended                           2
 5a   peak clinician load, in 15-minute units                     2
 5b   groups opened                                               2
====  ========================================================  =====

Exact weights: within a stage each term's weight is the product of ``(B + 1)`` over the terms
below it, so one unit of a term outweighs the largest possible total of everything below.
Without stability, stage 1 weighs a minute of shortfall ``(B2 + 1) * (B3 + 1)``, an unplaced
session ``B3 + 1`` and a missing day 1; with stability each of those is multiplied by
``BS + 1`` and a change weighs 1. Stage 2 weighs a missed previous group
``(B4b + 1)(B5a + 1)(B5b + 1)``, a missed preferred one ``(B5a + 1)(B5b + 1)``, a 15-minute unit
of peak load ``B5b + 1`` and a group opened 1. Stage 2 runs with stage 1's objective held at or
below the value stage 1 reached, so a lower term can never buy a higher one. A stage whose
weights would pass 2**53 is split into further stages. Stability therefore ranks below rules
1-3 and above 4-5: kept sessions stay put unless moving them gains shortfall minutes, a placed
session or a day. ``docs/scheduling-solver.md`` has the bounds and an example.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .candidates import Candidates, assign_rooms, build_candidates, keep_pairs, limit_parallel
from .check import check
from .explain import unmet_reasons
from .greedy import greedy_sessions, polish
from .lns import improve
from .model import (
    SCHEDULE_FORMAT,
    GroupSession,
    PairSession,
    Problem,
    Session,
    schedule_to_json,
)
from .reading import sessions_from_json
from .score import score
from .search import Outcome, Progress, Settings, StageResult, optimize, stages, weights

LNS_ABOVE = 300  # participants; larger problems are improved by neighbourhoods (see lns.py)
PER_BLOCK = 6  # parallel offerings per time block kept per participant in the whole model


def _pins(problem: Problem, pinned: Sequence[dict[str, Any]]) -> list[Session]:
    """The pinned sessions, checked on their own (rule 5 aside: others may still join)."""
    sessions = sessions_from_json(problem, list(pinned), "pinned")
    doc = {"format": SCHEDULE_FORMAT, "status": "feasible", "sessions": list(pinned)}
    errors = check(problem, doc, skip=(5,))
    if errors:
        raise ValueError("pinned sessions break the hard rules: " + "; ".join(errors[:5]))
    return sessions


def _preferred_rooms(sessions: list[Session], keep: Sequence[Session]) -> dict[int, str]:
    """Per session index, the room a pin or the previous schedule gave the same session at
    the same time (a session that moved has no claim on its old room)."""

    def key(session: Session) -> tuple[str, str, int]:
        if isinstance(session, GroupSession):
            return ("group", session.offering, 0)
        return (session.kind, session.participant, session.start)

    rooms: dict[tuple[str, str, int], str] = {}
    for session in keep:
        rooms.setdefault(key(session), session.room)
    return {i: rooms[key(s)] for i, s in enumerate(sessions) if key(s) in rooms}


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int = 2,
    pinned: Sequence[dict[str, Any]] = (),
    hint: dict[str, Any] | None = None,
    stability: bool = True,
    progress: Progress | None = None,
    log: bool = False,
) -> dict[str, Any]:
    """Solve one week; return an ``openiop-schedule/1`` document.

    ``pinned``: sessions (schedule format) that must be kept, added to the problem's own
    ``pinned`` extension key; a pinned group may still take more participants. ``hint``: a
    previous schedule document, the warm start; with ``stability`` its sessions also stay as
    they were unless rules 1-3 gain by a change. ``progress(seconds, shortfall_minutes)`` is
    called as the shortfall improves. ``workers`` is at least 2. Raises ``ValueError`` for
    pins that break a hard rule.
    """
    began = time.monotonic()
    pins = _pins(problem, [*problem.pinned, *pinned])
    cands = build_candidates(problem, singletons=[s.room for s in pins])
    before = sessions_from_json(problem, hint.get("sessions", []), strict=False) if hint else []
    start_from = greedy_sessions(problem, cands, pinned=pins, keep=before)
    settings = Settings(began, seed, max(2, workers), log, progress)
    context = _Context(problem, replace(cands, attend=dict(cands.attend)), pins, before, settings)
    held = before if hint and stability else None
    deadline = began + time_limit
    if len(problem.participants) > LNS_ABOVE:
        sessions, rounds = improve(
            problem, cands, start_from, pins=pins, before=held, deadline=deadline, settings=settings
        )
        return context.answer(cands, sessions, "feasible", rounds)
    return _solve_whole(context, cands, start_from, held, deadline)


def _solve_whole(
    context: _Context,
    cands: Candidates,
    start_from: list[Session],
    held: list[Session] | None,
    deadline: float,
) -> dict[str, Any]:
    """One model of the whole week (trimmed to PER_BLOCK parallel options per block)."""
    problem, pins = context.problem, context.pins
    keep = keep_pairs(problem, [*pins, *context.before, *start_from])
    trimmed = limit_parallel(problem, cands, keep, PER_BLOCK)
    outcome = optimize(
        problem,
        cands,
        start_from=start_from,
        pins=pins,
        before=held,
        deadline=deadline,
        settings=context.settings,
    )
    if outcome.infeasible:
        return context.answer(cands, [], "infeasible", [outcome])
    if outcome.sessions is None:
        return context.answer(cands, start_from, "feasible", [outcome], fallback=True)
    status = "optimal" if outcome.proved and not trimmed else "feasible"
    return context.answer(cands, outcome.sessions, status, [outcome], bound=not trimmed)


@dataclass
class _Context:
    problem: Problem
    full: Candidates  # every option, untrimmed: what ``unmet`` reasons about
    pins: list[Session]
    before: list[Session]
    settings: Settings

    def answer(
        self,
        cands: Candidates,
        sessions: list[Session],
        status: str,
        outcomes: list[Outcome],
        *,
        fallback: bool = False,
        bound: bool = False,
    ) -> dict[str, Any]:
        """The schedule document: real rooms, anything that still fits added (``polish``),
        ``unmet`` reasons and the stats. ``bound``: stage 1's bound holds for the whole
        problem (nothing was trimmed from the model)."""
        problem = self.problem
        preferred = _preferred_rooms(sessions, [*self.pins, *self.before])
        if not assign_rooms(problem, cands, sessions, preferred):
            raise RuntimeError("a room class was overbooked: a solver bug")
        if status != "infeasible":
            sessions = polish(problem, self.full, sessions)
        last = outcomes[-1].results if outcomes else []
        lns = len(problem.participants) > LNS_ABOVE
        first = self.settings.first
        stats: dict[str, Any] = {
            "solve_seconds": round(time.monotonic() - self.settings.began, 3),
            "objective": first_stage_value(problem, self.full, sessions),
            "bound": rules_bound(last[0]) if bound and last else None,
            "solver": "cp-sat" + (" (large neighbourhoods)" if lns else ""),
            "first_feasible_seconds": None if first is None else round(first, 3),
            "stages": [] if lns else [r.to_json() for r in last],
        }
        if lns:
            stats["rounds"] = len(outcomes)
        if fallback:
            stats["solver"] = "greedy (CP-SAT found no solution in time)"
        unmet = unmet_reasons(problem, self.full, sessions)
        return schedule_to_json(problem, sessions, status=status, stats=stats, unmet=unmet)


def rules_bound(result: StageResult) -> int | None:
    """A lower bound on the rules 1-3 objective (``first_stage_value``) from stage 1's bound.

    With stability stage 1 is ``f * rules + changes`` where ``f`` (the third term's weight)
    is one more than the most changes there can be, hence the division."""
    if result.bound is None or len(result.levels) < 3:
        return None
    f = result.weights[2]
    return -(-(result.bound - (f - 1)) // f)


def first_stage_value(problem: Problem, cands: Candidates, sessions: Sequence[Session]) -> int:
    """Stage 1's objective (rules 1-3, exact weights) for the whole problem's sessions."""
    placeable = {(r.participant, r.kind) for r in cands.requests if r.starts}
    placed = {(s.participant, s.kind) for s in sessions if isinstance(s, PairSession)}
    days_bound = sum(p.min_days for p in problem.participants)
    value = score(problem, sessions)
    unplaced = len(placeable - placed)
    return (value.shortfall * (len(placeable) + 1) + unplaced) * (days_bound + 1) + (
        value.day_deficit
    )


__all__ = ["first_stage_value", "solve", "stages", "weights"]
