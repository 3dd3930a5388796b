"""Portal personas: the root cast's participant and family accounts linked to ``participant``
(the family member under an active consent), plus other portal accounts to try the doors."""

import datetime

import pytest
from django.utils import timezone

from openiop.accounts.tests.factories import UserFactory
from openiop.participants.models import (
    ConsentCategory,
    PartTwoConsent,
    PortalAccount,
    PortalAccountKind,
)

ALL_CATEGORIES = [ConsentCategory.FAMILY_SESSIONS, ConsentCategory.ATTENDANCE_SUMMARY]


def make_consent(participant, episode, recorded_by, **fields) -> PartTwoConsent:
    today = timezone.localdate()
    values = {
        "participant": participant,
        "program": episode.program,
        "recipient_name": "Jordan Rivera",
        "recipient_relationship": "Partner",
        "purpose": "To support recovery and join family sessions",
        "categories": list(ALL_CATEGORIES),
        "expires_on": today + datetime.timedelta(days=180),
        "right_to_revoke_explained": True,
        "signature_name": participant.legal_name,
        "signed_on": today,
        "recorded_by": recorded_by,
    }
    values.update(fields)
    return PartTwoConsent.objects.create(**values)


def link_family(user, participant, consent) -> PortalAccount:
    return PortalAccount.objects.create(
        user=user, participant=participant, kind=PortalAccountKind.FAMILY, consent=consent
    )


@pytest.fixture
def participant_user(participant_user, participant):
    PortalAccount.objects.create(
        user=participant_user, participant=participant, kind=PortalAccountKind.PARTICIPANT
    )
    return participant_user


@pytest.fixture
def consent(participant, episode, clinician):
    return make_consent(participant, episode, clinician)


@pytest.fixture
def family_member(family_member, participant, consent):
    link_family(family_member, participant, consent)
    return family_member


@pytest.fixture
def other_portal_user(other_participant):
    user = UserFactory(email="other.participant@example.org")
    PortalAccount.objects.create(
        user=user, participant=other_participant, kind=PortalAccountKind.PARTICIPANT
    )
    return user


@pytest.fixture
def unlinked_family(db):
    """A family member's account with no consent and no link (the root cast's kind)."""
    return UserFactory(email="unlinked.family@example.org")


@pytest.fixture
def revoked_family(participant, episode, clinician):
    consent = make_consent(
        participant, episode, clinician, revoked_at=timezone.now(), revoked_by=clinician
    )
    user = UserFactory(email="revoked.family@example.org")
    link_family(user, participant, consent)
    return user


@pytest.fixture
def expired_family(participant, episode, clinician):
    today = timezone.localdate()
    consent = make_consent(
        participant,
        episode,
        clinician,
        signed_on=today - datetime.timedelta(days=40),
        expires_on=today - datetime.timedelta(days=1),
    )
    user = UserFactory(email="expired.family@example.org")
    link_family(user, participant, consent)
    return user


@pytest.fixture
def narrow_family(participant, episode, clinician):
    """Consented to the attendance summary only."""
    consent = make_consent(
        participant, episode, clinician, categories=[ConsentCategory.ATTENDANCE_SUMMARY]
    )
    user = UserFactory(email="narrow.family@example.org")
    link_family(user, participant, consent)
    return user
