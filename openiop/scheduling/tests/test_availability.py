"""Editing a participant's scheduling needs: preferences, the weekly times they cannot come,
their family's window; validation, conflicts, audit, and the problem the builder then reads."""

import datetime

import pytest
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent
from openiop.scheduling import exchange, rules
from openiop.scheduling.models import (
    FamilyAvailability,
    ParticipantPreferences,
    ParticipantUnavailability,
)
from openiop.scheduling.tests.factories import clinician_hours, evening_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(participant):
    return reverse("scheduling:availability", args=[participant.public_id])


def _prefs(version=0, **extra):
    data = {
        "action": "preferences",
        "prefs-expected_version": str(version),
        "prefs-individual_minutes": "60",
        "prefs-individual_every_weeks": "1",
        "prefs-family_minutes": "60",
    }
    return data | {f"prefs-{key}": value for key, value in extra.items()}


def test_front_desk_records_work_hours_and_the_builder_reads_them(
    client, front_desk, program, clinician, episode, url
):
    evening_program(program)
    clinician_hours(clinician, program)
    client.force_login(front_desk)
    response = client.post(
        url,
        {
            "action": "add_unavailable",
            "unavailable-weekday": "0",
            "unavailable-start_time": "08:00",
            "unavailable-end_time": "17:30",
            "unavailable-kind": "work",
            "unavailable-reason": "Warehouse shift",
        },
        follow=True,
    )
    assert "Added." in response.content.decode()
    assert "Warehouse shift" in response.content.decode()
    week_of = rules.week_start(datetime.date.today()) + datetime.timedelta(days=7)
    problem = exchange.problem_for_week(program, week_of)
    mine = next(p for p in problem["participants"] if p["id"] == str(episode.public_id))
    assert {"day": "mon", "from": "08:00", "to": "17:30", "reason": "work"} in mine["unavailable"]
    event = AuditEvent.objects.filter(action=AuditAction.AVAILABILITY_CHANGED).get()
    assert event.details["change"] == "unavailable_added" and event.actor == front_desk


def test_an_end_before_the_start_is_refused_and_nothing_is_added(client, director, episode, url):
    client.force_login(director)
    response = client.post(
        url,
        {
            "action": "add_family",
            "family-weekday": "2",
            "family-start_time": "20:00",
            "family-end_time": "18:00",
        },
    )
    assert response.status_code == 400
    assert not FamilyAvailability.objects.exists()
    assert "The end time must be after the start time." in response.content.decode()


def test_a_target_override_needs_a_reason(client, director, episode, url):
    client.force_login(director)
    response = client.post(url, _prefs(target_minutes_override="360"))
    assert response.status_code == 400
    assert "An override of the weekly target needs a reason." in response.content.decode()
    assert not ParticipantPreferences.objects.exists()
    client.post(url, _prefs(target_minutes_override="360", target_override_reason="Night shifts"))
    preferences = ParticipantPreferences.objects.get(episode=episode)
    assert (preferences.target_minutes_override, preferences.family_minutes) == (360, 60)


def test_a_stale_preferences_form_conflicts(client, director, episode, url):
    client.force_login(director)
    client.post(url, _prefs(0))
    client.post(url, _prefs(1, family_minutes="90"))
    response = client.post(url, _prefs(1, family_minutes="30"))
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert ParticipantPreferences.objects.get().family_minutes == 90


def test_removing_a_window(client, director, episode, url):
    window = ParticipantUnavailability.objects.create(
        episode=episode,
        weekday=1,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        kind="school",
    )
    client.force_login(director)
    client.post(url, {"action": "remove_unavailable", "window": str(window.pk)})
    assert not ParticipantUnavailability.objects.exists()


def test_another_episodes_window_cannot_be_removed(client, director, episode, other_episode, url):
    window = ParticipantUnavailability.objects.create(
        episode=other_episode,
        weekday=1,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        kind="school",
    )
    client.force_login(director)
    response = client.post(url, {"action": "remove_unavailable", "window": str(window.pk)})
    assert response.status_code == 404
    assert ParticipantUnavailability.objects.filter(pk=window.pk).exists()


def test_opening_the_page_is_audited(client, director, participant, url):
    client.force_login(director)
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.filter(participant=participant).latest("id")
    assert (event.actor, event.action) == (director, AuditAction.PARTICIPANT_VIEWED)


@pytest.mark.browser
def test_front_desk_adds_school_hours_in_the_browser(
    browser, live_server, front_desk, participant, password
):
    from playwright.sync_api import expect

    from conftest import screenshot

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(front_desk.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{reverse('scheduling:schedule', args=[participant.public_id])}")
    page.get_by_role("link", name="Edit scheduling needs").click()
    form = page.get_by_role("form", name="Add a time they cannot come")
    form.get_by_label("Day").select_option(label="Tuesday")
    form.get_by_label("From").fill("08:00")
    form.get_by_label("To").fill("15:00")
    form.get_by_label("Because of").select_option(label="School")
    form.get_by_role("button", name="Add time").click()
    expect(page.get_by_text("Added.")).to_be_visible()
    expect(page.get_by_role("region", name="Cannot come (every week)")).to_contain_text("School")
    screenshot(page, "scheduling-availability")
