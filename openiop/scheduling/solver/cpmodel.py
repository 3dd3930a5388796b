"""The CP-SAT model of one week (built from :mod:`.candidates`, so only feasible placements
have variables). :mod:`.cpsat` solves it; see its docstring for the objective.

Variables
- ``open[o]``: offering ``o`` runs; ``lead[o, c]``, ``room[o, k]``: its lead and room class
  (exactly one each when open); ``attend[p, o]``: participant ``p`` is in it.
- per individual/family :class:`~.candidates.Request` ``r``: ``placed[r]``, ``on[r, d]`` (its
  day), ``start[r]`` (in 15-minute steps from Monday 00:00, its domain the allowed starts of
  the chosen day) and ``in_class[r, k]`` (its room class).

Hard rules
- per-slot at-most-one: for every maximal set of mutually overlapping offerings, each
  participant attends at most one, each clinician leads at most one, each room class holds
  at most as many as it has rooms;
- a participant's and a clinician's individual/family sessions are optional intervals in a
  no-overlap with the groups they attend or lead; rooms used by both kinds of session are a
  cumulative per room class;
- group size between ``min_size`` and the room class's seats; weekly maxima as linear sums.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .candidates import Candidates, Request, cliques
from .model import DAY_MINUTES, GRID, GroupSession, PairSession, Problem, Session, overlaps

Expr = cp_model.LinearExprT


@dataclass
class Level:
    """One term of the lexicographic objective: ``expr`` is between 0 and ``bound``.
    ``part`` 1 terms (rules 1-3, then stability) are solved before part 2 (rules 4-5)."""

    name: str
    expr: Expr
    bound: int
    part: int = 2


@dataclass
class WeekModel:
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    open: dict[str, cp_model.IntVar] = field(default_factory=dict)
    lead: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    room: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    attend: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    placed: dict[int, cp_model.IntVar] = field(default_factory=dict)
    on: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    start: dict[int, cp_model.IntVar] = field(default_factory=dict)
    in_class: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    # auxiliary variables, kept to complete a warm start's hint
    short: dict[str, cp_model.IntVar] = field(default_factory=dict)
    day_used: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    gap: dict[str, cp_model.IntVar] = field(default_factory=dict)
    peak: cp_model.IntVar | None = None
    same: dict[int, tuple[cp_model.IntVar, int, int]] = field(default_factory=dict)
    levels: list[Level] = field(default_factory=list)


def _runs(values: Sequence[int]) -> list[list[int]]:
    """Sorted integers as [first, last] runs of consecutive values (a CP-SAT domain)."""
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return runs


class Builder:
    def __init__(
        self, problem: Problem, cands: Candidates, background: Sequence[Session] = ()
    ) -> None:
        self.problem = problem
        self.cands = cands
        self.m = WeekModel()
        self.model = self.m.model
        self.people = [p for p in problem.participants if p.id in cands.attend]
        self.held: Counter[str] = Counter()  # offering -> members held in place
        self.held_pairs = [s for s in background if isinstance(s, PairSession)]
        self.held_load: Counter[str] = Counter()  # clinician -> minutes held in place
        for session in background:
            if isinstance(session, GroupSession):
                self.held[session.offering] += len(session.participants)
            else:
                self.held_load[session.clinician] += session.minutes
        self.minutes: dict[str, list[tuple[int, Expr]]] = defaultdict(list)  # participant
        self.load: dict[str, list[tuple[int, Expr]]] = defaultdict(list)  # clinician
        self.by_day: dict[tuple[str, int], list[Expr]] = defaultdict(list)  # participant, day
        self.requests_of: dict[str, list[Request]] = defaultdict(list)
        for request in cands.requests:
            if request.starts:
                self.requests_of[request.participant].append(request)

    # -- groups -----------------------------------------------------------------------
    def groups(self) -> None:
        model, m = self.model, self.m
        for o, option in self.cands.groups.items():
            offering = self.problem.offering[o]
            is_open = m.open[o] = model.new_bool_var(f"open[{o}]")
            for c in option.leads:
                m.lead[o, c] = model.new_bool_var(f"lead[{o},{c}]")
                self.load[c].append((offering.minutes, m.lead[o, c]))
            for k in option.seats:
                m.room[o, k] = model.new_bool_var(f"room[{o},{k}]")
            model.add(sum(m.lead[o, c] for c in option.leads) == is_open)
            model.add(sum(m.room[o, k] for k in option.seats) == is_open)
            if self.held[o]:
                model.add(is_open == 1)
            for held in self.held_pairs:
                if held.clinician in option.leads and overlaps(
                    held.start, held.end, offering.start, offering.end
                ):
                    model.add(m.lead[o, held.clinician] == 0)
        for pid, offerings in self.cands.attend.items():
            for o in offerings:
                x = m.attend[pid, o] = model.new_bool_var(f"attend[{pid},{o}]")
                model.add_implication(x, m.open[o])
                offering = self.problem.offering[o]
                self.minutes[pid].append((offering.minutes, x))
                self.by_day[pid, offering.day].append(x)
        members: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for (_, o), x in m.attend.items():
            members[o].append(x)
        for o, option in self.cands.groups.items():
            size = sum(members[o]) + self.held[o]
            model.add(size <= sum(seats * m.room[o, k] for k, seats in option.seats.items()))
            model.add(size >= self.problem.offering[o].min_size * m.open[o])

    def group_cliques(self) -> None:
        """Per-slot at-most-one constraints for participants, leads and room classes."""
        m, model = self.m, self.model
        spans = {
            o: (self.problem.offering[o].start, self.problem.offering[o].end)
            for o in self.cands.groups
        }
        attends = {pid: set(offerings) for pid, offerings in self.cands.attend.items()}
        for clique in cliques(spans):  # type: ignore[arg-type]
            if len(clique) < 2:
                continue
            for pid, offerings in attends.items():
                chosen = [m.attend[pid, o] for o in clique if o in offerings]
                if len(chosen) > 1:
                    model.add_at_most_one(chosen)
            by_lead: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            by_class: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for o in clique:
                for c in self.cands.groups[o].leads:
                    by_lead[c].append(m.lead[o, c])
                for k in self.cands.groups[o].seats:
                    by_class[k].append(m.room[o, k])
            for chosen in by_lead.values():
                if len(chosen) > 1:
                    model.add_at_most_one(chosen)
            for k, chosen in by_class.items():
                if len(chosen) > self.cands.classes[k].size():
                    model.add(sum(chosen) <= self.cands.classes[k].size())

    # -- individual and family sessions -------------------------------------------------
    def requests(self) -> None:
        m, model = self.m, self.model
        for request in self.cands.requests:
            if not request.starts:
                continue
            r = request.index
            placed = m.placed[r] = model.new_bool_var(f"placed[{r}]")
            steps = [s // GRID for s in request.all_starts()]
            m.start[r] = model.new_int_var_from_domain(
                cp_model.Domain.from_intervals(_runs(steps)), f"start[{r}]"
            )
            days = []
            for day, starts in request.starts.items():
                on = m.on[r, day] = model.new_bool_var(f"on[{r},{day}]")
                days.append(on)
                domain = cp_model.Domain.from_intervals(_runs([s // GRID for s in starts]))
                model.add_linear_expression_in_domain(m.start[r], domain).only_enforce_if(on)
                self.by_day[request.participant, day].append(on)
            model.add(sum(days) == placed)
            for k in request.classes:
                m.in_class[r, k] = model.new_bool_var(f"in_class[{r},{k}]")
            model.add(sum(m.in_class[r, k] for k in request.classes) == placed)
            self.minutes[request.participant].append((request.minutes, placed))
            assert request.clinician is not None
            self.load[request.clinician].append((request.minutes, placed))

    def _interval(self, request: Request, presence: cp_model.IntVar) -> cp_model.IntervalVar:
        start = GRID * self.m.start[request.index]
        return self.model.new_optional_fixed_size_interval_var(
            start, request.minutes, presence, f"iv[{request.index}]"
        )

    def _window(self, requests: Sequence[Request]) -> dict[int, tuple[int, int]]:
        """Per day, the span any of these requests could occupy."""
        window: dict[int, tuple[int, int]] = {}
        for request in requests:
            for day, starts in request.starts.items():
                low, high = window.get(day, (starts[0], starts[-1] + request.minutes))
                window[day] = (min(low, starts[0]), max(high, starts[-1] + request.minutes))
        return window

    def _near(self, offering_id: str, window: dict[int, tuple[int, int]]) -> bool:
        offering = self.problem.offering[offering_id]
        span = window.get(offering.day)
        return span is not None and offering.start < span[1] and span[0] < offering.end

    def no_overlaps(self) -> None:
        """Participants' and therapists' individual/family sessions against everything else."""
        m, model = self.m, self.model
        for pid, requests in self.requests_of.items():
            window = self._window(requests)
            intervals = [self._interval(r, m.placed[r.index]) for r in requests]
            for o in self.cands.attend[pid]:
                if self._near(o, window):
                    intervals.append(self._fixed(o, m.attend[pid, o]))
            if len(intervals) > 1:
                model.add_no_overlap(intervals)
        by_clinician: dict[str, list[Request]] = defaultdict(list)
        for requests in self.requests_of.values():
            for request in requests:
                assert request.clinician is not None
                by_clinician[request.clinician].append(request)
        for cid, requests in by_clinician.items():
            window = self._window(requests)
            intervals = [self._interval(r, m.placed[r.index]) for r in requests]
            for o, option in self.cands.groups.items():
                if cid in option.leads and self._near(o, window):
                    intervals.append(self._fixed(o, m.lead[o, cid]))
            if len(intervals) > 1:
                model.add_no_overlap(intervals)

    def _fixed(self, offering_id: str, presence: cp_model.IntVar) -> cp_model.IntervalVar:
        offering = self.problem.offering[offering_id]
        return self.model.new_optional_fixed_size_interval_var(
            offering.start, offering.minutes, presence, f"g[{offering_id}]"
        )

    def room_classes(self) -> None:
        """A cumulative per room class that individual/family sessions use (or hold)."""
        m, model = self.m, self.model
        users: dict[int, list[Request]] = defaultdict(list)
        for requests in self.requests_of.values():
            for request in requests:
                for k in request.classes:
                    users[k].append(request)
        held: dict[int, list[PairSession]] = defaultdict(list)
        for session in self.held_pairs:
            held[self.cands.class_of_room[session.room]].append(session)
        for k in set(users) | set(held):
            requests = users.get(k, [])
            window = self._window(requests)
            for session in held.get(k, []):
                day = session.start // DAY_MINUTES
                low, high = window.get(day, (session.start, session.end))
                window[day] = (min(low, session.start), max(high, session.end))
            intervals = [self._interval(r, m.in_class[r.index, k]) for r in requests]
            intervals += [
                model.new_fixed_size_interval_var(s.start, s.minutes, f"held[{s.participant}]")
                for s in held.get(k, [])
            ]
            for o, option in self.cands.groups.items():
                if k in option.seats and self._near(o, window):
                    intervals.append(self._fixed(o, m.room[o, k]))
            size = self.cands.classes[k].size()
            if len(intervals) <= size:
                continue
            if size == 1:
                model.add_no_overlap(intervals)
            else:
                model.add_cumulative(intervals, [1] * len(intervals), size)

    # -- limits and objective terms -----------------------------------------------------
    def limits(self) -> None:
        for pid, terms in self.minutes.items():
            most = self.problem.participant[pid].max_minutes
            if sum(minutes for minutes, _ in terms) > most:
                self.model.add(sum(mi * v for mi, v in terms) <= most)
        for cid, terms in self.load.items():
            most = self.problem.clinician[cid].max_minutes - self.held_load[cid]
            if sum(minutes for minutes, _ in terms) > most:
                self.model.add(sum(mi * v for mi, v in terms) <= most)

    def levels(self, changes: Level | None) -> None:
        """The objective's terms in the contract's order (see :mod:`.cpsat`)."""
        self.m.levels = [self._shortfall(), self._unplaced(), self._days()]
        for level in self.m.levels:
            level.part = 1
        if changes is not None:
            changes.part = 1
            self.m.levels.append(changes)
        self.m.levels += [self._wishes("previous"), self._wishes("preferred")]
        self.m.levels += [self._peak_load(), self._groups_opened()]

    def _shortfall(self) -> Level:
        terms, bound = [], 0
        for participant in self.people:
            target = participant.target_minutes
            bound += target
            minutes = sum(mi * v for mi, v in self.minutes[participant.id])
            short = self.m.short[participant.id] = self.model.new_int_var(
                0, target, f"short[{participant.id}]"
            )
            self.model.add(short >= target - minutes)
            terms.append(short)
        return Level("shortfall minutes", sum(terms), bound)

    def _unplaced(self) -> Level:
        placed = list(self.m.placed.values())
        return Level("individual/family sessions unplaced", len(placed) - sum(placed), len(placed))

    def _days(self) -> Level:
        terms, bound = [], 0
        for participant in self.people:
            if participant.min_days == 0:
                continue
            used = []
            for day in range(7):
                present = self.by_day.get((participant.id, day))
                if present:
                    u = self.m.day_used[participant.id, day] = self.model.new_bool_var(
                        f"day[{participant.id},{day}]"
                    )
                    self.model.add(u <= sum(present))
                    used.append(u)
            gap = self.m.gap[participant.id] = self.model.new_int_var(
                0, participant.min_days, f"gap[{participant.id}]"
            )
            self.model.add(gap >= participant.min_days - sum(used))
            terms.append(gap)
            bound += participant.min_days
        return Level("min_days deficit", sum(terms), bound)

    def _wishes(self, which: str) -> Level:
        wished = [
            self.m.attend[p.id, o]
            for p in self.people
            for o in dict.fromkeys(getattr(p, which))
            if (p.id, o) in self.m.attend
        ]
        return Level(f"{which} groups missed", len(wished) - sum(wished), len(wished))

    def _peak_load(self) -> Level:
        bound = 0
        everyone = set(self.load) | set(self.held_load)
        for cid in everyone:
            terms = self.load.get(cid, [])
            most = self.held_load[cid] + sum(mi for mi, _ in terms)
            bound = max(bound, -(-min(self.problem.clinician[cid].max_minutes, most) // GRID))
        peak = self.m.peak = self.model.new_int_var(0, bound, "peak_load")
        for cid in everyone:
            terms = self.load.get(cid, [])
            self.model.add(GRID * peak >= sum(mi * v for mi, v in terms) + self.held_load[cid])
        return Level("peak clinician load (15-minute units)", peak, bound)

    def _groups_opened(self) -> Level:
        return Level("groups opened", sum(self.m.open.values()), len(self.m.open))


def stability_level(m: WeekModel, cands: Candidates, before: Sequence[Session]) -> Level:
    """Changes against a previous schedule: attendances dropped or added, groups opened or
    closed or given another lead or room class, individual/family sessions moved, added or
    dropped. Each counts 1."""
    model, terms = m.model, []
    kept = {
        (pid, s.offering) for s in before if isinstance(s, GroupSession) for pid in s.participants
    }
    for key, x in m.attend.items():
        terms.append(1 - x if key in kept else x)
    groups = {s.offering: s for s in before if isinstance(s, GroupSession)}
    for o, y in m.open.items():
        if o not in groups:
            terms.append(y)
            continue
        lead = m.lead.get((o, groups[o].lead))
        k = m.room.get((o, cands.class_of_room[groups[o].room]))
        terms += [1 - lead if lead is not None else 1, 1 - k if k is not None else 1]
    pairs = {(s.participant, s.kind): s for s in before if isinstance(s, PairSession)}
    for request in cands.requests:
        r = request.index
        if r not in m.placed:
            continue
        old = pairs.get((request.participant, request.kind))
        if old is None:
            terms.append(m.placed[r])
            continue
        same = model.new_bool_var(f"same[{r}]")
        k = cands.class_of_room[old.room]
        m.same[r] = (same, old.start, k)
        model.add(GRID * m.start[r] == old.start).only_enforce_if(same)
        model.add_implication(same, m.placed[r])
        if (r, k) in m.in_class:
            model.add_implication(same, m.in_class[r, k])
        else:
            model.add(same == 0)
        terms.append(1 - same)
    return Level("changes against the previous schedule", sum(terms), len(terms))


def build_model(
    problem: Problem,
    cands: Candidates,
    before: Sequence[Session] | None,
    background: Sequence[Session] = (),
) -> WeekModel:
    """The model with its objective levels; ``before`` adds the stability level.

    ``cands`` may cover only some participants (a neighbourhood, see :mod:`.lns`); then
    ``background`` holds everyone else's sessions, which stay exactly as they are: their
    members count towards group sizes, their individual and family sessions keep their
    therapist and a room of their class busy.
    """
    builder = Builder(problem, cands, background)
    builder.groups()
    builder.group_cliques()
    builder.requests()
    builder.no_overlaps()
    builder.room_classes()
    builder.limits()
    changes = stability_level(builder.m, cands, before) if before is not None else None
    builder.levels(changes)
    return builder.m
