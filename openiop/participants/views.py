"""Participant pages: parse input, call one service or selector, render. No rules here."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openiop.audit.models import AuditAction
from openiop.audit.services import audit_record_listing
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.participants import access, selectors, services
from openiop.participants.forms import (
    AdmitForm,
    CareTeamAddForm,
    CareTeamRemoveForm,
    CloseReferralForm,
    ParticipantEditForm,
    ReferForm,
    RegisterForm,
    StatusForm,
)
from openiop.participants.models import EpisodeStatus
from openiop.programs.selectors import programs_for


@require_GET
@requires("participants.view_participant")
def caseload(request):
    status = request.GET.get("status", "")
    if status not in EpisodeStatus.values:
        status = ""
    episodes = list(selectors.caseload_for(request.user, status=status or None))
    alerts = selectors.caseload_alerts(request.user, [e.participant_id for e in episodes])
    for episode in episodes:
        episode.alerts = alerts.get(episode.participant_id, [])
    audit_record_listing(
        actor=request.user,
        participants=[episode.participant for episode in episodes],
        category=access.data_category_for(request.user),
    )
    template = "participants/_caseload_table.html" if request.htmx else "participants/caseload.html"
    return render(
        request,
        template,
        {
            "nav": "caseload",
            "episodes": episodes,
            "status": status,
            "statuses": [choice for choice in EpisodeStatus.choices if choice[0] != "discharged"],
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("participants.view_participant")
def search(request):
    """Search by name or MRN. The query comes by POST so that no name appears in a URL."""
    query = request.POST.get("q", "").strip()[:100]
    results = selectors.participant_search(request.user, query) if query else []
    audit_record_listing(
        actor=request.user, participants=results, category=access.data_category_for(request.user)
    )
    template = "participants/_search_results.html" if request.htmx else "participants/search.html"
    return render(request, template, {"query": query, "results": results})


@requires("participants.add_participant", "participants.add_episode")
def register(request):
    programs = programs_for(request.user)
    form = RegisterForm(request.POST or None, programs=programs)
    duplicate = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            participant, _episode = services.participant_register(actor=request.user, **data)
        except ValidationError as error:
            duplicate = getattr(error, "code", None) == "possible_duplicate"
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered with MRN %(mrn)s.")
                % {"name": participant.display_name, "mrn": participant.mrn},
            )
            return redirect("participants:chart", public_id=participant.public_id)
    return render(
        request,
        "participants/register.html",
        {
            "nav": "register",
            "form": form,
            "duplicate": duplicate,
            "has_programs": programs.exists(),
        },
    )


@require_GET
@requires("participants.view_participant")
def chart(request, public_id):
    participant = access.access_participant(request.user, public_id)
    return render(
        request,
        "participants/chart.html",
        selectors.chart_context(request.user, participant, tab="overview"),
    )


@requires("participants.view_participant", "participants.change_participant")
def edit(request, public_id):
    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    participant = access.access_participant(request.user, public_id, action=action)
    form = ParticipantEditForm(
        request.POST or None, instance=participant, initial={"version": participant.version}
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.DEMOGRAPHIC_FIELDS}
        try:
            services.participant_update(
                actor=request.user,
                participant=participant,
                version=form.cleaned_data["version"],
                **changes,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Details saved."))
            return redirect("participants:chart", public_id=participant.public_id)
    if request.method == "POST":  # re-shown with errors: still a read
        access.record_view(request.user, participant)
    return render(request, "participants/edit.html", {"participant": participant, "form": form})


@requires("participants.view_participant", "participants.add_episode")
def refer(request, public_id):
    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    participant = access.access_participant(request.user, public_id, action=action)
    form = ReferForm(request.POST or None, programs=programs_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_refer(actor=request.user, participant=participant, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Referral recorded."))
            return redirect("participants:chart", public_id=participant.public_id)
    if request.method == "POST":  # re-shown with errors: still a read
        access.record_view(request.user, participant)
    return render(request, "participants/refer.html", {"participant": participant, "form": form})


@requires("participants.view_participant", "participants.admit_episode")
def admit(request, public_id):
    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    episode = access.access_episode(request.user, public_id, action=action)
    form = AdmitForm(
        request.POST or None,
        episode=episode,
        clinicians=selectors.clinical_staff_in(episode.program),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_admit(actor=request.user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is admitted.") % {"name": episode.participant.display_name},
            )
            return redirect("participants:chart", public_id=episode.participant.public_id)
    if request.method == "POST":  # re-shown with errors: still a read
        access.record_view(request.user, episode.participant, episode)
    return render(
        request,
        "participants/admit.html",
        {"episode": episode, "participant": episode.participant, "form": form},
    )


@require_POST
@requires("participants.view_participant", "participants.change_episode")
def change_status(request, public_id):
    episode = access.access_episode(request.user, public_id, action=None)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That status change was not understood; nothing was changed."))
    else:
        try:
            updated = services.episode_change_status(
                actor=request.user, episode=episode, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Status changed to %(s)s.") % {"s": updated.get_status_display()}
            )
    return redirect("participants:chart", public_id=episode.participant.public_id)


@requires("participants.view_participant", "participants.change_episode")
def close_referral(request, public_id):
    """Close a referral that will not start here (referred elsewhere, declined...)."""
    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    episode = access.access_episode(request.user, public_id, action=action)
    form = CloseReferralForm(request.POST or None, initial={"version": episode.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_close_referral(
                actor=request.user, episode=episode, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Referral closed."))
            return redirect("participants:chart", public_id=episode.participant.public_id)
    if request.method == "POST":  # re-shown with errors: still a read
        access.record_view(request.user, episode.participant, episode)
    return render(
        request,
        "participants/close.html",
        {"episode": episode, "participant": episode.participant, "form": form},
    )


@requires("participants.view_participant", "participants.manage_care_team")
def care_team(request, public_id):
    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    episode = access.access_episode(request.user, public_id, action=action)
    add_form = CareTeamAddForm(
        request.POST if request.POST.get("op") == "add" else None,
        staff=selectors.clinical_staff_in(episode.program).exclude(
            care_team_memberships__episode=episode
        ),
    )
    if request.method == "POST":
        try:
            if request.POST.get("op") == "add" and add_form.is_valid():
                services.care_team_add(actor=request.user, episode=episode, **add_form.cleaned_data)
                messages.success(request, _("Added to the care team."))
                return redirect("participants:care_team", public_id=episode.public_id)
            if request.POST.get("op") == "remove":
                remove_form = CareTeamRemoveForm(request.POST)
                member = (
                    episode.care_team.filter(user__public_id=remove_form.cleaned_data["user"])
                    .select_related("user")
                    .first()
                    if remove_form.is_valid()
                    else None
                )
                if member is None:
                    raise Http404
                services.care_team_remove(actor=request.user, member=member)
                messages.success(request, _("Removed from the care team."))
                return redirect("participants:care_team", public_id=episode.public_id)
        except ValidationError as error:
            add_service_errors(add_form, error)
    if request.method == "POST":  # re-shown with errors: still a read
        access.record_view(request.user, episode.participant, episode)
    return render(
        request,
        "participants/care_team.html",
        {
            "episode": episode,
            "participant": episode.participant,
            "members": episode.care_team.select_related("user"),
            "form": add_form,
        },
    )


@require_GET
@requires("participants.view_participant", "participants.view_change_history")
def history(request, public_id):
    participant = access.access_participant(
        request.user, public_id, action=AuditAction.PARTICIPANT_HISTORY_VIEWED
    )
    context = selectors.chart_context(request.user, participant, tab="history")
    context["changes"] = selectors.participant_change_history(participant, request.user)
    return render(request, "participants/history.html", context)
