"""AZ-2 / AUD-2 for the audit trail: only the compliance auditor gets in; refusals are audited."""

import pytest
from django.urls import reverse

from conftest import PERSONAS
from openiop.audit import views
from openiop.audit.models import AuditAction, AuditEvent, AuditOutcome

ROUTES = ("audit:events", "audit:export")
EXPECTED_STATUS = {persona: 403 for persona in PERSONAS} | {"anonymous": 302, "auditor": 200}


def test_every_audit_view_declares_the_auditor_permission():
    for view in (views.events, views.export):
        assert view.openiop_policy == ("audit.view_auditevent",)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, db, as_persona, persona, route):
    user = as_persona(persona)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = client.get(reverse(route))

    assert response.status_code == EXPECTED_STATUS[persona]
    written = list(AuditEvent.objects.exclude(pk__in=before))
    if persona == "anonymous":
        assert written == []
    elif persona == "auditor":
        expected = (
            AuditAction.AUDIT_VIEWED if route == "audit:events" else AuditAction.AUDIT_EXPORTED
        )
        assert [(e.action, e.outcome, e.actor) for e in written] == [
            (expected, AuditOutcome.ALLOWED, user)
        ]
    else:
        assert [(e.action, e.outcome, e.actor, e.path) for e in written] == [
            (AuditAction.ACCESS_DENIED, AuditOutcome.DENIED, user, reverse(route))
        ]


@pytest.mark.parametrize("route", ROUTES)
def test_the_trail_is_read_only_over_http(client, auditor, route):
    client.force_login(auditor)

    response = client.post(reverse(route), {"action": "login"})

    assert response.status_code == 405
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitor_is_sent_to_the_login_page(client, db, route):
    url = reverse(route)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("route", ROUTES)
def test_denied_request_shows_no_audit_rows(client, director, route):
    """A 403 carries no audit data, whatever rows exist."""
    AuditEvent.objects.create(actor_email="secret-row@example.org", action=AuditAction.LOGIN)
    client.force_login(director)

    response = client.get(reverse(route))

    assert response.status_code == 403
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"secret-row@example.org" not in body
