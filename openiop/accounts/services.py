"""Writes on accounts: every one names its actor and audits itself (AZ-8)."""

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.accounts.roles import Role
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    password: str | None,
    roles: list[str] = (),
    **fields,
) -> User:
    """Create a person's own account. ``password`` None leaves it unusable until reset."""
    email = User.objects.normalize_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    user = User(email=email, full_name=full_name, **fields)
    if password is not None:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor, action=AuditAction.USER_CREATED, target=user, category=DataCategory.SECURITY
    )
    for role in roles:
        user_grant_role(actor=actor, user=user, role=role)
    return user


def _role_group(role: str) -> Group:
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s") % {"role": role}, code="unknown_role")
    return Group.objects.get(name=role)


@transaction.atomic
def user_grant_role(*, actor: User | None, user: User, role: str) -> User:
    before = sorted(user.roles)
    user.groups.add(_role_group(role))
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_GRANTED,
        target=user,
        category=DataCategory.SECURITY,
        details={"role": role, "before": before, "after": sorted(user.roles)},
    )
    return user


@transaction.atomic
def user_revoke_role(*, actor: User | None, user: User, role: str) -> User:
    before = sorted(user.roles)
    user.groups.remove(_role_group(role))
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_REVOKED,
        target=user,
        category=DataCategory.SECURITY,
        details={"role": role, "before": before, "after": sorted(user.roles)},
    )
    return user
