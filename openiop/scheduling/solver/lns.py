"""Large programs: large-neighbourhood search over CP-SAT sub-models.

A model of every placement of 1,000 participants is too big to presolve and improve in a
few minutes on two cores, and a program's sites are not separate problems in the format (a
participant may attend any group), so splitting by site would not be sound. Instead the
incumbent schedule (the greedy one to begin with) is improved a neighbourhood at a time:

1. choose about ``NEIGHBOURHOOD`` participants: those with shortfall, unplaced sessions or
   too few days plus the people they compete with for seats, or a few therapists' whole
   caseloads, or everyone attending on one day (in turn);
2. build the model for them only, everyone else's sessions held in place as a background
   (see ``build_model``), with 3 parallel options per block per participant and 4 possible
   leads per offering drawn afresh each round, and warm-start it with the incumbent;
3. solve it for a few seconds (same lexicographic stages) and keep the result if its
   :class:`~.score.Score` is no worse.

Every sub-model contains the whole week, so every result is a valid schedule of the whole
problem; the search is anytime and stops at the deadline. It proves nothing, so the status
is "feasible" and there is no bound.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from .candidates import Candidates, keep_pairs, limit_leads, limit_parallel
from .model import GroupSession, Problem, Session
from .score import Score, score
from .search import Outcome, Settings, optimize

NEIGHBOURHOOD = 200
ROUND_SECONDS = 12.0
LEADS = 4  # possible leads per offering in a round
PER_BLOCK = 3  # parallel offerings per block per participant (a new draw each round)


def _needy(problem: Problem, cands: Candidates, sessions: Sequence[Session]) -> list[str]:
    minutes: dict[str, int] = defaultdict(int)
    days: dict[str, set[int]] = defaultdict(set)
    placed = set()
    for session in sessions:
        if isinstance(session, GroupSession):
            offering = problem.offering[session.offering]
            for pid in session.participants:
                minutes[pid] += offering.minutes
                days[pid].add(offering.day)
        else:
            minutes[session.participant] += session.minutes
            days[session.participant].add(session.start // 1440)
            placed.add((session.participant, session.kind))
    wanting = {
        r.participant for r in cands.requests if r.starts and (r.participant, r.kind) not in placed
    }
    return [
        p.id
        for p in problem.participants
        if minutes[p.id] < p.target_minutes or len(days[p.id]) < p.min_days or p.id in wanting
    ]


def neighbourhood(
    problem: Problem, cands: Candidates, sessions: Sequence[Session], rng: random.Random, turn: int
) -> set[str]:
    """About NEIGHBOURHOOD participants to set free this round (see the module docstring)."""
    needy = _needy(problem, cands, sessions)
    if turn % 3 == 0 and needy:
        chosen = _needy_and_rivals(cands, sessions, needy, rng)
    elif turn % 3 == 1:
        chosen = _caseloads(problem, rng)
    else:
        day = rng.randrange(7)
        chosen = {
            pid
            for s in sessions
            if isinstance(s, GroupSession) and problem.offering[s.offering].day == day
            for pid in s.participants
        }
    everyone = [p.id for p in problem.participants]
    while len(chosen) < min(NEIGHBOURHOOD, len(everyone)):
        chosen.add(rng.choice(everyone))
    if len(chosen) > NEIGHBOURHOOD:
        chosen = set(rng.sample(sorted(chosen), NEIGHBOURHOOD))
    return chosen


def _needy_and_rivals(
    cands: Candidates, sessions: Sequence[Session], needy: list[str], rng: random.Random
) -> set[str]:
    """Some participants still short of something, and those holding the seats they need."""
    seeds = rng.sample(needy, min(len(needy), NEIGHBOURHOOD // 3))
    chosen = set(seeds)
    groups = {s.offering: s for s in sessions if isinstance(s, GroupSession)}
    rivals = [
        pid
        for seed in seeds
        for o in cands.attend[seed]
        if o in groups
        for pid in groups[o].participants
    ]
    rng.shuffle(rivals)
    for pid in rivals:
        if len(chosen) >= NEIGHBOURHOOD:
            break
        chosen.add(pid)
    return chosen


def _caseloads(problem: Problem, rng: random.Random) -> set[str]:
    """Whole caseloads of therapists drawn at random, as many as fit."""
    caseloads: dict[str | None, list[str]] = defaultdict(list)
    for p in problem.participants:
        caseloads[p.therapist].append(p.id)
    order = list(caseloads)
    rng.shuffle(order)
    chosen: set[str] = set()
    for therapist in order:
        if chosen and len(chosen) + len(caseloads[therapist]) > NEIGHBOURHOOD:
            break
        chosen.update(caseloads[therapist])
    return chosen


def restrict(
    cands: Candidates, sessions: Sequence[Session], free: set[str]
) -> tuple[Candidates, list[Session]]:
    """Candidates of the ``free`` participants only, and everyone else's sessions as the
    background held in place (see ``build_model``)."""
    background: list[Session] = []
    held_by: dict[str, list[tuple[int, int]]] = defaultdict(list)  # clinician -> spans
    for session in sessions:
        if isinstance(session, GroupSession):
            held = [p for p in session.participants if p not in free]
            if held:
                background.append(replace(session, participants=held))
        elif session.participant not in free:
            background.append(session)
            held_by[session.clinician].append((session.start, session.end))
    requests = []
    for request in cands.requests:
        if request.participant not in free:
            continue
        busy = held_by.get(request.clinician or "", [])
        starts = {
            day: kept
            for day, values in request.starts.items()
            if (
                kept := [
                    s for s in values if not any(a < s + request.minutes and s < b for a, b in busy)
                ]
            )
        }
        requests.append(
            replace(request, starts=starts, blocked=request.blocked or ("" if starts else "held"))
        )
    attend = {pid: list(offerings) for pid, offerings in cands.attend.items() if pid in free}
    return replace(cands, attend=attend, requests=requests), background


def improve(
    problem: Problem,
    cands: Candidates,
    incumbent: list[Session],
    *,
    pins: Sequence[Session],
    before: Sequence[Session] | None,
    deadline: float,
    settings: Settings,
) -> tuple[list[Session], list[Outcome]]:
    """The incumbent improved by neighbourhood rounds until ``deadline``."""
    rng = random.Random(settings.seed)  # noqa: S311 (search diversity, not secrets)
    best, best_score = incumbent, _score(problem, cands, incumbent, before)
    rounds: list[Outcome] = []
    turn = 0
    if settings.progress is not None:
        settings.progress(time.monotonic() - settings.began, best_score.shortfall)
    while deadline - time.monotonic() > 2.0:
        free = neighbourhood(problem, cands, best, rng, turn)
        sub, background = restrict(cands, best, free)
        limit_parallel(problem, sub, keep_pairs(problem, [*pins, *best]), PER_BLOCK, f"{turn}")
        leads = {s.offering: s.lead for s in best if isinstance(s, GroupSession)}
        leads.update({s.offering: s.lead for s in pins if isinstance(s, GroupSession)})
        sub = limit_leads(sub, leads, LEADS, f"{turn}")
        end = min(deadline, time.monotonic() + ROUND_SECONDS)
        outcome = optimize(
            problem,
            sub,
            start_from=best,
            pins=pins,
            before=before,
            deadline=end,
            settings=settings,
            background=background,
            report=False,
        )
        rounds.append(outcome)
        if outcome.sessions is not None:
            candidate_score = _score(problem, cands, outcome.sessions, before)
            if candidate_score <= best_score:
                best, best_score = outcome.sessions, candidate_score
                if settings.progress is not None:
                    settings.progress(time.monotonic() - settings.began, best_score.shortfall)
        turn += 1
    return best, rounds


def _score(
    problem: Problem,
    cands: Candidates,
    sessions: Sequence[Session],
    before: Sequence[Session] | None,
) -> Score:
    return score(problem, sessions, before, cands.class_of_room)


__all__ = ["improve", "neighbourhood", "restrict"]
