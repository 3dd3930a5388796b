"""The scheduling demo: tracks, groups, staff hours, participants' needs, and twelve past
weeks of sessions with attendance (the reports' default range), this week and next, all dated
from --today and readable by the solver."""

import datetime

import pytest
from django.db import transaction

from openiop.core.tests.demo_cache import DEMO_NOW, DEMO_TODAY, load_demo
from openiop.participants.models import Episode
from openiop.programs.models import Program
from openiop.scheduling import exchange
from openiop.scheduling.models import (
    AttendanceRecord,
    ClinicianSchedule,
    ClinicianTimeOff,
    GroupOffering,
    OutreachTask,
    ParticipantPreferences,
    Session,
    Track,
    WeekSchedule,
)

TODAY, NOW = DEMO_TODAY, DEMO_NOW  # Wednesday 25 November 2026; the clock six days on


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(TODAY, NOW)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return Program.objects.get(name="Adult IOP")


def test_the_demo_has_tracks_groups_and_staff_hours(loaded):
    assert set(Track.objects.filter(program=loaded).values_list("name", flat=True)) == {
        "Morning",
        "Evening",
        "Weekend",
    }
    assert GroupOffering.objects.filter(program=loaded).count() == 10
    assert ClinicianSchedule.objects.filter(program=loaded).count() == 4
    assert ClinicianTimeOff.objects.filter(starts_on=datetime.date(2026, 12, 19)).exists()
    active = Episode.objects.filter(program=loaded, status="active")
    assert ParticipantPreferences.objects.filter(episode__in=active).count() == active.count()


def test_the_demo_has_twelve_past_weeks_of_schedules_and_past_attendance_only(loaded):
    weeks = sorted(WeekSchedule.objects.filter(program=loaded).values_list("week_of", flat=True))
    assert weeks[0] == datetime.date(2026, 8, 31) and weeks[-1] == datetime.date(2026, 11, 30)
    assert len(weeks) == 14
    recorded = AttendanceRecord.objects.filter(session__program=loaded)
    assert recorded.count() > 100
    assert max(recorded.values_list("session__held_on", flat=True)) < TODAY
    past = Session.objects.filter(program=loaded, held_on__lt=TODAY)
    assert not past.filter(attendance__isnull=True, attendees__isnull=False).exists()
    statuses = set(recorded.values_list("status", flat=True))
    assert {"present", "late", "absent_unexcused"} <= statuses
    assert OutreachTask.objects.filter(done_at__isnull=True).exists()


def test_the_demo_week_is_a_problem_the_solver_reads_and_solves(loaded):
    solver = pytest.importorskip("openiop.scheduling.solver")
    problem_doc = exchange.problem_for_week(loaded, datetime.date(2026, 11, 23), today=TODAY)
    assert problem_doc["pinned"], "sessions with attendance this week are pinned"
    problem = solver.problem_from_json(problem_doc)
    schedule = solver.solve_greedy(problem)
    assert solver.check(problem, schedule) == []


def test_every_past_week_has_attendance_including_participants_discharged_since(loaded):
    """The reports' twelve weeks all have hours, and people discharged since count up to
    their discharge, never after it."""
    for program in Program.objects.all():
        recorded = AttendanceRecord.objects.filter(session__program=program)
        for weeks_ago in range(1, 13):
            week_of = datetime.date(2026, 11, 23) - datetime.timedelta(weeks=weeks_ago)
            week = recorded.filter(
                session__held_on__range=(week_of, week_of + datetime.timedelta(days=6))
            )
            assert week.filter(status__in=("present", "video", "late")).exists(), (
                program.name,
                week_of,
            )
    former = AttendanceRecord.objects.filter(episode__status="discharged").select_related(
        "episode", "session"
    )
    assert former.count() > 50
    assert {record.episode.program.name for record in former} == {"Adult IOP", "Adolescent IOP"}
    for record in former:
        assert record.episode.admitted_on <= record.session.held_on <= record.episode.discharged_on
    assert not OutreachTask.objects.filter(episode__status="discharged").exists()
