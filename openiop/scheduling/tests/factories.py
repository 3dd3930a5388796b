"""Scheduling factories and a small program week for tests (not the solver's tests)."""

import datetime

import factory

from openiop.scheduling.models import (
    AttendeeSource,
    ClinicianAvailability,
    ClinicianSchedule,
    GroupOffering,
    Room,
    Session,
    SessionAttendee,
    SessionKind,
    SessionSource,
    Topic,
    Track,
)

T = datetime.time


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    site = None
    code = factory.Sequence(lambda n: f"room-{n}")
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 12


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    program = None
    name = factory.Sequence(lambda n: f"Track {n}")


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupOffering

    program = factory.SelfAttribute("track.program")
    track = None
    code = factory.Sequence(lambda n: f"group-{n}")
    topic = Topic.PROCESS
    weekday = 0
    start_time = T(18)
    end_time = T(21)
    min_size = 1
    max_size = 12


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    program = None
    kind = SessionKind.GROUP
    topic = Topic.PROCESS
    held_on = datetime.date(2026, 3, 2)
    start_time = T(18)
    end_time = T(21)
    source = SessionSource.SCHEDULE


def attend(session, *episodes, source=AttendeeSource.SCHEDULE, locked=False):
    for episode in episodes:
        SessionAttendee.objects.create(
            session=session,
            episode=episode,
            participant=episode.participant,
            source=source,
            is_locked=locked,
        )
    return session


MORNING, NIGHT = T(8), T(21)


def clinician_hours(user, program, *, leads=None, days=range(5), start=MORNING, end=NIGHT):
    """A clinician who leads everything and works ``days`` from ``start`` to ``end``."""
    schedule = ClinicianSchedule.objects.create(
        user=user,
        program=program,
        max_minutes_per_week=2400,
        leads=leads or ["process", "psychoeducation", "skills", "individual", "family"],
    )
    for day in days:
        ClinicianAvailability.objects.create(
            schedule=schedule, weekday=day, start_time=start, end_time=end
        )
    return schedule


def evening_program(program):
    """An evening track (Mon, Tue, Thu 18-21), a group room, an office and a video room."""
    site = program.site
    rooms = {
        "group": RoomFactory(site=site, code="group-a", name="Group room A", capacity=12),
        "office": RoomFactory(
            site=site,
            code="office-1",
            name="Office 1",
            capacity=4,
            for_group=False,
            for_individual=True,
            for_family=True,
        ),
        "video": RoomFactory(
            site=site,
            code="video-1",
            name="Video room",
            capacity=15,
            is_virtual=True,
            for_individual=True,
            for_family=True,
        ),
    }
    track = TrackFactory(program=program, name="Evening", description="Mon, Tue, Thu 18-21")
    offerings = {
        "mon": OfferingFactory(track=track, code="mon-pm-process", weekday=0),
        "tue": OfferingFactory(track=track, code="tue-pm-skills", weekday=1, topic=Topic.SKILLS),
        "thu": OfferingFactory(
            track=track, code="thu-pm-psychoed", weekday=3, topic=Topic.PSYCHOEDUCATION
        ),
    }
    return {"rooms": rooms, "track": track, "offerings": offerings}
