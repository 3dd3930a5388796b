"""The auditor's journey in a real browser (Debian's chromium through Playwright), found by
labels and roles: sign in, filter the trail, page through it on a phone, export."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.audit.models import AuditAction, AuditEvent
from openiop.audit.tests.factories import AuditEventFactory

pytestmark = pytest.mark.browser


def _sign_in_to_the_audit_trail(page, live_server, auditor, password):
    page.goto(f"{live_server.url}/audit/")
    page.get_by_label("E-mail address").fill(auditor.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()


def test_auditor_filters_and_exports_the_trail_on_a_phone(
    browser, live_server, auditor, participant, password
):
    start = datetime(2024, 5, 1, 12, tzinfo=UTC)
    for minutes in range(60):
        AuditEventFactory(
            occurred_at=start + timedelta(minutes=minutes),
            actor_email="clinician@example.org",
            participant=participant,
            target_type="participants.participant",
            target_id=str(participant.public_id),
        )
    AuditEventFactory(actor_email="someone.else@example.org")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)

    _sign_in_to_the_audit_trail(page, live_server, auditor, password)
    page.get_by_label("Actor e-mail contains").fill("CLINICIAN@")
    page.get_by_label("Participant MRN").fill(participant.mrn)
    page.get_by_label("Sort").select_option(label="Oldest first")
    page.get_by_role("button", name="Apply filter").click()

    expect(page.get_by_text("60 events")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(1 + 50)
    expect(table.get_by_text("someone.else@example.org")).to_have_count(0)
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "audit-trail-phone")
    table.scroll_into_view_if_needed()
    screenshot(page, "audit-trail-phone-table")
    assert width <= 390

    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(1 + 10)
    expect(page.get_by_label("Participant MRN")).to_have_value(participant.mrn)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert download.value.suggested_filename.startswith("audit-")
    assert len(lines) == 1 + 60
    assert AuditEvent.objects.filter(action=AuditAction.AUDIT_EXPORTED).count() == 1
    context.close()


def test_an_impossible_date_range_is_explained_next_to_the_field(
    browser, live_server, auditor, password
):
    page = browser.new_page()
    page.set_default_timeout(10_000)
    _sign_in_to_the_audit_trail(page, live_server, auditor, password)

    page.get_by_label("From date").fill("2024-03-11")
    page.get_by_label("To date").fill("2024-03-09")
    page.get_by_role("button", name="Apply filter").click()

    to_date = page.get_by_label("To date")
    expect(to_date).to_have_attribute("aria-invalid", "true")
    expect(to_date).to_have_accessible_description("The end date cannot be before the start date.")
    expect(page.get_by_role("table")).to_have_count(0)
    page.close()
