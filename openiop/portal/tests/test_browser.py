"""On a phone-sized screen (390x844) in Debian's chromium, by labels and roles: a participant
signs in, checks in, completes a PHQ-9 and writes a journal entry; a family member with
consent sees the family session schedule; a participant turns on two-step sign-in and signs in
with a code."""

import datetime
from base64 import b32decode

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from conftest import screenshot
from openiop.assessments.models import Administration, AdministrationSource
from openiop.recovery.models import CheckIn, JournalEntry
from openiop.scheduling.models import SessionKind, Topic
from openiop.scheduling.tests.factories import RoomFactory, SessionFactory, T, attend

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _sign_in(browser, live_server, user, password):
    page = browser.new_page(viewport=PHONE)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/portal/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_a_participant_checks_in_answers_a_phq9_and_writes_in_the_journal(
    browser, live_server, participant_user, participant, password
):
    page = _sign_in(browser, live_server, participant_user, password)
    expect(page.get_by_role("heading", name="To do")).to_be_visible()

    page.get_by_role("link", name="Do today's check-in (under a minute)").click()
    page.get_by_role("group", name="How is your mood today?").get_by_text("6", exact=True).click()
    page.get_by_role("group", name="How strong are cravings today?").get_by_text(
        "3", exact=True
    ).click()
    page.get_by_label("Hours slept last night").fill("7")
    page.get_by_label("Money worries").check()
    page.get_by_label("Went to a meeting").check()
    page.get_by_role(
        "group", name="Since your last check-in, have you used alcohol or other drugs?"
    ).get_by_label("No", exact=True).check()
    page.get_by_role(
        "group", name="Have you had thoughts of hurting yourself or ending your life?"
    ).get_by_label("No", exact=True).check()
    screenshot(page, "portal-check-in")
    page.get_by_role("button", name="Send check-in").click()
    expect(page.get_by_role("heading", name="Thank you for checking in")).to_be_visible()

    page.get_by_role("link", name="Questionnaires").click()
    page.get_by_role("link", name="PHQ-9").click()
    for group in page.get_by_role("group").all():
        group.get_by_label("Not at all").check()
    screenshot(page, "portal-phq9")
    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_text("Thank you. Your answers were sent to your care team.")).to_be_visible()

    page.get_by_role("link", name="Journal", exact=True).click()
    page.get_by_role("textbox", name="Entry").fill("Made it through payday without drinking.")
    page.get_by_label("Share this entry with my counselor").check()
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Journal entry saved.")).to_be_visible()
    screenshot(page, "portal-journal")

    check_in = CheckIn.objects.get(participant=participant)
    assert (check_in.mood, check_in.craving, check_in.triggers) == (6, 3, ["Money worries"])
    phq9 = Administration.objects.get(participant=participant, instrument="phq9")
    assert (phq9.source, phq9.total) == (AdministrationSource.PORTAL, 0)
    assert JournalEntry.objects.get(participant=participant).is_shared
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_family_member_with_consent_sees_the_family_session_schedule(
    browser, live_server, family_member, episode, program, password
):
    room = RoomFactory(site=program.site, name="Family room")
    soon = timezone.localdate() + datetime.timedelta(days=2)
    attend(
        SessionFactory(program=program, kind=SessionKind.FAMILY, topic="", held_on=soon, room=room),
        episode,
    )
    SessionFactory(
        program=program,
        topic=Topic.FAMILY,
        held_on=soon + datetime.timedelta(days=1),
        start_time=T(10),
        end_time=T(12),
        room=room,
    )

    page = _sign_in(browser, live_server, family_member, password)

    schedule = page.get_by_role("region", name="Family sessions and workshops")
    expect(schedule).to_contain_text("Family room")
    expect(schedule.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_role("region", name="Attendance")).to_be_visible()
    screenshot(page, "portal-family")


def _code(typed_key: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for ``typed_key`` (real time: the server's clock)."""
    key = b32decode(typed_key.replace(" ", "") + "=" * (-len(typed_key.replace(" ", "")) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_a_participant_turns_on_two_step_sign_in_and_signs_in_with_a_code(
    browser, live_server, participant_user, participant, password
):
    page = _sign_in(browser, live_server, participant_user, password)
    page.get_by_role("link", name="Two-step sign-in").click()
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    typed_key = page.locator("#typed-key").inner_text()
    screenshot(page, "portal-two-step-setup")
    page.get_by_label("6-digit code").fill(_code(typed_key))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_text("Two-step sign-in is on.", exact=True)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("E-mail address").fill(participant_user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("6-digit code").fill(_code(typed_key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="To do")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
