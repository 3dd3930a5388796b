"""Every view declares its access policy (AZ-1): public, or the permissions it needs.

Coarse role checks happen here; which participants a user may see is ``access.py``'s job.
A route walker test fails on any view that declares no policy.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied

POLICY_ATTRIBUTE = "openiop_policy"
PUBLIC = "public"
AUTHENTICATED = "authenticated"


def public(view: Callable) -> Callable:
    """Open to anonymous visitors (the login page and little else)."""
    view = login_not_required(view)
    setattr(view, POLICY_ATTRIBUTE, PUBLIC)
    return view


def authenticated(view: Callable) -> Callable:
    """Any signed-in person (e.g. changing their own password)."""
    setattr(view, POLICY_ATTRIBUTE, AUTHENTICATED)
    return view


def requires(*permissions: str) -> Callable[[Callable], Callable]:
    """Signed in and holding every one of ``permissions``; otherwise 403, audited."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perms(permissions):
                from openiop.audit.models import AuditAction, AuditOutcome
                from openiop.audit.services import audit_record

                audit_record(
                    actor=request.user,
                    action=AuditAction.ACCESS_DENIED,
                    outcome=AuditOutcome.DENIED,
                    details={"permissions": list(permissions)},
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        setattr(wrapper, POLICY_ATTRIBUTE, tuple(permissions))
        return wrapper

    return decorator
