"""At the collection desk: a clinician orders a test, records the collection and enters the
cup's results, and sees the unexpected positive marked: in Debian's chromium, by labels and
roles."""

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.drugtests.models import TestResult

pytestmark = pytest.mark.browser


def test_order_collect_and_record_a_result(
    browser, live_server, clinician, participant, urine_panel, password
):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=participant.display_name).click()
    page.get_by_role("link", name="Drug tests", exact=True).click()

    order = page.get_by_role("form", name="Order a test")
    order.get_by_label("Panel").select_option(label=urine_panel.name)
    order.get_by_label("Reason").select_option(label="For cause")
    order.get_by_label("Cause (for-cause tests)").fill("Smelled of alcohol at group")
    order.get_by_role("button", name="Order test").click()
    expect(page.get_by_text("Test ordered.")).to_be_visible()

    page.get_by_role("link", name="Record collection").click()
    collection = page.get_by_role("form", name="Collection for the For cause test")
    collection.get_by_label("Specimen collected").check()
    collection.get_by_label("Temperature in range (urine)").select_option(label="Yes, 32 to 38 °C")
    collection.get_by_label("Observed collection").check()
    collection.get_by_role("button", name="Save collection").click()
    expect(page.get_by_text("Collection recorded. Enter the results.")).to_be_visible()

    results = page.get_by_role("form", name="Results of the specimen collected")
    results.get_by_label("Ethyl glucuronide (alcohol)", exact=True).select_option(label="Positive")
    results.get_by_label("Ethyl glucuronide (alcohol) value").fill("900")
    results.get_by_label("Cocaine (benzoylecgonine)", exact=True).select_option(label="Negative")
    screenshot(page, "drugtests-results")
    results.get_by_role("button", name="Save results").click()

    expect(page.get_by_text("Results recorded.")).to_be_visible()
    test = page.get_by_role("article", name="Test of")
    expect(test.get_by_role("row", name="Ethyl glucuronide")).to_contain_text("Unexpected")
    expect(page.get_by_text("Drug test follow-up: unexpected positive")).to_be_visible()
    screenshot(page, "drugtests-chart")
    assert TestResult.objects.get(analyte_code="ETG").interpretation == "unexpected"
