"""Who may use which portal page: the one place that decides, for the portal (AZ-3).

A portal page serves one of two kinds of account, found through ``PortalAccount``:
- a participant, who reaches only their own records, in their open episode;
- a family member, who reaches only what their consent covers, on the day of the request
  (revoked or expired: refused at once, 42 CFR Part 2, P2-3).
Anyone else (staff, an unlinked account, a family member on a participant page) gets 404,
the same as "does not exist" (AZ-4), and the attempt is audited. Objects named in URLs are
looked up among the signed-in participant's own records only.

An account that turned two-step sign-in on and has given only its password this session is
sent to the code page before any portal page opens (``second_step``): only sign-in, sign-out,
the invitation link and the code page itself are reached without the code.
"""

from dataclasses import dataclass
from functools import wraps
from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse_lazy
from django.utils import timezone

from openiop.audit.models import AuditAction, AuditOutcome, DataCategory
from openiop.audit.services import audit_record
from openiop.core.policy import POLICY_ATTRIBUTE
from openiop.participants.models import (
    OPEN_STATUSES,
    Episode,
    Participant,
    PortalAccount,
    PortalAccountKind,
)
from openiop.portal import two_step

PARTICIPANT_POLICY = "portal:participant"
FAMILY_POLICY = "portal:family"
ACCOUNT_POLICY = "portal:account"


@dataclass(frozen=True)
class PortalUser:
    account: PortalAccount
    participant: Participant
    episode: Episode | None

    @property
    def consent(self):
        return self.account.consent


def deny(user, *, participant=None, target_id: str = "") -> None:
    audit_record(
        actor=user,
        action=AuditAction.ACCESS_DENIED,
        outcome=AuditOutcome.DENIED,
        participant=participant,
        target_id=target_id,
        details={"portal": True},
    )
    raise Http404


def current_episode(participant: Participant) -> Episode | None:
    """The participant's most recent open episode (the portal shows one at a time)."""
    return (
        participant.episodes.filter(status__in=OPEN_STATUSES)
        .select_related("program__site")
        .order_by("-referred_on", "-id")
        .first()
    )


def portal_account(user) -> PortalAccount | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return PortalAccount.objects.filter(user=user).select_related("participant", "consent").first()


def participant_for(user) -> PortalUser:
    """The signed-in participant with their open episode; anyone else 404, audited."""
    account = portal_account(user)
    if account is None or account.kind != PortalAccountKind.PARTICIPANT:
        deny(user, participant=account.participant if account else None)
    episode = current_episode(account.participant)
    return PortalUser(account, account.participant, episode)


def family_for(user, category: str | None = None) -> PortalUser:
    """The signed-in family member whose consent is active today (and covers ``category``
    when given); anyone else 404, audited."""
    account = portal_account(user)
    if account is None or account.kind != PortalAccountKind.FAMILY:
        deny(user, participant=account.participant if account else None)
    today = timezone.localdate()
    consent = account.consent
    allowed = consent.is_active_on(today) and (category is None or category in consent.categories)
    if not allowed:
        deny(user, participant=account.participant, target_id=str(consent.public_id))
    return PortalUser(account, account.participant, current_episode(account.participant))


def account_for(user) -> PortalUser:
    """Either kind of portal account, for pages about the account itself (two-step sign-in):
    a participant, or a family member whose consent is active today; anyone else 404."""
    account = portal_account(user)
    if account is not None and account.kind == PortalAccountKind.FAMILY:
        return family_for(user)
    return participant_for(user)


def own_object(portal_user: PortalUser, queryset: QuerySet, public_id: UUID | str):
    """An object of the signed-in participant's (by its ``participant``); else 404, audited."""
    found = queryset.filter(participant=portal_user.participant, public_id=public_id).first()
    if found is None:
        existing = queryset.filter(public_id=public_id).select_related("participant").first()
        deny(
            portal_user.account.user,
            participant=existing.participant if existing else None,
            target_id=str(public_id),
        )
    return found


def record_view(portal_user: PortalUser, target=None, *, page: str) -> None:
    """Audit a portal page showing the record: the participant's own look, or a disclosure
    to family under their consent (P2-6: the consent is named)."""
    is_family = portal_user.account.kind == PortalAccountKind.FAMILY
    audit_record(
        actor=portal_user.account.user,
        action=AuditAction.FAMILY_DISCLOSURE if is_family else AuditAction.PORTAL_VIEWED,
        target=target or portal_user.participant,
        participant=portal_user.participant,
        category=DataCategory.SUD_RECORD,
        details={"page": page}
        | ({"consent": str(portal_user.consent.public_id)} if is_family else {}),
    )


# Anonymous visitors to a portal page sign in on the portal's own page (Django's
# LoginRequiredMiddleware reads a view's ``login_url``).
PORTAL_LOGIN_URL = reverse_lazy("portal:login")
PORTAL_VERIFY_URL = reverse_lazy("portal:verify")


def portal_sign_in(view):
    """Send anonymous visitors of ``view`` to the portal's sign-in page, not the staff one."""
    view.login_url = PORTAL_LOGIN_URL
    return view


def second_step(view):
    """Send a password-only session of an account with two-step sign-in on to the code page
    (then back here). Nothing of the page runs before the code is given."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if two_step.needs_code(request.user):
            return redirect_to_login(request.get_full_path(), login_url=PORTAL_VERIFY_URL)
        return view(request, *args, **kwargs)

    return wrapper


def participant_page(view):
    """A participant's page: ``view(request, me, ...)``. Declares its policy (AZ-1)."""

    @wraps(view)
    @second_step
    def wrapper(request, *args, **kwargs):
        return view(request, participant_for(request.user), *args, **kwargs)

    setattr(wrapper, POLICY_ATTRIBUTE, PARTICIPANT_POLICY)
    return portal_sign_in(wrapper)


def family_page(category: str | None = None):
    """A family member's page, under a consent covering ``category``."""

    def decorator(view):
        @wraps(view)
        @second_step
        def wrapper(request, *args, **kwargs):
            return view(request, family_for(request.user, category), *args, **kwargs)

        setattr(wrapper, POLICY_ATTRIBUTE, FAMILY_POLICY)
        return portal_sign_in(wrapper)

    return decorator


def account_page(view):
    """A page about the signed-in portal account itself, for participants and family."""

    @wraps(view)
    @second_step
    def wrapper(request, *args, **kwargs):
        return view(request, account_for(request.user), *args, **kwargs)

    setattr(wrapper, POLICY_ATTRIBUTE, ACCOUNT_POLICY)
    return portal_sign_in(wrapper)
