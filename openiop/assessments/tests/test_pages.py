"""Measures pages: access matrix (AZ-2), audit (AUD-1), forms with bad input, alerts on the
chart and the caseload."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from conftest import PERSONAS
from openiop.assessments import services
from openiop.assessments.models import (
    Administration,
    ClinicalAlert,
    InstrumentDefinition,
    MeasurementSchedule,
)
from openiop.audit.models import AuditAction, AuditEvent

AT_RISK = [2, 2, 1, 2, 1, 1, 1, 1, 1]


@pytest.fixture
def administration(clinician, participant):
    return services.administration_submit(
        actor=clinician,
        participant=participant,
        episode=participant.episodes.get(),
        instrument="phq9",
        answers=AT_RISK,
        administered_on=datetime.date.today(),
    )


@pytest.fixture
def alert(administration):
    return ClinicalAlert.objects.get(administration=administration)


# Personas in conftest.PERSONAS order: anonymous, director, clinician (care team), counselor
# (not on the team), front desk, billing, auditor, other clinician, participant, family.
# fmt: off
MATRIX = {
    "assessments:measures":            ("get", "participant",    (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "assessments:record":              ("get", "participant",    (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "assessments:correct":             ("get", "administration", (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "assessments:acknowledge":         ("post", "alert",         (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "assessments:instrument_settings": ("get", None,             (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
    "assessments:due":                 ("get", None,             (302, 200, 200, 200, 403, 403, 403, 200, 403, 403)),  # noqa: E501
    "assessments:dimensional":         ("get", "participant",    (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "assessments:dimensional_new":     ("get", "participant",    (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "assessments:level_rules":         ("get", None,             (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
    "assessments:intake":              ("get", None,             (302, 200, 200, 403, 403, 403, 403, 200, 403, 403)),  # noqa: E501
    "assessments:schedule_settings":   ("get", None,             (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
    "assessments:own_instruments":     ("get", None,             (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
}
# Program settings changed by POST: the status, then whether the change was made.
WRITES = {
    "assessments:schedule_settings":   (302, 302, 403, 403, 403, 403, 403, 403, 403, 403),
    "assessments:own_instruments":     (302, 302, 403, 403, 403, 403, 403, 403, 403, 403),
}
# fmt: on


def _url(route, obj):
    if obj is None:
        return reverse(route)
    if route == "assessments:record":
        return reverse(route, args=[obj.public_id, "phq9"])
    return reverse(route, args=[obj.public_id])


@pytest.mark.parametrize(
    ("route", "persona", "expected"),
    [
        pytest.param(route, persona, statuses[i], id=f"{route.split(':')[1]}-{persona}")
        for route, (_m, _o, statuses) in MATRIX.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(client, as_persona, request, route, persona, expected, alert):
    method, obj_name, _statuses = MATRIX[route]
    url = _url(route, request.getfixturevalue(obj_name) if obj_name else None)
    as_persona(persona)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, {"action_taken": "safety_plan"})
    assert response.status_code == expected
    alert.refresh_from_db()
    assert alert.is_open is not (
        route == "assessments:acknowledge" and persona in ("director", "clinician")
    )


def _write_data(route, program):
    if route == "assessments:schedule_settings":
        prefix = str(program.public_id)
        data = {"program": prefix, f"{prefix}-version": "0"}
        for code in ("phq9", "gad7", "bam7", "pcl5", "cssrs", "audit", "auditc", "dast10", "bam"):
            data[f"{prefix}-condition_{code}"] = "always"
        data[f"{prefix}-at_intake_phq9"] = "on"
        data[f"{prefix}-every_days_phq9"] = "7"
        return data
    definition = {
        "code": "sleep_check",
        "name": "Sleep check",
        "recall_period": "Past 7 days",
        "citation": "Written by the program.",
        "licence": "No restrictions.",
        "items": [{"text": "Slept badly", "options": [[0, "No"], [1, "Yes"]]}],
        "bands": [[0, "none"], [1, "some"]],
    }
    upload = SimpleUploadedFile("sleep.json", json.dumps(definition).encode())
    return {"program": str(program.public_id), "definition": upload}


def _changed(route) -> bool:
    if route == "assessments:schedule_settings":
        return MeasurementSchedule.objects.exists()
    return InstrumentDefinition.objects.exists()


@pytest.mark.parametrize(
    ("route", "persona", "expected"),
    [
        pytest.param(route, persona, statuses[i], id=f"{route.split(':')[1]}-post-{persona}")
        for route, statuses in WRITES.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_only_a_director_changes_program_settings(
    client, as_persona, program, route, persona, expected
):
    user = as_persona(persona)
    response = client.post(reverse(route), _write_data(route, program))
    assert response.status_code == expected
    assert _changed(route) is (persona == "director")
    if expected == 403:
        denied = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
        assert (denied.actor, denied.outcome) == (user, "denied")


def test_every_assessments_route_is_in_the_matrix():
    reverse_dict = get_resolver().namespace_dict["assessments"][1].reverse_dict
    assert {f"assessments:{n}" for n in reverse_dict if isinstance(n, str)} == set(MATRIX)


@pytest.mark.parametrize(
    "route",
    [
        "assessments:measures",
        "assessments:record",
        "assessments:correct",
        "assessments:dimensional",
        "assessments:dimensional_new",
    ],
)
def test_every_measures_page_writes_an_audit_row(
    client, director, participant, administration, route
):
    obj = administration if route == "assessments:correct" else participant
    client.force_login(director)
    before = AuditEvent.objects.filter(participant=participant).count()
    assert client.get(_url(route, obj)).status_code == 200
    event = AuditEvent.objects.filter(participant=participant).latest("id")
    assert AuditEvent.objects.filter(participant=participant).count() == before + 1
    assert (event.actor, event.action) == (director, AuditAction.PARTICIPANT_VIEWED)


def _phq9_post(answers, **extra):
    data = {"administered_on": datetime.date.today().isoformat(), **extra}
    for index, value in enumerate(answers, start=1):
        if value is not None:
            data[f"item_{index}"] = str(value)
    return data


def test_recording_through_the_form_raises_the_alert_everywhere(client, clinician, participant):
    client.force_login(clinician)
    response = client.post(
        reverse("assessments:record", args=[participant.public_id, "phq9"]),
        _phq9_post(AT_RISK),
        follow=True,
    )
    page = response.content.decode()
    assert "Urgent alert raised (Suicide risk (PHQ-9 item 9))" in page
    assert "Alerts to acknowledge" in page
    assert Administration.objects.get().total == 12
    caseload = client.get(reverse("participants:caseload")).content.decode()
    assert "1 open alert" in caseload
    chart = client.get(reverse("participants:chart", args=[participant.public_id])).content.decode()
    assert "Urgent: Suicide risk (PHQ-9 item 9)" in chart


def test_an_unanswered_item_is_named_and_nothing_is_saved(client, clinician, participant):
    client.force_login(clinician)
    response = client.post(
        reverse("assessments:record", args=[participant.public_id, "phq9"]),
        _phq9_post([*AT_RISK[:4], None, *AT_RISK[5:]]),
    )
    assert response.status_code == 200
    assert "item 5" in response.content.decode()
    assert not Administration.objects.exists()


def test_an_unknown_instrument_is_a_404(client, clinician, participant):
    client.force_login(clinician)
    url = reverse("assessments:record", args=[participant.public_id, "nonsense"])
    assert client.get(url).status_code == 404


def test_front_desk_never_sees_clinical_alerts(client, front_desk, participant, alert):
    client.force_login(front_desk)
    chart = client.get(reverse("participants:chart", args=[participant.public_id])).content.decode()
    caseload = client.get(reverse("participants:caseload")).content.decode()
    assert "Suicide risk" not in chart
    assert "open alert" not in caseload
    assert "Measures" not in chart


def test_caseload_with_alerts_keeps_a_fixed_query_count(
    client, clinician, program, django_assert_num_queries
):
    from openiop.participants.tests.factories import EpisodeFactory

    def add(count):
        for _ in range(count):
            episode = EpisodeFactory(program=program, active=True, primary_clinician=clinician)
            episode.care_team.create(user=clinician, role="primary_therapist")
            services.administration_submit(
                actor=clinician,
                participant=episode.participant,
                episode=episode.participant.episodes.get(),
                instrument="phq9",
                answers=AT_RISK,
                administered_on=datetime.date.today(),
            )

    client.force_login(clinician)
    add(2)
    client.get(reverse("participants:caseload"))
    with django_assert_num_queries(15):
        client.get(reverse("participants:caseload"))
    add(10)
    with django_assert_num_queries(15):
        page = client.get(reverse("participants:caseload")).content.decode()
    assert page.count("1 open alert") == 12
