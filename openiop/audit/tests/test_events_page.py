"""AUD-7: the audit trail page filters by time, user, participant, action and outcome, and sorts."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditOutcome, DataCategory
from openiop.audit.tests.factories import AuditEventFactory
from openiop.participants.tests.factories import ParticipantFactory

NEW_YORK = ZoneInfo("America/New_York")
URL = reverse("audit:events")


@pytest.fixture(autouse=True)
def clinic_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


def shown(response) -> list[int]:
    return [event.pk for event in response.context["events"]]


def test_auditor_sees_events_newest_first_with_their_columns(auditor_client, participant):
    older = AuditEventFactory(
        occurred_at=datetime(2024, 5, 1, 12, tzinfo=UTC), actor_email="first@example.org"
    )
    newer = AuditEventFactory(
        occurred_at=datetime(2024, 5, 2, 12, tzinfo=UTC),
        actor_email="second@example.org",
        action=AuditAction.PARTICIPANT_UPDATED,
        outcome=AuditOutcome.DENIED,
        category=DataCategory.SUD_RECORD,
        participant=participant,
        target_type="participants.participant",
        target_id=str(participant.public_id),
        ip_address="198.51.100.7",
    )

    response = auditor_client.get(URL)

    assert response.status_code == 200
    assert shown(response) == [newer.pk, older.pk]
    assert response.context["nav"] == "audit"
    html = response.content.decode()
    for text in (
        "second@example.org",
        "Participant details changed",
        "Denied",
        "SUD treatment record (42 CFR Part 2)",
        participant.mrn,
        "participants.participant",
        str(participant.public_id),
        "198.51.100.7",
        "2024-05-02 08:00:00",  # shown in the clinic's time zone (EDT)
        'class="table-responsive"',
    ):
        assert text in html
    # the navigation ("Change password") may hold a short name: look at the page body
    assert participant.legal_last_name not in html[html.index("<main") :]


def test_every_filter_input_has_a_label(auditor_client):
    response = auditor_client.get(URL)

    html = response.content.decode()
    for field in response.context["form"]:
        assert f'<label class="form-label" for="{field.id_for_label}">' in html


def test_filter_by_actor_email_is_a_case_insensitive_contains(auditor_client):
    match = AuditEventFactory(actor_email="Jordan.Smith@example.org")
    AuditEventFactory(actor_email="alex@example.org")

    response = auditor_client.get(URL, {"actor_email": "jordan.SMITH"})

    assert shown(response) == [match.pk]


def test_filter_by_participant_mrn_is_exact(auditor_client):
    participant, other = ParticipantFactory(mrn="123456782"), ParticipantFactory(mrn="123456790")
    match = AuditEventFactory(participant=participant)
    AuditEventFactory(participant=other)
    AuditEventFactory(participant=None)

    assert shown(auditor_client.get(URL, {"participant_mrn": "123456782"})) == [match.pk]
    assert shown(auditor_client.get(URL, {"participant_mrn": "1234567"})) == []


def test_date_range_is_inclusive_whole_days_in_local_time(auditor_client):
    """10-11 March 2024 in New York (the clocks change on the 10th), not in UTC."""

    def at(*parts, tz=NEW_YORK):
        return AuditEventFactory(occurred_at=datetime(*parts, tzinfo=tz)).pk

    before = at(2024, 3, 9, 23, 59, 59)
    late_evening_before = at(2024, 3, 10, 3, 0, tz=UTC)  # 22:00 on the 9th in New York
    first = at(2024, 3, 10, 0, 0)
    last = at(2024, 3, 11, 23, 59, 59, 999999)
    late_evening_last = at(2024, 3, 12, 2, 0, tz=UTC)  # 22:00 on the 11th in New York
    after = at(2024, 3, 12, 0, 0)

    response = auditor_client.get(
        URL, {"date_from": "2024-03-10", "date_to": "2024-03-11", "action": "participant_viewed"}
    )

    assert sorted(shown(response)) == sorted([first, last, late_evening_last])
    assert before not in shown(response) and after not in shown(response)
    assert late_evening_before not in shown(response)


def test_open_ended_date_ranges(auditor_client):
    early = AuditEventFactory(occurred_at=datetime(2024, 1, 1, 12, tzinfo=NEW_YORK))
    late = AuditEventFactory(occurred_at=datetime(2024, 6, 1, 12, tzinfo=NEW_YORK))
    only_events = {"action": "participant_viewed"}

    assert shown(auditor_client.get(URL, {**only_events, "date_from": "2024-06-01"})) == [late.pk]
    assert shown(auditor_client.get(URL, {**only_events, "date_to": "2024-01-01"})) == [early.pk]


def test_filter_by_action_and_outcome(auditor_client):
    denied_login = AuditEventFactory(action=AuditAction.LOGIN, outcome=AuditOutcome.DENIED)
    allowed_login = AuditEventFactory(action=AuditAction.LOGIN)
    AuditEventFactory(action=AuditAction.LOGOUT, outcome=AuditOutcome.DENIED)

    assert sorted(shown(auditor_client.get(URL, {"action": "login"}))) == sorted(
        [denied_login.pk, allowed_login.pk]
    )
    assert shown(auditor_client.get(URL, {"action": "login", "outcome": "denied"})) == [
        denied_login.pk
    ]


def test_sort_oldest_first(auditor_client):
    start = datetime(2024, 5, 1, tzinfo=UTC)
    rows = [AuditEventFactory(occurred_at=start + timedelta(hours=hours)).pk for hours in (5, 1, 3)]
    only_these = {"action": "participant_viewed"}

    oldest_first = shown(auditor_client.get(URL, {**only_these, "sort": "oldest"}))
    newest_first = shown(auditor_client.get(URL, {**only_these, "sort": "newest"}))

    assert oldest_first == [rows[1], rows[2], rows[0]]
    assert newest_first == list(reversed(oldest_first))


def test_end_date_before_start_date_is_a_form_error_with_no_results(auditor_client):
    AuditEventFactory(occurred_at=datetime(2024, 3, 10, 12, tzinfo=NEW_YORK))

    response = auditor_client.get(URL, {"date_from": "2024-03-11", "date_to": "2024-03-09"})

    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == [
        "The end date cannot be before the start date."
    ]
    assert shown(response) == []
    html = response.content.decode()
    assert "The end date cannot be before the start date." in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "not-a-date"},
        {"date_to": "2024-02-30"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"action": "no_such_action"},
        {"outcome": "maybe"},
        {"sort": "sideways"},
        {"participant_mrn": "12345\x006789"},
        {"actor_email": "x" * 300},
    ],
)
def test_invalid_filter_input_shows_errors_and_nothing_else(auditor_client, query):
    AuditEventFactory()

    response = auditor_client.get(URL, query)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert shown(response) == []


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1", "1" * 40])
def test_odd_page_numbers_do_not_fail(auditor_client, page):
    AuditEventFactory()

    response = auditor_client.get(URL, {"page": page})

    assert response.status_code == 200
    assert len(shown(response)) == 1


def test_pages_of_fifty_keep_the_filter_in_their_links(auditor_client):
    AuditEventFactory.create_batch(55, action=AuditAction.PARTICIPANT_LISTED)
    AuditEventFactory.create_batch(3, action=AuditAction.LOGIN)
    query = {"action": "participant_listed"}

    first = auditor_client.get(URL, query)
    second = auditor_client.get(URL, {**query, "page": "2"})

    assert len(shown(first)) == 50
    assert len(shown(second)) == 5
    assert not set(shown(first)) & set(shown(second))
    assert "?action=participant_listed&amp;page=2" in first.content.decode()
    assert "?action=participant_listed&amp;page=1" in second.content.decode()
    assert "55 events" in first.content.decode()


def test_page_does_a_fixed_number_of_queries(auditor_client, django_assert_num_queries):
    def page_with(rows: int) -> None:
        for _ in range(rows):
            participant = ParticipantFactory()
            AuditEventFactory(participant=participant, target_id=str(participant.public_id))

    auditor_client.get(URL)  # the session's first request starts its clocks
    page_with(1)
    with django_assert_num_queries(QUERIES_PER_PAGE) as one_row:
        auditor_client.get(URL, {"action": "participant_viewed"})
    page_with(29)
    with django_assert_num_queries(QUERIES_PER_PAGE) as thirty_rows:
        response = auditor_client.get(URL, {"action": "participant_viewed"})

    assert len(shown(response)) == 30
    assert len(one_row.captured_queries) == len(thirty_rows.captured_queries)


# session, user, permissions (user + groups), audit row, count, page rows,
# session save (savepoint, update, release)
QUERIES_PER_PAGE = 10
