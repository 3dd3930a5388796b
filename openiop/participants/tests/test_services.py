import datetime

import pytest
from django.core.exceptions import ValidationError

from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants import services
from openiop.participants.models import CareTeamRole, EpisodeStatus, Participant
from openiop.participants.tests.factories import EpisodeFactory

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 15, 0), tick=False)


def _demographics(**overrides):
    fields = {
        "legal_first_name": "Jordan",
        "legal_last_name": "Rivera",
        "date_of_birth": datetime.date(1991, 4, 2),
        "sex_assigned_at_birth": "male",
    }
    return fields | overrides


def _register(actor, program, **overrides):
    return services.participant_register(
        actor=actor,
        program=program,
        referral_source="self",
        referred_on=TODAY,
        **_demographics(**overrides),
    )


def test_registering_creates_a_participant_with_an_mrn_and_a_referral_episode(front_desk, program):
    participant, episode = _register(front_desk, program)
    assert len(participant.mrn) == 9
    assert (episode.status, episode.program, episode.referred_on) == ("referred", program, TODAY)
    actions = list(
        AuditEvent.objects.filter(participant=participant).values_list("action", flat=True)
    )
    assert AuditAction.PARTICIPANT_REGISTERED in actions
    assert AuditAction.EPISODE_REFERRED in actions


def test_a_possible_duplicate_needs_confirmation(front_desk, program):
    _register(front_desk, program)
    with pytest.raises(ValidationError) as error:
        _register(front_desk, program, legal_first_name="JORDAN ")
    assert error.value.code == "possible_duplicate"
    assert Participant.objects.count() == 1
    services.participant_register(
        actor=front_desk,
        program=program,
        referral_source="self",
        referred_on=TODAY,
        confirm_not_duplicate=True,
        **_demographics(),
    )
    assert Participant.objects.count() == 2


def test_staff_cannot_register_into_a_program_they_do_not_work_in(front_desk, other_program):
    with pytest.raises(ValidationError) as error:
        _register(front_desk, other_program)
    assert "program" in error.value.message_dict
    assert not Participant.objects.exists()


def test_server_owned_fields_cannot_be_passed_to_registration(front_desk, program):
    with pytest.raises(TypeError):
        _register(front_desk, program, mrn="123456789")
    assert not Participant.objects.exists()


def test_a_clinician_who_registers_someone_joins_the_care_team(clinician, program):
    _participant, episode = _register(clinician, program)
    member = episode.care_team.get()
    assert (member.user, member.role) == (clinician, CareTeamRole.PRIMARY_THERAPIST)


def test_registration_is_all_or_nothing(front_desk, program):
    """The referral fails validation after the participant row was written: nothing stays."""
    with pytest.raises(ValidationError):
        services.participant_register(
            actor=front_desk,
            program=program,
            referral_source="not-a-source",
            referred_on=TODAY,
            **_demographics(),
        )
    assert not Participant.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_REGISTERED).exists()


def test_a_second_edit_of_the_same_version_gets_a_conflict(front_desk, participant):
    version = participant.version
    services.participant_update(
        actor=front_desk, participant=participant, version=version, phone="555-0199"
    )
    stale = Participant.objects.get(pk=participant.pk)
    with pytest.raises(ValidationError) as error:
        services.participant_update(
            actor=front_desk, participant=stale, version=version, phone="555-0142"
        )
    assert error.value.code == "conflict"
    assert Participant.objects.get(pk=participant.pk).phone == "555-0199"


def test_an_update_records_which_fields_changed_but_not_their_values(front_desk, participant):
    services.participant_update(
        actor=front_desk,
        participant=participant,
        version=participant.version,
        phone="555-0123",
        preferred_name="Sunny",
    )
    event = AuditEvent.objects.get(action=AuditAction.PARTICIPANT_UPDATED)
    assert event.details == {"fields": ["phone", "preferred_name"]}
    assert "555-0123" not in str(event.details)


def test_refer_refuses_a_second_open_episode_in_the_same_program(director, participant, program):
    with pytest.raises(ValidationError) as error:
        services.episode_refer(
            actor=director,
            participant=participant,
            program=program,
            referral_source="self",
            referred_on=TODAY,
        )
    assert "already has an open episode" in error.value.message_dict["program"][0]


@pytest.fixture
def referral(program, clinician):
    return EpisodeFactory(program=program, referred_on=datetime.date(2026, 11, 16))


def test_admission_sets_active_phase_and_primary_clinician_on_the_team(
    director, clinician, referral, program
):
    episode = services.episode_admit(
        actor=director,
        episode=referral,
        version=referral.version,
        admitted_on=TODAY,
        primary_clinician=clinician,
    )
    assert episode.status == EpisodeStatus.ACTIVE
    assert episode.current_phase == program.phases.order_by("order").first()
    assert episode.care_team.filter(user=clinician, role="primary_therapist").exists()


def test_admission_before_the_referral_date_is_refused(director, clinician, referral):
    with pytest.raises(ValidationError) as error:
        services.episode_admit(
            actor=director,
            episode=referral,
            version=referral.version,
            admitted_on=datetime.date(2026, 11, 15),
            primary_clinician=clinician,
        )
    assert "admitted_on" in error.value.message_dict
    referral.refresh_from_db()
    assert referral.status == EpisodeStatus.REFERRED


def test_the_primary_clinician_must_be_clinical_staff_of_the_program(
    director, front_desk, other_clinician, referral
):
    for wrong in (front_desk, other_clinician):
        with pytest.raises(ValidationError) as error:
            services.episode_admit(
                actor=director,
                episode=referral,
                version=referral.version,
                admitted_on=TODAY,
                primary_clinician=wrong,
            )
        assert "primary_clinician" in error.value.message_dict


def test_an_active_episode_cannot_be_admitted_again(director, clinician, episode):
    with pytest.raises(ValidationError) as error:
        services.episode_admit(
            actor=director,
            episode=episode,
            version=episode.version,
            admitted_on=TODAY,
            primary_clinician=clinician,
        )
    assert error.value.code == "not_admittable"


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("active", "on_hold", True),
        ("on_hold", "active", True),
        ("active", "referred", False),
        ("active", "discharged", False),  # discharge has its own workflow
    ],
)
def test_status_transitions(director, episode, start, target, allowed):
    episode.status = start
    episode.save()
    if allowed:
        services.episode_change_status(
            actor=director, episode=episode, version=episode.version, status=target
        )
        episode.refresh_from_db()
        assert episode.status == target
    else:
        with pytest.raises(ValidationError):
            services.episode_change_status(
                actor=director, episode=episode, version=episode.version, status=target
            )
        episode.refresh_from_db()
        assert episode.status == start


def test_care_team_members_must_work_in_the_program(director, episode, other_clinician, counselor):
    with pytest.raises(ValidationError):
        services.care_team_add(
            actor=director, episode=episode, user=other_clinician, role="counselor"
        )
    services.care_team_add(actor=director, episode=episode, user=counselor, role="counselor")
    assert episode.care_team.filter(user=counselor).exists()


def test_the_primary_clinician_cannot_be_removed_from_the_team(director, episode, clinician):
    member = episode.care_team.get(user=clinician)
    with pytest.raises(ValidationError):
        services.care_team_remove(actor=director, member=member)
    assert episode.care_team.filter(user=clinician).exists()


def test_the_duplicate_check_never_reveals_someone_in_another_program(
    front_desk, other_clinician, other_program, program
):
    _register(other_clinician, other_program)  # a patient of the other program
    _participant, episode = _register(front_desk, program)  # no warning, no disclosure
    assert episode.program == program
    assert Participant.objects.count() == 2


def test_a_referral_can_wait_and_be_admitted_from_the_wait_list(director, clinician, program):
    referral = EpisodeFactory(program=program, referred_on=datetime.date(2026, 11, 2))
    waiting = services.episode_change_status(
        actor=director, episode=referral, version=referral.version, status="wait_listed"
    )
    assert waiting.status == EpisodeStatus.WAIT_LISTED and waiting.is_open
    admitted = services.episode_admit(
        actor=director,
        episode=waiting,
        version=waiting.version,
        admitted_on=TODAY,
        primary_clinician=clinician,
    )
    assert admitted.status == EpisodeStatus.ACTIVE


def test_closing_a_referral_records_why_and_frees_the_program(director, program):
    referral = EpisodeFactory(program=program, referred_on=datetime.date(2026, 11, 2))
    closed = services.episode_close_referral(
        actor=director,
        episode=referral,
        version=referral.version,
        reason="referred_elsewhere",
        detail="Residential (3.5) at Hillside",
    )
    assert (closed.status, closed.discharged_on, closed.closure_reason) == (
        EpisodeStatus.DISCHARGED,
        TODAY,
        "referred_elsewhere",
    )
    event = AuditEvent.objects.filter(action=AuditAction.EPISODE_STATUS_CHANGED).latest("id")
    assert event.details == {"to": "discharged", "closure_reason": "referred_elsewhere"}
    assert "Hillside" not in str(vars(event))
    # a new referral to the same program is possible again
    services.episode_refer(
        actor=director,
        participant=referral.participant,
        program=program,
        referral_source="self",
        referred_on=TODAY,
    )


def test_an_admitted_episode_cannot_be_closed_as_a_referral(director, episode):
    with pytest.raises(ValidationError) as error:
        services.episode_close_referral(
            actor=director, episode=episode, version=episode.version, reason="declined"
        )
    assert error.value.code == "admitted"
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ACTIVE


def test_a_closure_reason_needs_a_discharge_before_admission_in_the_database(episode):
    from django.db import IntegrityError, transaction

    episode.closure_reason = "declined"
    with pytest.raises(IntegrityError), transaction.atomic():
        episode.save()
