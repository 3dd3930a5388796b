"""The program's scheduling setup as services: validation, conflicts, archiving instead of
deleting what sessions use, and the audit rows."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from openiop.accounts.tests.factories import UserFactory
from openiop.audit.models import AuditAction, AuditEvent
from openiop.scheduling import exchange, services
from openiop.scheduling.models import (
    ClinicianAvailability,
    ClinicianSchedule,
    ClinicianTimeOff,
    GroupOffering,
    Room,
    Session,
    Track,
)
from openiop.scheduling.tests.factories import (
    SessionFactory,
    clinician_hours,
    evening_program,
)

pytestmark = pytest.mark.django_db

D, T = datetime.date, datetime.time
TODAY = D(2026, 3, 10)  # a Tuesday


@pytest.fixture(autouse=True)
def _tuesday():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12), tick=False):
        yield


@pytest.fixture
def evening(program):
    return evening_program(program)


OFFERING = {
    "code": "wed-am-yoga",
    "topic": "holistic",
    "weekday": 2,
    "start_time": T(9),
    "end_time": T(10, 30),
    "min_size": 3,
    "max_size": 10,
    "is_virtual": False,
    "is_active": True,
}


def test_a_new_group_is_saved_audited_and_offered_in_the_next_week(program, director, evening):
    offering = services.offering_save(
        program=program, actor=director, values={**OFFERING, "track": evening["track"]}
    )
    event = AuditEvent.objects.get(action=AuditAction.GROUP_OFFERING_SAVED)
    assert event.details["change"] == "created" and event.details["code"] == "wed-am-yoga"
    assert event.actor == director and event.target_id == str(offering.public_id)
    problem = exchange.problem_for_week(program, D(2026, 3, 16))
    assert "wed-am-yoga" in {o["id"] for o in problem["offerings"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_time": T(9)}, "__all__"),
        ({"min_size": 11}, "__all__"),
        ({"min_size": 0}, "min_size"),
        ({"code": "mon-pm-process"}, "__all__"),
        ({"code": "not a code!"}, "code"),
    ],
)
def test_a_group_that_does_not_make_sense_is_refused(program, director, evening, change, field):
    with pytest.raises(ValidationError) as error:
        services.offering_save(
            program=program,
            actor=director,
            values={**OFFERING, "track": evening["track"], **change},
        )
    assert field in error.value.message_dict
    assert not GroupOffering.objects.filter(topic="holistic").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.GROUP_OFFERING_SAVED).exists()


def test_a_track_of_another_program_is_refused(program, other_program, director, evening):
    with pytest.raises(ValidationError) as error:
        services.offering_save(
            program=other_program,
            actor=director,
            values={**OFFERING, "track": evening["track"]},
        )
    assert error.value.message_dict == {"track": ["This track belongs to another program."]}


def test_two_people_editing_a_group_conflict_instead_of_overwriting(program, director, evening):
    offering = evening["offerings"]["mon"]
    services.offering_save(
        program=program,
        actor=director,
        offering=offering,
        values={"max_size": 10},
        expected_version=1,
    )
    with pytest.raises(ValidationError, match="Someone else changed this record"):
        services.offering_save(
            program=program,
            actor=director,
            offering=offering,
            values={"max_size": 8},
            expected_version=1,
        )
    offering.refresh_from_db()
    assert (offering.max_size, offering.version) == (10, 2)


def test_a_used_group_cannot_be_deleted_but_is_archived_and_past_sessions_keep_it(
    program, director, evening
):
    offering = evening["offerings"]["mon"]
    past = SessionFactory(program=program, offering=offering, held_on=D(2026, 3, 9))
    SessionFactory(program=program, offering=offering, held_on=D(2026, 3, 16))

    with pytest.raises(ValidationError) as error:
        services.offering_delete(offering=offering, actor=director)
    assert error.value.messages == [
        "This group is used by 2 sessions (1 from today on), so it cannot be deleted: archive "
        "it instead. Past sessions keep it; weeks built from now on leave it out."
    ]

    services.offering_save(
        program=program,
        actor=director,
        offering=offering,
        values={"is_active": False},
        expected_version=1,
    )
    past.refresh_from_db()
    assert past.offering == offering
    problem = exchange.problem_for_week(program, D(2026, 3, 23))
    assert "mon-pm-process" not in {o["id"] for o in problem["offerings"]}
    event = AuditEvent.objects.get(action=AuditAction.GROUP_OFFERING_SAVED)
    assert event.details["change"] == "archived"


def test_an_unused_group_and_an_empty_track_can_be_deleted(program, director):
    track = services.track_save(program=program, actor=director, values={"name": "Weekend"})
    offering = services.offering_save(
        program=program, actor=director, values={**OFFERING, "track": track}
    )
    with pytest.raises(ValidationError, match="has recurring groups"):
        services.track_delete(track=track, actor=director)
    services.offering_delete(offering=offering, actor=director)
    services.track_delete(track=track, actor=director)
    assert not Track.objects.filter(name="Weekend").exists()
    actions = list(
        AuditEvent.objects.filter(action__endswith="_deleted").values_list("action", flat=True)
    )
    assert sorted(actions) == [AuditAction.GROUP_OFFERING_DELETED, AuditAction.TRACK_DELETED]


def test_rooms_need_a_capacity_and_a_use_and_a_used_room_is_archived(program, director, evening):
    values = {"code": "group-b", "name": "Group room B", "capacity": 0, "for_group": True}
    with pytest.raises(ValidationError) as error:
        services.room_save(site=program.site, actor=director, values=values)
    assert "capacity" in error.value.message_dict
    with pytest.raises(ValidationError, match="at least one kind of session"):
        services.room_save(
            site=program.site,
            actor=director,
            values={**values, "capacity": 8, "for_group": False},
        )
    assert not Room.objects.filter(code="group-b").exists()

    room = evening["rooms"]["group"]
    SessionFactory(program=program, room=room, held_on=D(2026, 3, 2))
    with pytest.raises(ValidationError, match="used by 1 session "):
        services.room_delete(room=room, actor=director)
    assert Room.objects.filter(pk=room.pk).exists()


def test_a_clinician_must_work_in_the_program(program, director, other_clinician):
    with pytest.raises(ValidationError, match="Only active staff members of this program"):
        services.clinician_schedule_save(
            program=program,
            user=other_clinician,
            actor=director,
            values={"max_minutes_per_week": 1200, "leads": ["process"]},
        )
    assert not ClinicianSchedule.objects.exists()


def test_a_clinicians_leads_and_maximum_are_validated_and_audited(program, director, clinician):
    with pytest.raises(ValidationError):
        services.clinician_schedule_save(
            program=program,
            user=clinician,
            actor=director,
            values={"max_minutes_per_week": 1200, "leads": ["juggling"]},
        )
    schedule = services.clinician_schedule_save(
        program=program,
        user=clinician,
        actor=director,
        values={"max_minutes_per_week": 1200, "leads": ["process", "individual"]},
    )
    assert schedule.leads == ["process", "individual"]
    event = AuditEvent.objects.get(action=AuditAction.CLINICIAN_HOURS_CHANGED)
    assert event.details["change"] == "created" and event.target_id == str(clinician.public_id)


def test_availability_windows_on_a_day_do_not_overlap(program, director, clinician):
    schedule = clinician_hours(clinician, program, days=[0], start=T(9), end=T(13))
    with pytest.raises(ValidationError) as error:
        services.clinician_availability_add(
            schedule=schedule,
            actor=director,
            values={"weekday": 0, "start_time": T(12), "end_time": T(15)},
        )
    assert error.value.messages == ["This overlaps the window Monday 09:00-13:00 already set."]
    with pytest.raises(ValidationError, match="end time must be after the start"):
        services.clinician_availability_add(
            schedule=schedule,
            actor=director,
            values={"weekday": 1, "start_time": T(15), "end_time": T(12)},
        )
    services.clinician_availability_add(
        schedule=schedule,
        actor=director,
        values={"weekday": 0, "start_time": T(13), "end_time": T(17)},
    )
    assert ClinicianAvailability.objects.filter(schedule=schedule).count() == 2


def test_time_off_is_ordered_does_not_overlap_and_empties_those_days(
    program, director, clinician, evening
):
    clinician_hours(clinician, program)
    with pytest.raises(ValidationError, match="last day cannot be before the first"):
        services.clinician_time_off_add(
            user=clinician,
            program=program,
            actor=director,
            values={"starts_on": D(2026, 3, 20), "ends_on": D(2026, 3, 18), "reason": "vacation"},
        )
    services.clinician_time_off_add(
        user=clinician,
        program=program,
        actor=director,
        values={"starts_on": D(2026, 3, 16), "ends_on": D(2026, 3, 17), "reason": "vacation"},
    )
    with pytest.raises(ValidationError, match="overlaps time off already recorded"):
        services.clinician_time_off_add(
            user=clinician,
            program=program,
            actor=director,
            values={"starts_on": D(2026, 3, 17), "ends_on": D(2026, 3, 18), "reason": "sick"},
        )
    assert ClinicianTimeOff.objects.count() == 1
    problem = exchange.problem_for_week(program, D(2026, 3, 16))
    days = {w["day"] for w in problem["clinicians"][0]["available"]}
    assert days == {"wed", "thu", "fri"}
    event = AuditEvent.objects.get(action=AuditAction.CLINICIAN_TIME_OFF_CHANGED)
    assert "reason" not in event.details and event.details["first"] == "2026-03-16"


def test_changing_a_group_leaves_sessions_already_scheduled_as_they_were(
    program, director, evening
):
    offering = evening["offerings"]["mon"]
    upcoming = SessionFactory(program=program, offering=offering, held_on=D(2026, 3, 16))
    services.offering_save(
        program=program,
        actor=director,
        offering=offering,
        values={"start_time": T(17), "end_time": T(20)},
        expected_version=1,
    )
    upcoming.refresh_from_db()
    assert (upcoming.start_time, upcoming.end_time) == (T(18), T(21))
    assert Session.objects.count() == 1


def test_a_deactivated_staff_member_gets_no_hours(program, director):
    gone = UserFactory(programs=[program], is_active=False)
    with pytest.raises(ValidationError, match="Only active staff members"):
        services.clinician_schedule_save(
            program=program,
            user=gone,
            actor=director,
            values={"max_minutes_per_week": 600, "leads": []},
        )
