"""A director opens the reports, changes the date range and reads a chart and its numbers: in
Debian's chromium, by labels and roles."""

import datetime

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory

pytestmark = pytest.mark.browser


def test_a_director_reads_the_census_chart_and_its_table(
    browser, live_server, director, clinician, program, password
):
    today = datetime.date.today()
    for days_ago in (20, 9):  # real time: the live server and the browser share the clock
        admitted = today - datetime.timedelta(days=days_ago)
        episode = EpisodeFactory(
            program=program,
            active=True,
            referred_on=admitted,
            admitted_on=admitted,
            primary_clinician=clinician,
        )
        CareTeamMemberFactory(episode=episode, user=clinician)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(director.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Reports", exact=True).click()
    filter_form = page.get_by_role("form", name="Report filter")
    start = today - datetime.timedelta(days=27)
    filter_form.get_by_label("From").fill(start.isoformat())
    filter_form.get_by_label("To").fill(today.isoformat())
    filter_form.get_by_role("button", name="Show report").click()

    expect(page.get_by_text(f"to {today.isoformat()}, both included.")).to_be_visible()
    census = page.get_by_role("table", name="Census", exact=True)
    expect(census.get_by_role("columnheader", name="Admitted")).to_be_visible()
    expect(census.get_by_role("row").nth(1)).to_contain_text("2")
    chart = page.get_by_role("img", name="Census by week: chart")
    expect(chart).to_be_visible()
    assert page.evaluate(
        "(canvas) => Chart.getChart(canvas).data.datasets.length > 0", chart.element_handle()
    )
    weekly = page.get_by_role("table", name="Census by week")
    weeks = (today.toordinal() - today.weekday() - (start.toordinal() - start.weekday())) // 7 + 1
    expect(weekly.get_by_role("row")).to_have_count(1 + weeks)  # the header and each week
    screenshot(page, "reports-dashboard")
    page.close()
