"""Writes on a program's weeks: attendance, places and recurring rosters, one-off sessions,
building a week, calendar feeds and participants' scheduling needs (see ``services``)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.core.versioning import version_claim
from openiop.participants.models import Episode, EpisodeStatus
from openiop.scheduling import attendance_weeks, rules
from openiop.scheduling.models import (
    AttendanceRecord,
    AttendanceStatus,
    AttendeeSource,
    CalendarFeed,
    FamilyAvailability,
    GroupEnrollment,
    GroupOffering,
    OutreachReason,
    OutreachTask,
    ParticipantPreferences,
    ParticipantUnavailability,
    Session,
    SessionAttendee,
    WeekSchedule,
)

# ----------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class AttendanceEntry:
    """One roster row as submitted. ``minutes`` None takes the default for the status;
    ``expected_version`` is the version of the record the form showed: 0 when there was no
    record yet, None to skip the check."""

    episode: Episode
    status: str
    minutes: int | None = None
    expected_version: int | None = None


def _entry_errors(session: Session, entry: AttendanceEntry, *, is_walk_in: bool) -> list[str]:
    errors = []
    if entry.status not in AttendanceStatus.values:
        return [_("Choose how this person attended.")]
    minutes = entry.minutes
    if entry.status in rules.ABSENT_STATUSES and minutes:
        errors.append(_("An absence has no minutes attended."))
    elif (
        entry.status in rules.ATTENDED_STATUSES
        and minutes is not None
        and not 1 <= minutes <= session.minutes
    ):
        errors.append(
            _("Minutes attended are between 1 and %(n)s, the session's length.")
            % {"n": session.minutes}
        )
    if is_walk_in and (
        entry.episode.program_id != session.program_id
        or entry.episode.status != EpisodeStatus.ACTIVE
    ):
        errors.append(_("A walk-in is an active participant of this program."))
    return errors


def _session_errors(session: Session) -> None:
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled."), code="cancelled")
    if session.held_on > timezone.localdate():
        raise ValidationError(
            _("Attendance is recorded on or after the day of the session."), code="future"
        )


@transaction.atomic
def attendance_record(
    *, session: Session, entries: Sequence[AttendanceEntry], actor
) -> list[AttendanceRecord]:
    """Record or correct attendance for a session's roster; walk-ins join the roster.

    Idempotent: a row saved again unchanged changes nothing and writes no audit row. A
    change to a recorded row is a correction (version bumped, audited with the codes before
    and after); one edited from a stale version is refused. Errors come back per participant
    (keyed by the episode's public id) and nothing is saved. Two unexcused absences in a row
    open an outreach task for the primary clinician.
    """
    _session_errors(session)
    places = {a.episode_id for a in SessionAttendee.objects.filter(session=session)}
    existing = {
        r.episode_id: r
        for r in AttendanceRecord.objects.select_for_update().filter(session=session)
    }
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for entry in entries:
        key = str(entry.episode.public_id)
        problems = _entry_errors(session, entry, is_walk_in=entry.episode.pk not in places)
        if entry.episode.pk in seen:
            problems.append(_("This person is on the roster twice."))
        record = existing.get(entry.episode.pk)
        stale = entry.expected_version is not None and entry.expected_version != (
            record.version if record else 0
        )
        if record and stale and _changes(record, entry, session):
            problems.append(
                _("Someone else changed this row while you were editing: reload and check it.")
            )
        seen.add(entry.episode.pk)
        if problems:
            errors[key] = problems
    if errors:
        raise ValidationError(errors)
    saved = [_save_entry(session, entry, existing, places, actor) for entry in entries]
    attendance_weeks.refresh((record.episode_id, record.held_on) for record in saved)
    for entry in entries:
        if entry.status == rules.ABSENT_UNEXCUSED:
            _outreach_after_absence(entry.episode, actor)
    return saved


def _minutes_for(entry: AttendanceEntry, session: Session) -> int:
    if entry.minutes is None or entry.status in rules.ABSENT_STATUSES:
        return rules.default_minutes(entry.status, session.minutes)
    return entry.minutes


def _changes(record: AttendanceRecord, entry: AttendanceEntry, session: Session) -> bool:
    return (record.status, record.minutes) != (entry.status, _minutes_for(entry, session))


def _save_entry(session, entry, existing, places, actor) -> AttendanceRecord:
    minutes = _minutes_for(entry, session)
    record = existing.get(entry.episode.pk)
    if record is None:
        walk_in = entry.episode.pk not in places
        if walk_in:
            SessionAttendee.objects.create(
                session=session,
                episode=entry.episode,
                participant_id=entry.episode.participant_id,
                source=AttendeeSource.WALK_IN,
            )
        record = AttendanceRecord(
            session=session,
            participant_id=entry.episode.participant_id,
            episode=entry.episode,
            status=entry.status,
            minutes=minutes,
            recorded_by=actor,
        )
        record.save(force_insert=True, refresh_week=False)  # the roster's weeks: at the end
        _audit_attendance(AuditAction.ATTENDANCE_RECORDED, record, actor, walk_in=walk_in)
        return record
    if not _changes(record, entry, session):
        return record
    before = {"status": record.status, "minutes": record.minutes}
    record.status, record.minutes, record.recorded_by = entry.status, minutes, actor
    record.version += 1
    record.save(
        update_fields=["status", "minutes", "recorded_by", "version", "updated_at"],
        refresh_week=False,
    )
    _audit_attendance(AuditAction.ATTENDANCE_CORRECTED, record, actor, before=before)
    return record


def _audit_attendance(action, record: AttendanceRecord, actor, **extra) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=record,
        participant=record.participant,
        category=DataCategory.SUD_RECORD,
        details={
            "session": str(record.session.public_id),
            "status": record.status,
            "minutes": record.minutes,
            "version": record.version,
            **extra,
        },
    )


def _outreach_after_absence(episode: Episode, actor) -> OutreachTask | None:
    """An outreach task when the episode's last two recorded sessions were unexcused
    absences and none is open yet; the plan gets an early-review request too."""
    last_two = list(
        AttendanceRecord.objects.filter(episode=episode)
        .order_by("-session__held_on", "-session__start_time")
        .values_list("status", flat=True)[: rules.CONSECUTIVE_UNEXCUSED]
    )
    if last_two != [rules.ABSENT_UNEXCUSED] * rules.CONSECUTIVE_UNEXCUSED:
        return None
    if OutreachTask.objects.filter(
        episode=episode, reason=OutreachReason.UNEXCUSED_ABSENCES, done_at__isnull=True
    ).exists():
        return None
    task = OutreachTask.objects.create(
        episode=episode,
        participant_id=episode.participant_id,
        assigned_to_id=episode.primary_clinician_id,
        reason=OutreachReason.UNEXCUSED_ABSENCES,
        due_on=timezone.localdate() + timedelta(days=1),
    )
    audit_record(
        actor=actor,
        action=AuditAction.OUTREACH_TASK_CREATED,
        target=task,
        participant=task.participant,
        category=DataCategory.SUD_RECORD,
        details={"reason": task.reason},
    )
    from openiop.plans.services import plan_review_request

    plan_review_request(
        episode=episode,
        reason=_("Two unexcused absences in a row."),
        source="absences",
    )
    return task


@transaction.atomic
def outreach_task_done(*, task: OutreachTask, actor) -> OutreachTask:
    task = OutreachTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise ValidationError(_("This outreach is already marked done."), code="done")
    task.done_at, task.done_by = timezone.now(), actor
    task.save(update_fields=["done_at", "done_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.OUTREACH_TASK_DONE,
        target=task,
        participant=task.participant,
        category=DataCategory.SUD_RECORD,
        details={"reason": task.reason},
    )
    return task


# ----------------------------------------------------------------------------- places and rosters


@transaction.atomic
def attendee_pin(*, attendee: SessionAttendee, is_locked: bool, actor) -> SessionAttendee:
    """Pin a place (a re-solve keeps it) or unpin it."""
    if attendee.is_locked != is_locked:
        attendee.is_locked = is_locked
        attendee.save(update_fields=["is_locked", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.SESSION_PIN_CHANGED,
            target=attendee.session,
            participant=attendee.participant,
            category=DataCategory.ADMINISTRATIVE,
            details={"pinned": is_locked},
        )
    return attendee


def _future_sessions(offering: GroupOffering, on_or_after: date):
    """The offering's sessions from a date on that have no attendance recorded yet."""
    return Session.objects.filter(
        offering=offering, held_on__gte=on_or_after, is_cancelled=False, attendance__isnull=True
    )


def _check_roster_episode(offering: GroupOffering, episode: Episode) -> None:
    if episode.program_id != offering.program_id or episode.status != EpisodeStatus.ACTIVE:
        raise ValidationError(
            _("Only active participants of this program join its groups."), code="not_active"
        )


@transaction.atomic
def group_join(*, offering: GroupOffering, episode: Episode, starts_on: date, actor):
    """Add a participant to a recurring group from ``starts_on`` on: the group's sessions
    from that date get them as a pinned place; earlier sessions keep their roster."""
    _check_roster_episode(offering, episode)
    if GroupEnrollment.objects.filter(offering=offering, episode=episode, ends_on=None).exists():
        raise ValidationError(_("This person is already in this group."), code="enrolled")
    enrollment = GroupEnrollment.objects.create(
        offering=offering, episode=episode, starts_on=starts_on, created_by=actor
    )
    sessions = _future_sessions(offering, starts_on).exclude(attendees__episode=episode)
    SessionAttendee.objects.bulk_create(
        SessionAttendee(
            session=session,
            episode=episode,
            participant_id=episode.participant_id,
            is_locked=True,
            source=AttendeeSource.ROSTER,
        )
        for session in sessions
    )
    _audit_roster(offering, episode, actor, change="joined", on=starts_on)
    return enrollment


@transaction.atomic
def group_leave(*, offering: GroupOffering, episode: Episode, last_day: date, actor) -> None:
    """Take a participant out of a recurring group after ``last_day``: later sessions without
    attendance lose their place; earlier ones, and any with attendance, are left as they were."""
    enrollment = GroupEnrollment.objects.filter(
        offering=offering, episode=episode, ends_on=None
    ).first()
    if enrollment is not None:
        if last_day < enrollment.starts_on:
            raise ValidationError(
                _("The last day cannot be before the day they joined (%(day)s).")
                % {"day": enrollment.starts_on.isoformat()},
                code="before_start",
            )
        enrollment.ends_on = last_day
        enrollment.save(update_fields=["ends_on", "updated_at"])
    SessionAttendee.objects.filter(
        episode=episode,
        session__in=_future_sessions(offering, last_day + timedelta(days=1)),
    ).delete()
    _audit_roster(offering, episode, actor, change="left", on=last_day)


def _audit_roster(offering, episode, actor, *, change: str, on: date) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.GROUP_ROSTER_CHANGED,
        target=offering,
        participant=episode.participant,
        category=DataCategory.ADMINISTRATIVE,
        details={"offering": offering.code, "change": change, "on": on.isoformat()},
    )


@transaction.atomic
def session_add(
    *,
    program,
    kind: str,
    held_on: date,
    start_time: time,
    end_time: time,
    episodes: Sequence[Episode],
    actor,
    topic: str = "",
    room=None,
    lead=None,
    is_virtual: bool = False,
) -> Session:
    """A one-off session (added by staff; a re-solve never removes it)."""
    session = Session(
        program=program,
        kind=kind,
        topic=topic,
        held_on=held_on,
        start_time=start_time,
        end_time=end_time,
        room=room,
        lead=lead,
        is_virtual=is_virtual or bool(room and room.is_virtual),
    )
    session.full_clean()
    if kind != "group" and len(episodes) != 1:
        raise ValidationError(
            _("An individual or family session is with one participant."), code="one"
        )
    if room is not None and room.site_id != program.site_id:
        raise ValidationError({"room": _("This room is at another site.")})
    for episode in episodes:
        if episode.program_id != program.pk or episode.status != EpisodeStatus.ACTIVE:
            raise ValidationError(_("Sessions are for active participants of this program."))
    _check_one_off(session, episodes)
    session.save()
    SessionAttendee.objects.bulk_create(
        SessionAttendee(session=session, episode=e, participant_id=e.participant_id, is_locked=True)
        for e in episodes
    )
    audit_record(
        actor=actor,
        action=AuditAction.SESSION_ADDED,
        target=session,
        category=DataCategory.ADMINISTRATIVE,
        details={"kind": kind, "attendees": len(episodes)},
    )
    return session


def _check_one_off(session: Session, episodes: Sequence[Episode]) -> None:
    """The room suits the session and holds everyone; nobody (room, lead, participant) is in
    another session at the same time. Messages name no other participant."""
    room = session.room
    if room is not None:
        if session.kind not in room.uses:
            raise ValidationError({"room": _("This room is not used for this kind of session.")})
        if len(episodes) > room.capacity:
            raise ValidationError(
                {"room": _("This room holds %(n)s people.") % {"n": room.capacity}}
            )
    overlapping = Session.objects.filter(
        held_on=session.held_on,
        start_time__lt=session.end_time,
        end_time__gt=session.start_time,
        is_cancelled=False,
    )
    if room is not None and overlapping.filter(room=room).exists():
        raise ValidationError({"room": _("This room is taken at that time.")})
    if session.lead_id and overlapping.filter(lead=session.lead_id).exists():
        raise ValidationError({"lead": _("The lead is in another session at that time.")})
    busy = overlapping.filter(attendees__episode__in=episodes).values_list(
        "attendees__episode", flat=True
    )
    if busy:
        names = sorted(e.participant.display_name for e in episodes if e.pk in set(busy))
        raise ValidationError(
            _("Already in another session at that time: %(names)s.") % {"names": ", ".join(names)},
            code="clash",
        )


# ----------------------------------------------------------------------------- building a week


BUILD_SECONDS = 10.0


def schedule_build(
    *, program, week_of: date, actor, time_limit: float = BUILD_SECONDS
) -> WeekSchedule:
    """Solve the week the database holds and save the answer (``exchange.schedule_save``).

    Pinned places and sessions with attendance go to the solver as pins and stay; the week's
    last saved schedule is the warm start, so a re-solve moves little. The solve runs outside
    any transaction (it takes seconds); the save is one transaction and checks the database
    again. A problem the solver refuses (e.g. contradictory pins) raises ValidationError.
    """
    from openiop.scheduling import exchange
    from openiop.scheduling.solver import problem_from_json, solve

    document = exchange.problem_for_week(program, week_of)
    previous = (
        WeekSchedule.objects.filter(program=program, week_of=week_of)
        .order_by("-created_at")
        .first()
    )
    try:
        problem = problem_from_json(document)
        schedule = solve(
            problem, time_limit=time_limit, hint=previous.schedule if previous else None
        )
    except ValueError as error:
        raise ValidationError(
            _("The schedule could not be built: %(reason)s") % {"reason": error},
            code="solver",
        ) from None
    return exchange.schedule_save(program=program, week_of=week_of, schedule=schedule, actor=actor)


# ----------------------------------------------------------------------------- calendar feeds


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_reset(*, actor, user=None, episode: Episode | None = None) -> str:
    """A new secret calendar address for a clinician (``user``) or an episode; the old one
    stops working at once. Returns the token: it is shown once, only its digest is kept."""
    if (user is None) == (episode is None):
        raise ValueError("A calendar feed belongs to a user or an episode.")
    token = secrets.token_urlsafe(32)
    owner = {"user": user} if user is not None else {"episode": episode}
    CalendarFeed.objects.filter(**owner).delete()
    CalendarFeed.objects.create(**owner, token_digest=token_digest(token), created_by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.CALENDAR_FEED_RESET,
        target=user or episode,
        participant=episode.participant if episode else None,
        category=DataCategory.SECURITY,
    )
    return token


def _audit_availability(episode: Episode, actor, change: str, target=None) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.AVAILABILITY_CHANGED,
        target=target or episode,
        participant=episode.participant,
        category=DataCategory.ADMINISTRATIVE,
        details={"change": change, "episode": str(episode.public_id)},
    )


@transaction.atomic
def preferences_update(
    *, episode: Episode, actor, values: dict, expected_version: int
) -> ParticipantPreferences:
    """Change a participant's scheduling preferences (track, video, individual and family
    sessions, a target override with its reason). A stale form conflicts, never overwrites."""
    preferences, created = ParticipantPreferences.objects.get_or_create(episode=episode)
    if not created or expected_version != 0:
        preferences = version_claim(preferences, expected_version=expected_version)
    for field, value in values.items():
        setattr(preferences, field, value)
    if preferences.target_minutes_override is None:
        preferences.target_override_reason = ""
    preferences.full_clean()
    preferences.save()
    _audit_availability(episode, actor, "preferences")
    return preferences


WINDOW_MODELS = {"unavailable": ParticipantUnavailability, "family": FamilyAvailability}


@transaction.atomic
def weekly_window_add(*, episode: Episode, actor, kind: str, values: dict):
    """Add a weekly time the participant cannot come (``unavailable``: with what for) or when
    their family can meet (``family``)."""
    window = WINDOW_MODELS[kind](episode=episode, **values)
    window.full_clean()
    window.save()
    _audit_availability(episode, actor, f"{kind}_added")
    return window


@transaction.atomic
def weekly_window_remove(*, window, actor) -> None:
    kind = next(k for k, model in WINDOW_MODELS.items() if isinstance(window, model))
    episode = window.episode
    window.delete()
    _audit_availability(episode, actor, f"{kind}_removed")
