"""Measures belong to the episode of the program that recorded them."""

import datetime

import pytest
from django.urls import reverse

from openiop.assessments import services
from openiop.assessments.models import Administration
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory

AT_RISK = [2, 2, 1, 2, 1, 1, 1, 1, 1]


@pytest.fixture
def episode_elsewhere(participant, other_program, other_clinician):
    episode = EpisodeFactory(
        participant=participant,
        program=other_program,
        active=True,
        referred_on=datetime.date.today(),
        primary_clinician=other_clinician,
    )
    CareTeamMemberFactory(episode=episode, user=other_clinician)
    return episode


def _post_phq9(client, participant):
    data = {"administered_on": datetime.date.today().isoformat()}
    data |= {f"item_{i}": str(v) for i, v in enumerate(AT_RISK, start=1)}
    return client.post(reverse("assessments:record", args=[participant.public_id, "phq9"]), data)


def test_a_measure_goes_to_the_recording_programs_episode(
    client, clinician, participant, episode, episode_elsewhere
):
    client.force_login(clinician)
    assert _post_phq9(client, participant).status_code == 302
    assert Administration.objects.get().episode == episode


def test_the_other_program_sees_neither_the_measure_nor_its_alert(
    client, clinician, other_clinician, participant, episode, episode_elsewhere
):
    client.force_login(clinician)
    _post_phq9(client, participant)
    client.force_login(other_clinician)
    page = client.get(reverse("assessments:measures", args=[participant.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Suicide risk" not in html
    assert "No measures recorded yet." in html
    administration = Administration.objects.get()
    correct = client.get(reverse("assessments:correct", args=[administration.public_id]))
    assert correct.status_code == 404


def test_the_service_refuses_an_episode_of_someone_else(clinician, participant, other_episode):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.administration_submit(
            actor=clinician,
            participant=participant,
            episode=other_episode,
            instrument="phq9",
            answers=AT_RISK,
            administered_on=datetime.date.today(),
        )
    assert not Administration.objects.exists()
