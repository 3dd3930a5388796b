"""A clinician writes an aftercare plan, discharges a participant and signs the discharge
summary: in Debian's chromium, by labels and roles."""

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.discharge.models import AftercarePlan, Discharge

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _today():
    """Real time here: the live server and the browser share the real clock."""
    yield


def test_discharge_with_a_summary_and_an_aftercare_plan(
    browser, live_server, clinician, admitted, password
):
    participant = admitted.participant
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=participant.display_name).click()
    page.get_by_role("link", name="Step-down & discharge").click()

    page.get_by_role("link", name="Start the aftercare plan").click()
    form = page.get_by_role("form", name="Aftercare plan")
    form.get_by_label("Step-down level of care").select_option(label="1.0 Outpatient")
    form.get_by_label("Step-down provider").fill("Eastside Community Clinic")
    form.get_by_label("Mutual-help meetings").fill("SMART Recovery, Tuesdays 7 pm")
    form.get_by_label("Medication continuation (e.g. MOUD prescriber)").fill(
        "Naltrexone, Dr. Rivera"
    )
    form.get_by_role("button", name="Save aftercare plan").click()
    expect(page.get_by_text("Aftercare plan saved.")).to_be_visible()

    page.get_by_role("link", name="Discharge", exact=True).click()
    discharge = page.get_by_role("form", name="Discharge")
    discharge.get_by_label("Reason for discharge").select_option(label="Treatment completed")
    discharge.get_by_role("button", name="Discharge").click()
    expect(page.get_by_text("Discharged. Complete and sign the discharge summary.")).to_be_visible()

    summary = page.get_by_role("form", name="Summary text")
    summary.get_by_label("Diagnoses at discharge").fill("F10.20 Alcohol use disorder, severe")
    summary.get_by_label("Recommendations").fill("Weekly outpatient counseling; alumni group")
    summary.get_by_role("button", name="Save summary").click()
    expect(page.get_by_text("Summary saved.")).to_be_visible()
    screenshot(page, "discharge-summary-draft")

    page.get_by_label("I have reviewed this discharge summary and sign it.").check()
    page.get_by_role("button", name="Sign summary").click()
    expect(page.get_by_text("Discharge summary signed.")).to_be_visible()
    expect(page.get_by_role("region", name="Discharge summary Signed")).to_contain_text(
        "Weekly outpatient counseling; alumni group"
    )
    screenshot(page, "discharge-summary-signed")

    record = Discharge.objects.get()
    assert record.is_signed and record.reason == "completed"
    admitted.refresh_from_db()
    assert admitted.status == "discharged"
    assert AftercarePlan.objects.get().step_down_provider == "Eastside Community Clinic"
