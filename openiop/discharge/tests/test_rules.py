"""The pure rules: level direction, readiness suggestion, follow-up dates, day lists."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.discharge import rules

D = datetime.date
READY = rules.ReadinessFigures(
    weeks_in_phase=4,
    attendance_percent=80,
    objectives_met=1,
    objectives_total=2,
    positive_drug_tests=None,
    outcomes_improving=1,
    outcomes_worsening=0,
)


@pytest.mark.parametrize(
    ("before", "after", "direction"),
    [("2.1", "1.0", "down"), ("2.1", "2.5", "up"), ("2.5", "3.x", "up"), ("1.0", "1.0", "same")],
)
def test_level_direction(before, after, direction):
    assert rules.level_direction(before, after) == direction


@pytest.mark.parametrize(
    ("change", "unmet"),
    [
        ({}, ()),
        ({"weeks_in_phase": 3}, ("weeks_in_phase",)),
        ({"attendance_percent": 79}, ("attendance",)),
        ({"attendance_percent": None}, ("attendance",)),
        ({"objectives_met": 0}, ("objectives",)),
        ({"objectives_total": 0, "objectives_met": 0}, ("objectives",)),
        ({"positive_drug_tests": 1}, ("drug_tests",)),
        ({"outcomes_worsening": 1}, ("outcomes",)),
    ],
)
def test_suggestion_names_each_unmet_criterion(change, unmet):
    figures = rules.ReadinessFigures(**{**READY.__dict__, **change})
    suggestion = rules.suggest_step_down(figures, rules.DEFAULT_THRESHOLDS)
    assert suggestion.unmet == unmet
    assert suggestion.is_ready is (not unmet)


def test_no_drug_test_data_is_neither_met_nor_unmet():
    suggestion = rules.suggest_step_down(READY, rules.DEFAULT_THRESHOLDS)
    assert "drug_tests" not in suggestion.met + suggestion.unmet


def test_followups_show_a_week_ahead_and_until_reached():
    discharged = D(2026, 1, 1)
    days = (30, 90, 180)
    assert rules.followups_due(discharged, days, set(), D(2026, 1, 23)) == []
    assert [row.day for row in rules.followups_due(discharged, days, set(), D(2026, 1, 24))] == [30]
    later = rules.followups_due(discharged, days, set(), D(2026, 3, 30))
    assert [(row.day, row.due_on) for row in later] == [(30, D(2026, 1, 31)), (90, D(2026, 4, 1))]
    assert [row.day for row in rules.followups_due(discharged, days, {30}, D(2026, 3, 30))] == [90]


@pytest.mark.parametrize(
    ("text", "days"), [("30, 90, 180", (30, 90, 180)), ("90;30", (30, 90)), ("7", (7,))]
)
def test_parse_days(text, days):
    assert rules.parse_days(text) == days


@pytest.mark.parametrize("text", ["", "thirty", "0", "30, 800", "-5"])
def test_parse_days_refuses_anything_else(text):
    with pytest.raises(ValueError):
        rules.parse_days(text)


@given(st.integers(0, 400), st.integers(0, 400))
def test_weeks_between_is_whole_weeks_never_negative(a, b):
    start, end = (
        D(2026, 1, 1) + datetime.timedelta(days=a),
        D(2026, 1, 1) + datetime.timedelta(days=b),
    )
    weeks = rules.weeks_between(start, end)
    assert weeks >= 0
    if b >= a:
        assert weeks * 7 <= b - a < (weeks + 1) * 7


@pytest.mark.parametrize(
    ("instrument", "change", "improving"),
    [("phq9", -5, True), ("gad7", 3, False), ("phq9", 0, None), ("my-own", -5, None)],
)
def test_improvement_is_known_only_for_catalogue_scales(instrument, change, improving):
    assert rules.is_improving(instrument, change) is improving


FIGURES = st.builds(
    rules.ReadinessFigures,
    weeks_in_phase=st.integers(0, 30),
    attendance_percent=st.one_of(st.none(), st.integers(0, 150)),
    objectives_met=st.integers(0, 5),
    objectives_total=st.integers(5, 8),
    positive_drug_tests=st.one_of(st.none(), st.integers(0, 3)),
    outcomes_improving=st.integers(0, 3),
    outcomes_worsening=st.integers(0, 3),
)


@given(FIGURES, st.integers(0, 10), st.integers(0, 40))
def test_more_weeks_and_attendance_never_withdraw_a_suggestion(figures, weeks, percent):
    better = rules.ReadinessFigures(
        **{
            **figures.__dict__,
            "weeks_in_phase": figures.weeks_in_phase + weeks,
            "attendance_percent": None
            if figures.attendance_percent is None
            else figures.attendance_percent + percent,
        }
    )
    before = rules.suggest_step_down(figures, rules.DEFAULT_THRESHOLDS)
    after = rules.suggest_step_down(better, rules.DEFAULT_THRESHOLDS)
    assert set(after.unmet) <= set(before.unmet)
