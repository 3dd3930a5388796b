"""The intake board: referral -> screening -> assessment -> decision."""

import datetime

import pytest
from django.urls import reverse

from openiop.assessments import services
from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory

TODAY = datetime.date(2026, 11, 23)
LOW = {1: 0, 2: 1, 3: 2, 4: 2, 5: 1, 6: 0}


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 15, 0), tick=False)


def _referral(program, clinician, days_ago, **kwargs):
    episode = EpisodeFactory(
        program=program, referred_on=TODAY - datetime.timedelta(days=days_ago), **kwargs
    )
    CareTeamMemberFactory(episode=episode, user=clinician)
    return episode


def test_referrals_are_listed_longest_waiting_first_with_their_progress(
    client, clinician, program, episode
):
    recent = _referral(program, clinician, 2)
    waiting = _referral(program, clinician, 12, status="wait_listed")
    services.administration_submit(
        actor=clinician,
        participant=waiting.participant,
        episode=waiting,
        instrument="phq9",
        answers=[1] * 8 + [0],
        administered_on=TODAY - datetime.timedelta(days=10),
    )
    services.dimensional_assessment_record(
        actor=clinician,
        participant=waiting.participant,
        episode=waiting,
        assessed_on=TODAY - datetime.timedelta(days=9),
        ratings=LOW,
    )
    client.force_login(clinician)
    html = client.get(reverse("assessments:intake")).content.decode()
    assert html.index(waiting.participant.display_name) < html.index(
        recent.participant.display_name
    )
    assert episode.participant.display_name not in html  # already admitted
    assert "Wait-listed" in html and ">12<" in html
    assert "PHQ-9" in html and "2.1 Intensive outpatient" in html
    assert reverse("participants:admit", args=[waiting.public_id]) in html
    assert reverse("assessments:measures", args=[recent.participant.public_id]) in html
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=recent.participant
    ).exists()


def test_the_intake_board_keeps_a_fixed_query_count(
    client, clinician, program, django_assert_num_queries
):
    client.force_login(clinician)
    for days in (1, 2):
        _referral(program, clinician, days)
    client.get(reverse("assessments:intake"))
    with django_assert_num_queries(11):
        client.get(reverse("assessments:intake"))
    for days in range(3, 12):
        _referral(program, clinician, days)
    with django_assert_num_queries(11):
        page = client.get(reverse("assessments:intake")).content.decode()
    assert page.count('data-label="Days waiting"') == 11  # one row per referral
