"""Step-down and discharge pages: access matrix (AZ-2) with the state afterwards, audit
(AUD-1), and the main flows through the forms."""

import datetime

import pytest
from django.urls import get_resolver, reverse

from conftest import PERSONAS
from openiop.audit.models import AuditAction, AuditEvent
from openiop.discharge import services
from openiop.discharge.models import (
    AftercarePlan,
    AlumniEvent,
    AlumniMembership,
    Discharge,
    DischargeSettings,
    FollowUpContact,
    LevelOfCareChange,
    PhaseChange,
    ReceivedDocument,
    TransferIn,
)
from openiop.discharge.tests.conftest import ADMITTED, TODAY
from openiop.discharge.tests.helpers import assessment, attendance
from openiop.participants.models import EpisodeStatus
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def record(program, clinician):
    """A former participant on the clinician's caseload, discharged on 10 February with a draft
    summary ready to sign, in an alumni group."""
    episode = EpisodeFactory(
        program=program, active=True, primary_clinician=clinician, referred_on=D(2026, 1, 5)
    )
    CareTeamMemberFactory(episode=episode, user=clinician)
    discharge = services.episode_discharge(
        actor=clinician,
        episode=episode,
        version=episode.version,
        discharged_on=D(2026, 2, 10),
        reason="completed",
    )
    return services.discharge_summary_save(
        actor=clinician,
        discharge=discharge,
        version=discharge.version,
        diagnoses="F10.20",
        recommendations="Weekly OP",
    )


@pytest.fixture
def group(program, director):
    return services.alumni_group_create(actor=director, program=program, name="Evening alumni")


@pytest.fixture
def membership(group, record, director):
    return services.alumni_member_add(
        actor=director, group=group, participant=record.participant, joined_on=TODAY
    )


@pytest.fixture
def event(group, director):
    return services.alumni_event_create(actor=director, group=group, title="Picnic", held_on=TODAY)


@pytest.fixture
def transfer(admitted, clinician):
    return services.transfer_in_record(
        actor=clinician, episode=admitted, source="residential", facility="Hillside"
    )


@pytest.fixture
def aftercare(admitted, clinician):
    return services.aftercare_plan_save(
        actor=clinician, episode=admitted, version=None, mutual_help="AA Tuesdays"
    )


SEE = (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)
DECIDE_GET = (302, 200, 200, 403, 403, 403, 403, 404, 403, 403)
DECIDE_POST = (302, 302, 302, 403, 403, 403, 403, 404, 403, 403)
AFTERCARE_GET = (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)
LIST = (302, 200, 200, 403, 403, 403, 403, 200, 403, 403)
FOLLOWUP_LIST = (302, 200, 200, 200, 403, 403, 403, 200, 403, 403)
ALUMNI_LIST = (302, 200, 200, 200, 200, 403, 403, 200, 403, 403)
ALUMNI_GET = (302, 200, 200, 200, 200, 403, 403, 404, 403, 403)
ALUMNI_POST = (302, 302, 302, 302, 302, 403, 403, 404, 403, 403)
# fmt: off
MATRIX = {
    "discharge:chart":             ("get",  "participant", SEE),
    "discharge:readiness":         ("get",  "participant", SEE),
    "discharge:phase_change":      ("post", "participant", DECIDE_POST),
    "discharge:level_change":      ("get",  "participant", DECIDE_GET),
    "discharge:discharge":         ("get",  "participant", DECIDE_GET),
    "discharge:transfer_in":       ("get",  "participant", DECIDE_GET),
    "discharge:document_add":      ("post", "transfer",    DECIDE_POST),
    "discharge:aftercare":         ("get",  "participant", AFTERCARE_GET),
    "discharge:aftercare_print":   ("get",  "participant", SEE),
    "discharge:summary":           ("get",  "record",      SEE),
    "discharge:summary_save":      ("post", "record",      DECIDE_POST),
    "discharge:sign":              ("post", "record",      DECIDE_POST),
    "discharge:summary_print":     ("get",  "record",      SEE),
    "discharge:followup":          ("get",  "record",      AFTERCARE_GET),
    "discharge:review":            ("get",  None,          LIST),
    "discharge:followups":         ("get",  None,          FOLLOWUP_LIST),
    "discharge:alumni":            ("get",  None,          ALUMNI_LIST),
    "discharge:alumni_group":      ("get",  "group",       ALUMNI_GET),
    "discharge:alumni_member_add": ("post", "group",       ALUMNI_POST),
    "discharge:alumni_event_add":  ("post", "group",       ALUMNI_POST),
    "discharge:alumni_opt_in":     ("post", "membership",  (302, 302, 302, 404, 302, 403, 403, 404, 403, 403)),  # noqa: E501
    "discharge:alumni_attendance": ("get",  "event",       ALUMNI_GET),
    "discharge:settings":          ("get",  None,          (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
}
# fmt: on
POST_DATA = {
    "discharge:phase_change": lambda version: {
        "to_phase": "",  # filled in the test: the second phase
        "decided_on": TODAY.isoformat(),
        "reason": "Engaged and attending",
        "expected_version": version,
    },
}


def _state(participant, record):
    record.refresh_from_db()
    return {
        "phase_changes": PhaseChange.objects.count(),
        "documents": ReceivedDocument.objects.count(),
        "summary": (record.status, record.version),
        "members": AlumniMembership.objects.count(),
        "events": AlumniEvent.objects.count(),
        "opt_ins": AlumniMembership.objects.filter(has_portal_opt_in=True).count(),
    }


def _url(route, obj, record):
    if route == "discharge:followup":
        return reverse(route, args=[obj.public_id, 30])
    return reverse(route, args=[obj.public_id]) if obj is not None else reverse(route)


def _data(route, program, admitted, record, other):
    if route == "discharge:phase_change":
        return {
            "to_phase": program.phases.get(order=2).pk,
            "decided_on": TODAY.isoformat(),
            "reason": "Engaged and attending",
            "expected_version": admitted.version,
        }
    if route == "discharge:document_add":
        return {
            "kind": "discharge_summary",
            "received_from": "Hillside",
            "received_on": "2026-03-10",
        }
    if route == "discharge:summary_save":
        return {"recommendations": "Weekly OP and SMART", "expected_version": record.version}
    if route == "discharge:sign":
        return {"confirm": "on", "expected_version": record.version}
    if route == "discharge:alumni_member_add":
        return {"participant": other.participant.pk, "joined_on": TODAY.isoformat()}
    if route == "discharge:alumni_event_add":
        return {"title": "Reunion", "held_on": "2026-04-01"}
    if route == "discharge:alumni_opt_in":
        return {"has_portal_opt_in": "on"}
    return {}


@pytest.fixture
def other_former(program, director, clinician):
    """Someone else discharged from the program, to add to the alumni group."""
    episode = EpisodeFactory(
        program=program, active=True, referred_on=D(2026, 1, 5), primary_clinician=clinician
    )
    CareTeamMemberFactory(episode=episode, user=clinician)
    services.episode_discharge(
        actor=director,
        episode=episode,
        version=episode.version,
        discharged_on=D(2026, 2, 27),
        reason="completed",
    )
    return episode


@pytest.mark.parametrize(
    ("route", "persona", "expected"),
    [
        pytest.param(route, persona, statuses[i], id=f"{route.split(':')[1]}-{persona}")
        for route, (_m, _o, statuses) in MATRIX.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(
    client, as_persona, request, route, persona, expected, program, admitted, record
):
    method, obj_name, _statuses = MATRIX[route]
    other_former = None
    if route == "discharge:alumni_member_add":
        other_former = request.getfixturevalue("other_former")
    if route == "discharge:aftercare_print":
        request.getfixturevalue("aftercare")
    obj = request.getfixturevalue(obj_name) if obj_name else None
    before = _state(admitted.participant, record)
    as_persona(persona)
    url = _url(route, obj, record)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, _data(route, program, admitted, record, other_former))
    assert response.status_code == expected
    after = _state(admitted.participant, record)
    allowed = expected in (200, 302) and persona != "anonymous"
    changed = {key for key in before if before[key] != after[key]}
    writes = {
        "discharge:phase_change": {"phase_changes"},
        "discharge:document_add": {"documents"},
        "discharge:summary_save": {"summary"},
        "discharge:sign": {"summary"},
        "discharge:alumni_member_add": {"members"},
        "discharge:alumni_event_add": {"events"},
        "discharge:alumni_opt_in": {"opt_ins"},
    }
    expected_change = writes.get(route, set()) if allowed else set()
    if route == "discharge:alumni_member_add" and persona == "counselor":
        expected_change = set()  # no former participant in their scope: nobody to add
    assert changed == expected_change
    if route == "discharge:sign" and allowed:
        assert record.status == "signed"


def test_every_discharge_route_is_in_the_matrix():
    reverse_dict = get_resolver().namespace_dict["discharge"][1].reverse_dict
    assert {f"discharge:{n}" for n in reverse_dict if isinstance(n, str)} == set(MATRIX)


PAGES = [
    ("discharge:chart", "participant"),
    ("discharge:readiness", "participant"),
    ("discharge:level_change", "participant"),
    ("discharge:discharge", "participant"),
    ("discharge:transfer_in", "participant"),
    ("discharge:aftercare", "participant"),
    ("discharge:aftercare_print", "participant"),
    ("discharge:summary", "record"),
    ("discharge:summary_print", "record"),
    ("discharge:followup", "record"),
]


@pytest.mark.parametrize(("route", "obj_name"), PAGES)
def test_every_participant_page_writes_an_audit_row(
    client, request, director, admitted, aftercare, route, obj_name
):
    obj = request.getfixturevalue(obj_name)
    who = obj if obj_name == "participant" else obj.participant
    client.force_login(director)
    before = AuditEvent.objects.filter(participant=who).count()
    assert client.get(_url(route, obj, None)).status_code == 200
    assert AuditEvent.objects.filter(participant=who).count() == before + 1
    event = AuditEvent.objects.filter(participant=who).latest("id")
    assert (event.actor, event.action) == (director, AuditAction.PARTICIPANT_VIEWED)


@pytest.mark.parametrize("route", ["discharge:review", "discharge:followups"])
def test_worklists_audit_each_participant_shown(client, director, admitted, record, route):
    attendance(admitted, director, D(2026, 2, 2))  # 44 days without attendance
    client.force_login(director)
    with_dates = {
        "discharge:followups": record.participant,
        "discharge:review": admitted.participant,
    }
    page = client.get(reverse(route))
    assert with_dates[route].display_name in page.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=with_dates[route], actor=director
    ).exists()


def test_another_programs_discharge_is_404_and_audited(client, other_clinician, record):
    client.force_login(other_clinician)
    assert client.get(reverse("discharge:summary", args=[record.public_id])).status_code == 404
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.outcome, event.participant) == (
        AuditAction.ACCESS_DENIED,
        "denied",
        record.participant,
    )


def test_chart_shows_phase_weekly_target_and_decision_history(client, clinician, admitted, program):
    client.force_login(clinician)
    response = client.post(
        reverse("discharge:phase_change", args=[admitted.participant.public_id]),
        {
            "to_phase": program.phases.get(order=2).pk,
            "decided_on": "2026-03-16",
            "reason": "Four weeks at full attendance",
            "expected_version": admitted.version,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Moved to Early recovery." in page
    assert "Final phase: time to start the aftercare plan." in page
    assert "9.0 h" in page and "2026-03-16" in page
    assert "Four weeks at full attendance" in page and str(clinician) in page


def test_a_phase_change_without_a_reason_keeps_the_form_and_says_why(client, clinician, admitted):
    client.force_login(clinician)
    chart = client.get(reverse("discharge:chart", args=[admitted.participant.public_id]))
    assert "Final phase" not in chart.content.decode()
    response = client.post(
        reverse("discharge:phase_change", args=[admitted.participant.public_id]),
        {"to_phase": "", "decided_on": "2026-03-16", "reason": "", "expected_version": 1},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not PhaseChange.objects.exists()


def test_level_change_page_refuses_a_change_without_an_assessment(client, clinician, admitted):
    client.force_login(clinician)
    url = reverse("discharge:level_change", args=[admitted.participant.public_id])
    data = {
        "to_level": "1.0",
        "decided_on": TODAY.isoformat(),
        "reason": "Goals met",
        "expected_version": admitted.version,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "A level-of-care change needs the assessment behind it." in response.content.decode()
    behind = assessment(admitted, clinician, TODAY)
    response = client.post(url, {**data, "assessment": behind.pk}, follow=True)
    assert "Level-of-care decision recorded." in response.content.decode()
    assert LevelOfCareChange.objects.get().assessment == behind


def test_discharge_and_summary_through_the_pages(client, clinician, admitted):
    client.force_login(clinician)
    url = reverse("discharge:discharge", args=[admitted.participant.public_id])
    response = client.post(
        url, {"discharged_on": "2026-01-30", "reason": "completed", "expected_version": 1}
    )
    assert response.status_code == 400
    assert "before the admission on 2026-02-02" in response.content.decode()
    response = client.post(
        url, {"discharged_on": "2026-03-16", "reason": "", "expected_version": 1}
    )
    assert response.status_code == 400
    admitted.refresh_from_db()
    assert admitted.status == EpisodeStatus.ACTIVE
    attendance(admitted, clinician, ADMITTED, "present", 180)
    response = client.post(
        url,
        {
            "discharged_on": "2026-03-16",
            "reason": "completed",
            "expected_version": admitted.version,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Discharged. Complete and sign the discharge summary." in page
    assert "Give the diagnoses at discharge." in page
    record = Discharge.objects.get()
    client.post(
        reverse("discharge:summary_save", args=[record.public_id]),
        {"diagnoses": "F10.20", "recommendations": "Weekly OP", "expected_version": 1},
    )
    response = client.post(
        reverse("discharge:sign", args=[record.public_id]),
        {"confirm": "on", "expected_version": 2},
        follow=True,
    )
    page = response.content.decode()
    assert "Discharge summary signed." in page and "Save summary" not in page
    assert "F10.20" in page and "Weekly OP" in page
    record.refresh_from_db()
    assert record.is_signed and record.figures["sessions_attended"] == 1


def test_a_discharged_record_stays_readable(client, clinician, record):
    client.force_login(clinician)
    participant = record.participant
    page = client.get(reverse("discharge:chart", args=[participant.public_id])).content.decode()
    assert "Treatment completed" in page and "2026-02-10" in page
    assert client.get(reverse("plans:plan", args=[participant.public_id])).status_code == 200
    assert (
        client.get(reverse("participants:chart", args=[participant.public_id])).status_code == 200
    )


def test_aftercare_plan_through_the_page_and_printed(client, clinician, admitted):
    client.force_login(clinician)
    url = reverse("discharge:aftercare", args=[admitted.participant.public_id])
    assert "Pat Example" in client.get(url).content.decode()
    client.post(
        url,
        {
            "step_down_level": "1.0",
            "step_down_provider": "Community clinic",
            "mutual_help": "SMART Recovery",
            "emergency_contacts": "Pat Example 555-0101",
        },
    )
    plan = AftercarePlan.objects.get()
    assert plan.step_down_provider == "Community clinic"
    response = client.post(url, {"mutual_help": "Stale edit", "expected_version": plan.version - 1})
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    printed = client.get(
        reverse("discharge:aftercare_print", args=[admitted.participant.public_id])
    )
    assert "SMART Recovery" in printed.content.decode()


def test_followup_contact_through_the_page(client, clinician, record):
    client.force_login(clinician)
    url = reverse("discharge:followup", args=[record.public_id, 30])
    response = client.post(url, {"attempted_on": "2026-03-17", "result": "reached"})
    assert response.status_code == 400
    assert "Record this outcome." in response.content.decode()
    response = client.post(url, {"attempted_on": "2026-03-17", "result": "not_reached"})
    assert response.status_code == 302
    assert FollowUpContact.objects.get().result == "not_reached"


def test_transfer_in_with_documents(client, clinician, admitted):
    client.force_login(clinician)
    url = reverse("discharge:transfer_in", args=[admitted.participant.public_id])
    assert client.post(url, {"source": "", "facility": ""}).status_code == 400
    client.post(url, {"source": "detox", "facility": "County detox", "left_on": "2026-01-31"})
    transfer = TransferIn.objects.get()
    client.post(
        reverse("discharge:document_add", args=[transfer.public_id]),
        {"kind": "medication_list", "received_from": "County detox", "received_on": "2026-02-02"},
    )
    page = client.get(url).content.decode()
    assert "County detox" in page and "Medication list" in page


def test_settings_page_validates_followup_days(client, director, program):
    client.force_login(director)
    data = {
        "min_weeks_in_phase": 4,
        "min_attendance_percent": 80,
        "min_objectives_met_percent": 50,
        "inactivity_days": 30,
        "followup_days": "thirty",
    }
    response = client.post(reverse("discharge:settings"), data)
    assert response.status_code == 400
    assert "Give days after discharge as numbers" in response.content.decode()
    client.post(reverse("discharge:settings"), {**data, "followup_days": "30, 60"})
    assert DischargeSettings.objects.get(program=program).followup_days == "30, 60"
    assert AuditEvent.objects.filter(action=AuditAction.DISCHARGE_SETTINGS_CHANGED).exists()


def test_followup_worklist_query_count_does_not_grow(
    client, program, clinician, django_assert_num_queries
):
    for _ in range(4):
        episode = EpisodeFactory(program=program, active=True, referred_on=D(2026, 1, 5))
        CareTeamMemberFactory(episode=episode, user=clinician)
        services.episode_discharge(
            actor=clinician,
            episode=episode,
            version=episode.version,
            discharged_on=D(2026, 2, 10),
            reason="completed",
        )
    client.force_login(clinician)
    client.get(reverse("discharge:followups"))
    with django_assert_num_queries(11):
        response = client.get(reverse("discharge:followups"))
    assert len(response.context["rows"]) == 4


def test_readiness_page_shows_the_figures_and_the_missing_drug_test_data(
    client, clinician, admitted
):
    for day in (D(2026, 3, 9), D(2026, 3, 10), D(2026, 3, 12)):
        attendance(admitted, clinician, day, "present", 180)
    client.force_login(clinician)
    page = client.get(
        reverse("discharge:readiness", args=[admitted.participant.public_id])
    ).content.decode()
    # Engagement since admission (6 weeks); last 4 complete weeks: 9 of 48 hours
    assert "19%" in page and "9 of 48 h" in page
    assert "No drug-test data" in page
    assert "The figures do not suggest a step-down yet." in page


def test_a_transfer_through_the_level_page(client, clinician, admitted, outpatient):
    behind = assessment(admitted, clinician, TODAY)
    client.force_login(clinician)
    response = client.post(
        reverse("discharge:level_change", args=[admitted.participant.public_id]),
        {
            "to_level": "1.0",
            "assessment": behind.pk,
            "decided_on": TODAY.isoformat(),
            "reason": "Goals of IOP met",
            "target_program": outpatient.pk,
            "expected_version": admitted.version,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Transferred to Outpatient: discharged here and admitted there." in page
    admitted.refresh_from_db()
    assert admitted.status == EpisodeStatus.DISCHARGED
    assert admitted.participant.episodes.get(program=outpatient).status == EpisodeStatus.ACTIVE


def test_alumni_event_attendance_through_the_page(client, director, event, membership):
    client.force_login(director)
    url = reverse("discharge:alumni_attendance", args=[event.public_id])
    assert membership.participant.display_name in client.get(url).content.decode()
    client.post(url, {"attended": [str(membership.public_id)]})
    assert list(event.attendees.all()) == [membership]
    assert AuditEvent.objects.filter(
        action=AuditAction.ALUMNI_CHANGED, participant=membership.participant
    ).exists()
    client.post(url, {})
    assert not event.attendees.exists()


def test_review_list_query_count_does_not_grow(client, program, director):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(rows):
        while EpisodeFactory._meta.model.objects.filter(program=program).count() < rows:
            EpisodeFactory(program=program, active=True, referred_on=D(2026, 1, 5))
        client.force_login(director)
        client.get(reverse("discharge:review"))
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("discharge:review"))
        assert len(response.context["rows"]) == rows
        return len(context)

    assert queries(1) == queries(4) == 10


def test_alumni_members_outside_my_caseload_are_counted_not_named(
    client, clinician, group, membership, program, director
):
    stranger = EpisodeFactory(program=program, active=True, referred_on=D(2026, 1, 5))
    services.episode_discharge(
        actor=director,
        episode=stranger,
        version=stranger.version,
        discharged_on=D(2026, 2, 20),
        reason="completed",
    )
    services.alumni_member_add(
        actor=director, group=group, participant=stranger.participant, joined_on=TODAY
    )
    client.force_login(clinician)
    page = client.get(reverse("discharge:alumni_group", args=[group.public_id])).content.decode()
    assert membership.participant.display_name in page
    assert stranger.participant.display_name not in page
    assert "1 other member outside your caseload." in page
