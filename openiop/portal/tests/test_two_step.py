"""Optional two-step sign-in (TOTP) for portal accounts (issue 7): turning it on needs a
current code; with it on, the password alone opens no portal page; wrong codes are refused,
throttled and audited; it can be turned off; accounts without it, and staff, sign in as
before. Codes are computed with django-otp's ``totp()`` on the device key, under a
controlled clock."""

import datetime as dt
import io
import json
import re
from urllib.parse import quote

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from openiop.audit.models import AuditAction, AuditEvent, AuditOutcome
from openiop.portal.tests.test_access import PAGES, _state, _url
from openiop.portal.two_step import typed_key
from openiop.recovery.models import JournalEntry

pytestmark = pytest.mark.django_db

STEP = dt.timedelta(seconds=30)


@pytest.fixture
def clock():
    """Stopped 5 s into the next 30-second code step (today, so programme dates hold)."""
    now = int(dt.datetime.now(dt.UTC).timestamp())
    start = dt.datetime.fromtimestamp(now - now % 30 + 35, dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


@pytest.fixture
def entry(participant, episode):
    return JournalEntry.objects.create(
        participant=participant, episode=episode, title="Day one", body="Private words"
    )


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code an authenticator app shows now (``offset`` steps away)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, offset):06d}"


def wrong_code(device: TOTPDevice) -> str:
    valid = {code_for(device, offset=n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def turn_on(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="portal", confirmed=True)


def sign_in_with_password(client, user, password):
    response = client.post(reverse("portal:login"), {"username": user.email, "password": password})
    assert response.status_code == 302
    return response


def refusals(user):
    return AuditEvent.objects.filter(actor=user, action=AuditAction.PORTAL_TOTP_REFUSED)


# ----------------------------------------------------------------------------- turning on


def test_turning_on_needs_a_correct_code(client, participant_user, clock):
    client.force_login(participant_user)
    page = client.get(reverse("portal:two_step"))
    assert page.status_code == 200
    assert "Two-step sign-in is off" in page.content.decode()

    assert client.post(reverse("portal:two_step"), {"action": "start"}).status_code == 302
    setup = client.get(reverse("portal:two_step")).content.decode()
    device = TOTPDevice.objects.get(user=participant_user)
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in setup
    assert typed_key(device) in setup

    refused = client.post(
        reverse("portal:two_step"), {"action": "enable", "code": wrong_code(device)}
    )
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert refusals(participant_user).get().outcome == AuditOutcome.DENIED
    assert not AuditEvent.objects.filter(action=AuditAction.PORTAL_TOTP_ENABLED).exists()

    clock.shift(STEP)
    done = client.post(
        reverse("portal:two_step"), {"action": "enable", "code": code_for(device)}, follow=True
    )
    assert "Two-step sign-in is on." in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        actor=participant_user, action=AuditAction.PORTAL_TOTP_ENABLED
    ).exists()
    # The session that just gave the code is not asked again.
    assert client.get(reverse("portal:today")).status_code == 200


def test_a_badly_typed_code_is_explained_and_costs_no_try(client, participant_user, clock):
    client.force_login(participant_user)
    client.post(reverse("portal:two_step"), {"action": "start"})

    response = client.post(reverse("portal:two_step"), {"action": "enable", "code": "12ab"})

    assert response.status_code == 400
    assert "Enter the 6 digits your app shows." in response.content.decode()
    assert TOTPDevice.objects.get(user=participant_user).throttling_failure_count == 0
    assert not refusals(participant_user).exists()


def test_turning_on_again_is_refused_while_it_is_on(client, participant_user, clock):
    device = turn_on(participant_user)
    client.force_login(participant_user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()

    response = client.post(reverse("portal:two_step"), {"action": "start"})

    assert response.status_code == 400
    assert "already on" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=participant_user)) == [device]


# ----------------------------------------------------------------------------- signing in


@pytest.mark.parametrize("route", sorted(PAGES))
def test_the_password_alone_opens_no_participant_page(
    client, participant, participant_user, password, entry, clock, route
):
    device = turn_on(participant_user)
    sign_in_with_password(client, participant_user, password)
    method, data, expected = PAGES[route]
    before = _state(participant)
    views = AuditEvent.objects.filter(actor=participant_user, participant=participant).count()

    response = getattr(client, method)(_url(route, entry), data or {})

    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('portal:verify')}?next=")
    assert _state(participant) == before
    assert AuditEvent.objects.filter(actor=participant_user, participant=participant).count() == (
        views
    )

    client.post(response.url, {"code": code_for(device)})
    assert getattr(client, method)(_url(route, entry), data or {}).status_code == expected


@pytest.mark.parametrize("route", ["portal:home", "portal:two_step"])
def test_the_password_alone_opens_neither_home_nor_the_two_step_page(
    client, participant_user, password, clock, route
):
    turn_on(participant_user)
    sign_in_with_password(client, participant_user, password)
    response = client.get(reverse(route))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:verify"))


def test_a_family_member_with_two_step_on_gives_the_code_first(
    client, family_member, password, clock
):
    device = turn_on(family_member)
    sign_in_with_password(client, family_member, password)

    assert client.get(reverse("portal:family")).url.startswith(reverse("portal:verify"))
    assert not AuditEvent.objects.filter(action=AuditAction.FAMILY_DISCLOSURE).exists()

    client.post(reverse("portal:verify"), {"code": code_for(device)})
    assert client.get(reverse("portal:family")).status_code == 200


def test_signing_in_asks_for_the_code_after_the_password(client, participant_user, password, clock):
    device = turn_on(participant_user)

    signed_in = sign_in_with_password(client, participant_user, password)
    assert signed_in.url == f"{reverse('portal:verify')}?next={quote(reverse('portal:home'))}"
    page = client.get(signed_in.url)
    assert page.status_code == 200
    assert "Enter your code" in page.content.decode()

    accepted = client.post(
        reverse("portal:verify"), {"code": code_for(device), "next": reverse("portal:home")}
    )
    assert accepted.url == reverse("portal:home")
    assert client.get(accepted.url).url == reverse("portal:today")
    assert client.get(reverse("portal:today")).status_code == 200
    event = AuditEvent.objects.filter(actor=participant_user).get(
        action=AuditAction.PORTAL_TOTP_ACCEPTED
    )
    assert event.details == {"purpose": "sign_in"}


def test_a_verified_session_stays_verified_until_it_ends(client, participant_user, password, clock):
    device = turn_on(participant_user)
    sign_in_with_password(client, participant_user, password)
    client.post(reverse("portal:verify"), {"code": code_for(device)})

    for _minute in range(3):
        clock.shift(dt.timedelta(minutes=10))
        assert client.get(reverse("portal:today")).status_code == 200

    client.post(reverse("portal:logout"))
    sign_in_with_password(client, participant_user, password)
    assert client.get(reverse("portal:today")).url.startswith(reverse("portal:verify"))


def test_a_code_is_accepted_only_once(client, participant_user, password, clock):
    device = turn_on(participant_user)
    code = code_for(device)
    sign_in_with_password(client, participant_user, password)
    client.post(reverse("portal:verify"), {"code": code})
    client.post(reverse("portal:logout"))

    clock.shift(dt.timedelta(seconds=5))
    sign_in_with_password(client, participant_user, password)
    replay = client.post(reverse("portal:verify"), {"code": code})

    assert replay.status_code == 400
    assert client.get(reverse("portal:today")).status_code == 302


def test_wrong_codes_are_refused_throttled_and_audited(client, participant_user, password, clock):
    device = turn_on(participant_user)
    sign_in_with_password(client, participant_user, password)

    first = client.post(reverse("portal:verify"), {"code": wrong_code(device)})
    assert first.status_code == 400
    assert "That code is not right" in first.content.decode()

    # django-otp's throttle: after one failure the next try waits 1 s, after two 2 s, ...
    clock.shift(dt.timedelta(seconds=1))
    client.post(reverse("portal:verify"), {"code": wrong_code(device)})
    held_back = client.post(reverse("portal:verify"), {"code": code_for(device)})
    assert held_back.status_code == 400
    assert "Wait 2 seconds" in held_back.content.decode()
    assert client.get(reverse("portal:today")).status_code == 302

    rows = list(refusals(participant_user).order_by("id"))
    assert [row.details for row in rows] == [
        {"purpose": "sign_in"},
        {"purpose": "sign_in"},
        {"purpose": "sign_in", "throttled": True},
    ]
    assert all(row.outcome == AuditOutcome.DENIED for row in rows)

    clock.shift(dt.timedelta(seconds=2))
    assert client.post(reverse("portal:verify"), {"code": code_for(device)}).status_code == 302
    assert client.get(reverse("portal:today")).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_no_audit_row_holds_the_key_or_a_code(client, participant_user, password, clock):
    client.force_login(participant_user)
    client.post(reverse("portal:two_step"), {"action": "start"})
    device = TOTPDevice.objects.get(user=participant_user)
    codes = [wrong_code(device), code_for(device)]
    for code in codes:
        client.post(reverse("portal:two_step"), {"action": "enable", "code": code})
        clock.shift(STEP)
    codes.append(code_for(device))
    client.post(reverse("portal:two_step"), {"action": "disable", "code": codes[-1]})

    dumped = json.dumps(
        list(AuditEvent.objects.values("details", "target_id", "path", "actor_email")),
        default=str,
    )
    secrets = [device.key, typed_key(device).replace(" ", ""), *codes]
    assert not [secret for secret in secrets if secret in dumped]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.PORTAL_TOTP_REFUSED,
        AuditAction.PORTAL_TOTP_ACCEPTED,
        AuditAction.PORTAL_TOTP_ENABLED,
        AuditAction.PORTAL_TOTP_DISABLED,
    } <= actions


def test_the_next_address_cannot_lead_off_the_site(client, participant_user, password, clock):
    device = turn_on(participant_user)
    sign_in_with_password(client, participant_user, password)
    response = client.post(
        reverse("portal:verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("portal:home")


# ----------------------------------------------------------------------------- turning off


def _verified(client, user, device):
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def test_turning_off_with_a_current_code(client, participant_user, password, clock):
    device = turn_on(participant_user)
    _verified(client, participant_user, device)

    wrong = client.post(
        reverse("portal:two_step"), {"action": "disable", "code": wrong_code(device)}
    )
    assert wrong.status_code == 400
    assert TOTPDevice.objects.filter(user=participant_user, confirmed=True).exists()

    clock.shift(STEP)
    done = client.post(
        reverse("portal:two_step"), {"action": "disable", "code": code_for(device)}, follow=True
    )
    assert "Two-step sign-in is off." in done.content.decode()
    assert not TOTPDevice.objects.filter(user=participant_user).exists()
    event = AuditEvent.objects.get(action=AuditAction.PORTAL_TOTP_DISABLED)
    assert event.details == {"confirmed_with": "code"}

    client.post(reverse("portal:logout"))
    sign_in_with_password(client, participant_user, password)
    assert client.get(reverse("portal:today")).status_code == 200


def test_turning_off_with_the_password(client, participant_user, password, clock):
    device = turn_on(participant_user)
    _verified(client, participant_user, device)

    wrong = client.post(
        reverse("portal:two_step"), {"action": "disable", "password": "not the password at all"}
    )
    assert wrong.status_code == 400
    assert "That password is not right." in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=participant_user).exists()
    assert refusals(participant_user).get().details == {"purpose": "disable", "method": "password"}
    assert "not the password at all" not in json.dumps(
        list(AuditEvent.objects.values("details")), default=str
    )

    held_back = client.post(reverse("portal:two_step"), {"action": "disable", "password": password})
    assert held_back.status_code == 400
    assert "Wait 1 second" in held_back.content.decode()

    clock.shift(dt.timedelta(seconds=2))
    assert (
        client.post(
            reverse("portal:two_step"), {"action": "disable", "password": password}
        ).status_code
        == 302
    )
    assert not TOTPDevice.objects.filter(user=participant_user).exists()


def test_turning_off_needs_a_code_or_the_password(client, participant_user, clock):
    device = turn_on(participant_user)
    _verified(client, participant_user, device)
    response = client.post(reverse("portal:two_step"), {"action": "disable"})
    assert response.status_code == 400
    assert "Enter a current code or your password." in response.content.decode()
    assert TOTPDevice.objects.filter(user=participant_user).exists()


# ----------------------------------------------------------------------------- who is affected


def test_accounts_without_two_step_sign_in_as_before(client, participant_user, password):
    signed_in = sign_in_with_password(client, participant_user, password)
    assert signed_in.url == reverse("portal:home")
    assert client.get(reverse("portal:today")).status_code == 200
    assert client.get(reverse("portal:verify")).url == reverse("portal:home")


def test_staff_sign_in_is_unaffected_even_with_a_device(client, clinician, password, clock):
    turn_on(clinician)
    response = client.post(
        reverse("accounts:login"), {"username": clinician.email, "password": password}
    )
    assert response.status_code == 302
    assert client.get(reverse("participants:caseload")).status_code == 200


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("participant_user", 200),
        ("family_member", 200),
        ("revoked_family", 404),
        ("expired_family", 404),
        ("unlinked_family", 404),
        ("clinician", 404),
        ("director", 404),
    ],
)
def test_the_two_step_page_is_for_portal_accounts_only(client, request, persona, expected):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    page = client.get(reverse("portal:two_step"))
    start = client.post(reverse("portal:two_step"), {"action": "start"})

    assert page.status_code == expected
    assert start.status_code == (302 if expected == 200 else 404)
    assert TOTPDevice.objects.filter(user=user).exists() == (expected == 200)
    if expected == 404:
        assert AuditEvent.objects.filter(actor=user, outcome=AuditOutcome.DENIED).count() == 2


def test_anonymous_visitors_of_the_code_pages_go_to_the_portal_sign_in(client):
    for route in ("portal:verify", "portal:two_step"):
        response = client.get(reverse(route))
        assert response.status_code == 302
        assert re.match(rf"{reverse('portal:login')}\?next=", response.url)


# ----------------------------------------------------------------------------- lost phone


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("clinician", True),
        ("front_desk", True),
        ("other_clinician", False),
        ("billing", False),
        ("family_member", False),
    ],
)
def test_staff_in_scope_turn_two_step_off_for_a_lost_phone(
    request, participant_user, password, persona, allowed
):
    turn_on(participant_user)
    actor = request.getfixturevalue(persona)
    output = io.StringIO()

    if allowed:
        call_command("portal_two_step_off", participant_user.email, by=actor.email, stdout=output)
        assert "Two-step sign-in is off" in output.getvalue()
        event = AuditEvent.objects.get(action=AuditAction.PORTAL_TOTP_DISABLED)
        assert (event.actor, event.details) == (actor, {"confirmed_with": "staff_reset"})
    else:
        with pytest.raises(CommandError, match="No portal account"):
            call_command("portal_two_step_off", participant_user.email, by=actor.email)
        assert AuditEvent.objects.get(actor=actor).outcome == AuditOutcome.DENIED
    assert TOTPDevice.objects.filter(user=participant_user).exists() is not allowed
