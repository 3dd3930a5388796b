"""The capacity view: demand against clinician and room supply per day part."""

from openiop.scheduling.solver import capacity, generate_problem, problem_from_json, solve_greedy
from openiop.scheduling.solver.capacity import PARTS, split
from openiop.scheduling.tests import clinician, offering, participant, room, week, window

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def test_split_into_day_parts():
    assert split(11 * 60, 13 * 60) == {"morning": 60, "afternoon": 60}
    assert split(16 * 60, 19 * 60) == {"afternoon": 60, "evening": 120}
    assert split(5 * 1440 + 600, 5 * 1440 + 700) == {"weekend": 100}


def evening_program(people: int) -> dict:
    work = [window(day, "08:00", "17:00", "work") for day in WEEKDAYS]
    return week(
        rooms=[room("group-a"), room("group-b")]
        + [room(f"office-{i}", "individual", "family") for i in range(4)],
        clinicians=[
            clinician("day", available=[window(d, "08:00", "17:00") for d in WEEKDAYS]),
            clinician("late", available=[window(d, "17:00", "21:00") for d in WEEKDAYS]),
        ],
        offerings=[offering(f"{d}-am", d, "09:00", "12:00") for d in WEEKDAYS]
        + [offering(f"{d}-eve", d, "18:00", "21:00") for d in WEEKDAYS],
        participants=[
            participant(
                f"p{i}",
                therapist="late",
                target_minutes=540,
                unavailable=work,
                individual_minutes=60,
            )
            for i in range(people)
        ],
    )


def test_an_evening_program_short_of_evening_clinicians_says_so():
    rows = capacity(problem_from_json(evening_program(40)))
    assert [r["part"] for r in rows] == list(PARTS)
    by_part = {r["part"]: r for r in rows}
    assert by_part["evening"]["demand_minutes"] == 40 * 480
    assert by_part["morning"]["demand_minutes"] == 0
    assert by_part["evening"]["bottleneck"] == "clinicians"
    assert by_part["morning"]["bottleneck"] == ""


def test_a_small_program_has_no_bottleneck():
    rows = capacity(problem_from_json(evening_program(3)))
    assert all(r["bottleneck"] == "" for r in rows)


def test_with_a_schedule_placed_and_unmet_minutes_add_up():
    problem = problem_from_json(generate_problem(60, seed=2))
    schedule = solve_greedy(problem)
    rows = capacity(problem, schedule)
    placed = sum(r["scheduled_minutes"] for r in schedule["participants"])
    short = sum(r["shortfall_minutes"] for r in schedule["participants"])
    assert abs(sum(r["scheduled_minutes"] for r in rows) - placed) <= len(rows)
    assert abs(sum(r["unmet_minutes"] for r in rows) - short) <= len(rows)
