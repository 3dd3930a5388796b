"""The daily check-in: risk answers show crisis resources at once and raise alerts the care
team sees on the caseload and chart until acknowledged with the action taken."""

import pytest
from django.urls import reverse

from openiop.assessments.models import AlertAction, ClinicalAlert
from openiop.recovery import rules
from openiop.recovery.models import CheckIn, PortalSettings

pytestmark = pytest.mark.django_db

CALM = {"mood": "7", "craving": "2", "hours_slept": "7.5", "use": "no", "self_harm_thoughts": "no"}
CRISIS_TEXT = "Call or text 988"


def _check_in(client, **answers):
    return client.post(reverse("portal:check_in"), {**CALM, **answers})


def test_a_calm_check_in_is_saved_without_alarm(client, participant_user, participant):
    client.force_login(participant_user)
    response = _check_in(client, triggers=["Money worries"], note_to_counselor="Good week")

    assert response.status_code == 200
    assert CRISIS_TEXT not in response.content.decode()
    check_in = CheckIn.objects.get(participant=participant)
    assert (check_in.mood, check_in.craving, check_in.triggers) == (7, 2, ["Money worries"])
    assert check_in.risk_codes == []
    assert not ClinicalAlert.objects.exists()


@pytest.mark.parametrize(
    ("answers", "code", "severity"),
    [
        ({"craving": "8"}, rules.CRAVING_HIGH, "warning"),
        ({"use": "yes"}, rules.USE_REPORTED, "warning"),
        ({"self_harm_thoughts": "yes"}, rules.SELF_HARM, "urgent"),
    ],
)
def test_each_risk_answer_shows_crisis_help_and_alerts_the_team(
    client, participant_user, participant, answers, code, severity
):
    client.force_login(participant_user)
    response = _check_in(client, **answers)

    page = response.content.decode()
    assert CRISIS_TEXT in page
    assert "Your care team has been told" in page
    alert = ClinicalAlert.objects.get(participant=participant)
    assert (alert.code, alert.severity, alert.administration) == (code, severity, None)
    assert CheckIn.objects.get().alerts.get() == alert


def test_the_threshold_is_the_programs_setting(client, participant_user, participant, program):
    PortalSettings.objects.create(
        program=program, craving_alert_threshold=6, on_call_phone="555-0199"
    )
    client.force_login(participant_user)

    below = _check_in(client, craving="5")
    at = _check_in(client, craving="6")

    assert CRISIS_TEXT not in below.content.decode()
    assert "555-0199" in at.content.decode()
    assert ClinicalAlert.objects.filter(code=rules.CRAVING_HIGH).count() == 1


def test_not_saying_about_use_is_not_a_risk_answer(client, participant_user):
    client.force_login(participant_user)
    _check_in(client, use="not_saying")
    assert not ClinicalAlert.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"mood": "0"},
        {"mood": "11"},
        {"craving": "-1"},
        {"hours_slept": "25"},
        {"use": "maybe"},
        {"triggers": ["Made up"]},
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_saved(client, participant_user, bad):
    client.force_login(participant_user)
    response = _check_in(client, **bad)
    assert response.status_code == 400
    assert "Error:" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_alert_shows_on_the_caseload_and_chart_until_acknowledged(
    client, participant_user, clinician, participant
):
    client.force_login(participant_user)
    _check_in(client, use="yes")
    alert = ClinicalAlert.objects.get()

    client.force_login(clinician)
    caseload = client.get(reverse("participants:caseload")).content.decode()
    chart = client.get(reverse("recovery:check_ins", args=[participant.public_id])).content.decode()
    assert "1 check-in alert" in caseload
    assert "Use reported in a check-in" in chart

    response = client.post(
        reverse("recovery:acknowledge", args=[alert.public_id]),
        {"action_taken": AlertAction.CONTACTED, "note": "Called, safe"},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.action_taken) == (clinician, AlertAction.CONTACTED)
    assert "check-in alert" not in client.get(reverse("participants:caseload")).content.decode()


def test_acknowledging_needs_the_action_taken(client, participant_user, clinician):
    client.force_login(participant_user)
    _check_in(client, use="yes")
    alert = ClinicalAlert.objects.get()
    client.force_login(clinician)
    client.post(reverse("recovery:acknowledge", args=[alert.public_id]), {"note": "?"})
    alert.refresh_from_db()
    assert alert.is_open


def test_other_teams_do_not_see_the_alert(client, participant_user, other_clinician):
    client.force_login(participant_user)
    _check_in(client, use="yes")
    alert = ClinicalAlert.objects.get()
    client.force_login(other_clinician)
    assert "check-in alert" not in client.get(reverse("participants:caseload")).content.decode()
    response = client.post(
        reverse("recovery:acknowledge", args=[alert.public_id]),
        {"action_taken": AlertAction.CONTACTED},
    )
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.is_open


def test_today_asks_for_the_check_in_until_it_is_done(client, participant_user):
    client.force_login(participant_user)
    assert "Do today's check-in" in client.get(reverse("portal:today")).content.decode()
    _check_in(client)
    assert "Do today's check-in" not in client.get(reverse("portal:today")).content.decode()
