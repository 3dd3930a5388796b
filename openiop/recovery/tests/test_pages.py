"""Staff pages for check-ins, relapse-prevention plans, consents, invitations and portal
settings: access matrix (AZ-2) with the state afterwards, audit (AUD-1), the forms."""

import datetime

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from conftest import PERSONAS
from openiop.assessments.models import AlertAction, ClinicalAlert
from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.models import PartTwoConsent, PortalInvitation
from openiop.recovery import services
from openiop.recovery.models import PortalSettings, RelapsePreventionPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def check_in(participant, episode, clinician):
    return services.check_in_record(
        actor=clinician, episode=episode, mood=3, craving=9, hours_slept=4, use="no"
    )


@pytest.fixture
def alert(check_in):
    return check_in.alerts.get()


@pytest.fixture
def consent(participant, episode, clinician):
    today = timezone.localdate()
    return PartTwoConsent.objects.create(
        participant=participant,
        program=episode.program,
        recipient_name="Jordan Rivera",
        purpose="Support recovery",
        categories=["family_sessions"],
        expires_on=today + datetime.timedelta(days=90),
        right_to_revoke_explained=True,
        signature_name="Alex Doe",
        signed_on=today,
        recorded_by=clinician,
    )


def _consent_form():
    today = timezone.localdate()
    return {
        "recipient_name": "Casey Morgan",
        "recipient_relationship": "Parent",
        "purpose": "Family sessions",
        "categories": ["family_sessions", "attendance_summary"],
        "expires_on": (today + datetime.timedelta(days=60)).isoformat(),
        "right_to_revoke_explained": "on",
        "signature_name": "Alex Doe",
        "signed_on": today.isoformat(),
    }


# Personas in conftest.PERSONAS order: anonymous, director, clinician (care team), counselor
# (not on the team), front desk, billing, auditor, other clinician, participant, family.
# fmt: off
MATRIX = {
    "recovery:check_ins":     ("get",  "participant", None,                   (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "recovery:relapse_plan":  ("post", "participant", {"expected_version": "0", "triggers": "Payday"}, (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "recovery:acknowledge":   ("post", "alert",       {"action_taken": "contacted"}, (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "recovery:portal_access": ("get",  "participant", None,                   (302, 200, 200, 404, 200, 403, 403, 404, 403, 403)),  # noqa: E501
    "recovery:consent_add":   ("post", "participant", "consent_form",         (302, 302, 302, 404, 302, 403, 403, 404, 403, 403)),  # noqa: E501
    "recovery:consent_revoke": ("post", "consent",    {"expected_version": "1"}, (302, 302, 302, 404, 302, 403, 403, 404, 403, 403)),  # noqa: E501
    "recovery:invite":        ("post", "participant", {"full_name": "Alex Doe", "email": "alex@example.org"}, (302, 200, 200, 404, 200, 403, 403, 404, 403, 403)),  # noqa: E501
    "recovery:settings":      ("get",  None,          None,                   (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
    "recovery:two_step_off":  ("post", "portal_account", None,                (302, 302, 302, 404, 302, 403, 403, 404, 403, 403)),  # noqa: E501
}
# fmt: on


@pytest.fixture
def portal_account(participant, consent):
    """A family member's portal account under the consent, with two-step sign-in on."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from openiop.accounts.tests.factories import UserFactory
    from openiop.participants.models import PortalAccount

    user = UserFactory(email="portal.person@example.org")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return PortalAccount.objects.create(
        user=user, participant=participant, kind="family", consent=consent
    )


def _state(alert, consent):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    alert.refresh_from_db()
    consent.refresh_from_db()
    return {
        "two_step": TOTPDevice.objects.filter(confirmed=True).exists(),
        "plan": RelapsePreventionPlan.objects.exists(),
        "acknowledged": not alert.is_open,
        "consents": PartTwoConsent.objects.count(),
        "revoked": consent.revoked_at is not None,
        "invited": PortalInvitation.objects.exists(),
    }


CHANGES = {
    "recovery:relapse_plan": "plan",
    "recovery:acknowledge": "acknowledged",
    "recovery:consent_add": "consents",
    "recovery:consent_revoke": "revoked",
    "recovery:invite": "invited",
    "recovery:two_step_off": "two_step",
}


@pytest.mark.parametrize(
    ("route", "persona", "expected"),
    [
        pytest.param(route, persona, row[3][i], id=f"{route.split(':')[1]}-{persona}")
        for route, row in MATRIX.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(
    client, as_persona, request, route, persona, expected, alert, consent, portal_account
):
    method, obj_name, data, _statuses = MATRIX[route]
    obj = request.getfixturevalue(obj_name) if obj_name else None
    before = _state(alert, consent)
    as_persona(persona)
    url = reverse(route, args=[obj.public_id]) if obj else reverse(route)
    if data == "consent_form":
        data = _consent_form()
    response = client.get(url) if method == "get" else client.post(url, data or {})
    assert response.status_code == expected
    after = _state(alert, consent)
    allowed = expected in (200, 302) and persona != "anonymous"
    changed = {key for key in after if after[key] != before[key]}
    assert changed == ({CHANGES[route]} if allowed and route in CHANGES else set())


def test_every_recovery_route_is_in_the_matrix():
    reverse_dict = get_resolver().namespace_dict["recovery"][1].reverse_dict
    assert {f"recovery:{n}" for n in reverse_dict if isinstance(n, str)} == set(MATRIX)


@pytest.mark.parametrize("route", ["recovery:check_ins", "recovery:portal_access"])
def test_every_chart_page_writes_an_audit_row(client, director, participant, route):
    client.force_login(director)
    before = AuditEvent.objects.filter(participant=participant).count()
    assert client.get(reverse(route, args=[participant.public_id])).status_code == 200
    assert AuditEvent.objects.filter(participant=participant).count() == before + 1
    event = AuditEvent.objects.filter(participant=participant).latest("id")
    assert (event.actor, event.action) == (director, AuditAction.PARTICIPANT_VIEWED)


def test_denied_chart_page_is_audited(client, counselor, participant):
    client.force_login(counselor)
    client.get(reverse("recovery:check_ins", args=[participant.public_id]))
    event = AuditEvent.objects.filter(actor=counselor).latest("id")
    assert (event.action, event.participant) == (AuditAction.ACCESS_DENIED, participant)


def test_the_check_ins_tab_shows_the_trend_numbers(client, clinician, participant, check_in):
    client.force_login(clinician)
    page = client.get(reverse("recovery:check_ins", args=[participant.public_id])).content.decode()
    assert 'id="check-in-data"' in page
    assert "<td>3</td><td>9</td><td>4.0</td>" in page
    assert "High craving reported in a check-in" in page


def test_the_check_ins_tab_query_count_does_not_grow_with_check_ins(
    client, clinician, participant, episode, django_assert_max_num_queries
):
    for _n in range(5):
        services.check_in_record(
            actor=clinician, episode=episode, mood=5, craving=1, hours_slept=7, use="no"
        )
    client.force_login(clinician)
    with django_assert_max_num_queries(40):
        client.get(reverse("recovery:check_ins", args=[participant.public_id]))


@pytest.mark.parametrize(
    "blank",
    [
        "recipient_name",
        "purpose",
        "categories",
        "expires_on",
        "right_to_revoke_explained",
        "signature_name",
        "signed_on",
    ],
)
def test_a_consent_missing_an_element_is_not_recorded(client, clinician, participant, blank):
    client.force_login(clinician)
    data = _consent_form()
    data.pop(blank)
    response = client.post(reverse("recovery:consent_add", args=[participant.public_id]), data)
    assert response.status_code == 400
    assert not PartTwoConsent.objects.exists()


def test_a_consent_cannot_be_recorded_already_expired(client, clinician, participant):
    client.force_login(clinician)
    data = _consent_form() | {"expires_on": "2001-01-01", "signed_on": "2000-01-01"}
    response = client.post(reverse("recovery:consent_add", args=[participant.public_id]), data)
    assert response.status_code == 400
    assert "already passed" in response.content.decode()


def test_revoking_twice_with_a_stale_page_conflicts(client, clinician, consent):
    client.force_login(clinician)
    url = reverse("recovery:consent_revoke", args=[consent.public_id])
    client.post(url, {"expected_version": "1"})
    response = client.post(url, {"expected_version": "1"}, follow=True)
    assert "Someone else changed this record" in response.content.decode()


def test_the_invitation_link_is_shown_once(client, clinician, participant):
    client.force_login(clinician)
    response = client.post(
        reverse("recovery:invite", args=[participant.public_id]),
        {"full_name": "Alex Doe", "email": "alex@example.org"},
    )
    page = response.content.decode()
    assert "/portal/welcome/" in page
    again = client.get(reverse("recovery:portal_access", args=[participant.public_id]))
    assert "/portal/welcome/" not in again.content.decode()


def test_a_family_invitation_names_the_consent(client, clinician, participant, consent):
    client.force_login(clinician)
    client.post(
        reverse("recovery:invite", args=[participant.public_id]),
        {
            "full_name": "Jordan Rivera",
            "email": "jordan@example.org",
            "consent": str(consent.public_id),
        },
    )
    assert PortalInvitation.objects.get().consent == consent


def test_acknowledging_records_the_action(client, clinician, alert):
    client.force_login(clinician)
    client.post(
        reverse("recovery:acknowledge", args=[alert.public_id]),
        {"action_taken": AlertAction.SAFETY_PLAN, "note": "Reviewed"},
    )
    alert = ClinicalAlert.objects.get(pk=alert.pk)
    assert (alert.action_taken, alert.acknowledged_by) == (AlertAction.SAFETY_PLAN, clinician)
    assert AuditEvent.objects.filter(
        action=AuditAction.ALERT_ACKNOWLEDGED, actor=clinician
    ).exists()


def test_settings_save_and_refuse_script_links(client, director, program):
    client.force_login(director)
    data = {
        "crisis_line": "988",
        "on_call_phone": "555-0199",
        "craving_alert_threshold": "7",
        "video_link": "https://video.example.org/iop",
        "what_to_bring": "Workbook",
        "triggers": "Payday\nParties",
        "coping_skills": "Call a friend",
        "resources": "AA | https://www.aa.org",
        "expected_version": "0",
    }
    assert client.post(reverse("recovery:settings"), data).status_code == 302
    saved = PortalSettings.objects.get(program=program)
    assert (saved.craving_alert_threshold, saved.triggers) == (7, ["Payday", "Parties"])

    bad = data | {"resources": "Click | javascript:alert(1)", "expected_version": "1"}
    response = client.post(reverse("recovery:settings"), bad)
    assert response.status_code == 400
    assert PortalSettings.objects.get(program=program).resources == ["AA | https://www.aa.org"]

    stale = data | {"craving_alert_threshold": "9", "expected_version": "0"}
    assert client.post(reverse("recovery:settings"), stale).status_code == 400
    assert PortalSettings.objects.get(program=program).craving_alert_threshold == 7


def test_staff_edit_the_relapse_plan_with_optimistic_locking(client, clinician, participant):
    client.force_login(clinician)
    url = reverse("recovery:relapse_plan", args=[participant.public_id])
    client.post(url, {"expected_version": "0", "triggers": "Payday"})
    response = client.post(url, {"expected_version": "0", "triggers": "Overwrite"})
    assert response.status_code == 400
    assert RelapsePreventionPlan.objects.get().triggers == "Payday"


def test_staff_turn_off_a_lost_phones_two_step_sign_in(
    client, clinician, participant, portal_account
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(clinician)
    tab = reverse("recovery:portal_access", args=[participant.public_id])
    page = client.get(tab).content.decode()
    assert "two-step sign-in on" in page
    response = client.post(reverse("recovery:two_step_off", args=[portal_account.public_id]))
    assert response.url == tab
    assert not TOTPDevice.objects.filter(user=portal_account.user).exists()
    event = AuditEvent.objects.filter(action=AuditAction.PORTAL_TOTP_DISABLED).get()
    assert (event.actor, event.participant) == (clinician, participant)
    assert event.details == {"confirmed_with": "staff_reset"}
    assert "two-step sign-in on" not in client.get(tab).content.decode()
