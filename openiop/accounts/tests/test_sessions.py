"""Sessions end on the server: idle timeout (SESS-1), absolute life and background polling
(SESS-2), logout (SESS-4). Timeouts are audited (AUD-2)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from openiop.accounts.tests.helpers import assert_anonymous, assert_signed_in, audit_rows, sign_in
from openiop.audit.models import AuditAction

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
PAGE = "accounts:password_change"  # any signed-in page
BACKGROUND = {"HTTP_X_OPENIOP_BACKGROUND": "1"}


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, clinician, password, clock):
    """The clinician signed in through the real login view, so the session clocks are set."""
    assert_signed_in(client, clinician, sign_in(client, clinician.email, password))
    return clinician


def _page(client, **extra):
    return client.get(reverse(PAGE), **extra)


def _assert_timed_out(client, response, session_key: str, reason: str, user) -> None:
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "next=" in response.url
    assert not Session.objects.filter(session_key=session_key).exists()
    event = audit_rows(AuditAction.SESSION_TIMEOUT).get()
    assert (event.actor, event.details) == (user, {"reason": reason})
    assert_anonymous(client)


def test_idle_for_14_59_keeps_the_session(client, signed_in, clock):
    clock.shift(dt.timedelta(minutes=14, seconds=59))

    assert _page(client).status_code == 200
    assert client.session.get("_auth_user_id") == str(signed_in.pk)
    assert not audit_rows(AuditAction.SESSION_TIMEOUT).exists()


def test_idle_for_15_01_ends_the_session(client, signed_in, clock):
    assert dt.timedelta(minutes=15) == settings.SESSION_IDLE_TIMEOUT
    session_key = client.session.session_key
    clock.shift(dt.timedelta(minutes=15, seconds=1))

    response = _page(client)

    _assert_timed_out(client, response, session_key, "idle", signed_in)
    login_page = client.get(response.url)
    assert "You were signed out because your session timed out." in login_page.content.decode()


def test_activity_restarts_the_idle_clock(client, signed_in, clock):
    for _ in range(4):
        clock.shift(dt.timedelta(minutes=14))
        assert _page(client).status_code == 200
    assert not audit_rows(AuditAction.SESSION_TIMEOUT).exists()


def test_background_polling_does_not_count_as_activity(client, signed_in, clock):
    session_key = client.session.session_key
    clock.shift(dt.timedelta(minutes=10))
    assert _page(client, **BACKGROUND).status_code == 200  # still within the idle limit

    clock.shift(dt.timedelta(minutes=5, seconds=1))  # 15:01 since the last real activity
    response = _page(client, **BACKGROUND)

    _assert_timed_out(client, response, session_key, "idle", signed_in)


def test_background_polling_cannot_keep_a_session_without_clocks_alive(client, clinician, clock):
    """A session opened some other way (force_login) gets its clocks on its first request."""
    client.force_login(clinician)
    session_key = client.session.session_key
    assert _page(client, **BACKGROUND).status_code == 200
    clock.shift(dt.timedelta(minutes=10))
    assert _page(client, **BACKGROUND).status_code == 200

    clock.shift(dt.timedelta(minutes=5, seconds=1))
    response = _page(client, **BACKGROUND)

    _assert_timed_out(client, response, session_key, "idle", clinician)


def test_absolute_limit_ends_a_session_despite_activity(client, signed_in, clock):
    limit = settings.SESSION_ABSOLUTE_TIMEOUT
    assert limit == dt.timedelta(hours=12)
    session_key = client.session.session_key
    elapsed = dt.timedelta()
    step = dt.timedelta(minutes=14)
    while elapsed + step < limit:
        clock.shift(step)
        elapsed += step
        assert _page(client).status_code == 200, elapsed
    clock.shift(limit - elapsed - dt.timedelta(seconds=1))
    assert _page(client).status_code == 200  # 11:59:59 after sign-in
    assert not audit_rows(AuditAction.SESSION_TIMEOUT).exists()

    clock.shift(dt.timedelta(seconds=2))
    response = _page(client)

    _assert_timed_out(client, response, session_key, "absolute", signed_in)


def test_logout_is_audited_and_the_old_cookie_no_longer_works(client, signed_in):
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert _page(client).status_code == 200

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    event = audit_rows(AuditAction.LOGOUT).get()
    assert event.actor == signed_in
    assert not Session.objects.filter(session_key=old_cookie).exists()
    assert_anonymous(client)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(reverse(PAGE))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_logout_needs_post(client, signed_in):
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _page(client).status_code == 200
    assert not audit_rows(AuditAction.LOGOUT).exists()


def test_anonymous_logout_writes_nothing(client, db):
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert not audit_rows(AuditAction.LOGOUT).exists()


def test_a_timed_out_htmx_request_reloads_the_whole_page_to_sign_in(client, signed_in, clock):
    session_key = client.session.session_key
    clock.shift(dt.timedelta(minutes=16))

    response = client.get(
        reverse("participants:caseload") + "?status=active", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200  # htmx follows HX-Redirect itself
    assert response["HX-Redirect"] == reverse("accounts:login") + "?next=/caseload/"
    assert not Session.objects.filter(session_key=session_key).exists()
    assert_anonymous(client)


def test_a_pending_message_does_not_survive_sign_out(client, clinician, password, participant):
    from openiop.accounts.tests.helpers import sign_in

    sign_in(client, clinician.email, password)
    url = reverse("participants:edit", args=[participant.public_id])
    data = {
        "legal_first_name": participant.legal_first_name,
        "legal_last_name": participant.legal_last_name,
        "date_of_birth": participant.date_of_birth.isoformat(),
        "sex_assigned_at_birth": participant.sex_assigned_at_birth,
        "primary_language": "English",
        "version": participant.version,
    }
    assert client.post(url, data).status_code == 302  # "Details saved." is now pending
    client.post(reverse("accounts:logout"))
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert "Details saved." not in login_page
    assert "You are signed out." in login_page
