"""The scheduling demo: tracks, groups, staff hours, participants' needs, and weeks of
sessions with attendance, all dated from --today and readable by the solver."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

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

TODAY = datetime.date(2026, 11, 25)  # a Wednesday
NOW = datetime.datetime(2026, 12, 1, 15, 0)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        call_command("demo", stdout=io.StringIO(), today=TODAY.isoformat(), force=True)
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


def test_the_demo_has_six_weeks_of_schedules_and_past_attendance_only(loaded):
    weeks = sorted(WeekSchedule.objects.filter(program=loaded).values_list("week_of", flat=True))
    assert weeks[0] == datetime.date(2026, 10, 26) and weeks[-1] == datetime.date(2026, 11, 30)
    assert len(weeks) == 6
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
