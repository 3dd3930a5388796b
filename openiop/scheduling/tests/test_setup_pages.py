"""Schedule setup, recurring-roster and one-off session pages: the access matrix (AZ-2) with
the state afterwards, scope (another program's director gets 404, audited), audit rows, and
what a user sees when a change is refused."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PERSONAS
from openiop.accounts.roles import Role
from openiop.accounts.tests.factories import UserFactory
from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.tests.factories import EpisodeFactory
from openiop.programs.tests.factories import ProgramFactory, SiteFactory
from openiop.scheduling.models import (
    AttendanceRecord,
    ClinicianAvailability,
    GroupEnrollment,
    GroupOffering,
    Session,
    SessionAttendee,
    SessionSource,
    Track,
)
from openiop.scheduling.tests.factories import (
    OfferingFactory,
    RoomFactory,
    SessionFactory,
    TrackFactory,
    attend,
    clinician_hours,
    evening_program,
)

pytestmark = pytest.mark.django_db

D, T = datetime.date, datetime.time
MONDAYS = [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 23)]


@pytest.fixture(autouse=True)
def _tuesday():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12), tick=False):
        yield


@pytest.fixture
def evening(program):
    return evening_program(program)


@pytest.fixture
def track(evening):
    return evening["track"]


@pytest.fixture
def offering(evening):
    return evening["offerings"]["mon"]


@pytest.fixture
def room(evening):
    return evening["rooms"]["group"]


@pytest.fixture
def staff_member(clinician, program):
    clinician_hours(clinician, program, days=[0])
    return clinician


@pytest.fixture
def other_director(other_program):
    return UserFactory(roles=[Role.PROGRAM_DIRECTOR], programs=[other_program])


# Personas in conftest.PERSONAS order: anonymous, director, clinician, counselor, front desk,
# billing, auditor, other clinician (other program), participant, family.
DIRECTOR_ONLY = (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)
DIRECTOR_SAVES = (302, 302, 403, 403, 403, 403, 403, 403, 403, 403)
# fmt: off
MATRIX = {
    "scheduling:setup":                  ("get",  None,           DIRECTOR_ONLY),
    "scheduling:track_add":              ("get",  None,           DIRECTOR_ONLY),
    "scheduling:track_add#save":         ("post", None,           DIRECTOR_SAVES),
    "scheduling:track_edit":             ("get",  "track",        DIRECTOR_ONLY),
    "scheduling:track_edit#save":        ("post", "track",        DIRECTOR_SAVES),
    "scheduling:offering_add":           ("get",  None,           DIRECTOR_ONLY),
    "scheduling:offering_edit":          ("get",  "offering",     DIRECTOR_ONLY),
    "scheduling:offering_edit#save":     ("post", "offering",     DIRECTOR_SAVES),
    "scheduling:room_add":               ("get",  None,           DIRECTOR_ONLY),
    "scheduling:room_edit":              ("get",  "room",         DIRECTOR_ONLY),
    "scheduling:staff_hours":            ("get",  "staff_member", DIRECTOR_ONLY),
    "scheduling:staff_hours#add_window": ("post", "staff_member", DIRECTOR_SAVES),
    "scheduling:group_roster":           ("get",  "offering",     DIRECTOR_ONLY),
    "scheduling:group_roster#join":      ("post", "offering",     DIRECTOR_SAVES),
    "scheduling:session_add":            ("get",  None,           DIRECTOR_ONLY),
    "scheduling:session_add#save":       ("post", None,           DIRECTOR_SAVES),
}
# fmt: on

OFFERING_POST = {
    "offering-track": None,  # filled in
    "offering-code": "mon-pm-process",
    "offering-topic": "process",
    "offering-weekday": "0",
    "offering-start_time": "18:00",
    "offering-end_time": "21:00",
    "offering-min_size": "2",
    "offering-max_size": "10",
    "offering-is_active": "on",
    "offering-expected_version": "1",
}


def _post_data(route, obj, episode, track):
    if route == "scheduling:track_add#save":
        return {"track-name": "Weekend", "track-is_active": "on"}
    if route == "scheduling:track_edit#save":
        return {"track-name": "Evening B", "track-is_active": "on", "track-expected_version": 1}
    if route == "scheduling:offering_edit#save":
        return {**OFFERING_POST, "offering-track": track.pk}
    if route == "scheduling:staff_hours#add_window":
        data = {"window-weekday": "2", "window-start_time": "09:00", "window-end_time": "12:00"}
        return {"action": "add_window", **data}
    if route == "scheduling:group_roster#join":
        return {"action": "join", "episode": str(episode.public_id), "starts_on": "2026-03-16"}
    if route == "scheduling:session_add#save":
        return {
            "kind": "individual",
            "held_on": "2026-03-12",
            "start_time": "10:00",
            "end_time": "11:00",
            "participants": [str(episode.public_id)],
        }
    raise AssertionError(route)


def _url(name, obj, program):
    if obj is None:
        return reverse(name) + f"?program={program.public_id}"
    return reverse(name, args=[obj.public_id]) + f"?program={program.public_id}"


@pytest.mark.parametrize(
    ("route", "persona", "expected"),
    [
        pytest.param(route, persona, statuses[i], id=f"{route.split(':')[1]}-{persona}")
        for route, (_m, _o, statuses) in MATRIX.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(
    client, as_persona, request, program, episode, track, route, persona, expected
):
    name = route.split("#")[0]
    method, obj_name, _statuses = MATRIX[route]
    obj = request.getfixturevalue(obj_name) if obj_name else None
    as_persona(persona)
    windows = ClinicianAvailability.objects.count()
    url = _url(name, obj, program)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, _post_data(route, obj, episode, track))
    assert response.status_code == expected
    saved = expected == 302 and persona != "anonymous"
    assert Track.objects.filter(name="Weekend").exists() is (
        saved and route == "scheduling:track_add#save"
    )
    track.refresh_from_db()
    assert (track.name == "Evening B") is (saved and route == "scheduling:track_edit#save")
    offering = GroupOffering.objects.get(code="mon-pm-process")
    assert (offering.max_size == 10) is (saved and route == "scheduling:offering_edit#save")
    added = ClinicianAvailability.objects.count() - windows
    assert added == (1 if saved and route == "scheduling:staff_hours#add_window" else 0)
    assert GroupEnrollment.objects.exists() is (saved and route == "scheduling:group_roster#join")
    assert Session.objects.filter(source=SessionSource.MANUAL).exists() is (
        saved and route == "scheduling:session_add#save"
    )


@pytest.mark.parametrize("obj_name", ["track", "offering", "room", "group_roster"])
def test_another_programs_director_gets_404_and_the_denial_is_audited(
    client, request, other_director, obj_name
):
    name = {"group_roster": "group_roster"}.get(obj_name, f"{obj_name}_edit")
    obj = request.getfixturevalue("offering" if obj_name == "group_roster" else obj_name)
    if obj_name == "room":  # rooms belong to a site: a director at another site
        elsewhere = ProgramFactory(site=SiteFactory(name="Northside Clinic"))
        other_director = UserFactory(roles=[Role.PROGRAM_DIRECTOR], programs=[elsewhere])
    client.force_login(other_director)
    assert client.get(reverse(f"scheduling:{name}", args=[obj.public_id])).status_code == 404
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.outcome, event.target_id) == (
        AuditAction.ACCESS_DENIED,
        "denied",
        str(obj.public_id),
    )


def test_another_programs_staff_and_program_are_404(
    client, director, other_clinician, other_program, program
):
    client.force_login(director)
    url = reverse("scheduling:staff_hours", args=[other_clinician.public_id])
    assert client.get(f"{url}?program={program.public_id}").status_code == 404
    setup = reverse("scheduling:setup")
    assert client.get(f"{setup}?program={other_program.public_id}").status_code == 404
    assert client.get(f"{setup}?program=not-a-uuid").status_code == 404


def test_the_setup_page_shows_tracks_groups_rooms_and_staff_without_participants(
    client, director, program, offering, staff_member, episode
):
    client.force_login(director)
    page = client.get(reverse("scheduling:setup")).content.decode()
    assert "Evening" in page and "mon-pm-process" in page and "Group room A" in page
    assert staff_member.full_name in page and "Monday 08:00-21:00" in page
    # the navigation ("Change password") may hold a short name: look at the page body
    assert episode.participant.legal_last_name not in page[page.index("<main") :]
    assert not AuditEvent.objects.filter(participant=episode.participant).exists()


def test_a_stale_group_form_shows_the_conflict_and_keeps_the_other_change(
    client, director, program, offering, track
):
    client.force_login(director)
    url = reverse("scheduling:offering_edit", args=[offering.public_id])
    assert client.post(url, {**OFFERING_POST, "offering-track": track.pk}).status_code == 302
    stale = {**OFFERING_POST, "offering-track": track.pk, "offering-max_size": "6"}
    response = client.post(url, stale)
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    offering.refresh_from_db()
    assert (offering.max_size, offering.version) == (10, 2)


def test_a_bad_group_is_shown_again_with_the_reason(client, director, program, track):
    client.force_login(director)
    url = reverse("scheduling:offering_add") + f"?program={program.public_id}"
    data = {
        **OFFERING_POST,
        "offering-track": track.pk,
        "offering-code": "sat-am-yoga",
        "offering-start_time": "12:00",
        "offering-end_time": "11:00",
        "offering-min_size": "8",
        "offering-max_size": "4",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end time must be after the start time." in page
    assert "The maximum size cannot be below the minimum." in page
    assert not GroupOffering.objects.filter(code="sat-am-yoga").exists()


def test_deleting_a_used_room_is_refused_on_the_page(client, director, program, room):
    SessionFactory(program=program, room=room, held_on=D(2026, 3, 2))
    client.force_login(director)
    response = client.post(
        reverse("scheduling:room_edit", args=[room.public_id]), {"action": "delete"}
    )
    assert response.status_code == 400
    assert "cannot be deleted: archive it instead" in response.content.decode()
    room.refresh_from_db()
    assert room.is_active


def test_archiving_a_group_says_what_happens_to_sessions_already_scheduled(
    client, director, offering, track, program
):
    SessionFactory(program=program, offering=offering, held_on=D(2026, 3, 16))
    client.force_login(director)
    url = reverse("scheduling:offering_edit", args=[offering.public_id])
    data = {**OFFERING_POST, "offering-track": track.pk}
    del data["offering-is_active"]
    response = client.post(url, data, follow=True)
    assert "Saved and archived. 1 session already scheduled from today on still uses it" in (
        response.content.decode()
    )
    offering.refresh_from_db()
    assert not offering.is_active
    assert AuditEvent.objects.get(action=AuditAction.GROUP_OFFERING_SAVED).details["change"] == (
        "archived"
    )


def test_an_overlapping_window_is_refused_on_the_staff_page(
    client, director, program, staff_member
):
    client.force_login(director)
    url = reverse("scheduling:staff_hours", args=[staff_member.public_id])
    data = {
        "action": "add_window",
        "window-weekday": "0",
        "window-start_time": "20:00",
        "window-end_time": "22:00",
    }
    response = client.post(f"{url}?program={program.public_id}", data)
    assert response.status_code == 400
    assert "This overlaps the window Monday 08:00-21:00 already set." in response.content.decode()
    assert ClinicianAvailability.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.CLINICIAN_HOURS_CHANGED).exists()


# ----------------------------------------------------------------------------- rosters, one-offs


@pytest.fixture
def mondays(program, clinician, episode, offering):
    """Four Monday meetings of the process group; the first two have happened (attended)."""
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
    return sessions


def test_joining_from_a_date_on_the_page_fills_only_later_sessions_and_says_so(
    client, director, program, offering, mondays
):
    newcomer = EpisodeFactory(program=program, active=True, referred_on=D(2026, 3, 1))
    client.force_login(director)
    url = reverse("scheduling:group_roster", args=[offering.public_id])
    page = client.get(url).content.decode()
    assert "Past sessions, and any session with attendance recorded, stay exactly" in page
    assert newcomer.participant.display_name in page
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=newcomer.participant, actor=director
    ).exists()

    data = {"action": "join", "episode": str(newcomer.public_id), "starts_on": "2026-03-11"}
    assert client.post(url, data).status_code == 302
    placed = set(
        SessionAttendee.objects.filter(episode=newcomer).values_list("session__held_on", flat=True)
    )
    assert placed == {D(2026, 3, 16), D(2026, 3, 23)}
    event = AuditEvent.objects.get(action=AuditAction.GROUP_ROSTER_CHANGED)
    assert event.participant == newcomer.participant and event.details["change"] == "joined"


def test_leaving_on_the_page_keeps_past_sessions_and_a_bad_date_is_explained(
    client, director, program, offering, episode, mondays
):
    GroupEnrollment.objects.create(
        offering=offering, episode=episode, starts_on=D(2026, 3, 2), created_by=director
    )
    client.force_login(director)
    url = reverse("scheduling:group_roster", args=[offering.public_id])
    bad = {"action": "leave", "episode": str(episode.public_id), "last_day": "2026-02-01"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "The last day cannot be before the day they joined" in response.content.decode()
    assert SessionAttendee.objects.filter(episode=episode).count() == 4

    good = {"action": "leave", "episode": str(episode.public_id), "last_day": "2026-03-16"}
    assert client.post(url, good).status_code == 302
    kept = set(
        SessionAttendee.objects.filter(episode=episode).values_list("session__held_on", flat=True)
    )
    assert kept == set(MONDAYS[:3])


def test_a_one_off_session_from_the_page_is_pinned_and_a_bad_one_explained(
    client, director, program, episode, room
):
    client.force_login(director)
    url = reverse("scheduling:session_add") + f"?program={program.public_id}"
    page = client.get(url)
    assert page.status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=episode.participant
    ).exists()
    bad = {
        "kind": "group",
        "held_on": "2026-03-12",
        "start_time": "11:00",
        "end_time": "10:00",
        "participants": [str(episode.public_id)],
    }
    response = client.post(url, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end time must be after the start time." in page
    assert "A group session has a topic." in page
    assert not Session.objects.exists()

    good = {**bad, "topic": "skills", "start_time": "10:00", "end_time": "11:30", "room": room.pk}
    assert client.post(url, good).status_code == 302
    session = Session.objects.get()
    assert (session.source, session.topic, session.room) == (SessionSource.MANUAL, "skills", room)
    assert SessionAttendee.objects.get(session=session).is_locked
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_ADDED).exists()


def test_the_staff_page_sets_leads_hours_and_time_off_and_lists_sessions_on_days_away(
    client, director, program, counselor, offering
):
    client.force_login(director)
    url = reverse("scheduling:staff_hours", args=[counselor.public_id])
    url = f"{url}?program={program.public_id}"
    early = {"action": "add_window", "window-weekday": "0", "window-start_time": "17:00"}
    response = client.post(url, {**early, "window-end_time": "21:00"})
    assert "Save what they lead and their weekly maximum first." in response.content.decode()

    profile = {
        "action": "profile",
        "profile-max_minutes_per_week": "900",
        "profile-leads": ["process", "individual"],
        "profile-expected_version": "0",
    }
    assert client.post(url, profile).status_code == 302
    assert client.post(url, {**early, "window-end_time": "21:00"}).status_code == 302
    window = ClinicianAvailability.objects.get(schedule__user=counselor)
    SessionFactory(program=program, offering=offering, held_on=D(2026, 3, 16), lead=counselor)
    away = {
        "action": "add_time_off",
        "time_off-starts_on": "2026-03-16",
        "time_off-ends_on": "2026-03-20",
        "time_off-reason": "vacation",
    }
    assert client.post(url, away).status_code == 302
    page = client.get(url).content.decode()
    assert "Process group, Individual sessions" not in page  # labels are on the setup page
    assert "Already scheduled on days away" in page and "Mon 2026-03-16 18:00" in page

    assert client.post(url, {"action": "remove_window", "window": window.pk}).status_code == 302
    time_off = counselor.time_off.get()
    assert (
        client.post(url, {"action": "remove_time_off", "time_off": time_off.pk}).status_code == 302
    )
    assert not ClinicianAvailability.objects.filter(schedule__user=counselor).exists()
    assert not counselor.time_off.exists()
    changes = list(
        AuditEvent.objects.filter(target_id=str(counselor.public_id))
        .order_by("id")
        .values_list("action", "details__change")
    )
    assert changes == [
        (AuditAction.CLINICIAN_HOURS_CHANGED, "created"),
        (AuditAction.CLINICIAN_HOURS_CHANGED, "window_added"),
        (AuditAction.CLINICIAN_TIME_OFF_CHANGED, "added"),
        (AuditAction.CLINICIAN_HOURS_CHANGED, "window_removed"),
        (AuditAction.CLINICIAN_TIME_OFF_CHANGED, "removed"),
    ]
    setup = client.get(reverse("scheduling:setup")).content.decode()
    assert "Process group, Individual sessions" in setup


def test_a_second_track_with_the_same_name_is_refused(client, director, program, track):
    client.force_login(director)
    url = reverse("scheduling:track_add") + f"?program={program.public_id}"
    response = client.post(url, {"track-name": "Evening", "track-is_active": "on"})
    assert response.status_code == 400
    assert Track.objects.filter(program=program).count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.TRACK_SAVED).exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_setup_page_does_not_grow_a_query_per_group_room_or_staff_member(
    client, director, program, evening, staff_member, counselor
):
    client.force_login(director)
    url = reverse("scheduling:setup")
    before = _queries(client, url)
    weekend = TrackFactory(program=program, name="Weekend")
    for day in range(5):
        OfferingFactory(track=weekend, weekday=day, code=f"more-{day}")
    RoomFactory(site=program.site, code="group-c")
    clinician_hours(counselor, program, days=[1, 2])
    assert _queries(client, url) == before


def test_the_roster_page_does_not_grow_a_query_per_participant(client, director, program, offering):
    client.force_login(director)
    url = reverse("scheduling:group_roster", args=[offering.public_id])
    first = EpisodeFactory(program=program, active=True)
    GroupEnrollment.objects.create(
        offering=offering, episode=first, starts_on=D(2026, 3, 2), created_by=director
    )
    before = _queries(client, url)
    for _ in range(4):
        more = EpisodeFactory(program=program, active=True)
        GroupEnrollment.objects.create(
            offering=offering, episode=more, starts_on=D(2026, 3, 2), created_by=director
        )
        EpisodeFactory(program=program, active=True)
    assert _queries(client, url) == before
