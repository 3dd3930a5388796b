from decimal import Decimal

import factory

from openiop.programs.models import Program, ProgramPhase, Site


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("name",)

    name = "Riverside Recovery Center"
    address = "100 River Road, Springfield"
    time_zone = "America/Chicago"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Adult IOP {n}")
    site = factory.SubFactory(SiteFactory)


class ProgramPhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramPhase

    program = factory.SubFactory(ProgramFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Phase {n + 1}")
    target_weekly_hours = Decimal("12")
    typical_weeks = 4
