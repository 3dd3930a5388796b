"""The checker finds every hard-rule violation: one hand-made bad schedule per rule."""

import copy

import pytest

from openiop.scheduling.solver import check, problem_from_json
from openiop.scheduling.tests import clinician, offering, participant, room, week, window


def base_problem() -> dict:
    return week(
        rooms=[
            room("group-a", "group", capacity=3),
            room("office-1", "individual", "family", capacity=4),
            room("video-1", "group", "individual", "family", capacity=15, virtual=True),
        ],
        clinicians=[
            clinician(
                "c1",
                "process",
                "individual",
                "family",
                max_minutes=600,
                available=[window("mon", "08:00", "20:00"), window("tue", "08:00", "20:00")],
            ),
            clinician("c2", "skills", max_minutes=600, available=[window("mon", "08:00", "20:00")]),
        ],
        offerings=[
            offering("o-process", "mon", "09:00", "12:00", min_size=2, max_size=4),
            offering("o-skills", "mon", "13:00", "15:00", topic="skills", max_size=2, virtual=True),
        ],
        participants=[
            participant(
                "p1",
                target_minutes=300,
                max_minutes=600,
                individual_minutes=60,
                virtual_ok=True,
                unavailable=[window("tue", "09:00", "17:00", "work")],
                family={"minutes": 60, "available": [window("tue", "18:00", "20:00")]},
            ),
            participant("p2", max_minutes=400, individual_minutes=60),
            participant("p3", max_minutes=150, virtual_ok=True),
            participant("p4", individual_minutes=60, virtual_ok=True),
        ],
    )


def base_schedule() -> dict:
    return {
        "format": "openiop-schedule/1",
        "status": "feasible",
        "sessions": [
            {
                "kind": "group",
                "offering": "o-process",
                "room": "group-a",
                "lead": "c1",
                "participants": ["p1", "p2"],
            },
            {
                "kind": "group",
                "offering": "o-skills",
                "room": "video-1",
                "lead": "c2",
                "participants": ["p1", "p3"],
            },
            pair("individual", "p1", "office-1", "mon", "12:00", "13:00"),
            pair("family", "p1", "office-1", "tue", "18:00", "19:00"),
            pair("individual", "p2", "office-1", "mon", "15:00", "16:00"),
            pair("individual", "p4", "office-1", "mon", "16:00", "17:00"),
        ],
    }


def pair(kind, pid, room_id, day, start, end, clinician_id="c1") -> dict:
    return {
        "kind": kind,
        "participant": pid,
        "clinician": clinician_id,
        "room": room_id,
        "day": day,
        "from": start,
        "to": end,
    }


def errors_after(change, problem_change=None) -> list[str]:
    problem_doc, schedule = base_problem(), base_schedule()
    if problem_change:
        problem_change(problem_doc)
    change(schedule)
    return check(problem_from_json(problem_doc), schedule)


def group(schedule, offering_id) -> dict:
    return next(s for s in schedule["sessions"] if s.get("offering") == offering_id)


def session_of(schedule, kind, pid) -> dict:
    return next(
        s for s in schedule["sessions"] if s["kind"] == kind and s.get("participant") == pid
    )


def test_the_base_schedule_obeys_every_rule():
    assert check(problem_from_json(base_problem()), base_schedule()) == []


def test_a_consistent_summary_passes_and_a_wrong_one_is_reported():
    schedule = base_schedule()
    schedule["participants"] = [
        {"id": "p1", "scheduled_minutes": 420, "shortfall_minutes": 0, "days": 2, "unmet": []},
        {"id": "p2", "scheduled_minutes": 240, "shortfall_minutes": 0, "days": 1, "unmet": []},
    ]
    assert check(problem_from_json(base_problem()), schedule) == []
    schedule["participants"][1]["days"] = 3
    assert check(problem_from_json(base_problem()), schedule) == [
        "summary: p2 days is 3, the sessions give 1"
    ]


def set_times(kind, pid, day, start, end, room_id=None, clinician_id=None):
    def change(schedule):
        session = session_of(schedule, kind, pid)
        session.update({"day": day, "from": start, "to": end})
        if room_id:
            session["room"] = room_id
        if clinician_id:
            session["clinician"] = clinician_id

    return change


def add(session):
    return lambda schedule: schedule["sessions"].append(session)


def members(offering_id, pids):
    return lambda schedule: group(schedule, offering_id).update(participants=pids)


def group_field(offering_id, **fields):
    return lambda schedule: group(schedule, offering_id).update(**fields)


def problem_path(*path_and_value):
    *path, key, value = path_and_value

    def change(doc):
        target = doc
        for step in path:
            target = target[step]
        target[key] = value

    return change


CASES = [
    # (name, schedule change, problem change or None, expected message start)
    (
        "participant twice at once",
        set_times("individual", "p1", "mon", "11:00", "12:00"),
        None,
        "rule 1: participant p1 is in two sessions at once",
    ),
    (
        "clinician twice at once",
        set_times("individual", "p4", "mon", "10:00", "11:00"),
        None,
        "rule 1: clinician c1 is in two sessions at once",
    ),
    (
        "room twice at once",
        set_times("individual", "p4", "mon", "13:00", "14:00", "video-1"),
        None,
        "rule 1: room video-1 is in two sessions at once",
    ),
    (
        "participant unavailable",
        set_times("individual", "p1", "tue", "10:00", "11:00"),
        None,
        "rule 2: participant p1 is unavailable (work)",
    ),
    (
        "clinician unavailable",
        set_times("individual", "p4", "tue", "19:30", "20:30"),
        None,
        "rule 2: clinician c1 is not available",
    ),
    (
        "family outside its window",
        set_times("family", "p1", "tue", "17:00", "18:00"),
        None,
        "rule 2: family session of p1 (tue 17:00-18:00) is outside the family's available times",
    ),
    (
        "lead without the topic",
        group_field("o-process", lead="c2"),
        None,
        "rule 3: lead c2 does not lead process",
    ),
    (
        "not the therapist",
        set_times("individual", "p4", "mon", "16:00", "17:00", None, "c2"),
        None,
        "rule 3: individual session of p4",
    ),
    (
        "room not for the kind",
        set_times("individual", "p4", "mon", "16:00", "17:00", "group-a"),
        None,
        "rule 4: room group-a is not for individual sessions",
    ),
    (
        "group above max_size",
        members("o-skills", ["p1", "p3", "p4"]),
        None,
        "rule 4: group o-skills (skills, mon 13:00-15:00) has 3 participants, max_size is 2",
    ),
    (
        "group above room capacity",
        members("o-process", ["p1", "p2", "p3", "p4"]),
        None,
        "rule 4: group o-process (process, mon 09:00-12:00) has 4 participants, "
        "room group-a holds 3",
    ),
    (
        "virtual group in person",
        group_field("o-skills", room="group-a"),
        None,
        "rule 4: virtual group o-skills",
    ),
    (
        "in-person group in a virtual room",
        group_field("o-process", room="video-1"),
        None,
        "rule 4: in-person group o-process",
    ),
    (
        "virtual group without virtual_ok",
        members("o-skills", ["p1", "p2"]),
        None,
        "rule 4: p2 is not virtual_ok",
    ),
    (
        "group below min_size",
        members("o-process", ["p1"]),
        None,
        "rule 5: group o-process (process, mon 09:00-12:00) has 1 participants, "
        "fewer than min_size 2",
    ),
    ("empty group", members("o-skills", []), None, "rule 5: group o-skills"),
    (
        "participant above max_minutes",
        members("o-process", ["p1", "p2", "p3"]),
        None,
        "rule 6: participant p3 has 300 minutes, max_minutes is 150",
    ),
    (
        "clinician above max_minutes",
        lambda s: None,
        problem_path("clinicians", 1, "max_minutes", 60),
        "rule 6: clinician c2 has 120 minutes, max_minutes is 60",
    ),
    (
        "two individual sessions",
        add(pair("individual", "p4", "office-1", "mon", "17:00", "18:00")),
        None,
        "rule 7: participant p4 has 2 individual sessions",
    ),
    (
        "individual of the wrong length",
        set_times("individual", "p4", "mon", "16:00", "16:45"),
        None,
        "rule 7: individual session of p4 (mon 16:00-16:45) lasts 45 minutes, not 60",
    ),
    (
        "individual when none is due",
        add(pair("individual", "p3", "office-1", "mon", "17:00", "18:00")),
        None,
        "rule 7: individual session of p3 (mon 17:00-18:00) but individual_minutes is 0",
    ),
    (
        "family when family is null",
        add(pair("family", "p4", "office-1", "mon", "17:00", "18:00")),
        None,
        "rule 7: family session of p4 (mon 17:00-18:00) but family is null",
    ),
    (
        "virtual room without virtual_ok",
        set_times("individual", "p2", "mon", "15:00", "16:00", "video-1"),
        None,
        "rule 7: individual session of p2 (mon 15:00-16:00) is in virtual room video-1",
    ),
    (
        "offering opened twice",
        add(
            {
                "kind": "group",
                "offering": "o-skills",
                "room": "video-1",
                "lead": "c2",
                "participants": ["p4"],
            }
        ),
        None,
        "rule 7: offering o-skills is opened 2 times",
    ),
    (
        "start off the grid",
        set_times("individual", "p4", "mon", "16:05", "17:05"),
        None,
        "format: individual session of p4 (mon 16:05-17:05) does not start on the 15-minute grid",
    ),
    (
        "unknown offering",
        group_field("o-skills", offering="o-nothing"),
        None,
        'format: sessions[1]: offering "o-nothing" is not in this problem\'s offerings',
    ),
]


@pytest.mark.parametrize(
    ("change", "problem_change", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_checker_reports_each_violation(change, problem_change, expected):
    errors = errors_after(change, problem_change)
    assert any(error.startswith(expected) for error in errors), errors


def test_every_numbered_rule_has_a_case():
    rules = {case[3].split(":")[0] for case in CASES}
    assert {f"rule {n}" for n in range(1, 8)} <= rules


def test_a_schedule_that_is_not_an_object_is_reported_not_raised():
    problem = problem_from_json(base_problem())
    assert check(problem, []) == ["format: the schedule must be a JSON object"]
    broken = copy.deepcopy(base_schedule())
    broken["sessions"].append({"kind": "seance"})
    assert any(error.startswith("format: sessions[6]") for error in check(problem, broken))
