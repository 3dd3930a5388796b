"""Controlled data for discharge tests: assessments, attendance, programs to transfer to."""

import datetime

from openiop.assessments.models import DimensionalAssessment
from openiop.scheduling.models import AttendanceRecord, SessionKind
from openiop.scheduling.tests.factories import SessionFactory, attend

RATINGS = {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1, "6": 0}


def assessment(episode, actor, on: datetime.date, level: str = "1.0") -> DimensionalAssessment:
    return DimensionalAssessment.objects.create(
        participant=episode.participant,
        episode=episode,
        assessed_on=on,
        assessed_by=actor,
        ratings=RATINGS,
        suggested_level=level,
        chosen_level=level,
    )


def attendance(episode, actor, day, status="present", minutes=180, kind=SessionKind.GROUP):
    topic = "process" if kind == SessionKind.GROUP else ""
    start, end = (datetime.time(18), datetime.time(21))
    if kind != SessionKind.GROUP:
        start, end = datetime.time(10), datetime.time(11)
    session = attend(
        SessionFactory(
            program=episode.program,
            held_on=day,
            kind=kind,
            topic=topic,
            start_time=start,
            end_time=end,
            lead=actor,
        ),
        episode,
    )
    return AttendanceRecord.objects.create(
        session=session,
        participant=episode.participant,
        episode=episode,
        status=status,
        minutes=minutes,
        recorded_by=actor,
    )
