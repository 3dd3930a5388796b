"""One person in two programs (42 CFR Part 2): each program's staff reach only their own
program's episode, and access ends when someone leaves the program."""

import datetime

import pytest
from django.urls import reverse

from openiop.participants.models import EpisodeStatus
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory
from openiop.programs.models import ProgramMembership


@pytest.fixture
def episode_elsewhere(participant, other_program, other_clinician):
    """The cast's participant is also referred to the other program."""
    episode = EpisodeFactory(
        participant=participant, program=other_program, referred_on=datetime.date.today()
    )
    CareTeamMemberFactory(episode=episode, user=other_clinician)
    return episode


def test_a_clinician_cannot_admit_the_other_programs_episode(client, clinician, episode_elsewhere):
    client.force_login(clinician)
    url = reverse("participants:admit", args=[episode_elsewhere.public_id])
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"admitted_on": datetime.date.today().isoformat(), "primary_clinician": clinician.pk}
    )
    assert response.status_code == 404
    episode_elsewhere.refresh_from_db()
    assert episode_elsewhere.status == EpisodeStatus.REFERRED


def test_status_and_care_team_of_the_other_program_are_out_of_reach(
    client, director, episode_elsewhere
):
    client.force_login(director)
    status = client.post(
        reverse("participants:status", args=[episode_elsewhere.public_id]),
        {"status": "assessing", "version": episode_elsewhere.version},
    )
    team = client.get(reverse("participants:care_team", args=[episode_elsewhere.public_id]))
    assert (status.status_code, team.status_code) == (404, 404)
    episode_elsewhere.refresh_from_db()
    assert episode_elsewhere.status == EpisodeStatus.REFERRED


def test_the_chart_shows_only_episodes_in_scope(
    client, front_desk, other_clinician, participant, episode_elsewhere, program, other_program
):
    client.force_login(front_desk)
    chart = client.get(reverse("participants:chart", args=[participant.public_id]))
    assert program.name in chart.content.decode()
    assert other_program.name not in chart.content.decode()
    client.force_login(other_clinician)
    chart = client.get(reverse("participants:chart", args=[participant.public_id]))
    assert other_program.name in chart.content.decode()
    assert program.name not in chart.content.decode()


def test_access_ends_when_a_clinician_leaves_the_program(client, clinician, participant, program):
    client.force_login(clinician)
    url = reverse("participants:chart", args=[participant.public_id])
    assert client.get(url).status_code == 200
    ProgramMembership.objects.filter(user=clinician, program=program).delete()
    assert client.get(url).status_code == 404
    assert participant.mrn not in client.get(reverse("participants:caseload")).content.decode()
