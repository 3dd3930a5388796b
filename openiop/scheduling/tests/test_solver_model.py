"""Reading a problem: bad input gives a clear message naming the element, never a traceback."""

import copy

import pytest

from openiop.scheduling.solver import problem_from_json
from openiop.scheduling.solver.model import DAY_MINUTES, covers, merge, parse_time
from openiop.scheduling.tests import (
    clinician,
    offering,
    participant,
    week,
    window,
)


def good() -> dict:
    return week(
        offerings=[offering("g")],
        participants=[participant("p1", unavailable=[window("mon", "08:00", "09:00", "work")])],
    )


def broken(change) -> dict:
    doc = copy.deepcopy(good())
    change(doc)
    return doc


def test_a_good_problem_reads_into_minutes_of_the_week():
    problem = problem_from_json(good())
    assert problem.offering["g"].start == 9 * 60
    assert problem.participant["p1"].unavailable[0].reason == "work"
    assert problem.clinician["c1"].spans[1] == (DAY_MINUTES + 8 * 60, DAY_MINUTES + 20 * 60)


def set_(path, value):
    def change(doc):
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def drop(path):
    def change(doc):
        target = doc
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


BAD = [
    (
        set_(["format"], "openiop-week/2"),
        '"format" must be "openiop-week/1", got \'openiop-week/2\'',
    ),
    (drop(["participants"]), 'problem: "participants" is missing'),
    (set_(["rooms"], {}), 'problem: "rooms" must be a list, got dict'),
    (
        set_(["participants", 0, "target_minutes"], "540"),
        'participants[0] (id "p1"): "target_minutes" must be a whole number >= 0, got \'540\'',
    ),
    (
        set_(["participants", 0, "max_minutes"], -1),
        'participants[0] (id "p1"): "max_minutes" must be a whole number >= 0, got -1',
    ),
    (
        set_(["participants", 0, "min_days"], True),
        'participants[0] (id "p1"): "min_days" must be a whole number >= 0, got True',
    ),
    (
        set_(["participants", 0, "therapist"], "c9"),
        'participants[0] (id "p1"): therapist "c9" is not a clinician in this problem',
    ),
    (
        set_(["participants", 0, "virtual_ok"], "yes"),
        'participants[0] (id "p1"): "virtual_ok" must be true or false, got \'yes\'',
    ),
    (
        set_(["participants", 0, "unavailable", 0, "to"], "07:00"),
        'participants[0] (id "p1"): "unavailable"[0]: "to" (07:00) must be after "from" (08:00)',
    ),
    (
        set_(["participants", 0, "unavailable", 0, "day"], "monday"),
        'participants[0] (id "p1"): "unavailable"[0]: "day" must be one of mon, tue, wed, thu, '
        "fri, sat, sun, got 'monday'",
    ),
    (
        set_(["participants", 0, "family"], {"minutes": 60, "available": [{"day": "sat"}]}),
        'participants[0] (id "p1"): family: "available"[0]: "from" is missing',
    ),
    (
        set_(["offerings", 0, "from"], "9:00"),
        'offerings[0] (id "g"): "from" must be a time "HH:MM" between 00:00 and 24:00, '
        "got '9:00'",
    ),
    (
        set_(["offerings", 0, "to"], "24:30"),
        'offerings[0] (id "g"): "to" must be a time "HH:MM" between 00:00 and 24:00',
    ),
    (
        set_(["rooms", 0, "uses"], ["group", "yoga"]),
        'rooms[0] (id "group-a"): "uses" may hold group, individual, family, not \'yoga\'',
    ),
    (
        set_(["clinicians"], [clinician("c1"), clinician("c1")]),
        'clinicians[1] (id "c1"): id "c1" is used twice in clinicians',
    ),
    (set_(["participants", 0, "id"], ""), 'participants[0]: "id" must be a non-empty string'),
    (set_(["offerings", 0], "g"), "offerings[0] must be an object, got str"),
    (
        set_(
            ["pinned"],
            [
                {
                    "kind": "group",
                    "offering": "h",
                    "room": "group-a",
                    "lead": "c1",
                    "participants": [],
                }
            ],
        ),
        'pinned[0]: offering "h" is not in this problem\'s offerings',
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[m[:40] for _, m in BAD])
def test_bad_input_names_the_element_at_fault(change, message):
    with pytest.raises(ValueError) as raised:
        problem_from_json(broken(change))
    assert str(raised.value).startswith(message)


def test_a_problem_must_be_an_object():
    with pytest.raises(ValueError, match="the problem must be a JSON object, got list"):
        problem_from_json([])


def test_contradictory_but_well_formed_data_is_accepted():
    doc = good()
    doc["offerings"][0].update(min_size=9, max_size=3)
    doc["participants"][0].update(previous=["not-this-week"], therapist=None)
    problem = problem_from_json(doc)
    assert problem.offering["g"].min_size == 9


def test_time_helpers():
    assert parse_time("24:00", "x") == DAY_MINUTES
    assert merge([(600, 720), (480, 600), (900, 960)]) == [(480, 720), (900, 960)]
    assert covers([(480, 720)], 540, 720)
    assert not covers([(480, 720)], 700, 730)
