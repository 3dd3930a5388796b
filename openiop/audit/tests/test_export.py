"""AUD-7: the CSV export holds every row the filter selects (not one page), and nothing else."""

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditOutcome, DataCategory
from openiop.audit.tests.factories import AuditEventFactory
from openiop.participants.tests.factories import ParticipantFactory

URL = reverse("audit:export")
HEADER = [
    "Time (UTC)",
    "Actor e-mail",
    "Action code",
    "Action",
    "Outcome",
    "Data category",
    "Participant MRN",
    "Object type",
    "Object id",
    "IP address",
]


@pytest.fixture(autouse=True)
def clinic_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


def rows(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_export_is_a_csv_with_a_header_and_the_filtered_rows(auditor_client):
    participant = ParticipantFactory(mrn="123456782")
    match = AuditEventFactory(
        occurred_at=datetime(2024, 3, 10, 15, 4, 5, tzinfo=UTC),
        actor_email="clinician@example.org",
        action=AuditAction.PARTICIPANT_VIEWED,
        outcome=AuditOutcome.DENIED,
        category=DataCategory.SUD_RECORD,
        participant=participant,
        target_type="participants.participant",
        target_id=str(participant.public_id),
        ip_address="198.51.100.7",
    )
    AuditEventFactory(participant=ParticipantFactory(), actor_email="clinician@example.org")
    AuditEventFactory(participant=participant, actor_email="director@example.org")

    response = auditor_client.get(
        URL, {"actor_email": "clinician@", "participant_mrn": participant.mrn}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert rows(response) == [
        HEADER,
        [
            match.occurred_at.isoformat(),
            "clinician@example.org",
            "participant_viewed",
            "Participant record viewed",
            "Denied",
            "SUD treatment record (42 CFR Part 2)",
            "123456782",
            "participants.participant",
            str(participant.public_id),
            "198.51.100.7",
        ],
    ]


def test_export_holds_every_matching_row_not_one_page_in_the_chosen_order(auditor_client):
    events = AuditEventFactory.create_batch(120, action=AuditAction.PARTICIPANT_LISTED)
    AuditEventFactory.create_batch(5, action=AuditAction.LOGIN)

    newest = rows(auditor_client.get(URL, {"action": "participant_listed"}))
    oldest = rows(auditor_client.get(URL, {"action": "participant_listed", "sort": "oldest"}))

    assert len(newest) == 1 + 120
    assert {row[1] for row in newest[1:]} == {event.actor_email for event in events}
    assert oldest[1:] == list(reversed(newest[1:]))


def test_filename_carries_the_local_date_and_time(auditor_client):
    with time_machine.travel(
        datetime(2024, 7, 4, 9, 8, 7, tzinfo=ZoneInfo("America/New_York")), tick=False
    ):
        response = auditor_client.get(URL)

    assert response["Content-Disposition"] == 'attachment; filename="audit-20240704-090807.csv"'


def test_export_with_an_invalid_filter_holds_only_the_header(auditor_client):
    AuditEventFactory()

    response = auditor_client.get(URL, {"date_from": "2024-03-11", "date_to": "2024-03-09"})

    assert response.status_code == 200
    assert rows(response) == [HEADER]


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(auditor_client):
    """A failed sign-in records whatever was typed as the e-mail, so it is untrusted text."""
    AuditEventFactory(actor_email='=HYPERLINK("http://evil.example","x")')
    AuditEventFactory(actor_email="@SUM(A1)")

    exported = rows(auditor_client.get(URL, {"action": "participant_viewed"}))

    assert sorted(row[1] for row in exported[1:]) == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'@SUM(A1)",
    ]


def test_export_page_links_carry_the_filter(auditor_client):
    response = auditor_client.get(reverse("audit:events"), {"action": "login", "page": "1"})

    assert f'href="{URL}?action=login"' in response.content.decode()
