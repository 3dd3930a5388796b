"""Plan workflow through the services: start, fill, sign, co-sign, review, review requests."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openiop.audit.models import AuditAction, AuditEvent
from openiop.plans import selectors, services
from openiop.plans.models import AgreementMethod, PlanObjective, PlanVersion, ReviewRequest
from openiop.plans.tests.helpers import fill, sign, signed_plan

pytestmark = pytest.mark.django_db


def test_an_empty_draft_cannot_be_signed_and_says_what_is_missing(episode, clinician):
    version = services.plan_start(episode=episode, actor=clinician)
    with pytest.raises(ValidationError) as error:
        sign(version, clinician)
    assert "Add at least one problem." in error.value.messages
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.DRAFT


def test_a_problem_without_goal_or_intervention_is_named(episode, clinician):
    version = services.plan_start(episode=episode, actor=clinician)
    services.plan_part_save(
        version=version,
        actor=clinician,
        kind="problem",
        values={"dimension": 3, "statement": "Panic attacks at work"},
    )
    problems = services.sign_problems(version)
    assert "Problem “Panic attacks at work” needs a long-term goal." in problems
    assert "Problem “Panic attacks at work” needs an intervention." in problems


def test_signing_records_agreement_signature_and_makes_it_the_plan_in_force(episode, clinician):
    version = signed_plan(episode, clinician)
    assert version.status == PlanVersion.Status.SIGNED
    assert version.signed_by == clinician and version.agreement_method == "signed"
    assert version.cosigner is None
    assert selectors.current_version(episode) == version
    assert [o.description for o in selectors.current_objectives(episode)] == [
        "Attend 3 groups a week for 4 weeks"
    ]
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_SIGNED, actor=clinician).count() == 1


def test_declining_to_sign_needs_a_reason(episode, clinician):
    version = services.plan_start(episode=episode, actor=clinician)
    fill(version, clinician)
    with pytest.raises(ValidationError) as error:
        sign(version, clinician, agreement_method=AgreementMethod.DECLINED)
    assert "Say why the participant declined to sign." in error.value.messages
    signed = sign(
        version,
        clinician,
        agreement_method=AgreementMethod.DECLINED,
        agreement_note="Wants to think it over; agreed verbally to the goals",
    )
    assert signed.is_signed


def test_a_future_agreement_date_is_refused(episode, clinician):
    version = services.plan_start(episode=episode, actor=clinician)
    fill(version, clinician)
    with pytest.raises(ValidationError) as error:
        sign(version, clinician, agreement_on=datetime.date.today() + datetime.timedelta(days=1))
    assert "The agreement date cannot be in the future." in error.value.messages


def test_a_counselor_plan_waits_for_the_supervisor_who_alone_can_cosign(
    episode, counselor, clinician, director
):
    version = signed_plan(episode, counselor)
    assert version.cosigner == clinician
    assert list(selectors.awaiting_cosignature(clinician)) == [version]
    with pytest.raises(PermissionDenied):
        services.plan_cosign(version=version, actor=director)
    services.plan_cosign(version=version, actor=clinician)
    assert list(selectors.awaiting_cosignature(clinician)) == []
    with pytest.raises(ValidationError):
        services.plan_cosign(version=version, actor=clinician)


def test_a_review_copies_the_plan_and_needs_progress_and_a_summary(episode, clinician):
    first = signed_plan(episode, clinician)
    review = services.plan_start(episode=episode, actor=clinician)
    assert (review.number, review.kind) == (2, PlanVersion.Kind.REVIEW)
    copied = PlanObjective.objects.get(plan_version=review)
    original = PlanObjective.objects.get(plan_version=first)
    assert copied.lineage == original.lineage and copied.pk != original.pk
    problems = services.sign_problems(review)
    assert "A review says what changed and why." in problems
    assert "Record progress on the objective “Attend 3 groups a week for 4 weeks”." in problems

    services.plan_part_save(
        version=review,
        actor=clinician,
        kind="objective",
        part=copied,
        expected_version=copied.version,
        values={"status": "met", "progress": "Attended 12 of 12 groups"},
    )
    review.refresh_from_db()
    services.plan_version_update(
        version=review,
        actor=clinician,
        expected_version=review.version,
        strengths="",
        review_summary="Attendance objective met; next: sponsor",
    )
    signed = sign(review, clinician)
    assert selectors.current_version(episode) == signed
    # the first version is still readable, unchanged
    original.refresh_from_db()
    assert (original.status, original.progress) == ("in_progress", "")


def test_starting_twice_returns_the_same_draft(episode, clinician):
    first = services.plan_start(episode=episode, actor=clinician)
    assert services.plan_start(episode=episode, actor=clinician) == first


def test_a_plan_needs_an_active_episode(program, clinician):
    from openiop.participants.tests.factories import EpisodeFactory

    referred = EpisodeFactory(program=program)
    with pytest.raises(ValidationError):
        services.plan_start(episode=referred, actor=clinician)


def test_a_stale_edit_of_a_part_conflicts_instead_of_overwriting(episode, clinician, director):
    version = services.plan_start(episode=episode, actor=clinician)
    problem = fill(version, clinician)
    seen = problem.version
    services.plan_part_save(
        version=version,
        actor=director,
        kind="problem",
        part=problem,
        expected_version=seen,
        values={"statement": "Director's wording"},
    )
    with pytest.raises(ValidationError) as error:
        services.plan_part_save(
            version=version,
            actor=clinician,
            kind="problem",
            part=problem,
            expected_version=seen,
            values={"statement": "Clinician's wording"},
        )
    assert error.value.code == "conflict"
    problem.refresh_from_db()
    assert problem.statement == "Director's wording"


def test_the_responsible_staff_member_must_work_in_the_program(episode, clinician, other_clinician):
    version = services.plan_start(episode=episode, actor=clinician)
    problem = fill(version, clinician)
    with pytest.raises(ValidationError) as error:
        services.plan_part_save(
            version=version,
            actor=clinician,
            kind="intervention",
            values={
                "problem": problem,
                "modality": "cbt",
                "frequency": "weekly",
                "responsible": other_clinician,
            },
        )
    assert "The responsible staff member must work in this program." in error.value.messages


def test_the_initial_draft_starts_from_the_assessment(episode, clinician):
    from openiop.assessments import services as assessment_services

    assessment_services.dimensional_assessment_record(
        actor=clinician,
        participant=episode.participant,
        episode=episode,
        assessed_on=datetime.date.today(),
        ratings={1: 0, 2: 1, 3: 2, 4: 3, 5: 1, 6: 0},
        narratives={3: "Depression, untreated", 4: "Daily alcohol use"},
        chosen_level="2.1",
        justification="Clinician judgement",
    )
    version = services.plan_start(episode=episode, actor=clinician)
    problems = list(version.problems.order_by("dimension"))
    assert [(p.dimension, p.statement) for p in problems] == [
        (3, "Depression, untreated"),
        (4, "Daily alcohol use"),
    ]
    assert all(p.assessment is not None for p in problems)


def test_review_requests_are_resolved_by_the_next_signed_version(episode, clinician):
    signed_plan(episode, clinician)
    request = services.plan_review_request(
        episode=episode, reason="Positive fentanyl screen", source="drug_test"
    )
    event = AuditEvent.objects.get(action=AuditAction.PLAN_REVIEW_REQUESTED)
    assert event.actor is None and event.participant == episode.participant
    review = services.plan_start(episode=episode, actor=clinician)
    objective = PlanObjective.objects.get(plan_version=review)
    services.plan_part_save(
        version=review,
        actor=clinician,
        kind="objective",
        part=objective,
        expected_version=objective.version,
        values={"progress": "Lapse after a funeral; added a craving plan"},
    )
    review.refresh_from_db()
    services.plan_version_update(
        version=review,
        actor=clinician,
        expected_version=review.version,
        strengths="",
        review_summary="Added craving management after the lapse",
    )
    signed = sign(review, clinician)
    request.refresh_from_db()
    assert request.resolved_by == signed


def test_an_early_review_is_due_within_the_window_the_event_allows(episode, clinician):
    from django.utils import timezone

    signed_plan(episode, clinician)
    today = timezone.localdate()
    services.plan_review_request(
        episode=episode,
        reason="Positive fentanyl screen",
        source="drug_test",
        due_on=today + datetime.timedelta(days=3),
    )
    services.plan_review_request(episode=episode, reason="Asked by the supervisor")
    early = sorted(
        (item.due_on, item.reason)
        for item in selectors.episode_due(episode, today)
        if item.kind == "early_review"
    )
    assert early == [
        (today, "Asked by the supervisor"),
        (today + datetime.timedelta(days=3), "Positive fentanyl screen"),
    ]
    with pytest.raises(ValidationError):
        services.plan_review_request(
            episode=episode, reason="Late", due_on=today - datetime.timedelta(days=1)
        )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_review_request_needs_a_reason(episode, reason):
    with pytest.raises(ValidationError):
        services.plan_review_request(episode=episode, reason=reason)
    assert not ReviewRequest.objects.exists()


def test_an_urgent_risk_alert_requests_an_early_review_once(episode, clinician, participant):
    from openiop.assessments.services import administration_submit

    signed_plan(episode, clinician)
    for _ in range(2):
        administration_submit(
            actor=clinician,
            participant=participant,
            episode=episode,
            instrument="phq9",
            answers=[1, 1, 1, 1, 1, 1, 1, 1, 2],
            administered_on=datetime.date.today(),
        )
    request = ReviewRequest.objects.get()
    assert (request.source, request.requested_by) == ("risk_alert", None)
    assert "Suicide risk" in request.reason
    due = selectors.episode_due(episode, datetime.date.today())
    assert [d.kind for d in due] == ["review", "early_review"]


def test_a_measure_without_an_alert_requests_nothing(episode, clinician, participant):
    from openiop.assessments.services import administration_submit

    administration_submit(
        actor=clinician,
        participant=participant,
        episode=episode,
        instrument="phq9",
        answers=[0] * 9,
        administered_on=datetime.date.today(),
    )
    assert not ReviewRequest.objects.exists()
