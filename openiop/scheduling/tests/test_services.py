"""Roster changes from a date forward, one-off sessions, pins and outreach, as services."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.tests.factories import EpisodeFactory
from openiop.programs.tests.factories import SiteFactory
from openiop.scheduling import services
from openiop.scheduling.models import (
    AttendanceRecord,
    GroupEnrollment,
    OutreachReason,
    OutreachTask,
    SessionAttendee,
)
from openiop.scheduling.tests.factories import RoomFactory, SessionFactory, attend, evening_program

pytestmark = pytest.mark.django_db

D = datetime.date
MONDAYS = [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 23)]


@pytest.fixture(autouse=True)
def _tuesday():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12), tick=False):
        yield


@pytest.fixture
def monday_group(program, clinician, episode):
    """Four Monday meetings of the evening process group; the first two have happened."""
    offering = evening_program(program)["offerings"]["mon"]
    sessions = [
        attend(SessionFactory(program=program, offering=offering, held_on=day), episode)
        for day in MONDAYS
    ]
    for session in sessions[:2]:
        AttendanceRecord.objects.create(
            session=session,
            participant=episode.participant,
            episode=episode,
            status="present",
            minutes=180,
            recorded_by=clinician,
        )
    return offering, sessions


def _on(session, episode) -> bool:
    return SessionAttendee.objects.filter(session=session, episode=episode).exists()


def test_joining_a_group_from_a_date_fills_later_sessions_only(program, director, monday_group):
    offering, sessions = monday_group
    newcomer = EpisodeFactory(program=program, active=True, referred_on=D(2026, 3, 1))
    services.group_join(
        offering=offering, episode=newcomer, starts_on=D(2026, 3, 9), actor=director
    )

    # the 9th already happened (attendance recorded): its roster stays as it was
    assert [_on(s, newcomer) for s in sessions] == [False, False, True, True]
    assert SessionAttendee.objects.get(session=sessions[2], episode=newcomer).is_locked
    assert GroupEnrollment.objects.get(episode=newcomer).ends_on is None
    event = AuditEvent.objects.get(action=AuditAction.GROUP_ROSTER_CHANGED)
    assert event.details == {"offering": "mon-pm-process", "change": "joined", "on": "2026-03-09"}
    with pytest.raises(ValidationError, match="already in this group"):
        services.group_join(
            offering=offering, episode=newcomer, starts_on=D(2026, 3, 16), actor=director
        )


def test_leaving_a_group_keeps_past_sessions_whole(program, director, episode, monday_group):
    offering, sessions = monday_group
    GroupEnrollment.objects.create(
        offering=offering, episode=episode, starts_on=D(2026, 3, 1), created_by=director
    )
    services.group_leave(
        offering=offering, episode=episode, last_day=D(2026, 3, 16), actor=director
    )
    assert [_on(s, episode) for s in sessions] == [True, True, True, False]
    assert GroupEnrollment.objects.get().ends_on == D(2026, 3, 16)
    with pytest.raises(ValidationError, match="cannot be before the day they joined"):
        GroupEnrollment.objects.update(ends_on=None)
        services.group_leave(
            offering=offering, episode=episode, last_day=D(2026, 2, 1), actor=director
        )


def test_only_active_participants_of_the_program_join(
    program, director, other_episode, monday_group
):
    offering, _sessions = monday_group
    with pytest.raises(ValidationError, match="Only active participants of this program"):
        services.group_join(
            offering=offering, episode=other_episode, starts_on=D(2026, 3, 16), actor=director
        )


def test_a_one_off_session_is_pinned_and_audited(program, clinician, director, episode):
    rooms = evening_program(program)["rooms"]
    session = services.session_add(
        program=program,
        kind="individual",
        held_on=D(2026, 3, 12),
        start_time=datetime.time(12),
        end_time=datetime.time(13),
        episodes=[episode],
        room=rooms["video"],
        lead=clinician,
        actor=director,
    )
    assert session.source == "manual" and session.is_virtual
    assert SessionAttendee.objects.get(session=session).is_locked
    assert AuditEvent.objects.get(action=AuditAction.SESSION_ADDED).details == {
        "kind": "individual",
        "attendees": 1,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end_time": datetime.time(11)}, "The end time must be after the start time."),
        ({"kind": "family", "extra": True}, "with one participant"),
        ({"room": "elsewhere"}, "This room is at another site."),
        ({"kind": "group", "topic": ""}, "A group session has a topic."),
        ({"room": "office", "kind": "group", "topic": "skills"}, "not used for this kind"),
        ({"room": "taken"}, "This room is taken at that time."),
        ({"lead": "busy"}, "The lead is in another session at that time."),
        ({"start_time": datetime.time(10, 30)}, "Already in another session at that time: "),
    ],
)
def test_a_one_off_session_is_checked_before_saving(
    program, clinician, director, episode, change, message
):
    values = {
        "program": program,
        "kind": "individual",
        "held_on": D(2026, 3, 12),
        "start_time": datetime.time(12),
        "end_time": datetime.time(13),
        "episodes": [episode],
        "actor": director,
    }
    extra = change.pop("extra", False)
    if extra:
        values["episodes"] = [episode, EpisodeFactory(program=program, active=True)]
    rooms = evening_program(program)["rooms"]
    # Already there: the episode's 10:00-11:00 individual session with the clinician in the
    # office, the same day.
    earlier = attend(
        SessionFactory(
            program=program,
            kind="individual",
            topic="",
            held_on=D(2026, 3, 12),
            start_time=datetime.time(10),
            end_time=datetime.time(11),
            room=rooms["office"],
            lead=clinician,
        ),
        episode,
    )
    if change.get("room") == "elsewhere":
        change["room"] = RoomFactory(site=SiteFactory(name="North Campus"))
    elif change.get("room") in ("office", "taken"):
        values["start_time"] = change.pop("start_time", datetime.time(10, 30))
        values["episodes"] = [EpisodeFactory(program=program, active=True)]
        change["room"] = rooms["office"]
    elif change.get("lead") == "busy":
        values.update(start_time=datetime.time(10, 30), lead=clinician)
        values["episodes"] = [EpisodeFactory(program=program, active=True)]
        del change["lead"]
    values.update(change)
    with pytest.raises(ValidationError, match=message):
        services.session_add(**values)
    assert list(SessionAttendee.objects.values_list("session", flat=True)) == [earlier.pk]


def test_an_outreach_task_is_done_once(episode, clinician):
    task = OutreachTask.objects.create(
        episode=episode,
        participant=episode.participant,
        assigned_to=clinician,
        reason=OutreachReason.UNEXCUSED_ABSENCES,
        due_on=D(2026, 3, 11),
    )
    services.outreach_task_done(task=task, actor=clinician)
    with pytest.raises(ValidationError, match="already marked done"):
        services.outreach_task_done(task=task, actor=clinician)
    assert AuditEvent.objects.filter(action=AuditAction.OUTREACH_TASK_DONE).count() == 1


def test_pinning_twice_writes_one_audit_row(program, director, episode):
    session = attend(SessionFactory(program=program, held_on=D(2026, 3, 12)), episode)
    place = SessionAttendee.objects.get(session=session)
    services.attendee_pin(attendee=place, is_locked=True, actor=director)
    services.attendee_pin(attendee=place, is_locked=True, actor=director)
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_PIN_CHANGED).count() == 1
