"""The large-program path (neighbourhood search), run on small weeks by lowering its threshold."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openiop.scheduling.solver import (
    check,
    cpsat,
    generate_problem,
    lns,
    problem_from_json,
    solve,
    solve_greedy,
)
from openiop.scheduling.tests import groups_of


@pytest.fixture
def small_neighbourhoods(monkeypatch):
    monkeypatch.setattr(cpsat, "LNS_ABOVE", 10)
    monkeypatch.setattr(lns, "NEIGHBOURHOOD", 8)
    monkeypatch.setattr(lns, "ROUND_SECONDS", 0.7)


def shortfall(schedule: dict) -> int:
    return sum(r["shortfall_minutes"] for r in schedule["participants"])


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(15, 45), st.integers(0, 10**6))
def test_neighbourhood_search_keeps_every_rule_and_never_loses_ground(
    small_neighbourhoods, size, seed
):
    problem = problem_from_json(generate_problem(size, seed=seed))
    schedule = solve(problem, time_limit=4)
    assert schedule["stats"]["solver"] == "cp-sat (large neighbourhoods)"
    assert schedule["stats"]["rounds"] >= 1
    assert schedule["status"] == "feasible" and schedule["stats"]["bound"] is None
    assert check(problem, schedule) == []
    assert shortfall(schedule) <= shortfall(solve_greedy(problem))


def test_neighbourhood_search_keeps_pins_and_last_weeks_sessions(small_neighbourhoods):
    problem = problem_from_json(generate_problem(30, seed=7))
    first = solve(problem, time_limit=4)
    pins = [s for s in first["sessions"] if s["kind"] != "group"][:3]
    again = solve(problem, time_limit=4, hint=first, pinned=pins)
    assert check(problem, again) == []
    for pin in pins:
        assert pin in again["sessions"]
    kept = sum(groups_of(again, p.id) == groups_of(first, p.id) for p in problem.participants)
    assert kept >= 0.9 * len(problem.participants)
