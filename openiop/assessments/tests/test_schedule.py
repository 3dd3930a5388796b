"""The measurement schedule: what is due when, from controlled dates (pure, no database)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.assessments.schedule import (
    DEFAULT_SCHEDULE,
    TRAUMA_INDICATED,
    Given,
    ScheduleRule,
    due_measures,
    schedule_changes,
    schedule_from_data,
    schedule_to_data,
)

ADMITTED = date(2026, 11, 2)
ALL = {"phq9", "gad7", "bam7", "pcl5", "cssrs"}
FREE = ALL - {"cssrs"}  # a program that has not opted in to the C-SSRS


def due(today, history, offered=ALL):
    found = due_measures(admitted_on=ADMITTED, today=today, offered=offered, history=history)
    return {d.instrument: (d.due_on, d.reason) for d in found}


def test_at_admission_the_intake_measures_are_due_that_day():
    assert due(ADMITTED, {}) == {
        "phq9": (ADMITTED, "at intake"),
        "gad7": (ADMITTED, "at intake"),
        "pcl5": (ADMITTED, "at intake"),
        "cssrs": (ADMITTED, "at intake"),
        "bam7": (ADMITTED + timedelta(days=7), "first"),  # weekly, within the 7-day horizon
    }


def test_instruments_the_program_does_not_offer_are_never_due():
    assert "cssrs" not in due(ADMITTED, {}, offered=FREE)


def test_phq9_comes_back_every_two_weeks():
    history = {"phq9": [Given(date(2026, 11, 3))]}
    assert due(date(2026, 11, 9), history).get("phq9") is None  # due 11-17, beyond 7 days
    assert due(date(2026, 11, 10), history)["phq9"] == (date(2026, 11, 17), "every 14 days")
    overdue = due_measures(
        admitted_on=ADMITTED, today=date(2026, 11, 20), offered=ALL, history=history
    )
    assert next(d for d in overdue if d.instrument == "phq9").days_overdue(date(2026, 11, 20)) == 3


def test_pcl5_repeats_monthly_only_while_trauma_is_indicated():
    below = {"pcl5": [Given(date(2026, 11, 2), band="below_cutoff")]}
    above = {"pcl5": [Given(date(2026, 11, 2), band="probable_ptsd")]}
    provisional = {
        "pcl5": [
            Given(date(2026, 11, 2), band="below_cutoff", alerts=("ptsd_provisional_diagnosis",))
        ]
    }
    later = date(2026, 12, 1)
    assert "pcl5" not in due(later, below)
    assert due(later, above)["pcl5"] == (date(2026, 12, 2), "every 30 days")
    assert due(later, provisional)["pcl5"][0] == date(2026, 12, 2)


def test_phq9_item_9_puts_a_cssrs_on_the_list_at_once():
    cssrs_at_intake = [Given(ADMITTED)]
    flagged = [Given(date(2026, 11, 16), alerts=("suicide_risk",))]
    history = {"cssrs": cssrs_at_intake, "phq9": flagged}
    assert due(date(2026, 11, 16), history)["cssrs"] == (
        date(2026, 11, 16),
        "phq9 suicide_risk on 2026-11-16",
    )
    answered = {"cssrs": [*cssrs_at_intake, Given(date(2026, 11, 16))], "phq9": flagged}
    assert "cssrs" not in due(date(2026, 11, 16), answered)
    assert "cssrs" not in due(date(2026, 11, 16), history, offered=FREE)


dates = st.dates(min_value=ADMITTED, max_value=ADMITTED + timedelta(days=120))


@given(
    today=dates,
    history=st.dictionaries(
        st.sampled_from(sorted(ALL)),
        st.lists(dates, max_size=6).map(lambda days: [Given(d) for d in sorted(days)]),
    ),
    offered=st.sets(st.sampled_from(sorted(ALL))),
)
def test_due_list_properties(today, history, offered):
    found = due_measures(admitted_on=ADMITTED, today=today, offered=offered, history=history)
    codes = [d.instrument for d in found]
    assert len(codes) == len(set(codes))  # one entry per instrument
    assert set(codes) <= offered
    assert all(d.due_on <= today + timedelta(days=7) for d in found)
    assert [d.due_on for d in found] == sorted(d.due_on for d in found)
    # giving everything that is due today leaves nothing overdue
    done = {code: [*history.get(code, []), Given(today)] for code in ALL}
    after = due_measures(admitted_on=ADMITTED, today=today, offered=offered, history=done)
    assert all(d.due_on > today for d in after)


def test_the_default_schedule_names_real_instruments():
    from openiop.assessments import instruments

    assert {rule.instrument for rule in DEFAULT_SCHEDULE} <= set(instruments.INSTRUMENTS)


# A program's own schedule ------------------------------------------------------------------

NAMES = {"phq9": "PHQ-9", "gad7": "GAD-7", "pcl5": "PCL-5", "bam7": "BAM-IOP"}


def test_a_shorter_interval_brings_the_next_one_forward():
    weekly = (ScheduleRule("phq9", every_days=7),)
    history = {"phq9": [Given(date(2026, 11, 3))]}
    found = due_measures(
        admitted_on=ADMITTED,
        today=date(2026, 11, 4),
        offered=ALL,
        history=history,
        schedule=weekly,
        names=NAMES,
    )
    assert [(d.instrument, d.due_on, d.reason, d.name) for d in found] == [
        ("phq9", date(2026, 11, 10), "every 7 days", "PHQ-9")
    ]


def test_an_instrument_with_no_rule_is_never_due_even_if_offered():
    only_gad7 = (ScheduleRule("gad7", every_days=14),)
    found = due_measures(
        admitted_on=ADMITTED, today=ADMITTED, offered=ALL, history={}, schedule=only_gad7
    )
    assert [d.instrument for d in found] == ["gad7"]


def test_a_condition_also_holds_back_the_first_repeat_of_a_rule_without_intake():
    rule = (ScheduleRule("pcl5", at_intake=False, every_days=7, condition=TRAUMA_INDICATED),)
    not_indicated = due_measures(
        admitted_on=ADMITTED, today=ADMITTED, offered=ALL, history={}, schedule=rule
    )
    assert not_indicated == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"instrument": "phq9"}, "a schedule must be a list of rules"),
        ([{"instrument": "phq9", "at_intake": True}], "rule 1 is missing every_days"),
        (
            [{"instrument": "phq9", "at_intake": True, "every_days": 7, "often": 1}],
            "rule 1 has unknown keys: ['often']",
        ),
        (
            [{"instrument": "madrs", "at_intake": True, "every_days": 7}],
            "rule 1: 'madrs' is not an instrument this program offers",
        ),
        ([{"instrument": "phq9", "at_intake": "yes", "every_days": 7}], "PHQ-9: 'at intake'"),
        (
            [{"instrument": "phq9", "at_intake": True, "every_days": 0}],
            "PHQ-9: the interval must be between 1 and 365 days, not 0",
        ),
        (
            [{"instrument": "phq9", "at_intake": True, "every_days": 366}],
            "between 1 and 365 days, not 366",
        ),
        (
            [{"instrument": "phq9", "at_intake": True, "every_days": 7.5}],
            "PHQ-9: the interval must be a whole number of days, not 7.5",
        ),
        (
            [{"instrument": "phq9", "at_intake": True, "every_days": True}],
            "a whole number of days, not True",
        ),
        (
            [{"instrument": "phq9", "at_intake": True, "every_days": 7, "condition": "monthly"}],
            "PHQ-9: unknown condition 'monthly'",
        ),
        (
            [
                {
                    "instrument": "pcl5",
                    "at_intake": True,
                    "every_days": None,
                    "condition": "trauma_indicated",
                }
            ],
            "PCL-5: a condition applies to the repeats, so it needs an interval",
        ),
        (
            [
                {"instrument": "gad7", "at_intake": True, "every_days": 7},
                {"instrument": "gad7", "at_intake": False, "every_days": 14},
            ],
            "an instrument has more than one rule: gad7",
        ),
    ],
)
def test_a_bad_schedule_is_refused_naming_the_instrument(rows, message):
    with pytest.raises(ValueError) as error:
        schedule_from_data(rows, known=NAMES)
    assert message in str(error.value)


def test_the_default_schedule_survives_a_round_trip_through_its_data():
    data = schedule_to_data(DEFAULT_SCHEDULE)
    assert schedule_from_data(data, known=NAMES | {"cssrs": "C-SSRS"}) == DEFAULT_SCHEDULE


def test_changes_name_only_what_changed():
    after = (
        ScheduleRule("phq9", every_days=7),
        ScheduleRule("gad7", every_days=14),
        ScheduleRule("bam7", at_intake=False, every_days=7),
        ScheduleRule("pcl5", every_days=30, condition=TRAUMA_INDICATED),
    )
    assert schedule_changes(DEFAULT_SCHEDULE, after) == {
        "phq9": {"every_days": [14, 7]},
        "cssrs": {"at_intake": [True, False]},
    }
    assert schedule_changes(DEFAULT_SCHEDULE, DEFAULT_SCHEDULE) == {}


rules = st.builds(
    ScheduleRule,
    instrument=st.sampled_from(sorted(ALL)),
    at_intake=st.booleans(),
    every_days=st.none() | st.integers(min_value=1, max_value=365),
    condition=st.sampled_from(["always", TRAUMA_INDICATED]),
).filter(lambda rule: rule.condition == "always" or rule.every_days is not None)
schedules = st.lists(rules, max_size=5, unique_by=lambda rule: rule.instrument).map(tuple)


@given(
    schedule=schedules,
    today=dates,
    history=st.dictionaries(
        st.sampled_from(sorted(ALL)),
        st.lists(dates, max_size=4).map(lambda days: [Given(d) for d in sorted(days)]),
    ),
)
def test_any_valid_program_schedule_keeps_the_due_list_properties(schedule, today, history):
    assert schedule_from_data(schedule_to_data(schedule), known=dict.fromkeys(ALL)) == schedule
    found = due_measures(
        admitted_on=ADMITTED, today=today, offered=ALL, history=history, schedule=schedule
    )
    scheduled = {rule.instrument for rule in schedule} | {"cssrs"}  # + the safety follow-up
    assert {d.instrument for d in found} <= scheduled
    assert len(found) == len({d.instrument for d in found})
    assert all(d.due_on <= today + timedelta(days=7) for d in found)
    done = {code: [*history.get(code, []), Given(today)] for code in ALL}
    after = due_measures(
        admitted_on=ADMITTED, today=today, offered=ALL, history=done, schedule=schedule
    )
    assert all(d.due_on > today for d in after)
