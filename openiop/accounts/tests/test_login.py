"""Signing in by e-mail, audited (AUD-2); lockout after repeated failures (AUTH-4)."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from openiop.accounts.tests.helpers import (
    assert_anonymous,
    assert_signed_in,
    audit_rows,
    sign_in,
)
from openiop.audit.models import AuditAction, AuditEvent, AuditOutcome, DataCategory

WRONG_PASSWORD = "wrong-password-marker-5f1c2"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def fresh_axes(db):
    """django-axes keeps its counts in its own tables: start (and end) every test with none."""
    axes_reset()
    assert not AccessAttempt.objects.exists()
    yield
    axes_reset()


def _row_text(event: AuditEvent) -> str:
    return repr(model_to_dict(event)) + repr(event.details)


def test_login_page_is_public_and_labelled(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="form-label" for="id_username">' in html
    assert '<label class="form-label" for="id_password">' in html
    assert 'autocomplete="current-password"' in html
    assert "no-store" in response["Cache-Control"]


def test_signs_in_by_email_whatever_its_case(client, clinician, password, fresh_axes):
    response = sign_in(client, "  Clinician@Example.ORG ", password)

    assert_signed_in(client, clinician, response)
    event = audit_rows(AuditAction.LOGIN).get()
    assert event.actor == clinician
    assert event.actor_email == "clinician@example.org"
    assert event.outcome == AuditOutcome.ALLOWED
    assert event.category == DataCategory.SECURITY
    assert event.ip_address == "127.0.0.1"
    assert event.path == reverse("accounts:login")
    assert not audit_rows(AuditAction.LOGIN_FAILED).exists()


def test_wrong_password_is_refused_and_audited_without_the_password(client, clinician, fresh_axes):
    response = sign_in(client, "Clinician@example.org", WRONG_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'role="alert"' in response.content.decode()
    assert WRONG_PASSWORD not in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = audit_rows(AuditAction.LOGIN_FAILED).get()
    assert event.actor is None
    assert event.actor_email == "clinician@example.org"
    assert event.outcome == AuditOutcome.DENIED
    assert WRONG_PASSWORD not in _row_text(event)
    assert not audit_rows(AuditAction.LOGIN).exists()
    # django-axes keeps the attempt, with the password masked.
    attempt = AccessAttempt.objects.get()
    assert WRONG_PASSWORD not in repr(model_to_dict(attempt))


def test_unknown_email_is_refused_and_audited(client, fresh_axes):
    response = sign_in(client, "nobody@example.org", WRONG_PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    event = audit_rows(AuditAction.LOGIN_FAILED).get()
    # what was typed is kept only when it names an existing account (AUD-9)
    assert (event.actor, event.actor_email, event.outcome, event.details) == (
        None,
        "",
        AuditOutcome.DENIED,
        {"unknown_account": True},
    )


def test_inactive_account_cannot_sign_in(client, clinician, password, fresh_axes):
    clinician.is_active = False
    clinician.save()

    response = sign_in(client, clinician.email, password)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert audit_rows(AuditAction.LOGIN_FAILED).count() == 1


def _fail_until_locked(client, email: str) -> list[int]:
    statuses = [sign_in(client, email, WRONG_PASSWORD).status_code]
    while statuses[-1] != 429 and len(statuses) < settings.AXES_FAILURE_LIMIT + 1:
        statuses.append(sign_in(client, email, WRONG_PASSWORD).status_code)
    return statuses


def test_lockout_after_failure_limit_refuses_even_the_right_password(
    client, clinician, director, password, fresh_axes
):
    limit = settings.AXES_FAILURE_LIMIT
    with time_machine.travel(START, tick=False) as clock:
        for attempt in range(1, limit):
            assert sign_in(client, clinician.email, WRONG_PASSWORD).status_code == 200
            assert AccessAttempt.objects.get().failures_since_start == attempt
            assert not audit_rows(AuditAction.LOCKED_OUT).exists()
        response = sign_in(client, clinician.email, WRONG_PASSWORD)
        assert response.status_code == 429  # the limit-th failure locks the account
        assert audit_rows(AuditAction.LOGIN_FAILED).count() == limit

        clock.shift(dt.timedelta(minutes=1))
        response = sign_in(client, clinician.email, password)

        assert response.status_code == 429
        assert "accounts/locked_out.html" in [t.name for t in response.templates]
        assert "no-store" in response["Cache-Control"]
        assert "_auth_user_id" not in client.session
        assert not audit_rows(AuditAction.LOGIN).exists()
        locked = audit_rows(AuditAction.LOCKED_OUT)
        assert locked.count() == 2
        assert {(e.actor_email, e.outcome) for e in locked} == {
            ("clinician@example.org", AuditOutcome.DENIED)
        }

    # Only this account is locked: another person signing in from the same address is not.
    other_client = Client()
    assert_signed_in(other_client, director, sign_in(other_client, director.email, password))


def test_lockout_lifts_after_the_cool_off(client, clinician, password, fresh_axes):
    with time_machine.travel(START, tick=False) as clock:
        assert _fail_until_locked(client, clinician.email)[-1] == 429
        assert sign_in(client, clinician.email, password).status_code == 429

        clock.shift(settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
        assert sign_in(client, clinician.email, password).status_code == 429  # restarts the wait

        clock.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        response = sign_in(client, clinician.email, password)

        assert_signed_in(client, clinician, response)
        assert audit_rows(AuditAction.LOGIN).get().actor == clinician
        assert not AccessAttempt.objects.exists()  # reset on success


def test_changing_the_case_of_the_email_does_not_evade_the_lockout(
    client, clinician, password, fresh_axes
):
    variants = [
        "clinician@example.org",
        "Clinician@example.org",
        "cLinician@example.org",
        "clInician@example.org",
        "CLINICIAN@EXAMPLE.ORG",
        " clinician@Example.org",
    ][: settings.AXES_FAILURE_LIMIT]
    assert len(variants) == settings.AXES_FAILURE_LIMIT
    statuses = [sign_in(client, email, WRONG_PASSWORD).status_code for email in variants]

    assert statuses[-1] == 429
    assert sign_in(client, "CliniCian@example.org", password).status_code == 429
    assert "_auth_user_id" not in client.session
    assert_anonymous(client)


def test_a_success_before_the_limit_resets_the_count(client, clinician, password, fresh_axes):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, clinician.email, WRONG_PASSWORD).status_code == 200
    assert_signed_in(client, clinician, sign_in(client, clinician.email, password))
    assert not AccessAttempt.objects.exists()
    client.logout()

    assert sign_in(client, clinician.email, WRONG_PASSWORD).status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_text_typed_for_an_unknown_account_is_not_recorded(client, db):
    from django.urls import reverse

    from openiop.audit.models import AuditAction, AuditEvent

    client.post(
        reverse("accounts:login"), {"username": "MySecretPassw0rd!", "password": "whatever"}
    )
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor_email == ""
    assert event.details == {"unknown_account": True}
    assert "MySecretPassw0rd" not in str(vars(event))
