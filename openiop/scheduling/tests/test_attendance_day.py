"""An attendance record carries its session's day (the reports select attendance by it), and
a session with attendance cannot move to another day."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from openiop.scheduling import services
from openiop.scheduling.models import AttendanceRecord, Session
from openiop.scheduling.services.week import AttendanceEntry
from openiop.scheduling.tests.factories import SessionFactory, attend

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _friday():
    with time_machine.travel(datetime.datetime(2026, 3, 6, 18), tick=False):
        yield


def test_recorded_attendance_carries_the_sessions_day(program, clinician, episode):
    session = attend(SessionFactory(program=program, held_on=D(2026, 3, 4)), episode)

    services.attendance_record(
        session=session, entries=[AttendanceEntry(episode, "present")], actor=clinician
    )

    record = AttendanceRecord.objects.get(session=session)
    assert record.held_on == D(2026, 3, 4)


def test_a_session_with_attendance_keeps_its_day(program, clinician, episode):
    session = attend(SessionFactory(program=program, held_on=D(2026, 3, 4)), episode)
    services.attendance_record(
        session=session, entries=[AttendanceEntry(episode, "present")], actor=clinician
    )

    session.held_on = D(2026, 3, 5)
    with pytest.raises(ValidationError, match="its day cannot change"):
        session.save()

    assert Session.objects.get(pk=session.pk).held_on == D(2026, 3, 4)
    session.refresh_from_db()
    session.is_virtual = True
    session.save()  # other changes are fine
    assert AttendanceRecord.objects.get(session=session).held_on == D(2026, 3, 4)


def test_a_session_without_attendance_may_move(program, episode):
    session = attend(SessionFactory(program=program, held_on=D(2026, 3, 4)), episode)

    session.held_on = D(2026, 3, 5)
    session.save()

    assert Session.objects.get(pk=session.pk).held_on == D(2026, 3, 5)
