import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from openiop.participants.models import EpisodeStatus
from openiop.participants.mrn import generate_mrn, is_valid_mrn, luhn_check_digit
from openiop.participants.tests.factories import EpisodeFactory, ParticipantFactory

TODAY = datetime.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("body", "check"),
    [("7992739871", "3"), ("1234567", "4"), ("00000000", "0")],  # Luhn worked examples
)
def test_luhn_check_digit_matches_published_examples(body, check):
    assert luhn_check_digit(body) == check


@given(st.integers(min_value=0, max_value=99_999_999), st.integers(min_value=0, max_value=8))
def test_any_single_digit_typo_in_an_mrn_is_detected(number, position):
    body = f"{number:08d}"
    mrn = body + luhn_check_digit(body)
    typo = mrn[:position] + str((int(mrn[position]) + 1) % 10) + mrn[position + 1 :]
    assert is_valid_mrn(mrn)
    assert not is_valid_mrn(typo)


def test_generated_mrns_are_valid_nine_digit_numbers():
    mrns = {generate_mrn() for _ in range(200)}
    assert all(is_valid_mrn(mrn) for mrn in mrns)
    assert len(mrns) > 190  # random, not sequential


@pytest.mark.django_db
def test_date_of_birth_in_the_future_is_rejected_with_a_clear_message(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 12, 0))
    participant = ParticipantFactory.build(date_of_birth=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        participant.full_clean(exclude=["mrn"])
    assert error.value.message_dict["date_of_birth"] == ["This date cannot be in the future."]


def test_age_counts_whole_years_only():
    participant = ParticipantFactory.build(date_of_birth=datetime.date(2000, 11, 24))
    assert participant.age_on(datetime.date(2026, 11, 23)) == 25
    assert participant.age_on(datetime.date(2026, 11, 24)) == 26


def test_display_name_prefers_the_preferred_name():
    participant = ParticipantFactory.build(
        legal_first_name="Robert", preferred_name="Bobbie", legal_last_name="Ng"
    )
    assert participant.display_name == "Bobbie Ng"
    assert participant.legal_name == "Robert Ng"


@pytest.mark.django_db
def test_admission_before_referral_is_rejected_by_validation_and_by_the_database():
    episode = EpisodeFactory(referred_on=datetime.date(2026, 11, 10))
    episode.status = EpisodeStatus.ACTIVE
    episode.admitted_on = datetime.date(2026, 11, 9)
    with pytest.raises(ValidationError) as error:
        episode.full_clean()
    assert "admitted_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        episode.save()


@pytest.mark.django_db
def test_an_active_episode_needs_an_admission_date_in_the_database():
    episode = EpisodeFactory()
    episode.status = EpisodeStatus.ACTIVE
    with pytest.raises(IntegrityError), transaction.atomic():
        episode.save()


@pytest.mark.django_db
def test_only_one_open_episode_per_participant_per_program():
    first = EpisodeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeFactory(participant=first.participant, program=first.program)


@pytest.mark.django_db
def test_a_discharged_episode_allows_a_readmission_to_the_same_program():
    first = EpisodeFactory(
        active=True,
        referred_on=datetime.date(2026, 1, 5),
        status=EpisodeStatus.DISCHARGED,
        discharged_on=datetime.date(2026, 3, 1),
    )
    second = EpisodeFactory(participant=first.participant, program=first.program)
    assert second.is_open and not first.is_open


def test_days_in_program_counts_the_admission_day_as_day_one():
    episode = EpisodeFactory.build(
        referred_on=datetime.date(2026, 11, 1), admitted_on=datetime.date(2026, 11, 2)
    )
    assert episode.days_in_program(datetime.date(2026, 11, 2)) == 1
    assert episode.days_in_program(datetime.date(2026, 11, 23)) == 22
    assert EpisodeFactory.build(admitted_on=None).days_in_program(TODAY) is None
