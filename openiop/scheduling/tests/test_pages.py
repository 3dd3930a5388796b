"""Scheduling pages: the access matrix (AZ-2) with the state afterwards, audit rows (AUD-1),
and the meta-test that every route is in the matrix."""

import datetime

import pytest
from django.urls import get_resolver, reverse

from conftest import PERSONAS
from openiop.audit.models import AuditAction, AuditEvent
from openiop.scheduling import rules, services
from openiop.scheduling.models import (
    AttendanceRecord,
    CalendarFeed,
    OutreachReason,
    OutreachTask,
    ParticipantUnavailability,
    SessionAttendee,
    WeekSchedule,
)
from openiop.scheduling.tests.factories import SessionFactory, attend, evening_program

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


@pytest.fixture
def session(program, clinician, episode):
    """Yesterday's group, led by the care-team clinician, with the episode expected."""
    rooms = evening_program(program)["rooms"]
    return attend(
        SessionFactory(program=program, held_on=YESTERDAY, lead=clinician, room=rooms["group"]),
        episode,
    )


@pytest.fixture
def task(episode, clinician):
    return OutreachTask.objects.create(
        episode=episode,
        participant=episode.participant,
        assigned_to=clinician,
        reason=OutreachReason.UNEXCUSED_ABSENCES,
        due_on=YESTERDAY,
    )


@pytest.fixture
def token(clinician):
    return services.calendar_feed_reset(actor=clinician, user=clinician)


# Personas in conftest.PERSONAS order: anonymous, director, clinician (care team, leads the
# session), counselor (not on the team), front desk, billing, auditor, other clinician (other
# program), participant, family.
# fmt: off
MATRIX = {
    "scheduling:roster":                 ("get",  "session",     (302, 200, 200, 404, 200, 403, 403, 404, 403, 403)),  # noqa: E501
    "scheduling:roster#save":            ("post", "session",     (302, 302, 302, 404, 302, 403, 403, 404, 403, 403)),  # noqa: E501
    "scheduling:schedule":               ("get",  "participant", (302, 200, 200, 404, 200, 403, 403, 404, 403, 403)),  # noqa: E501
    "scheduling:participant_feed_reset": ("post", "participant", (302, 200, 403, 403, 200, 403, 403, 403, 403, 403)),  # noqa: E501
    "scheduling:availability":           ("get",  "participant", (302, 200, 403, 403, 200, 403, 403, 403, 403, 403)),  # noqa: E501
    "scheduling:availability#add":       ("post", "participant", (302, 302, 403, 403, 302, 403, 403, 403, 403, 403)),  # noqa: E501
    "scheduling:outreach_done":          ("post", "task",        (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "scheduling:program_week":           ("get",  None,          (302, 200, 200, 200, 200, 403, 403, 200, 403, 403)),  # noqa: E501
    "scheduling:clinician_week":         ("get",  None,          (302, 200, 200, 200, 200, 403, 403, 200, 403, 403)),  # noqa: E501
    "scheduling:my_feed_reset":          ("post", None,          (302, 200, 200, 200, 200, 403, 403, 200, 403, 403)),  # noqa: E501
    "scheduling:feed":                   ("get",  "token",       (200, 200, 200, 200, 200, 200, 200, 200, 200, 200)),  # noqa: E501
    "scheduling:builder":                ("get",  None,          (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
    "scheduling:capacity":               ("get",  None,          (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
    "scheduling:builder#build":          ("post", None,          (302, 302, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
    "scheduling:pin":                    ("post", "session",     (302, 302, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
}
# fmt: on


AVAILABILITY_POST = {
    "action": "add_unavailable",
    "unavailable-weekday": "0",
    "unavailable-start_time": "09:00",
    "unavailable-end_time": "17:00",
    "unavailable-kind": "work",
    "unavailable-reason": "Warehouse shift",
}


def _request(client, route, obj, episode):
    name = route.split("#")[0]
    method = MATRIX[route][0]
    if name == "scheduling:feed":
        return client.get(reverse(name, kwargs={"token": obj}))
    url = reverse(name, args=[obj.public_id]) if obj is not None else reverse(name)
    if route == "scheduling:roster#save":
        key = str(episode.public_id)
        return client.post(url, {f"status-{key}": "present", f"minutes-{key}": "180"})
    if route == "scheduling:pin":
        return client.post(url, {"episode": str(episode.public_id), "pinned": "1"})
    if route == "scheduling:availability#add":
        return client.post(url, AVAILABILITY_POST)
    return client.get(url) if method == "get" else client.post(url)


@pytest.mark.parametrize(
    ("route", "persona", "expected"),
    [
        pytest.param(route, persona, statuses[i], id=f"{route.split(':')[1]}-{persona}")
        for route, (_m, _o, statuses) in MATRIX.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(client, as_persona, request, episode, route, persona, expected):
    obj_name = MATRIX[route][1]
    obj = request.getfixturevalue(obj_name) if obj_name else None
    user = as_persona(persona)
    feeds_before = CalendarFeed.objects.count()
    response = _request(client, route, obj, episode)
    assert response.status_code == expected
    allowed = expected in (200, 302) and persona != "anonymous"
    assert AttendanceRecord.objects.exists() is (allowed and route == "scheduling:roster#save")
    resets = route in ("scheduling:participant_feed_reset", "scheduling:my_feed_reset")
    if route == "scheduling:participant_feed_reset":
        assert CalendarFeed.objects.filter(episode=episode).exists() is allowed
    elif route == "scheduling:my_feed_reset":
        assert CalendarFeed.objects.filter(user=user).exists() is allowed
    elif not resets:
        assert CalendarFeed.objects.count() == feeds_before
    if obj_name == "task":
        obj.refresh_from_db()
        assert (obj.done_at is not None) is allowed
    assert WeekSchedule.objects.exists() is (allowed and route == "scheduling:builder#build")
    if route == "scheduling:pin":
        assert SessionAttendee.objects.get(session=obj).is_locked is allowed
    added = ParticipantUnavailability.objects.filter(episode=episode).exists()
    assert added is (allowed and route == "scheduling:availability#add")


def test_every_scheduling_route_is_in_a_matrix():
    from openiop.scheduling.tests.test_setup_pages import MATRIX as SETUP_MATRIX

    reverse_dict = get_resolver().namespace_dict["scheduling"][1].reverse_dict
    names = {f"scheduling:{n}" for n in reverse_dict if isinstance(n, str)}
    assert names == {route.split("#")[0] for route in [*MATRIX, *SETUP_MATRIX]}


@pytest.mark.parametrize("persona", ["director", "clinician", "front_desk"])
def test_opening_a_roster_lists_each_attendee_in_the_audit_trail(
    client, request, session, participant, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("scheduling:roster", args=[session.public_id])).status_code == 200
    event = AuditEvent.objects.filter(participant=participant).latest("id")
    assert (event.actor, event.action) == (user, AuditAction.PARTICIPANT_LISTED)
    assert event.details == {"session": str(session.public_id)}
    expected = "demographics" if persona == "front_desk" else "sud_record"
    assert event.category == expected


def test_a_roster_out_of_reach_is_404_and_the_denial_is_audited(client, counselor, session):
    client.force_login(counselor)
    assert client.get(reverse("scheduling:roster", args=[session.public_id])).status_code == 404
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.outcome, event.target_id) == (
        AuditAction.ACCESS_DENIED,
        "denied",
        str(session.public_id),
    )


def test_a_counselor_who_leads_the_session_opens_its_roster(client, counselor, session):
    session.lead = counselor
    session.save()
    client.force_login(counselor)
    assert client.get(reverse("scheduling:roster", args=[session.public_id])).status_code == 200


def test_the_schedule_tab_is_audited_as_a_chart_view(client, director, participant):
    client.force_login(director)
    url = reverse("scheduling:schedule", args=[participant.public_id])
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.filter(participant=participant).latest("id")
    assert (event.actor, event.action) == (director, AuditAction.PARTICIPANT_VIEWED)


def test_the_clinician_week_audits_the_names_it_shows(client, clinician, program, episode):
    attend(
        SessionFactory(
            program=program,
            kind="individual",
            topic="",
            held_on=datetime.date.today(),
            lead=clinician,
        ),
        episode,
    )
    client.force_login(clinician)
    page = client.get(reverse("scheduling:clinician_week")).content.decode()
    assert episode.participant.display_name in page
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=episode.participant, actor=clinician
    ).exists()


def test_the_program_week_names_nobody(client, counselor, session, participant):
    client.force_login(counselor)
    week = rules.iso_week(rules.week_start(YESTERDAY))
    page = client.get(reverse("scheduling:program_week"), {"week": week}).content.decode()
    assert "Process group" in page and "1 participant" in page
    # the navigation ("Change password") may hold a short name: look at the page body
    assert participant.legal_last_name not in page[page.index("<main") :]
    assert not AuditEvent.objects.filter(participant=participant).exists()


def test_a_director_sees_a_colleagues_week_but_not_someone_outside_the_programs(
    client, director, clinician, other_clinician
):
    client.force_login(director)
    url = reverse("scheduling:clinician_week")
    response = client.get(url, {"clinician": str(clinician.public_id)})
    assert response.status_code == 200 and response.context["clinician"] == clinician
    assert client.get(url, {"clinician": str(other_clinician.public_id)}).status_code == 404


def test_a_clinician_cannot_ask_for_a_colleagues_week(client, clinician, counselor):
    client.force_login(clinician)
    response = client.get(
        reverse("scheduling:clinician_week"), {"clinician": str(counselor.public_id)}
    )
    assert response.context["clinician"] == clinician
