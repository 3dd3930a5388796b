"""Plan pages: access matrix (AZ-2) with the state afterwards, audit (AUD-1), the editor and
the due list through the browser's forms."""

import datetime

import pytest
import time_machine
from django.urls import get_resolver, reverse

from conftest import PERSONAS
from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory
from openiop.plans import services
from openiop.plans.models import PlanPolicy, PlanProblem, PlanVersion, ReviewRequest
from openiop.plans.tests.helpers import signed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(episode, clinician):
    return signed_plan(episode, clinician)


@pytest.fixture
def draft(signed, episode, clinician):
    """A review draft of the signed plan."""
    return services.plan_start(episode=episode, actor=clinician)


# Personas in conftest.PERSONAS order: anonymous, director, clinician (care team), counselor
# (not on the team), front desk, billing, auditor, other clinician, participant, family.
# fmt: off
MATRIX = {
    "plans:plan":           ("get",  "participant", (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:version":        ("get",  "signed",      (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:print":          ("get",  "signed",      (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:edit":           ("get",  "draft",       (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:start":          ("post", "participant", (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:request_review": ("post", "participant", (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:part_add":       ("post", "draft",       (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:part_save":      ("post", "draft",       (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:part_delete":    ("post", "draft",       (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:sign":           ("post", "draft",       (302, 400, 400, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:cosign":         ("post", "signed",      (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "plans:due":            ("get",  None,          (302, 200, 200, 200, 403, 403, 403, 200, 403, 403)),  # noqa: E501
    "plans:policy":         ("get",  None,          (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
}
# fmt: on
WRITES = {"plans:start", "plans:request_review", "plans:part_add", "plans:part_save"}


def _problem(version):
    return PlanProblem.objects.get(plan_version=version)


def _request(client, route, obj, draft):
    method = MATRIX[route][0]
    if obj is None:
        return client.get(reverse(route))
    if route.startswith("plans:part_"):
        problem = _problem(draft)
        if route == "plans:part_add":
            url = reverse(route, args=[draft.public_id, "problem"])
            data = {"new-problem-dimension": "5", "new-problem-statement": "No safe housing"}
        else:
            url = reverse(route, args=[draft.public_id, "problem", problem.public_id])
            prefix = f"problem-{problem.pk}"
            data = {
                f"{prefix}-dimension": "4",
                f"{prefix}-statement": "Reworded",
                f"{prefix}-expected_version": str(problem.version),
            }
        return client.post(url, data)
    url = reverse(route, args=[obj.public_id])
    if route == "plans:request_review":
        return client.post(url, {"reason": "Missed three groups"})
    return client.get(url) if method == "get" else client.post(url)


@pytest.mark.parametrize(
    ("route", "persona", "expected"),
    [
        pytest.param(route, persona, statuses[i], id=f"{route.split(':')[1]}-{persona}")
        for route, (_m, _o, statuses) in MATRIX.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(client, as_persona, request, route, persona, expected, draft, signed):
    obj_name = MATRIX[route][1]
    obj = request.getfixturevalue(obj_name) if obj_name else None
    as_persona(persona)
    response = _request(client, route, obj, draft)
    assert response.status_code == expected
    allowed = expected in (200, 302) and persona != "anonymous"
    problems = list(
        PlanProblem.objects.filter(plan_version=draft).values_list("statement", flat=True)
    )
    changed_draft = allowed and route in ("plans:part_add", "plans:part_save", "plans:part_delete")
    assert (problems != ["Drinks daily to cope with stress"]) is changed_draft
    assert ReviewRequest.objects.exists() is (allowed and route == "plans:request_review")
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.DRAFT
    assert not hasattr(signed, "cosignature") or signed.cosignature is None


def test_every_plans_route_is_in_the_matrix():
    reverse_dict = get_resolver().namespace_dict["plans"][1].reverse_dict
    assert {f"plans:{n}" for n in reverse_dict if isinstance(n, str)} == set(MATRIX)


@pytest.mark.parametrize("route", ["plans:plan", "plans:version", "plans:print", "plans:edit"])
def test_every_plan_page_writes_an_audit_row(client, director, participant, draft, signed, route):
    obj = {"plans:plan": participant, "plans:edit": draft}.get(route, signed)
    client.force_login(director)
    before = AuditEvent.objects.filter(participant=participant).count()
    assert client.get(reverse(route, args=[obj.public_id])).status_code == 200
    event = AuditEvent.objects.filter(participant=participant).latest("id")
    assert AuditEvent.objects.filter(participant=participant).count() == before + 1
    assert (event.actor, event.action) == (director, AuditAction.PARTICIPANT_VIEWED)


def test_another_programs_version_is_404_and_the_denial_is_audited(client, other_clinician, signed):
    client.force_login(other_clinician)
    assert client.get(reverse("plans:version", args=[signed.public_id])).status_code == 404
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.outcome, event.participant) == (
        AuditAction.ACCESS_DENIED,
        "denied",
        signed.participant,
    )


def test_writing_and_signing_a_plan_through_the_pages(client, clinician, participant):
    client.force_login(clinician)
    response = client.post(reverse("plans:start", args=[participant.public_id]))
    version = PlanVersion.objects.get()
    assert response.url == reverse("plans:edit", args=[version.public_id])
    edit = reverse("plans:part_add", args=[version.public_id, "problem"])
    client.post(
        edit, {"new-problem-dimension": "4", "new-problem-statement": "Cocaine on weekends"}
    )
    problem = PlanProblem.objects.get()
    client.post(
        reverse("plans:part_add", args=[version.public_id, "goal"]),
        {"parent": problem.public_id, f"new-goal-{problem.pk}-statement": "Be there for my son"},
    )
    goal = problem.goals.get()
    target = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    client.post(
        reverse("plans:part_add", args=[version.public_id, "objective"]),
        {
            "parent": goal.public_id,
            f"new-objective-{goal.pk}-description": "Name 3 triggers and a plan for each",
            f"new-objective-{goal.pk}-target_on": target,
            f"new-objective-{goal.pk}-status": "not_started",
        },
    )
    client.post(
        reverse("plans:part_add", args=[version.public_id, "intervention"]),
        {
            "parent": problem.public_id,
            f"new-intervention-{problem.pk}-modality": "cbt",
            f"new-intervention-{problem.pk}-frequency": "weekly",
            f"new-intervention-{problem.pk}-responsible": clinician.pk,
        },
    )
    version.refresh_from_db()
    response = client.post(
        reverse("plans:sign", args=[version.public_id]),
        {
            "agreement_method": "attested",
            "agreement_on": datetime.date.today().isoformat(),
            "confirm": "on",
            "expected_version": version.version,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Plan signed. It is the plan in force." in page
    assert "Be there for my son" in page and "Name 3 triggers and a plan for each" in page
    version.refresh_from_db()
    assert version.is_signed and version.agreement_method == "attested"


def test_a_bad_objective_keeps_what_was_typed_and_names_the_problem(client, clinician, draft):
    client.force_login(clinician)
    goal = draft.goals.get()
    response = client.post(
        reverse("plans:part_add", args=[draft.public_id, "objective"]),
        {
            "parent": goal.public_id,
            f"new-objective-{goal.pk}-description": "Call my sponsor daily",
            f"new-objective-{goal.pk}-target_on": "not a date",
            f"new-objective-{goal.pk}-status": "not_started",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert "Call my sponsor daily" in page
    assert draft.objectives.count() == 1


def test_signing_an_incomplete_review_lists_what_is_missing(client, clinician, draft):
    client.force_login(clinician)
    response = client.post(
        reverse("plans:sign", args=[draft.public_id]),
        {
            "agreement_method": "signed",
            "agreement_on": datetime.date.today().isoformat(),
            "confirm": "on",
            "expected_version": draft.version,
        },
    )
    assert response.status_code == 400
    assert "A review says what changed and why." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_due_list_with_controlled_dates(client, program, clinician, participant):
    """Admitted on the 1st: initial plan due on the 8th; signed on the 5th, review due on the
    4th of next month, shown from 7 days before; overdue after."""
    episode = participant.episodes.get()
    episode.referred_on = episode.admitted_on = datetime.date(2026, 3, 1)
    episode.save()
    due_url = reverse("plans:due")

    def due_page():
        client.force_login(clinician)  # a fresh session: time travel idles the old one out
        return client.get(due_url).content.decode()

    with time_machine.travel(datetime.datetime(2026, 3, 2, 12), tick=False):
        page = due_page()
        assert "Initial plan" in page and "2026-03-08" in page and "due soon" in page
    with time_machine.travel(datetime.datetime(2026, 3, 9, 12), tick=False):
        assert "overdue" in due_page()
    with time_machine.travel(datetime.datetime(2026, 3, 5, 12), tick=False):
        signed_plan(episode, clinician)
    with time_machine.travel(datetime.datetime(2026, 3, 27, 12), tick=False):
        assert "No plan is due or overdue." in due_page()
    with time_machine.travel(datetime.datetime(2026, 3, 28, 12), tick=False):
        page = due_page()
        assert "Plan review" in page and "2026-04-04" in page and "due soon" in page
    with time_machine.travel(datetime.datetime(2026, 4, 5, 12), tick=False):
        assert "overdue" in due_page()
    PlanPolicy.objects.create(program=program, review_interval_days=60)
    with time_machine.travel(datetime.datetime(2026, 4, 5, 12), tick=False):
        assert "No plan is due or overdue." in due_page()


def test_due_list_shows_only_my_caseload_and_is_audited(client, program, clinician, participant):
    EpisodeFactory(program=program, active=True)  # someone else's, same program
    client.force_login(clinician)
    response = client.get(reverse("plans:due"))
    assert [row.episode.participant for row in response.context["rows"]] == [participant]
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=participant, actor=clinician
    ).exists()


def test_due_list_query_count_does_not_grow_with_rows(
    client, program, clinician, django_assert_num_queries
):
    for _ in range(5):
        episode = EpisodeFactory(program=program, active=True)
        CareTeamMemberFactory(episode=episode, user=clinician)
    client.force_login(clinician)
    client.get(reverse("plans:due"))  # warm the session
    with django_assert_num_queries(11):
        response = client.get(reverse("plans:due"))
    assert len(response.context["rows"]) == 5


def test_counselor_plan_shows_on_the_supervisors_list_and_is_cosigned(
    client, episode, counselor, clinician
):
    CareTeamMemberFactory(episode=episode, user=counselor, role="counselor")
    version = signed_plan(episode, counselor)
    client.force_login(clinician)
    page = client.get(reverse("plans:due")).content.decode()
    assert "Plans to co-sign" in page
    response = client.post(reverse("plans:cosign", args=[version.public_id]), follow=True)
    assert "Plan co-signed." in response.content.decode()
    assert "Co-signed by" in response.content.decode()


def test_policy_page_validates_and_saves(client, director, program):
    client.force_login(director)
    url = reverse("plans:policy")
    response = client.post(
        url, {"initial_plan_days": "0", "review_interval_days": "30", "due_soon_days": "7"}
    )
    assert response.status_code == 400
    assert "Give a number of days from 1 to 365." in response.content.decode()
    assert not PlanPolicy.objects.exists()
    response = client.post(
        url, {"initial_plan_days": "14", "review_interval_days": "90", "due_soon_days": "10"}
    )
    assert response.status_code == 302
    policy = PlanPolicy.objects.get(program=program)
    assert (policy.initial_plan_days, policy.review_interval_days) == (14, 90)
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_POLICY_CHANGED).exists()
