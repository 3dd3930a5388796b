"""AUD-7: looking at or exporting the audit trail is itself audited, with the filter used."""

import pytest
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent, AuditOutcome, DataCategory
from openiop.audit.tests.factories import AuditEventFactory

FILTER = {
    "actor_email": "clinician@",
    "participant_mrn": "123456782",
    "date_from": "2024-03-10",
    "date_to": "2024-03-11",
    "action": "participant_viewed",
    "outcome": "allowed",
    "sort": "oldest",
}


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.mark.parametrize(
    ("route", "action"),
    [("audit:events", AuditAction.AUDIT_VIEWED), ("audit:export", AuditAction.AUDIT_EXPORTED)],
)
def test_viewing_writes_one_row_naming_the_auditor_and_the_filter(
    auditor_client, auditor, route, action
):
    response = auditor_client.get(reverse(route), FILTER, REMOTE_ADDR="203.0.113.9")
    if response.streaming:
        b"".join(response.streaming_content)

    event = AuditEvent.objects.get()
    assert event.action == action
    assert event.outcome == AuditOutcome.ALLOWED
    assert event.category == DataCategory.AUDIT
    assert (event.actor, event.actor_email) == (auditor, auditor.email)
    assert event.ip_address == "203.0.113.9"
    assert event.path == reverse(route)
    assert event.participant is None
    assert event.details["filters"] == FILTER
    assert event.details["valid"] is True


def test_page_number_is_recorded(auditor_client):
    auditor_client.get(reverse("audit:events"), {"page": "3"})

    assert AuditEvent.objects.get().details == {"filters": {}, "valid": True, "page": "3"}


def test_an_invalid_filter_is_audited_with_only_its_valid_values(auditor_client):
    auditor_client.get(
        reverse("audit:events"),
        {"actor_email": "clinician@", "date_from": "2024-03-11", "date_to": "2024-03-09"},
    )

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.AUDIT_VIEWED
    assert event.details["valid"] is False
    assert event.details["filters"] == {"actor_email": "clinician@", "date_from": "2024-03-11"}


def test_each_view_shows_the_trail_as_it_stood_before_that_view(auditor_client):
    existing = AuditEventFactory()

    first = auditor_client.get(reverse("audit:events"))
    second = auditor_client.get(reverse("audit:events"))

    first_view, second_view = AuditEvent.objects.filter(action=AuditAction.AUDIT_VIEWED)[::-1]
    assert [event.pk for event in first.context["events"]] == [existing.pk]
    assert [event.pk for event in second.context["events"]] == [first_view.pk, existing.pk]
    assert second_view.pk not in [event.pk for event in second.context["events"]]
