"""What portal pages show, read through the domain apps' selectors (no rules of its own).

Sessions show time, place or video link and what to bring; never another participant's
name, the topic's clinical detail or a roster."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from openiop.assessments.forms import CONTEXT_FIELDS
from openiop.assessments.selectors import due_in_episode
from openiop.participants.models import EpisodeStatus
from openiop.plans import selectors as plan_selectors
from openiop.plans.models import ObjectiveStatus, PlanGoal, PlanObjective
from openiop.recovery.models import CheckIn, JournalEntry
from openiop.recovery.selectors import settings_for
from openiop.scheduling.models import AttendanceRecord, Session, SessionKind, Topic
from openiop.scheduling.rules import ATTENDED_STATUSES
from openiop.scheduling.selectors.week import participant_sessions

TODAY_DAYS = 7
SCHEDULE_DAYS = 28
ATTENDANCE_WEEKS = 4


@dataclass(frozen=True)
class Appointment:
    session: Session
    place: str
    video_link: str
    what_to_bring: str


def _appointments(episode, since: date, until: date) -> list[Appointment]:
    if episode is None:
        return []
    program_settings = settings_for(episode.program)
    rows = []
    for row in participant_sessions([episode], since, until):
        session = row.session
        if session.is_cancelled:
            continue
        place = "" if session.is_virtual else (session.room.name if session.room else "")
        rows.append(
            Appointment(
                session=session,
                place=place,
                video_link=program_settings.video_link if session.is_virtual else "",
                what_to_bring=program_settings.what_to_bring,
            )
        )
    return rows


def questionnaires_due(episode, today: date) -> list:
    """Measures due in an active episode that a participant can answer alone (instruments
    with no clinician-chosen context, e.g. not the AUDIT-C's threshold or the C-SSRS)."""
    if episode is None or episode.status != EpisodeStatus.ACTIVE:
        return []
    return [due for due in due_in_episode(episode, today) if due.instrument not in CONTEXT_FIELDS]


@dataclass
class Today:
    appointments: list[Appointment]
    questionnaires: list
    checked_in_today: bool
    crisis_line: str
    on_call_phone: str


def today_for(me, today: date) -> Today:
    episode = me.episode
    program_settings = settings_for(episode.program) if episode else None
    return Today(
        appointments=_appointments(episode, today, today + timedelta(days=TODAY_DAYS)),
        questionnaires=questionnaires_due(episode, today),
        checked_in_today=CheckIn.objects.filter(
            participant=me.participant, checked_in_on=today
        ).exists(),
        crisis_line=program_settings.crisis_line if program_settings else "988",
        on_call_phone=program_settings.on_call_phone if program_settings else "",
    )


def schedule_for(me, today: date) -> list[Appointment]:
    return _appointments(me.episode, today, today + timedelta(days=SCHEDULE_DAYS))


def goals_for(episode) -> list[PlanGoal]:
    """The goals of the plan in force, in the participant's words, with their objectives."""
    if episode is None:
        return []
    version = plan_selectors.current_version(episode)
    if version is None:
        return []
    return list(
        PlanGoal.objects.filter(plan_version=version)
        .prefetch_related(
            "objectives",
        )
        .order_by("problem__position", "position", "id")
    )


def objective_progress(goal: PlanGoal) -> tuple[int, int]:
    objectives: list[PlanObjective] = list(goal.objectives.all())
    done = sum(1 for o in objectives if o.status == ObjectiveStatus.MET)
    return done, len(objectives)


def journal_for(participant):
    return JournalEntry.objects.filter(participant=participant).order_by("-created_at")


def family_sessions(me, today: date) -> list[Appointment]:
    """Family sessions the participant has a place in, and the program's family workshops,
    over the coming weeks (no roster, no other participant)."""
    episode = me.episode
    if episode is None:
        return []
    until = today + timedelta(days=SCHEDULE_DAYS)
    own = [a for a in _appointments(episode, today, until) if a.session.kind == SessionKind.FAMILY]
    program_settings = settings_for(episode.program)
    workshops = (
        Session.objects.filter(
            program=episode.program,
            kind=SessionKind.GROUP,
            topic=Topic.FAMILY,
            is_cancelled=False,
            held_on__range=(today, until),
        )
        .select_related("room")
        .order_by("held_on", "start_time")
    )
    seen = {a.session.pk for a in own}
    rows = own + [
        Appointment(
            session=s,
            place="" if s.is_virtual else (s.room.name if s.room else ""),
            video_link=program_settings.video_link if s.is_virtual else "",
            what_to_bring="",
        )
        for s in workshops
        if s.pk not in seen
    ]
    return sorted(rows, key=lambda a: (a.session.held_on, a.session.start_time))


@dataclass(frozen=True)
class AttendanceSummary:
    since: date
    attended: int
    missed: int


def attendance_summary(me, today: date) -> AttendanceSummary | None:
    """Sessions attended and missed over the last weeks: counts only, no session detail."""
    if me.episode is None:
        return None
    since = today - timedelta(weeks=ATTENDANCE_WEEKS)
    counts = AttendanceRecord.objects.filter(
        episode=me.episode, session__held_on__range=(since, today)
    ).aggregate(
        attended=Count("pk", filter=Q(status__in=sorted(ATTENDED_STATUSES))),
        total=Count("pk"),
    )
    return AttendanceSummary(since, counts["attended"], counts["total"] - counts["attended"])
