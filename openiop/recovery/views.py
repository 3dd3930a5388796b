"""Staff pages: the Check-ins chart tab (trends, shared journal entries, check-in alerts and
the relapse-prevention plan), the Portal tab (consents and invitations), portal settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from openiop.assessments.forms import AcknowledgeForm
from openiop.assessments.models import ClinicalAlert
from openiop.assessments.services import external_alert_acknowledge
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.participants import access, portal_services
from openiop.participants.models import PartTwoConsent, PortalAccount, PortalInvitation
from openiop.participants.selectors import chart_context
from openiop.programs.selectors import programs_for
from openiop.recovery import selectors, services
from openiop.recovery.forms import (
    ConsentForm,
    InviteForm,
    PortalSettingsForm,
    RelapsePlanForm,
    RevokeForm,
)

SEE = ("participants.view_participant", "recovery.see_checkins")
ACKNOWLEDGE = (*SEE, "assessments.change_clinicalalert")
CONSENT = ("participants.view_participant", "participants.manage_consent")
INVITE = ("participants.view_participant", "participants.invite_to_portal")
SETTINGS = ("recovery.manage_recovery_settings",)


# ----------------------------------------------------------------------------- check-ins tab


def _check_ins_page(request, participant, *, plan_form=None, status=200):
    context = chart_context(request.user, participant, tab="check_ins")
    episode = context["open_episode"]
    episodes = context["episodes"]
    check_ins = selectors.check_ins_for(participant, episodes, today=timezone.localdate())
    trend = selectors.trend(check_ins)
    plan = selectors.relapse_plan_for(episode)
    context.update(
        check_ins=list(reversed(check_ins)),
        chart_data={
            "labels": trend.labels,
            "mood": trend.mood,
            "craving": trend.craving,
            "sleep": trend.sleep,
            "names": {"mood": _("Mood"), "craving": _("Craving"), "sleep": _("Hours slept")},
        },
        journal=selectors.shared_journal_entries(participant, episodes),
        check_in_alerts=[
            (alert, selectors.alert_label(alert.code))
            for alert in selectors.open_check_in_alerts(request.user, participant)
        ],
        acknowledge_form=AcknowledgeForm(),
        plan=plan,
        plan_form=plan_form
        or RelapsePlanForm(
            instance=plan, initial={"expected_version": plan.version if plan else 0}
        ),
        can_write_plan=request.user.has_perm("plans.add_planversion") and episode is not None,
    )
    return render(request, "recovery/check_ins.html", context, status=status)


@require_GET
@requires(*SEE)
def check_ins(request, public_id):
    participant = access.access_participant(request.user, public_id)
    return _check_ins_page(request, participant)


@require_POST
@requires(*SEE, "plans.add_planversion")
def relapse_plan(request, public_id):
    participant = access.access_participant(request.user, public_id, action=None)
    episode = access.open_episode_in_scope(request.user, participant)
    form = RelapsePlanForm(request.POST)
    if episode is not None and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            services.relapse_plan_save(
                actor=request.user,
                episode=episode,
                values=values,
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Relapse-prevention plan saved."))
            return redirect("recovery:check_ins", public_id=participant.public_id)
    elif episode is None:
        form.add_error(None, _("The plan is written for an open episode."))
    access.record_view(request.user, participant)
    return _check_ins_page(request, participant, plan_form=form, status=400)


@require_POST
@requires(*ACKNOWLEDGE)
def acknowledge(request, public_id):
    """Acknowledge a check-in alert with the action taken (the assessments service)."""
    alert = access.access_participant_object(
        request.user,
        ClinicalAlert.objects.filter(
            administration__isnull=True, check_ins__isnull=False
        ).distinct(),
        public_id,
        action=None,
        episode_field="check_ins__episode",
    )
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the action taken to acknowledge the alert."))
    else:
        try:
            external_alert_acknowledge(actor=request.user, alert=alert, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Alert acknowledged."))
    return redirect("recovery:check_ins", public_id=alert.participant.public_id)


# ----------------------------------------------------------------------------- portal tab


def _portal_page(
    request, participant, *, consent_form=None, invite_form=None, invite_url="", status=200
):
    context = chart_context(request.user, participant, tab="portal_access")
    today = timezone.localdate()
    consents = list(
        PartTwoConsent.objects.filter(
            participant=participant, program__in=[e.program_id for e in context["episodes"]]
        )
    )
    for consent in consents:
        consent.active_today = consent.is_active_on(today)
    context.update(
        consents=consents,
        accounts=PortalAccount.objects.filter(participant=participant)
        .select_related("user", "consent")
        .annotate(
            has_two_step=Exists(TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True))
        ),
        invitations=PortalInvitation.objects.filter(
            participant=participant, used_at__isnull=True, expires_at__gt=timezone.now()
        ),
        consent_form=consent_form or ConsentForm(),
        invite_form=invite_form
        or InviteForm(initial={"email": participant.email, "full_name": participant.display_name}),
        invite_url=invite_url,
        can_invite=request.user.has_perm("participants.invite_to_portal"),
    )
    return render(request, "recovery/portal_access.html", context, status=status)


@require_GET
@requires(*CONSENT)
def portal_access(request, public_id):
    participant = access.access_participant(request.user, public_id)
    return _portal_page(request, participant)


@require_POST
@requires(*CONSENT)
def consent_add(request, public_id):
    participant = access.access_participant(request.user, public_id, action=None)
    episode = access.open_episode_in_scope(request.user, participant)
    form = ConsentForm(request.POST)
    if episode is not None and form.is_valid():
        try:
            portal_services.consent_record(
                actor=request.user, episode=episode, values=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Consent recorded. You can now invite the person it names.")
            )
            return redirect("recovery:portal_access", public_id=participant.public_id)
    elif episode is None:
        form.add_error(None, _("Consents are recorded in an open episode."))
    access.record_view(request.user, participant)
    return _portal_page(request, participant, consent_form=form, status=400)


@require_POST
@requires(*CONSENT)
def consent_revoke(request, public_id):
    consent = access.access_participant_object(
        request.user, PartTwoConsent.objects.all(), public_id, action=None, episode_field=None
    )
    if (
        not access.episodes_in_scope(request.user)
        .filter(participant=consent.participant, program=consent.program)
        .exists()
    ):
        raise Http404
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
    else:
        try:
            portal_services.consent_revoke(
                actor=request.user,
                consent=consent,
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Consent revoked. The person's access ended now."))
    return redirect("recovery:portal_access", public_id=consent.participant.public_id)


@require_POST
@requires(*INVITE)
def invite(request, public_id):
    """Invite the participant, or (with a consent's id) the person the consent names."""
    participant = access.access_participant(request.user, public_id, action=None)
    form = InviteForm(request.POST)
    if form.is_valid():
        consent = None
        if form.cleaned_data["consent"]:
            consent = PartTwoConsent.objects.filter(
                participant=participant, public_id=form.cleaned_data["consent"]
            ).first()
            if consent is None:
                raise Http404
        try:
            token = portal_services.portal_invite(
                actor=request.user,
                participant=participant,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                consent=consent,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            url = request.build_absolute_uri(reverse("portal:accept", kwargs={"token": token}))
            access.record_view(request.user, participant)
            return _portal_page(request, participant, invite_url=url)
    access.record_view(request.user, participant)
    return _portal_page(request, participant, invite_form=form, status=400)


# ----------------------------------------------------------------------------- settings


@requires(*SETTINGS)
def portal_settings(request):
    programs = list(programs_for(request.user))
    chosen = request.GET.get("program", "")
    program = next(
        (p for p in programs if str(p.public_id) == chosen), programs[0] if programs else None
    )
    if program is None:
        raise Http404
    current = selectors.settings_for(program)
    initial = {
        "crisis_line": current.crisis_line,
        "on_call_phone": current.on_call_phone,
        "craving_alert_threshold": current.craving_alert_threshold,
        "video_link": current.video_link,
        "what_to_bring": current.what_to_bring,
        "triggers": "\n".join(current.triggers),
        "coping_skills": "\n".join(current.coping_skills),
        "resources": "\n".join(current.resources),
        "expected_version": current.version,
    }
    form = PortalSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_settings_update(
                actor=request.user,
                program=program,
                values=form.values(),
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Portal settings saved for %(p)s.") % {"p": program.name})
            return redirect(f"{reverse('recovery:settings')}?program={program.public_id}")
    return render(
        request,
        "recovery/settings.html",
        {"nav": "portal_settings", "form": form, "program": program, "programs": programs},
        status=400 if form.errors else 200,
    )


@require_POST
@requires(*INVITE)
def two_step_off(request, public_id):
    """A participant or family member lost their phone: turn their two-step sign-in off so
    they can sign in with the password (and turn it on anew)."""
    from openiop.portal import two_step

    account = access.access_participant_object(
        request.user,
        PortalAccount.objects.select_related("user"),
        public_id,
        action=None,
        episode_field=None,
    )
    try:
        removed = two_step.totp_reset(actor=request.user, account_email=account.user.email)
    except ValidationError:
        raise Http404 from None
    if removed:
        messages.success(request, _("Two-step sign-in is off for this account."))
    else:
        messages.info(request, _("This account had no two-step sign-in."))
    return redirect("recovery:portal_access", public_id=account.participant.public_id)
