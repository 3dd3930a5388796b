"""Drug-testing pages: access matrix (AZ-2) with the state afterwards, audit (AUD-1), and the
collection desk's journey through the forms."""

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from conftest import PERSONAS
from openiop.audit.models import AuditAction, AuditEvent
from openiop.drugtests import services
from openiop.drugtests.models import (
    Collection,
    DrugTestAlert,
    LabMessage,
    Medication,
    Panel,
    TestingPolicy,
    TestOrder,
    TestResult,
)
from openiop.drugtests.tests.conftest import hl7_message
from openiop.drugtests.tests.helpers import buprenorphine, collected, screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(program, episode, clinician, director, urine_panel):
    """A medication, an order waiting for collection, a positive screen with its follow-up,
    and a laboratory message waiting in the queue."""
    medication = buprenorphine(episode, clinician)
    waiting = services.test_order(
        episode=episode,
        actor=clinician,
        panel=urine_panel,
        reason="scheduled",
        due_on=timezone.localdate(),
    )
    collection = collected(episode, urine_panel, clinician)
    screen(collection, clinician, COC="positive")
    queued, _created = services.lab_import(
        raw=hl7_message("southpath_lf.hl7", MRN="NOBODY", ACC="X"), actor=director, program=program
    )
    return {
        "participant": episode.participant,
        "medication": medication,
        "order": waiting,
        "collection": collection,
        "alert": DrugTestAlert.objects.get(kind="notify_clinician"),
        "message": queued,
        "panel": urine_panel,
    }


DENIED_CHART = (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)
WRITE_CHART = (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)
DIRECTOR_ONLY = (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)
# Personas in conftest.PERSONAS order: anonymous, director, clinician (care team), counselor
# (not on the team), front desk, billing, auditor, other clinician, participant, family.
# fmt: off
MATRIX = {
    "drugtests:chart":          ("get",  "participant", DENIED_CHART),
    "drugtests:order":          ("post", "participant", WRITE_CHART),
    "drugtests:medications":    ("get",  "participant", DENIED_CHART),
    "drugtests:medication_add": ("post", "participant", WRITE_CHART),
    "drugtests:stop":           ("post", "medication",  WRITE_CHART),
    "drugtests:collect":        ("get",  "order",       DENIED_CHART),
    "drugtests:cancel":         ("post", "order",       WRITE_CHART),
    "drugtests:results":        ("get",  "collection",  DENIED_CHART),
    "drugtests:ack":            ("post", "alert",       WRITE_CHART),
    "drugtests:worklist":       ("get",  None,          (302, 200, 200, 200, 403, 403, 403, 200, 403, 403)),  # noqa: E501
    "drugtests:random":         ("get",  None,          DIRECTOR_ONLY),
    "drugtests:lab":            ("get",  None,          DIRECTOR_ONLY),
    "drugtests:lab_message":    ("get",  "message",     DIRECTOR_ONLY),
    "drugtests:setup":          ("get",  None,          DIRECTOR_ONLY),
    "drugtests:panel_new":      ("get",  None,          DIRECTOR_ONLY),
    "drugtests:panel":          ("get",  "panel",       DIRECTOR_ONLY),
}
# fmt: on


def _post_data(route, world):
    today = timezone.localdate().isoformat()
    return {
        "drugtests:order": {"panel": world["panel"].pk, "reason": "scheduled", "due_on": today},
        "drugtests:medication_add": {
            "name": "Methadone 60 mg",
            "analyte_codes": "MTD",
            "started_on": today,
        },
        "drugtests:stop": {"ended_on": today, "expected_version": world["medication"].version},
    }.get(route, {})


def _state():
    return (
        list(TestOrder.objects.order_by("id").values_list("status", flat=True)),
        list(Medication.objects.order_by("id").values_list("name", "ended_on")),
        list(DrugTestAlert.objects.order_by("id").values_list("acknowledged_at", flat=True)),
        list(LabMessage.objects.values_list("status", flat=True)),
        Collection.objects.count(),
        TestResult.objects.count(),
        Panel.objects.count(),
        TestingPolicy.objects.count(),
    )


@pytest.mark.parametrize(
    ("route", "persona", "expected"),
    [
        pytest.param(route, persona, statuses[i], id=f"{route.split(':')[1]}-{persona}")
        for route, (_m, _o, statuses) in MATRIX.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(client, as_persona, world, route, persona, expected):
    method, obj_name, _statuses = MATRIX[route]
    obj = world[obj_name] if obj_name else None
    url = reverse(route, args=[obj.public_id]) if obj is not None else reverse(route)
    before = _state()
    as_persona(persona)
    response = client.get(url) if method == "get" else client.post(url, _post_data(route, world))
    assert response.status_code == expected
    changed = method == "post" and expected == 302 and persona != "anonymous"
    assert (_state() != before) is changed
    assert response.get("Cache-Control", "").find("no-store") != -1 or expected != 200


def test_every_drugtests_route_is_in_the_matrix():
    reverse_dict = get_resolver().namespace_dict["drugtests"][1].reverse_dict
    assert {f"drugtests:{n}" for n in reverse_dict if isinstance(n, str)} == set(MATRIX)


@pytest.mark.parametrize(
    ("route", "obj_name"),
    [
        ("drugtests:chart", "participant"),
        ("drugtests:medications", "participant"),
        ("drugtests:collect", "order"),
        ("drugtests:results", "collection"),
    ],
)
def test_every_chart_page_writes_an_audit_row(client, director, world, route, obj_name):
    participant = world["participant"]
    client.force_login(director)
    before = AuditEvent.objects.filter(participant=participant).count()
    assert client.get(reverse(route, args=[world[obj_name].public_id])).status_code == 200
    event = AuditEvent.objects.filter(participant=participant).latest("id")
    assert AuditEvent.objects.filter(participant=participant).count() == before + 1
    assert (event.actor, event.action, event.category) == (
        director,
        AuditAction.DRUG_TEST_VIEWED,
        "sud_record",
    )


def test_the_worklist_audits_each_participant_shown(client, director, world):
    client.force_login(director)
    response = client.get(reverse("drugtests:worklist"))
    assert response.status_code == 200
    assert world["participant"].display_name in response.content.decode()
    listed = AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=world["participant"], actor=director
    )
    assert listed.count() == 1


def test_a_queued_message_page_is_audited_and_another_programs_is_404(
    client, director, other_clinician, world, other_program
):
    client.force_login(director)
    assert (
        client.get(reverse("drugtests:lab_message", args=[world["message"].public_id])).status_code
        == 200
    )
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.target_id) == (
        AuditAction.DRUG_TEST_VIEWED,
        str(world["message"].public_id),
    )
    theirs, _created = services.lab_import(
        raw=hl7_message("northlab_cr.hl7", MRN="NOBODY", ACC="Y"),
        actor=director,
        program=other_program,
    )
    response = client.get(reverse("drugtests:lab_message", args=[theirs.public_id]))
    assert response.status_code == 404
    assert AuditEvent.objects.latest("id").outcome == "denied"


def test_another_programs_order_is_404_and_the_denial_is_audited(client, other_clinician, world):
    client.force_login(other_clinician)
    response = client.get(reverse("drugtests:collect", args=[world["order"].public_id]))
    assert response.status_code == 404
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.outcome, event.participant) == (
        AuditAction.ACCESS_DENIED,
        "denied",
        world["participant"],
    )


def test_the_chart_marks_expected_and_unexpected_results(client, clinician, episode, world):
    collection = collected(episode, world["panel"], clinician)
    screen(collection, clinician, BUP="positive", FEN="negative")
    client.force_login(clinician)
    page = client.get(reverse("drugtests:chart", args=[world["participant"].public_id]))
    text = page.content.decode()
    assert "Expected (prescribed)" in text and "Unexpected" in text
    assert "Drug test follow-up: unexpected positive" in text  # the chart header alert


def test_the_nurse_orders_nothing_but_collects_and_enters_results(client, nurse, world):
    client.force_login(nurse)
    participant = world["participant"]
    response = client.post(
        reverse("drugtests:order", args=[participant.public_id]),
        _post_data("drugtests:order", world),
    )
    assert response.status_code == 403
    response = client.post(
        reverse("drugtests:collect", args=[world["order"].public_id]),
        {
            "outcome": "collected",
            "specimen_type": "urine",
            "temperature_in_range": "yes",
            "validity": "normal",
        },
    )
    collection = Collection.objects.get(order=world["order"])
    assert response.url == reverse("drugtests:results", args=[collection.public_id])
    response = client.post(
        reverse("drugtests:results", args=[collection.public_id]),
        {"method": "screen", "outcome_BUP": "positive", "outcome_THC": "negative"},
    )
    assert response.status_code == 302
    assert dict(collection.results.values_list("analyte_code", "interpretation")) == {
        "BUP": "expected",
        "THC": "",
    }


def test_a_bad_results_form_is_shown_again_and_saves_nothing(client, clinician, world):
    client.force_login(clinician)
    collection = world["collection"]
    response = client.post(
        reverse("drugtests:results", args=[collection.public_id]),
        {"method": "screen", "value_THC": "lots"},
    )
    assert response.status_code == 400
    assert "Enter a number" in response.content.decode()
    assert collection.results.count() == 1


def test_a_refusal_through_the_desk_form_is_not_a_result(client, clinician, world):
    client.force_login(clinician)
    response = client.post(
        reverse("drugtests:collect", args=[world["order"].public_id]), {"outcome": "refused"}
    )
    assert response.status_code == 302
    world["order"].refresh_from_db()
    assert world["order"].status == "refused"
    assert not Collection.objects.get(order=world["order"]).results.exists()


def test_uploading_a_file_imports_it_and_a_second_upload_changes_nothing(
    client, director, world, participant
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(director)
    collection = collected(
        world["collection"].episode, world["panel"], director, accession="ACC-7", sent=True
    )
    raw = hl7_message("northlab_cr.hl7", MRN=participant.mrn, ACC="ACC-7")
    for _ in range(2):
        upload = SimpleUploadedFile("result.hl7", raw.encode())
        response = client.post(reverse("drugtests:lab"), {"file": upload})
        assert response.status_code == 302
    assert LabMessage.objects.filter(collection=collection).count() == 1
    assert collection.results.filter(method="confirmation").count() == 4


def test_the_director_saves_the_policy_and_a_panel(client, director, world, program):
    client.force_login(director)
    response = client.post(
        f"{reverse('drugtests:setup')}?program={program.public_id}",
        {
            "follow_up": "strict",
            "random_tests_per_week": "1.5",
            "max_days_untested": "10",
            "draw_weekdays": "0,2,4",
            "review_window_hours": "72",
        },
    )
    assert response.status_code == 302
    policy = TestingPolicy.objects.get(program=program)
    assert (policy.follow_up, policy.weekdays) == ("strict", [0, 2, 4])
    response = client.post(
        reverse("drugtests:panel", args=[world["panel"].public_id]),
        {
            "name": world["panel"].name,
            "specimen_type": "urine",
            "is_active": "on",
            "analytes": "FEN; Fentanyl; 2; 1; ng/mL\nNOPE; Bad; x",
        },
    )
    assert response.status_code == 400
    assert world["panel"].analytes.count() == 14  # nothing changed
    response = client.post(
        reverse("drugtests:panel", args=[world["panel"].public_id]),
        {
            "name": "Cup",
            "specimen_type": "urine",
            "is_active": "on",
            "analytes": "FEN; Fentanyl; 2; 1; ng/mL\nBUP; Buprenorphine; 10",
        },
    )
    assert response.status_code == 302
    assert list(world["panel"].analytes.values_list("code", "screen_cutoff")) == [
        ("FEN", 2),
        ("BUP", 10),
    ]


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_chart_and_the_worklist_do_not_grow_a_query_per_test(client, director, episode, world):
    client.force_login(director)
    chart = reverse("drugtests:chart", args=[world["participant"].public_id])
    worklist = reverse("drugtests:worklist")
    before = (_queries(client, chart), _queries(client, worklist))
    for _ in range(3):
        collection = collected(episode, world["panel"], director)
        screen(collection, director, COC="positive", THC="negative")
        services.test_order(
            episode=episode,
            actor=director,
            panel=world["panel"],
            reason="scheduled",
            due_on=timezone.localdate(),
        )
    assert (_queries(client, chart), _queries(client, worklist)) == before


def test_the_caseload_shows_open_drug_test_follow_ups(client, clinician, world):
    client.force_login(clinician)
    page = client.get(reverse("participants:caseload"))
    assert "1 drug test follow-up" in page.content.decode()


def test_only_directors_see_and_clear_the_strict_policys_flag(
    client, program, director, clinician, episode, world
):
    services.testing_policy_update(
        program=program,
        actor=director,
        expected_version=None,
        follow_up="strict",
        random_tests_per_week=1,
        max_days_untested=14,
        draw_weekdays="0,1,2,3,4",
        review_window_hours=72,
    )
    collection = collected(episode, world["panel"], clinician)
    screen(collection, clinician, OXY="positive")
    flag = DrugTestAlert.objects.get(kind="director_flag")
    client.force_login(clinician)
    chart = reverse("drugtests:chart", args=[world["participant"].public_id])
    assert "Flag for the program director" not in client.get(chart).content.decode()
    response = client.post(reverse("drugtests:ack", args=[flag.public_id]))
    assert response.status_code == 404
    assert AuditEvent.objects.latest("id").outcome == "denied"
    flag.refresh_from_db()
    assert flag.is_open
    client.force_login(director)
    assert "Flag for the program director" in client.get(chart).content.decode()
    client.post(reverse("drugtests:ack", args=[flag.public_id]))
    flag.refresh_from_db()
    assert flag.acknowledged_by == director


def test_a_recorded_test_is_not_collected_again(client, clinician, world):
    client.force_login(clinician)
    order = world["collection"].order
    response = client.get(reverse("drugtests:collect", args=[order.public_id]))
    assert response.url == reverse("drugtests:chart", args=[world["participant"].public_id])
    assert Collection.objects.filter(order=order).count() == 1


def test_order_and_collect_now_goes_straight_to_the_desk_form(client, clinician, world):
    client.force_login(clinician)
    data = {**_post_data("drugtests:order", world), "then": "collect"}
    response = client.post(reverse("drugtests:order", args=[world["participant"].public_id]), data)
    newest = TestOrder.objects.latest("id")
    assert response.url == reverse("drugtests:collect", args=[newest.public_id])


def test_a_message_of_no_known_program_is_shown_to_directors_only(
    client, director, program, episode
):
    from openiop.drugtests.tests.helpers import nurse_on_team

    nurse = nurse_on_team(program, episode)
    unknown, _created = services.lab_import(
        raw=hl7_message("southpath_lf.hl7", MRN="NOBODY", ACC="Z"), actor=None
    )
    url = reverse("drugtests:lab_message", args=[unknown.public_id])
    client.force_login(nurse)
    assert client.get(url).status_code == 404
    assert unknown.control_id not in client.get(reverse("drugtests:lab")).content.decode()
    client.force_login(director)
    assert client.get(url).status_code == 200
