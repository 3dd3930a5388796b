"""Properties over many generated problems: every answer obeys every hard rule, every
shortfall and every session left out is explained, and nothing crashes, however
contradictory the data (min_size above max_size, rooms of capacity 0, no therapist...)."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openiop.scheduling.solver import (
    check,
    generate_problem,
    problem_from_json,
    solve,
    solve_greedy,
)
from openiop.scheduling.solver.candidates import build_candidates
from openiop.scheduling.solver.greedy import greedy_sessions, polish
from openiop.scheduling.solver.model import DAYS, KINDS, GroupSession, schedule_to_json
from openiop.scheduling.solver.score import score

TOPICS = ("process", "skills")
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def windows(draw, most: int = 3, reason: bool = False) -> list[dict]:
    found = []
    for _ in range(draw(st.integers(0, most))):
        start = draw(st.integers(6 * 4, 21 * 4)) * 15
        end = min(24 * 60, start + draw(st.integers(2, 40)) * 15)
        item = {
            "day": draw(st.sampled_from(DAYS)),
            "from": f"{start // 60:02d}:{start % 60:02d}",
            "to": f"{end // 60:02d}:{end % 60:02d}",
        }
        if reason:
            item["reason"] = draw(st.sampled_from(("work", "school", "childcare")))
        found.append(item)
    return found


@st.composite
def problems(draw) -> dict:
    rooms = [
        {
            "id": f"r{i}",
            "capacity": draw(st.integers(0, 8)),
            "uses": draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True)),
            "virtual": draw(st.booleans()),
        }
        for i in range(draw(st.integers(1, 4)))
    ]
    clinicians = [
        {
            "id": f"c{i}",
            "max_minutes": draw(st.integers(0, 40)) * 60,
            "leads": draw(
                st.lists(st.sampled_from((*TOPICS, "individual", "family")), unique=True)
            ),
            "available": draw(windows(4)),
        }
        for i in range(draw(st.integers(1, 3)))
    ]
    offerings = []
    for i in range(draw(st.integers(0, 6))):
        start = draw(st.integers(8 * 2, 19 * 2)) * 30
        end = min(24 * 60, start + draw(st.integers(2, 6)) * 30)
        offerings.append(
            {
                "id": f"o{i}",
                "topic": draw(st.sampled_from(TOPICS)),
                "day": draw(st.sampled_from(DAYS)),
                "from": f"{start // 60:02d}:{start % 60:02d}",
                "to": f"{end // 60:02d}:{end % 60:02d}",
                "min_size": draw(st.integers(0, 4)),
                "max_size": draw(st.integers(0, 6)),
                "virtual": draw(st.booleans()),
            }
        )
    ids = [o["id"] for o in offerings] + ["not-this-week"]
    participants = [
        {
            "id": f"p{i}",
            "target_minutes": draw(st.integers(0, 20)) * 30,
            "max_minutes": draw(st.integers(0, 20)) * 60,
            "min_days": draw(st.integers(0, 4)),
            "therapist": draw(st.sampled_from([None, *(c["id"] for c in clinicians)])),
            "individual_minutes": draw(st.sampled_from((0, 45, 50, 60))),
            "virtual_ok": draw(st.booleans()),
            "unavailable": draw(windows(2, reason=True)),
            "family": draw(
                st.one_of(
                    st.none(),
                    st.builds(
                        lambda minutes, available: {"minutes": minutes, "available": available},
                        st.sampled_from((0, 60, 90)),
                        windows(2),
                    ),
                )
            ),
            "previous": draw(st.lists(st.sampled_from(ids), unique=True, max_size=3)),
            "preferred": draw(st.lists(st.sampled_from(ids), unique=True, max_size=2)),
        }
        for i in range(draw(st.integers(1, 8)))
    ]
    return {
        "format": "openiop-week/1",
        "week_of": "2026-11-23",
        "rooms": rooms,
        "clinicians": clinicians,
        "offerings": offerings,
        "participants": participants,
    }


def assert_explained(doc: dict, schedule: dict) -> None:
    placed = {(s["participant"], s["kind"]) for s in schedule["sessions"] if s["kind"] != "group"}
    for person, row in zip(doc["participants"], schedule["participants"], strict=True):
        reasons = row["unmet"]
        if row["shortfall_minutes"]:
            head = f"{row['shortfall_minutes']} of {person['target_minutes']} target minutes"
            assert any(r.startswith(head + " unplaced: ") for r in reasons), reasons
        if person["individual_minutes"] and (person["id"], "individual") not in placed:
            assert any(r.startswith("individual session: ") for r in reasons), reasons
        family = person["family"]
        if family and family["minutes"] and (person["id"], "family") not in placed:
            assert any(r.startswith("family session: ") for r in reasons), reasons


@SLOW
@given(problems())
def test_solver_answers_obey_every_hard_rule_and_explain_what_is_missing(doc):
    problem = problem_from_json(doc)
    schedule = solve(problem, time_limit=1.0)
    assert schedule["status"] in ("optimal", "feasible")
    assert check(problem, schedule) == []
    assert_explained(doc, schedule)


@FAST
@given(problems())
def test_greedy_answers_obey_every_hard_rule(doc):
    problem = problem_from_json(doc)
    schedule = solve_greedy(problem)
    assert check(problem, schedule) == []
    assert_explained(doc, schedule)


@settings(max_examples=6, deadline=None)
@given(st.integers(3, 60), st.integers(0, 10**6))
def test_realistic_generated_weeks_solve_cleanly(size, seed):
    doc = generate_problem(size, seed=seed)
    problem = problem_from_json(doc)
    greedy = solve_greedy(problem)
    schedule = solve(problem, time_limit=2.0)
    assert check(problem, greedy) == []
    assert check(problem, schedule) == []
    assert_explained(doc, schedule)
    shortfall = sum(r["shortfall_minutes"] for r in schedule["participants"])
    assert shortfall <= sum(r["shortfall_minutes"] for r in greedy["participants"])


def test_the_generator_is_repeatable_and_sized():
    assert generate_problem(50, seed=3) == generate_problem(50, seed=3)
    assert generate_problem(50, seed=3) != generate_problem(50, seed=4)
    assert len(generate_problem(200, seed=1)["participants"]) == 200
    assert problem_from_json(generate_problem(1000, seed=1)).participants[999].id == "p1000"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.randoms(use_true_random=False))
def test_sessions_of_an_answer_pinned_in_a_resolve_are_kept(doc, rng):
    problem = problem_from_json(doc)
    first = solve(problem, time_limit=0.5)
    pins = [s for s in first["sessions"] if rng.random() < 0.5]
    second = solve(problem, time_limit=0.5, pinned=pins)
    assert check(problem, second) == []
    for pin in pins:
        if pin["kind"] == "group":
            kept = next(s for s in second["sessions"] if s.get("offering") == pin["offering"])
            assert (kept["room"], kept["lead"]) == (pin["room"], pin["lead"])
            assert set(pin["participants"]) <= set(kept["participants"])
        else:
            assert pin in second["sessions"]


@settings(max_examples=15, deadline=None)
@given(st.integers(5, 40), st.integers(0, 10**6), st.randoms(use_true_random=False))
def test_polish_only_adds_and_never_worsens_rules_one_to_three(size, seed, rng):
    problem = problem_from_json(generate_problem(size, seed=seed))
    cands = build_candidates(problem)
    sessions = greedy_sessions(problem, cands)
    kept = [s for s in sessions if rng.random() < 0.7]
    polished = polish(problem, cands, copy.deepcopy(kept))
    for session in kept:
        if isinstance(session, GroupSession):
            match = next(s for s in polished if getattr(s, "offering", None) == session.offering)
            assert set(session.participants) <= set(match.participants)
            assert (match.lead, match.room) == (session.lead, session.room)
        else:
            assert session in polished
    assert score(problem, polished)[:3] <= score(problem, kept)[:3]
    doc = schedule_to_json(problem, polished, status="feasible", stats={})
    assert check(problem, doc) == []
