"""A director edits a program's note prompts and timeliness; the editor and queues follow."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent
from openiop.notes import formats, services
from openiop.notes.models import NotePolicy, NoteTemplate
from openiop.notes.tests.helpers import draft

PROMPT = "What did the participant bring to the session today?"


def test_a_programs_prompt_shows_in_its_note_editor(client, director, clinician, program, episode):
    client.force_login(director)
    response = client.post(
        f"{reverse('notes:settings')}?program={program.public_id}",
        {"format": "dap", "dap-data": PROMPT, "dap-assessment": "", "dap-plan": ""},
        follow=True,
    )
    assert "DAP prompts saved for Evening IOP." in response.content.decode()
    assert NoteTemplate.objects.get(program=program, format="dap").prompts == {"data": PROMPT}
    note = draft(clinician, episode)
    client.force_login(clinician)
    page = client.get(reverse("notes:edit", args=[note.public_id])).content.decode()
    assert PROMPT in page
    assert str(formats.get("dap").section("plan").prompt) in page  # blank: the default
    event = AuditEvent.objects.get(action=AuditAction.NOTE_TEMPLATE_CHANGED)
    assert (event.actor, event.details) == (director, {"format": "dap", "sections": ["data"]})


def test_the_timeliness_policy_is_saved_and_validated(client, director, program):
    client.force_login(director)
    url = f"{reverse('notes:settings')}?program={program.public_id}"
    bad = client.post(url, {"format": "policy", "flag_after_hours": 48, "overdue_after_hours": 24})
    assert "Overdue must come after flagged" in bad.content.decode()
    assert not NotePolicy.objects.exists()
    client.post(url, {"format": "policy", "flag_after_hours": 12, "overdue_after_hours": 48})
    policy = NotePolicy.objects.get(program=program)
    assert (policy.flag_after_hours, policy.overdue_after_hours) == (12, 48)
    assert AuditEvent.objects.filter(action=AuditAction.NOTE_POLICY_CHANGED).exists()


def test_a_director_of_another_program_cannot_change_this_one(director, other_program):
    with pytest.raises(PermissionDenied):
        services.note_template_update(
            actor=director, program=other_program, format="dap", prompts={"data": PROMPT}
        )


def test_prompts_have_a_length_limit_and_known_sections(director, program):
    with pytest.raises(ValidationError):
        services.note_template_update(
            actor=director, program=program, format="dap", prompts={"data": "x" * 501}
        )
    with pytest.raises(ValidationError):
        services.note_template_update(
            actor=director, program=program, format="dap", prompts={"behavior": "Wrong format"}
        )
    assert not NoteTemplate.objects.exists()
