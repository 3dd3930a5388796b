"""Invitations: a one-time link that expires, stored only as a digest, that lets the invited
person choose a password (the project's validators) and lands them on their own portal."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openiop.accounts.models import User
from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants import portal_services
from openiop.participants.models import PortalAccount, PortalAccountKind, PortalInvitation

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a long walk by the river at dawn"


@pytest.fixture
def token(clinician, participant):
    return portal_services.portal_invite(
        actor=clinician, participant=participant, email="Sam@Example.org", full_name="Sam Lee"
    )


def _accept(client, token, password=NEW_PASSWORD, again=None):
    return client.post(
        reverse("portal:accept", args=[token]),
        {"password": password, "password_again": again or password},
    )


def test_the_token_is_stored_only_as_a_digest(token):
    invitation = PortalInvitation.objects.get()
    assert token not in invitation.token_digest
    assert invitation.token_digest == portal_services.token_digest(token)


def test_an_invitation_creates_the_account_signs_in_and_lands_on_today(client, token, participant):
    response = _accept(client, token)

    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    user = User.objects.get(email="sam@example.org")
    account = PortalAccount.objects.get(user=user)
    assert (account.participant, account.kind) == (participant, PortalAccountKind.PARTICIPANT)
    assert client.get(reverse("portal:home")).url == reverse("portal:today")
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.PORTAL_ACCOUNT_CREATED).exists()


def test_the_link_works_only_once(client, token):
    assert _accept(client, token).status_code == 302
    client.logout()

    page = client.get(reverse("portal:accept", args=[token]))
    again = _accept(client, token, password="another long sentence here")

    assert "This link no longer works" in page.content.decode()
    assert "This link no longer works" in again.content.decode()
    assert User.objects.filter(email="sam@example.org").count() == 1
    assert not User.objects.get(email="sam@example.org").check_password(
        "another long sentence here"
    )


def test_the_link_expires_after_seven_days(client, token):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        response = _accept(client, token)
    assert "This link no longer works" in response.content.decode()
    assert not User.objects.filter(email="sam@example.org").exists()


def test_the_link_still_works_just_before_it_expires(client, token):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        assert _accept(client, token).status_code == 302


def test_a_new_invitation_replaces_the_old_link(client, token, clinician, participant):
    newer = portal_services.portal_invite(
        actor=clinician, participant=participant, email="sam@example.org", full_name="Sam Lee"
    )
    assert "This link no longer works" in _accept(client, token).content.decode()
    assert _accept(client, newer).status_code == 302


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("short", "short", "too short"),
        ("password123456", "password123456", "too common"),
        (NEW_PASSWORD, "something else entirely", "not the same"),
    ],
)
def test_weak_or_mismatched_passwords_are_refused_and_the_link_kept(
    client, token, password, again, message
):
    response = _accept(client, token, password, again)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(email="sam@example.org").exists()
    assert _accept(client, token).status_code == 302


def test_an_unknown_token_shows_the_same_page_as_a_used_one(client):
    response = client.get(reverse("portal:accept", args=["not-a-real-token"]))
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_a_participant_is_invited_once(clinician, participant, token, client):
    _accept(client, token)
    with pytest.raises(ValidationError, match="already has a portal account"):
        portal_services.portal_invite(
            actor=clinician, participant=participant, email="x@example.org", full_name="X"
        )


def test_an_existing_email_cannot_be_invited(clinician, participant, director):
    with pytest.raises(ValidationError):
        portal_services.portal_invite(
            actor=clinician, participant=participant, email=director.email, full_name="D"
        )


def test_family_invitation_needs_an_active_consent_and_dies_with_it(
    client, clinician, participant, episode
):
    from openiop.portal.tests.conftest import make_consent

    consent = make_consent(participant, episode, clinician)
    token = portal_services.portal_invite(
        actor=clinician,
        participant=participant,
        email="jordan@example.org",
        full_name="Jordan Rivera",
        consent=consent,
    )
    portal_services.consent_revoke(actor=clinician, consent=consent, expected_version=1)

    assert "This link no longer works" in _accept(client, token).content.decode()
    with pytest.raises(ValidationError, match="active consent"):
        portal_services.portal_invite(
            actor=clinician,
            participant=participant,
            email="jordan@example.org",
            full_name="Jordan Rivera",
            consent=consent,
        )


def test_a_family_member_lands_on_the_family_page(client, clinician, participant, episode):
    from openiop.portal.tests.conftest import make_consent

    consent = make_consent(participant, episode, clinician)
    token = portal_services.portal_invite(
        actor=clinician,
        participant=participant,
        email="jordan@example.org",
        full_name="Jordan Rivera",
        consent=consent,
    )
    _accept(client, token)
    assert client.get(reverse("portal:home")).url == reverse("portal:family")
    assert client.get(reverse("portal:family")).status_code == 200


# ----------------------------------------------------------------------------- sign in


def test_portal_login_signs_a_participant_in(client, participant_user, password):
    response = client.post(
        reverse("portal:login"), {"username": participant_user.email, "password": password}
    )
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert AuditEvent.objects.filter(actor=participant_user, action=AuditAction.LOGIN).exists()


def test_portal_login_locks_out_after_repeated_failures(
    client, participant_user, password, settings
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("portal:login"), {"username": participant_user.email, "password": "x"})

    response = client.post(
        reverse("portal:login"), {"username": participant_user.email, "password": password}
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).exists()


def test_staff_signing_in_on_the_portal_get_no_portal_page(client, director, password):
    client.post(reverse("portal:login"), {"username": director.email, "password": password})
    assert client.get(reverse("portal:home")).status_code == 404
    assert client.get(reverse("portal:today")).status_code == 404


def test_portal_logout_ends_the_session(client, participant_user):
    client.force_login(participant_user)
    response = client.post(reverse("portal:logout"))
    assert response.url == reverse("portal:login")
    assert client.get(reverse("portal:today")).status_code == 302
