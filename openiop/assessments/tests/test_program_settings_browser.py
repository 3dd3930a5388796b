"""In Debian's chromium, by labels and roles: the measures chart is shaded by band; a director
adds the program's own instrument from its definition file and puts it on the schedule."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import ARTIFACTS, screenshot
from openiop.assessments import selectors, services
from openiop.assessments.models import InstrumentDefinition

pytestmark = pytest.mark.browser
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "sleep_check.json"
# PHQ-9 totals every two weeks since admission: severe, then improving to mild.
PHQ9_HISTORY = ([3] * 7 + [0, 0], [2] * 8 + [0], [2] * 5 + [1] * 3 + [0], [1] * 7 + [0, 0])


def _sign_in(browser, live_server, user, password):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    return page


DRAWN = "() => typeof Chart !== 'undefined' && Chart.getChart(document.querySelector('canvas'))"
PIXEL = """([canvas, value]) => {
  const chart = Chart.getChart(canvas);
  const x = (chart.scales.x.getPixelForValue(0) + chart.scales.x.getPixelForValue(1)) / 2;
  const y = chart.scales.y.getPixelForValue(value);
  const ratio = canvas.width / canvas.clientWidth;
  const context = canvas.getContext("2d");
  return Array.from(context.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data);
}"""


def test_the_phq9_trend_is_shaded_by_band(
    browser, live_server, clinician, participant, episode, password
):
    today = datetime.date.today()
    episode.referred_on = episode.admitted_on = today - datetime.timedelta(days=42)
    episode.save()
    for index, answers in enumerate(PHQ9_HISTORY):
        services.administration_submit(
            actor=clinician,
            participant=participant,
            episode=episode,
            instrument="phq9",
            answers=answers,
            administered_on=episode.admitted_on + datetime.timedelta(days=14 * index),
        )
    page = _sign_in(browser, live_server, clinician, password)
    page.get_by_role("link", name=participant.display_name).click()
    page.get_by_role("link", name="Measures", exact=True).click()

    trend = page.get_by_role("region", name="PHQ-9")
    expect(trend.get_by_text("change from baseline: -14")).to_be_visible()
    expect(trend.get_by_text("clinically significant")).to_be_visible()
    expect(trend.get_by_text(re.compile(r"Bands: minimal 0.4 · mild 5.9"))).to_be_visible()
    canvas = trend.get_by_role("img", name=re.compile("PHQ-9 totals over time"))
    expect(canvas).to_be_visible()
    page.wait_for_function(DRAWN)
    handle = canvas.element_handle()
    red, green, _blue, alpha = page.evaluate(PIXEL, [handle, 2])  # inside "minimal"
    assert alpha > 0 and green > red, "the minimal band is shaded green"
    red, green, _blue, alpha = page.evaluate(PIXEL, [handle, 24])  # inside "severe"
    assert alpha > 0 and red > green, "the severe band is shaded red"
    screenshot(page, "measures-trend-bands")
    trend.screenshot(path=ARTIFACTS / "measures-trend-bands-card.png")
    page.close()


def test_a_director_adds_an_instrument_and_schedules_it(
    browser, live_server, director, clinician, participant, program, password
):
    page = _sign_in(browser, live_server, director, password)
    page.goto(live_server.url + reverse("assessments:instrument_settings"))
    page.get_by_role("link", name="Programs' own instruments").click()

    page.get_by_role("button", name="Check and add").click()  # no file: refused, explained
    expect(page.get_by_text("Choose the definition file to upload.")).to_be_visible()

    page.get_by_label("Program").select_option(label="Evening IOP")
    page.get_by_label("Definition file (JSON)").set_input_files(EXAMPLE)
    page.get_by_role("button", name="Check and add").click()
    expect(page.get_by_text("Sleep check (version 1) added to Evening IOP")).to_be_visible()
    expect(page.get_by_role("article", name="Sleep check · Evening IOP")).to_be_visible()
    screenshot(page, "own-instruments")

    page.get_by_role("link", name="Measurement schedule").click()
    schedule = page.get_by_role("form", name="Schedule for Evening IOP")
    schedule.get_by_label("Sleep check at intake").check()
    schedule.get_by_label("Sleep check every (days)").fill("0")
    schedule.get_by_role("button", name="Save schedule for Evening IOP").click()
    expect(page.get_by_text("At least 1 day.")).to_be_visible()
    schedule = page.get_by_role("form", name="Schedule for Evening IOP")
    schedule.get_by_label("Sleep check every (days)").fill("7")
    schedule.get_by_role("button", name="Save schedule for Evening IOP").click()
    expect(page.get_by_text("Schedule saved for Evening IOP.")).to_be_visible()
    expect(page.get_by_text("Program's own schedule")).to_be_visible()
    screenshot(page, "schedule-settings")
    page.close()

    assert InstrumentDefinition.objects.get().added_by == director
    due = {
        d.instrument: d for d in selectors.due_for(participant, datetime.date.today(), clinician)
    }
    assert (due["sleep_check"].name, due["sleep_check"].reason) == ("Sleep check", "at intake")
