"""Optional two-step sign-in for portal accounts: a time-based code (TOTP, RFC 6238) from an
authenticator app, on top of the password. Built on django-otp's ``TOTPDevice``: 6 digits,
30-second steps, one step of clock tolerance, each code accepted once, and django-otp's
throttling (after n wrong codes in a row the next try waits 2^(n-1) seconds).

An account has at most one confirmed device. Setting up makes an unconfirmed one, which
becomes the account's only device once a current code confirms it. Staff accounts never have
one here (staff MFA is separate work), so nothing below changes how staff sign in.

The services take the actor, validate, save and audit themselves with codes and ids only:
never the key, never a code (AUD-9). The ones that check a code hold the transaction
themselves instead of using ``@transaction.atomic`` on the function: a refused code must
leave its failure count (the throttle) and its audit row behind, so the refusal is raised
only after the transaction has committed.
"""

import math
from base64 import b32encode
from urllib.parse import quote, urlencode

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from openiop.accounts.models import User
from openiop.audit.models import AuditAction, AuditOutcome, DataCategory
from openiop.audit.services import audit_record

DEVICE_NAME = "portal"
ISSUER = "OpenIOP"


# ----------------------------------------------------------------------------- reads


def confirmed_device(user) -> TOTPDevice | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice | None:
    """The device being set up (scanned, not yet confirmed with a code), if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def needs_code(user) -> bool:
    """Signed in with the password only, on an account that has turned two-step sign-in on."""
    if not getattr(user, "is_authenticated", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def provisioning_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{device.user.email}")
    params = urlencode(
        {
            "secret": typed_key(device).replace(" ", ""),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{params}"


def typed_key(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The QR code as an SVG ``data:`` address, drawn on the server (no script)."""
    return segno.make(provisioning_uri(device), error="m").svg_data_uri(scale=5, border=2)


# ----------------------------------------------------------------------------- writes


def _audit(actor, action, device, *, outcome=AuditOutcome.ALLOWED, **details) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=device,
        outcome=outcome,
        category=DataCategory.SECURITY,
        details=details,
    )


def _wait_message(locked_until) -> str:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong tries. Wait %(seconds)d second, then try again.",
        "Too many wrong tries. Wait %(seconds)d seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}


def _throttled(actor, device, purpose: str) -> str | None:
    """The message to show when django-otp's throttle holds this device back; audited."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    _audit(
        actor,
        AuditAction.PORTAL_TOTP_REFUSED,
        device,
        outcome=AuditOutcome.DENIED,
        purpose=purpose,
        throttled=True,
    )
    if info and info.get("locked_until"):
        return _wait_message(info["locked_until"])
    return _("This code cannot be checked now. Try again later.")


def _check_code(actor, device: TOTPDevice, code: str, purpose: str) -> str | None:
    """None when ``code`` is current for ``device``; otherwise the message to show. Either
    way audited; a wrong code counts towards django-otp's throttle."""
    problem = _throttled(actor, device, purpose)
    if problem:
        return problem
    if device.verify_token(code):
        _audit(actor, AuditAction.PORTAL_TOTP_ACCEPTED, device, purpose=purpose)
        return None
    _audit(
        actor,
        AuditAction.PORTAL_TOTP_REFUSED,
        device,
        outcome=AuditOutcome.DENIED,
        purpose=purpose,
    )
    return _("That code is not right. Check the time on your phone and enter the newest code.")


def _locked(queryset) -> TOTPDevice | None:
    return queryset.select_for_update().order_by("-id").first()


@transaction.atomic
def totp_setup_start(*, actor: User) -> TOTPDevice:
    """A new unconfirmed device with a fresh random key (django-otp's: 20 bytes). Any earlier
    unfinished setup is dropped. Nothing changes for signing in until it is confirmed."""
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError(_("Two-step sign-in is already on."), code="already_on")
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)


def totp_enable(*, actor: User, code: str) -> TOTPDevice:
    """Confirm the device being set up with a current code: from then on every sign-in
    asks for a code. A wrong code enables nothing."""
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ValidationError(_("Two-step sign-in is already on."), code="already_on")
        device = _locked(TOTPDevice.objects.filter(user=actor, confirmed=False))
        if device is None:
            raise ValidationError(
                _("Start again: scan the new QR code, then enter its code."), code="no_setup"
            )
        problem = _check_code(actor, device, code, "enable")
        if problem is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _audit(actor, AuditAction.PORTAL_TOTP_ENABLED, device)
    if problem:
        raise ValidationError({"code": problem}, code="refused")
    return device


def totp_disable(*, actor: User, code: str = "", password: str = "") -> None:
    """Turn two-step sign-in off, confirmed by a current code or the account's password.
    Wrong passwords count towards the same throttle as wrong codes."""
    if not code and not password:
        raise ValidationError(_("Enter a current code or your password."), code="required")
    with transaction.atomic():
        device = _locked(TOTPDevice.objects.filter(user=actor, confirmed=True))
        if device is None:
            raise ValidationError(_("Two-step sign-in is already off."), code="already_off")
        if code:
            problem, field = _check_code(actor, device, code, "disable"), "code"
        else:
            problem, field = _check_password(actor, device, password), "password"
        if problem is None:
            _audit(
                actor,
                AuditAction.PORTAL_TOTP_DISABLED,
                device,
                confirmed_with="code" if code else "password",
            )
            TOTPDevice.objects.filter(user=actor).delete()
    if problem:
        raise ValidationError({field: problem}, code="refused")


def _check_password(actor: User, device: TOTPDevice, password: str) -> str | None:
    problem = _throttled(actor, device, "disable")
    if problem:
        return problem
    if actor.check_password(password):
        device.throttle_reset()
        return None
    device.throttle_increment()
    _audit(
        actor,
        AuditAction.PORTAL_TOTP_REFUSED,
        device,
        outcome=AuditOutcome.DENIED,
        purpose="disable",
        method="password",
    )
    return _("That password is not right.")


def totp_sign_in(*, actor: User, code: str) -> TOTPDevice:
    """The second step of signing in: a current code from the account's confirmed device.
    Returns the device, for the view to mark the session verified (django-otp's ``login``)."""
    with transaction.atomic():
        device = _locked(TOTPDevice.objects.filter(user=actor, confirmed=True))
        if device is None:
            raise ValidationError(_("Two-step sign-in is off for this account."), code="off")
        problem = _check_code(actor, device, code, "sign_in")
    if problem:
        raise ValidationError({"code": problem}, code="refused")
    return device


def totp_reset(*, actor: User, account_email: str) -> bool:
    """Staff turn two-step sign-in off for a portal account whose phone is lost, so the person
    can sign in with the password again (and turn it on anew). Needs the right to invite to
    the portal and the participant in the staff member's scope; otherwise nothing changes, the
    refusal (the same as for an unknown account, AZ-4) is audited and raised after its audit
    row is committed. Returns whether a device was removed."""
    from openiop.participants.access import participants_visible_to
    from openiop.participants.models import PortalAccount

    with transaction.atomic():
        account = (
            PortalAccount.objects.filter(
                user__email__iexact=account_email.strip(),
                participant__in=participants_visible_to(actor),
            )
            .select_related("user", "participant")
            .first()
        )
        if account is None or not actor.has_perm("participants.invite_to_portal"):
            audit_record(
                actor=actor,
                action=AuditAction.ACCESS_DENIED,
                outcome=AuditOutcome.DENIED,
                category=DataCategory.SECURITY,
                details={"portal_two_step_reset": True},
            )
            removed = None
        else:
            removed, _by_model = TOTPDevice.objects.filter(user=account.user).delete()
            if removed:
                audit_record(
                    actor=actor,
                    action=AuditAction.PORTAL_TOTP_DISABLED,
                    target=account,
                    participant=account.participant,
                    category=DataCategory.SECURITY,
                    details={"confirmed_with": "staff_reset"},
                )
    if removed is None:
        raise ValidationError(
            _("No portal account with this e-mail address in your programs."), code="not_found"
        )
    return bool(removed)
