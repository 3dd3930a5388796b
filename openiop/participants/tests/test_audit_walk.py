"""AUD-1: every page that shows participant data writes an audit row for that participant."""

import datetime

import pytest
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent, DataCategory
from openiop.participants.tests.factories import EpisodeFactory

PAGES = {
    "participants:caseload": (None, AuditAction.PARTICIPANT_LISTED),
    "participants:search": (None, AuditAction.PARTICIPANT_LISTED),
    "participants:chart": ("participant", AuditAction.PARTICIPANT_VIEWED),
    "participants:edit": ("participant", AuditAction.PARTICIPANT_VIEWED),
    "participants:refer": ("participant", AuditAction.PARTICIPANT_VIEWED),
    "participants:history": ("participant", AuditAction.PARTICIPANT_HISTORY_VIEWED),
    "participants:admit": ("referral", AuditAction.PARTICIPANT_VIEWED),
    "participants:care_team": ("episode", AuditAction.PARTICIPANT_VIEWED),
}


@pytest.fixture
def referral(participant, other_program, director):
    from openiop.programs.models import ProgramMembership

    ProgramMembership.objects.create(user=director, program=other_program)
    return EpisodeFactory(
        participant=participant, program=other_program, referred_on=datetime.date.today()
    )


@pytest.mark.parametrize(("route", "page"), PAGES.items(), ids=list(PAGES))
def test_viewing_a_participant_page_writes_a_complete_audit_row(
    client, director, participant, request, route, page
):
    obj, action = page
    url = reverse(route, args=[request.getfixturevalue(obj).public_id]) if obj else reverse(route)
    client.force_login(director)
    before = AuditEvent.objects.count()
    meta = {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "pytest-browser"}
    if route == "participants:search":
        response = client.post(url, {"q": participant.legal_last_name}, **meta)
    else:
        response = client.get(url, **meta)
    assert response.status_code == 200
    assert AuditEvent.objects.count() > before
    event = AuditEvent.objects.filter(participant=participant, action=action).latest("id")
    assert event.actor == director
    assert event.actor_email == director.email
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent == "pytest-browser"
    assert event.path == url.split("?")[0]
    assert event.category == DataCategory.SUD_RECORD
    assert event.occurred_at is not None


def test_front_desk_reads_are_recorded_as_demographics(client, front_desk, participant):
    client.force_login(front_desk)
    client.get(reverse("participants:chart", args=[participant.public_id]))
    event = AuditEvent.objects.get(action=AuditAction.PARTICIPANT_VIEWED)
    assert event.category == DataCategory.DEMOGRAPHICS


def test_audit_rows_hold_no_free_text_from_the_record(client, director, participant):
    marker = "MARKER-clinical-text-7731"
    participant.address = marker
    participant.save()
    client.force_login(director)
    client.get(reverse("participants:chart", args=[participant.public_id]))
    client.post(
        reverse("participants:edit", args=[participant.public_id]),
        {
            "legal_first_name": participant.legal_first_name,
            "legal_last_name": participant.legal_last_name,
            "date_of_birth": participant.date_of_birth.isoformat(),
            "sex_assigned_at_birth": participant.sex_assigned_at_birth,
            "primary_language": "English",
            "address": marker + " updated",
            "version": participant.version,
        },
    )
    participant.refresh_from_db()
    assert participant.address == marker + " updated"
    assert AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_UPDATED).exists()
    for event in AuditEvent.objects.all():
        row = " ".join(str(value) for value in vars(event).values())
        assert marker not in row


@pytest.mark.parametrize(
    ("route", "obj"),
    [
        ("participants:edit", "participant"),
        ("participants:refer", "participant"),
        ("participants:admit", "referral"),
        ("participants:care_team", "episode"),
        ("assessments:record", "participant"),
    ],
)
def test_a_form_shown_again_with_errors_is_audited_as_a_read(
    client, director, participant, request, route, obj
):
    target = request.getfixturevalue(obj)
    args = [target.public_id, "phq9"] if route == "assessments:record" else [target.public_id]
    client.force_login(director)
    before = AuditEvent.objects.filter(participant=participant).count()
    response = client.post(reverse(route, args=args), {"op": "add"})  # empty: invalid
    assert response.status_code == 200
    assert participant.legal_last_name in response.content.decode()
    event = AuditEvent.objects.filter(participant=participant).latest("id")
    assert AuditEvent.objects.filter(participant=participant).count() == before + 1
    assert (event.actor, event.action) == (director, AuditAction.PARTICIPANT_VIEWED)
