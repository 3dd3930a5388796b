"""Recording attendance: the roster page and attendance_record() with controlled dates,
idempotent saves, audited corrections, walk-ins, errors that save nothing, outreach after
two unexcused absences, and the roster's query count."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory
from openiop.plans.models import ReviewRequest
from openiop.scheduling import services
from openiop.scheduling.models import (
    AttendanceRecord,
    OutreachTask,
    SessionAttendee,
)
from openiop.scheduling.services import AttendanceEntry
from openiop.scheduling.tests.factories import SessionFactory, attend, evening_program

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
T = datetime.time


@pytest.fixture(autouse=True)
def _monday_evening():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 21, 15), tick=False):
        yield


@pytest.fixture
def people(program, clinician, episode):
    others = [EpisodeFactory(program=program, active=True) for _ in range(2)]
    for other in others:
        CareTeamMemberFactory(episode=other, user=clinician)
    return [episode, *others]


@pytest.fixture
def session(program, clinician, people):
    rooms = evening_program(program)["rooms"]
    return attend(
        SessionFactory(program=program, held_on=MONDAY, lead=clinician, room=rooms["group"]),
        *people,
    )


def _url(session):
    return reverse("scheduling:roster", args=[session.public_id])


def _row(episode, status, minutes="", version="0"):
    key = str(episode.public_id)
    return {f"status-{key}": status, f"minutes-{key}": minutes, f"version-{key}": version}


def _post(client, session, *rows, **extra):
    data = {}
    for row in rows:
        data.update(row)
    data.update(extra)
    return client.post(_url(session), data)


def test_recording_a_roster_saves_each_row_and_audits_codes_only(
    client, clinician, session, people
):
    first, second, third = people
    client.force_login(clinician)
    response = _post(
        client,
        session,
        _row(first, "present", "180"),
        _row(second, "late", "150"),
        _row(third, "absent_excused", ""),
    )
    assert response.status_code == 302
    records = {r.episode_id: (r.status, r.minutes) for r in AttendanceRecord.objects.all()}
    assert records == {
        first.pk: ("present", 180),
        second.pk: ("late", 150),
        third.pk: ("absent_excused", 0),
    }
    events = AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_RECORDED)
    assert {e.participant_id for e in events} == {p.participant_id for p in people}
    late = events.get(participant=second.participant)
    assert late.details == {
        "session": str(session.public_id),
        "status": "late",
        "minutes": 150,
        "version": 1,
        "walk_in": False,
    }
    page = client.get(response.url).content.decode()
    assert "Attendance saved." in page


def test_blank_minutes_take_the_session_length(client, clinician, session, people):
    client.force_login(clinician)
    _post(client, session, _row(people[0], "video", ""))
    assert AttendanceRecord.objects.get().minutes == 180


def test_saving_the_same_roster_again_changes_nothing(client, clinician, session, people):
    client.force_login(clinician)
    rows = [_row(people[0], "present", "180"), _row(people[1], "absent_unexcused", "0")]
    _post(client, session, *rows)
    audits = AuditEvent.objects.exclude(action=AuditAction.PARTICIPANT_LISTED).count()
    response = _post(client, session, *rows)  # a double click, with the versions of the first
    assert response.status_code == 302
    assert AuditEvent.objects.exclude(action=AuditAction.PARTICIPANT_LISTED).count() == audits
    assert set(AttendanceRecord.objects.values_list("version", flat=True)) == {1}


def test_a_correction_bumps_the_version_and_audits_before_and_after(
    client, clinician, director, session, people
):
    client.force_login(clinician)
    _post(client, session, _row(people[0], "present", "180"))
    client.force_login(director)
    response = _post(client, session, _row(people[0], "left_early", "120", version="1"))
    assert response.status_code == 302
    record = AttendanceRecord.objects.get()
    assert (record.status, record.minutes, record.version, record.recorded_by) == (
        "left_early",
        120,
        2,
        director,
    )
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_CORRECTED)
    assert event.actor == director and event.participant == people[0].participant
    assert event.details["before"] == {"status": "present", "minutes": 180}
    assert (event.details["status"], event.details["minutes"]) == ("left_early", 120)


def test_a_stale_correction_is_refused_and_nothing_is_saved(client, clinician, session, people):
    client.force_login(clinician)
    _post(client, session, _row(people[0], "present", "180"))
    _post(client, session, _row(people[0], "late", "170", version="1"))
    response = _post(
        client,
        session,
        _row(people[0], "absent_excused", "0", version="1"),  # edited from version 1
        _row(people[1], "present", "180"),
    )
    assert response.status_code == 400
    assert "Someone else changed this row while you were editing" in response.content.decode()
    assert AttendanceRecord.objects.get().status == "late"


def test_a_row_recorded_meanwhile_by_someone_else_is_not_overwritten(
    client, clinician, director, session, people
):
    services.attendance_record(
        session=session, entries=[AttendanceEntry(people[0], "present")], actor=director
    )
    client.force_login(clinician)
    response = _post(client, session, _row(people[0], "absent_unexcused", "0", version="0"))
    assert response.status_code == 400
    assert AttendanceRecord.objects.get().status == "present"


def test_bad_rows_keep_what_was_typed_and_save_nothing(client, clinician, session, people):
    client.force_login(clinician)
    response = _post(
        client,
        session,
        _row(people[0], "present", "180"),
        _row(people[1], "late", "240"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value is less than or equal to 180." in page
    assert 'value="240"' in page
    assert not AttendanceRecord.objects.exists()


def test_the_service_refuses_minutes_for_an_absence(session, people, clinician):
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            session=session,
            entries=[AttendanceEntry(people[0], "absent_excused", 30)],
            actor=clinician,
        )
    assert error.value.message_dict == {
        str(people[0].public_id): ["An absence has no minutes attended."]
    }


def test_unmarked_rows_stay_unrecorded_and_the_page_says_how_many(
    client, clinician, session, people
):
    client.force_login(clinician)
    response = _post(client, session, _row(people[0], "present", "180"))
    page = client.get(response.url).content.decode()
    assert "Attendance saved. 2 not marked yet." in page
    assert AttendanceRecord.objects.count() == 1


def test_a_walk_in_joins_the_roster_when_saved(client, director, program, session, people):
    walk_in = EpisodeFactory(program=program, active=True)
    client.force_login(director)
    key = str(walk_in.public_id)
    added = _post(
        client, session, _row(people[0], "present", "180"), walk_in=key, action="add_walk_in"
    )
    assert added.status_code == 200
    page = added.content.decode()
    assert walk_in.participant.display_name in page and "walk-in" in page
    assert not AttendanceRecord.objects.exists()  # adding a row saves nothing yet
    saved = _post(
        client,
        session,
        _row(people[0], "present", "180"),
        _row(walk_in, "present", "90"),
        walk_ins=key,
    )
    assert saved.status_code == 302
    place = SessionAttendee.objects.get(episode=walk_in)
    assert place.source == "walk_in"
    assert AttendanceRecord.objects.get(episode=walk_in).minutes == 90
    event = AuditEvent.objects.get(
        action=AuditAction.ATTENDANCE_RECORDED, participant=walk_in.participant
    )
    assert event.details["walk_in"] is True


def test_a_walk_in_from_another_program_cannot_be_added(
    client, director, session, other_episode, people
):
    client.force_login(director)
    response = _post(
        client,
        session,
        _row(other_episode, "present", "180"),
        walk_ins=str(other_episode.public_id),
    )
    assert response.status_code == 302  # the unknown row is not on the form: ignored
    assert not AttendanceRecord.objects.filter(episode=other_episode).exists()
    with pytest.raises(ValidationError, match="active participant of this program"):
        services.attendance_record(
            session=session, entries=[AttendanceEntry(other_episode, "present")], actor=director
        )


def test_attendance_waits_for_the_day_of_the_session(client, clinician, program, people):
    tomorrow = SessionFactory(
        program=program, held_on=MONDAY + datetime.timedelta(days=1), lead=clinician
    )
    attend(tomorrow, people[0])
    client.force_login(clinician)
    response = _post(client, tomorrow, _row(people[0], "present", "180"))
    assert response.status_code == 400
    assert "Attendance is recorded on or after the day of the session." in (
        response.content.decode()
    )


def test_two_unexcused_absences_in_a_row_open_one_outreach_task(
    client, clinician, program, session, people, episode
):
    earlier = attend(
        SessionFactory(
            program=program, held_on=MONDAY - datetime.timedelta(days=4), lead=clinician
        ),
        episode,
    )
    services.attendance_record(
        session=earlier, entries=[AttendanceEntry(episode, "absent_unexcused")], actor=clinician
    )
    assert not OutreachTask.objects.exists()
    client.force_login(clinician)
    _post(client, session, _row(episode, "absent_unexcused", "0"))
    task = OutreachTask.objects.get()
    assert (task.episode, task.assigned_to, task.reason) == (
        episode,
        clinician,
        "unexcused_absences",
    )
    assert AuditEvent.objects.filter(action=AuditAction.OUTREACH_TASK_CREATED).count() == 1
    review = ReviewRequest.objects.get(episode=episode)  # the plan gets an early review
    assert (review.source, review.reason) == ("absences", "Two unexcused absences in a row.")
    _post(client, session, _row(episode, "absent_unexcused", "0", version="1"))
    assert OutreachTask.objects.count() == 1
    assert ReviewRequest.objects.count() == 1
    caseload = client.get(reverse("participants:caseload")).content.decode()
    assert "Outreach due" in caseload
    tab = client.get(reverse("scheduling:schedule", args=[episode.participant.public_id]))
    assert "Two unexcused absences in a row" in tab.content.decode()
    client.post(reverse("scheduling:outreach_done", args=[task.public_id]))
    task.refresh_from_db()
    assert task.done_by == clinician
    assert "Outreach due" not in client.get(reverse("participants:caseload")).content.decode()


def test_the_roster_query_count_does_not_grow_with_attendees(
    client, clinician, program, session, people, django_assert_num_queries
):
    client.force_login(clinician)
    client.get(_url(session))  # warm the session
    with django_assert_num_queries(12):
        small = client.get(_url(session))
    more = [EpisodeFactory(program=program, active=True) for _ in range(6)]
    attend(session, *more)
    services.attendance_record(
        session=session, entries=[AttendanceEntry(e, "present") for e in more], actor=clinician
    )
    with django_assert_num_queries(12):
        large = client.get(_url(session))
    assert len(small.context["form"].rows) == 3 and len(large.context["form"].rows) == 9
