"""Helpers for tests that sign in through the real login view (django-axes needs a request)."""

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from openiop.accounts.tests.factories import TEST_PASSWORD
from openiop.audit.models import AuditAction, AuditEvent


def sign_in(client, email: str, password: str = TEST_PASSWORD):
    """POST the login form; returns the response (302 on success, 200 or 429 otherwise)."""
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def assert_signed_in(client, user, response) -> None:
    assert response.status_code == 302, response.content[:500]
    assert response.url == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert client.session.get("_auth_user_id") == str(user.pk)


def assert_anonymous(client) -> None:
    assert "_auth_user_id" not in client.session
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def audit_rows(action: AuditAction):
    return AuditEvent.objects.filter(action=action)
