"""In Debian's chromium, by labels and roles: a clinician writes and signs a DAP note (autosave
on the way), then writes one group note for three participants and signs it."""

import re
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.notes.models import GroupNote, ProgressNote
from openiop.notes.tests.helpers import team_up
from openiop.participants.tests.factories import EpisodeFactory

pytestmark = pytest.mark.browser


def _autosave_of(text: str):
    """Matches the autosave response to a request carrying ``text``."""

    def matches(response) -> bool:
        request = response.request
        sent = unquote_plus(request.post_data or "")
        return request.url.endswith("/autosave/") and text in sent

    return matches


@pytest.fixture
def page(browser, live_server, clinician, password):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    yield page
    page.close()


def test_write_and_sign_a_dap_note(participant, objective, page):
    """(``page`` last: it signs in after the participant exists.)"""
    page.get_by_role("link", name=participant.display_name).click()
    page.get_by_role("link", name="Notes", exact=True).click()
    page.get_by_label("Format").select_option(label="DAP")
    page.get_by_role("button", name="Start note").click()

    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("10:50")
    with page.expect_response(_autosave_of("Reports four days")):  # typed, then a pause
        page.get_by_label("Data", exact=True).fill("Reports four days without use; slept poorly.")
    expect(page.get_by_role("status")).to_contain_text("Draft saved at")
    assert ProgressNote.objects.get().content["data"].startswith("Reports four days")

    page.get_by_label("Assessment", exact=True).fill("Engaged; cravings lower than last week.")
    page.get_by_label("Plan", exact=True).fill("Urge surfing daily; next session Thursday.")
    page.get_by_label(objective.description, exact=False).check()
    # The test server shares one SQLite connection between its threads, so the test lets each
    # autosave finish before the next request (a real server takes them one after the other).
    with page.expect_response(_autosave_of("interventions=mi")):
        page.get_by_label("Motivational interviewing").check()
    expect(page.get_by_role("status")).to_contain_text("Draft saved at")
    screenshot(page, "note-editor")
    page.get_by_role("button", name="Sign note").click()

    expect(page.get_by_text("Note signed.")).to_be_visible()
    note_card = page.get_by_role("article")
    expect(note_card).to_contain_text("Urge surfing daily")
    expect(note_card).to_contain_text("50 minutes")
    expect(note_card).to_contain_text(objective.description)
    note = ProgressNote.objects.get()
    assert (note.status, note.interventions) == ("signed", ["mi"])
    screenshot(page, "note-signed")
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("navigation")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    screenshot(page, "note-print")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the note").click()

    page.get_by_role("link", name="Notes", exact=True).click()
    row = page.get_by_role("row").filter(has_text="DAP · Individual counseling")
    expect(row).to_contain_text("Signed")
    screenshot(page, "chart-notes-tab")


@pytest.fixture
def three(program, clinician, episode):
    episodes = [episode]
    for _ in range(2):
        other = EpisodeFactory(program=program, active=True, primary_clinician=clinician)
        team_up(other, clinician, role="primary_therapist")
        episodes.append(other)
    return episodes


def test_write_and_sign_a_group_note_for_three(three, live_server, page):
    names = [episode.participant.display_name for episode in three]
    page.goto(f"{live_server.url}/notes/mine/")
    page.get_by_role("link", name="New group note").click()
    page.get_by_label("Program").select_option(label="Evening IOP")
    page.get_by_role("button", name="Start group note").click()

    page.get_by_label("Topic").fill("Coping with cravings")
    page.get_by_label("Start time").fill("18:00")
    page.get_by_label("End time").fill("19:30")
    page.get_by_label("Relapse prevention").check()
    page.get_by_label("Group process").fill(
        "Members named their triggers; a peer offered support to another."
    )
    for name in names:
        page.get_by_label(name, exact=True).check()
    for name in names:  # the autosave brings each new attendee's section
        expect(page.get_by_role("group", name=name)).to_be_visible()

    for index, name in enumerate(names):
        section = page.get_by_role("group", name=name)
        section.get_by_label("Participation").select_option(
            label="Active: engaged and contributing"
        )
        response = section.get_by_label("Response to the group")
        text = f"Named one trigger and a coping step ({index})."
        with page.expect_response(_autosave_of(text)):  # one save at a time (see above)
            response.fill(text)
            response.press("Tab")  # leaves the field: its change is saved now
    expect(page.get_by_role("status")).to_contain_text("Draft saved at")
    screenshot(page, "group-note-editor")
    page.get_by_role("button", name="Sign group note").click()

    expect(
        page.get_by_text("Group note signed: each attendee's chart now shows it.")
    ).to_be_visible()
    note = GroupNote.objects.get()
    assert note.is_signed
    assert sorted(a.participant.display_name for a in note.attendees.all()) == sorted(names)
    assert set(note.attendees.values_list("participation", flat=True)) == {"active"}

    page.goto(f"{live_server.url}/notes/participants/{three[1].participant.public_id}/")
    page.get_by_role("link", name=re.compile("Group: Coping with cravings")).click()
    expect(page.get_by_role("article")).to_contain_text("a coping step (1).")
    expect(page.get_by_role("article")).not_to_contain_text("(0).")
    for other in (names[0], names[2]):
        expect(page.get_by_text(other)).to_have_count(0)
    screenshot(page, "group-note-section")
