"""One CP-SAT optimisation of a candidate set: model, warm start, lexicographic stages.

:func:`optimize` builds the model (:mod:`.cpmodel`) for the given candidates, fixes the
pins, hints a valid schedule as a complete warm start, and solves the objective in stages
(see :mod:`.cpsat` for the terms and weights). It returns the sessions of the best solution
found, with each room still standing for its room class (``assign_rooms`` picks the rooms).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ortools.sat.python import cp_model

from .candidates import Candidates, Request
from .check import minutes_by_person
from .cpmodel import Level, WeekModel, build_model
from .model import (
    DAY_MINUTES,
    GRID,
    GroupSession,
    PairSession,
    Problem,
    Session,
    participant_days,
    participant_minutes,
)

WEIGHT_LIMIT = 2**53
FIRST_STAGE_SHARE = 0.75

Progress = Callable[[float, int], None]


def weights(levels: Sequence[Level]) -> list[int]:
    """Exact lexicographic weights: each outweighs the most all lower levels can add up to."""
    result = [1] * len(levels)
    for i in range(len(levels) - 2, -1, -1):
        result[i] = result[i + 1] * (levels[i + 1].bound + 1)
    return result


def stages(levels: Sequence[Level]) -> list[list[Level]]:
    """Part 1 (rules 1-3, then stability) first, part 2 (rules 4-5) second; a stage whose
    weights would pass WEIGHT_LIMIT is split."""
    result: list[list[Level]] = []
    for part in ([v for v in levels if v.part == 1], [v for v in levels if v.part == 2]):
        current: list[Level] = []
        for level in part:
            trial = [*current, level]
            if current and weights(trial)[0] * (trial[0].bound + 1) > WEIGHT_LIMIT:
                result.append(current)
                trial = [level]
            current = trial
        if current:
            result.append(current)
    return result


@dataclass
class StageResult:
    levels: list[str]
    weights: list[int]
    status: str
    objective: int | None
    bound: int | None
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "levels": self.levels,
            "weights": self.weights,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Settings:
    """What every optimisation of one ``solve`` call shares."""

    began: float
    seed: int = 0
    workers: int = 2
    log: bool = False
    progress: Progress | None = None
    first: float | None = None  # seconds from ``began`` to CP-SAT's first solution


@dataclass
class Outcome:
    sessions: list[Session] | None
    results: list[StageResult] = field(default_factory=list)
    infeasible: bool = False

    @property
    def proved(self) -> bool:
        return bool(self.results) and all(r.status == "optimal" for r in self.results)


class _Watch(cp_model.CpSolverSolutionCallback):
    """Notes when the first solution came and reports stage-1 shortfall as it improves."""

    def __init__(self, settings: Settings, shortfall_weight: int | None) -> None:
        super().__init__()
        self.settings = settings
        self.weight = shortfall_weight

    def on_solution_callback(self) -> None:
        elapsed = time.monotonic() - self.settings.began
        if self.settings.first is None:
            self.settings.first = elapsed
        if self.settings.progress is not None and self.weight is not None:
            self.settings.progress(elapsed, int(self.objective_value) // self.weight)


# -- warm start ------------------------------------------------------------------------------

_Put = Callable[[cp_model.IntVar, int | bool], None]


def hint(problem: Problem, m: WeekModel, cands: Candidates, sessions: Sequence[Session]) -> None:
    """The value a valid schedule gives every variable of the model: a complete hint, which
    CP-SAT takes as its first solution."""
    values: dict[int, int] = {}

    def put(var: cp_model.IntVar, value: int | bool) -> None:
        values[var.index] = int(value)

    groups = {s.offering: s for s in sessions if isinstance(s, GroupSession)}
    for o, var in m.open.items():
        put(var, o in groups)
    for (o, c), var in m.lead.items():
        put(var, o in groups and groups[o].lead == c)
    for (o, k), var in m.room.items():
        put(var, o in groups and cands.class_of_room[groups[o].room] == k)
    members = {(p, o) for o, s in groups.items() for p in s.participants}
    for key, var in m.attend.items():
        put(var, key in members)
    pairs = {(s.participant, s.kind): s for s in sessions if isinstance(s, PairSession)}
    for request in cands.requests:
        if request.index in m.placed:
            _hint_request(m, cands, request, pairs.get((request.participant, request.kind)), put)
    _hint_aux(problem, m, sessions, put)
    m.model.clear_hints()
    m.model.proto.solution_hint.vars.extend(list(values))
    m.model.proto.solution_hint.values.extend(list(values.values()))


def _hint_request(
    m: WeekModel, cands: Candidates, request: Request, session: PairSession | None, put: _Put
) -> None:
    r = request.index
    put(m.placed[r], session is not None)
    start = session.start if session else request.all_starts()[0]
    put(m.start[r], start // GRID)
    for day in request.starts:
        put(m.on[r, day], session is not None and start // DAY_MINUTES == day)
    for k in request.classes:
        put(m.in_class[r, k], session is not None and cands.class_of_room[session.room] == k)
    if r in m.same:
        same, old_start, old_class = m.same[r]
        kept = session is not None and session.start == old_start
        put(same, kept and cands.class_of_room[session.room] == old_class)  # type: ignore[union-attr]


def _hint_aux(problem: Problem, m: WeekModel, sessions: Sequence[Session], put: _Put) -> None:
    minutes = participant_minutes(problem, sessions)
    days = participant_days(problem, sessions)
    for participant in problem.participants:
        pid = participant.id
        if pid in m.short:
            put(m.short[pid], max(0, participant.target_minutes - minutes[pid]))
        used = 0
        for day in range(7):
            if (pid, day) in m.day_used:
                put(m.day_used[pid, day], day in days[pid])
                used += day in days[pid]
        if pid in m.gap:
            put(m.gap[pid], max(0, participant.min_days - used))
    if m.peak is not None:
        _, load = minutes_by_person(problem, list(sessions))
        put(m.peak, -(-max(load.values(), default=0) // GRID))


# -- pins and solutions ----------------------------------------------------------------------


def fix_pins(m: WeekModel, cands: Candidates, pins: Sequence[Session]) -> None:
    """Hold every pinned session (parts outside a neighbourhood are held already)."""
    for pin in pins:
        if isinstance(pin, GroupSession):
            if pin.offering not in cands.groups:
                reason = cands.closed.get(pin.offering, "unknown offering")
                raise ValueError(f"pinned group {pin.offering} cannot open: {reason}")
            m.model.add(m.open[pin.offering] == 1)
            m.model.add(m.lead[pin.offering, pin.lead] == 1)
            m.model.add(m.room[pin.offering, cands.class_of_room[pin.room]] == 1)
            for pid in pin.participants:
                if (pid, pin.offering) in m.attend:
                    m.model.add(m.attend[pid, pin.offering] == 1)
            continue
        request = next(
            (r for r in cands.requests if r.participant == pin.participant and r.kind == pin.kind),
            None,
        )
        if request is not None and request.index in m.placed:
            m.model.add(m.placed[request.index] == 1)
            m.model.add(m.start[request.index] == pin.start // GRID)
            m.model.add(m.in_class[request.index, cands.class_of_room[pin.room]] == 1)


def extract(
    problem: Problem,
    m: WeekModel,
    cands: Candidates,
    values: Sequence[int],
    background: Sequence[Session] = (),
) -> list[Session]:
    """Sessions of a solution plus the ``background`` held in place; each room is the first
    of its class until assign_rooms."""
    members: dict[str, list[str]] = {}
    for session in background:
        if isinstance(session, GroupSession):
            members[session.offering] = list(session.participants)
    for (pid, o), var in m.attend.items():
        if values[var.index]:
            members.setdefault(o, []).append(pid)
    sessions: list[Session] = []
    for o, var in m.open.items():
        if not values[var.index]:
            continue
        option = cands.groups[o]
        lead = next(c for c in option.leads if values[m.lead[o, c].index])
        k = next(k for k in option.seats if values[m.room[o, k].index])
        sessions.append(GroupSession(o, cands.classes[k].rooms[0], lead, members.get(o, [])))
    for request in cands.requests:
        r = request.index
        if r not in m.placed or not values[m.placed[r].index]:
            continue
        start = values[m.start[r].index] * GRID
        k = next(k for k in request.classes if values[m.in_class[r, k].index])
        assert request.clinician is not None
        room = cands.classes[k].rooms[0]
        sessions.append(
            PairSession(
                request.kind,
                request.participant,
                request.clinician,
                room,
                start,
                start + request.minutes,
            )
        )
    sessions += [replace(s) for s in background if isinstance(s, PairSession)]
    return sessions


# -- stages ----------------------------------------------------------------------------------


def _solve_stage(
    m: WeekModel, levels: list[Level], seconds: float, settings: Settings, is_first: bool
) -> tuple[StageResult, list[int] | None, Any]:
    stage_weights = weights(levels)
    objective = sum(w * level.expr for w, level in zip(stage_weights, levels, strict=True))
    m.model.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.2, seconds)
    solver.parameters.num_workers = max(2, settings.workers)
    solver.parameters.random_seed = settings.seed
    solver.parameters.log_search_progress = settings.log
    began = time.monotonic()
    status = solver.solve(m.model, _Watch(settings, stage_weights[0] if is_first else None))
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    result = StageResult(
        levels=[level.name for level in levels],
        weights=stage_weights,
        status=solver.status_name(status).lower(),
        objective=int(solver.objective_value) if found else None,
        bound=int(solver.best_objective_bound) if found else None,
        seconds=time.monotonic() - began,
    )
    if not found:
        return result, None, status
    m.model.add(objective <= int(solver.objective_value))
    return result, list(solver.response_proto.solution), status


def optimize(
    problem: Problem,
    cands: Candidates,
    *,
    start_from: Sequence[Session],
    pins: Sequence[Session],
    before: Sequence[Session] | None,
    deadline: float,
    settings: Settings,
    background: Sequence[Session] = (),
    report: bool = True,
) -> Outcome:
    """The best sessions CP-SAT finds by ``deadline`` (``sessions`` None if none was found;
    ``infeasible`` only if the pins cannot all hold). ``background``: see ``build_model``;
    ``report``: pass stage 1's shortfall to ``settings.progress`` as it improves."""
    m = build_model(problem, cands, before, background)
    fix_pins(m, cands, pins)
    hint(problem, m, cands, start_from)
    plan = stages(m.levels)
    outcome = Outcome(sessions=None)
    values = None
    for index, levels in enumerate(plan):
        share = FIRST_STAGE_SHARE if index == 0 and len(plan) > 1 else 1 / (len(plan) - index)
        seconds = (deadline - time.monotonic()) * share
        result, found, status = _solve_stage(m, levels, seconds, settings, report and index == 0)
        outcome.results.append(result)
        if status == cp_model.INFEASIBLE and index == 0:
            outcome.infeasible = True
            return outcome
        if found is None:
            break
        values = found
        m.model.clear_hints()
        m.model.proto.solution_hint.vars.extend(list(range(len(values))))
        m.model.proto.solution_hint.values.extend(values)
    if values is not None:
        outcome.sessions = extract(problem, m, cands, values, background)
    if len(outcome.results) < len(plan):
        outcome.results.append(StageResult([], [], "not run", None, None, 0.0))
    return outcome
