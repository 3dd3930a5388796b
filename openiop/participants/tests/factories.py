import datetime

import factory

from openiop.participants.models import (
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
    Participant,
    ReferralSource,
)
from openiop.participants.mrn import generate_mrn
from openiop.programs.tests.factories import ProgramFactory


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    mrn = factory.LazyFunction(generate_mrn)
    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=19, maximum_age=70)
    sex_assigned_at_birth = "female"
    phone = "555-0100"
    emergency_contact_name = "Pat Example"
    emergency_contact_relationship = "Sibling"
    emergency_contact_phone = "555-0101"


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    participant = factory.SubFactory(ParticipantFactory)
    program = factory.SubFactory(ProgramFactory)
    referral_source = ReferralSource.SELF
    status = EpisodeStatus.REFERRED
    referred_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))

    class Params:
        active = factory.Trait(
            status=EpisodeStatus.ACTIVE,
            admitted_on=factory.LazyAttribute(lambda o: o.referred_on),
        )


class CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    episode = factory.SubFactory(EpisodeFactory)
    user = None
    role = CareTeamRole.PRIMARY_THERAPIST
