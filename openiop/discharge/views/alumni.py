"""Alumni groups, members, events and attendance; the program's settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openiop.audit.models import DataCategory
from openiop.audit.services import audit_record_listing
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.discharge import forms, services
from openiop.discharge.models import (
    AlumniEvent,
    AlumniGroup,
    AlumniMembership,
    DischargeSettings,
)
from openiop.discharge.views._common import ALUMNI, SETTINGS, _errors_text
from openiop.participants import access
from openiop.programs.selectors import programs_for

# ----------------------------------------------------------------------------- alumni


def _program_choice(request):
    programs = list(programs_for(request.user))
    wanted = request.GET.get("program", "")
    program = next((p for p in programs if str(p.public_id) == wanted), None)
    return programs, program or (programs[0] if programs else None)


@requires(*ALUMNI)
def alumni(request):
    programs, program = _program_choice(request)
    if program is None:
        raise Http404
    form = forms.AlumniGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.alumni_group_create(
                actor=request.user, program=program, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alumni group created."))
            return redirect("discharge:alumni_group", public_id=group.public_id)
    groups = AlumniGroup.objects.filter(program=program).prefetch_related("memberships", "events")
    return render(
        request,
        "discharge/alumni.html",
        {"nav": "alumni", "programs": programs, "program": program, "groups": groups, "form": form},
        status=400 if form.errors else 200,
    )


def _group(request, public_id) -> AlumniGroup:
    group = (
        AlumniGroup.objects.filter(public_id=public_id, program__in=programs_for(request.user))
        .select_related("program")
        .first()
    )
    if group is None:
        raise Http404
    return group


def _visible_members(request, group):
    """Members the user may see (their participants in scope): names of others stay hidden."""
    visible = access.participants_visible_to(request.user)
    return group.memberships.filter(participant__in=visible).select_related("participant")


@requires(*ALUMNI)
def alumni_group(request, public_id):
    group = _group(request, public_id)
    members = list(_visible_members(request, group))
    audit_record_listing(
        actor=request.user,
        participants=[m.participant for m in members],
        category=DataCategory.SUD_RECORD,
    )
    context = {
        "nav": "alumni",
        "group": group,
        "members": members,
        "hidden_members": group.memberships.count() - len(members),
        "events": group.events.prefetch_related("attendees"),
        "member_form": forms.AlumniMemberForm(
            candidates=services.alumni_candidates(request.user, group)
        ),
        "event_form": forms.AlumniEventForm(),
    }
    return render(request, "discharge/alumni_group.html", context)


@require_POST
@requires(*ALUMNI)
def alumni_member_add(request, public_id):
    group = _group(request, public_id)
    form = forms.AlumniMemberForm(
        request.POST, candidates=services.alumni_candidates(request.user, group)
    )
    if form.is_valid():
        try:
            services.alumni_member_add(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _errors_text(error))
        else:
            messages.success(request, _("Member added."))
    else:
        messages.error(request, _("Choose a former participant and the date they joined."))
    return redirect("discharge:alumni_group", public_id=group.public_id)


@require_POST
@requires(*ALUMNI)
def alumni_opt_in(request, public_id):
    membership = access.access_participant_object(
        request.user,
        AlumniMembership.objects.filter(group__program__in=programs_for(request.user)),
        public_id,
        action=None,
        episode_field=None,
    )
    services.alumni_opt_in_set(
        actor=request.user,
        membership=membership,
        has_portal_opt_in=request.POST.get("has_portal_opt_in") == "on",
    )
    messages.success(request, _("Portal choice saved."))
    return redirect("discharge:alumni_group", public_id=membership.group.public_id)


@require_POST
@requires(*ALUMNI)
def alumni_event_add(request, public_id):
    group = _group(request, public_id)
    form = forms.AlumniEventForm(request.POST)
    if form.is_valid():
        try:
            services.alumni_event_create(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _errors_text(error))
        else:
            messages.success(request, _("Event added."))
    else:
        messages.error(request, _("Give the event a title and a date."))
    return redirect("discharge:alumni_group", public_id=group.public_id)


@requires(*ALUMNI)
def alumni_attendance(request, public_id):
    event = (
        AlumniEvent.objects.filter(
            public_id=public_id, group__program__in=programs_for(request.user)
        )
        .select_related("group")
        .first()
    )
    if event is None:
        raise Http404
    members = list(_visible_members(request, event.group))
    if request.method == "POST":
        chosen = set(request.POST.getlist("attended"))
        hidden = event.attendees.exclude(pk__in=[m.pk for m in members])
        attended = [m for m in members if str(m.public_id) in chosen] + list(hidden)
        try:
            services.alumni_attendance_set(actor=request.user, event=event, memberships=attended)
        except ValidationError as error:
            messages.error(request, _errors_text(error))
        else:
            messages.success(request, _("Attendance saved."))
        return redirect("discharge:alumni_group", public_id=event.group.public_id)
    audit_record_listing(
        actor=request.user,
        participants=[m.participant for m in members],
        category=DataCategory.SUD_RECORD,
    )
    attended = set(event.attendees.values_list("pk", flat=True))
    return render(
        request,
        "discharge/alumni_attendance.html",
        {"nav": "alumni", "event": event, "members": members, "attended": attended},
    )


# ----------------------------------------------------------------------------- settings


@requires(*SETTINGS)
def settings_view(request):
    programs, program = _program_choice(request)
    if program is None:
        raise Http404
    instance = DischargeSettings.objects.filter(program=program).first() or DischargeSettings(
        program=program
    )
    form = forms.SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.discharge_settings_update(actor=request.user, program=program, **form.cleaned_data)
        messages.success(request, _("Discharge settings saved for %(p)s.") % {"p": program.name})
        return redirect(f"{reverse('discharge:settings')}?program={program.public_id}")
    return render(
        request,
        "discharge/settings.html",
        {"nav": "discharge_settings", "form": form, "program": program, "programs": programs},
        status=400 if form.errors else 200,
    )
