"""Reads for the scheduling setup pages, recurring rosters and one-off sessions. Callers pass
what access.py let them reach; each runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from openiop.accounts.models import User
from openiop.participants import access
from openiop.participants.models import Episode, EpisodeStatus
from openiop.participants.selectors import clinical_staff_in
from openiop.programs.models import Program
from openiop.scheduling.models import (
    ClinicianSchedule,
    ClinicianTimeOff,
    GroupEnrollment,
    GroupOffering,
    Room,
    Session,
    Track,
)


def upcoming_sessions(**filters) -> QuerySet[Session]:
    """Sessions from today on, not cancelled, matching ``filters``."""
    return Session.objects.filter(held_on__gte=timezone.localdate(), is_cancelled=False, **filters)


def _upcoming(today: date, prefix: str = "sessions__") -> Q:
    return Q(**{f"{prefix}held_on__gte": today, f"{prefix}is_cancelled": False})


@dataclass
class StaffRow:
    user: User
    schedule: ClinicianSchedule | None
    windows: list = field(default_factory=list)


@dataclass
class SetupOverview:
    tracks: list[Track]
    rooms: list[Room]
    staff: list[StaffRow]


def setup_overview(program: Program, today: date) -> SetupOverview:
    """The program's tracks with their groups, the rooms at its site, and its staff with
    their scheduling hours; groups and rooms carry ``upcoming`` (sessions from today on)."""
    offerings = GroupOffering.objects.annotate(
        upcoming=Count("sessions", filter=_upcoming(today), distinct=True),
        enrolled=Count("enrollments", filter=Q(enrollments__ends_on=None), distinct=True),
    )
    tracks = list(
        Track.objects.filter(program=program)
        .order_by("-is_active", "name")
        .prefetch_related(Prefetch("offerings", queryset=offerings))
    )
    rooms = list(
        Room.objects.filter(site=program.site_id)
        .annotate(upcoming=Count("sessions", filter=_upcoming(today)))
        .order_by("-is_active", "is_virtual", "code")
    )
    schedules = {
        s.user_id: s
        for s in ClinicianSchedule.objects.filter(program=program).prefetch_related("availability")
    }
    members = clinical_staff_in(program)
    staff = [
        StaffRow(
            member,
            schedules.get(member.pk),
            list(schedules[member.pk].availability.all()) if member.pk in schedules else [],
        )
        for member in members
    ]
    return SetupOverview(tracks, rooms, staff)


@dataclass
class StaffSetup:
    schedule: ClinicianSchedule | None
    windows: list
    time_off: list[ClinicianTimeOff]
    sessions_while_away: list[Session]


def staff_setup(program: Program, user: User, today: date) -> StaffSetup:
    """A staff member's hours in ``program``: profile, weekly windows, time off from 30 days
    ago on, and upcoming sessions they lead on days they are away (to be moved)."""
    schedule = ClinicianSchedule.objects.filter(program=program, user=user).first()
    windows = list(schedule.availability.all()) if schedule else []
    time_off = list(
        ClinicianTimeOff.objects.filter(user=user, ends_on__gte=today - timedelta(days=30))
    )
    away = Q()
    for item in time_off:
        away |= Q(held_on__range=(item.starts_on, item.ends_on))
    clashes = []
    if time_off:
        clashes = list(
            Session.objects.filter(away, program=program, lead=user, held_on__gte=today)
            .filter(is_cancelled=False)
            .select_related("room", "offering")
            .order_by("held_on", "start_time")
        )
    return StaffSetup(schedule, windows, time_off, clashes)


@dataclass
class GroupRoster:
    enrollments: list[GroupEnrollment]
    choices: list[Episode]
    upcoming: list[Session]


def group_roster(user, offering: GroupOffering, today: date) -> GroupRoster:
    """A recurring group's standing roster (places still open or ending from today on) among
    participants the user may see, who else could join, and its next sessions with sizes."""
    visible = access.episodes_in_scope(user).filter(program=offering.program_id)
    enrollments = list(
        GroupEnrollment.objects.filter(offering=offering, episode__in=visible)
        .filter(Q(ends_on=None) | Q(ends_on__gte=today))
        .select_related("episode__participant")
        .order_by("starts_on")
    )
    enrolled = [e.episode_id for e in enrollments if e.ends_on is None]
    choices = list(
        visible.filter(status=EpisodeStatus.ACTIVE)
        .exclude(pk__in=enrolled)
        .select_related("participant")
        .order_by("participant__legal_last_name", "participant__legal_first_name")
    )
    upcoming = list(
        Session.objects.filter(offering=offering, held_on__gte=today, is_cancelled=False)
        .annotate(size=Count("attendees"))
        .order_by("held_on")[:6]
    )
    return GroupRoster(enrollments, choices, upcoming)


def session_add_choices(user, program: Program) -> tuple[QuerySet[User], list[Episode]]:
    """Who may lead a one-off session (the program's active clinical staff) and who may attend (the
    program's active participants the user may see)."""
    staff = clinical_staff_in(program)
    episodes = list(
        access.episodes_in_scope(user)
        .filter(program=program, status=EpisodeStatus.ACTIVE)
        .select_related("participant")
        .order_by("participant__legal_last_name", "participant__legal_first_name")
    )
    return staff, episodes
