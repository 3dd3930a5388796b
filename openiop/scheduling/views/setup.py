"""Scheduling setup pages (program director): tracks, recurring groups, rooms, and staff's
hours, what they lead and their time off. Views parse, call one service or selector, render.

The setup names staff, never participants, so reading it writes no audit rows; every change
is audited by its service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.programs.selectors import programs_for
from openiop.scheduling import selectors, services
from openiop.scheduling.access import access_setup_object, access_staff_member, setup_program
from openiop.scheduling.forms import (
    ClinicianAvailabilityForm,
    ClinicianScheduleForm,
    OfferingForm,
    RoomForm,
    TimeOffForm,
    TrackForm,
)
from openiop.scheduling.models import (
    ClinicianAvailability,
    ClinicianSchedule,
    ClinicianTimeOff,
    GroupOffering,
    Room,
    Track,
)

SETUP = ("scheduling.manage_schedule_setup",)


def setup_url(program) -> str:
    return reverse("scheduling:setup") + f"?program={program.public_id}"


@require_GET
@requires(*SETUP)
def setup(request):
    """The entry point: the program's tracks and groups, rooms, and staff hours."""
    program = setup_program(request.user, request.GET.get("program"))
    context = {
        "nav": "schedule_setup",
        "program": program,
        "programs": list(programs_for(request.user).order_by("name")),
        "overview": selectors.setup_overview(program, timezone.localdate()),
    }
    return render(request, "scheduling/setup.html", context)


# ------------------------------------------------------------------------ tracks, groups, rooms

# kind (also the keyword its services take the object by) -> (model, form, save, delete)
KINDS = {
    "track": (Track, TrackForm, services.track_save, services.track_delete),
    "offering": (GroupOffering, OfferingForm, services.offering_save, services.offering_delete),
    "room": (Room, RoomForm, services.room_save, services.room_delete),
}
TITLES = {
    ("track", True): gettext_lazy("New track"),
    ("track", False): gettext_lazy("Track"),
    ("offering", True): gettext_lazy("New recurring group"),
    ("offering", False): gettext_lazy("Recurring group"),
    ("room", True): gettext_lazy("New room"),
    ("room", False): gettext_lazy("Room"),
}


def _form(kind, program, data=None, instance=None):
    form_class = KINDS[kind][1]
    extra = {"program": program} if kind == "offering" else {}
    return form_class(data, instance=instance, prefix=kind, **extra)


def _save(kind, program, form, instance, actor):
    _model, _form_class, save, _delete = KINDS[kind]
    owner = {"site": program.site} if kind == "room" else {"program": program}
    return save(
        **owner,
        actor=actor,
        values=form.values,
        expected_version=form.expected_version,
        **{kind: instance},
    )


def _edit(request, kind, program, instance=None):
    """Show, save or delete a track, recurring group or room."""
    form = _form(kind, program, instance=instance)
    refused = []
    if request.method == "POST" and request.POST.get("action") == "delete" and instance:
        try:
            KINDS[kind][3](**{kind: instance}, actor=request.user)
        except ValidationError as error:
            refused = error.messages
        else:
            messages.success(request, _("Deleted."))
            return redirect(setup_url(program))
    elif request.method == "POST":
        form = _form(kind, program, request.POST, instance=instance)
        if form.is_valid():
            try:
                saved = _save(kind, program, form, instance, request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _saved_message(kind, saved))
                return redirect(setup_url(program))
    context = {
        "refused": refused,
        "nav": "schedule_setup",
        "program": program,
        "kind": kind,
        "instance": instance,
        "title": TITLES[(kind, instance is None)],
        "form": form,
    }
    failed = bool(form.errors or refused)
    return render(request, "scheduling/setup_form.html", context, status=400 if failed else 200)


def _saved_message(kind, saved) -> str:
    upcoming = selectors.upcoming_sessions(**{kind: saved}).count() if kind != "track" else 0
    if not saved.is_active and upcoming:
        return ngettext(
            "Saved and archived. %(n)s session already scheduled from today on still uses "
            "it: it stays until its week is built again.",
            "Saved and archived. %(n)s sessions already scheduled from today on still use it: "
            "they stay until their week is built again.",
            upcoming,
        ) % {"n": upcoming}
    if upcoming:
        return ngettext(
            "Saved. Weeks built from now on use the change; the %(n)s session already "
            "scheduled keeps its times and room.",
            "Saved. Weeks built from now on use the change; the %(n)s sessions already "
            "scheduled keep their times and room.",
            upcoming,
        ) % {"n": upcoming}
    return _("Saved.")


@requires(*SETUP)
def track_add(request):
    return _edit(request, "track", setup_program(request.user, request.GET.get("program")))


@requires(*SETUP)
def track_edit(request, public_id):
    track = access_setup_object(request.user, Track, public_id)
    return _edit(request, "track", track.program, track)


@requires(*SETUP)
def offering_add(request):
    return _edit(request, "offering", setup_program(request.user, request.GET.get("program")))


@requires(*SETUP)
def offering_edit(request, public_id):
    offering = access_setup_object(request.user, GroupOffering, public_id)
    return _edit(request, "offering", offering.program, offering)


@requires(*SETUP)
def room_add(request):
    return _edit(request, "room", setup_program(request.user, request.GET.get("program")))


@requires(*SETUP)
def room_edit(request, public_id):
    room = access_setup_object(request.user, Room, public_id)
    program = setup_program(request.user, request.GET.get("program"))
    if program.site_id != room.site_id:
        program = programs_for(request.user).filter(site=room.site_id).order_by("name").first()
    return _edit(request, "room", program, room)


# ----------------------------------------------------------------------------- staff hours


@requires(*SETUP)
def staff_hours(request, public_id):
    """One staff member's scheduling in a program: what they lead and their weekly maximum,
    the weekly windows they work, and their time off."""
    program = setup_program(request.user, request.GET.get("program"))
    member = access_staff_member(request.user, program, public_id)
    schedule = ClinicianSchedule.objects.filter(program=program, user=member).first()
    forms = {
        "profile": ClinicianScheduleForm(instance=schedule, prefix="profile"),
        "window": ClinicianAvailabilityForm(prefix="window"),
        "time_off": TimeOffForm(prefix="time_off"),
    }
    if request.method == "POST" and _staff_post(request, program, member, schedule, forms):
        url = reverse("scheduling:staff_hours", args=[member.public_id])
        return redirect(f"{url}?program={program.public_id}")
    context = {
        "nav": "schedule_setup",
        "program": program,
        "member": member,
        "forms": forms,
        "hours": selectors.staff_setup(program, member, timezone.localdate()),
    }
    failed = any(form.errors for form in forms.values())
    return render(request, "scheduling/staff_hours.html", context, status=400 if failed else 200)


def _staff_post(request, program, member, schedule, forms) -> bool:
    """Apply the posted change; True when done (the page is shown again on errors)."""
    action = request.POST.get("action", "")
    actor = request.user
    if action == "remove_window":
        window = ClinicianAvailability.objects.filter(
            schedule=schedule, pk=request.POST.get("window") or 0
        ).first()
        if schedule is None or window is None:
            raise Http404
        services.clinician_availability_remove(window=window, actor=actor)
        messages.success(request, _("Removed."))
        return True
    if action == "remove_time_off":
        time_off = ClinicianTimeOff.objects.filter(
            user=member, pk=request.POST.get("time_off") or 0
        ).first()
        if time_off is None:
            raise Http404
        services.clinician_time_off_remove(time_off=time_off, program=program, actor=actor)
        messages.success(request, _("Removed."))
        return True
    if action not in ("profile", "add_window", "add_time_off"):
        raise Http404
    key = {"profile": "profile", "add_window": "window", "add_time_off": "time_off"}[action]
    if key == "profile":
        form = ClinicianScheduleForm(request.POST, instance=schedule, prefix="profile")
    else:
        form = type(forms[key])(request.POST, prefix=key)
    forms[key] = form
    if not form.is_valid():
        return False
    try:
        if key == "profile":
            services.clinician_schedule_save(
                program=program,
                user=member,
                actor=actor,
                values=form.values,
                expected_version=form.expected_version,
            )
        elif key == "window":
            if schedule is None:
                raise ValidationError(
                    _("Save what they lead and their weekly maximum first."), code="no_profile"
                )
            services.clinician_availability_add(
                schedule=schedule, actor=actor, values=form.cleaned_data
            )
        else:
            services.clinician_time_off_add(
                user=member, program=program, actor=actor, values=form.cleaned_data
            )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, _("Saved."))
    return True
