"""A collection's results in one word (``Collection.result_summary``), as the reports count
negative tests: kept right by every way results are written, and filled for collections
recorded before it existed."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from openiop.drugtests import services
from openiop.drugtests.models import Collection, ResultSummary, TestResult
from openiop.drugtests.tests.conftest import hl7_message
from openiop.drugtests.tests.helpers import buprenorphine, collected, screen

pytestmark = pytest.mark.django_db

NEGATIVE, UNFAVOURABLE, NONE = (
    ResultSummary.NEGATIVE,
    ResultSummary.UNFAVOURABLE,
    ResultSummary.NONE,
)


def summary(collection) -> str:
    collection.refresh_from_db()
    return collection.result_summary


def test_a_collection_without_results_has_no_summary(episode, nurse, urine_panel):
    assert summary(collected(episode, urine_panel, nurse)) == NONE


def test_a_refusal_has_no_summary(episode, nurse, urine_panel):
    order = services.test_order(
        episode=episode,
        actor=nurse,
        panel=urine_panel,
        reason="scheduled",
        due_on=timezone.localdate(),
    )
    refusal = services.collection_record(order=order, actor=nurse, outcome="refused")
    assert summary(refusal) == NONE


def test_a_negative_screen_is_negative(episode, nurse, urine_panel):
    collection = collected(episode, urine_panel, nurse)
    screen(collection, nurse, THC="negative", COC="negative")
    assert summary(collection) == NEGATIVE


def test_an_unexpected_positive_screen_then_a_negative_confirmation_is_negative(
    episode, nurse, urine_panel
):
    collection = collected(episode, urine_panel, nurse, accession="A-1", sent=True)
    screen(collection, nurse, OXY="positive", THC="negative")
    assert summary(collection) == UNFAVOURABLE
    services.results_record(
        collection=collection,
        actor=nurse,
        method="confirmation",
        results=[{"code": "OXY", "outcome": "negative"}],
    )
    # The screen is kept, superseded: the confirmation speaks for oxycodone now.
    assert TestResult.objects.get(method="screen", analyte_code="OXY").superseded_by_id
    assert summary(collection) == NEGATIVE


def test_a_negative_screen_then_a_positive_confirmation_is_unfavourable(
    episode, nurse, urine_panel
):
    collection = collected(episode, urine_panel, nurse, accession="A-2", sent=True)
    screen(collection, nurse, FEN="negative")
    assert summary(collection) == NEGATIVE
    services.results_record(
        collection=collection,
        actor=nurse,
        method="confirmation",
        results=[{"code": "FEN", "outcome": "positive"}],
    )
    assert summary(collection) == UNFAVOURABLE


def test_a_positive_expected_from_a_prescription_is_negative(episode, nurse, urine_panel):
    buprenorphine(episode, nurse)
    collection = collected(episode, urine_panel, nurse)
    screen(collection, nurse, BUP="positive", COC="negative")
    assert TestResult.objects.get(analyte_code="BUP").interpretation == "expected"
    assert summary(collection) == NEGATIVE


def test_the_same_positive_without_a_prescription_is_unfavourable(episode, nurse, urine_panel):
    collection = collected(episode, urine_panel, nurse)
    screen(collection, nurse, BUP="positive", COC="negative")
    assert summary(collection) == UNFAVOURABLE


def test_an_invalid_result_is_unfavourable(episode, nurse, urine_panel):
    collection = collected(episode, urine_panel, nurse)
    screen(collection, nurse, THC="invalid", COC="negative")
    assert summary(collection) == UNFAVOURABLE


def test_a_laboratory_message_turns_a_negative_screen_unfavourable(
    episode, nurse, urine_panel, participant
):
    collection = collected(episode, urine_panel, nurse, accession="ACC-1", sent=True)
    buprenorphine(episode, nurse)
    screen(collection, nurse, BUP="positive", FEN="negative", COC="negative")
    assert summary(collection) == NEGATIVE
    raw = hl7_message("northlab_cr.hl7", MRN=participant.mrn, ACC="ACC-1")
    message, _created = services.lab_import(raw=raw, actor=nurse)
    assert message.collection == collection
    # The laboratory found fentanyl (unexpected); buprenorphine stays expected.
    assert summary(collection) == UNFAVOURABLE


def test_a_laboratory_message_attached_by_hand_sets_the_summary(
    episode, nurse, urine_panel, participant
):
    at = timezone.make_aware(datetime.datetime(2026, 11, 18, 9, 0))
    collection = collected(episode, urine_panel, nurse, at=at)
    raw = hl7_message("southpath_lf.hl7", MRN=participant.mrn, ACC="NOT-OURS")
    message, _created = services.lab_import(raw=raw, actor=nurse)
    assert message.is_open and summary(collection) == NONE
    services.lab_message_attach(message=message, collection=collection, actor=nurse)
    # The message's alcohol metabolite is positive, with no prescription to explain it.
    assert summary(collection) == UNFAVOURABLE


@pytest.fixture
def four_collections(episode, nurse, urine_panel):
    """Negative, unfavourable, expected positive (negative), and no results yet."""
    negative = collected(episode, urine_panel, nurse)
    screen(negative, nurse, THC="negative")
    positive = collected(episode, urine_panel, nurse)
    screen(positive, nurse, COC="positive")
    buprenorphine(episode, nurse)
    expected = collected(episode, urine_panel, nurse)
    screen(expected, nurse, BUP="positive")
    empty = collected(episode, urine_panel, nurse)
    return {negative: NEGATIVE, positive: UNFAVOURABLE, expected: NEGATIVE, empty: NONE}


def _summaries() -> dict[int, str]:
    return dict(Collection.objects.values_list("pk", "result_summary"))


def test_the_refresh_recomputes_every_collection_in_one_query(
    four_collections, django_assert_num_queries
):
    expected = {collection.pk: word for collection, word in four_collections.items()}
    assert _summaries() == expected
    Collection.objects.update(result_summary=UNFAVOURABLE)  # as a bulk writer leaves them
    with django_assert_num_queries(1):
        assert services.collection_summaries_refresh() == 4
    assert _summaries() == expected


def test_the_refresh_of_some_collections_leaves_the_others(four_collections):
    Collection.objects.update(result_summary=UNFAVOURABLE)
    first = next(iter(four_collections))
    assert services.collection_summaries_refresh(Collection.objects.filter(pk=first.pk)) == 1
    others = {c.pk: UNFAVOURABLE for c in four_collections if c != first}
    assert _summaries() == {first.pk: NEGATIVE, **others}


def test_the_migration_fills_collections_recorded_before_the_summary(four_collections):
    expected = {collection.pk: word for collection, word in four_collections.items()}
    Collection.objects.update(result_summary=NONE)  # as the new column starts
    migration = importlib.import_module(
        "openiop.drugtests.migrations.0005_fill_collection_result_summary"
    )
    assert migration.fill(apps) == 4
    assert _summaries() == expected
    migration.empty(apps)
    assert set(_summaries().values()) == {NONE}
