"""Report pages: access matrix (AZ-2) with the audit state afterwards, scope (a clinician's own
caseload, never another program), the filter's messages, CSV exports with and without
identifying fields, and a pinned query count for the dashboard."""

import csv
import datetime
import io
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from conftest import PERSONAS
from openiop.audit.models import AuditAction, AuditEvent
from openiop.discharge import services as discharge_services
from openiop.participants.tests.factories import (
    CareTeamMemberFactory,
    EpisodeFactory,
    ParticipantFactory,
)
from openiop.reports import selectors
from openiop.scheduling.models import Track

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 3, 18)  # a Wednesday: the default range is 22 December 2025 to 15 March 2026
RANGE = {"start": "2026-01-05", "end": "2026-03-15"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 12), tick=False):
        yield


def _admit(program, *, on, clinician=None, participant=None):
    fields = {"participant": participant} if participant is not None else {}
    episode = EpisodeFactory(
        program=program,
        active=True,
        referred_on=on,
        admitted_on=on,
        primary_clinician=clinician,
        **fields,
    )
    if clinician is not None:
        CareTeamMemberFactory(episode=episode, user=clinician)
    return episode


@pytest.fixture
def caseload(program, clinician, director, other_program, other_clinician):
    """Two episodes in the program (the clinician's, the director's), one in another."""
    return {
        "mine": _admit(program, on=D(2026, 2, 2), clinician=clinician),
        "theirs": _admit(program, on=D(2026, 2, 9), clinician=director),
        "elsewhere": _admit(other_program, on=D(2026, 2, 16), clinician=other_clinician),
    }


def _csv(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _census(client, **query) -> dict[str, str]:
    response = client.get(reverse("reports:export", args=["census"]), {**RANGE, **query})
    assert response.status_code == 200
    (row,) = _csv(response)
    return row


# ----------------------------------------------------------------------------- access matrix

ANY_REPORTS = (302, 200, 200, 200, 403, 403, 200, 200, 403, 403)
IDENTIFIED = (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)
PROGRAM_ONLY = (302, 200, 403, 403, 403, 403, 200, 403, 403, 403)
# route -> (URL arguments, query, audit action written when allowed, statuses per persona)
# fmt: off
MATRIX = {
    "reports:dashboard":  ((),              {},                    AuditAction.REPORT_VIEWED,   ANY_REPORTS),  # noqa: E501
    "reports:print":      ((),              {},                    AuditAction.REPORT_VIEWED,   ANY_REPORTS),  # noqa: E501
    "reports:clinicians": ((),              {},                    AuditAction.REPORT_VIEWED,   ANY_REPORTS),  # noqa: E501
    "reports:episodes":   ((),              {},                    AuditAction.REPORT_VIEWED,   IDENTIFIED),  # noqa: E501
    "reports:export":     (("census",),     {},                    AuditAction.REPORT_EXPORTED, ANY_REPORTS),  # noqa: E501
}
# More cases of the same routes: the episode list's CSV, identified or not.
VARIANTS = {
    "export-episodes":              ("reports:export", ("episodes",), {},                  AuditAction.REPORT_EXPORTED, IDENTIFIED),  # noqa: E501
    "export-episodes-deidentified": ("reports:export", ("episodes",), {"deidentified": 1}, AuditAction.REPORT_EXPORTED, PROGRAM_ONLY),  # noqa: E501
    "export-census-deidentified":   ("reports:export", ("census",),   {"deidentified": 1}, AuditAction.REPORT_EXPORTED, ANY_REPORTS),  # noqa: E501
}
# fmt: on
CASES = {route.split(":")[1]: (route, *spec) for route, spec in MATRIX.items()} | VARIANTS


@pytest.mark.parametrize(
    ("case", "persona", "expected"),
    [
        pytest.param(case, persona, spec[4][i], id=f"{case}-{persona}")
        for case, spec in CASES.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(client, as_persona, caseload, case, persona, expected):
    route, args, query, action, _statuses = CASES[case]
    user = as_persona(persona)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = client.get(reverse(route, args=args), query)

    assert response.status_code == expected
    written = AuditEvent.objects.exclude(pk__in=before)
    actions = set(written.values_list("action", flat=True))
    if expected == 200:
        assert action in actions
        assert written.filter(action=action, actor=user).exists()
    else:
        assert not actions & {AuditAction.REPORT_VIEWED, AuditAction.REPORT_EXPORTED}
    if expected == 403:
        assert written.filter(action=AuditAction.ACCESS_DENIED, actor=user).exists()


# Routes that are not reports (they write no report_viewed row): their access matrix, with the
# state afterwards, is in another file.
OTHER_MATRICES = {"reports:settings": "test_settings.py"}


def test_every_reports_route_is_in_the_matrix():
    reverse_dict = get_resolver().namespace_dict["reports"][1].reverse_dict
    routes = {f"reports:{n}" for n in reverse_dict if isinstance(n, str)}
    assert routes == set(MATRIX) | set(OTHER_MATRICES)


def test_the_reports_link_is_in_the_menu_of_those_who_may_see_reports(
    client, director, clinician, front_desk
):
    url = reverse("reports:dashboard")
    for user, shown in ((director, True), (clinician, True), (front_desk, False)):
        client.force_login(user)
        home = client.get(reverse("participants:caseload")).content.decode()
        assert (f'href="{url}"' in home) is shown, user


# ----------------------------------------------------------------------------- the dashboard


def test_the_dashboard_shows_every_table_with_its_chart_data_and_numbers(
    client, director, caseload
):
    client.force_login(director)

    response = client.get(reverse("reports:dashboard"), RANGE)

    page = response.content.decode()
    scope_tables = selectors.dashboard(response.context["scope"])
    assert [shown.table.key for shown in response.context["tables"]] == [
        table.key for table in scope_tables
    ]
    for table in scope_tables:
        assert f'id="{table.key}-title"' in page
        assert str(table.title) in page
        assert reverse("reports:export", args=[table.key]) in page
        if table.chart is not None:
            assert f'data-chart="chart-{table.key}"' in page
            assert f'<script id="chart-{table.key}" type="application/json">' in page
    assert "reports/charts.js" in page


def test_the_dashboard_is_audited_without_naming_a_participant(client, director, program, caseload):
    client.force_login(director)

    client.get(reverse("reports:dashboard"), RANGE)

    event = AuditEvent.objects.filter(action=AuditAction.REPORT_VIEWED).get()
    assert event.actor == director
    assert event.participant is None
    assert event.details["report"] == "dashboard"
    assert (event.details["start"], event.details["end"]) == ("2026-01-05", "2026-03-15")
    assert event.details["program_ids"] == [program.pk]
    assert not AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_LISTED).exists()


def test_the_default_range_is_the_last_twelve_full_weeks(client, director):
    client.force_login(director)

    scope = client.get(reverse("reports:dashboard")).context["scope"]

    assert (scope.start, scope.end) == (D(2025, 12, 22), D(2026, 3, 15))


def test_a_clinicians_dashboard_counts_only_their_caseload(client, director, clinician, caseload):
    client.force_login(director)
    assert _census(client)["Admitted"] == "2"

    client.force_login(clinician)
    assert _census(client)["Admitted"] == "1"
    page = client.get(reverse("reports:dashboard"), RANGE)
    assert page.context["scope"].clinician_id == clinician.pk
    census = next(shown.table for shown in page.context["tables"] if shown.table.key == "census")
    assert census.column_values("admitted") == [1]
    assert "Your own caseload only" in page.content.decode()


def test_another_programs_data_never_appears(
    client, director, other_clinician, other_program, caseload
):
    client.force_login(other_clinician)
    assert _census(client)["Admitted"] == "1"  # their own program's episode only

    client.force_login(director)
    assert _census(client)["Admitted"] == "2"  # not the other program's
    response = client.get(
        reverse("reports:dashboard"), {**RANGE, "program": other_program.public_id}
    )
    assert response.status_code == 200
    assert response.context["tables"] == []
    assert "Select a valid choice" in response.content.decode()
    export = client.get(
        reverse("reports:export", args=["census"]), {**RANGE, "program": other_program.public_id}
    )
    assert export.status_code == 400


def test_a_track_of_another_program_is_refused(client, director, other_program):
    track = Track.objects.create(program=other_program, name="Evening")
    client.force_login(director)

    response = client.get(reverse("reports:dashboard"), {**RANGE, "track": track.public_id})

    assert response.context["tables"] == []
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "The end date is before the start date."),
        (
            {"start": "2022-01-01", "end": "2026-03-01"},
            "A report covers at most 3 years: start on 2023-03-01 or later.",
        ),
        ({"start": "2026-03-01", "end": "2026-03-19"}, "The end date cannot be after today"),
        ({"start": "2026-02-30", "end": "2026-03-01"}, "Enter a valid date."),
        ({**RANGE, "program": str(uuid.uuid4())}, "Select a valid choice"),
        ({**RANGE, "site": "not-a-site"}, "Select a valid choice"),
    ],
)
def test_the_filter_explains_what_is_wrong_and_shows_no_figures(
    client, director, caseload, query, message
):
    client.force_login(director)

    response = client.get(reverse("reports:dashboard"), query)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Correct the filter to see the report." in page
    assert response.context["tables"] == []
    assert "data-chart=" not in page
    event = AuditEvent.objects.filter(action=AuditAction.REPORT_VIEWED).get()
    assert event.details["valid"] is False


def test_a_range_of_exactly_three_years_ending_today_is_accepted(client, director):
    client.force_login(director)

    response = client.get(
        reverse("reports:dashboard"), {"start": "2023-03-18", "end": "2026-03-18"}
    )

    assert response.context["form"].errors == {}
    assert response.context["tables"]


def test_the_print_view_has_every_table_and_no_navigation(client, director, caseload):
    client.force_login(director)

    response = client.get(reverse("reports:print"), RANGE)

    page = response.content.decode()
    assert 'aria-label="Main"' not in page
    assert "@media print" not in page  # in reports.css, not inline
    for table in selectors.dashboard(response.context["scope"]):
        assert str(table.title) in page
    assert AuditEvent.objects.get(action=AuditAction.REPORT_VIEWED).details["report"] == "print"


# ----------------------------------------------------------------------------- exports


def test_a_csv_has_the_column_labels_as_header_and_is_audited(client, director, caseload):
    client.force_login(director)
    table = selectors.table(_scope(client), "census_weekly")

    response = client.get(reverse("reports:export", args=["census_weekly"]), RANGE)

    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == [str(column.label) for column in table.columns]
    event = AuditEvent.objects.get(action=AuditAction.REPORT_EXPORTED)
    assert (event.details["key"], event.details["deidentified"]) == ("census_weekly", False)
    assert event.details["rows"] == len(table.rows) == 10


def _scope(client):
    return client.get(reverse("reports:dashboard"), RANGE).context["scope"]


def test_an_unknown_table_is_404(client, director):
    client.force_login(director)

    assert client.get(reverse("reports:export", args=["no_such_table"]), RANGE).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.REPORT_EXPORTED).exists()


def test_a_csv_cell_cannot_start_a_spreadsheet_formula():
    from openiop.reports.views.export import csv_cell

    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell(-3) == "-3"
    assert csv_cell(None) == ""


MARKERS = ("Zebulonia", "Xyloquistia", "1971-07-23", "555-0199", "moved-to-Ohio-marker")


@pytest.fixture
def marked(program, clinician, director):
    """A participant whose name, birth date, phone and discharge detail are markers; admitted
    on 2 February and discharged on 2 March (with free text)."""
    participant = ParticipantFactory(
        legal_first_name="Zebulonia",
        legal_last_name="Xyloquistia",
        preferred_name="Zeb",
        date_of_birth=D(1971, 7, 23),
        phone="555-0199",
        emergency_contact_phone="555-0198",
        email="zebulonia@example.org",
    )
    episode = _admit(program, on=D(2026, 2, 2), clinician=clinician, participant=participant)
    discharge_services.episode_discharge(
        actor=director,
        episode=episode,
        version=episode.version,
        discharged_on=D(2026, 3, 2),
        reason="completed",
        reason_detail="moved-to-Ohio-marker",
    )
    return participant


def _every_table_key():
    return [*selectors.DASHBOARD, "clinicians", "episodes"]


@pytest.mark.parametrize("key", _every_table_key())
def test_a_deidentified_csv_contains_no_identifying_field(client, director, marked, key):
    client.force_login(director)

    response = client.get(reverse("reports:export", args=[key]), {**RANGE, "deidentified": "1"})

    assert response.status_code == 200
    text = response.content.decode()
    for marker in (*MARKERS, str(marked.public_id), marked.mrn, "zebulonia@example.org"):
        assert marker not in text, (key, marker)
    assert not AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_LISTED).exists()


def test_the_identified_episode_list_names_the_participant_and_audits_it(client, director, marked):
    client.force_login(director)

    response = client.get(reverse("reports:export", args=["episodes"]), RANGE)

    text = response.content.decode()
    for marker in (*MARKERS, str(marked.public_id), marked.mrn):
        assert marker in text, marker
    listed = AuditEvent.objects.get(action=AuditAction.PARTICIPANT_LISTED)
    assert (listed.participant, listed.actor) == (marked, director)
    exported = AuditEvent.objects.get(action=AuditAction.REPORT_EXPORTED)
    assert exported.details["deidentified"] is False
    assert exported.details["participants"] == 1


def test_the_episode_list_page_names_participants_and_audits_each(client, director, marked):
    client.force_login(director)

    response = client.get(reverse("reports:episodes"), RANGE)

    assert "Xyloquistia" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=marked, actor=director
    ).exists()


def test_the_episode_list_pages_and_audits_only_the_page_shown(
    client, director, program, monkeypatch
):
    from openiop.reports.selectors import episodes as episode_selectors

    monkeypatch.setattr(episode_selectors, "PAGE_SIZE", 2)
    admitted = [
        _admit(program, on=D(2026, 2, day), participant=ParticipantFactory(legal_last_name=name))
        for day, name in ((2, "Aardvarkson"), (3, "Bittersby"), (4, "Cormorantly"))
    ]
    client.force_login(director)

    first = client.get(reverse("reports:episodes"), RANGE).content.decode()
    second = client.get(reverse("reports:episodes"), {**RANGE, "page": "2"}).content.decode()
    past_the_end = client.get(reverse("reports:episodes"), {**RANGE, "page": "9"})

    assert "Aardvarkson" in first and "Bittersby" in first and "Cormorantly" not in first
    assert "Page 1 of 2" in first and "3 episodes; 1 to 2 shown" in first
    assert "Cormorantly" in second and "Aardvarkson" not in second
    assert "page=2" in first and "start=2026-01-05" in first  # the filter stays in the links
    assert "Cormorantly" in past_the_end.content.decode()  # a page past the end: the last
    listed = AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_LISTED)
    # pages 1, 2 and the last again: each participant listed as often as shown
    assert sorted(e.participant.legal_last_name for e in listed) == [
        "Aardvarkson",
        "Bittersby",
        "Cormorantly",
        "Cormorantly",
    ]
    assert {e.participant_id for e in listed} <= {e.participant_id for e in admitted}


# ----------------------------------------------------------------------------- clinician report


def test_a_clinician_sees_only_their_own_row_in_the_clinician_report(
    client, director, clinician, counselor, caseload
):
    client.force_login(director)
    everyone = client.get(reverse("reports:clinicians"), RANGE).context["shown"].table

    client.force_login(clinician)
    own = client.get(reverse("reports:clinicians"), RANGE).context["shown"].table

    assert len(own.rows) == 1
    assert len(everyone.rows) > len(own.rows)
    assert own.rows[0] in everyone.rows


# ----------------------------------------------------------------------------- query count


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:dashboard"), RANGE).status_code == 200
    return len(queries)


def test_the_dashboard_runs_the_same_number_of_queries_whatever_the_data(
    client, director, program, clinician, django_assert_max_num_queries
):
    client.force_login(director)
    _admit(program, on=D(2026, 1, 12), clinician=clinician)
    small = _dashboard_queries(client)

    for week in range(8):
        episode = _admit(program, on=D(2026, 1, 5) + datetime.timedelta(weeks=week))
        if week % 2:
            discharge_services.episode_discharge(
                actor=director,
                episode=episode,
                version=episode.version,
                discharged_on=D(2026, 3, 9),
                reason="completed",
            )
    larger = _dashboard_queries(client)

    assert larger == small
    with django_assert_max_num_queries(small):
        client.get(reverse("reports:dashboard"), RANGE)


@pytest.mark.parametrize("route", ["reports:print", "reports:clinicians", "reports:episodes"])
def test_every_page_shows_filter_errors_instead_of_figures(client, director, caseload, route):
    client.force_login(director)

    response = client.get(reverse(route), {"start": "2026-03-01", "end": "2026-02-01"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The end date is before the start date." in page
    assert "<table" not in page
    assert not AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_LISTED).exists()


def test_an_export_with_a_wrong_filter_is_a_400_naming_the_problem(client, director):
    client.force_login(director)

    response = client.get(
        reverse("reports:export", args=["census"]), {"start": "2026-03-01", "end": "2026-02-01"}
    )

    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.REPORT_EXPORTED).exists()
