"""One-off sessions and changes to a recurring group's standing roster (the staff who build
the week). Both name participants: every page lists them in the audit trail."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.services import audit_record_listing
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.participants import access
from openiop.scheduling import rules, selectors, services
from openiop.scheduling.access import access_setup_object, setup_program
from openiop.scheduling.forms import GroupJoinForm, GroupLeaveForm, SessionAddForm
from openiop.scheduling.models import GroupOffering

BUILD = ("scheduling.build_weekschedule", "participants.view_program_participants")


def _audit_listing(request, participants, **details) -> None:
    audit_record_listing(
        actor=request.user,
        participants={p.pk: p for p in participants}.values(),
        category=access.data_category_for(request.user),
        details=details or None,
    )


@requires(*BUILD)
def session_add(request):
    """Add a one-off session (a re-solve of the week never removes it)."""
    program = setup_program(request.user, request.GET.get("program"))
    staff, episodes = selectors.session_add_choices(request.user, program)
    initial = {
        "held_on": request.GET.get("date") or timezone.localdate(),
        "participants": [request.GET["participant"]] if request.GET.get("participant") else [],
    }
    data = request.POST if request.method == "POST" else None
    form = SessionAddForm(data, initial=initial, program=program, staff=staff, episodes=episodes)
    if data is not None and form.is_valid():
        try:
            session = services.session_add(program=program, actor=request.user, **form.values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Session added."))
            week = rules.iso_week(rules.week_start(session.held_on))
            return redirect(
                reverse("scheduling:program_week") + f"?program={program.public_id}&week={week}"
            )
    _audit_listing(request, [e.participant for e in episodes])
    context = {"nav": "schedule", "program": program, "form": form}
    return render(
        request, "scheduling/session_add.html", context, status=400 if form.errors else 200
    )


@requires(*BUILD)
def group_roster(request, public_id):
    """A recurring group's standing roster: add someone from a date on, or take them out
    after a last day. Past sessions and sessions with attendance are never changed."""
    offering = access_setup_object(request.user, GroupOffering, public_id)
    today = timezone.localdate()
    roster = selectors.group_roster(request.user, offering, today)
    join = GroupJoinForm(episodes=roster.choices, initial={"starts_on": today})
    leave_errors = {}
    if request.method == "POST":
        done, join, leave_errors = _roster_post(request, offering, roster, join)
        if done:
            return redirect("scheduling:group_roster", public_id=offering.public_id)
    _audit_listing(
        request,
        [e.episode.participant for e in roster.enrollments]
        + [e.participant for e in roster.choices],
        offering=offering.code,
    )
    context = {
        "nav": "schedule_setup",
        "program": offering.program,
        "offering": offering,
        "roster": roster,
        "join": join,
        "leave_forms": [
            (
                enrollment,
                leave_errors.get(enrollment.pk)
                or GroupLeaveForm(
                    auto_id=f"leave-{enrollment.pk}-%s",
                    initial={"episode": enrollment.episode.public_id, "last_day": today},
                ),
            )
            for enrollment in roster.enrollments
            if enrollment.ends_on is None
        ],
        "ending": [e for e in roster.enrollments if e.ends_on is not None],
        "today": today,
    }
    failed = bool(join.errors) or bool(leave_errors)
    return render(request, "scheduling/group_roster.html", context, status=400 if failed else 200)


def _roster_post(request, offering, roster, join):
    """(done, join form, {enrollment pk: leave form with errors})."""
    action = request.POST.get("action")
    if action == "join":
        join = GroupJoinForm(request.POST, episodes=roster.choices)
        if join.is_valid():
            try:
                services.group_join(
                    offering=offering,
                    episode=join.episodes[join.cleaned_data["episode"]],
                    starts_on=join.cleaned_data["starts_on"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(join, error)
            else:
                messages.success(
                    request,
                    _("Added to the group from %(day)s on.")
                    % {"day": join.cleaned_data["starts_on"].isoformat()},
                )
                return True, join, {}
        return False, join, {}
    if action != "leave":
        raise Http404
    open_places = {str(e.episode.public_id): e for e in roster.enrollments if e.ends_on is None}
    enrollment = open_places.get(request.POST.get("episode", ""))
    if enrollment is None:
        raise Http404
    form = GroupLeaveForm(request.POST, auto_id=f"leave-{enrollment.pk}-%s")
    if form.is_valid():
        try:
            services.group_leave(
                offering=offering,
                episode=enrollment.episode,
                last_day=form.cleaned_data["last_day"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Taken out of the group after %(day)s.")
                % {"day": form.cleaned_data["last_day"].isoformat()},
            )
            return True, join, {}
    return False, join, {enrollment.pk: form}
