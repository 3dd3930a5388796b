"""Each report figure against a small, hand-computed fixture (the arithmetic is in the
comments), including the edge cases: no data, episodes spanning the range's ends, readmissions,
other programs' records."""

from datetime import date
from decimal import Decimal

import pytest

from openiop.discharge.models import DischargeReason
from openiop.notes.models import NotePolicy
from openiop.reports import selectors
from openiop.reports.selectors.clinicians import clinician_report
from openiop.reports.selectors.episodes import episode_list
from openiop.reports.tests import builders as b

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
HALF_YEAR = (date(2026, 1, 1), date(2026, 6, 30))


def rows(table):
    return [tuple(row) for row in table.rows]


def column(table, key):
    return table.column_values(key)


# ----------------------------------------------------------------------------- census


def test_census_counts_admissions_discharges_and_who_is_in_care_at_either_end(
    program, other_program
):
    a = b.episode(program, date(2026, 2, 1))  # in care throughout
    b.episode(program, date(2026, 2, 10), date(2026, 3, 1))  # leaves on the first day
    b.episode(program, date(2026, 3, 5), date(2026, 3, 31))  # in and out inside the range
    b.episode(program, date(2026, 4, 1))  # after the range
    earlier = b.episode(program, date(2026, 1, 1), date(2026, 2, 28))  # before the range
    b.episode(program, date(2026, 3, 20), participant=earlier.participant)  # readmission
    b.episode(other_program, date(2026, 3, 3))  # another program
    assert a.participant  # in care at both ends
    table = selectors.census_summary(b.scope(program, *MARCH))
    # at start: a, and the one leaving on 1 March; admitted: 5 March and the readmission;
    # discharged: 1 March and 31 March; at the end: a and the readmission.
    assert rows(table) == [(2, 2, 2, 2)]


def test_census_of_a_program_with_no_episodes_is_zero(program):
    assert rows(selectors.census_summary(b.scope(program, *MARCH))) == [(0, 0, 0, 0)]
    weekly = selectors.census_weekly(b.scope(program, *MARCH))
    assert {row[1:] for row in weekly.rows} == {(0, 0, 0)}


def test_census_by_week_moves_with_admissions_and_discharges(program):
    b.episode(program, date(2026, 2, 1))
    b.episode(program, date(2026, 2, 10), date(2026, 3, 1))
    b.episode(program, date(2026, 3, 5), date(2026, 3, 31))
    b.episode(program, date(2026, 3, 20))
    table = selectors.census_weekly(b.scope(program, *MARCH))
    # 1 March is a Sunday, so the first week is that of 23 February.
    assert rows(table) == [
        (date(2026, 2, 23), 0, 1, 1),
        (date(2026, 3, 2), 1, 0, 2),
        (date(2026, 3, 9), 0, 0, 2),
        (date(2026, 3, 16), 1, 0, 3),
        (date(2026, 3, 23), 0, 0, 3),
        (date(2026, 3, 30), 0, 1, 2),
    ]
    assert table.chart.x == "week"


# ----------------------------------------------------------------------------- attendance


def test_average_daily_attendance_counts_people_per_session_day(program, other_program, clinician):
    x = b.episode(program, date(2026, 2, 1))
    y = b.episode(program, date(2026, 2, 1))
    z = b.episode(other_program, date(2026, 2, 1))
    evening = b.session(program, date(2026, 3, 2))
    morning = b.session(program, date(2026, 3, 2), 9, 12)
    tuesday = b.session(program, date(2026, 3, 3))
    cancelled = b.session(program, date(2026, 3, 4), is_cancelled=True)
    elsewhere = b.session(other_program, date(2026, 3, 5))
    b.attended(evening, x, by=clinician)
    b.attended(morning, x, by=clinician)
    b.attended(tuesday, x, "absent_unexcused", by=clinician)
    b.attended(evening, y, "late", 150, by=clinician)
    b.attended(tuesday, y, by=clinician)
    b.attended(cancelled, y, by=clinician)
    b.attended(elsewhere, z, by=clinician)
    table = selectors.attendance_summary(b.scope(program, *MARCH))
    # Days with sessions: 2 and 3 March (4 March was cancelled). People per day: 2 March x
    # and y (x twice counts once), 3 March y: 3 / 2 = 1.5. Records: 4 attended, 1 unexcused.
    assert rows(table) == [(2, 1.5, 4, 0, 1, 80.0)]


def test_attendance_adds_whole_weeks_and_the_days_around_them(program, clinician):
    # Wednesday 4 to Tuesday 17 March: the week of 9 March is whole (read from the weekly
    # totals); 4-8 and 16-17 March are read from the records.
    x = b.episode(program, date(2026, 2, 1))
    y = b.episode(program, date(2026, 2, 1))
    day = {n: b.session(program, date(2026, 3, n)) for n in (3, 4, 8, 10, 11, 17, 18)}
    morning = b.session(program, date(2026, 3, 10), 9, 12)
    for n in (3, 4, 10, 17, 18):
        b.attended(day[n], x, by=clinician)
    b.attended(morning, x, by=clinician)
    b.attended(day[8], y, by=clinician)
    b.attended(day[11], y, "absent_excused", by=clinician)
    scope = b.scope(program, date(2026, 3, 4), date(2026, 3, 17))
    # Days with sessions: 4, 8, 10, 11, 17 March (3 and 18 are outside). People per day: x on
    # 4, 10 (twice, once counted), 17; y on 8: 4 / 5 = 0.8. Records: 5 attended, 1 excused.
    assert rows(selectors.attendance_summary(scope)) == [(5, 0.8, 5, 1, 0, 83.3)]

    morning.is_cancelled = True  # after attendance was recorded: it leaves the week's totals
    morning.save()
    assert rows(selectors.attendance_summary(scope)) == [(5, 0.8, 4, 1, 0, 80.0)]
    # Within one week (no whole week): from the records alone. 4 March x, 8 March y.
    short = b.scope(program, date(2026, 3, 4), date(2026, 3, 8))
    assert rows(selectors.attendance_summary(short)) == [(2, 1.0, 2, 0, 0, 100.0)]


def test_attendance_with_no_sessions_has_no_average(program):
    assert rows(selectors.attendance_summary(b.scope(program, *MARCH))) == [
        (0, None, 0, 0, 0, None)
    ]


@pytest.fixture
def nine_hour_program(program):
    program.minimum_weekly_hours = Decimal("9")
    program.save()
    return program


def test_hours_count_whole_weeks_in_care_against_the_program_minimum(nine_hour_program, clinician):
    program = nine_hour_program
    x = b.episode(program, date(2026, 2, 1))
    y = b.episode(program, date(2026, 3, 4))  # admitted mid-week: its first week is partial
    w = b.episode(program, date(2026, 2, 1), date(2026, 3, 13))  # leaves on a Friday
    for day in (2, 3, 4):
        b.attended(b.session(program, date(2026, 3, day)), x, by=clinician)  # 9 h
    b.attended(b.session(program, date(2026, 3, 5)), y, minutes=180, by=clinician)
    b.attended(b.session(program, date(2026, 3, 9)), x, by=clinician)  # 3 h
    b.attended(b.session(program, date(2026, 3, 10)), y, minutes=600, by=clinician)  # 10 h
    b.attended(b.session(program, date(2026, 3, 11)), w, by=clinician)  # partial week
    table = selectors.hours_weekly(
        b.scope(program, date(2026, 3, 2), date(2026, 3, 15), date(2026, 3, 20))
    )
    # Week of 2 March: x and w in care all week (y admitted Wednesday): (540 + 0) / 60 / 2
    # = 4.5 h; x met 9 h. Week of 9 March: x and y (w left on Friday): (180 + 600) / 60 / 2
    # = 6.5 h; y met it.
    assert rows(table) == [
        (date(2026, 3, 2), 2, 4.5, 9.0, 1, 50.0),
        (date(2026, 3, 9), 2, 6.5, 9.0, 1, 50.0),
    ]
    assert "2 of 4" in table.notes[0]


def test_hours_count_the_weeks_each_episode_spans_whole(program, other_program, clinician):
    program.minimum_weekly_hours = Decimal("9")
    program.save()
    b.episode(program, date(2025, 6, 1))  # long before the range, still in care: 3 weeks
    b.episode(program, date(2026, 3, 2), date(2026, 3, 15))  # Monday to Sunday: 2 weeks
    b.episode(program, date(2026, 3, 10), date(2026, 3, 14))  # within a week: none
    b.episode(program, date(2026, 3, 3), date(2026, 3, 22))  # Tuesday in: 9 and 16 March
    b.episode(program, date(2026, 2, 1), date(2026, 3, 1))  # gone before the range
    b.episode(program, date(2026, 3, 16))  # admitted on the last Monday: 1 week
    b.episode(other_program, date(2026, 1, 1))  # not in the scope
    table = selectors.hours_weekly(
        b.scope(program, date(2026, 3, 2), date(2026, 3, 22), date(2026, 3, 30))
    )
    # 2 March: the long stay and the Monday-Sunday one. 9 March: those and the Tuesday one.
    # 16 March: the long stay, the Tuesday one (left Sunday 22) and the last Monday's.
    assert column(table, "participant_weeks") == [2, 3, 3]
    assert column(table, "required") == [9.0, 9.0, 9.0]


def test_hours_leave_out_the_week_not_yet_over(nine_hour_program, clinician):
    b.episode(nine_hour_program, date(2026, 2, 1))
    table = selectors.hours_weekly(
        b.scope(nine_hour_program, date(2026, 3, 2), date(2026, 3, 15), date(2026, 3, 14))
    )
    assert column(table, "week") == [date(2026, 3, 2)]
    assert rows(table)[0][1:] == (1, 0.0, 9.0, 0, 0.0)


def test_hours_meet_a_fractional_minimum_exactly_on_both_databases(program, clinician):
    program.minimum_weekly_hours = Decimal("8.3")  # 498 minutes; 8.3 * 60 is not exact in floats
    program.save()
    x = b.episode(program, date(2026, 2, 1))
    b.attended(b.session(program, date(2026, 3, 3)), x, minutes=300, by=clinician)
    b.attended(b.session(program, date(2026, 3, 5)), x, minutes=198, by=clinician)

    table = selectors.hours_weekly(
        b.scope(program, date(2026, 3, 2), date(2026, 3, 8), date(2026, 3, 20))
    )

    assert rows(table) == [(date(2026, 3, 2), 1, 8.3, 8.3, 1, 100.0)]
    assert type(rows(table)[0][2]) is float  # not a Decimal on PostgreSQL


def test_the_dashboard_of_a_scope_without_programs_is_empty_not_an_error():
    from openiop.reports.scope import ReportScope

    nothing = ReportScope(
        program_ids=(), start=date(2026, 1, 1), end=date(2026, 3, 31), today=date(2026, 4, 1)
    )

    tables = {table.key: table for table in selectors.dashboard(nothing)}

    outcomes = {row[0]: row[1:] for row in tables["outcomes"].rows}
    assert outcomes["PHQ-9"] == (0, None, None, None, 0, None, 0, None)
    assert rows(tables["census"])[0][:3] == (0, 0, 0)


# ----------------------------------------------------------------------------- retention


@pytest.fixture
def cohort(program, director):
    left, completed = DischargeReason.LEFT, DischargeReason.COMPLETED
    return {
        "open": b.episode(program, date(2026, 1, 5)),
        "left_26": b.episode(
            program, date(2026, 1, 10), date(2026, 2, 5), reason=left, author=director
        ),
        "completed_36": b.episode(
            program, date(2026, 1, 15), date(2026, 2, 20), reason=completed, author=director
        ),
        "left_42": b.episode(
            program, date(2026, 2, 1), date(2026, 3, 15), reason=left, author=director
        ),
        "left_30": b.episode(
            program, date(2026, 3, 1), date(2026, 3, 31), reason=left, author=director
        ),
        "recent": b.episode(program, date(2026, 6, 1)),
        "before": b.episode(program, date(2025, 12, 1)),
        "unrecorded_10": b.episode(program, date(2026, 4, 1), date(2026, 4, 11)),
    }


def test_retention_counts_those_in_care_or_completed_at_each_mark(program, cohort):
    table = selectors.retention(b.scope(program, *HALF_YEAR))
    # Observable at 30 days (admitted by 31 May): open, left_26, completed_36, left_42,
    # left_30, unrecorded_10 = 6; engaged: open, completed (36 >= 30, and completed anyway),
    # left_42, left_30 (exactly 30 days) = 4. At 60 (admitted by 1 May): the same 6; engaged:
    # open and completed_36 = 2. At 90 (admitted by 1 April): 6 again (unrecorded_10 was
    # admitted on 1 April); engaged 2.
    assert rows(table) == [(30, 6, 4, 66.7), (60, 6, 2, 33.3), (90, 6, 2, 33.3)]


def test_retention_curve_starts_at_everyone_admitted(program, cohort):
    table = selectors.retention_curve(b.scope(program, *HALF_YEAR))
    assert rows(table)[0] == (0, 7, 7, 100.0)  # all seven admitted in the range, day 0
    # Day 28: all 7 observable ("recent" is 29 days in); left_26 and unrecorded_10 have gone.
    assert rows(table)[4] == (4, 7, 5, 71.4)
    # Day 35: "recent" is not observable yet; left_30 has gone too: open, completed_36, left_42.
    assert rows(table)[5] == (5, 6, 3, 50.0)
    assert len(table.rows) == 17


def test_completion_and_length_of_stay_by_reason(program, cohort):
    table = selectors.completion(b.scope(program, *HALF_YEAR))
    by_reason = {row[0]: row[1:] for row in table.rows}
    assert by_reason["Treatment completed"] == (1, 20.0, 36.0)
    # left: 26, 42 and 30 days -> 32.7 on average
    assert by_reason["Left against professional advice / dropped out"] == (3, 60.0, 32.7)
    assert by_reason["Not recorded"] == (1, 20.0, 10.0)
    assert by_reason["All discharges"] == (5, 100.0, 28.8)  # (26+36+42+30+10) / 5
    assert by_reason["Death"] == (0, 0.0, None)


def test_no_discharges_gives_no_rates(program):
    table = selectors.completion(b.scope(program, *HALF_YEAR))
    assert rows(table)[-1] == ("All discharges", 0, None, None)
    assert {row[1] for row in table.rows} == {0}


# ----------------------------------------------------------------------------- outcomes


def test_outcome_change_compares_admission_with_latest_score(program, clinician):
    by = {"by": clinician}
    o1 = b.episode(program, date(2026, 1, 5))
    b.score(o1, "phq9", 20, date(2026, 1, 6), **by)
    b.score(o1, "phq9", 12, date(2026, 2, 6), **by)
    b.score(o1, "phq9", 14, date(2026, 3, 6), **by)  # latest: 20 -> 14 improved by 6
    b.score(o1, "phq9", 2, date(2026, 7, 15), **by)  # after the report's last day
    b.score(o1, "gad7", 10, date(2026, 1, 6), **by)
    b.score(o1, "gad7", 12, date(2026, 3, 6), **by)  # 2 points worse: unchanged
    o2 = b.episode(program, date(2026, 1, 10))
    b.score(o2, "phq9", 8, date(2026, 1, 10), **by)
    b.score(o2, "phq9", 14, date(2026, 2, 10), **by)  # worsened by 6
    o3 = b.episode(program, date(2026, 1, 10))
    b.score(o3, "phq9", 20, date(2026, 3, 1), **by)  # 50 days in: no admission score
    b.score(o3, "phq9", 5, date(2026, 4, 1), **by)
    o4 = b.episode(program, date(2026, 1, 10))
    b.score(o4, "phq9", 16, date(2026, 1, 11), **by)  # measured once
    o5 = b.episode(program, date(2026, 2, 1))
    b.score(o5, "phq9", 10, date(2026, 2, 1), **by)
    wrong = b.score(o5, "phq9", 6, date(2026, 3, 1), **by)
    b.score(o5, "phq9", 4, date(2026, 3, 1), supersedes=wrong, **by)  # corrected: 10 -> 4
    table = selectors.outcome_change(b.scope(program, *HALF_YEAR))
    by_measure = {row[0]: row[1:] for row in table.rows}
    # PHQ-9: o1, o2, o5. Admission (20 + 8 + 10) / 3 = 12.7; latest (14 + 14 + 4) / 3 = 10.7;
    # improved o1 and o5 (2 of 3), worsened o2.
    assert by_measure["PHQ-9"] == (3, 12.7, 10.7, 5, 2, 66.7, 1, 33.3)
    assert by_measure["GAD-7"] == (1, 10.0, 12.0, 4, 0, 0.0, 0, 0.0)
    assert by_measure["PCL-5"] == (0, None, None, 10, 0, None, 0, None)

    trajectories = selectors.outcome_trajectories(b.scope(program, *HALF_YEAR))
    weeks = {row[0]: row[1:3] for row in trajectories.rows}
    # Week 0: 20 (o1), 8 (o2), 16 (o4), 10 (o5) -> 13.5; week 4: 12 (o1, day 32), 14 (o2,
    # day 31), 4 (o5's correction, day 28) -> 10.0; o3's scores at days 50 and 81.
    assert weeks[0] == (13.5, 4)
    assert weeks[4] == (10.0, 3)
    assert weeks[7] == (20.0, 1)
    assert weeks[11] == (5.0, 1)
    assert weeks[1] == (None, 0)


def test_a_correction_that_moves_a_score_past_the_range_takes_it_out(program, clinician):
    # The correction is the record: its day counts, not the day first entered.
    by = {"by": clinician}
    o = b.episode(program, date(2026, 1, 5))
    b.score(o, "phq9", 20, date(2026, 1, 6), **by)
    wrong_day = b.score(o, "phq9", 9, date(2026, 6, 20), **by)
    b.score(o, "phq9", 9, date(2026, 7, 20), supersedes=wrong_day, **by)
    first_half = selectors.outcome_change(b.scope(program, *HALF_YEAR))
    assert {row[0]: row[1] for row in first_half.rows}["PHQ-9"] == 0  # no later score by June
    year = selectors.outcome_change(b.scope(program, date(2026, 1, 1), date(2026, 12, 31)))
    assert {row[0]: row[1:3] for row in year.rows}["PHQ-9"] == (1, 20.0)


def test_outcome_change_judges_each_episode_by_its_own_programs_threshold(
    program, other_program, clinician
):
    from openiop.reports.models import ReportSettings
    from openiop.reports.scope import ReportScope

    ReportSettings.objects.create(program=program, phq9_meaningful_change=7)
    for where in (program, other_program):
        person = b.episode(where, date(2026, 1, 5))
        b.score(person, "phq9", 20, date(2026, 1, 6), by=clinician)
        b.score(person, "phq9", 14, date(2026, 3, 6), by=clinician)  # 6 points better
    both = ReportScope(
        program_ids=(program.pk, other_program.pk),
        start=HALF_YEAR[0],
        end=HALF_YEAR[1],
        today=HALF_YEAR[1],
    )

    def phq9(scope):
        return {row[0]: row[1:] for row in selectors.outcome_change(scope).rows}["PHQ-9"]

    # This program asks for 7 points: 6 is unchanged; the other keeps the published 5.
    assert phq9(b.scope(program, *HALF_YEAR)) == (1, 20.0, 14.0, 7, 0, 0.0, 0, 0.0)
    assert phq9(b.scope(other_program, *HALF_YEAR)) == (1, 20.0, 14.0, 5, 1, 100.0, 0, 0.0)
    assert phq9(both) == (2, 20.0, 14.0, "5-7", 1, 50.0, 0, 0.0)


# ----------------------------------------------------------------------------- drug tests


def test_drug_test_rates_by_reason(program, other_program, clinician):
    by = {"by": clinician}
    person = b.episode(program, date(2026, 2, 1))
    cup = b.panel(program)
    day = date(2026, 3, 10)
    neg = ("negative", "", "screen")

    def scheduled(**kwargs):
        return b.order(person, cup, day, **by, **kwargs)

    b.collect(scheduled(), results=[("THC", *neg), ("COC", *neg)], **by)
    b.collect(scheduled(), results=[("BUP", "positive", "expected", "screen"), ("THC", *neg)], **by)
    b.collect(scheduled(), results=[("THC", "positive", "unexpected", "screen")], **by)
    confirmed = b.collect(scheduled(), results=[("COC", "positive", "unexpected", "screen")], **by)
    screen = confirmed.results.get()
    final = confirmed.results.create(
        participant=person.participant,
        analyte_code="COC",
        method="confirmation",
        outcome="negative",
        recorded_by=clinician,
    )
    screen.superseded_by = final
    screen.save()
    b.collect(scheduled(), outcome="refused", **by)
    b.collect(scheduled(), outcome="no_show", **by)
    scheduled(status="cancelled")
    scheduled()  # still open
    b.collect(scheduled(), **by)  # collected, no results yet
    b.collect(b.order(person, cup, day, reason="random", **by), results=[("THC", *neg)], **by)
    b.order(person, cup, date(2026, 4, 2), **by)  # after the range
    elsewhere = b.episode(other_program, date(2026, 2, 1))
    b.order(elsewhere, b.panel(other_program), day, **by)
    table = selectors.drug_test_rates(b.scope(program, *MARCH))
    by_reason = {row[0]: row[1:] for row in table.rows}
    # Scheduled: 8 planned (the cancelled one left out); 5 done; negative: the plain one,
    # the expected buprenorphine, the confirmation-negative cocaine = 3 of 5.
    assert by_reason["Scheduled"] == (8, 5, 62.5, 60.0, 1, 1)
    assert by_reason["Random"] == (1, 1, 100.0, 100.0, 0, 0)
    assert by_reason["For cause"] == (0, 0, None, None, 0, 0)
    assert by_reason["All tests"] == (9, 6, 66.7, 66.7, 1, 1)


# ----------------------------------------------------------------------------- documentation


def test_notes_signed_within_a_day_and_within_three(program, other_program, clinician):
    person = b.episode(program, date(2026, 2, 1), primary_clinician=clinician)
    monday = date(2026, 3, 2)
    for signed in (b.at(monday, 20), b.at(date(2026, 3, 3), 10), b.at(date(2026, 3, 5), 9)):
        b.progress_note(person, monday, by=clinician, signed_at=signed)
    b.progress_note(person, monday, by=clinician, signed_at=b.at(date(2026, 3, 6), 9))
    b.progress_note(person, date(2026, 3, 3), by=clinician)  # still a draft
    other = b.episode(other_program, date(2026, 2, 1))
    b.progress_note(other, monday, by=clinician, signed_at=b.at(date(2026, 3, 20)))
    b.group_note(program, monday, [person], by=clinician, signed_at=b.at(monday, 22))
    b.group_note(program, monday, [], by=clinician, signed_at=b.at(date(2026, 3, 20)))
    table = selectors.note_timeliness(b.scope(program, *MARCH))
    # Individual: 5 notes, 1 unsigned; same or next day: 2 (40%); within 3 days: 3 (60%).
    # Group: the program's 2 notes, one signed the same day, one 18 days late.
    assert rows(table) == [
        ("Individual notes", 5, 1, 40.0, 60.0),
        ("Group notes", 2, 0, 50.0, 50.0),
        ("All notes", 7, 1, 42.9, 57.1),
    ]
    caseload = selectors.note_timeliness(b.scope(program, *MARCH, clinician_id=clinician.pk))
    assert rows(caseload)[1] == ("Group notes", 1, 0, 100.0, 100.0)  # the one with "person"
    NotePolicy.objects.create(program=program, flag_after_hours=48, overdue_after_hours=96)
    table = selectors.note_timeliness(b.scope(program, *MARCH))
    assert rows(table)[0] == ("Individual notes", 5, 1, 40.0, 80.0)  # 2 days / 4 days


def test_plans_on_time_and_overdue(program, clinician):
    by = {"by": clinician}
    first = b.episode(program, date(2026, 3, 1))
    b.plan_version(first, 1, signed_at=b.at(date(2026, 3, 6)), **by)  # 5 days: on time
    b.plan_version(first, 2, signed_at=b.at(date(2026, 4, 10)), **by)  # 35 days: late
    b.plan_version(first, 3, signed_at=b.at(date(2026, 5, 1)), **by)  # 21 days: on time
    second = b.episode(program, date(2026, 3, 1))
    b.plan_version(second, 1, signed_at=b.at(date(2026, 3, 12)), **by)  # 11 days: late
    b.plan_version(second, 2, **by)  # a draft
    b.episode(program, date(2026, 5, 20))  # no plan, 11 days at the end: overdue
    b.episode(program, date(2026, 5, 28))  # no plan, 3 days: not yet
    table = selectors.plan_timeliness(
        b.scope(program, date(2026, 3, 1), date(2026, 5, 31), date(2026, 6, 30))
    )
    # Overdue on 31 May: the 20 May admission (no plan) and "second" (last signed 12 March).
    assert rows(table) == [
        ("Initial plans", 2, 1, 50.0, 1),
        ("Reviews", 2, 1, 50.0, 1),
    ]


# ----------------------------------------------------------------------------- follow-ups


def test_follow_ups_due_in_the_range_reached_and_outcomes(program, director):
    def discharged(on):
        return b.episode(
            program, date(2026, 1, 5), on, reason=DischargeReason.COMPLETED, author=director
        ).discharge

    march = discharged(date(2026, 3, 1))  # 90-day follow-up due 30 May
    april = discharged(date(2026, 4, 15))  # 30-day due 15 May
    may = discharged(date(2026, 5, 20))  # 30-day due 19 June
    discharged(date(2026, 6, 10))  # 30-day due 10 July: after the range
    by = {"by": director}
    b.follow_up(april, 30, date(2026, 5, 14), "not_reached", **by)
    b.follow_up(
        april,
        30,
        date(2026, 5, 16),
        "reached",
        substance_use="no",
        in_treatment="yes",
        housing="stable",
        occupation="employed",
        arrested="no",
        **by,
    )
    b.follow_up(may, 30, date(2026, 6, 20), "not_reached", **by)
    assert march.pk
    table = selectors.followup_reach(b.scope(program, date(2026, 4, 1), date(2026, 6, 30)))
    assert rows(table) == [
        (30, 2, 2, 1, 50.0, 100.0, 100.0, 100.0, 100.0, 0.0),
        (90, 1, 0, 0, 0.0, None, None, None, None, None),
        (180, 0, 0, 0, None, None, None, None, None, None),
    ]


# ----------------------------------------------------------------------------- clinicians


def test_clinician_report_counts_caseloads_and_overdue_items(
    program, clinician, counselor, director
):
    from openiop.plans.models import ReviewRequest

    today = date(2026, 6, 30)
    no_plan = b.episode(program, date(2026, 6, 20), primary_clinician=clinician)
    stale = b.episode(program, date(2026, 4, 1), primary_clinician=clinician)
    b.plan_version(stale, 1, signed_at=b.at(date(2026, 5, 1)), by=clinician)  # 60 days ago
    fresh = b.episode(program, date(2026, 6, 1), primary_clinician=counselor)
    b.plan_version(fresh, 1, signed_at=b.at(date(2026, 6, 5)), by=counselor)
    ReviewRequest.objects.create(
        episode=fresh, source="staff", reason="Asked", due_on=date(2026, 6, 29)
    )
    b.progress_note(no_plan, date(2026, 6, 25), by=clinician)  # 5 days: overdue
    b.progress_note(no_plan, date(2026, 6, 28), by=clinician)  # 2 days: not yet
    b.episode(program, date(2026, 1, 5), date(2026, 3, 1), primary_clinician=clinician)
    table = clinician_report(b.scope(program, date(2026, 6, 1), today))
    by_name = {row[0]: row[1:] for row in table.rows}
    assert by_name[clinician.full_name] == (2, 1, 1, 0, 1)
    assert by_name[counselor.full_name] == (1, 0, 0, 1, 0)
    own = clinician_report(b.scope(program, date(2026, 6, 1), today, clinician_id=counselor.pk))
    assert [row[0] for row in own.rows] == [counselor.full_name]
    assert director.full_name not in by_name


# ----------------------------------------------------------------------------- scope


def test_a_clinicians_scope_counts_only_their_caseload(program, clinician, counselor):
    from openiop.participants.tests.factories import CareTeamMemberFactory

    mine = b.episode(program, date(2026, 3, 2), primary_clinician=clinician)
    shared = b.episode(program, date(2026, 3, 3), primary_clinician=counselor)
    CareTeamMemberFactory(episode=shared, user=clinician)
    b.episode(program, date(2026, 3, 4), primary_clinician=counselor)
    everyone = b.scope(program, *MARCH)
    theirs = b.scope(program, *MARCH, clinician_id=clinician.pk)
    assert rows(selectors.census_summary(everyone)) == [(0, 3, 0, 3)]
    assert rows(selectors.census_summary(theirs)) == [(0, 2, 0, 2)]
    assert set(column(episode_list(theirs), "participant")) == {
        str(mine.participant.public_id),
        str(shared.participant.public_id),
    }


def test_track_and_site_filters(program, other_program, clinician):
    from openiop.scheduling.models import GroupEnrollment, ParticipantPreferences
    from openiop.scheduling.tests.factories import OfferingFactory, TrackFactory

    evening = TrackFactory(program=program, name="Evening")
    morning = TrackFactory(program=program, name="Morning")
    enrolled = b.episode(program, date(2026, 3, 2))
    prefers = b.episode(program, date(2026, 3, 3))
    b.episode(program, date(2026, 3, 4))  # no track
    offering = OfferingFactory(program=program, track=evening)
    GroupEnrollment.objects.create(
        offering=offering, episode=enrolled, starts_on=date(2026, 3, 2), created_by=clinician
    )
    ParticipantPreferences.objects.create(episode=prefers, preferred_track=evening)
    ParticipantPreferences.objects.create(
        episode=b.episode(program, date(2026, 3, 5)), preferred_track=morning
    )
    on_track = b.scope(program, *MARCH, track_id=evening.pk)
    assert rows(selectors.census_summary(on_track)) == [(0, 2, 0, 2)]
    on_site = b.scope(program, *MARCH, site_id=other_program.site_id)
    expected = 4 if other_program.site_id == program.site_id else 0
    assert rows(selectors.census_summary(on_site))[0][1] == expected


# ----------------------------------------------------------------------------- episode list


def test_episode_list_marks_identifying_columns_and_drops_them_when_deidentified(
    program, director, clinician
):
    person = b.episode(
        program,
        date(2026, 2, 1),
        date(2026, 3, 10),
        reason=DischargeReason.TRANSFERRED,
        author=director,
    )
    person.discharge.__class__.objects.filter(pk=person.discharge.pk).update(
        reason_detail="Moved to Riverbend Recovery"
    )
    b.attended(b.session(program, date(2026, 3, 2)), person, minutes=150, by=clinician)
    b.score(person, "phq9", 18, date(2026, 2, 2), by=clinician)
    b.score(person, "phq9", 9, date(2026, 3, 9), by=clinician)
    table = episode_list(b.scope(program, *MARCH))
    (row,) = table.rows
    values = dict(zip([c.key for c in table.columns], row, strict=True))
    assert (
        values["name"]
        == f"{person.participant.legal_last_name}, {person.participant.legal_first_name}"
    )
    assert values["reason_detail"] == "Moved to Riverbend Recovery"
    assert (values["stay"], values["hours"], values["phq9_first"], values["phq9_latest"]) == (
        37,
        2.5,
        18,
        9,
    )
    plain = table.deidentified()
    keys = {column.key for column in plain.columns}
    assert not keys & {"participant", "name", "mrn", "date_of_birth", "phone", "email"}
    assert "reason_detail" not in keys
    flat = " ".join(str(value) for value in plain.rows[0])
    for secret in (person.participant.legal_last_name, person.participant.mrn, "Riverbend"):
        assert secret not in flat


# ----------------------------------------------------------------------------- SQL and speed


@pytest.mark.parametrize(
    ("later", "earlier", "days"),
    [
        (date(2026, 3, 1), date(2026, 2, 28), 1),
        (date(2024, 3, 1), date(2024, 2, 28), 2),  # leap year
        (date(2026, 1, 1), date(2025, 12, 31), 1),
        (date(2026, 2, 1), date(2026, 3, 1), -28),
        (date(2026, 11, 2), date(2026, 10, 31), 2),  # across a change of clocks
    ],
)
def test_days_between_counts_whole_days_in_sql(program, later, earlier, days):
    from django.db.models import DateField, Value

    from openiop.participants.models import Episode
    from openiop.reports.dbfunctions import DaysBetween

    b.episode(program, date(2026, 1, 5))
    result = Episode.objects.annotate(
        days=DaysBetween(
            Value(later, output_field=DateField()), Value(earlier, output_field=DateField())
        )
    ).values_list("days", flat=True)
    assert list(result) == [days]


def _busy_episode(program, admitted, clinician, director, cup):
    person = b.episode(program, admitted, primary_clinician=clinician)
    for day in (2, 3, 4, 9, 10):
        b.attended(b.session(program, date(2026, 3, day)), person, by=clinician)
    b.score(person, "phq9", 15, admitted, by=clinician)
    b.score(person, "phq9", 9, date(2026, 3, 20), by=clinician)
    b.collect(b.order(person, cup, date(2026, 3, 3), by=clinician), by=clinician)
    b.progress_note(person, date(2026, 3, 3), by=clinician, signed_at=b.at(date(2026, 3, 3)))
    b.plan_version(person, 1, signed_at=b.at(date(2026, 3, 6)), by=clinician)
    return person


def test_the_dashboard_runs_the_same_queries_for_one_or_many_participants(
    program, clinician, director, django_assert_num_queries
):
    cup = b.panel(program)
    _busy_episode(program, date(2026, 2, 23), clinician, director, cup)
    scope = b.scope(program, date(2026, 1, 1), date(2026, 4, 30))
    with django_assert_num_queries(24):
        small = selectors.dashboard(scope)
    for _ in range(5):
        _busy_episode(program, date(2026, 2, 23), clinician, director, cup)
    with django_assert_num_queries(24):
        large = selectors.dashboard(scope)
    census_small, census_large = rows(small[0]), rows(large[0])
    assert census_small == [(0, 1, 0, 1)] and census_large == [(0, 6, 0, 6)]


def test_docs_list_every_definition():
    from pathlib import Path

    from django.conf import settings

    from openiop.reports.selectors._common import definition

    text = " ".join((Path(settings.BASE_DIR) / "docs" / "metrics.md").read_text().split())
    for selector in [*selectors.DASHBOARD.values(), clinician_report, episode_list]:
        assert definition(selector) in text, selector.__name__
