"""Writes for portal access: 42 CFR Part 2 consents, invitations, accepting an invitation.

Each takes the actor, runs in one transaction, validates, saves and audits itself (codes and
ids only: never a recipient's name or the purpose's words, AUD-9).
"""

import hashlib
import secrets
from datetime import date, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.core.versioning import version_claim
from openiop.participants.models import (
    ConsentCategory,
    Episode,
    Participant,
    PartTwoConsent,
    PortalAccount,
    PortalAccountKind,
    PortalInvitation,
)
from openiop.participants.rules import consent_missing_elements, element_labels

INVITATION_DAYS = 7
CONSENT_FIELDS = (
    "recipient_name",
    "recipient_relationship",
    "recipient_email",
    "purpose",
    "categories",
    "expires_on",
    "right_to_revoke_explained",
    "signature_name",
    "signed_on",
)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def consent_record(*, actor: User, episode: Episode, values: dict) -> PartTwoConsent:
    """Record a signed consent naming one recipient. Every required element must be there
    (42 CFR 2.31(a)); otherwise nothing is saved and the missing elements are named."""
    consent = PartTwoConsent(
        participant=episode.participant, program=episode.program, recorded_by=actor
    )
    for field in CONSENT_FIELDS:
        value = values.get(field)
        if isinstance(value, str):
            value = value.strip()
        if value is not None:
            setattr(consent, field, value)
    unknown = set(consent.categories) - set(ConsentCategory.values)
    if unknown:
        raise ValidationError({"categories": _("Choose what may be shared from the list.")})
    missing = consent_missing_elements(consent)
    if missing:
        raise ValidationError(
            _("A consent needs every required element. Missing: %(missing)s.")
            % {"missing": ", ".join(element_labels(missing))},
            code="incomplete",
        )
    today = timezone.localdate()
    if consent.signed_on > today:
        raise ValidationError({"signed_on": _("The date signed cannot be in the future.")})
    if consent.expires_on < today:
        raise ValidationError({"expires_on": _("The expiry date has already passed.")})
    consent.full_clean()
    consent.save()
    audit_record(
        actor=actor,
        action=AuditAction.CONSENT_RECORDED,
        target=consent,
        participant=consent.participant,
        category=DataCategory.SUD_RECORD,
        details={"categories": list(consent.categories), "expires_on": str(consent.expires_on)},
    )
    return consent


@transaction.atomic
def consent_revoke(
    *, actor: User, consent: PartTwoConsent, expected_version: int
) -> PartTwoConsent:
    """Revoke at once: the recipient's next request is refused (P2-3). Open invitations made
    under the consent stop working too."""
    consent = version_claim(consent, expected_version=expected_version)
    if consent.revoked_at is not None:
        raise ValidationError(_("This consent was already revoked."), code="revoked")
    consent.revoked_at, consent.revoked_by = timezone.now(), actor
    consent.save(update_fields=["revoked_at", "revoked_by", "version", "updated_at"])
    PortalInvitation.objects.filter(consent=consent, used_at__isnull=True).update(
        expires_at=consent.revoked_at
    )
    audit_record(
        actor=actor,
        action=AuditAction.CONSENT_REVOKED,
        target=consent,
        participant=consent.participant,
        category=DataCategory.SUD_RECORD,
    )
    return consent


@transaction.atomic
def portal_invite(
    *,
    actor: User,
    participant: Participant,
    email: str,
    full_name: str,
    consent: PartTwoConsent | None = None,
    now=None,
) -> str:
    """A one-time sign-up link for the participant (no ``consent``) or the person a consent
    names. Returns the token, shown once; only its digest is kept. Earlier open invitations
    for the same person stop working."""
    now = now or timezone.now()
    email = User.objects.normalize_email(email.strip())
    full_name = full_name.strip()
    if not email or not full_name:
        raise ValidationError(_("Give the person's name and e-mail address."), code="required")
    kind = PortalAccountKind.PARTICIPANT if consent is None else PortalAccountKind.FAMILY
    if consent is not None:
        consent = PartTwoConsent.objects.get(pk=consent.pk)  # as it stands now, not as passed
        if consent.participant_id != participant.pk:
            raise ValidationError(_("This consent belongs to someone else."), code="consent")
        if not consent.is_active_on(timezone.localdate()):
            raise ValidationError(
                _("Family members are invited only under an active consent."), code="consent"
            )
    elif PortalAccount.objects.filter(participant=participant, kind=kind).exists():
        raise ValidationError(_("This participant already has a portal account."), code="exists")
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("An account with this e-mail address already exists.")}, code="exists"
        )
    PortalInvitation.objects.filter(
        participant=participant, email__iexact=email, used_at__isnull=True
    ).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = PortalInvitation.objects.create(
        participant=participant,
        kind=kind,
        consent=consent,
        email=email,
        full_name=full_name,
        token_digest=token_digest(token),
        expires_at=now + timedelta(days=INVITATION_DAYS),
        invited_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.PORTAL_INVITED,
        target=invitation,
        participant=participant,
        category=DataCategory.SECURITY,
        details={"kind": kind},
    )
    return token


def invitation_for_token(token: str, *, now=None) -> PortalInvitation | None:
    """The usable invitation behind ``token``: unknown, used or expired ones give None."""
    now = now or timezone.now()
    invitation = (
        PortalInvitation.objects.filter(token_digest=token_digest(token))
        .select_related("participant", "consent")
        .first()
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        return None
    if invitation.consent is not None and not invitation.consent.is_active_on(timezone.localdate()):
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Create the invited person's account with the password they chose (the project's
    password validators apply), once. The actor is the new account itself."""
    invitation = invitation_for_token(token)
    if invitation is not None:
        invitation = PortalInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation is None or invitation.used_at is not None:
        raise ValidationError(
            _("This invitation link has expired or was already used. Ask for a new one."),
            code="invalid",
        )
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account with this e-mail address already exists."))
    user = User(email=invitation.email, full_name=invitation.full_name)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    account = PortalAccount.objects.create(
        user=user,
        participant=invitation.participant,
        kind=invitation.kind,
        consent=invitation.consent,
    )
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at", "updated_at"])
    audit_record(
        actor=user,
        action=AuditAction.PORTAL_ACCOUNT_CREATED,
        target=account,
        participant=invitation.participant,
        category=DataCategory.SECURITY,
        details={"kind": invitation.kind},
    )
    return user


def consent_is_current(consent: PartTwoConsent | None, day: date | None = None) -> bool:
    return consent is not None and consent.is_active_on(day or timezone.localdate())
