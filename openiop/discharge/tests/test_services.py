"""Phase and level-of-care decisions, transfers, discharge and its summary, aftercare,
follow-ups and alumni, through the services (dates controlled: see conftest)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from openiop.audit.models import AuditAction, AuditEvent
from openiop.discharge import selectors, services
from openiop.discharge.models import (
    AftercarePlan,
    Discharge,
    DischargeSettings,
    FollowUpContact,
    LevelOfCareChange,
    PhaseChange,
)
from openiop.discharge.tests.conftest import ADMITTED, TODAY
from openiop.discharge.tests.helpers import assessment, attendance
from openiop.participants.models import Episode, EpisodeStatus
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory
from openiop.plans.tests.helpers import signed_plan
from openiop.programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _phase(program, order):
    return program.phases.get(order=order)


# ----------------------------------------------------------------------------- phases


def test_a_phase_change_is_a_recorded_decision_with_reason_and_actor(admitted, clinician, program):
    change = services.phase_change(
        actor=clinician,
        episode=admitted,
        version=admitted.version,
        to_phase=_phase(program, 2),
        reason="Four weeks of full attendance, cravings down",
        decided_on=D(2026, 3, 16),
    )
    admitted.refresh_from_db()
    assert admitted.current_phase == _phase(program, 2)
    assert (change.from_phase, change.to_phase, change.decided_by) == (
        _phase(program, 1),
        _phase(program, 2),
        clinician,
    )
    assert change.reason == "Four weeks of full attendance, cravings down"
    event = AuditEvent.objects.get(action=AuditAction.PHASE_CHANGED)
    assert (event.actor, event.participant) == (clinician, admitted.participant)
    assert selectors.phase_started_on(admitted) == D(2026, 3, 16)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": "  "}, "Give the reason for the decision."),
        ({"order": 1}, "The participant is already in this phase."),
        ({"decided_on": D(2026, 3, 19)}, "This date cannot be in the future."),
        ({"decided_on": D(2026, 2, 1)}, "This date cannot be before the admission on 2026-02-02."),
    ],
)
def test_a_bad_phase_change_is_refused_and_changes_nothing(
    admitted, clinician, program, changes, message
):
    with pytest.raises(ValidationError) as error:
        services.phase_change(
            actor=clinician,
            episode=admitted,
            version=admitted.version,
            to_phase=_phase(program, changes.get("order", 2)),
            reason=changes.get("reason", "Ready"),
            decided_on=changes.get("decided_on", TODAY),
        )
    assert message in error.value.messages
    admitted.refresh_from_db()
    assert admitted.current_phase == _phase(program, 1)
    assert not PhaseChange.objects.exists()


def test_a_stale_phase_change_conflicts(admitted, clinician, program):
    stale = admitted.version
    services.phase_change(
        actor=clinician,
        episode=admitted,
        version=stale,
        to_phase=_phase(program, 2),
        reason="Ready",
        decided_on=TODAY,
    )
    with pytest.raises(ValidationError) as error:
        services.phase_change(
            actor=clinician,
            episode=admitted,
            version=stale,
            to_phase=_phase(program, 1),
            reason="Relapse",
            decided_on=TODAY,
        )
    assert error.value.code == "conflict"
    assert PhaseChange.objects.count() == 1


# ----------------------------------------------------------------------------- levels


def test_a_level_change_cannot_be_recorded_without_an_assessment(admitted, clinician):
    with pytest.raises(ValidationError) as error:
        services.level_of_care_change(
            actor=clinician,
            episode=admitted,
            version=admitted.version,
            to_level="1.0",
            assessment=None,
            reason="Goals met",
            decided_on=TODAY,
        )
    assert "A level-of-care change needs the assessment behind it." in error.value.messages
    assert not LevelOfCareChange.objects.exists()


def test_the_database_refuses_a_level_change_without_an_assessment(admitted, clinician):
    with pytest.raises(IntegrityError), transaction.atomic():
        LevelOfCareChange.objects.create(
            episode=admitted,
            participant=admitted.participant,
            from_level="2.1",
            to_level="1.0",
            assessment_id=None,
            reason="Goals met",
            decided_on=TODAY,
            decided_by=clinician,
        )


def test_an_assessment_from_another_episode_is_refused(admitted, clinician, program):
    other = EpisodeFactory(program=ProgramFactory(site=program.site), active=True)
    foreign = assessment(other, clinician, TODAY)
    with pytest.raises(ValidationError) as error:
        services.level_of_care_change(
            actor=clinician,
            episode=admitted,
            version=admitted.version,
            to_level="1.0",
            assessment=foreign,
            reason="Goals met",
            decided_on=TODAY,
        )
    assert "Choose an assessment from this participant's episode." in error.value.messages


def test_a_step_down_decision_points_at_its_assessment(admitted, clinician):
    behind = assessment(admitted, clinician, D(2026, 3, 16))
    change = services.level_of_care_change(
        actor=clinician,
        episode=admitted,
        version=admitted.version,
        to_level="1.0",
        assessment=behind,
        reason="Dimensions 3-5 rated 1; stable housing",
        decided_on=TODAY,
        provider="Community clinic OP",
    )
    assert (change.assessment, change.from_level, change.to_level) == (behind, "2.1", "1.0")
    assert change.direction == "down" and change.decided_by == clinician
    admitted.refresh_from_db()
    assert admitted.status == EpisodeStatus.ACTIVE  # a decision; no transfer asked for
    assert [d.kind for d in selectors.decision_history(admitted)] == ["level"]


def test_a_step_down_to_a_program_of_the_site_transfers_at_once(admitted, clinician, outpatient):
    behind = assessment(admitted, clinician, TODAY)
    change = services.level_of_care_change(
        actor=clinician,
        episode=admitted,
        version=admitted.version,
        to_level="1.0",
        assessment=behind,
        reason="Ready for weekly OP",
        decided_on=TODAY,
        target_program=outpatient,
    )
    admitted.refresh_from_db()
    assert (admitted.status, admitted.discharged_on) == (EpisodeStatus.DISCHARGED, TODAY)
    assert admitted.discharge.reason == "transferred"
    new = change.target_episode
    assert (new.program, new.status, new.admitted_on) == (outpatient, EpisodeStatus.ACTIVE, TODAY)
    assert new.primary_clinician == clinician and new.participant == admitted.participant
    assert AuditEvent.objects.filter(action=AuditAction.EPISODE_TRANSFERRED).exists()


def test_a_transfer_that_cannot_finish_leaves_nothing_behind(admitted, clinician, program):
    elsewhere = ProgramFactory(name="OP nobody works in", site=program.site, level_of_care="1.0")
    with pytest.raises(ValidationError) as error:
        services.level_of_care_change(
            actor=clinician,
            episode=admitted,
            version=admitted.version,
            to_level="1.0",
            assessment=assessment(admitted, clinician, TODAY),
            reason="Ready",
            decided_on=TODAY,
            target_program=elsewhere,
        )
    assert "Neither you nor the primary clinician works in that program." in error.value.messages
    admitted.refresh_from_db()
    assert admitted.status == EpisodeStatus.ACTIVE
    assert not Discharge.objects.exists() and not LevelOfCareChange.objects.exists()
    assert not Episode.objects.filter(program=elsewhere).exists()


def test_a_transfer_goes_only_to_the_same_site_at_the_new_level(admitted, clinician, outpatient):
    with pytest.raises(ValidationError) as error:
        services.level_of_care_change(
            actor=clinician,
            episode=admitted,
            version=admitted.version,
            to_level="2.5",
            assessment=assessment(admitted, clinician, TODAY, level="2.5"),
            reason="Worsening",
            decided_on=TODAY,
            target_program=outpatient,
        )
    assert "Transfers go to an active program of this site at the new level." in (
        error.value.messages
    )


def test_a_transfer_out_to_a_higher_level_discharges_as_transferred(admitted, clinician):
    change = services.level_of_care_change(
        actor=clinician,
        episode=admitted,
        version=admitted.version,
        to_level="3.x",
        assessment=assessment(admitted, clinician, TODAY, level="3.x"),
        reason="Daily use, withdrawal risk",
        decided_on=TODAY,
        provider="Riverside Residential",
        discharge_now=True,
    )
    assert change.direction == "up"
    admitted.refresh_from_db()
    assert admitted.status == EpisodeStatus.DISCHARGED
    assert (admitted.discharge.reason, admitted.discharge.reason_detail) == (
        "transferred",
        "Riverside Residential",
    )


# ----------------------------------------------------------------------------- discharge


def _discharge(episode, actor, **changes):
    values = {"discharged_on": TODAY, "reason": "completed", **changes}
    return services.episode_discharge(
        actor=actor, episode=episode, version=episode.version, **values
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"discharged_on": D(2026, 2, 1)}, "before the admission on 2026-02-02"),
        ({"discharged_on": D(2026, 3, 19)}, "The discharge date cannot be in the future."),
        ({"reason": ""}, "Choose the reason for discharge."),
        ({"reason": "graduated"}, "Choose the reason for discharge."),
    ],
)
def test_discharge_validation(admitted, clinician, changes, message):
    with pytest.raises(ValidationError) as error:
        _discharge(admitted, clinician, **changes)
    assert any(message in text for text in error.value.messages)
    admitted.refresh_from_db()
    assert admitted.status == EpisodeStatus.ACTIVE and admitted.discharged_on is None
    assert not Discharge.objects.exists()


def test_discharging_closes_the_episode_with_its_date(admitted, clinician):
    record = _discharge(admitted, clinician, discharged_on=D(2026, 3, 16), reason="left")
    admitted.refresh_from_db()
    assert (admitted.status, admitted.discharged_on) == (EpisodeStatus.DISCHARGED, D(2026, 3, 16))
    assert (record.status, record.teds_code, record.author) == ("draft", 2, clinician)
    with pytest.raises(ValidationError):
        _discharge(admitted, clinician)  # already discharged


def test_a_discharged_episode_is_closed_to_new_services(admitted, clinician, program):
    from openiop.notes import services as note_services
    from openiop.plans import services as plan_services
    from openiop.scheduling import services as schedule_services
    from openiop.scheduling.tests.factories import OfferingFactory, TrackFactory

    _discharge(admitted, clinician)
    admitted.refresh_from_db()
    with pytest.raises(ValidationError):
        plan_services.plan_start(episode=admitted, actor=clinician)
    with pytest.raises(ValidationError):
        note_services.progress_note_create(
            actor=clinician, participant=admitted.participant, episode=admitted, format="dap"
        )
    offering = OfferingFactory(track=TrackFactory(program=program))
    with pytest.raises(ValidationError):
        schedule_services.group_join(
            offering=offering, episode=admitted, starts_on=TODAY, actor=clinician
        )


def test_discharge_takes_the_participant_out_of_their_groups(admitted, clinician, program):
    from openiop.scheduling import services as schedule_services
    from openiop.scheduling.models import GroupEnrollment
    from openiop.scheduling.tests.factories import OfferingFactory, TrackFactory

    offering = OfferingFactory(track=TrackFactory(program=program))
    schedule_services.group_join(
        offering=offering, episode=admitted, starts_on=ADMITTED, actor=clinician
    )
    _discharge(admitted, clinician, discharged_on=D(2026, 3, 16))
    assert GroupEnrollment.objects.get(episode=admitted).ends_on == D(2026, 3, 16)


def test_summary_figures_from_controlled_data(admitted, clinician):
    from openiop.assessments import services as assessment_services

    attendance(admitted, clinician, D(2026, 2, 2), "present", 180)
    attendance(admitted, clinician, D(2026, 2, 3), "late", 150)
    attendance(admitted, clinician, D(2026, 2, 5), "absent_unexcused", 0)
    attendance(admitted, clinician, D(2026, 2, 6), "present", 60, kind="individual")
    signed_plan(admitted, clinician)
    for day, answers in ((D(2026, 2, 2), [2] * 8 + [0]), (D(2026, 3, 16), [1] * 8 + [0])):
        assessment_services.administration_submit(
            actor=clinician,
            participant=admitted.participant,
            episode=admitted,
            instrument="phq9",
            answers=answers,
            administered_on=day,
        )
    figures = selectors.discharge_figures(admitted)
    services_by_kind = {row["kind"]: (row["count"], row["hours"]) for row in figures["services"]}
    assert services_by_kind == {"Group": (2, "5.5"), "Individual": (1, "1")}
    assert (figures["sessions_attended"], figures["hours_attended"]) == (3, "6.5")
    assert figures["absences"] == 1
    assert figures["goals"] == [
        {
            "goal": "I want to stay sober for my kids",
            "met": 0,
            "total": 1,
            "objectives": [
                {"description": "Attend 3 groups a week for 4 weeks", "status": "In progress"}
            ],
        }
    ]
    [phq9] = figures["outcomes"]
    assert (phq9["first_total"], phq9["last_total"], phq9["change"]) == (16, 8, -8)
    assert phq9["is_significant"] and phq9["is_improving"]
    assert figures["drug_tests"]["has_data"] is False


def test_signing_freezes_the_figures_and_locks_the_summary(admitted, clinician):
    record = _discharge(admitted, clinician)
    with pytest.raises(ValidationError) as error:
        services.discharge_summary_sign(actor=clinician, discharge=record, version=record.version)
    assert "Give the diagnoses at discharge." in error.value.messages
    record = services.discharge_summary_save(
        actor=clinician,
        discharge=record,
        version=record.version,
        diagnoses="F10.20 Alcohol use disorder, severe",
        recommendations="Weekly OP; SMART Recovery",
    )
    record = services.discharge_summary_sign(
        actor=clinician, discharge=record, version=record.version
    )
    assert record.is_signed and record.signed_by == clinician
    assert record.figures["sessions_attended"] == 0
    attendance(admitted, clinician, D(2026, 3, 2), "present", 180)  # recorded late
    record.refresh_from_db()
    assert selectors.summary_figures(record)["sessions_attended"] == 0
    with pytest.raises(ValidationError) as error:
        services.discharge_summary_save(
            actor=clinician, discharge=record, version=record.version, recommendations="Changed"
        )
    assert error.value.code == "locked"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(Exception, match="signed"), transaction.atomic():
        Discharge.objects.filter(pk=record.pk).update(recommendations="Changed by SQL")


# ----------------------------------------------------------------------------- readiness


def test_readiness_figures_from_controlled_data(admitted, clinician, program):
    """Early recovery (9 h a week) since Monday 16 February; the last 4 complete weeks are
    16 Feb - 15 Mar; 27 of 36 target hours attended; 1 of 2 objectives met."""
    from openiop.plans import services as plan_services

    services.phase_change(
        actor=clinician,
        episode=admitted,
        version=admitted.version,
        to_phase=_phase(program, 2),
        reason="Engaged",
        decided_on=D(2026, 2, 16),
    )
    admitted.refresh_from_db()
    for week in range(4):
        monday = D(2026, 2, 16) + datetime.timedelta(weeks=week)
        attendance(admitted, clinician, monday, "present", 180)
        attendance(admitted, clinician, monday + datetime.timedelta(days=1), "present", 180)
        attendance(admitted, clinician, monday + datetime.timedelta(days=3), "absent_excused", 0)
        # the week before the phase started is not counted
    attendance(admitted, clinician, D(2026, 2, 10), "present", 180)
    version = signed_plan(admitted, clinician)
    draft = plan_services.plan_start(episode=admitted, actor=clinician)
    objective = draft.objectives.get()
    plan_services.plan_part_save(
        version=draft,
        actor=clinician,
        kind="objective",
        part=objective,
        expected_version=objective.version,
        values={"status": "met", "progress": "Done"},
    )
    plan_services.plan_part_save(
        version=draft,
        actor=clinician,
        kind="objective",
        values={
            "goal": draft.goals.get(),
            "description": "Call sponsor daily",
            "target_on": D(2026, 4, 30),
            "status": "in_progress",
        },
    )
    draft.refresh_from_db()
    plan_services.plan_version_update(
        version=draft,
        actor=clinician,
        expected_version=draft.version,
        strengths="",
        review_summary="Objective met",
    )
    from openiop.plans.tests.helpers import sign

    sign(draft, clinician)
    assert version.number == 1
    readiness = selectors.step_down_readiness(admitted, TODAY)
    assert readiness.weeks_in_phase == 4
    assert [w.week_of for w in readiness.weeks] == [
        D(2026, 2, 16),
        D(2026, 2, 23),
        D(2026, 3, 2),
        D(2026, 3, 9),
    ]
    assert (readiness.attended_hours, readiness.target_hours) == ("24", "36")
    assert readiness.attendance_percent == 67
    assert (readiness.objectives_met, readiness.objectives_total) == (1, 2)
    assert readiness.drug_tests.has_data is False
    assert readiness.suggestion.unmet == ("attendance",)
    DischargeSettings.objects.create(program=program, min_attendance_percent=60)
    assert selectors.step_down_readiness(admitted, TODAY).suggestion.is_ready


# ----------------------------------------------------------------------------- lists


def test_administrative_review_lists_episodes_without_attendance_for_n_days(
    admitted, clinician, program, director
):
    attendance(admitted, clinician, D(2026, 2, 16), "present", 180)  # 30 days ago
    attendance(admitted, clinician, D(2026, 2, 17), "absent_unexcused", 0)  # not attendance
    never = EpisodeFactory(program=program, active=True, referred_on=D(2026, 3, 1))
    rows = selectors.inactive_episodes(director, TODAY)
    assert [(row.episode, row.days_without) for row in rows] == [(admitted, 30)]
    DischargeSettings.objects.create(program=program, inactivity_days=14)
    rows = selectors.inactive_episodes(director, TODAY)
    assert [(row.episode, row.days_without) for row in rows] == [(admitted, 30), (never, 17)]
    assert selectors.inactive_episodes(clinician, TODAY)[0].episode == admitted  # own caseload
    assert len(selectors.inactive_episodes(clinician, TODAY)) == 1


def test_followup_worklist_dates_with_controlled_time(admitted, clinician, program):
    import time_machine

    record = _discharge(admitted, clinician, discharged_on=D(2026, 3, 2))
    with time_machine.travel(datetime.datetime(2026, 3, 24, 12), tick=False):
        assert selectors.followup_worklist(clinician, D(2026, 3, 24)) == []
    with time_machine.travel(datetime.datetime(2026, 3, 25, 12), tick=False):
        [row] = selectors.followup_worklist(clinician, D(2026, 3, 25))
        assert (row.day, row.due_on, row.attempts) == (30, D(2026, 4, 1), 0)
    with time_machine.travel(datetime.datetime(2026, 4, 2, 12), tick=False):
        services.followup_record(
            actor=clinician,
            discharge=record,
            day=30,
            attempted_on=D(2026, 4, 2),
            result="not_reached",
        )
        [row] = selectors.followup_worklist(clinician, D(2026, 4, 2))
        assert (row.attempts, row.last_attempt_on) == (1, D(2026, 4, 2))
        services.followup_record(
            actor=clinician,
            discharge=record,
            day=30,
            attempted_on=D(2026, 4, 2),
            result="reached",
            substance_use="no",
            in_treatment="yes",
            housing="stable",
            occupation="employed",
            arrested="no",
            measure="PHQ-9",
            measure_score=6,
        )
        assert selectors.followup_worklist(clinician, D(2026, 4, 2)) == []
    with time_machine.travel(datetime.datetime(2026, 5, 24, 12), tick=False):
        [row] = selectors.followup_worklist(clinician, D(2026, 5, 24))
        assert (row.day, row.due_on) == (90, D(2026, 5, 31))
    DischargeSettings.objects.create(program=program, followup_days="60")
    with time_machine.travel(datetime.datetime(2026, 5, 24, 12), tick=False):
        [row] = selectors.followup_worklist(clinician, D(2026, 5, 24))
        assert (row.day, row.due_on) == (60, D(2026, 5, 1))


def test_a_reached_followup_needs_every_outcome(admitted, clinician):
    record = _discharge(admitted, clinician, discharged_on=D(2026, 2, 10))
    with pytest.raises(ValidationError) as error:
        services.followup_record(
            actor=clinician,
            discharge=record,
            day=30,
            attempted_on=TODAY,
            result="reached",
            substance_use="no",
        )
    assert set(error.value.message_dict) == {"in_treatment", "housing", "occupation", "arrested"}
    with pytest.raises(ValidationError) as error:
        services.followup_record(
            actor=clinician, discharge=record, day=45, attempted_on=TODAY, result="not_reached"
        )
    assert "This is not one of the program's follow-up days." in error.value.messages
    assert not FollowUpContact.objects.exists()


def test_no_followups_after_a_death_or_a_transfer(admitted, clinician):
    _discharge(admitted, clinician, discharged_on=D(2026, 2, 10), reason="death")
    assert selectors.followup_worklist(clinician, TODAY) == []


# ----------------------------------------------------------------------------- aftercare


def test_aftercare_plan_starts_from_the_emergency_contact_and_conflicts_when_stale(
    admitted, clinician
):
    signed_plan(admitted, clinician)
    initial = services.aftercare_initial(admitted)
    assert initial["emergency_contacts"] == "Pat Example · Sibling · 555-0101"
    assert initial["relapse_prevention"] == (
        "- Attend 3 groups a week for 4 weeks (In progress)\n"
        "- Relapse prevention group (3 times a week)"
    )
    plan = services.aftercare_plan_save(
        actor=clinician,
        episode=admitted,
        version=None,
        step_down_level="1.0",
        mutual_help="SMART Recovery, Tuesdays",
    )
    services.aftercare_plan_save(
        actor=clinician, episode=admitted, version=plan.version, recovery_housing="Oxford House"
    )
    with pytest.raises(ValidationError) as error:
        services.aftercare_plan_save(
            actor=clinician, episode=admitted, version=plan.version, appointments="Lost"
        )
    assert error.value.code == "conflict"
    saved = AftercarePlan.objects.get()
    assert (saved.mutual_help, saved.recovery_housing, saved.appointments) == (
        "SMART Recovery, Tuesdays",
        "Oxford House",
        "",
    )


# ----------------------------------------------------------------------------- alumni


def test_only_former_participants_join_alumni_and_their_opt_in_is_kept(
    admitted, clinician, program
):
    group = services.alumni_group_create(actor=clinician, program=program, name="Evening alumni")
    with pytest.raises(ValidationError):
        services.alumni_member_add(
            actor=clinician, group=group, participant=admitted.participant, joined_on=TODAY
        )
    _discharge(admitted, clinician)
    membership = services.alumni_member_add(
        actor=clinician,
        group=group,
        participant=admitted.participant,
        joined_on=TODAY,
        has_portal_opt_in=True,
    )
    assert membership.has_portal_opt_in
    event = services.alumni_event_create(
        actor=clinician, group=group, title="Summer picnic", held_on=TODAY
    )
    services.alumni_attendance_set(actor=clinician, event=event, memberships=[membership])
    assert list(event.attendees.all()) == [membership]
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.ALUMNI_CHANGED, participant=admitted.participant
        ).count()
        == 2
    )


def test_counselor_not_on_the_team_cannot_discharge(admitted, counselor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _discharge(admitted, counselor)
    CareTeamMemberFactory(episode=admitted, user=counselor, role="counselor")
    assert _discharge(admitted, counselor).author == counselor


def test_readiness_and_discharge_figures_count_the_episodes_drug_tests(
    admitted, clinician, director
):
    from openiop.drugtests import services as drugtest_services
    from openiop.drugtests.tests.helpers import collected, screen

    panel = drugtest_services.panels_seed_defaults(program=admitted.program, actor=director)[0]
    negative = collected(admitted, panel, clinician)
    screen(negative, clinician, COC="negative", THC="negative")
    positive = collected(admitted, panel, clinician)
    screen(positive, clinician, COC="positive")
    refused_order = drugtest_services.test_order(
        episode=admitted, actor=clinician, panel=panel, reason="scheduled", due_on=TODAY
    )
    drugtest_services.collection_record(order=refused_order, actor=clinician, outcome="refused")

    recent = selectors.step_down_readiness(admitted, TODAY).drug_tests
    assert (recent.has_data, recent.total, recent.positive, recent.refused) == (True, 2, 1, 1)
    assert recent.last_on == TODAY
    figures = selectors.discharge_figures(admitted)["drug_tests"]
    assert (figures["total"], figures["positive"], figures["refused"]) == (2, 1, 1)


def test_no_drug_tests_is_no_data_not_all_negative(admitted):
    summary = selectors.drug_test_summary(admitted)
    assert summary.has_data is False
    assert summary.total == 0
