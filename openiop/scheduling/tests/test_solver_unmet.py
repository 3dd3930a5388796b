"""Wishes that cannot be met are explained in ``unmet``, never a crash or "infeasible"."""

from openiop.scheduling.solver import check, solve_greedy
from openiop.scheduling.tests import (
    clinician,
    offering,
    participant,
    row,
    solved,
    week,
    window,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def test_family_window_outside_the_therapists_hours():
    family = {"minutes": 60, "available": [window("sat", "10:00", "12:00")]}
    doc = week(participants=[participant("p1", target_minutes=0, family=family)])
    problem, schedule = solved(doc, time_limit=2)
    assert check(problem, schedule) == []
    assert schedule["status"] in ("optimal", "feasible")
    assert row(schedule, "p1")["unmet"] == [
        "family session: therapist not available in the family's window"
    ]


def test_min_size_above_max_size_leaves_the_offering_closed():
    doc = week(
        offerings=[offering("g", min_size=5, max_size=3)],
        participants=[participant(f"p{i}") for i in range(6)],
    )
    problem, schedule = solved(doc, time_limit=2)
    assert check(problem, schedule) == []
    assert schedule["sessions"] == []
    assert row(schedule, "p1")["unmet"] == [
        "180 of 180 target minutes unplaced: no group they can attend can open this week"
    ]


def test_no_therapist_assigned():
    doc = week(
        participants=[participant("p1", therapist=None, target_minutes=0, individual_minutes=60)]
    )
    _, schedule = solved(doc, time_limit=2)
    assert row(schedule, "p1")["unmet"] == ["individual session: no therapist assigned"]


def test_therapist_at_weekly_maximum():
    doc = week(
        clinicians=[clinician("c1", max_minutes=180)],
        offerings=[offering("g")],
        participants=[participant("p1", target_minutes=240, individual_minutes=60)],
    )
    problem, schedule = solved(doc, time_limit=2)
    assert check(problem, schedule) == []
    assert row(schedule, "p1")["unmet"] == [
        "60 of 240 target minutes unplaced: no further open group they can attend",
        "individual session: therapist at weekly maximum",
    ]


def test_no_open_group_outside_work_hours():
    work = [window(day, "08:00", "17:00", "work") for day in WEEKDAYS]
    doc = week(
        offerings=[offering("g-am"), offering("g-eve", "tue", "18:00", "19:30")],
        participants=[participant("p1", unavailable=work)],
    )
    _, schedule = solved(doc, time_limit=2)
    assert row(schedule, "p1")["unmet"] == [
        "90 of 180 target minutes unplaced: no further open group outside work hours"
    ]


def test_no_group_offered_outside_work_hours():
    work = [window(day, "08:00", "17:00", "work") for day in WEEKDAYS]
    doc = week(offerings=[offering("g-am")], participants=[participant("p1", unavailable=work)])
    _, schedule = solved(doc, time_limit=2)
    assert row(schedule, "p1")["unmet"] == [
        "180 of 180 target minutes unplaced: no group offered outside work hours"
    ]


def test_a_full_group_is_named_as_the_reason():
    doc = week(
        offerings=[offering("g", max_size=1)],
        participants=[participant("p1"), participant("p2")],
    )
    _, schedule = solved(doc, time_limit=2)
    reasons = row(schedule, "p1")["unmet"] + row(schedule, "p2")["unmet"]
    assert reasons == ["180 of 180 target minutes unplaced: 1 open group they could attend is full"]


def test_target_above_the_weekly_maximum():
    doc = week(
        offerings=[offering("g")],
        participants=[participant("p1", target_minutes=300, max_minutes=180)],
    )
    _, schedule = solved(doc, time_limit=2)
    assert row(schedule, "p1")["unmet"] == [
        "120 of 300 target minutes unplaced: target is above their weekly maximum of 180 minutes"
    ]


def test_min_days_out_of_reach():
    doc = week(
        offerings=[offering("g")],
        participants=[participant("p1", min_days=3)],
    )
    _, schedule = solved(doc, time_limit=2)
    assert row(schedule, "p1")["unmet"] == [
        "on 1 of 3 days: sessions they can attend fall on only 1 day"
    ]


def test_an_empty_week_is_valid_and_explained():
    doc = week(participants=[participant("p1")])
    problem, schedule = solved(doc, time_limit=1)
    assert check(problem, schedule) == []
    assert schedule["status"] == "optimal"
    assert row(schedule, "p1")["shortfall_minutes"] == 180
    assert row(schedule, "p1")["unmet"] == [
        "180 of 180 target minutes unplaced: no groups are offered this week"
    ]


def test_the_greedy_baseline_explains_too():
    doc = week(offerings=[offering("g", min_size=5, max_size=3)], participants=[participant("p1")])
    _, schedule = solved(doc, time_limit=1)
    from openiop.scheduling.solver import problem_from_json

    greedy = solve_greedy(problem_from_json(doc))
    assert row(greedy, "p1")["unmet"] == row(schedule, "p1")["unmet"]
