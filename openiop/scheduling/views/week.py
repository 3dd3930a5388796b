"""Scheduling pages: the attendance roster, the chart's Schedule tab, week views and
calendar feeds. Views parse, call one service or selector, and render."""

import uuid
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openiop.accounts.models import User
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record, audit_record_listing
from openiop.core.forms import add_service_errors
from openiop.core.policy import public, requires
from openiop.participants import access
from openiop.participants.models import OPEN_STATUSES, EpisodeStatus
from openiop.participants.selectors import chart_context
from openiop.programs.selectors import programs_for
from openiop.scheduling import ical, rules, selectors, services
from openiop.scheduling.access import access_session_roster, rosters_visible_to
from openiop.scheduling.forms import (
    FamilyWindowForm,
    PreferencesForm,
    RosterForm,
    UnavailableForm,
)
from openiop.scheduling.models import (
    CalendarFeed,
    FamilyAvailability,
    GroupEnrollment,
    OutreachTask,
    ParticipantPreferences,
    ParticipantUnavailability,
)

VIEW = ("scheduling.view_session",)
ATTEND = ("scheduling.view_session", "scheduling.add_attendancerecord")
SEE_PARTICIPANT = ("participants.view_participant", "scheduling.view_session")
AVAILABILITY = ("participants.view_participant", "scheduling.manage_participant_availability")


def _week(request) -> date:
    """The week asked for (?week=2026-W48), else this week; a bad value says so."""
    this_week = rules.week_start(timezone.localdate())
    text = request.GET.get("week", "")
    if not text:
        return this_week
    try:
        return rules.parse_iso_week(text)
    except ValueError:
        messages.warning(request, _("That week was not understood; showing this week."))
        return this_week


def _week_links(week_of: date) -> dict:
    return {
        "week_of": week_of,
        "week_label": rules.iso_week(week_of),
        "previous_week": rules.iso_week(week_of - timedelta(days=7)),
        "next_week": rules.iso_week(week_of + timedelta(days=7)),
        "this_week": rules.iso_week(rules.week_start(timezone.localdate())),
    }


# ----------------------------------------------------------------------------- roster


def _roster_rows(request, session):
    rows = selectors.session_roster(session)
    choices = selectors.walk_in_choices(request.user, session)
    wanted = request.POST.getlist("walk_ins") if request.method == "POST" else []
    added = request.POST.get("walk_in") if request.POST.get("action") == "add_walk_in" else ""
    keys = [key for key in [*wanted, added] if key]
    if keys:
        for episode in choices.filter(public_id__in=keys):
            rows.append(selectors.RosterRow(episode, episode.participant, is_walk_in=True))
    on_roster = {row.episode.pk for row in rows}
    return rows, [e for e in choices if e.pk not in on_roster]


@requires(*ATTEND)
def roster(request, public_id):
    session = access_session_roster(request.user, public_id)
    rows, walk_in_choices = _roster_rows(request, session)
    data = request.POST.copy() if request.method == "POST" else None
    saving = data is not None and data.get("action") != "add_walk_in"
    if data is not None and not saving:
        data.pop("walk_in", None)  # added: the choice starts again empty
    form = RosterForm(data, session=session, rows=rows, walk_in_choices=walk_in_choices)
    if saving and form.is_valid():
        try:
            services.attendance_record(session=session, entries=form.entries(), actor=request.user)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_row_errors(dict(error))
            else:
                form.add_error(None, error)
        else:
            unmarked = form.unmarked()
            note = " " + _("%(n)s not marked yet.") % {"n": unmarked} if unmarked else ""
            messages.success(request, _("Attendance saved.") + note)
            return redirect("scheduling:roster", public_id=session.public_id)
    audit_record_listing(
        actor=request.user,
        participants=[row.participant for row in rows],
        category=access.data_category_for(request.user),
        details={"session": str(session.public_id)},
    )
    context = {
        "nav": "schedule",
        "session": session,
        "session_week": rules.iso_week(rules.week_start(session.held_on)),
        "form": form,
        "walk_ins": [row for row in rows if row.is_walk_in and row.record is None],
        "today": timezone.localdate(),
    }
    failed = saving and bool(form.errors)
    return render(request, "scheduling/roster.html", context, status=400 if failed else 200)


# ----------------------------------------------------------------------------- chart tab


def _schedule_episodes(user, participant):
    return list(
        access.episodes_in_scope(user)
        .filter(participant=participant, status__in=OPEN_STATUSES)
        .exclude(admitted_on=None)
        .select_related("program", "primary_clinician", "current_phase")
        .prefetch_related("unavailability", "family_availability")
        .order_by("-admitted_on")
    )


@require_GET
@requires(*SEE_PARTICIPANT)
def schedule_tab(request, public_id):
    participant = access.access_participant(request.user, public_id)
    context = chart_context(request.user, participant, tab="schedule")
    context.update(_schedule_context(request, participant))
    return render(request, "scheduling/schedule_tab.html", context)


@requires(*AVAILABILITY)
def availability(request, public_id):
    """Edit what scheduling needs to know about a participant: preferences, the weekly times
    they cannot come (with why), and their family's weekly window."""
    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    participant = access.access_participant(request.user, public_id, action=action)
    episode = next(iter(_schedule_episodes(request.user, participant)), None)
    if episode is None:
        raise Http404
    preferences = ParticipantPreferences.objects.filter(episode=episode).first()
    forms = {
        "preferences": PreferencesForm(instance=preferences, episode=episode, prefix="prefs"),
        "unavailable": UnavailableForm(prefix="unavailable"),
        "family": FamilyWindowForm(prefix="family"),
    }
    if request.method == "POST":
        done = _availability_post(request, episode, preferences, forms)
        if done:
            return redirect("scheduling:availability", public_id=participant.public_id)
        access.record_view(request.user, participant)
    context = chart_context(request.user, participant, tab="schedule")
    context.update(
        episode=episode,
        forms=forms,
        unavailable=episode.unavailability.all(),
        family_windows=episode.family_availability.all(),
    )
    failed = any(form.errors for form in forms.values())
    return render(request, "scheduling/availability.html", context, status=400 if failed else 200)


def _availability_post(request, episode, preferences, forms) -> bool:
    """Apply the posted change; True when done (the page is shown again on errors)."""
    action = request.POST.get("action", "")
    if action in ("remove_unavailable", "remove_family"):
        model = ParticipantUnavailability if action == "remove_unavailable" else FamilyAvailability
        window = model.objects.filter(episode=episode, pk=request.POST.get("window") or 0).first()
        if window is None:
            raise Http404
        services.weekly_window_remove(window=window, actor=request.user)
        messages.success(request, _("Removed."))
        return True
    if action == "preferences":
        form = PreferencesForm(request.POST, instance=preferences, episode=episode, prefix="prefs")
        forms["preferences"] = form
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form._meta.fields}
            try:
                services.preferences_update(
                    episode=episode,
                    actor=request.user,
                    values=values,
                    expected_version=form.cleaned_data["expected_version"] or 0,
                )
            except ValidationError as error:
                add_service_errors(form, error)
                return False
            messages.success(request, _("Preferences saved."))
            return True
        return False
    kind = {"add_unavailable": "unavailable", "add_family": "family"}.get(action)
    if kind is None:
        raise Http404
    form_class = UnavailableForm if kind == "unavailable" else FamilyWindowForm
    form = form_class(request.POST, prefix=kind)
    forms[kind] = form
    if form.is_valid():
        try:
            services.weekly_window_add(
                episode=episode, actor=request.user, kind=kind, values=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return False
        messages.success(request, _("Added."))
        return True
    return False


def _schedule_context(request, participant, **extra) -> dict:
    today = timezone.localdate()
    week_of = _week(request)
    episodes = _schedule_episodes(request.user, participant)
    hours = selectors.hours_by_episode(episodes, weeks=selectors.recent_weeks(today), today=today)
    preferences = {
        p.episode_id: p
        for p in ParticipantPreferences.objects.filter(episode__in=episodes).select_related(
            "preferred_track"
        )
    }
    for episode in episodes:
        episode.hours = list(reversed(hours.get(episode.pk, [])))
        episode.preferences = preferences.get(episode.pk)
        episode.unavailable = list(episode.unavailability.all())
        episode.family_windows = list(episode.family_availability.all())
        episode.has_feed = CalendarFeed.objects.filter(episode=episode).exists()
        episode.standing = list(
            GroupEnrollment.objects.filter(episode=episode)
            .filter(Q(ends_on=None) | Q(ends_on__gte=today))
            .select_related("offering")
            .order_by("starts_on")
        )
    return {
        "schedule_episodes": episodes,
        "week_rows": selectors.participant_sessions(episodes, week_of, week_of + timedelta(days=6)),
        "outreach": selectors.outreach_tasks_for(episodes),
        "flag_labels": selectors.FLAG_LABELS,
        "today": today,
        **_week_links(week_of),
        **extra,
    }


@require_POST
@requires("scheduling.change_outreachtask")
def outreach_done(request, public_id):
    task = access.access_participant_object(
        request.user, OutreachTask.objects.all(), public_id, action=None
    )
    try:
        services.outreach_task_done(task=task, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Outreach marked done."))
    return redirect("scheduling:schedule", public_id=task.participant.public_id)


@require_POST
@requires(*AVAILABILITY)
def participant_feed_reset(request, public_id):
    """A new calendar address for the participant's episode, shown once on this page."""
    participant = access.access_participant(request.user, public_id, action=None)
    episode = next(
        (
            e
            for e in _schedule_episodes(request.user, participant)
            if e.status == EpisodeStatus.ACTIVE
        ),
        None,
    )
    if episode is None:
        messages.error(request, _("A calendar address is for an active episode."))
        return redirect("scheduling:schedule", public_id=participant.public_id)
    token = services.calendar_feed_reset(actor=request.user, episode=episode)
    access.record_view(request.user, participant)
    context = chart_context(request.user, participant, tab="schedule")
    context.update(
        _schedule_context(
            request, participant, feed_url=request.build_absolute_uri(_feed_path(token))
        )
    )
    return render(request, "scheduling/schedule_tab.html", context)


# ----------------------------------------------------------------------------- week views


def _chosen_program(request):
    programs = list(programs_for(request.user))
    chosen = request.GET.get("program", "")
    program = next((p for p in programs if str(p.public_id) == chosen), None)
    return program or (programs[0] if programs else None), programs


@require_GET
@requires(*VIEW)
def program_week(request):
    """Rooms x days of a program's week: times, groups, leads and sizes, no names."""
    program, programs = _chosen_program(request)
    week_of = _week(request)
    grid = selectors.program_week(program, week_of) if program else None
    rosters = set()
    if program is not None:
        rosters = set(
            rosters_visible_to(request.user)
            .filter(program=program, held_on__range=(week_of, week_of + timedelta(days=6)))
            .values_list("pk", flat=True)
        )
    context = {
        "nav": "schedule",
        "program": program,
        "programs": programs,
        "grid": grid,
        "rosters": rosters,
        "today": timezone.localdate(),
        "week_extra": f"&program={program.public_id}" if program else "",
        **_week_links(week_of),
    }
    return render(request, "scheduling/program_week.html", context)


def _clinician(request, programs):
    """The clinician whose week is shown: oneself, or (program-wide roles) a colleague."""
    chosen = request.GET.get("clinician", "")
    if not chosen or not request.user.has_perm("participants.view_program_participants"):
        return request.user
    colleague = (
        User.objects.filter(public_id=chosen, program_memberships__program__in=programs)
        .distinct()
        .first()
    )
    if colleague is None:
        raise Http404
    return colleague


@require_GET
@requires(*VIEW)
def clinician_week(request):
    programs = list(programs_for(request.user))
    clinician = _clinician(request, programs)
    week_of = _week(request)
    days = selectors.clinician_week(clinician, week_of, programs)
    in_scope = set(access.episodes_in_scope(request.user).values_list("participant_id", flat=True))
    shown = []
    for column in days:
        for session in column.sessions:
            session.people = [
                a.participant
                for a in session.attendees.all()
                if session.kind != "group" and a.participant_id in in_scope
            ]
            shown.extend(session.people)
    audit_record_listing(
        actor=request.user,
        participants={p.pk: p for p in shown}.values(),
        category=access.data_category_for(request.user),
    )
    staff = []
    if request.user.has_perm("participants.view_program_participants"):
        staff = list(
            User.objects.filter(
                Q(clinician_schedules__program__in=programs) | Q(pk=request.user.pk),
                is_active=True,
            )
            .distinct()
            .order_by("full_name")
        )
    context = {
        "nav": "my_week",
        "clinician": clinician,
        "clinician_id": str(clinician.public_id),
        "days": days,
        "staff": staff,
        "has_feed": CalendarFeed.objects.filter(user=clinician).exists(),
        **_week_links(week_of),
    }
    return render(request, "scheduling/clinician_week.html", context)


@require_POST
@requires(*VIEW)
def my_feed_reset(request):
    """A new calendar address for one's own sessions, shown once on the week page."""
    token = services.calendar_feed_reset(actor=request.user, user=request.user)
    return _with_feed(request, token)


def _with_feed(request, token: str):
    programs = list(programs_for(request.user))
    week_of = rules.week_start(timezone.localdate())
    context = {
        "nav": "my_week",
        "clinician": request.user,
        "days": selectors.clinician_week(request.user, week_of, programs),
        "staff": [],
        "has_feed": True,
        "feed_url": request.build_absolute_uri(_feed_path(token)),
        **_week_links(week_of),
    }
    return render(request, "scheduling/clinician_week.html", context)


# ----------------------------------------------------------------------------- week builder

BUILD = ("scheduling.build_weekschedule", "participants.view_program_participants")


@requires(*BUILD)
def builder(request):
    """Build a program's week from the database (solve and save), see the answer, pin."""
    program, programs = _chosen_program(request)
    if program is None:
        raise Http404
    week_of = _week(request)
    if request.method == "POST":
        try:
            services.schedule_build(program=program, week_of=week_of, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Schedule built and saved."))
        return redirect(_builder_url(program, week_of))
    built = selectors.week_builder(program, week_of)
    audit_record_listing(
        actor=request.user,
        participants=built.participants,
        category=access.data_category_for(request.user),
    )
    context = {
        "nav": "schedule_builder",
        "program": program,
        "programs": programs,
        "built": built,
        "week_extra": f"&program={program.public_id}",
        "today": timezone.localdate(),
        **_week_links(week_of),
    }
    return render(request, "scheduling/builder.html", context)


@require_GET
@requires(*BUILD)
def capacity(request):
    """Demand against clinician and room supply per day part: where hiring or another room
    would help. Aggregates only: no participant is named."""
    program, programs = _chosen_program(request)
    if program is None:
        raise Http404
    week_of = _week(request)
    rows, with_schedule = selectors.week_capacity(program, week_of)
    context = {
        "nav": "schedule_builder",
        "program": program,
        "programs": programs,
        "rows": rows,
        "with_schedule": with_schedule,
        "week_extra": f"&program={program.public_id}",
        **_week_links(week_of),
    }
    return render(request, "scheduling/capacity.html", context)


def _builder_url(program, week_of) -> str:
    query = f"?program={program.public_id}&week={rules.iso_week(week_of)}"
    return reverse("scheduling:builder") + query


@require_POST
@requires(*BUILD)
def pin(request, public_id):
    """Pin (or unpin) a participant's place in a session: a re-solve keeps it."""
    session = access_session_roster(request.user, public_id)
    try:
        episode_id = uuid.UUID(request.POST.get("episode", ""))
    except ValueError:
        raise Http404 from None
    place = (
        session.attendees.filter(episode__public_id=episode_id)
        .select_related("participant", "session")
        .first()
    )
    if place is None:
        raise Http404
    services.attendee_pin(
        attendee=place, is_locked=request.POST.get("pinned") == "1", actor=request.user
    )
    return redirect(_builder_url(session.program, rules.week_start(session.held_on)))


# ----------------------------------------------------------------------------- calendar feeds


def _feed_path(token: str) -> str:
    return reverse("scheduling:feed", kwargs={"token": token})


@require_GET
@public
def feed(request, token):
    """An iCalendar feed behind a secret address: a clinician's sessions (topics and rooms,
    no participant names), or a participant's appointments (times and rooms only)."""
    found = (
        CalendarFeed.objects.filter(token_digest=services.token_digest(token))
        .select_related("user", "episode__participant", "episode__program__site")
        .first()
    )
    if found is None or not ical.feed_is_live(found):
        raise Http404
    participant = found.episode.participant if found.episode else None
    audit_record(
        actor=None,
        action=AuditAction.CALENDAR_FEED_READ,
        target=found.user or found.episode,
        participant=participant,
        category=DataCategory.ADMINISTRATIVE,
    )
    body = ical.feed_text(found, today=timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="openiop.ics"'
    return response
