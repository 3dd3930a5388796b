"""AUD-9: audit rows, and the audit page and export, carry identifiers, never clinical text."""

import json

import pytest
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent, DataCategory
from openiop.audit.services import audit_record
from openiop.participants.tests.factories import ParticipantFactory

MARKER = "MARKER-7f3c-relapse-disclosure"


@pytest.fixture
def marked_participant(db):
    return ParticipantFactory(
        legal_first_name=f"{MARKER}-first",
        legal_last_name=f"{MARKER}-last",
        preferred_name=f"{MARKER}-preferred",
        address=f"{MARKER} 12 Elm Street",
        gender_identity=MARKER[:60],
        emergency_contact_name=f"{MARKER}-contact",
    )


def test_audit_trail_never_holds_or_shows_a_participants_text(client, auditor, marked_participant):
    audit_record(
        actor=auditor,
        action=AuditAction.PARTICIPANT_VIEWED,
        target=marked_participant,
        participant=marked_participant,
        category=DataCategory.DEMOGRAPHICS,
    )
    client.force_login(auditor)

    page = client.get(reverse("audit:events"), {"participant_mrn": marked_participant.mrn})
    export = client.get(reverse("audit:export"), {"participant_mrn": marked_participant.mrn})
    exported = b"".join(export.streaming_content).decode()

    assert marked_participant.mrn in page.content.decode()
    assert marked_participant.mrn in exported
    assert MARKER not in page.content.decode()
    assert MARKER not in exported
    stored = [json.dumps(row, default=str) for row in AuditEvent.objects.values()]
    assert len(stored) == 3  # the view, the page view and the export
    assert all(MARKER not in row for row in stored)
