"""The figures whose queries were rewritten for speed, against small hand-computed fixtures:
negative drug tests (from the collection's result summary) and plan timeliness (the previous
signed version found by a window function). The arithmetic is in the comments."""

import datetime
from datetime import date

import pytest
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from openiop.drugtests.models import Collection, TestOrder, TestResult
from openiop.drugtests.services import collection_summaries_refresh
from openiop.plans.models import PlanPolicy
from openiop.reports import selectors
from openiop.reports.tests import builders as b

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
NEG = ("negative", "", "screen")


def by_reason(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def _supersede(collection, code, outcome, interpretation, by):
    """A laboratory confirmation replacing the screen of ``code``, written as builders write."""
    screen = collection.results.get(analyte_code=code)
    final = collection.results.create(
        participant=collection.participant,
        analyte_code=code,
        method="confirmation",
        outcome=outcome,
        interpretation=interpretation,
        recorded_by=by,
    )
    screen.superseded_by = final
    screen.save()


@pytest.fixture
def drug_tests(program, other_program, clinician):
    by = {"by": clinician}
    person = b.episode(program, date(2026, 2, 1))
    cup = b.panel(program)
    day = date(2026, 3, 10)

    def scheduled(**kwargs):
        return b.order(person, cup, day, **by, **kwargs)

    b.collect(scheduled(), results=[("THC", *NEG), ("COC", *NEG)], **by)  # negative
    b.collect(scheduled(), results=[("BUP", "positive", "expected", "screen")], **by)  # negative
    cocaine = b.collect(scheduled(), results=[("COC", "positive", "unexpected", "screen")], **by)
    _supersede(cocaine, "COC", "negative", "", clinician)  # the laboratory says negative
    fentanyl = b.collect(scheduled(), results=[("FEN", *NEG), ("THC", *NEG)], **by)
    _supersede(fentanyl, "FEN", "positive", "unexpected", clinician)  # the laboratory found it
    b.collect(scheduled(), results=[("THC", "invalid", "", "screen")], **by)
    b.collect(scheduled(), results=[("OXY", "positive", "", "screen"), ("THC", *NEG)], **by)
    b.collect(scheduled(), **by)  # collected, no results yet
    b.collect(scheduled(), outcome="refused", **by)
    b.collect(b.order(person, cup, day, reason="for_cause", **by), results=[("THC", *NEG)], **by)
    # Out of scope: after the range, and another program's negative test.
    b.collect(b.order(person, cup, date(2026, 4, 2), **by), results=[("THC", *NEG)], **by)
    elsewhere = b.episode(other_program, date(2026, 2, 1))
    b.collect(b.order(elsewhere, b.panel(other_program), day, **by), results=[("THC", *NEG)], **by)
    return b.scope(program, *MARCH)


# Scheduled: 8 planned, 7 done (the refusal is not), negative: the plain one, the expected
# buprenorphine and the cocaine the laboratory cleared = 3 of 7 (42.9 %); not the fentanyl the
# laboratory found, the invalid specimen, the positive not yet interpreted, nor the specimen
# without results. For cause: 1 of 1.
EXPECTED = {
    "Scheduled": (8, 7, 87.5, 42.9, 1, 0),
    "Random": (0, 0, None, None, 0, 0),
    "For cause": (1, 1, 100.0, 100.0, 0, 0),
    "All tests": (9, 8, 88.9, 50.0, 1, 0),
}


def test_negative_tests_follow_the_current_results(drug_tests):
    assert by_reason(selectors.drug_test_rates(drug_tests)) == EXPECTED


def test_negative_tests_agree_with_the_definition_read_from_the_results(drug_tests):
    """The summary kept on each collection against the definition worked out from the
    results themselves (the query the report ran before)."""
    unfavourable = TestResult.objects.filter(
        collection__order=OuterRef("pk"), superseded_by__isnull=True
    ).exclude(Q(outcome="negative") | Q(outcome="positive", interpretation="expected"))
    any_result = TestResult.objects.filter(collection__order=OuterRef("pk"))
    from_results = (
        TestOrder.objects.filter(status="collected", episode__program_id__in=drug_tests.program_ids)
        .filter(due_on__gte=drug_tests.start, due_on__lte=drug_tests.end)
        .filter(Exists(any_result))
        .exclude(Exists(unfavourable))
        .count()
    )
    table = by_reason(selectors.drug_test_rates(drug_tests))
    assert from_results == 4 == round(table["All tests"][3] * table["All tests"][1] / 100)


def test_summaries_written_around_save_are_rebuilt_by_the_refresh(drug_tests):
    Collection.objects.update(result_summary="")  # as a bulk insert leaves them
    assert by_reason(selectors.drug_test_rates(drug_tests))["All tests"][3] == 0.0
    collection_summaries_refresh()
    assert by_reason(selectors.drug_test_rates(drug_tests)) == EXPECTED


def _local(day: date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_a_review_is_timed_from_the_previous_signed_version_even_before_the_range(
    program, clinician
):
    by = {"by": clinician}
    first = b.episode(program, date(2026, 1, 20))
    b.plan_version(first, 1, signed_at=b.at(date(2026, 2, 20)), **by)  # before the range
    b.plan_version(first, 2, **by)  # a draft: not a previous version
    b.plan_version(first, 3, signed_at=b.at(date(2026, 3, 15)), **by)  # 23 days: on time
    b.plan_version(first, 4, signed_at=b.at(date(2026, 3, 30)), **by)  # 15 days: on time
    second = b.episode(program, date(2026, 1, 5))
    b.plan_version(second, 1, signed_at=b.at(date(2026, 1, 8)), **by)
    b.plan_version(second, 2, signed_at=b.at(date(2026, 3, 9)), **by)  # 60 days: late
    b.plan_version(second, 3, signed_at=b.at(date(2026, 4, 2)), **by)  # after the range
    table = selectors.plan_timeliness(b.scope(program, *MARCH, today=date(2026, 6, 1)))
    assert [row[:4] for row in table.rows] == [
        ("Initial plans", 0, 0, None),
        ("Reviews", 3, 2, 66.7),
    ]


def test_the_range_ends_at_local_midnight_and_each_program_keeps_its_policy(
    program, other_program, clinician
):
    PlanPolicy.objects.create(program=program, initial_plan_days=3, review_interval_days=14)
    by = {"by": clinician}
    # In the range by the local day, though 1 April in UTC: 4 days after admission, late
    # under this program's 3 days.
    late = b.episode(program, date(2026, 3, 27))
    b.plan_version(late, 1, signed_at=_local(date(2026, 3, 31), 23, 30), **by)
    # Signed at 00:10 on the first day: in; 3 days: on time. Its review 14 days later: on time.
    prompt = b.episode(program, date(2026, 2, 26))
    b.plan_version(prompt, 1, signed_at=_local(date(2026, 3, 1), 0, 10), **by)
    b.plan_version(prompt, 2, signed_at=_local(date(2026, 3, 15), 23, 50), **by)
    # 23:50 on the day before the range and 00:10 the day after: out.
    early = b.episode(program, date(2026, 2, 20))
    b.plan_version(early, 1, signed_at=_local(date(2026, 2, 28), 23, 50), **by)
    b.plan_version(early, 2, signed_at=_local(date(2026, 4, 1), 0, 10), **by)
    # Another program's (default 7 days) is not in this scope, and judged by its own policy.
    elsewhere = b.episode(other_program, date(2026, 3, 1))
    b.plan_version(elsewhere, 1, signed_at=b.at(date(2026, 3, 6)), **by)  # 5 days
    table = selectors.plan_timeliness(b.scope(program, *MARCH, today=date(2026, 6, 1)))
    assert [row[:4] for row in table.rows] == [
        ("Initial plans", 2, 1, 50.0),
        ("Reviews", 1, 1, 100.0),
    ]
    other = selectors.plan_timeliness(b.scope(other_program, *MARCH, today=date(2026, 6, 1)))
    assert [row[:4] for row in other.rows] == [
        ("Initial plans", 1, 1, 100.0),
        ("Reviews", 0, 0, None),
    ]


def test_first_and_latest_read_the_order_key_back(program, clinician):
    from openiop.reports.selectors._scores import EPOCH, current_scores, first_and_latest

    o = b.episode(program, date(2026, 1, 5))
    b.score(o, "phq9", 27, date(2026, 1, 6), by=clinician)
    b.score(o, "phq9", 0, date(2026, 1, 6), by=clinician)  # same day, entered second
    b.score(o, "phq9", 11, date(2026, 3, 2), by=clinician)
    b.score(o, "phq9", 9, date(2026, 3, 2), by=clinician)  # the latest: same day, entered last
    b.score(o, "gad7", 21, date(2026, 2, 1), by=clinician)  # measured once: first and latest

    rows = {
        row["instrument"]: row
        for row in first_and_latest(current_scores(["phq9", "gad7"])).order_by("instrument")
    }

    def day(n):
        return EPOCH + datetime.timedelta(days=n)

    phq9, gad7 = rows["phq9"], rows["gad7"]
    assert (phq9["first_total"], day(phq9["first_day"])) == (27, date(2026, 1, 6))
    assert (phq9["latest_total"], day(phq9["latest_day"])) == (9, date(2026, 3, 2))
    assert (gad7["first_total"], gad7["latest_total"]) == (21, 21)
    assert day(gad7["first_day"]) == day(gad7["latest_day"]) == date(2026, 2, 1)


def test_every_score_read_as_first_and_latest_fits_the_order_key():
    from openiop.assessments.instruments import get as instrument
    from openiop.assessments.instruments.change import MEANINGFUL_CHANGE
    from openiop.reports.selectors._scores import ROW
    from openiop.reports.selectors.episodes import SCORED

    for code in {*MEANINGFUL_CHANGE, *SCORED}:
        lowest, highest = instrument(code).total_range
        assert lowest >= 0 and highest < ROW, code
