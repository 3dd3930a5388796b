"""The main journey in a real browser (Debian's chromium through Playwright), found by labels
and roles the way a screen reader would: sign in, caseload, register, admit, chart."""

import re

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.participants.models import EpisodeStatus, Participant

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_register_admit_and_open_the_chart(page, live_server, director, clinician, password):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("E-mail address").fill(director.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    screenshot(page, "caseload-empty")
    page.get_by_role("main").get_by_role("link", name="Register participant").click()

    expect(page.get_by_role("heading", name="Register participant")).to_be_visible()
    page.get_by_role("button", name="Register").click()  # empty form: errors, nothing saved
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert not Participant.objects.exists()

    page.get_by_label("Referral source").select_option(label="Withdrawal management (detox)")
    page.get_by_label("Legal first name").fill("Morgan")
    page.get_by_label("Legal last name").fill("Ellis")
    page.get_by_label("Preferred name").fill("Mo")
    page.get_by_label("Date of birth").fill("1990-05-17")
    page.get_by_label("Sex assigned at birth").select_option(label="Male")
    page.get_by_label("Pronouns").fill("he/him")
    page.get_by_label("Phone", exact=True).fill("555-0188")
    screenshot(page, "register-filled")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", name=re.compile("Mo Ellis"))).to_be_visible()
    participant = Participant.objects.get()
    expect(page.get_by_text(f"registered with MRN {participant.mrn}")).to_be_visible()

    page.get_by_role("link", name="Admit").click()
    expect(page.get_by_role("heading", name="Admit Mo Ellis")).to_be_visible()
    page.get_by_label("Primary clinician").select_option(label=str(clinician))
    page.get_by_role("button", name="Admit").click()

    expect(page.get_by_text("Mo Ellis is admitted.")).to_be_visible()
    header = page.get_by_role("region", name="Participant summary")
    expect(header.get_by_text("Active")).to_be_visible()
    expect(header.get_by_text("Engagement")).to_be_visible()
    screenshot(page, "chart-admitted")
    episode = participant.episodes.get()
    assert (episode.status, episode.primary_clinician) == (EpisodeStatus.ACTIVE, clinician)

    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("link", name="Mo Ellis")).to_be_visible()
    page.get_by_role("searchbox", name="Search participants").fill("Ell")
    page.get_by_role("listitem").filter(has_text="Mo Ellis").click()
    expect(page.get_by_role("heading", name=re.compile("Mo Ellis"))).to_be_visible()


def test_caseload_and_chart_fit_a_phone_screen(
    browser, live_server, clinician, participant, password
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    page.get_by_role("link", name=participant.display_name).click()
    expect(page.get_by_role("heading", name=re.compile(participant.display_name))).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "chart-phone")
    context.close()
    assert width <= 390
