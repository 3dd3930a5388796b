"""Demo site and programs: an adult and an adolescent IOP, four phases each.

Every demo staff member (``context.data["staff"]``) becomes a member of both programs.
Leaves ``context.data["site"]``, ``["programs"]`` (population -> Program) and ``["phases"]``
(population -> phases in order).
"""

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from openiop.programs.models import (
    LevelOfCare,
    Population,
    Program,
    ProgramMembership,
    ProgramPhase,
    Site,
)

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

DEMO_SITE_NAME = "Riverside Recovery Center"
DEMO_SITE_ADDRESS = "1200 Riverbend Parkway, Suite 300\nMillbrook Springs, IL 60999"
DEMO_SITE_TIME_ZONE = "America/Chicago"


class DemoPhase(NamedTuple):
    name: str
    target_weekly_hours: Decimal
    typical_weeks: int
    description: str


class DemoProgram(NamedTuple):
    name: str
    population: str
    phases: tuple[DemoPhase, ...]


_DESCRIPTIONS = (
    "Stabilize, build trust and routine, begin the treatment plan.",
    "Coping and relapse-prevention skills, family involvement, recovery supports.",
    "Practice skills in daily life; fewer hours as attendance holds.",
    "Step-down: aftercare plan, community and mutual-help connections.",
)


def _phases(*targets: tuple[str, int]) -> tuple[DemoPhase, ...]:
    names = ("Engagement", "Early recovery", "Maintenance", "Community integration")
    return tuple(
        DemoPhase(name, Decimal(hours), weeks, description)
        for name, (hours, weeks), description in zip(names, targets, _DESCRIPTIONS, strict=True)
    )


DEMO_PROGRAMS: tuple[DemoProgram, ...] = (
    DemoProgram("Adult IOP", Population.ADULT, _phases((12, 3), (10, 3), (9, 3), (6, 2))),
    DemoProgram("Adolescent IOP", Population.ADOLESCENT, _phases((9, 3), (8, 3), (7, 3), (6, 2))),
)


def _site() -> tuple[Site, bool]:
    site = Site.objects.filter(name=DEMO_SITE_NAME).first()
    if site is not None:
        return site, False
    site = Site(name=DEMO_SITE_NAME, address=DEMO_SITE_ADDRESS, time_zone=DEMO_SITE_TIME_ZONE)
    site.full_clean()
    site.save()
    return site, True


def _program(site: Site, spec: DemoProgram) -> tuple[Program, bool]:
    program = Program.objects.filter(site=site, name=spec.name).first()
    if program is not None:
        return program, False
    program = Program(
        site=site, name=spec.name, level_of_care=LevelOfCare.IOP, population=spec.population
    )
    program.full_clean()
    program.save()
    return program, True


def _phase(program: Program, order: int, spec: DemoPhase) -> ProgramPhase:
    phase = ProgramPhase.objects.filter(program=program, order=order).first()
    if phase is not None:
        return phase
    phase = ProgramPhase(
        program=program,
        order=order,
        name=spec.name,
        target_weekly_hours=spec.target_weekly_hours,
        typical_weeks=spec.typical_weeks,
        description=spec.description,
    )
    phase.full_clean()
    phase.save()
    return phase


def load(context: "DemoContext") -> None:
    site, _created = _site()
    programs: dict[str, Program] = {}
    phases: dict[str, list[ProgramPhase]] = {}
    created = 0
    staff = [user for users in context.data.get("staff", {}).values() for user in users]
    for spec in DEMO_PROGRAMS:
        program, is_new = _program(site, spec)
        created += is_new
        programs[spec.population] = program
        phases[spec.population] = [
            _phase(program, order, phase) for order, phase in enumerate(spec.phases, start=1)
        ]
        for user in staff:
            ProgramMembership.objects.get_or_create(user=user, program=program)
    context.data.update(site=site, programs=programs, phases=phases)
    context.log(
        f"Site: {site.name}; programs: {len(programs)} ({created} new), each with its phases."
    )
