from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openiop.programs.models import Program, ProgramPhase, Site
from openiop.programs.rules import default_weekly_hours
from openiop.programs.tests.factories import ProgramFactory, SiteFactory


@pytest.mark.parametrize(
    ("level", "population", "minimum", "maximum", "days"),
    [
        ("2.1", "adult", "9", "19", 3),  # ASAM 2.1 adults; Medicare IOP 9-19 h/week
        ("2.1", "adolescent", "6", "19", 3),  # ASAM 2.1 adolescents
        ("2.5", "adult", "20", "35", 5),  # ASAM 2.5: 20+ h/week
    ],
)
def test_weekly_hour_defaults_follow_the_cited_rules(level, population, minimum, maximum, days):
    hours = default_weekly_hours(level, population)
    assert (hours.minimum, hours.maximum, hours.minimum_days) == (
        Decimal(minimum),
        Decimal(maximum),
        days,
    )


def test_unknown_level_of_care_has_no_defaults():
    with pytest.raises(ValueError, match="No weekly-hour defaults"):
        default_weekly_hours("3.7", "adult")


@pytest.mark.django_db
def test_a_new_adolescent_iop_gets_6_to_19_hours_unless_told_otherwise():
    program = ProgramFactory(population="adolescent")
    assert (program.minimum_weekly_hours, program.maximum_weekly_hours) == (6, 19)
    custom = ProgramFactory(minimum_weekly_hours=Decimal("10"), maximum_weekly_hours=18)
    assert custom.minimum_weekly_hours == 10


@pytest.mark.django_db
def test_program_minimum_above_maximum_is_rejected():
    program = Program(
        name="X", site=SiteFactory(), minimum_weekly_hours=20, maximum_weekly_hours=10
    )
    with pytest.raises(ValidationError) as error:
        program.full_clean()
    assert "maximum_weekly_hours" in error.value.message_dict


@pytest.mark.django_db
def test_phase_target_cannot_exceed_the_program_maximum():
    program = ProgramFactory()
    phase = ProgramPhase(
        program=program, order=1, name="Engagement", target_weekly_hours=25, typical_weeks=3
    )
    with pytest.raises(ValidationError) as error:
        phase.full_clean()
    assert "19" in error.value.message_dict["target_weekly_hours"][0]


@pytest.mark.django_db
def test_site_time_zone_must_be_a_real_zone():
    site = Site(name="Somewhere", time_zone="Mars/Olympus")
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "time_zone" in error.value.message_dict


@pytest.mark.django_db
def test_membership_changes_are_audited(director, clinician, other_program):
    from openiop.audit.models import AuditAction, AuditEvent
    from openiop.programs.services import program_membership_add, program_membership_remove

    program_membership_add(actor=director, user=clinician, program=other_program)
    program_membership_add(actor=director, user=clinician, program=other_program)  # no-op
    program_membership_remove(actor=director, user=clinician, program=other_program)
    events = AuditEvent.objects.filter(target_id=str(clinician.public_id)).order_by("id")
    assert [(e.action, e.actor, e.details) for e in events] == [
        (AuditAction.MEMBERSHIP_ADDED, director, {"program": str(other_program.public_id)}),
        (AuditAction.MEMBERSHIP_REMOVED, director, {"program": str(other_program.public_id)}),
    ]
    assert not clinician.program_memberships.filter(program=other_program).exists()
