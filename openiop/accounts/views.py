"""Sign in, sign out, change password; lockout page. Each outcome is audited (AUD-2)."""

import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openiop.accounts.models import User
from openiop.audit.models import AuditAction, AuditOutcome, DataCategory
from openiop.audit.services import audit_record
from openiop.core.middleware import session_mark_started
from openiop.core.policy import authenticated, public


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        session_mark_started(self.request)
        audit_record(
            actor=form.get_user(), action=AuditAction.LOGIN, category=DataCategory.SECURITY
        )
        return response

    def form_invalid(self, form):
        email, details = _attempted_account(login_username(self.request))
        audit_record(
            actor=None,
            actor_email=email,
            action=AuditAction.LOGIN_FAILED,
            outcome=AuditOutcome.DENIED,
            category=DataCategory.SECURITY,
            details=details,
        )
        return super().form_invalid(form)


def _attempted_account(username: str | None) -> tuple[str, dict]:
    """The e-mail to record for a failed sign-in: an existing account's address only.

    Anything else typed in the e-mail box (a mistyped address, or a password typed in the
    wrong box) is never written to the audit trail (AUD-9)."""
    if username and User.objects.filter(email__iexact=username).exists():
        return username[:254], {}
    return "", {"unknown_account": True}


login = public(LoginView.as_view())


def login_username(request, credentials: dict | None = None) -> str | None:
    """The e-mail address a sign-in attempt is for, normalized as the login form does.

    django-axes counts failures under this name (``AXES_USERNAME_CALLABLE``), so that changing
    the case of a letter does not start a fresh count and bypass the lockout (AUTH-4).
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username") if request is not None else None
    if not username:
        return None
    return User.objects.normalize_email(unicodedata.normalize("NFKC", username)) or None


def lockout(request, original_response=None, credentials=None):
    """django-axes calls this when an account is locked (AUTH-4)."""
    email, details = _attempted_account(login_username(request, credentials))
    audit_record(
        actor=None,
        actor_email=email,
        action=AuditAction.LOCKED_OUT,
        outcome=AuditOutcome.DENIED,
        category=DataCategory.SECURITY,
        details=details,
    )
    cooloff_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "accounts/locked_out.html", {"cooloff_minutes": cooloff_minutes}, status=429
    )


@public
@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=AuditAction.LOGOUT, category=DataCategory.SECURITY)
    logout(request)  # flushes the server-side session (SESS-4)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@authenticated
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit_record(
            actor=user, action=AuditAction.PASSWORD_CHANGED, category=DataCategory.SECURITY
        )
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})
