"""The measurement schedule: what is due when, from controlled dates (pure, no database)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from openiop.assessments.schedule import DEFAULT_SCHEDULE, Given, due_measures

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
