"""Every portal URL tried by every kind of visitor (issue 7, AZ-3/AZ-4, P2-3): only the owner,
and consented family for what the consent covers, get through; everyone else gets 404 (or
the sign-in page when anonymous), nothing changes, and the refusal is audited."""

import pytest
from django.urls import get_resolver, reverse

from openiop.assessments.models import Administration
from openiop.audit.models import AuditAction, AuditEvent, AuditOutcome
from openiop.participants.models import PortalAccount
from openiop.recovery.models import CheckIn, JournalEntry, RelapsePreventionPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(participant, episode):
    return JournalEntry.objects.create(
        participant=participant, episode=episode, title="Day one", body="Private words"
    )


# route -> method, what a valid request sends; the owner's expected status
PAGES = {
    "portal:today": ("get", None, 200),
    "portal:schedule": ("get", None, 200),
    "portal:calendar_link": ("post", {}, 200),
    "portal:check_in": (
        "post",
        {"mood": "6", "craving": "2", "hours_slept": "7", "use": "no", "self_harm_thoughts": "no"},
        200,
    ),
    "portal:questionnaires": ("get", None, 200),
    "portal:questionnaire": ("post", {f"item_{n}": "0" for n in range(1, 10)}, 302),
    "portal:goals": ("get", None, 200),
    "portal:journal": ("post", {"title": "New", "body": "Written today"}, 302),
    "portal:journal_entry": (
        "post",
        {"title": "Edited", "body": "Changed", "expected_version": "1"},
        302,
    ),
    "portal:relapse_plan": ("post", {"expected_version": "0", "triggers": "Payday"}, 302),
    "portal:resources": ("get", None, 200),
}
FAMILY_PAGE = "portal:family"
REFUSED = (
    "director",
    "clinician",
    "front_desk",
    "unlinked_family",
    "family_member",
    "revoked_family",
    "expired_family",
)


def _url(route, entry):
    if route == "portal:journal_entry":
        return reverse(route, args=[entry.public_id])
    if route == "portal:questionnaire":
        return reverse(route, args=["phq9"])
    return reverse(route)


def _state(participant):
    """The owner's records (what another visitor must never change)."""
    return (
        CheckIn.objects.filter(participant=participant).count(),
        sorted(
            JournalEntry.objects.filter(participant=participant).values_list("title", flat=True)
        ),
        RelapsePreventionPlan.objects.filter(participant=participant).count(),
        Administration.objects.filter(participant=participant).count(),
    )


@pytest.mark.parametrize("route", sorted(PAGES))
@pytest.mark.parametrize("persona", REFUSED)
def test_participant_pages_refuse_everyone_but_the_owner(
    client, request, participant, participant_user, entry, route, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    method, data, _expected = PAGES[route]
    before = _state(participant)
    denials = AuditEvent.objects.filter(actor=user, outcome=AuditOutcome.DENIED).count()

    response = getattr(client, method)(_url(route, entry), data or {})

    assert response.status_code == 404
    assert _state(participant) == before
    assert AuditEvent.objects.filter(actor=user, outcome=AuditOutcome.DENIED).count() == denials + 1


@pytest.mark.parametrize("route", sorted(PAGES))
def test_another_participant_only_ever_reaches_their_own_records(
    client, participant, participant_user, other_portal_user, other_participant, entry, route
):
    """Pages without an id show the visitor's own records; an id of someone else's is 404."""
    client.force_login(other_portal_user)
    method, data, expected = PAGES[route]
    before = _state(participant)

    response = getattr(client, method)(_url(route, entry), data or {})

    assert response.status_code == (404 if route == "portal:journal_entry" else expected)
    assert _state(participant) == before
    assert entry.body not in response.content.decode()
    event = AuditEvent.objects.filter(actor=other_portal_user).latest("id")
    assert event.participant in (participant, other_participant)
    if response.status_code != 404:
        assert event.participant == other_participant


@pytest.mark.parametrize("route", sorted(PAGES))
def test_the_owner_gets_through(client, participant, participant_user, entry, route):
    client.force_login(participant_user)
    method, data, expected = PAGES[route]

    response = getattr(client, method)(_url(route, entry), data or {})

    assert response.status_code == expected
    event = AuditEvent.objects.filter(actor=participant_user).latest("id")
    assert event.participant == participant
    assert event.outcome == AuditOutcome.ALLOWED


@pytest.mark.parametrize("route", sorted([*PAGES, FAMILY_PAGE]))
def test_anonymous_visitors_are_sent_to_sign_in(client, entry, route):
    method = PAGES.get(route, ("get",))[0]
    response = getattr(client, method)(_url(route, entry))
    assert response.status_code == 302
    assert "login" in response.url


def test_another_participants_journal_entry_is_404_and_audited(
    client, other_portal_user, entry, participant
):
    client.force_login(other_portal_user)
    response = client.get(reverse("portal:journal_entry", args=[entry.public_id]))
    assert response.status_code == 404
    denial = AuditEvent.objects.filter(actor=other_portal_user).latest("id")
    assert denial.action == AuditAction.ACCESS_DENIED
    assert denial.participant == participant
    assert "Private words" not in response.content.decode()


def test_an_unknown_entry_looks_like_someone_elses(
    client, participant_user, other_portal_user, entry
):
    import uuid

    client.force_login(participant_user)
    unknown = client.get(reverse("portal:journal_entry", args=[uuid.uuid4()]))
    client.force_login(other_portal_user)
    someone_elses = client.get(reverse("portal:journal_entry", args=[entry.public_id]))
    assert unknown.status_code == someone_elses.status_code == 404
    assert unknown.content == someone_elses.content


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("family_member", 200),
        ("narrow_family", 200),
        ("participant_user", 404),
        ("other_portal_user", 404),
        ("unlinked_family", 404),
        ("revoked_family", 404),
        ("expired_family", 404),
        ("director", 404),
        ("clinician", 404),
    ],
)
def test_family_page_only_for_family_with_an_active_consent(client, request, persona, expected):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse(FAMILY_PAGE))
    assert response.status_code == expected
    event = AuditEvent.objects.filter(actor=user).latest("id")
    if expected == 200:
        assert event.action == AuditAction.FAMILY_DISCLOSURE
        assert event.details["consent"] == str(
            PortalAccount.objects.get(user=user).consent.public_id
        )
    else:
        assert event.outcome == AuditOutcome.DENIED


def test_portal_urls_carry_no_sequential_ids():
    patterns = get_resolver().namespace_dict["portal"][1].url_patterns
    routes = [str(p.pattern) for p in patterns]
    assert not any("<int:" in route for route in routes)


def test_portal_accounts_hold_no_staff_permission(participant_user, family_member):
    for user in (participant_user, family_member):
        assert not user.get_all_permissions()


@pytest.mark.parametrize(
    "route",
    ["participants:caseload", "plans:due", "assessments:due", "recovery:settings"],
)
def test_portal_accounts_reach_no_staff_page(client, participant_user, route):
    client.force_login(participant_user)
    assert client.get(reverse(route)).status_code == 403


def test_portal_accounts_reach_no_staff_chart_page(
    client, participant_user, family_member, participant
):
    for user in (participant_user, family_member):
        client.force_login(user)
        for route in ("participants:chart", "recovery:check_ins", "recovery:portal_access"):
            response = client.get(reverse(route, args=[participant.public_id]))
            assert response.status_code in (403, 404), route


SIGN_IN_ROUTES = {"portal:login", "portal:logout", "portal:accept", "portal:home", "portal:verify"}
ACCOUNT_PAGES = {"portal:two_step"}  # tried by every persona in test_two_step.py
ALUMNI_PAGES = {"portal:alumni"}  # tried by every persona in test_alumni.py


def test_every_portal_route_is_tried_here():
    reverse_dict = get_resolver().namespace_dict["portal"][1].reverse_dict
    names = {f"portal:{n}" for n in reverse_dict if isinstance(n, str)}
    assert names == set(PAGES) | {FAMILY_PAGE} | SIGN_IN_ROUTES | ACCOUNT_PAGES | ALUMNI_PAGES


@pytest.mark.parametrize(
    ("persona", "lands_on"),
    [("participant_user", "portal:today"), ("family_member", "portal:family")],
)
def test_portal_home_sends_each_account_to_its_own_page(client, request, persona, lands_on):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("portal:home")).url == reverse(lands_on)


@pytest.mark.parametrize("persona", ["director", "unlinked_family"])
def test_portal_home_is_404_for_accounts_without_a_portal_link(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 404
    assert AuditEvent.objects.filter(actor=user, outcome=AuditOutcome.DENIED).exists()
