"""The due list a clinician works from, with controlled dates."""

import datetime

import pytest
from django.urls import reverse

from openiop.assessments import selectors, services
from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.tests.factories import EpisodeFactory

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 15, 0), tick=False)


@pytest.fixture
def admitted(episode):
    """The cast's participant, admitted three weeks ago."""
    episode.referred_on = episode.admitted_on = TODAY - datetime.timedelta(days=21)
    episode.save()
    return episode


def _record(clinician, participant, code, answers, days_ago):
    return services.administration_submit(
        actor=clinician,
        participant=participant,
        episode=participant.episodes.get(),
        instrument=code,
        answers=answers,
        administered_on=TODAY - datetime.timedelta(days=days_ago),
    )


def _due(participant, user):
    return {d.instrument: d for d in selectors.due_for(participant, TODAY, user)}


def test_intake_measures_are_overdue_until_given(clinician, admitted, participant):
    due = _due(participant, clinician)
    assert set(due) == {"phq9", "gad7", "pcl5", "bam7"}  # C-SSRS is not enabled here
    assert due["phq9"].days_overdue(TODAY) == 21
    _record(clinician, participant, "phq9", [0] * 9, days_ago=3)
    assert _due(participant, clinician).get("phq9") is None  # next one in 11 days


def test_a_phq9_item_9_puts_a_cssrs_on_the_list_when_the_program_offers_it(
    director, clinician, admitted, participant, program
):
    services.instrument_enable(
        actor=director, program=program, instrument="cssrs", licence_acknowledged=True
    )
    services.administration_submit(
        actor=clinician,
        participant=participant,
        episode=participant.episodes.get(),
        instrument="cssrs",
        answers=[False, False, None, None, None, False],
        administered_on=TODAY - datetime.timedelta(days=21),
    )
    assert "cssrs" not in _due(participant, clinician)
    _record(clinician, participant, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1], days_ago=0)
    assert _due(participant, clinician)["cssrs"].due_on == TODAY


def test_the_due_page_lists_the_clinicians_participants_and_audits_them(
    client, clinician, admitted, participant, other_participant
):
    client.force_login(clinician)
    page = client.get(reverse("assessments:due")).content.decode()
    assert participant.display_name in page
    assert other_participant.display_name not in page
    assert "21 days overdue" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=participant, actor=clinician
    ).exists()


def test_the_due_page_keeps_a_fixed_query_count(
    client, clinician, program, admitted, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            episode = EpisodeFactory(
                program=program,
                active=True,
                primary_clinician=clinician,
                referred_on=TODAY - datetime.timedelta(days=10),
            )
            episode.care_team.create(user=clinician, role="primary_therapist")

    client.force_login(clinician)
    add(1)
    client.get(reverse("assessments:due"))
    # 13: the page's own 11, plus the programs' own instruments and their schedules
    with django_assert_num_queries(13):
        client.get(reverse("assessments:due"))
    add(8)
    with django_assert_num_queries(13):
        page = client.get(reverse("assessments:due")).content.decode()
    # admitted 10 or more days ago: PHQ-9, GAD-7, PCL-5 (intake) and BAM-IOP (day 7) overdue
    assert page.count("days overdue") == 10 * 4
