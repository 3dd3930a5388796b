"""A group note started from a session's roster: prefilled with the session's details and the
attendees marked present, only for people who may open that roster."""

import datetime

import pytest
from django.urls import reverse

from conftest import PERSONAS
from openiop.notes.models import GroupNote
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory
from openiop.scheduling import services as scheduling_services
from openiop.scheduling.services import AttendanceEntry
from openiop.scheduling.tests.factories import SessionFactory, attend

pytestmark = pytest.mark.django_db

# Personas in conftest.PERSONAS order. The session is led by the clinician; a roster opens for
# its lead and for program-wide roles (director; front desk lacks the note permission).
# fmt: off
FROM_SESSION_MATRIX = {
    "notes:group_from_session": (302, 302, 302, 404, 403, 403, 403, 404, 403, 403),
}
# fmt: on


@pytest.fixture
def session(program, clinician, episode):
    session = SessionFactory(program=program, lead=clinician, held_on=datetime.date.today())
    return attend(session, episode)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        pytest.param(persona, FROM_SESSION_MATRIX["notes:group_from_session"][i], id=persona)
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(client, as_persona, session, persona, expected):
    as_persona(persona)
    response = client.post(reverse("notes:group_from_session", args=[session.public_id]))
    assert response.status_code == expected
    assert GroupNote.objects.exists() is (persona in ("director", "clinician"))


def test_the_draft_has_the_session_details_and_only_those_who_attended(
    client, program, clinician, episode, session
):
    absent = EpisodeFactory(program=program, active=True)
    CareTeamMemberFactory(episode=absent, user=clinician)
    attend(session, absent)
    scheduling_services.attendance_record(
        session=session,
        entries=[
            AttendanceEntry(episode=episode, status="present", minutes=180),
            AttendanceEntry(episode=absent, status="absent_unexcused", minutes=0),
        ],
        actor=clinician,
    )
    client.force_login(clinician)
    response = client.post(reverse("notes:group_from_session", args=[session.public_id]))
    note = GroupNote.objects.get()
    assert response.url == reverse("notes:group_edit", args=[note.public_id])
    assert (note.service_on, note.start_time, note.end_time) == (
        session.held_on,
        session.start_time,
        session.end_time,
    )
    assert note.topic == session.get_topic_display()
    assert [a.episode for a in note.attendees.all()] == [episode]


def test_before_attendance_everyone_expected_is_listed(client, clinician, episode, session):
    client.force_login(clinician)
    client.post(reverse("notes:group_from_session", args=[session.public_id]))
    assert [a.episode for a in GroupNote.objects.get().attendees.all()] == [episode]
