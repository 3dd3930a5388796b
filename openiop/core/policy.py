"""Every view declares its access policy (AZ-1): public, or the permissions it needs.

Coarse role checks happen here; which participants a user may see is ``access.py``'s job.
A route walker test fails on any view that declares no policy.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied

POLICY_ATTRIBUTE = "openiop_policy"
PUBLIC = "public"
AUTHENTICATED = "authenticated"
ANY = "any"  # first item of the policy of a view that any one of its permissions opens


def public(view: Callable) -> Callable:
    """Open to anonymous visitors (the login page and little else)."""
    view = login_not_required(view)
    setattr(view, POLICY_ATTRIBUTE, PUBLIC)
    return view


def authenticated(view: Callable) -> Callable:
    """Any signed-in person (e.g. changing their own password)."""
    setattr(view, POLICY_ATTRIBUTE, AUTHENTICATED)
    return view


def _guarded(
    allowed: Callable[[object], bool], details: dict, policy: tuple[str, ...]
) -> Callable[[Callable], Callable]:
    """A decorator letting through requests whose user passes ``allowed``; the others get 403
    and an ``access_denied`` audit row with ``details``. The view declares ``policy``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                from openiop.audit.models import AuditAction, AuditOutcome
                from openiop.audit.services import audit_record

                audit_record(
                    actor=request.user,
                    action=AuditAction.ACCESS_DENIED,
                    outcome=AuditOutcome.DENIED,
                    details=details,
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        setattr(wrapper, POLICY_ATTRIBUTE, policy)
        return wrapper

    return decorator


def requires(*permissions: str) -> Callable[[Callable], Callable]:
    """Signed in and holding every one of ``permissions``; otherwise 403, audited."""
    return _guarded(
        lambda user: user.has_perms(permissions),
        {"permissions": list(permissions)},
        tuple(permissions),
    )


def requires_any(*permissions: str) -> Callable[[Callable], Callable]:
    """Signed in and holding at least one of ``permissions``; otherwise 403, audited. The
    declared policy is ``("any", *permissions)``."""
    if not permissions:
        raise ValueError("requires_any() needs at least one permission")
    return _guarded(
        lambda user: _has_any(user, permissions),
        {"any_of_permissions": list(permissions)},
        (ANY, *permissions),
    )


def _has_any(user, permissions: Iterable[str]) -> bool:
    return any(user.has_perm(permission) for permission in permissions)
