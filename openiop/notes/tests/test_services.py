"""Progress notes: drafting, validation, signing, co-signature, discarding; audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openiop.audit.models import AuditAction, AuditEvent
from openiop.notes import services
from openiop.notes.models import NoteStatus, ProgressNote, ProgressNoteCosignature
from openiop.notes.tests.helpers import CONTENT, END, START, draft, signed_note


def test_a_draft_is_started_in_the_open_episode_and_audited(clinician, episode, participant):
    note = services.progress_note_create(
        actor=clinician, participant=participant, episode=episode, format="birp"
    )
    assert (note.status, note.author, note.format) == (NoteStatus.DRAFT, clinician, "birp")
    assert note.service_on == datetime.date.today()
    event = AuditEvent.objects.get(action=AuditAction.NOTE_CREATED)
    assert (event.participant, event.target_id) == (participant, str(note.public_id))


def test_only_staff_on_the_episode_start_notes(counselor, episode, participant):
    with pytest.raises(PermissionDenied):
        services.progress_note_create(
            actor=counselor, participant=participant, episode=episode, format="dap"
        )
    assert not ProgressNote.objects.exists()


def test_a_discharged_episode_takes_no_new_notes(clinician, episode, participant):
    episode.status, episode.discharged_on = "discharged", datetime.date.today()
    episode.save()
    with pytest.raises(ValidationError):
        services.progress_note_create(
            actor=clinician, participant=participant, episode=episode, format="dap"
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_time": END, "end_time": START}, "end_time"),
        ({"start_time": START, "end_time": START}, "end_time"),
        ({"service_on": datetime.date.today() + datetime.timedelta(days=1)}, "service_on"),
        ({"service_on": datetime.date(2000, 1, 1)}, "service_on"),
        ({"interventions": ["cbt", "astrology"]}, "interventions"),
        ({"service_type": "massage"}, "service_type"),
    ],
)
def test_a_bad_value_is_refused_on_its_field_and_nothing_changes(
    clinician, episode, changes, field
):
    note = draft(clinician, episode)
    with pytest.raises(ValidationError) as error:
        services.progress_note_save(actor=clinician, note=note, version=note.version, **changes)
    assert field in error.value.message_dict
    stored = ProgressNote.objects.get(pk=note.pk)
    assert (stored.version, stored.start_time, stored.interventions) == (note.version, START, [])


def test_duration_is_computed_from_the_times(clinician, episode):
    assert draft(clinician, episode).duration_minutes == 50


def test_objectives_must_come_from_this_episodes_signed_plan(
    clinician, episode, objective, counselor_episode
):
    from openiop.plans.selectors import current_objectives
    from openiop.plans.tests.helpers import signed_plan

    signed_plan(counselor_episode, clinician)
    foreign = current_objectives(counselor_episode).first()
    note = draft(clinician, episode)
    with pytest.raises(ValidationError) as error:
        services.progress_note_save(
            actor=clinician, note=note, version=note.version, objectives=[objective, foreign]
        )
    assert "objectives" in error.value.message_dict
    note = services.progress_note_save(
        actor=clinician, note=note, version=note.version, objectives=[objective]
    )
    assert list(note.objectives.all()) == [objective]


def test_content_keeps_the_formats_sections_only(clinician, episode):
    note = draft(clinician, episode, content={"data": " Said hello ", "secret_field": "x"})
    assert note.content == {"data": "Said hello", "assessment": "", "plan": ""}


@pytest.mark.parametrize("format", ["dap", "birp", "soap", "narrative"])
def test_each_format_signs_once_every_section_is_written(clinician, episode, format):
    note = draft(clinician, episode, format=format, content={})
    with pytest.raises(ValidationError) as error:
        services.progress_note_sign(actor=clinician, note=note, version=note.version)
    assert set(error.value.message_dict) == set(CONTENT[format])
    assert ProgressNote.objects.get(pk=note.pk).status == NoteStatus.DRAFT
    note = services.progress_note_sign(
        actor=clinician, note=note, version=note.version, content=CONTENT[format]
    )
    assert (note.status, note.signed_by, note.cosigner) == (NoteStatus.SIGNED, clinician, None)
    assert note.signed_at is not None


def test_signing_needs_the_times(clinician, episode):
    note = draft(clinician, episode, start_time=None, end_time=None)
    with pytest.raises(ValidationError) as error:
        services.progress_note_sign(actor=clinician, note=note, version=note.version)
    assert set(error.value.message_dict) == {"start_time", "end_time"}


def test_only_the_author_edits_or_signs_a_draft(clinician, director, episode):
    note = draft(clinician, episode)
    for service in (services.progress_note_save, services.progress_note_sign):
        with pytest.raises(PermissionDenied):
            service(actor=director, note=note, version=note.version, location="x")
    assert ProgressNote.objects.get(pk=note.pk).location == ""


def test_a_discarded_draft_is_gone_and_audited(clinician, episode, objective):
    note = draft(clinician, episode, objectives=[objective])
    services.progress_note_discard(actor=clinician, note=note, version=note.version)
    assert not ProgressNote.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.NOTE_DISCARDED, target_id=str(note.public_id)
    ).exists()


# --- Co-signature --------------------------------------------------------------------------


def test_a_counselors_note_goes_to_the_supervisor_who_co_signs(
    clinician, counselor, counselor_episode
):
    note = signed_note(counselor, counselor_episode)
    assert note.cosigner == clinician
    cosignature = services.progress_note_cosign(actor=clinician, note=note)
    assert (cosignature.signed_by, cosignature.progress_note) == (clinician, note)
    stored = ProgressNote.objects.get(pk=note.pk)
    assert (stored.signed_by, stored.cosignature.signed_by) == (counselor, clinician)
    assert stored.updated_at == note.updated_at  # the signed row itself never changed
    assert AuditEvent.objects.filter(action=AuditAction.NOTE_COSIGNED, actor=clinician).exists()


def test_only_the_named_supervisor_co_signs_and_only_once(
    clinician, counselor, director, counselor_episode
):
    note = signed_note(counselor, counselor_episode)
    for impostor in (director, counselor):
        with pytest.raises(PermissionDenied):
            services.progress_note_cosign(actor=impostor, note=note)
    services.progress_note_cosign(actor=clinician, note=note)
    with pytest.raises(ValidationError):
        services.progress_note_cosign(actor=clinician, note=note)
    assert ProgressNoteCosignature.objects.count() == 1


def test_a_note_that_needs_no_cosignature_cannot_be_co_signed(clinician, director, episode):
    note = signed_note(clinician, episode)
    with pytest.raises(ValidationError):
        services.progress_note_cosign(actor=director, note=note)


def test_a_counselor_without_a_supervisor_cannot_sign_and_keeps_the_draft(
    counselor, counselor_episode
):
    counselor.supervisor = None
    counselor.save()
    note = draft(counselor, counselor_episode)
    with pytest.raises(ValidationError) as error:
        services.progress_note_sign(actor=counselor, note=note, version=note.version)
    assert error.value.code == "no_supervisor"
    assert ProgressNote.objects.get(pk=note.pk).status == NoteStatus.DRAFT


def test_the_cosigned_note_shows_both_signatures(client, clinician, counselor, counselor_episode):
    note = signed_note(counselor, counselor_episode)
    client.force_login(clinician)
    page = client.get(f"/notes/{note.public_id}/").content.decode()
    assert f"Awaiting co-signature by {clinician}" in page
    response = client.post(f"/notes/{note.public_id}/cosign/", follow=True)
    page = response.content.decode()
    assert "Note co-signed." in page
    assert str(counselor) in page and "Co-signed" in page
    assert "Awaiting co-signature" not in page
    assert "Co-sign note" not in page


def test_the_named_supervisor_opens_the_note_to_co_sign_without_being_on_the_team(
    client, clinician, counselor, counselor_episode
):
    counselor_episode.care_team.filter(user=clinician).delete()
    counselor_episode.primary_clinician = None
    counselor_episode.save()
    note = signed_note(counselor, counselor_episode)
    draft_note = draft(counselor, counselor_episode)
    client.force_login(clinician)
    assert client.get(f"/notes/{note.public_id}/").status_code == 200
    assert client.get(f"/notes/{draft_note.public_id}/").status_code == 404
    chart = f"/notes/participants/{counselor_episode.participant.public_id}/"
    assert client.get(chart).status_code == 404
    assert client.post(f"/notes/{note.public_id}/cosign/").status_code == 302
    assert ProgressNoteCosignature.objects.filter(progress_note=note).exists()
