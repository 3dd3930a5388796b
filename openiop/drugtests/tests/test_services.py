"""Orders, collection, results, interpretation, policy follow-up and the random draw,
through the services, as a user of the pages would notice them."""

import datetime
import itertools
import random

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from openiop.audit.models import AuditAction, AuditEvent
from openiop.drugtests import services
from openiop.drugtests.models import (
    Collection,
    DrugTestAlert,
    RandomDraw,
    TestOrder,
    TestResult,
)
from openiop.drugtests.tests.helpers import buprenorphine, collected, screen
from openiop.participants.models import EpisodeStatus
from openiop.participants.tests.factories import EpisodeFactory
from openiop.plans.models import ReviewRequest

pytestmark = pytest.mark.django_db


def test_default_panels_are_seeded_once(program, director, panels):
    assert [p.name for p in panels] == [
        "12-panel urine cup + fentanyl + EtG",
        "Oral fluid",
        "Breathalyzer",
    ]
    assert panels[0].analytes.get(code="FEN").screen_cutoff == 1
    assert services.panels_seed_defaults(program=program, actor=director) == []


def test_a_for_cause_order_needs_its_cause(episode, clinician, urine_panel):
    with pytest.raises(ValidationError) as error:
        services.test_order(
            episode=episode,
            actor=clinician,
            panel=urine_panel,
            reason="for_cause",
            due_on=timezone.localdate(),
        )
    assert "cause" in error.value.message_dict
    assert not TestOrder.objects.exists()


def test_another_programs_panel_cannot_be_ordered(episode, clinician, other_program, director):
    other_panel = services.panels_seed_defaults(program=other_program, actor=director)[0]
    with pytest.raises(ValidationError):
        services.test_order(
            episode=episode,
            actor=clinician,
            panel=other_panel,
            reason="scheduled",
            due_on=timezone.localdate(),
        )


def test_a_refusal_is_recorded_as_such_never_as_a_result(episode, nurse, clinician, urine_panel):
    order = services.test_order(
        episode=episode,
        actor=clinician,
        panel=urine_panel,
        reason="scheduled",
        due_on=timezone.localdate(),
    )
    collection = services.collection_record(order=order, actor=nurse, outcome="refused")
    order.refresh_from_db()
    assert order.status == TestOrder.Status.REFUSED
    assert (collection.specimen_type, collection.validity) == ("", "")
    with pytest.raises(ValidationError, match="refusal or a no-show has no results"):
        screen(collection, nurse, COC="negative")
    assert not TestResult.objects.exists()
    # Supportive policy: the clinician is notified and a plan review requested.
    alert = DrugTestAlert.objects.get()
    assert (alert.kind, alert.reasons, alert.recipient) == (
        "notify_clinician",
        ["refusal"],
        episode.primary_clinician,
    )
    review = ReviewRequest.objects.get()
    assert review.source == ReviewRequest.Source.DRUG_TEST
    # Due within the program's window (72 hours by default), not the same day.
    assert review.due_on == timezone.localtime(alert.respond_by).date()
    assert review.due_on == timezone.localdate() + datetime.timedelta(days=3)


def test_a_no_show_sets_off_no_follow_up(episode, nurse, clinician, urine_panel):
    order = services.test_order(
        episode=episode,
        actor=clinician,
        panel=urine_panel,
        reason="scheduled",
        due_on=timezone.localdate(),
    )
    services.collection_record(order=order, actor=nurse, outcome="no_show")
    assert not DrugTestAlert.objects.exists()
    assert not ReviewRequest.objects.exists()


def test_a_collection_is_recorded_once(episode, nurse, urine_panel):
    collection = collected(episode, urine_panel, nurse)
    with pytest.raises(ValidationError, match="already recorded"):
        services.collection_record(order=collection.order, actor=nurse, outcome="no_show")


def test_urine_needs_its_temperature_and_a_send_out_its_accession(episode, nurse, urine_panel):
    order = services.test_order(
        episode=episode,
        actor=nurse,
        panel=urine_panel,
        reason="scheduled",
        due_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as error:
        services.collection_record(
            order=order,
            actor=nurse,
            outcome="collected",
            specimen_type="urine",
            validity="normal",
            is_sent_to_lab=True,
        )
    assert set(error.value.message_dict) == {"temperature_in_range", "accession_number"}
    order.refresh_from_db()
    assert order.status == TestOrder.Status.ORDERED
    assert not Collection.objects.exists()


def test_a_prescribed_substance_is_expected_and_others_are_not(episode, nurse, urine_panel):
    buprenorphine(episode, nurse)
    collection = collected(episode, urine_panel, nurse)
    screen(collection, nurse, BUP="positive", FEN="positive", COC="negative")
    marks = dict(TestResult.objects.values_list("analyte_code", "interpretation"))
    assert marks == {"BUP": "expected", "FEN": "unexpected", "COC": ""}
    reasons = DrugTestAlert.objects.get(kind="notify_clinician").reasons
    assert reasons == ["unexpected_positive"]


def test_a_stopped_prescription_no_longer_explains_a_positive(episode, nurse, urine_panel):
    medication = buprenorphine(episode, nurse)
    services.medication_stop(
        medication=medication,
        actor=nurse,
        ended_on=timezone.localdate() - datetime.timedelta(days=1),
        expected_version=medication.version,
    )
    collection = collected(episode, urine_panel, nurse)
    screen(collection, nurse, BUP="positive")
    assert TestResult.objects.get().interpretation == "unexpected"


def test_a_missing_expected_substance_is_flagged_without_a_plan_review(episode, nurse, urine_panel):
    buprenorphine(episode, nurse)
    collection = collected(episode, urine_panel, nurse)
    screen(collection, nurse, BUP="negative", COC="negative")
    collection.refresh_from_db()
    assert collection.missing_expected == ["BUP"]
    alert = DrugTestAlert.objects.get()
    assert (alert.kind, alert.reasons) == ("missing_expected", ["missing_expected"])
    assert not ReviewRequest.objects.exists()


def test_a_confirmation_supersedes_the_screen_and_both_stay(episode, nurse, urine_panel):
    collection = collected(episode, urine_panel, nurse, accession="A-1", sent=True)
    screen(collection, nurse, OXY="positive")
    first = TestResult.objects.get()
    assert first.interpretation == "unexpected"
    services.results_record(
        collection=collection,
        actor=nurse,
        method="confirmation",
        results=[{"code": "OXY", "outcome": "negative", "value": 12}],
    )
    first.refresh_from_db()
    confirmation = TestResult.objects.get(method="confirmation")
    assert first.superseded_by == confirmation
    assert (first.outcome, confirmation.outcome) == ("positive", "negative")
    assert confirmation.cutoff == 100  # the panel's confirmation cutoff
    assert confirmation.interpretation == ""


def test_the_same_screen_cannot_be_entered_twice(episode, nurse, urine_panel):
    collection = collected(episode, urine_panel, nurse)
    screen(collection, nurse, COC="negative")
    with pytest.raises(ValidationError, match="already recorded"):
        screen(collection, nurse, COC="positive")
    assert TestResult.objects.get().outcome == "negative"


def test_supportive_policy_notifies_and_requests_a_review_within_72_hours(
    episode, nurse, urine_panel
):
    with time_machine.travel(
        datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC), tick=False
    ):
        collection = collected(episode, urine_panel, nurse)
        screen(collection, nurse, COC="positive")
    alert = DrugTestAlert.objects.get()
    assert alert.kind == "notify_clinician"
    assert alert.respond_by == datetime.datetime(2026, 11, 5, 15, 0, tzinfo=datetime.UTC)
    assert alert.review_request.source == "drug_test"
    assert "72 hours" in alert.review_request.reason
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE  # never a discharge
    assert AuditEvent.objects.filter(action=AuditAction.DRUG_TEST_FOLLOW_UP).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_REVIEW_REQUESTED).count() == 1


def test_strict_policy_adds_a_flag_for_the_director(program, episode, nurse, director, urine_panel):
    services.testing_policy_update(
        program=program,
        actor=director,
        expected_version=None,
        follow_up="strict",
        random_tests_per_week=1,
        max_days_untested=14,
        draw_weekdays="0,1,2,3,4",
        review_window_hours=72,
    )
    collection = collected(episode, urine_panel, nurse, validity="adulterated")
    kinds = set(DrugTestAlert.objects.values_list("kind", flat=True))
    assert kinds == {"notify_clinician", "director_flag"}
    assert DrugTestAlert.objects.get(kind="director_flag").reasons == ["adulterated"]
    screen(collection, nurse, THC="positive")  # a second reason joins the same alerts
    assert DrugTestAlert.objects.count() == 2
    assert DrugTestAlert.objects.get(kind="director_flag").reasons == [
        "adulterated",
        "unexpected_positive",
    ]
    assert ReviewRequest.objects.count() == 1
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


def test_a_stale_policy_edit_conflicts(program, director):
    values = {
        "follow_up": "supportive",
        "random_tests_per_week": 1,
        "max_days_untested": 14,
        "draw_weekdays": "0,1,2,3,4",
        "review_window_hours": 72,
    }
    policy = services.testing_policy_update(
        program=program, actor=director, expected_version=None, **values
    )
    services.testing_policy_update(
        program=program, actor=director, expected_version=policy.version, **values
    )
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.testing_policy_update(
            program=program,
            actor=director,
            expected_version=policy.version,
            **{**values, "follow_up": "strict"},
        )
    policy.refresh_from_db()
    assert policy.follow_up == "supportive"


def test_bad_draw_days_are_refused(program, director):
    with pytest.raises(ValidationError) as error:
        services.testing_policy_update(
            program=program,
            actor=director,
            expected_version=None,
            follow_up="supportive",
            random_tests_per_week=1,
            max_days_untested=14,
            draw_weekdays="Monday",
            review_window_hours=72,
        )
    assert "draw_weekdays" in error.value.message_dict


def test_acknowledging_a_follow_up_closes_it_once(episode, nurse, clinician, urine_panel):
    collection = collected(episode, urine_panel, nurse)
    screen(collection, nurse, COC="positive")
    alert = DrugTestAlert.objects.get()
    services.alert_acknowledge(alert=alert, actor=clinician)
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.is_open) == (clinician, False)
    with pytest.raises(ValidationError):
        services.alert_acknowledge(alert=alert, actor=clinician)


# -- Random draw against the database --


@pytest.fixture
def cohort(program, urine_panel):
    episodes = [
        EpisodeFactory(
            program=program,
            active=True,
            referred_on=datetime.date(2026, 10, 1),
        )
        for _ in range(6)
    ]
    return episodes


def test_random_draws_over_weeks_hold_the_gap_and_are_audited(program, director, cohort):
    rng = random.Random(7)  # noqa: S311 (seeded for the test only)
    services.testing_policy_update(
        program=program,
        actor=director,
        expected_version=None,
        follow_up="supportive",
        random_tests_per_week=1,
        max_days_untested=7,
        draw_weekdays="0,1,2,3,4",
        review_window_hours=72,
    )
    day = datetime.date(2026, 11, 2)  # a Monday
    draws = 0
    while day < datetime.date(2026, 11, 30):
        if day.weekday() < 5:
            with time_machine.travel(datetime.datetime.combine(day, datetime.time(9, 0))):
                draw = services.random_draw_run(program=program, actor=director, rng=rng)
                draws += 1
                for order in draw.orders.all():
                    collected_at = timezone.now()
                    services.collection_record(
                        order=order,
                        actor=director,
                        outcome="collected",
                        collected_at=collected_at,
                        specimen_type="urine",
                        temperature_in_range=True,
                        validity="normal",
                    )
        day += datetime.timedelta(days=1)
    assert RandomDraw.objects.count() == draws == 20
    random_orders = TestOrder.objects.filter(reason="random")
    assert random_orders.exists()
    for episode in cohort:
        days = sorted(random_orders.filter(episode=episode).values_list("due_on", flat=True))
        assert days[0] == datetime.date(2026, 11, 2)  # untested since admission: due at once
        assert len(days) == len(set(days))
        assert all((b - a).days <= 7 for a, b in itertools.pairwise(days))
    draw_rows = AuditEvent.objects.filter(action=AuditAction.DRUG_TEST_RANDOM_DRAW)
    assert draw_rows.count() == 20
    assert {row.actor for row in draw_rows} == {director}
    order_rows = AuditEvent.objects.filter(
        action=AuditAction.DRUG_TEST_ORDERED, details__reason="random"
    )
    assert order_rows.count() == random_orders.count()


def test_a_draw_runs_once_a_day(program, director, cohort):
    with time_machine.travel(datetime.datetime(2026, 11, 3, 9, 0)):
        services.random_draw_run(program=program, actor=director, rng=random.Random(1))  # noqa: S311
        with pytest.raises(ValidationError, match="already been run"):
            services.random_draw_run(program=program, actor=director)
    assert RandomDraw.objects.count() == 1


def test_the_database_refuses_a_second_random_order_the_same_day(program, director, cohort):
    with time_machine.travel(datetime.datetime(2026, 11, 3, 9, 0)):
        draw = services.random_draw_run(
            program=program,
            actor=director,
            rng=random.Random(3),  # noqa: S311
        )
    order = draw.orders.first()  # admitted a month ago, untested: everyone is due
    assert order is not None
    with pytest.raises(IntegrityError):
        TestOrder.objects.create(
            participant=order.participant,
            episode=order.episode,
            panel=order.panel,
            reason="random",
            due_on=order.due_on,
            ordered_by=director,
            random_draw=draw,
        )


def test_the_episode_summary_counts_specimens_unexpected_positives_and_refusals(
    episode, nurse, urine_panel
):
    from openiop.drugtests.selectors import episode_summary

    assert episode_summary(episode).total == 0
    first = collected(episode, urine_panel, nurse)
    screen(first, nurse, COC="positive", THC="negative")
    second = collected(episode, urine_panel, nurse)
    screen(second, nurse, COC="negative")
    order = services.test_order(
        episode=episode,
        actor=nurse,
        panel=urine_panel,
        reason="scheduled",
        due_on=timezone.localdate(),
    )
    services.collection_record(order=order, actor=nurse, outcome="refused")
    summary = episode_summary(episode)
    assert (summary.total, summary.unexpected, summary.refused) == (2, 1, 1)
    assert summary.last_on == timezone.localdate()


def test_a_scheduled_test_repeats_weekly_and_a_for_cause_one_does_not(
    episode, clinician, urine_panel
):
    today = timezone.localdate()
    services.test_order(
        episode=episode,
        actor=clinician,
        panel=urine_panel,
        reason="scheduled",
        due_on=today,
        repeat_weeks=3,
    )
    days = list(TestOrder.objects.order_by("due_on").values_list("due_on", flat=True))
    assert days == [today + datetime.timedelta(weeks=week) for week in range(4)]
    with pytest.raises(ValidationError) as error:
        services.test_order(
            episode=episode,
            actor=clinician,
            panel=urine_panel,
            reason="for_cause",
            cause="Smelled of alcohol",
            due_on=today,
            repeat_weeks=2,
        )
    assert "repeat_weeks" in error.value.message_dict
    assert TestOrder.objects.count() == 4
    assert AuditEvent.objects.filter(action=AuditAction.DRUG_TEST_ORDERED).count() == 4


def test_one_analyte_twice_in_one_entry_is_refused_whole(episode, nurse, urine_panel):
    collection = collected(episode, urine_panel, nurse)
    with pytest.raises(ValidationError, match="already recorded"):
        services.results_record(
            collection=collection,
            actor=nurse,
            method="screen",
            results=[
                {"code": "COC", "outcome": "negative"},
                {"code": "coc", "outcome": "positive"},
            ],
        )
    assert not TestResult.objects.exists()


POLICY = {
    "follow_up": "supportive",
    "random_tests_per_week": 1,
    "max_days_untested": 14,
    "draw_weekdays": "0,1,2,3,4",
    "review_window_hours": 72,
}


def _referral(program):
    from openiop.participants.tests.factories import EpisodeFactory

    return EpisodeFactory(program=program, referred_on=timezone.localdate())


def _admit(referral, actor, clinician, on=None):
    from openiop.participants import services as participant_services

    return participant_services.episode_admit(
        actor=actor,
        episode=referral,
        version=referral.version,
        admitted_on=on or timezone.localdate(),
        primary_clinician=clinician,
    )


def test_admission_orders_the_programs_admission_test(program, director, clinician, urine_panel):
    services.testing_policy_update(
        program=program,
        actor=director,
        expected_version=None,
        admission_panel=urine_panel,
        **POLICY,
    )
    episode = _admit(_referral(program), director, clinician)
    order = TestOrder.objects.get(episode=episode)
    assert (order.panel, order.reason, order.due_on) == (
        urine_panel,
        TestOrder.Reason.SCHEDULED,
        timezone.localdate(),
    )
    assert order.ordered_by == director


def test_a_late_recorded_admission_orders_the_test_for_today(
    program, director, clinician, urine_panel
):
    services.testing_policy_update(
        program=program,
        actor=director,
        expected_version=None,
        admission_panel=urine_panel,
        **POLICY,
    )
    referral = _referral(program)
    referral.referred_on = timezone.localdate() - datetime.timedelta(days=5)
    referral.save()
    episode = _admit(referral, director, clinician, on=referral.referred_on)
    assert TestOrder.objects.get(episode=episode).due_on == timezone.localdate()


def test_no_admission_test_unless_the_program_asks(program, director, clinician, urine_panel):
    episode = _admit(_referral(program), director, clinician)
    assert not TestOrder.objects.filter(episode=episode).exists()


def test_the_admission_panel_must_be_the_programs_own(program, other_program, director):
    foreign = services.panels_seed_defaults(program=other_program, actor=director)[0]
    with pytest.raises(ValidationError) as error:
        services.testing_policy_update(
            program=program,
            actor=director,
            expected_version=None,
            admission_panel=foreign,
            **POLICY,
        )
    assert "admission_panel" in error.value.message_dict
