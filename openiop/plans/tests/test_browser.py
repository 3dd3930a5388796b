"""A clinician writes an initial plan part by part and signs it with the participant's
agreement: in Debian's chromium, by labels and roles."""

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.plans.models import PlanVersion

pytestmark = pytest.mark.browser


def test_write_and_sign_an_initial_plan(browser, live_server, clinician, participant, password):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=participant.display_name).click()
    page.get_by_role("link", name="Plan", exact=True).click()
    page.get_by_role("button", name="Write the initial plan").click()

    page.get_by_text("New problem", exact=True).click()
    new_problem = page.get_by_role("form", name="New problem")
    new_problem.get_by_label("Dimension").select_option(label="Substance Use-Related Risks")
    new_problem.get_by_label("Problem").fill("Drinks most evenings to manage stress")
    new_problem.get_by_role("button", name="Add problem").click()

    page.get_by_text("New goal", exact=True).click()
    page.get_by_role("form", name="New goal").get_by_label("Long-term goal").fill(
        "I want to wake up clear-headed for my kids"
    )
    page.get_by_role("form", name="New goal").get_by_role("button", name="Add goal").click()

    page.get_by_text("New objective", exact=True).click()
    objective = page.get_by_role("form", name="New objective")
    objective.get_by_label("Measurable short-term objective").fill(
        "No drinking on 5 of 7 evenings for 4 weeks, logged in the diary"
    )
    objective.get_by_label("Target date").fill("2030-01-31")
    objective.get_by_role("button", name="Add objective").click()

    page.get_by_text("New intervention", exact=True).click()
    intervention = page.get_by_role("form", name="New intervention")
    intervention.get_by_label("Modality").select_option(label="Relapse prevention")
    intervention.get_by_label("Frequency").fill("3 groups a week")
    intervention.get_by_label("Responsible staff member").select_option(label=str(clinician))
    intervention.get_by_role("button", name="Add intervention").click()
    screenshot(page, "plan-editor")

    page.get_by_label("Participant agreement").select_option(label="Participant signed")
    page.get_by_label("I have reviewed this plan with the participant and sign it.").check()
    page.get_by_role("button", name="Sign plan").click()

    expect(page.get_by_text("Plan signed. It is the plan in force.")).to_be_visible()
    expect(page.get_by_role("region", name="Plan in force: version 1")).to_contain_text(
        "I want to wake up clear-headed for my kids"
    )
    screenshot(page, "plan-tab")
    assert PlanVersion.objects.get().is_signed
