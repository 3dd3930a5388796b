"""Portal pages for participants and their consented family. Views parse, call one service
or selector, and render; who may see what is portal/access.py's job."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from openiop.accounts.views import LoginView
from openiop.assessments import services as assessment_services
from openiop.assessments.forms import CONTEXT_FIELDS, AdministrationForm
from openiop.assessments.models import AdministrationSource
from openiop.assessments.selectors import instrument_for
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.core.forms import add_service_errors
from openiop.core.middleware import session_mark_started
from openiop.core.policy import authenticated, public
from openiop.participants import portal_services
from openiop.participants.models import ConsentCategory, PortalAccountKind
from openiop.portal import access, selectors, two_step
from openiop.portal.forms import (
    CheckInForm,
    CodeForm,
    JournalForm,
    PlanAddForm,
    SetPasswordForm,
    TurnOffForm,
)
from openiop.recovery import rules as recovery_rules
from openiop.recovery import selectors as recovery_selectors
from openiop.recovery import services as recovery_services
from openiop.recovery.models import JournalEntry
from openiop.scheduling import services as scheduling_services


def _render(request, me, template, context, *, page, status=200, target=None):
    access.record_view(me, target, page=page)
    context = {"me": me, "nav": page, **context}
    return render(request, template, context, status=status)


def _closed(request):
    messages.info(request, _("Check-ins and the calendar are open while you are in the program."))
    return redirect("portal:today")


# ----------------------------------------------------------------------------- sign in


class PortalLoginView(LoginView):
    """The portal's own sign-in page; django-axes lockout applies as on every login path."""

    template_name = "portal/login.html"

    def get_default_redirect_url(self):
        return reverse("portal:home")

    def get_success_url(self):
        """With two-step sign-in on, the password leads to the code page first."""
        url = super().get_success_url()
        if two_step.needs_code(self.request.user):
            return redirect_to_login(url, login_url=access.PORTAL_VERIFY_URL).url
        return url


login = public(PortalLoginView.as_view())


@public
@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=AuditAction.LOGOUT, category=DataCategory.SECURITY)
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("portal:login")


@public
def accept(request, token):
    """A one-time invitation link: choose a password, then you are signed in."""
    invitation = portal_services.invitation_for_token(token)
    if invitation is None:
        return render(request, "portal/invitation_invalid.html")
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = portal_services.invitation_accept(
                token=token, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            session_mark_started(request)
            audit_record(actor=user, action=AuditAction.LOGIN, category=DataCategory.SECURITY)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal:home")
    status = 400 if form.errors else 200
    return render(
        request, "portal/accept.html", {"form": form, "invitation": invitation}, status=status
    )


def _next_url(request) -> str:
    """Where to go after the code: the page asked for, if it is one of ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else reverse("portal:home")


@access.portal_sign_in
@authenticated
def verify(request):
    """The second step of signing in, for accounts with two-step sign-in on. A session that
    gives a current code stays verified until it ends (sign-out or time-out)."""
    next_url = _next_url(request)
    if not two_step.needs_code(request.user):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_step.totp_sign_in(actor=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.cycle_key()  # a new session id for the stronger sign-in
            otp_login(request, device)
            return redirect(next_url)
    status = 400 if form.errors else 200
    return render(request, "portal/verify.html", {"form": form, "next": next_url}, status=status)


@require_GET
@access.portal_sign_in
@authenticated
@access.second_step
def home(request):
    """Where a portal account lands: participants on Today, family on their page."""
    account = access.portal_account(request.user)
    if account is None:
        access.participant_for(request.user)  # audited 404
    if account.kind == PortalAccountKind.FAMILY:
        return redirect("portal:family")
    return redirect("portal:today")


# ----------------------------------------------------------------------------- participant


@require_GET
@access.participant_page
def alumni(request, me):
    """Alumni events, for former participants who opted in to keep portal access to them."""
    from openiop.discharge.selectors import alumni_events_for_portal

    events = alumni_events_for_portal(me.participant, timezone.localdate())
    if events is None:
        access.deny(request.user, participant=me.participant)
    return _render(request, me, "portal/alumni.html", {"events": events}, page="alumni")


@require_GET
@access.participant_page
def today(request, me):
    from openiop.discharge.selectors import alumni_events_for_portal

    today = timezone.localdate()
    data = selectors.today_for(me, today)
    alumni_events = alumni_events_for_portal(me.participant, today)
    return _render(
        request,
        me,
        "portal/today.html",
        {"data": data, "alumni_events": alumni_events},
        page="today",
    )


@require_GET
@access.participant_page
def schedule(request, me):
    context = {"appointments": selectors.schedule_for(me, timezone.localdate())}
    return _render(request, me, "portal/schedule.html", context, page="schedule")


@require_POST
@access.participant_page
def calendar_link(request, me):
    """A new private calendar address (times and places only); the old one stops at once."""
    if me.episode is None:
        return _closed(request)
    token = scheduling_services.calendar_feed_reset(actor=request.user, episode=me.episode)
    feed_url = request.build_absolute_uri(reverse("scheduling:feed", kwargs={"token": token}))
    context = {
        "appointments": selectors.schedule_for(me, timezone.localdate()),
        "feed_url": feed_url,
    }
    return _render(request, me, "portal/schedule.html", context, page="schedule")


@access.participant_page
def check_in(request, me):
    if me.episode is None:
        return _closed(request)
    program_settings = recovery_selectors.settings_for(me.episode.program)
    form = CheckInForm(request.POST or None, settings=program_settings)
    if request.method == "POST" and form.is_valid():
        try:
            saved = recovery_services.check_in_record(
                actor=request.user, episode=me.episode, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            context = {"check_in": saved, "settings": program_settings}
            return render(request, "portal/check_in_done.html", {"me": me, **context})
    if request.method == "POST":
        access.record_view(me, page="check_in")
        return render(
            request, "portal/check_in.html", {"me": me, "form": form, "nav": "check_in"}, status=400
        )
    return _render(request, me, "portal/check_in.html", {"form": form}, page="check_in")


@require_GET
@access.participant_page
def questionnaires(request, me):
    due = selectors.questionnaires_due(me.episode, timezone.localdate())
    return _render(request, me, "portal/questionnaires.html", {"due": due}, page="questionnaires")


@access.participant_page
def questionnaire(request, me, code):
    """Self-complete one instrument: the assessments service scores it and raises its
    alerts, exactly as for staff-entered answers (source: portal)."""
    due_codes = {
        d.instrument for d in selectors.questionnaires_due(me.episode, timezone.localdate())
    }
    instrument = instrument_for(me.episode.program, code) if me.episode else None
    if instrument is None or code not in due_codes or code in CONTEXT_FIELDS:
        access.deny(request.user, participant=me.participant, target_id=code[:64])
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data["administered_on"] = timezone.localdate().isoformat()  # server-owned (AZ-6)
    form = AdministrationForm(data, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_services.administration_submit(
                actor=request.user,
                participant=me.participant,
                episode=me.episode,
                instrument=instrument.code,
                answers=form.answers(),
                administered_on=timezone.localdate(),
                source=AdministrationSource.PORTAL,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your answers were sent to your care team."))
            return redirect("portal:questionnaires")
    context = {"form": form, "instrument": instrument}
    status = 400 if form.errors else 200
    return _render(
        request, me, "portal/questionnaire.html", context, page="questionnaires", status=status
    )


@require_GET
@access.participant_page
def goals(request, me):
    goals = selectors.goals_for(me.episode)
    rows = [(goal, *selectors.objective_progress(goal)) for goal in goals]
    return _render(request, me, "portal/goals.html", {"rows": rows}, page="goals")


@access.participant_page
def journal(request, me):
    form = JournalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery_services.journal_entry_save(
                actor=request.user,
                episode=me.episode,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                is_shared=form.cleaned_data["is_shared"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Journal entry saved."))
            return redirect("portal:journal")
    context = {"form": form, "entries": selectors.journal_for(me.participant)}
    status = 400 if form.errors else 200
    return _render(request, me, "portal/journal.html", context, page="journal", status=status)


@access.participant_page
def journal_entry(request, me, public_id):
    entry = access.own_object(me, JournalEntry.objects.all(), public_id)
    initial = {
        "title": entry.title,
        "body": entry.body,
        "is_shared": entry.is_shared,
        "expected_version": entry.version,
    }
    form = JournalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            recovery_services.journal_entry_save(
                actor=request.user,
                entry=entry,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                is_shared=form.cleaned_data["is_shared"],
                expected_version=form.cleaned_data["expected_version"] or 0,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Journal entry saved."))
            return redirect("portal:journal")
    status = 400 if form.errors else 200
    return _render(
        request,
        me,
        "portal/journal_entry.html",
        {"form": form, "entry": entry},
        page="journal",
        status=status,
        target=entry,
    )


@access.participant_page
def relapse_plan(request, me):
    plan = recovery_selectors.relapse_plan_for(me.episode)
    form = PlanAddForm(
        request.POST or None, initial={"expected_version": plan.version if plan else 0}
    )
    if request.method == "POST" and me.episode is not None and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            recovery_services.relapse_plan_save(
                actor=request.user,
                episode=me.episode,
                values=values,
                expected_version=form.cleaned_data["expected_version"],
                append=True,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to your plan."))
            return redirect("portal:relapse_plan")
    status = 400 if form.errors else 200
    return _render(
        request,
        me,
        "portal/relapse_plan.html",
        {"plan": plan, "form": form},
        page="plan",
        status=status,
    )


@require_GET
@access.participant_page
def resources(request, me):
    program = me.episode.program if me.episode else None
    context = {
        "resources": recovery_selectors.resources_for(program) if program else [],
        "settings": recovery_selectors.settings_for(program) if program else None,
    }
    return _render(request, me, "portal/resources.html", context, page="resources")


# ----------------------------------------------------------------------------- family


@require_GET
@access.family_page()
def family(request, me):
    """What the consent covers, checked today: family sessions and workshops, an attendance
    summary if consented, and educational material. Never notes, tests or diagnoses."""
    today_date = timezone.localdate()
    consent = me.consent
    context = {
        "consent": consent,
        "sessions": selectors.family_sessions(me, today_date)
        if ConsentCategory.FAMILY_SESSIONS in consent.categories
        else None,
        "attendance": selectors.attendance_summary(me, today_date)
        if ConsentCategory.ATTENDANCE_SUMMARY in consent.categories
        else None,
        "settings": recovery_selectors.settings_for(me.episode.program) if me.episode else None,
        "crisis_line": recovery_rules.DEFAULT_CRISIS_LINE,
    }
    return _render(request, me, "portal/family.html", context, page="family")


# ----------------------------------------------------------------------------- account


@access.account_page
def two_step_settings(request, me):
    """Turn two-step sign-in on (scan, then confirm with a code) or off (a code or the
    password). Each action is one service; the page shows where the account stands."""
    code_form, off_form = CodeForm(), TurnOffForm()
    action = request.POST.get("action") if request.method == "POST" else None
    problems = []
    try:
        if action == "start":
            two_step.totp_setup_start(actor=request.user)
            return redirect("portal:two_step")
        if action == "enable":
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                device = two_step.totp_enable(
                    actor=request.user, code=code_form.cleaned_data["code"]
                )
                otp_login(request, device)  # this session has just shown a code
                messages.success(request, _("Two-step sign-in is on."))
                return redirect("portal:two_step")
        elif action == "disable":
            off_form = TurnOffForm(request.POST)
            if off_form.is_valid():
                two_step.totp_disable(actor=request.user, **off_form.cleaned_data)
                messages.success(request, _("Two-step sign-in is off."))
                return redirect("portal:two_step")
        elif action is not None:
            problems.append(_("Choose one of the buttons on this page."))
    except ValidationError as error:
        form = {"enable": code_form, "disable": off_form}.get(action)
        if form is not None and form.is_bound:
            add_service_errors(form, error)
        else:
            problems.extend(error.messages)
    device = two_step.confirmed_device(request.user)
    pending = None if device else two_step.pending_device(request.user)
    context = {
        "me": me,
        "nav": "two_step",
        "is_on": device is not None,
        "pending": pending,
        "qr_code": two_step.qr_code_data_uri(pending) if pending else "",
        "typed_key": two_step.typed_key(pending) if pending else "",
        "code_form": code_form,
        "off_form": off_form,
        "problems": problems,
    }
    refused = problems or code_form.errors or off_form.errors
    return render(request, "portal/two_step.html", context, status=400 if refused else 200)
