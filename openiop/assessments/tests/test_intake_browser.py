"""An intake in a real browser (Debian's chromium), by labels and roles: a referral on the
intake board is screened with a PHQ-9 that raises an alert, the alert is acknowledged, the
dimensional assessment suggests a level, and the participant is admitted."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.assessments.models import ClinicalAlert, DimensionalAssessment
from openiop.participants.models import EpisodeStatus
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory

pytestmark = pytest.mark.browser
PHQ9 = ["More than half the days"] * 3 + ["Several days"] * 6  # item 9: several days
RATINGS = {1: "0", 2: "1", 3: "2", 4: "2", 5: "1", 6: "0"}


def test_intake_screen_alert_assess_admit(browser, live_server, clinician, program, password):
    referral = EpisodeFactory(
        program=program, referred_on=datetime.date.today() - datetime.timedelta(days=4)
    )
    CareTeamMemberFactory(episode=referral, user=clinician)
    name = referral.participant.display_name
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(clinician.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Intake", exact=True).click()
    row = page.get_by_role("row").filter(has_text=name)
    expect(row.get_by_role("cell", name="4", exact=True)).to_be_visible()  # days waiting
    row.get_by_role("link", name=f"Screen {name}").click()

    page.get_by_role("link", name="PHQ-9", exact=True).click()
    for number, answer in enumerate(PHQ9, start=1):
        page.get_by_role("group", name=re.compile(rf"^{number}\. ")).get_by_label(
            answer, exact=True
        ).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Alerts to acknowledge")).to_be_visible()
    form = page.get_by_role("form", name="Acknowledge: Suicide risk (PHQ-9 item 9)")
    form.get_by_label("Action taken").select_option(label="Safety plan completed or reviewed")
    form.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged.")).to_be_visible()

    page.get_by_role("link", name="Intake", exact=True).click()
    page.get_by_role("row").filter(has_text=name).get_by_role("link", name=f"Assess {name}").click()
    for number, rating in RATINGS.items():
        page.get_by_role("group", name=re.compile(rf"^{number}\. ")).get_by_label(
            rating, exact=True
        ).check()
    page.get_by_role("button", name="Preview suggestion").click()
    expect(page.get_by_role("status")).to_contain_text("2.1 Intensive outpatient")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("Assessment recorded.")).to_be_visible()

    page.get_by_role("link", name="Intake", exact=True).click()
    screenshot(page, "intake-board")
    page.get_by_role("row").filter(has_text=name).get_by_role("link", name=f"Admit {name}").click()
    page.get_by_label("Primary clinician").select_option(label=str(clinician))
    page.get_by_role("button", name="Admit").click()
    expect(page.get_by_text(f"{name} is admitted.")).to_be_visible()

    referral.refresh_from_db()
    assert referral.status == EpisodeStatus.ACTIVE
    assert ClinicalAlert.objects.get().action_taken == "safety_plan"
    assert DimensionalAssessment.objects.get().chosen_level == "2.1"
    page.close()
