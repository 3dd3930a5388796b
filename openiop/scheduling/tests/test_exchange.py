"""The database and the exchange format: the problem a week holds, saving a schedule, reading
it back, pins, and the export command's arguments."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError

from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory
from openiop.programs.tests.factories import ProgramFactory
from openiop.scheduling import exchange
from openiop.scheduling.models import (
    AttendanceRecord,
    ClinicianTimeOff,
    FamilyAvailability,
    GroupEnrollment,
    ParticipantPreferences,
    ParticipantUnavailability,
    Session,
    SessionAttendee,
    SessionKind,
    SessionSource,
    WeekSchedule,
)
from openiop.scheduling.tests.factories import (
    SessionFactory,
    attend,
    clinician_hours,
    evening_program,
)

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 11, 23)  # ISO week 2026-W48
T = datetime.time


@pytest.fixture(autouse=True)
def _friday_before():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12), tick=False):
        yield


@pytest.fixture
def setup(program, clinician, episode):
    """The evening track, the clinician's hours, and the episode admitted 3 weeks ago."""
    setup = evening_program(program)
    clinician_hours(clinician, program)
    episode.referred_on = episode.admitted_on = datetime.date(2026, 11, 2)
    episode.save()
    return setup


def _ids(episode):
    return str(episode.public_id)


def _second(program, clinician):
    episode = EpisodeFactory(
        program=program,
        active=True,
        primary_clinician=clinician,
        referred_on=datetime.date(2026, 11, 9),
    )
    CareTeamMemberFactory(episode=episode, user=clinician)
    return episode


def test_the_problem_holds_the_programs_week(setup, program, clinician, episode):
    ParticipantPreferences.objects.create(
        episode=episode, preferred_track=setup["track"], is_virtual_ok=True, family_minutes=60
    )
    ParticipantUnavailability.objects.create(
        episode=episode, weekday=0, start_time=T(9), end_time=T(17), kind="work", reason="Shift"
    )
    FamilyAvailability.objects.create(episode=episode, weekday=2, start_time=T(18), end_time=T(20))
    problem = exchange.problem_for_week(program, WEEK)

    assert problem["format"] == "openiop-week/1" and problem["week_of"] == "2026-11-23"
    assert problem["rooms"][0] == {
        "id": "group-a",
        "capacity": 12,
        "uses": ["group"],
        "virtual": False,
    }
    assert [r["id"] for r in problem["rooms"]] == ["group-a", "office-1", "video-1"]
    (staff,) = problem["clinicians"]
    assert staff["id"] == str(clinician.public_id) and staff["max_minutes"] == 2400
    assert staff["available"][0] == {"day": "mon", "from": "08:00", "to": "21:00"}
    assert problem["offerings"][1] == {
        "id": "tue-pm-skills",
        "topic": "skills",
        "day": "tue",
        "from": "18:00",
        "to": "21:00",
        "min_size": 1,
        "max_size": 12,
        "virtual": False,
    }
    assert problem["participants"] == [
        {
            "id": _ids(episode),
            "target_minutes": 720,  # Engagement: 12 h a week
            "max_minutes": 1140,  # the IOP default maximum, 19 h
            "min_days": 3,
            "therapist": str(clinician.public_id),
            "individual_minutes": 60,
            "virtual_ok": True,
            "unavailable": [{"day": "mon", "from": "09:00", "to": "17:00", "reason": "work"}],
            "family": {
                "minutes": 60,
                "available": [{"day": "wed", "from": "18:00", "to": "20:00"}],
            },
            "previous": [],
            "preferred": ["mon-pm-process", "thu-pm-psychoed", "tue-pm-skills"],
        }
    ]
    assert "pinned" not in problem


def test_the_problem_names_nobody(setup, program, episode):
    text = json.dumps(exchange.problem_for_week(program, WEEK))
    participant = episode.participant
    for word in (participant.legal_last_name, participant.legal_first_name, participant.mrn):
        assert word not in text
    assert "Shift" not in text


def test_the_solver_reads_the_problem_and_its_answer_round_trips(
    setup, program, clinician, episode
):
    solver = pytest.importorskip("openiop.scheduling.solver")
    second = _second(program, clinician)
    problem_doc = exchange.problem_for_week(program, WEEK)
    problem = solver.problem_from_json(problem_doc)
    schedule = solver.solve_greedy(problem)
    assert solver.check(problem, schedule) == []
    assert schedule["sessions"], "the greedy baseline schedules the groups"

    saved = exchange.schedule_save(
        program=program, week_of=WEEK, schedule=schedule, actor=clinician
    )

    read_back = exchange.sessions_for_week(program, WEEK)
    assert read_back == sorted(schedule["sessions"], key=exchange.session_sort_key)
    assert saved.problem == problem_doc and saved.schedule == schedule
    group = Session.objects.filter(kind=SessionKind.GROUP).first()
    assert set(group.attendees.values_list("episode", flat=True)) <= {episode.pk, second.pk}


def test_a_hand_made_schedule_round_trips_with_dates_rooms_and_times(
    setup, program, clinician, episode
):
    ParticipantPreferences.objects.create(episode=episode, is_virtual_ok=True)
    lead = str(clinician.public_id)
    doc = {
        "format": "openiop-schedule/1",
        "status": "feasible",
        "sessions": [
            {
                "kind": "group",
                "offering": "tue-pm-skills",
                "room": "group-a",
                "lead": lead,
                "participants": [_ids(episode)],
            },
            {
                "kind": "individual",
                "participant": _ids(episode),
                "clinician": lead,
                "room": "video-1",
                "day": "wed",
                "from": "17:00",
                "to": "18:00",
            },
        ],
    }
    exchange.schedule_save(program=program, week_of=WEEK, schedule=doc, actor=clinician)

    assert exchange.sessions_for_week(program, WEEK) == sorted(
        doc["sessions"], key=exchange.session_sort_key
    )
    group = Session.objects.get(kind="group")
    assert (group.held_on, group.start_time, group.topic) == (
        datetime.date(2026, 11, 24),
        T(18),
        "skills",
    )
    individual = Session.objects.get(kind="individual")
    assert individual.held_on == datetime.date(2026, 11, 25) and individual.is_virtual
    event = AuditEvent.objects.get(action=AuditAction.SCHEDULE_SAVED)
    assert event.details["week"] == "2026-W48" and event.details["sessions"] == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "openiop-week/1"}, 'The schedule\'s "format" must be "openiop-schedule/1"'),
        ({"status": "done"}, 'The schedule\'s "status" must be one of'),
        ({"sessions": None}, 'The schedule needs a "sessions" list.'),
        ({"sessions": [{"kind": "group", "offering": "nope"}]}, 'offering "nope" is not'),
        ({"sessions": [{"kind": "dance"}]}, '"kind" must be group, individual or family.'),
    ],
)
def test_a_bad_document_is_refused_with_a_clear_message_and_nothing_saved(
    setup, program, clinician, episode, change, message
):
    lead = str(clinician.public_id)
    existing = attend(SessionFactory(program=program, held_on=WEEK), episode)
    doc = {
        "format": "openiop-schedule/1",
        "status": "optimal",
        "sessions": [
            {
                "kind": "group",
                "offering": "mon-pm-process",
                "room": "group-a",
                "lead": lead,
                "participants": [_ids(episode)],
            }
        ],
        **change,
    }
    with pytest.raises(ValidationError) as error:
        exchange.schedule_save(program=program, week_of=WEEK, schedule=doc, actor=clinician)
    assert message in error.value.messages[0]
    assert not WeekSchedule.objects.exists()
    assert list(Session.objects.all()) == [existing]


def test_an_unknown_participant_names_the_session_at_fault(setup, program, clinician):
    doc = {
        "format": "openiop-schedule/1",
        "status": "optimal",
        "sessions": [
            {
                "kind": "individual",
                "participant": "p-unknown",
                "clinician": str(clinician.public_id),
                "room": "office-1",
                "day": "mon",
                "from": "17:00",
                "to": "18:00",
            }
        ],
    }
    with pytest.raises(ValidationError) as error:
        exchange.schedule_save(program=program, week_of=WEEK, schedule=doc, actor=clinician)
    assert error.value.messages == [
        'sessions[0]: participant "p-unknown" is not a participant of this program\'s week.'
    ]


def _group(offering, room, lead, *episodes):
    return {
        "kind": "group",
        "offering": offering,
        "room": room,
        "lead": str(lead.public_id),
        "participants": sorted(str(e.public_id) for e in episodes),
    }


def _doc(*sessions):
    return {"format": "openiop-schedule/1", "status": "feasible", "sessions": list(sessions)}


def test_saving_again_replaces_the_schedule_but_keeps_attendance_and_one_offs(
    setup, program, clinician, director, episode
):
    second = _second(program, clinician)
    first = _doc(
        _group("mon-pm-process", "group-a", clinician, episode, second),
        _group("tue-pm-skills", "group-a", clinician, episode),
    )
    exchange.schedule_save(program=program, week_of=WEEK, schedule=first, actor=director)
    monday = Session.objects.get(offering__code="mon-pm-process")
    AttendanceRecord.objects.create(
        session=monday,
        participant=episode.participant,
        episode=episode,
        status="present",
        minutes=180,
        recorded_by=clinician,
    )
    one_off = attend(
        SessionFactory(
            program=program,
            kind=SessionKind.INDIVIDUAL,
            topic="",
            held_on=WEEK + datetime.timedelta(days=4),
            start_time=T(12),
            end_time=T(13),
            source=SessionSource.MANUAL,
        ),
        episode,
        source="manual",
    )
    again = _doc(
        _group("mon-pm-process", "group-a", clinician, second),  # attended: kept as it was
        _group("thu-pm-psychoed", "group-a", clinician, episode, second),
    )
    exchange.schedule_save(program=program, week_of=WEEK, schedule=again, actor=director)

    codes = sorted(Session.objects.exclude(offering=None).values_list("offering__code", flat=True))
    assert codes == ["mon-pm-process", "thu-pm-psychoed"]
    monday.refresh_from_db()
    assert set(monday.attendees.values_list("episode", flat=True)) == {episode.pk, second.pk}
    assert Session.objects.filter(pk=one_off.pk).exists()
    assert WeekSchedule.objects.count() == 2


def test_pinned_places_go_to_the_solver_and_must_come_back(setup, program, clinician, episode):
    second = _second(program, clinician)
    exchange.schedule_save(
        program=program,
        week_of=WEEK,
        schedule=_doc(_group("mon-pm-process", "group-a", clinician, episode, second)),
        actor=clinician,
    )
    SessionAttendee.objects.filter(episode=episode).update(is_locked=True)

    pins = exchange.pinned_for_week(program, WEEK)
    assert pins == [_group("mon-pm-process", "group-a", clinician, episode)]
    assert exchange.problem_for_week(program, WEEK)["pinned"] == pins

    without = _doc(_group("mon-pm-process", "group-a", clinician, second))
    with pytest.raises(ValidationError, match="leaves out pinned places"):
        exchange.schedule_save(program=program, week_of=WEEK, schedule=without, actor=clinician)
    assert Session.objects.get().attendees.count() == 2  # nothing changed

    exchange.schedule_save(
        program=program,
        week_of=WEEK,
        schedule=_doc(_group("mon-pm-process", "group-a", clinician, episode)),
        actor=clinician,
    )
    assert SessionAttendee.objects.get().is_locked  # still pinned after the re-save
    exchange.schedule_save(
        program=program, week_of=WEEK, schedule=without, actor=clinician, keep_locked=False
    )
    assert list(SessionAttendee.objects.values_list("episode", flat=True)) == [second.pk]


def test_time_off_removes_whole_days_and_a_therapist_without_hours_is_null(
    setup, program, clinician, episode, director
):
    ClinicianTimeOff.objects.create(
        user=clinician,
        starts_on=datetime.date(2026, 11, 20),
        ends_on=datetime.date(2026, 11, 24),
        reason="vacation",
    )
    other = _second(program, director)  # the director has no scheduling hours
    problem = exchange.problem_for_week(program, WEEK)
    assert [w["day"] for w in problem["clinicians"][0]["available"]] == ["wed", "thu", "fri"]
    therapists = {p["id"]: p["therapist"] for p in problem["participants"]}
    assert therapists[_ids(other)] is None
    assert therapists[_ids(episode)] == str(clinician.public_id)


def test_targets_step_down_and_an_override_wins(setup, program, clinician, episode):
    episode.current_phase = program.phases.get(order=2)  # Early recovery: 9 h
    episode.save()
    problem = exchange.problem_for_week(program, WEEK)
    assert problem["participants"][0]["target_minutes"] == 540
    ParticipantPreferences.objects.create(
        episode=episode, target_minutes_override=360, target_override_reason="Work hours"
    )
    problem = exchange.problem_for_week(program, WEEK)
    assert problem["participants"][0]["target_minutes"] == 360


def test_previous_comes_from_last_weeks_attendance_and_individual_sessions_are_spaced(
    setup, program, clinician, episode
):
    ParticipantPreferences.objects.create(episode=episode, individual_every_weeks=2)
    last_week = WEEK - datetime.timedelta(days=7)
    offerings = setup["offerings"]
    came = attend(
        SessionFactory(program=program, offering=offerings["mon"], held_on=last_week), episode
    )
    missed = attend(
        SessionFactory(
            program=program,
            offering=offerings["tue"],
            topic="skills",
            held_on=last_week + datetime.timedelta(days=1),
        ),
        episode,
    )
    attend(
        SessionFactory(
            program=program,
            kind=SessionKind.INDIVIDUAL,
            topic="",
            held_on=last_week + datetime.timedelta(days=2),
        ),
        episode,
    )
    for session, status, minutes in ((came, "present", 180), (missed, "absent_excused", 0)):
        AttendanceRecord.objects.create(
            session=session,
            participant=episode.participant,
            episode=episode,
            status=status,
            minutes=minutes,
            recorded_by=clinician,
        )
    (row,) = exchange.problem_for_week(program, WEEK)["participants"]
    assert row["previous"] == ["mon-pm-process"]
    assert row["individual_minutes"] == 0  # had one last week, due every 2 weeks
    (row,) = exchange.problem_for_week(program, WEEK + datetime.timedelta(days=7))["participants"]
    assert row["individual_minutes"] == 60


def test_group_enrollment_makes_a_group_preferred_from_its_start(
    setup, program, clinician, episode
):
    GroupEnrollment.objects.create(
        offering=setup["offerings"]["thu"],
        episode=episode,
        starts_on=WEEK + datetime.timedelta(days=7),
        created_by=clinician,
    )
    assert exchange.problem_for_week(program, WEEK)["participants"][0]["preferred"] == []
    later = exchange.problem_for_week(program, WEEK + datetime.timedelta(days=7))
    assert later["participants"][0]["preferred"] == ["thu-pm-psychoed"]


def test_a_week_must_start_on_monday(program):
    with pytest.raises(ValueError, match="2026-11-24 is not one"):
        exchange.problem_for_week(program, datetime.date(2026, 11, 24))


def test_export_finds_the_program_by_name_or_public_id(setup, program):
    by_name = json.loads(exchange.export_command("Evening IOP", "2026-W48"))
    by_id = json.loads(exchange.export_command(str(program.public_id), "2026-W48"))
    assert by_name == by_id and by_name["week_of"] == "2026-11-23"


@pytest.mark.parametrize(
    ("program_text", "week", "message"),
    [
        ("Evening IOP", "2026-48", "The week must look like 2026-W48"),
        ("Evening IOP", "2026-W54", "2026 has no ISO week 54."),
        ("No such program", "2026-W48", "No program has the public id or exact name"),
        ("Evening IOP", "2026-w48", "The week must look like 2026-W48"),
    ],
)
def test_export_explains_bad_arguments(program, program_text, week, message):
    with pytest.raises(ValueError, match=message):
        exchange.export_command(program_text, week)


def test_export_refuses_an_ambiguous_name(program):
    from openiop.programs.tests.factories import SiteFactory

    ProgramFactory(name="Evening IOP", site=SiteFactory(name="North Campus"))
    with pytest.raises(ValueError, match="2 programs are named 'Evening IOP'"):
        exchange.export_command("Evening IOP", "2026-W48")


def test_days_before_a_mid_week_admission_are_unavailable(setup, program, clinician):
    admitted = EpisodeFactory(
        program=program,
        active=True,
        primary_clinician=clinician,
        referred_on=datetime.date(2026, 11, 18),
        admitted_on=datetime.date(2026, 11, 18),  # a Wednesday
    )
    week = datetime.date(2026, 11, 16)
    row = next(
        p
        for p in exchange.problem_for_week(program, week)["participants"]
        if p["id"] == _ids(admitted)
    )
    assert row["unavailable"] == [
        {"day": "mon", "from": "00:00", "to": "24:00", "reason": "not_admitted"},
        {"day": "tue", "from": "00:00", "to": "24:00", "reason": "not_admitted"},
    ]


def test_the_export_command_writes_a_problem_the_solve_command_reads(setup, program, tmp_path):
    """openiop schedule export → PROBLEM.json → openiop schedule solve → a valid schedule that
    the database then saves: the whole command-line round trip."""
    from django.core.management import call_command

    from openiop.scheduling.solver import check, problem_from_json

    exported = io.StringIO()
    call_command(
        "schedule", "export", "--program", "Evening IOP", "--week", "2026-W48", stdout=exported
    )
    problem_file = tmp_path / "problem.json"
    problem_file.write_text(exported.getvalue())
    solved = io.StringIO()
    call_command("schedule", "solve", str(problem_file), "--time-limit", "2", stdout=solved)
    schedule = json.loads(solved.getvalue())
    problem = problem_from_json(json.loads(exported.getvalue()))
    assert check(problem, schedule) == []
    saved = exchange.schedule_save(
        program=program, week_of=WEEK, schedule=schedule, actor=setup_actor(program)
    )
    assert saved.sessions.count() == len(schedule["sessions"])


def setup_actor(program):
    return program.memberships.select_related("user").first().user


def test_the_export_command_explains_a_bad_week(program):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="The week must look like 2026-W48"):
        call_command("schedule", "export", "--program", "Evening IOP", "--week", "48")


def test_a_schedule_breaking_a_hard_rule_is_refused_and_nothing_is_written(
    setup, program, clinician, director, episode
):
    schedule = clinician.clinician_schedules.get()
    schedule.leads = ["process", "individual", "family"]  # no skills
    schedule.save()
    earlier = _doc(_group("mon-pm-process", "group-a", clinician, episode))
    exchange.schedule_save(program=program, week_of=WEEK, schedule=earlier, actor=director)
    breaking = _doc(_group("tue-pm-skills", "group-a", clinician, episode))

    with pytest.raises(ValidationError) as error:
        exchange.schedule_save(program=program, week_of=WEEK, schedule=breaking, actor=director)

    assert error.value.messages == [
        f"Hard rule 3 (the right lead or therapist) is broken: lead {clinician.public_id} "
        "does not lead skills: group tue-pm-skills (skills, tue 18:00-21:00)"
    ]
    assert WeekSchedule.objects.count() == 1
    assert list(Session.objects.values_list("offering__code", flat=True)) == ["mon-pm-process"]
    assert AuditEvent.objects.filter(action=AuditAction.SCHEDULE_SAVED).count() == 1


@pytest.mark.parametrize(
    ("session", "message"),
    [
        ({"kind": "dance"}, '[sessions[0]: ["kind" must be group, individual or family.]]'),
        (
            {"kind": "group", "offering": "mon-pm-process", "room": "group-a", "participants": []},
            "[Hard rule 5 ([groups reach their minimum size]) is broken: group mon-pm-process "
            "(process, mon 18:00-21:00) is opened with nobody in it]",
        ),
    ],
)
def test_the_exchange_messages_go_through_translation(
    setup, program, clinician, monkeypatch, session, message
):
    """The messages the builder page shows pass through gettext (marked here by a stand-in
    catalogue that brackets what it translates); only ids stay as they are."""
    from openiop.scheduling.exchange import saving

    monkeypatch.setattr(saving, "_", lambda text: f"[{text}]")
    if session["kind"] == "group":
        session["lead"] = str(clinician.public_id)
    with pytest.raises(ValidationError) as error:
        exchange.schedule_save(
            program=program, week_of=WEEK, schedule=_doc(session), actor=clinician
        )
    assert error.value.messages == [message]
