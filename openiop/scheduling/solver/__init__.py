"""The week-schedule solver: pure Python on OR-Tools CP-SAT, no Django.

The exchange format is ``/work/shared/scheduling-format.md`` (``openiop-week/1`` problems,
``openiop-schedule/1`` schedules); how the solver works, its exact weights and its
extensions are in ``docs/scheduling-solver.md``.

    problem = problem_from_json(json.load(file))       # ValueError names what is wrong
    schedule = solve(problem, time_limit=30, seed=0)    # an openiop-schedule/1 dict
    assert check(problem, schedule) == []               # every hard rule holds
"""

from .capacity import capacity
from .check import check
from .cpsat import solve
from .generate import generate_problem
from .greedy import solve_greedy
from .model import PROBLEM_FORMAT, SCHEDULE_FORMAT, Problem
from .reading import problem_from_json

__all__ = [
    "PROBLEM_FORMAT",
    "SCHEDULE_FORMAT",
    "Problem",
    "capacity",
    "check",
    "generate_problem",
    "problem_from_json",
    "solve",
    "solve_greedy",
]
