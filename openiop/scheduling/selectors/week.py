"""Reads for scheduling pages: rosters, week grids, weekly hours and their flags.

Callers pass what access.py let them reach; every function here runs a fixed number of
queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openiop.participants.models import Episode, EpisodeStatus, Participant
from openiop.programs.models import Program, ProgramPhase
from openiop.scheduling import rules
from openiop.scheduling.models import (
    AttendanceRecord,
    AttendeeSource,
    OutreachTask,
    ParticipantPreferences,
    Room,
    Session,
    SessionAttendee,
    SessionKind,
    WeekSchedule,
)

FLAG_LABELS = {
    rules.UNDER_TARGET: gettext_lazy("Under target"),
    rules.FEW_DAYS: gettext_lazy("Too few days"),
    rules.LONG_GAP: gettext_lazy("More than 3 days between sessions"),
    rules.UNEXCUSED_TWICE: gettext_lazy("2 unexcused absences in a row"),
}
HOURS_WEEKS = 6  # weeks of hours the chart shows, besides the current one


# ----------------------------------------------------------------------------- targets


def _phases_by_program(program_ids: Iterable[int]) -> dict[int, dict[int, rules.Phase]]:
    """program id -> phase id -> rules.Phase, in one query."""
    phases: dict[int, dict[int, rules.Phase]] = defaultdict(dict)
    for phase in ProgramPhase.objects.filter(program_id__in=set(program_ids)):
        phases[phase.program_id][phase.pk] = rules.Phase(
            order=phase.order,
            target_minutes=rules.hours_to_minutes(phase.target_weekly_hours),
            typical_weeks=phase.typical_weeks,
        )
    return phases


def target_overrides(episodes: list[Episode]) -> dict[int, int]:
    """Episode id -> weekly target override, for those that have one; one query."""
    return dict(
        ParticipantPreferences.objects.filter(
            episode__in=[e.pk for e in episodes], target_minutes_override__isnull=False
        ).values_list("episode_id", "target_minutes_override")
    )


def episode_targets(
    program: Program | None,
    episodes: list[Episode],
    weeks: list[date],
    *,
    today: date,
    overrides: dict[int, int] | None = None,
) -> dict[int, dict[date, int]]:
    """Episode id -> week -> target minutes: the override, or the phase for that week (see
    rules.phase_for_week), or the program minimum. Needs ``episode.program`` loaded when
    ``program`` is None; two queries (one when ``overrides`` are given)."""
    programs = {e.program_id: program or e.program for e in episodes}
    phases = _phases_by_program(programs)
    if overrides is None:
        overrides = target_overrides(episodes)
    this_week = rules.week_start(today)
    targets: dict[int, dict[date, int]] = {}
    for episode in episodes:
        program_phases = phases.get(episode.program_id, {})
        minimum = rules.hours_to_minutes(programs[episode.program_id].minimum_weekly_hours)
        targets[episode.pk] = {}
        for week_of in weeks:
            phase = rules.phase_for_week(
                list(program_phases.values()),
                admitted_on=episode.admitted_on or week_of,
                week_of=week_of,
                current=program_phases.get(episode.current_phase_id),
                this_week=this_week,
            )
            targets[episode.pk][week_of] = rules.target_minutes(
                phase=phase,
                override_minutes=overrides.get(episode.pk),
                program_minimum_minutes=minimum,
            )
    return targets


def last_individual_dates(episodes: list[Episode], *, before: date) -> dict[int, date]:
    """Each episode's most recent individual session (not cancelled) before ``before``."""
    last: dict[int, date] = {}
    places = SessionAttendee.objects.filter(
        episode__in=[e.pk for e in episodes],
        session__kind=SessionKind.INDIVIDUAL,
        session__is_cancelled=False,
        session__held_on__lt=before,
    ).values_list("episode_id", "session__held_on")
    for episode_id, held_on in places:
        if episode_id not in last or held_on > last[episode_id]:
            last[episode_id] = held_on
    return last


# ----------------------------------------------------------------------------- hours


def _entries(episode_ids: list[int], since: date, until: date) -> dict[int, list[rules.Attendance]]:
    """Per episode, every session they had a place in (not cancelled) with its attendance,
    in one query."""
    record = AttendanceRecord.objects.filter(
        session=OuterRef("session_id"), episode=OuterRef("episode_id")
    )
    places = (
        SessionAttendee.objects.filter(
            episode_id__in=episode_ids,
            session__held_on__range=(since, until),
            session__is_cancelled=False,
        )
        .annotate(
            record_status=Subquery(record.values("status")[:1]),
            record_minutes=Subquery(record.values("minutes")[:1]),
        )
        .values_list(
            "episode_id",
            "session__held_on",
            "session__start_time",
            "session__end_time",
            "source",
            "record_status",
            "record_minutes",
        )
    )
    entries: dict[int, list[rules.Attendance]] = defaultdict(list)
    for episode_id, held_on, start, end, source, status, minutes in places:
        entries[episode_id].append(
            rules.Attendance(
                held_on=held_on,
                order=start.hour * 60 + start.minute,
                session_minutes=(end.hour * 60 + end.minute) - (start.hour * 60 + start.minute),
                status=status,
                minutes=minutes or 0,
                expected=source != AttendeeSource.WALK_IN,
            )
        )
    return entries


def hours_by_episode(
    episodes: list[Episode],
    *,
    weeks: list[date],
    today: date,
    overrides: dict[int, int] | None = None,
) -> dict[int, list[rules.WeekHours]]:
    """Attended, scheduled and target minutes with flags, per episode and week (Mondays).
    Weeks before admission or after discharge are left out. Three queries (two when the
    target ``overrides`` are given)."""
    if not episodes or not weeks:
        return {}
    targets = episode_targets(None, episodes, weeks, today=today, overrides=overrides)
    # A gap that ends in the first week may have started the week before.
    since, until = min(weeks) - timedelta(days=7), max(weeks) + timedelta(days=6)
    entries = _entries([e.pk for e in episodes], since, until)
    result = {}
    for episode in episodes:
        in_care = {
            week: minutes
            for week, minutes in targets[episode.pk].items()
            if _in_care(episode, week)
        }
        result[episode.pk] = rules.weekly_hours(
            entries.get(episode.pk, []),
            targets=in_care,
            min_days=episode.program.minimum_days_per_week,
            today=today,
            partial=[week for week in in_care if _partial(episode, week)],
        )
    return result


def _in_care(episode: Episode, week_of: date) -> bool:
    week_end = week_of + timedelta(days=6)
    if episode.admitted_on is None or episode.admitted_on > week_end:
        return False
    return episode.discharged_on is None or episode.discharged_on >= week_of


def _partial(episode: Episode, week_of: date) -> bool:
    """In care for only part of the week: admitted after Monday or discharged before Sunday."""
    ends_early = episode.discharged_on is not None and episode.discharged_on < week_of + timedelta(
        days=6
    )
    return episode.admitted_on > week_of or ends_early


def recent_weeks(today: date, count: int = HOURS_WEEKS) -> list[date]:
    """The current week and the ``count`` before it, oldest first."""
    this_week = rules.week_start(today)
    return [this_week - timedelta(weeks=n) for n in range(count, -1, -1)]


def flag_labels(flags: Iterable[str]) -> list[str]:
    return [str(FLAG_LABELS[flag]) for flag in flags]


# ----------------------------------------------------------------------------- caseload and chart


def caseload_alerts(user, participant_ids) -> dict[int, list]:
    """Badges for caseload rows: last week's attendance flags (and this week's gap and
    absence flags) and open outreach tasks, in three queries for the whole list."""
    from openiop.participants.access import episodes_in_scope
    from openiop.participants.selectors import Alert

    if not user.has_perm("scheduling.view_session") or not participant_ids:
        return {}
    today = timezone.localdate()
    open_task = OutreachTask.objects.filter(episode=OuterRef("pk"), done_at__isnull=True)
    episodes = list(
        episodes_in_scope(user)
        .filter(participant_id__in=list(participant_ids), status=EpisodeStatus.ACTIVE)
        .select_related("program")
        .annotate(
            target_override=F("schedule_preferences__target_minutes_override"),
            has_open_outreach=Exists(open_task),
        )
    )
    overrides = {e.pk: e.target_override for e in episodes if e.target_override is not None}
    hours = hours_by_episode(
        episodes, weeks=recent_weeks(today, count=1), today=today, overrides=overrides
    )
    alerts: dict[int, list] = defaultdict(list)
    for episode in episodes:
        if episode.has_open_outreach:
            alerts[episode.participant_id].append(Alert("danger", _("Outreach due")))
        flags = {flag for row in hours.get(episode.pk, []) for flag in row.flags}
        for flag in rules.FLAGS:
            if flag in flags:
                alerts[episode.participant_id].append(Alert("warning", str(FLAG_LABELS[flag])))
    return dict(alerts)


def outreach_tasks_for(episodes: list[Episode]) -> list[OutreachTask]:
    return list(
        OutreachTask.objects.filter(episode__in=[e.pk for e in episodes], done_at__isnull=True)
        .select_related("assigned_to")
        .order_by("due_on")
    )


@dataclass
class PlaceRow:
    """A session on a participant's own week: no other participant's name."""

    session: Session
    record: AttendanceRecord | None = None


def participant_sessions(episodes: list[Episode], since: date, until: date) -> list[PlaceRow]:
    """The sessions the episodes had a place in, with the attendance recorded; two queries."""
    places = (
        SessionAttendee.objects.filter(
            episode__in=[e.pk for e in episodes], session__held_on__range=(since, until)
        )
        .select_related("session__room", "session__lead")
        .order_by("session__held_on", "session__start_time")
    )
    records = {
        (r.session_id, r.episode_id): r
        for r in AttendanceRecord.objects.filter(
            episode__in=[e.pk for e in episodes], session__held_on__range=(since, until)
        )
    }
    return [PlaceRow(p.session, records.get((p.session_id, p.episode_id))) for p in places]


# ----------------------------------------------------------------------------- roster


@dataclass
class RosterRow:
    episode: Episode
    participant: Participant
    is_walk_in: bool
    record: AttendanceRecord | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return str(self.episode.public_id)


def session_roster(session: Session) -> list[RosterRow]:
    """One row per expected attendee and walk-in, with what was recorded; two queries."""
    records = {
        r.episode_id: r
        for r in AttendanceRecord.objects.filter(session=session).select_related("recorded_by")
    }
    places = (
        SessionAttendee.objects.filter(session=session)
        .select_related("episode", "participant")
        .order_by("participant__legal_last_name", "participant__legal_first_name")
    )
    return [
        RosterRow(
            episode=place.episode,
            participant=place.participant,
            is_walk_in=place.source == AttendeeSource.WALK_IN,
            record=records.get(place.episode_id),
        )
        for place in places
    ]


def walk_in_choices(user, session: Session) -> QuerySet[Episode]:
    """Active episodes of the session's program the user may see, not yet on the roster."""
    from openiop.participants.access import episodes_in_scope

    return (
        episodes_in_scope(user)
        .filter(program=session.program_id, status=EpisodeStatus.ACTIVE)
        .exclude(session_places__session=session)
        .select_related("participant")
        .order_by("participant__legal_last_name", "participant__legal_first_name")
    )


# ----------------------------------------------------------------------------- week grids


@dataclass
class WeekGrid:
    week_of: date
    days: list[date]
    rooms: list[Room]
    cells: dict[tuple[int | None, date], list[Session]]  # (room id or None, day) -> sessions

    def rows(self):
        """(room or None for sessions without a room, [sessions per day]) per grid row."""
        keys: list[Room | None] = [*self.rooms]
        if any(room is None for room, _day in self.cells):
            keys.append(None)
        for room in keys:
            room_id = room.pk if room else None
            yield room, [self.cells.get((room_id, day), []) for day in self.days]


def _week_queryset(week_of: date) -> QuerySet[Session]:
    return (
        Session.objects.filter(held_on__range=(week_of, week_of + timedelta(days=6)))
        .select_related("room", "lead", "offering")
        .annotate(attendee_count=Count("attendees"))
        .order_by("held_on", "start_time", "id")
    )


def program_week(program: Program, week_of: date) -> WeekGrid:
    """Rooms x days of a program's week, with each session's size (no names); two queries."""
    sessions = list(_week_queryset(week_of).filter(program=program))
    used_rooms = {s.room_id for s in sessions}
    rooms = list(
        Room.objects.filter(
            Q(site=program.site_id, is_active=True) | Q(pk__in=used_rooms)
        ).order_by("is_virtual", "code")
    )
    cells: dict[tuple[int | None, date], list[Session]] = defaultdict(list)
    for session in sessions:
        cells[(session.room_id, session.held_on)].append(session)
    return WeekGrid(week_of, rules.week_days(week_of), rooms, dict(cells))


@dataclass
class DayColumn:
    day: date
    sessions: list[Session]


def clinician_week(user, week_of: date, programs) -> list[DayColumn]:
    """The sessions ``user`` leads in ``programs`` that week, by day; one query. Individual
    and family sessions carry ``participant_shown`` only for whom the viewer may see (set by
    the view)."""
    sessions = list(
        _week_queryset(week_of)
        .filter(lead=user, program__in=programs)
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=SessionAttendee.objects.select_related("participant"),
            )
        )
    )
    by_day: dict[date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_day[session.held_on].append(session)
    return [DayColumn(day, by_day.get(day, [])) for day in rules.week_days(week_of)]


# ----------------------------------------------------------------------------- week builder


@dataclass
class BuilderRow:
    """A participant's line in the saved schedule's summary."""

    episode: Episode
    scheduled_minutes: int
    target_minutes: int
    shortfall_minutes: int
    days: int
    unmet: list[str]


@dataclass
class WeekBuilder:
    saved: object  # the week's newest WeekSchedule, or None
    sessions: list[Session]
    rows: list[BuilderRow]

    @property
    def participants(self) -> list[Participant]:
        people = {a.participant_id: a.participant for s in self.sessions for a in s.places}
        people.update({row.episode.participant_id: row.episode.participant for row in self.rows})
        return list(people.values())


def week_builder(program: Program, week_of: date) -> WeekBuilder:
    """The week's newest saved schedule with its per-participant summary, and the week's
    sessions with their places (pinned or not) and whether attendance is recorded; five
    queries."""
    saved = (
        WeekSchedule.objects.filter(program=program, week_of=week_of)
        .select_related("saved_by")
        .order_by("-created_at")
        .first()
    )
    places = SessionAttendee.objects.select_related("participant", "episode").order_by(
        "participant__legal_last_name", "participant__legal_first_name"
    )
    sessions = list(
        _week_queryset(week_of)
        .filter(program=program)
        .annotate(is_recorded=Exists(AttendanceRecord.objects.filter(session=OuterRef("pk"))))
        .prefetch_related(Prefetch("attendees", queryset=places, to_attr="places"))
    )
    return WeekBuilder(saved, sessions, _builder_rows(program, saved))


def _builder_rows(program: Program, saved) -> list[BuilderRow]:
    if saved is None:
        return []
    summary = {row["id"]: row for row in saved.schedule.get("participants", [])}
    targets = {row["id"]: row["target_minutes"] for row in saved.problem.get("participants", [])}
    episodes = Episode.objects.filter(program=program, public_id__in=list(summary)).select_related(
        "participant"
    )
    rows = [
        BuilderRow(
            episode=episode,
            scheduled_minutes=summary[str(episode.public_id)].get("scheduled_minutes", 0),
            target_minutes=targets.get(str(episode.public_id), 0),
            shortfall_minutes=summary[str(episode.public_id)].get("shortfall_minutes", 0),
            days=summary[str(episode.public_id)].get("days", 0),
            unmet=list(summary[str(episode.public_id)].get("unmet", [])),
        )
        for episode in episodes
    ]
    return sorted(rows, key=lambda r: (-r.shortfall_minutes, r.episode.participant.legal_last_name))


@dataclass(frozen=True)
class CapacityRow:
    """One day part of the capacity view, in hours (the solver's figures are minutes)."""

    part: str
    demand_hours: float
    offered_seat_hours: float
    clinician_hours_needed: float
    clinician_hours_available: float
    room_hours_needed: float
    room_hours_available: float
    scheduled_hours: float | None
    unmet_hours: float | None
    bottleneck: str


def week_capacity(program: Program, week_of: date) -> tuple[list[CapacityRow], bool]:
    """Demand against clinician and room supply per day part (morning, afternoon, evening,
    weekend) for the problem the database holds this week, with the newest saved schedule's
    placed and unmet time when there is one. Returns the rows and whether a schedule was used.
    Figures are defined in ``scheduling/solver/capacity.py``."""
    from openiop.scheduling.exchange import problem_for_week
    from openiop.scheduling.solver import capacity, problem_from_json

    problem = problem_from_json(problem_for_week(program, week_of))
    saved = (
        WeekSchedule.objects.filter(program=program, week_of=week_of)
        .order_by("-created_at")
        .first()
    )
    schedule = saved.schedule if saved else None
    rows = []
    for row in capacity(problem, schedule):

        def hours(key: str, row=row) -> float | None:
            value = row.get(key)
            return None if value is None else round(value / 60, 1)

        rows.append(
            CapacityRow(
                part=row["part"],
                demand_hours=hours("demand_minutes"),
                offered_seat_hours=hours("offered_seat_minutes"),
                clinician_hours_needed=hours("clinician_minutes_needed"),
                clinician_hours_available=hours("clinician_minutes_available"),
                room_hours_needed=hours("room_minutes_needed"),
                room_hours_available=hours("room_minutes_available"),
                scheduled_hours=hours("scheduled_minutes"),
                unmet_hours=hours("unmet_minutes"),
                bottleneck=row.get("bottleneck", ""),
            )
        )
    return rows, schedule is not None
