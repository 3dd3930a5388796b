"""REL-1: concurrent edits of one draft are detected and never silently overwrite each other.
A page's own autosave followed by its Save button is one person continuing, not a conflict."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openiop.notes import group_services, services
from openiop.notes.models import GroupNote, ProgressNote
from openiop.notes.tests.helpers import draft, group_draft


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def _open_editor(client, note) -> dict:
    """What an editor page carries: its version and its own token."""
    page = client.get(reverse("notes:edit", args=[note.public_id])).content.decode()
    return {"version": _hidden(page, "version"), "editor": _hidden(page, "editor")}


def _form(note, loaded, **fields):
    return {
        **loaded,
        "service_type": "individual",
        "service_on": note.service_on.isoformat(),
        "start_time": "10:00",
        "end_time": "10:50",
        "delivery": "in_person",
        **fields,
    }


def test_two_saves_of_one_version_from_different_pages_conflict(clinician, episode):
    note = draft(clinician, episode)
    services.progress_note_save(
        actor=clinician, note=note, version=note.version, editor="a" * 32, location="Room A"
    )
    for editor in ("b" * 32, ""):
        with pytest.raises(ValidationError) as error:
            services.progress_note_save(
                actor=clinician, note=note, version=note.version, editor=editor, location="Room B"
            )
        assert error.value.code == "conflict"
    assert ProgressNote.objects.get(pk=note.pk).location == "Room A"


def test_autosave_from_a_second_tab_is_refused_and_saves_nothing(client, clinician, episode):
    note = draft(clinician, episode)
    client.force_login(clinician)
    tab_a, tab_b = _open_editor(client, note), _open_editor(client, note)
    assert tab_a["editor"] != tab_b["editor"]
    url = reverse("notes:autosave", args=[note.public_id])

    saved = client.post(url, _form(note, tab_a, data="Written in tab A")).content.decode()
    assert "Draft saved at" in saved
    new_version = ProgressNote.objects.get(pk=note.pk).version
    assert f'name="version" value="{new_version}"' in saved and 'hx-swap-oob="true"' in saved

    refused = client.post(url, _form(note, tab_b, data="Written in tab B")).content.decode()
    assert "Not saved: this draft was changed in another window or tab" in refused
    assert 'name="version"' not in refused
    stored = ProgressNote.objects.get(pk=note.pk)
    assert (stored.content["data"], stored.version) == ("Written in tab A", new_version)


def test_a_pages_own_autosave_does_not_block_its_save_button(client, clinician, episode):
    """The change event of the last field fires the autosave as the Save button is pressed:
    both carry the version the page had, and both are the same page."""
    note = draft(clinician, episode)
    client.force_login(clinician)
    tab = _open_editor(client, note)
    client.post(reverse("notes:autosave", args=[note.public_id]), _form(note, tab, data="Draft"))
    response = client.post(
        reverse("notes:edit", args=[note.public_id]),
        _form(note, tab, data="Draft, finished", action="save"),
        follow=True,
    )
    assert "Draft saved." in response.content.decode()
    assert ProgressNote.objects.get(pk=note.pk).content["data"] == "Draft, finished"


def test_a_stale_save_keeps_the_users_text_on_the_page(client, clinician, episode):
    note = draft(clinician, episode)
    client.force_login(clinician)
    tab_a, tab_b = _open_editor(client, note), _open_editor(client, note)
    client.post(reverse("notes:autosave", args=[note.public_id]), _form(note, tab_a, data="A"))
    response = client.post(
        reverse("notes:edit", args=[note.public_id]),
        _form(note, tab_b, data="Careful words from tab B", action="sign"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record while you were editing it." in page
    assert "Careful words from tab B" in page
    stored = ProgressNote.objects.get(pk=note.pk)
    assert (stored.content["data"], stored.status) == ("A", "draft")


def test_group_note_drafts_detect_concurrent_edits_too(clinician, program, episode):
    note = group_draft(clinician, program, [episode])
    group_services.group_note_save(
        actor=clinician, group_note=note, version=note.version, editor="a" * 32, topic="First"
    )
    with pytest.raises(ValidationError) as error:
        group_services.group_note_save(
            actor=clinician, group_note=note, version=note.version, editor="b" * 32, topic="Second"
        )
    assert error.value.code == "conflict"
    assert GroupNote.objects.get(pk=note.pk).topic == "First"
