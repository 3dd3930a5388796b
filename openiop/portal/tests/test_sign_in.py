"""Portal visitors sign in, and are sent back to sign in, on the portal's own page."""

import datetime as dt

import time_machine
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent


def test_anonymous_visitors_of_a_portal_page_go_to_the_portal_sign_in(client, db):
    response = client.get(reverse("portal:today"))
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('portal:login')}?next=")
    page = client.get(response.url)
    assert page.status_code == 200
    assert "My caseload" not in page.content.decode()


def test_an_idle_portal_session_times_out_to_the_portal_sign_in(client, participant_user, password):
    start = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        signed_in = client.post(
            reverse("portal:login"), {"username": participant_user.email, "password": password}
        )
        assert signed_in.status_code == 302
        assert client.get(reverse("portal:today")).status_code == 200
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        response = client.get(reverse("portal:today"))
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('portal:login')}?next=")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action=AuditAction.SESSION_TIMEOUT, actor=participant_user
    ).exists()
