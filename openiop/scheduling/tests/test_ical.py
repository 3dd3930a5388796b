"""Calendar feeds: secret addresses that can be reset, valid RFC 5545 text, and no clinical
detail in a participant's feed."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent
from openiop.scheduling import ical, services
from openiop.scheduling.models import CalendarFeed
from openiop.scheduling.tests.factories import SessionFactory, attend, evening_program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday():
    with time_machine.travel(datetime.datetime(2026, 3, 6, 12), tick=False):
        yield


@pytest.fixture
def sessions(program, clinician, episode):
    rooms = evening_program(program)["rooms"]
    group = SessionFactory(
        program=program,
        held_on=datetime.date(2026, 3, 9),
        topic="relapse_prevention",
        lead=clinician,
        room=rooms["group"],
    )
    individual = SessionFactory(
        program=program,
        kind="individual",
        topic="",
        held_on=datetime.date(2026, 3, 10),
        start_time=datetime.time(17),
        end_time=datetime.time(18),
        lead=clinician,
        room=rooms["video"],
        is_virtual=True,
    )
    return attend(group, episode), attend(individual, episode)


def _feed(client, token):
    return client.get(reverse("scheduling:feed", kwargs={"token": token}))


def test_a_clinicians_feed_lists_topics_and_rooms_but_no_names(
    client, clinician, participant, sessions
):
    token = services.calendar_feed_reset(actor=clinician, user=clinician)
    response = _feed(client, token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Relapse prevention" in text and "LOCATION:Group room A" in text
    # 18:00 in Chicago (the site's zone): 23:00 UTC once daylight saving began on 8 March
    assert "DTSTART:20260309T230000Z" in text
    assert participant.legal_last_name not in text and participant.mrn not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_a_participants_feed_carries_no_clinical_detail(client, director, episode, sessions):
    token = services.calendar_feed_reset(actor=director, episode=episode)
    text = _feed(client, token).content.decode()
    assert "SUMMARY:Appointment" in text and "SUMMARY:Video appointment" in text
    for word in ("Relapse", "Individual", "Evening IOP", sessions[0].lead.full_name):
        assert word not in text
    event = AuditEvent.objects.get(action=AuditAction.CALENDAR_FEED_READ)
    assert event.actor is None and event.participant == episode.participant


def test_resetting_the_address_ends_the_old_one(client, clinician):
    old = services.calendar_feed_reset(actor=clinician, user=clinician)
    new = services.calendar_feed_reset(actor=clinician, user=clinician)
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200
    assert CalendarFeed.objects.count() == 1
    assert new not in CalendarFeed.objects.get().token_digest  # only a digest is kept


def test_the_reset_page_shows_the_new_address_once(client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("scheduling:my_feed_reset"))
    url = response.context["feed_url"]
    assert "/calendar/" in url and url in response.content.decode()
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert _feed(client, token).status_code == 200
    assert url not in client.get(reverse("scheduling:clinician_week")).content.decode()


def test_a_feed_stops_when_the_episode_is_discharged_or_the_user_leaves(
    client, clinician, director, episode
):
    person = services.calendar_feed_reset(actor=director, episode=episode)
    staff = services.calendar_feed_reset(actor=clinician, user=clinician)
    episode.status, episode.discharged_on = "discharged", datetime.date(2026, 3, 6)
    episode.save()
    clinician.is_active = False
    clinician.save()
    assert _feed(client, person).status_code == 404
    assert _feed(client, staff).status_code == 404


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a;b,c", "a\\;b\\,c"), ("line\nbreak", "line\\nbreak"), ("back\\slash", "back\\\\slash")],
)
def test_text_values_are_escaped(text, escaped):
    assert ical.escape(text) == escaped


def test_long_lines_are_folded_without_splitting_characters():
    line = "SUMMARY:" + "é" * 80
    folded = ical.fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert all(len(part.encode()) <= 75 for part in parts)
