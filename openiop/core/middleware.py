"""Request-wide behaviour: request context for audit, server-side session timeouts, no-store."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from openiop.core import request_context

SESSION_STARTED = "openiop_started_at"
SESSION_LAST_ACTIVITY = "openiop_last_activity"
BACKGROUND_HEADER = "HTTP_X_OPENIOP_BACKGROUND"


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.activate(
            request_context.RequestContext(
                ip_address=request.META.get("REMOTE_ADDR") or None,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:256],
                path=request.path[:512],
            )
        )
        try:
            return self.get_response(request)
        finally:
            request_context.deactivate(token)


def session_mark_started(request) -> None:
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_ACTIVITY] = now


class SessionTimeoutMiddleware:
    """SESS-1/SESS-2: sign out after idle time or absolute session life, on the server.

    Requests marked as background polling (header ``X-OpenIOP-Background``) do not count as
    activity. The sign-out is audited.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            # A session opened without our login view (e.g. force_login): start the clocks now,
            # and keep them even if this first request is background polling.
            last = request.session.setdefault(SESSION_LAST_ACTIVITY, now)
            started = request.session.setdefault(SESSION_STARTED, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            reason = None
            if now - last > idle:
                reason = "idle"
            elif now - started > absolute:
                reason = "absolute"
            if reason:
                return self._expire(request, reason)
            if not request.META.get(BACKGROUND_HEADER):
                request.session[SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)

    def _expire(self, request, reason: str):
        from openiop.audit.models import AuditAction
        from openiop.audit.services import audit_record

        audit_record(
            actor=request.user, action=AuditAction.SESSION_TIMEOUT, details={"reason": reason}
        )
        logout(request)
        messages.info(request, _("You were signed out because your session timed out."))
        response = redirect_to_login(request.path, login_url=_login_url_for(request.path))
        if request.headers.get("HX-Request"):
            # An htmx request would swap the login page into a fragment: reload the page.
            return HttpResponseClientRedirect(response.url)
        return response


def _login_url_for(path: str) -> str:
    """Portal pages time out to the portal's sign-in page; everything else to the staff one."""
    from django.urls import NoReverseMatch, reverse

    try:
        portal_root = reverse("portal:home")
    except NoReverseMatch:
        return settings.LOGIN_URL
    return reverse("portal:login") if path.startswith(portal_root) else settings.LOGIN_URL


class NoStoreMiddleware:
    """CFG-4: pages are never stored by browsers or proxies (static files are served earlier)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
