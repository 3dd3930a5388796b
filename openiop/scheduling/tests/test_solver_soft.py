"""The soft ordering on tiny problems whose best answer is known, and the exact weights."""

from hypothesis import given
from hypothesis import strategies as st

from openiop.scheduling.solver import check
from openiop.scheduling.solver.cpmodel import Level
from openiop.scheduling.solver.search import WEIGHT_LIMIT, stages, weights
from openiop.scheduling.tests import (
    clinician,
    groups_of,
    offering,
    pair_of,
    participant,
    room,
    row,
    solved,
    week,
)

ROOMS = [room("group-a"), room("group-b"), room("office-1", "individual", "family")]


def test_less_shortfall_beats_placing_the_individual_session():
    doc = week(
        offerings=[offering("g", "mon", "09:00", "12:00")],
        participants=[
            participant("p1", target_minutes=180, max_minutes=180, individual_minutes=60)
        ],
    )
    problem, schedule = solved(doc)
    assert check(problem, schedule) == []
    assert schedule["status"] == "optimal"
    assert groups_of(schedule, "p1") == {"g"}
    assert pair_of(schedule, "p1", "individual") is None
    assert row(schedule, "p1")["unmet"] == ["individual session: participant at weekly maximum"]


def test_placing_the_individual_session_beats_min_days():
    doc = week(
        offerings=[
            offering("g-mon", "mon", "09:00", "09:30"),
            offering("g-tue", "tue", "09:00", "09:30"),
        ],
        participants=[
            participant("p1", target_minutes=60, max_minutes=60, min_days=2, individual_minutes=60)
        ],
    )
    _, schedule = solved(doc)
    assert schedule["status"] == "optimal"
    assert pair_of(schedule, "p1", "individual") is not None
    assert groups_of(schedule, "p1") == set()
    assert row(schedule, "p1")["days"] == 1


def test_min_days_beats_continuity():
    doc = week(
        offerings=[
            offering("g-mon-1", "mon", "09:00", "09:30"),
            offering("g-mon-2", "mon", "10:00", "10:30"),
            offering("g-tue", "tue", "09:00", "09:30"),
        ],
        participants=[
            participant(
                "p1", target_minutes=60, max_minutes=60, min_days=2, previous=["g-mon-1", "g-mon-2"]
            )
        ],
    )
    _, schedule = solved(doc)
    assert schedule["status"] == "optimal"
    assert "g-tue" in groups_of(schedule, "p1")
    assert row(schedule, "p1")["days"] == 2


def test_previous_groups_beat_preferred_ones():
    doc = week(
        offerings=[
            offering("g-a", "mon", "09:00", "09:30"),
            offering("g-b", "tue", "09:00", "09:30"),
        ],
        participants=[
            participant(
                "p1", target_minutes=30, max_minutes=30, previous=["g-a"], preferred=["g-b"]
            )
        ],
    )
    _, schedule = solved(doc)
    assert groups_of(schedule, "p1") == {"g-a"}


def test_continuity_beats_opening_fewer_groups():
    doc = week(
        rooms=ROOMS,
        clinicians=[clinician("c1"), clinician("c2")],
        offerings=[offering("g-a"), offering("g-b")],
        participants=[participant("p1", previous=["g-a"]), participant("p2", previous=["g-b"])],
    )
    _, schedule = solved(doc)
    assert (groups_of(schedule, "p1"), groups_of(schedule, "p2")) == ({"g-a"}, {"g-b"})


def test_the_same_result_with_fewer_groups_is_better():
    doc = week(
        rooms=ROOMS,
        clinicians=[clinician("c1"), clinician("c2")],
        offerings=[offering("g-a"), offering("g-b")],
        participants=[participant("p1"), participant("p2")],
    )
    _, schedule = solved(doc)
    groups = [s for s in schedule["sessions"] if s["kind"] == "group"]
    assert len(groups) == 1
    assert sorted(groups[0]["participants"]) == ["p1", "p2"]


def test_clinician_load_is_balanced():
    doc = week(
        clinicians=[clinician("c1"), clinician("c2")],
        offerings=[offering("g-mon", "mon"), offering("g-tue", "tue")],
        participants=[participant("p1", target_minutes=360)],
    )
    _, schedule = solved(doc)
    leads = [s["lead"] for s in schedule["sessions"] if s["kind"] == "group"]
    assert sorted(leads) == ["c1", "c2"]


def test_one_minute_of_shortfall_outweighs_every_lower_term_together():
    # A 45-minute group on a new day would give p1 its days and its previous group; a
    # 60-minute one on the same day gives 15 more minutes. Minutes win.
    doc = week(
        offerings=[
            offering("g-mon", "mon", "09:00", "10:00"),
            offering("g-mon-long", "mon", "13:00", "14:00"),
            offering("g-tue-short", "tue", "09:00", "09:45"),
        ],
        participants=[
            participant(
                "p1",
                target_minutes=120,
                max_minutes=120,
                min_days=2,
                previous=["g-tue-short"],
                preferred=["g-tue-short"],
            )
        ],
    )
    _, schedule = solved(doc)
    assert groups_of(schedule, "p1") == {"g-mon", "g-mon-long"}
    assert row(schedule, "p1")["shortfall_minutes"] == 0


def test_weights_of_three_levels():
    levels = [Level("a", 0, 10), Level("b", 0, 4), Level("c", 0, 5)]
    assert weights(levels) == [30, 6, 1]


@given(st.lists(st.integers(min_value=0, max_value=10**4), min_size=1, max_size=6))
def test_each_weight_outweighs_everything_below_it(bounds):
    levels = [Level(str(i), 0, bound) for i, bound in enumerate(bounds)]
    found = weights(levels)
    for i in range(len(levels)):
        below = sum(found[j] * levels[j].bound for j in range(i + 1, len(levels)))
        assert found[i] > below


def test_stages_keep_rules_one_to_three_first_and_split_past_the_limit():
    big = [Level(str(i), 0, 10**4, part=1 if i < 3 else 2) for i in range(8)]
    plan = stages(big)
    assert [level.name for level in plan[0]] == ["0", "1", "2"]
    assert len(plan) > 2
    assert [level.name for stage in plan for level in stage] == [str(i) for i in range(8)]
    for stage in plan:
        assert weights(stage)[0] * (stage[0].bound + 1) <= WEIGHT_LIMIT
