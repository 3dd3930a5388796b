"""Pure scheduling rules: weeks, step-down targets, individual-session spacing, weekly hours
and the flags, from tables of dated cases."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.scheduling import rules
from openiop.scheduling.rules import Attendance, Phase

ENGAGEMENT = Phase(order=1, target_minutes=720, typical_weeks=4)
EARLY = Phase(order=2, target_minutes=540, typical_weeks=4)
MAINTENANCE = Phase(order=3, target_minutes=360, typical_weeks=8)
PHASES = [MAINTENANCE, ENGAGEMENT, EARLY]  # any order: the plan sorts them


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W48", date(2026, 11, 23)),
        ("2026-W01", date(2025, 12, 29)),
        ("2020-W53", date(2020, 12, 28)),
    ],
)
def test_iso_weeks_name_their_monday(text, monday):
    assert rules.parse_iso_week(text) == monday
    assert rules.iso_week(monday) == text


@pytest.mark.parametrize("text", ["2026-48", "W48", "2026-W4", " ", "2026-W00"])
def test_bad_iso_weeks_are_refused(text):
    with pytest.raises(ValueError):
        rules.parse_iso_week(text)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_every_day_belongs_to_the_week_of_its_monday(day):
    monday = rules.week_start(day)
    assert monday.weekday() == 0 and 0 <= (day - monday).days < 7
    assert rules.parse_iso_week(rules.iso_week(monday)) == monday


ADMITTED = date(2026, 3, 4)  # a Wednesday: week 1 starts Monday 2 March


@pytest.mark.parametrize(
    ("week_of", "current", "this_week", "expected"),
    [
        # past weeks follow the plan: 4 weeks of engagement, 4 of early recovery, then the last
        (date(2026, 3, 2), EARLY, date(2026, 6, 1), ENGAGEMENT),
        (date(2026, 3, 23), EARLY, date(2026, 6, 1), ENGAGEMENT),
        (date(2026, 3, 30), EARLY, date(2026, 6, 1), EARLY),
        # ... but never past the phase the clinician has them in
        (date(2026, 4, 27), EARLY, date(2026, 6, 1), EARLY),
        (date(2026, 4, 27), MAINTENANCE, date(2026, 6, 1), MAINTENANCE),
        # this week and later: the current phase, even ahead of the plan
        (date(2026, 3, 9), EARLY, date(2026, 3, 9), EARLY),
        (date(2026, 3, 16), EARLY, date(2026, 3, 9), EARLY),
        (date(2026, 3, 16), ENGAGEMENT, date(2026, 3, 9), ENGAGEMENT),
        # no current phase: the plan
        (date(2026, 4, 6), None, date(2026, 3, 9), EARLY),
    ],
)
def test_the_phase_for_a_week_steps_down(week_of, current, this_week, expected):
    found = rules.phase_for_week(
        PHASES, admitted_on=ADMITTED, week_of=week_of, current=current, this_week=this_week
    )
    assert found == expected


@pytest.mark.parametrize(
    ("phase", "override", "expected"),
    [(EARLY, None, 540), (EARLY, 300, 300), (None, None, 540), (None, 0, 0)],
)
def test_the_target_is_the_override_then_the_phase_then_the_program_minimum(
    phase, override, expected
):
    assert (
        rules.target_minutes(phase=phase, override_minutes=override, program_minimum_minutes=540)
        == expected
    )


@pytest.mark.parametrize(
    ("last", "every", "due"),
    [
        (None, 2, True),
        (date(2026, 3, 6), 1, True),  # last week (a Friday), weekly
        (date(2026, 3, 6), 2, False),
        (date(2026, 2, 23), 2, True),
        (date(2026, 3, 9), 1, False),  # already this week
    ],
)
def test_an_individual_session_is_due_every_n_weeks(last, every, due):
    assert (
        rules.individual_due(last_individual_on=last, week_of=date(2026, 3, 9), every_weeks=every)
        is due
    )


def _came(day, minutes=180, status=rules.PRESENT, *, order=18 * 60, expected=True, length=180):
    return Attendance(day, order, length, status, minutes, expected)


MON, TUE, THU = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 5)
WEEK = MON


def _week(entries, today=date(2026, 3, 9), target=540, min_days=3):
    (row,) = rules.weekly_hours(entries, targets={WEEK: target}, min_days=min_days, today=today)
    return row


def test_a_full_week_meets_its_target_with_no_flags():
    row = _week([_came(MON), _came(TUE), _came(THU)])
    assert (row.attended_minutes, row.scheduled_minutes, row.days_attended) == (540, 540, 3)
    assert row.flags == () and row.shortfall_minutes == 0


def test_a_late_arrival_counts_its_minutes_and_absences_count_none():
    row = _week(
        [
            _came(MON, 150, rules.LATE),
            _came(TUE, 0, rules.ABSENT_EXCUSED),
            _came(THU, 180, rules.VIDEO),
        ]
    )
    assert (row.attended_minutes, row.scheduled_minutes, row.days_attended) == (330, 540, 2)
    assert row.flags == (rules.UNDER_TARGET, rules.FEW_DAYS)
    assert row.shortfall_minutes == 210


def test_a_walk_in_counts_as_attended_but_not_as_scheduled():
    row = _week([_came(MON), _came(TUE), _came(THU), _came(date(2026, 3, 7), expected=False)])
    assert (row.attended_minutes, row.scheduled_minutes, row.days_attended) == (720, 540, 4)


def test_a_partial_week_is_not_judged_on_target_or_days():
    (row,) = rules.weekly_hours(
        [_came(THU)], targets={WEEK: 540}, min_days=3, today=date(2026, 3, 9), partial=[WEEK]
    )
    assert row.is_complete and row.flags == ()


def test_the_week_in_progress_is_not_yet_under_target():
    row = _week([_came(MON)], today=TUE)
    assert not row.is_complete and row.flags == ()


@pytest.mark.parametrize(
    ("days", "today", "flagged"),
    [
        ((MON, TUE, THU), date(2026, 3, 9), False),  # Thu to next Mon: 3 days without
        ((MON, date(2026, 3, 7)), date(2026, 3, 9), True),  # Mon to Sat: 4 days without
        ((MON, date(2026, 3, 6)), date(2026, 3, 9), False),  # Mon to Fri: 3 days without
        ((MON,), date(2026, 3, 6), False),  # still open, 3 days so far
        ((MON,), date(2026, 3, 7), True),  # still open, 4 days so far
    ],
)
def test_more_than_three_days_without_a_session_is_flagged(days, today, flagged):
    row = _week([_came(day) for day in days], today=today, target=0, min_days=0)
    assert (rules.LONG_GAP in row.flags) is flagged


def test_a_gap_is_flagged_in_the_week_it_ends():
    entries = [_came(date(2026, 2, 26)), _came(date(2026, 3, 3))]  # Thu to the next Tue
    rows = rules.weekly_hours(
        entries,
        targets={date(2026, 2, 23): 0, MON: 0},
        min_days=0,
        today=date(2026, 3, 4),
    )
    assert [rules.LONG_GAP in row.flags for row in rows] == [False, True]


@pytest.mark.parametrize(
    ("statuses", "flagged"),
    [
        ((rules.ABSENT_UNEXCUSED, rules.ABSENT_UNEXCUSED), True),
        ((rules.ABSENT_UNEXCUSED, rules.ABSENT_EXCUSED, rules.ABSENT_UNEXCUSED), False),
        ((rules.ABSENT_UNEXCUSED, None, rules.ABSENT_UNEXCUSED), True),  # not yet recorded
        ((rules.ABSENT_UNEXCUSED, rules.PRESENT, rules.ABSENT_UNEXCUSED), False),
    ],
)
def test_two_unexcused_absences_in_a_row_are_flagged(statuses, flagged):
    entries = [
        _came(day, 0, status) for day, status in zip((MON, TUE, THU), statuses, strict=False)
    ]
    assert (rules.UNEXCUSED_TWICE in _week(entries).flags) is flagged


def test_two_unexcused_absences_the_same_day_are_ordered_by_start_time():
    entries = [
        _came(MON, 0, rules.ABSENT_UNEXCUSED, order=9 * 60),
        _came(MON, 60, rules.PRESENT, order=13 * 60),
        _came(TUE, 0, rules.ABSENT_UNEXCUSED, order=9 * 60),
    ]
    assert rules.consecutive_unexcused_on(entries) == []


@given(
    st.lists(
        st.tuples(
            st.integers(0, 20),
            st.sampled_from(sorted(rules.ATTENDED_STATUSES | rules.ABSENT_STATUSES)),
        ),
        max_size=30,
    )
)
def test_attended_minutes_never_exceed_scheduled_without_walk_ins(draws):
    entries = [
        _came(MON + timedelta(days=offset), rules.default_minutes(status, 180), status)
        for offset, status in draws
    ]
    weeks = {rules.week_start(MON + timedelta(days=n)): 540 for n in range(0, 21, 7)}
    for row in rules.weekly_hours(entries, targets=weeks, min_days=3, today=date(2026, 6, 1)):
        assert 0 <= row.attended_minutes <= row.scheduled_minutes
        assert row.days_attended <= 7
        assert (rules.UNDER_TARGET in row.flags) is (row.attended_minutes < 540)


def test_the_roster_default_is_the_whole_session_or_nothing():
    assert rules.default_minutes(rules.PRESENT, 180) == 180
    assert rules.default_minutes(rules.ABSENT_EXCUSED, 180) == 0
