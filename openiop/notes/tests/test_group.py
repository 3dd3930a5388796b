"""Group notes: written once, fanned out at signing; each attendee's chart, page and printout
show the shared content and their own section, and never another attendee's name or section."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent
from openiop.notes import group_services
from openiop.notes.models import GroupNote, GroupNoteAddendum, GroupNoteAttendee
from openiop.notes.tests.helpers import group_draft, section, signed_group, team_up
from openiop.participants.tests.factories import EpisodeFactory

NAMES = [
    ("Wren", "Thistlewood", ""),
    ("Juniper", "Ashby", "June"),
    ("Osric", "Fenwick-Hale", ""),
]


@pytest.fixture
def attendees(program, clinician, episode):
    """Three participants on the clinician's caseload in ``program`` (the first is
    ``episode``'s participant), with names that appear nowhere else."""
    episodes = [episode]
    for _ in NAMES[1:]:
        other = EpisodeFactory(program=program, active=True, primary_clinician=clinician)
        team_up(other, clinician, role="primary_therapist")
        episodes.append(other)
    for ep, (first, last, preferred) in zip(episodes, NAMES, strict=True):
        participant = ep.participant
        participant.legal_first_name, participant.legal_last_name = first, last
        participant.preferred_name = preferred
        participant.save()
    return episodes


def _sections(attendees):
    return {
        ep.pk: section(
            response=f"RESPONSE-{index}: talked about a hard week.",
            progress=f"PROGRESS-{index}: practising the skill daily.",
        )
        for index, ep in enumerate(attendees)
    }


@pytest.fixture
def group(clinician, program, attendees):
    return signed_group(clinician, program, attendees, sections=_sections(attendees))


def _names_of(episode):
    participant = episode.participant
    last = participant.legal_last_name
    names = (participant.legal_first_name, last, participant.preferred_name, *last.split("-"))
    return [name for name in names if name]


def _pages_of(client, group, episode):
    own = group.attendees.get(episode=episode)
    return {
        "chart tab": client.get(reverse("notes:chart_tab", args=[episode.participant.public_id])),
        "section page": client.get(reverse("notes:section", args=[own.public_id])),
        "printout": client.get(reverse("notes:section_print", args=[own.public_id])),
    }


@pytest.mark.parametrize("viewer", ["clinician", "director"])
def test_no_attendees_chart_or_printout_shows_another_attendee(
    client, request, group, attendees, viewer
):
    client.force_login(request.getfixturevalue(viewer))
    for index, episode in enumerate(attendees):
        pages = _pages_of(client, group, episode)
        for label, response in pages.items():
            assert response.status_code == 200, label
            text = response.content.decode()
            for other_index, other in enumerate(attendees):
                if other is episode:
                    continue
                for name in _names_of(other):
                    assert not re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE), (
                        f"{name} ({other_index}) appears in {label} of attendee {index}"
                    )
                assert f"RESPONSE-{other_index}" not in text
                assert f"PROGRESS-{other_index}" not in text
        section_text = pages["section page"].content.decode()
        assert f"RESPONSE-{index}" in section_text and f"PROGRESS-{index}" in section_text
        assert "a peer offered support to another" in section_text
        assert "a peer offered support to another" in pages["printout"].content.decode()


def test_signing_fans_the_note_out_to_each_attendees_chart(client, clinician, group, attendees):
    client.force_login(clinician)
    for episode in attendees:
        tab = client.get(reverse("notes:chart_tab", args=[episode.participant.public_id]))
        own = group.attendees.get(episode=episode)
        page = tab.content.decode()
        assert "Group: Coping with cravings" in page
        assert reverse("notes:section", args=[own.public_id]) in page
    signed = AuditEvent.objects.filter(action=AuditAction.GROUP_NOTE_SIGNED)
    assert {event.participant_id for event in signed} == {e.participant_id for e in attendees}


def test_a_draft_group_note_is_in_no_chart(client, clinician, program, attendees):
    group_draft(clinician, program, attendees)
    client.force_login(clinician)
    tab = client.get(reverse("notes:chart_tab", args=[attendees[0].participant.public_id]))
    assert "Group:" not in tab.content.decode()


def test_someone_on_one_attendees_team_sees_only_that_section(client, counselor, group, attendees):
    team_up(attendees[1], counselor)
    client.force_login(counselor)
    own = group.attendees.get(episode=attendees[1])
    other = group.attendees.get(episode=attendees[0])
    assert client.get(reverse("notes:section", args=[own.public_id])).status_code == 200
    assert client.get(reverse("notes:section", args=[other.public_id])).status_code == 404
    assert client.get(reverse("notes:group_detail", args=[group.public_id])).status_code == 404


# --- Names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "whose"),
    [
        ({"group_process": "Wren led the check-in."}, "Group process", "Wren Thistlewood"),
        ({"topic": "June's relapse"}, "Topic", "June Ashby"),
        ({"location": "Fenwick room"}, "Location", "Osric Fenwick-Hale"),
    ],
)
def test_signing_is_refused_while_the_shared_text_names_an_attendee(
    clinician, program, attendees, changes, field, whose
):
    note = group_draft(clinician, program, attendees, **changes)
    with pytest.raises(ValidationError) as error:
        group_services.group_note_sign(actor=clinician, group_note=note, version=note.version)
    message = " ".join(error.value.messages)
    assert f"{field} in the shared content mentions {whose}" in message
    assert GroupNote.objects.get(pk=note.pk).status == "draft"


def test_a_section_may_name_its_own_attendee_but_no_other(clinician, program, attendees):
    sections = _sections(attendees)
    sections[attendees[0].pk]["response"] = "Wren said she slept well."  # her own: fine
    note = group_draft(clinician, program, attendees, sections=sections)
    signed = group_services.group_note_sign(actor=clinician, group_note=note, version=note.version)
    assert signed.is_signed

    sections[attendees[1].pk]["response"] = "Comforted Wren after the break."
    note = group_draft(clinician, program, attendees, sections=sections)
    with pytest.raises(ValidationError) as error:
        group_services.group_note_sign(actor=clinician, group_note=note, version=note.version)
    assert "response to the group in June Ashby's section mentions Wren Thistlewood" in " ".join(
        error.value.messages
    ).lower().replace("june ashby", "June Ashby").replace("wren thistlewood", "Wren Thistlewood")


def test_the_editor_warns_while_writing(client, clinician, program, attendees):
    note = group_draft(clinician, program, attendees, group_process="Osric arrived late.")
    client.force_login(clinician)
    page = client.get(reverse("notes:group_edit", args=[note.public_id])).content.decode()
    assert "Names other attendees would read" in page
    assert "Group process in the shared content mentions Osric Fenwick-Hale" in page


def test_an_addendum_may_not_name_an_attendee_whose_chart_shows_it(clinician, group, attendees):
    with pytest.raises(ValidationError):
        group_services.group_note_add_addendum(
            actor=clinician, group_note=group, text="Juniper left early.", attested=True
        )
    own = group.attendees.get(episode=attendees[1])
    group_services.group_note_add_addendum(
        actor=clinician, group_note=group, attendee=own, text="Juniper left early.", attested=True
    )
    with pytest.raises(ValidationError):
        group_services.group_note_add_addendum(
            actor=clinician, group_note=group, attendee=own, text="Wren drove her.", attested=True
        )
    assert GroupNoteAddendum.objects.count() == 1


def test_a_section_addendum_shows_in_that_chart_only(client, clinician, group, attendees):
    own = group.attendees.get(episode=attendees[1])
    group_services.group_note_add_addendum(
        actor=clinician,
        group_note=group,
        attendee=own,
        text="ADDENDUM-1 left early.",
        attested=True,
    )
    group_services.group_note_add_addendum(
        actor=clinician, group_note=group, text="SHARED-ADDENDUM ran over.", attested=True
    )
    client.force_login(clinician)
    for episode in attendees:
        section_row = group.attendees.get(episode=episode)
        page = client.get(reverse("notes:section", args=[section_row.public_id])).content.decode()
        assert "SHARED-ADDENDUM" in page
        assert ("ADDENDUM-1" in page) is (episode == attendees[1])


# --- Attendees -----------------------------------------------------------------------------


def test_attendees_are_the_facilitators_active_participants_in_the_program(
    clinician, program, attendees, other_episode, counselor
):
    outside_team = EpisodeFactory(program=program, active=True)
    discharged = EpisodeFactory(program=program, active=True, primary_clinician=clinician)
    team_up(discharged, clinician)
    discharged.status, discharged.discharged_on = "discharged", datetime.date.today()
    discharged.save()
    for stranger in (other_episode, outside_team, discharged):
        with pytest.raises(ValidationError):
            group_services.group_note_create(
                actor=clinician, program=program, attendees=[attendees[0], stranger]
            )
    assert not GroupNote.objects.exists()


def test_a_session_roster_prefills_the_sections(client, clinician, program, attendees):
    """Scheduling will pass its roster as ``attendees``; the editor then has a section each."""
    note = group_services.group_note_create(actor=clinician, program=program, attendees=attendees)
    assert [a.episode for a in note.attendees.all()] == attendees
    client.force_login(clinician)
    page = client.get(reverse("notes:group_edit", args=[note.public_id])).content.decode()
    legends = re.findall(r'<legend class="h6[^"]*">([^<]+)</legend>', page)
    assert legends == [episode.participant.display_name for episode in attendees]


def _editor_post(note, attendees, **extra):
    data = {
        "version": note.version,
        "editor": "",
        "topic": "Sleep hygiene",
        "service_on": note.service_on.isoformat(),
        "start_time": "18:00",
        "end_time": "19:30",
        "delivery": "in_person",
        "group_process": "Members compared sleep routines.",
        "attendees": [str(ep.public_id) for ep in attendees],
    }
    for ep in attendees:
        prefix = f"s-{ep.public_id.hex}-"
        data |= {prefix + "participation": "active", prefix + "response": "Engaged."}
    return data | extra


def test_writing_a_group_note_on_one_page(client, clinician, program, attendees):
    client.force_login(clinician)
    response = client.post(reverse("notes:group_new"), {"program": program.public_id})
    note = GroupNote.objects.get()
    assert response.url == reverse("notes:group_edit", args=[note.public_id])
    url = reverse("notes:group_edit", args=[note.public_id])
    client.post(url, _editor_post(note, attendees, action="save"))
    note.refresh_from_db()
    assert note.attendees.count() == 3
    response = client.post(url, _editor_post(note, attendees, action="sign"), follow=True)
    assert (
        "Group note signed: each attendee&#x27;s chart now shows it." in response.content.decode()
    )
    note.refresh_from_db()
    assert note.is_signed
    assert set(GroupNoteAttendee.objects.values_list("response", flat=True)) == {"Engaged."}


def test_autosave_answers_new_sections_when_attendees_change(client, clinician, program, attendees):
    note = group_draft(clinician, program, attendees[:1])
    client.force_login(clinician)
    response = client.post(
        reverse("notes:group_autosave", args=[note.public_id]), _editor_post(note, attendees)
    )
    page = response.content.decode()
    assert "Draft saved at" in page
    assert 'id="attendee-sections" hx-swap-oob="true"' in page
    for episode in attendees:
        assert episode.participant.display_name in page
    assert note.attendees.count() == 3


def test_autosave_warns_about_names_as_the_facilitator_types(client, clinician, program, attendees):
    note = group_draft(clinician, program, attendees)
    client.force_login(clinician)
    post = _editor_post(note, attendees, group_process="Thanked Osric for the snacks.")
    page = client.post(reverse("notes:group_autosave", args=[note.public_id]), post)
    text = page.content.decode()
    assert 'id="name-warnings" hx-swap-oob="true"' in text
    assert "Group process in the shared content mentions Osric Fenwick-Hale" in text
