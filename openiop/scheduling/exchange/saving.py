"""Saving an ``openiop-schedule/1`` document as a week's sessions."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.participants.models import Episode
from openiop.programs.models import Program
from openiop.scheduling import rules
from openiop.scheduling.exchange.common import PAIR_KINDS, SCHEDULE_FORMAT, check_monday
from openiop.scheduling.exchange.problem import problem_for_week, scheduled_episodes
from openiop.scheduling.models import (
    AttendeeSource,
    ClinicianSchedule,
    GroupOffering,
    Room,
    ScheduleStatus,
    Session,
    SessionAttendee,
    SessionKind,
    SessionSource,
    WeekSchedule,
)


class _Refs:
    """The objects a schedule document's ids name, for one program's week."""

    def __init__(self, program: Program, week_of: date):
        self.rooms = {r.code: r for r in Room.objects.filter(site=program.site_id, is_active=True)}
        self.offerings = {o.code: o for o in GroupOffering.objects.filter(program=program)}
        self.clinicians = {
            str(s.user.public_id): s.user
            for s in ClinicianSchedule.objects.filter(program=program).select_related("user")
        }
        self.episodes = {
            str(e.public_id): e
            for e in scheduled_episodes(program, week_of).select_related("participant")
        }


def _fail(where: str, message: str):
    raise ValidationError(
        _("%(where)s: %(problem)s") % {"where": where, "problem": message},
        code="invalid_schedule",
    )


# What a document's id should name, as the messages say it.
_WHAT = {
    "offering": lambda: _("an offering"),
    "room": lambda: _("a room"),
    "clinician": lambda: _("a clinician"),
    "participant": lambda: _("a participant"),
}


def _ref(item: dict, key: str, known: dict, what: str, where: str):
    value = item.get(key)
    if not isinstance(value, str) or value not in known:
        _fail(
            where,
            _('%(key)s "%(value)s" is not %(what)s of this program\'s week.')
            % {"key": key, "value": value, "what": _WHAT[what]()},
        )
    return known[value]


def _time(item: dict, key: str, where: str) -> time:
    value = item.get(key)
    try:
        hours, minutes = value.split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError
        return time(int(hours), int(minutes))
    except (AttributeError, ValueError):
        _fail(
            where,
            _('"%(key)s" must be a time as HH:MM, got %(value)s.')
            % {"key": key, "value": repr(value)},
        )


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_schedule")


def _parse_document(schedule: object) -> list:
    if not isinstance(schedule, dict):
        raise _invalid(_("The schedule must be a JSON object."))
    if schedule.get("format") != SCHEDULE_FORMAT:
        raise _invalid(
            _('The schedule\'s "format" must be "%(format)s", got %(value)s.')
            % {"format": SCHEDULE_FORMAT, "value": repr(schedule.get("format"))}
        )
    if schedule.get("status") not in ScheduleStatus.values:
        raise _invalid(
            _('The schedule\'s "status" must be one of %(choices)s.')
            % {"choices": ", ".join(ScheduleStatus.values)}
        )
    sessions = schedule.get("sessions")
    if not isinstance(sessions, list):
        raise _invalid(_('The schedule needs a "sessions" list.'))
    return sessions


def _planned_group(item, refs: _Refs, week_of: date, where: str) -> dict:
    offering = _ref(item, "offering", refs.offerings, "offering", where)
    room = _ref(item, "room", refs.rooms, "room", where)
    members = item.get("participants")
    if not isinstance(members, list) or len(set(map(str, members))) != len(members):
        _fail(where, _('"participants" must be a list of distinct participant ids.'))
    episodes = [_ref({"id": m}, "id", refs.episodes, "participant", where) for m in members]
    return {
        "kind": SessionKind.GROUP,
        "offering": offering,
        "topic": offering.topic,
        "held_on": week_of + timedelta(days=offering.weekday),
        "start_time": offering.start_time,
        "end_time": offering.end_time,
        "room": room,
        "lead": _ref(item, "lead", refs.clinicians, "clinician", where),
        "episodes": episodes,
    }


def _planned_pair(item, refs: _Refs, week_of: date, where: str) -> dict:
    if item.get("day") not in rules.DAYS:
        _fail(where, _('"day" must be one of %(days)s.') % {"days": ", ".join(rules.DAYS)})
    start, end = _time(item, "from", where), _time(item, "to", where)
    if end <= start:
        _fail(where, _('"to" must be after "from".'))
    return {
        "kind": item["kind"],
        "offering": None,
        "topic": "",
        "held_on": week_of + timedelta(days=rules.DAYS.index(item["day"])),
        "start_time": start,
        "end_time": end,
        "room": _ref(item, "room", refs.rooms, "room", where),
        "lead": _ref(item, "clinician", refs.clinicians, "clinician", where),
        "episodes": [_ref(item, "participant", refs.episodes, "participant", where)],
    }


def _planned_sessions(schedule: object, refs: _Refs, week_of: date) -> list[dict]:
    planned, seen = [], set()
    for index, item in enumerate(_parse_document(schedule)):
        where = f"sessions[{index}]"
        if not isinstance(item, dict):
            _fail(where, _("must be a session object."))
        if item.get("kind") == "group":
            session = _planned_group(item, refs, week_of, where)
            key = ("group", session["offering"].pk)
        elif item.get("kind") in PAIR_KINDS:
            session = _planned_pair(item, refs, week_of, where)
            key = (item["kind"], session["episodes"][0].pk)
        else:
            _fail(where, _('"kind" must be group, individual or family.'))
        if key in seen:
            _fail(where, _("repeats a group or a participant's individual or family session."))
        seen.add(key)
        planned.append(session)
    return planned


def _session_key(kind: str, offering_id: int | None, episode_id: int | None) -> tuple:
    return ("group", offering_id) if kind == SessionKind.GROUP else (kind, episode_id)


@transaction.atomic
def schedule_save(
    *, program: Program, week_of: date, schedule: dict, actor, keep_locked: bool = True
) -> WeekSchedule:
    """Save ``schedule`` as ``program``'s sessions for the week of Monday ``week_of``.

    The week's earlier schedule sessions are replaced, except those with attendance recorded;
    sessions staff added by hand are never touched. A session of the document that one of
    those already covers (the same group, or the participant's individual or family session)
    is not created again. With ``keep_locked`` every pinned place must be in the document and
    stays pinned. A document naming anything unknown raises ValidationError; nothing is saved.
    """
    try:
        check_monday(week_of)
    except ValueError:
        raise ValidationError(
            _("A week starts on a Monday; %(day)s is not one.") % {"day": week_of.isoformat()},
            code="not_monday",
        ) from None
    problem = problem_for_week(program, week_of)
    refs = _Refs(program, week_of)
    planned = _planned_sessions(schedule, refs, week_of)
    _check_hard_rules(problem, schedule)
    kept, replaced = _existing(program, week_of)
    locked = _locked_places(replaced) if keep_locked else set()
    _check_locked_kept(locked, planned)
    Session.objects.filter(pk__in=[s.pk for s in replaced]).delete()
    saved = WeekSchedule.objects.create(
        program=program,
        week_of=week_of,
        problem=problem,
        schedule=schedule,
        status=schedule["status"],
        saved_by=actor,
    )
    created = _create_sessions(program, saved, planned, kept, locked)
    audit_record(
        actor=actor,
        action=AuditAction.SCHEDULE_SAVED,
        target=saved,
        category=DataCategory.ADMINISTRATIVE,
        details={
            "program": str(program.public_id),
            "week": rules.iso_week(week_of),
            "sessions": created,
            "replaced": len(replaced),
            "status": schedule["status"],
        },
    )
    return saved


# The format's hard rules (/work/shared/scheduling-format.md), named for the page.
HARD_RULES = {
    "1": lambda: _("nobody in two places at once"),
    "2": lambda: _("only at available times"),
    "3": lambda: _("the right lead or therapist"),
    "4": lambda: _("rooms and group sizes"),
    "5": lambda: _("groups reach their minimum size"),
    "6": lambda: _("weekly maximum minutes"),
    "7": lambda: _("individual and family sessions"),
}


def rule_message(violation: str) -> str:
    """One of the solver's ``check`` violations ("rule 4: room ...") in the page's language:
    the rule's name is translated; the detail names ids and stays as the checker wrote it."""
    head, _sep, detail = violation.partition(": ")
    number = head.removeprefix("rule ")
    if head.startswith("rule ") and number in HARD_RULES:
        return _("Hard rule %(number)s (%(rule)s) is broken: %(detail)s") % {
            "number": number,
            "rule": HARD_RULES[number](),
            "detail": detail,
        }
    return _("The schedule is not valid: %(detail)s") % {"detail": detail or violation}


def _check_hard_rules(problem: dict, schedule: dict) -> None:
    """Refuse a schedule that breaks a hard rule of the format for the week the database
    holds (the solver package's own checker). The participants summary is not checked: it is
    a report, not a rule; the sessions are what is saved."""
    from openiop.scheduling.solver import check, problem_from_json

    document = {key: value for key, value in problem.items() if key != "pinned"}
    violations = [
        v for v in check(problem_from_json(document), schedule) if not v.startswith("summary:")
    ]
    if violations:
        raise ValidationError(
            [rule_message(v) for v in violations[:MAX_MESSAGES]]
            + (
                [_("… and %(n)s more.") % {"n": len(violations) - MAX_MESSAGES}]
                if len(violations) > MAX_MESSAGES
                else []
            ),
            code="hard_rule",
        )


MAX_MESSAGES = 10


def _existing(program: Program, week_of: date) -> tuple[set[tuple], list[Session]]:
    """(keys of sessions that stay, schedule sessions that will be replaced)."""
    kept: set[tuple] = set()
    replaced = []
    sessions = Session.objects.filter(
        program=program,
        held_on__range=(week_of, week_of + timedelta(days=6)),
        is_cancelled=False,
    ).prefetch_related("attendees", "attendance")
    for session in sessions:
        recorded = bool(session.attendance.all())
        if session.source == SessionSource.SCHEDULE and not recorded:
            replaced.append(session)
            continue
        if session.kind == SessionKind.GROUP:
            kept.add(_session_key(session.kind, session.offering_id, None))
        else:
            for attendee in session.attendees.all():
                kept.add(_session_key(session.kind, None, attendee.episode_id))
    return kept, replaced


def _locked_places(replaced: list[Session]) -> set[tuple]:
    return {
        (_session_key(s.kind, s.offering_id, a.episode_id), a.episode_id)
        for s in replaced
        for a in s.attendees.all()
        if a.is_locked
    }


def _check_locked_kept(locked: set[tuple], planned: list[dict]) -> None:
    present = {
        (_session_key(p["kind"], p["offering"] and p["offering"].pk, e.pk), e.pk)
        for p in planned
        for e in p["episodes"]
    }
    missing = locked - present
    if missing:
        ids = sorted(
            str(e.public_id) for e in Episode.objects.filter(pk__in={m[1] for m in missing})
        )
        raise ValidationError(
            _(
                "The schedule leaves out pinned places (participants %(ids)s): solve again "
                "with the pins, or unpin them first."
            )
            % {"ids": ", ".join(ids)},
            code="pins_missing",
        )


def _create_sessions(program, saved, planned, kept, locked) -> int:
    created = 0
    for plan in planned:
        key = _session_key(
            plan["kind"], plan["offering"] and plan["offering"].pk, plan["episodes"][0].pk
        )
        if key in kept:
            continue
        episodes = plan.pop("episodes")
        session = Session.objects.create(
            program=program,
            is_virtual=plan["room"].is_virtual,
            source=SessionSource.SCHEDULE,
            week_schedule=saved,
            **plan,
        )
        SessionAttendee.objects.bulk_create(
            SessionAttendee(
                session=session,
                episode=episode,
                participant_id=episode.participant_id,
                is_locked=(_session_key(session.kind, session.offering_id, episode.pk), episode.pk)
                in locked,
                source=AttendeeSource.SCHEDULE,
            )
            for episode in episodes
        )
        created += 1
    return created
