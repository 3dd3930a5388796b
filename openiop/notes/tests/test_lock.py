"""REL-2: a signed note cannot change through any path: service, model, queryset, related
manager or raw SQL (database triggers, on SQLite and PostgreSQL). Corrections are addenda."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from openiop.notes import group_services, services
from openiop.notes.models import (
    GroupNote,
    GroupNoteAddendum,
    GroupNoteAttendee,
    GroupNoteAttendeeObjective,
    ProgressNote,
    ProgressNoteAddendum,
    ProgressNoteCosignature,
    ProgressNoteObjective,
)
from openiop.notes.tests.helpers import CONTENT, draft, section, signed_group, signed_note

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite gets no DELETE triggers (the test runner's flush deletes in no fixed order)",
)


@pytest.fixture
def note(clinician, episode, objective):
    return signed_note(clinician, episode, objectives=[objective], location="Room 2")


@pytest.fixture
def other_objective(counselor_episode, clinician):
    """An objective of another episode's signed plan: a valid row to try to link."""
    from openiop.plans.selectors import current_objectives
    from openiop.plans.tests.helpers import signed_plan

    signed_plan(counselor_episode, clinician)
    return current_objectives(counselor_episode).first()


def _note_unchanged(note, objective):
    stored = ProgressNote.objects.get(pk=note.pk)
    assert (stored.location, stored.content, stored.status) == ("Room 2", CONTENT["dap"], "signed")
    assert list(stored.objectives.all()) == [objective]


def _raw(sql, params, refusal="signed document"):
    """The statement fails, and because of our trigger (not some other constraint)."""
    with (
        pytest.raises(DatabaseError, match=refusal),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_save_service_refuses_a_signed_note(clinician, note, objective):
    with pytest.raises(ValidationError) as error:
        services.progress_note_save(
            actor=clinician, note=note, version=note.version, location="Elsewhere"
        )
    assert error.value.code == "signed"
    with pytest.raises(ValidationError):
        services.progress_note_sign(actor=clinician, note=note, version=note.version)
    with pytest.raises(ValidationError):
        services.progress_note_discard(actor=clinician, note=note, version=note.version)
    _note_unchanged(note, objective)


def test_model_save_and_delete_are_refused(note, objective):
    note.location = "Elsewhere"
    with pytest.raises(PermissionError), transaction.atomic():
        note.save()
    impostor = ProgressNote.objects.get(pk=note.pk)
    impostor.status, impostor.location = "draft", "Elsewhere"  # pretending it is a draft
    with pytest.raises(PermissionError), transaction.atomic():
        impostor.save()
    with pytest.raises(PermissionError), transaction.atomic():
        ProgressNote.objects.get(pk=note.pk).delete()
    _note_unchanged(note, objective)


def test_queryset_update_and_delete_are_refused(note, objective):
    with pytest.raises(PermissionError):
        ProgressNote.objects.filter(pk=note.pk).update(location="Elsewhere")
    with pytest.raises(PermissionError):
        ProgressNote.objects.all().delete()
    _note_unchanged(note, objective)


def test_linked_objectives_cannot_change_through_the_orm(note, objective, other_objective):
    with pytest.raises(PermissionError), transaction.atomic():
        note.objectives.clear()
    with pytest.raises(PermissionError), transaction.atomic():
        note.objectives.remove(objective)
    with pytest.raises(PermissionError), transaction.atomic():
        ProgressNoteObjective.objects.filter(progress_note=note).update(objective=objective)
    with pytest.raises(PermissionError), transaction.atomic():
        ProgressNoteObjective.objects.filter(progress_note=note).delete()
    with pytest.raises(PermissionError), transaction.atomic():
        note.objectives.add(other_objective)
    with pytest.raises(PermissionError), transaction.atomic():
        ProgressNoteObjective(progress_note=note, objective=other_objective).save()
    _note_unchanged(note, objective)


def test_raw_sql_update_is_refused_by_the_database(note, objective):
    _raw("UPDATE notes_progressnote SET location = 'Elsewhere' WHERE id = %s", [note.pk])
    _raw("UPDATE notes_progressnote SET status = 'draft' WHERE id = %s", [note.pk])
    _note_unchanged(note, objective)


def test_raw_sql_cannot_add_or_change_linked_objectives(note, objective, other_objective):
    link = ProgressNoteObjective.objects.get(progress_note=note)
    _raw(
        "INSERT INTO notes_progressnoteobjective (progress_note_id, objective_id) VALUES (%s, %s)",
        [note.pk, other_objective.pk],
    )
    _raw(
        "UPDATE notes_progressnoteobjective SET objective_id = objective_id WHERE id = %s",
        [link.pk],
    )
    _note_unchanged(note, objective)


@ON_POSTGRESQL
def test_raw_sql_delete_is_refused_on_postgresql(note, objective):
    _raw("DELETE FROM notes_progressnoteobjective WHERE progress_note_id = %s", [note.pk])
    _raw("DELETE FROM notes_progressnote WHERE id = %s", [note.pk])
    _note_unchanged(note, objective)


def test_a_draft_can_still_change_by_every_path(clinician, episode, objective):
    """The control: the locks hold signed notes only."""
    note = draft(clinician, episode, objectives=[objective])
    ProgressNote.objects.filter(pk=note.pk).update(location="Room 9")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE notes_progressnote SET location = 'Room 7' WHERE id = %s", [note.pk])
    note.objectives.remove(objective)
    note.refresh_from_db()
    assert note.location == "Room 7"
    assert not note.objectives.exists()


# --- Group notes ---------------------------------------------------------------------------


def _group_unchanged(group):
    stored = GroupNote.objects.get(pk=group.pk)
    assert (stored.topic, stored.status) == ("Coping with cravings", "signed")
    attendee = stored.attendees.get()
    assert (attendee.participation, attendee.response) == ("active", "Shared a recent trigger.")


def test_a_signed_group_note_refuses_every_orm_path(clinician, program, episode, objective):
    group = signed_group(clinician, program, [episode])
    attendee = group.attendees.get()
    with pytest.raises(ValidationError):
        group_services.group_note_save(
            actor=clinician, group_note=group, version=group.version, topic="Changed"
        )
    group.topic = "Changed"
    with pytest.raises(PermissionError), transaction.atomic():
        group.save()
    with pytest.raises(PermissionError):
        GroupNote.objects.filter(pk=group.pk).update(topic="Changed")
    attendee.response = "Changed"
    with pytest.raises(PermissionError), transaction.atomic():
        attendee.save()
    with pytest.raises(PermissionError), transaction.atomic():
        attendee.delete()
    with pytest.raises(PermissionError):
        GroupNoteAttendee.objects.filter(pk=attendee.pk).update(response="Changed")
    with pytest.raises(PermissionError), transaction.atomic():
        GroupNoteAttendee.objects.bulk_create(
            [GroupNoteAttendee(group_note=group, participant=episode.participant, episode=episode)]
        )
    with pytest.raises(PermissionError), transaction.atomic():
        attendee.objectives.add(objective)
    _group_unchanged(group)
    assert not attendee.objectives.exists()


def test_a_signed_group_note_refuses_raw_sql(
    clinician, program, episode, objective, counselor_episode
):
    group = signed_group(
        clinician, program, [episode], sections={episode.pk: section(objectives=[objective])}
    )
    attendee = group.attendees.get()
    link = GroupNoteAttendeeObjective.objects.get(attendee=attendee)
    _raw("UPDATE notes_groupnote SET topic = 'Changed' WHERE id = %s", [group.pk])
    _raw("UPDATE notes_groupnoteattendee SET response = 'Changed' WHERE id = %s", [attendee.pk])
    _raw(
        "UPDATE notes_groupnoteattendeeobjective SET objective_id = objective_id WHERE id = %s",
        [link.pk],
    )
    _raw(
        "INSERT INTO notes_groupnoteattendee (public_id, group_note_id, participant_id, "
        "episode_id, participation, response, progress, position) "
        "VALUES ('0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f', %s, %s, %s, '', '', '', 9)",
        [group.pk, counselor_episode.participant_id, counselor_episode.pk],
    )
    _group_unchanged(group)


@ON_POSTGRESQL
def test_raw_sql_cannot_delete_a_group_section_on_postgresql(clinician, program, episode):
    group = signed_group(clinician, program, [episode])
    _raw("DELETE FROM notes_groupnoteattendee WHERE group_note_id = %s", [group.pk])
    _raw("DELETE FROM notes_groupnote WHERE id = %s", [group.pk])
    _group_unchanged(group)


# --- Co-signatures and addenda are append-only ---------------------------------------------


def test_cosignatures_and_addenda_are_append_only(clinician, counselor, counselor_episode, program):
    note = signed_note(counselor, counselor_episode)
    cosignature = services.progress_note_cosign(actor=clinician, note=note)
    addendum = services.progress_note_add_addendum(
        actor=clinician, note=note, text="Date of the next session corrected.", attested=True
    )
    group = signed_group(counselor, program, [counselor_episode])
    group_addendum = group_services.group_note_add_addendum(
        actor=counselor, group_note=group, text="The group ran 10 minutes over.", attested=True
    )
    for model, row in (
        (ProgressNoteCosignature, cosignature),
        (ProgressNoteAddendum, addendum),
        (GroupNoteAddendum, group_addendum),
    ):
        with pytest.raises(PermissionError):
            model.objects.filter(pk=row.pk).update(signed_at=row.signed_at)
        with pytest.raises(PermissionError):
            row.delete()
        sql = f"UPDATE {model._meta.db_table} SET signed_at = signed_at WHERE id = %s"  # noqa: S608
        _raw(sql, [row.pk], "append-only")
    assert ProgressNoteAddendum.objects.get().text == "Date of the next session corrected."


def test_addenda_are_signed_and_shown_under_the_note(client, clinician, director, note):
    client.force_login(director)
    url = f"/notes/{note.public_id}/addendum/"
    unconfirmed = client.post(url, {"text": "The session ended at 10:45."})
    assert "Confirm that you sign this addendum." in unconfirmed.content.decode()
    assert not ProgressNoteAddendum.objects.exists()
    response = client.post(
        url, {"text": "The session ended at 10:45.", "attested": "on"}, follow=True
    )
    page = response.content.decode()
    addendum = ProgressNoteAddendum.objects.get()
    assert (addendum.author, addendum.progress_note) == (director, note)
    assert "Addendum signed and added." in page
    assert page.index("Reports three days without use") < page.index("The session ended at 10:45.")
    assert f"Signed by {director}" in page
    assert addendum.signed_at.astimezone().strftime("%Y-%m-%d %H:%M") in page
    assert ProgressNote.objects.get(pk=note.pk).updated_at == note.updated_at
