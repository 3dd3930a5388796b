"""Each episode's attendance per week (the reports read it for whole weeks): kept current as
attendance is recorded, corrected and deleted and as sessions are cancelled, and the same as a
rebuild from the records (what the migration and the benchmark's generator run)."""

import datetime

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openiop.participants.tests.factories import EpisodeFactory
from openiop.scheduling import attendance_weeks, services
from openiop.scheduling.models import AttendanceRecord, AttendanceWeek
from openiop.scheduling.services.week import AttendanceEntry
from openiop.scheduling.tests.factories import SessionFactory, attend

pytestmark = pytest.mark.django_db

D = datetime.date
MONDAY = D(2026, 3, 2)


@pytest.fixture(autouse=True)
def _later():
    with time_machine.travel(datetime.datetime(2026, 3, 20, 18), tick=False):
        yield


def weeks():
    return {
        (w.episode_id, w.week_of): (w.days_attended, w.attended, w.excused, w.unexcused, w.minutes)
        for w in AttendanceWeek.objects.all()
    }


def record(session, episode, status, actor, minutes=None):
    services.attendance_record(
        session=session, entries=[AttendanceEntry(episode, status, minutes)], actor=actor
    )


def test_a_week_sums_its_records(program, clinician, episode):
    monday_pm = attend(SessionFactory(program=program, held_on=MONDAY), episode)
    monday_am = attend(
        SessionFactory(
            program=program,
            held_on=MONDAY,
            start_time=datetime.time(9),
            end_time=datetime.time(11),
        ),
        episode,
    )
    wednesday = attend(SessionFactory(program=program, held_on=D(2026, 3, 4)), episode)
    sunday = attend(SessionFactory(program=program, held_on=D(2026, 3, 8)), episode)
    next_week = attend(SessionFactory(program=program, held_on=D(2026, 3, 9)), episode)

    record(monday_pm, episode, "present", clinician, 180)
    record(monday_am, episode, "late", clinician, 90)
    record(wednesday, episode, "absent_excused", clinician)
    record(sunday, episode, "video", clinician, 60)
    record(next_week, episode, "absent_unexcused", clinician)

    # Week of 2 March: Monday twice counts one day, Sunday another; 180 + 90 + 60 minutes.
    assert weeks() == {
        (episode.pk, MONDAY): (2, 3, 1, 0, 330),
        (episode.pk, D(2026, 3, 9)): (0, 0, 0, 1, 0),
    }


def test_a_correction_changes_the_week(program, clinician, episode):
    session = attend(SessionFactory(program=program, held_on=D(2026, 3, 3)), episode)
    record(session, episode, "present", clinician, 180)

    record(session, episode, "absent_unexcused", clinician)

    assert weeks() == {(episode.pk, MONDAY): (0, 0, 0, 1, 0)}


def test_a_cancelled_session_leaves_the_week_and_comes_back_when_reinstated(
    program, clinician, episode
):
    kept = attend(SessionFactory(program=program, held_on=D(2026, 3, 3)), episode)
    dropped = attend(SessionFactory(program=program, held_on=D(2026, 3, 5)), episode)
    record(kept, episode, "present", clinician, 180)
    record(dropped, episode, "present", clinician, 120)
    assert weeks() == {(episode.pk, MONDAY): (2, 2, 0, 0, 300)}

    dropped.is_cancelled = True
    dropped.save()
    assert weeks() == {(episode.pk, MONDAY): (1, 1, 0, 0, 180)}

    dropped.is_cancelled = False
    dropped.save(update_fields=["is_cancelled"])
    assert weeks() == {(episode.pk, MONDAY): (2, 2, 0, 0, 300)}


def test_deleting_the_last_record_of_a_week_removes_the_week(program, clinician, episode):
    session = attend(SessionFactory(program=program, held_on=D(2026, 3, 3)), episode)
    record(session, episode, "present", clinician, 180)

    AttendanceRecord.objects.get(session=session).delete()

    assert weeks() == {}


def test_weeks_of_different_people_are_apart(program, clinician, episode):
    other = EpisodeFactory(program=program, active=True)
    session = attend(SessionFactory(program=program, held_on=D(2026, 3, 3)), episode, other)
    services.attendance_record(
        session=session,
        entries=[AttendanceEntry(episode, "present", 180), AttendanceEntry(other, "late", 150)],
        actor=clinician,
    )

    assert weeks() == {
        (episode.pk, MONDAY): (1, 1, 0, 0, 180),
        (other.pk, MONDAY): (1, 1, 0, 0, 150),
    }


STATUSES = ("present", "late", "left_early", "video", "absent_excused", "absent_unexcused")


@settings(
    max_examples=10,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    entries=st.lists(
        st.tuples(
            st.integers(0, 1),  # which episode
            st.integers(0, 17),  # which day from Monday 2 March (to the day before today)
            st.sampled_from(STATUSES),
            st.integers(1, 180),  # minutes, when attended (the session is 3 hours)
        ),
        max_size=12,
    ),
    cancel=st.sets(st.integers(0, 17), max_size=3),
)
def test_kept_weeks_equal_a_rebuild_from_the_records(program, clinician, entries, cancel):
    with transaction.atomic():  # each example starts from an empty week table
        episodes = [EpisodeFactory(program=program, active=True) for _ in range(2)]
        sessions = {}
        for which, day, status, minutes in entries:
            held_on = MONDAY + datetime.timedelta(days=day)
            if held_on not in sessions:
                sessions[held_on] = attend(
                    SessionFactory(program=program, held_on=held_on), *episodes
                )
            absent = status.startswith("absent")
            record(
                sessions[held_on], episodes[which], status, clinician, None if absent else minutes
            )
        for day in cancel:
            session = sessions.get(MONDAY + datetime.timedelta(days=day))
            if session is not None:
                session.is_cancelled = True
                session.save()
        kept = weeks()

        attendance_weeks.rebuild()

        assert weeks() == kept
        transaction.set_rollback(True)


def test_the_migration_fills_the_weeks_of_records_already_there(program, clinician, episode):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("openiop.scheduling.migrations.0005_attendance_weeks")
    session = attend(SessionFactory(program=program, held_on=D(2026, 3, 3)), episode)
    record(session, episode, "present", clinician, 180)
    AttendanceWeek.objects.all().delete()  # as before the migration

    migration.fill(apps, schema_editor=None)

    assert weeks() == {(episode.pk, MONDAY): (1, 1, 0, 0, 180)}
