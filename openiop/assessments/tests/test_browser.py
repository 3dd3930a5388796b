"""A clinician records a PHQ-9 that signals suicide risk, sees the urgent alert on the caseload,
and acknowledges it with the action taken: in Debian's chromium, by labels and roles."""

import re

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.assessments.models import ClinicalAlert

pytestmark = pytest.mark.browser
# PHQ-9 answers by label; the last item ("thoughts that you would be better off dead...") is
# answered "Several days".
PHQ9 = ["More than half the days"] * 3 + ["Several days"] * 6


def test_phq9_alert_then_acknowledge(browser, live_server, clinician, participant, password):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=participant.display_name).click()
    page.get_by_role("link", name="Measures", exact=True).click()
    page.get_by_role("region", name="Record a measure").get_by_role("link", name="PHQ-9").click()

    page.get_by_role("button", name="Save").click()  # nothing answered: refused, item named
    expect(page.get_by_role("alert").filter(has_text="item 1")).to_be_visible()

    for number, answer in enumerate(PHQ9, start=1):
        group = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        group.get_by_label(answer, exact=True).check()
    screenshot(page, "phq9-form")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Urgent alert raised (Suicide risk (PHQ-9 item 9))")).to_be_visible()
    alerts = page.get_by_role("region", name="Alerts to acknowledge")
    expect(alerts).to_be_visible()
    screenshot(page, "measures-alert")

    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_text("1 open alert")).to_be_visible()
    page.get_by_role("link", name=participant.display_name).click()
    page.get_by_role("link", name="Measures", exact=True).click()

    form = page.get_by_role("form", name="Acknowledge: Suicide risk (PHQ-9 item 9)")
    form.get_by_label("Action taken").select_option(label="Safety plan completed or reviewed")
    form.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()
    expect(page.get_by_role("region", name="Alerts to acknowledge")).to_have_count(0)
    alert = ClinicalAlert.objects.get()
    assert (alert.acknowledged_by, alert.action_taken) == (clinician, "safety_plan")
    page.close()
