"""Which instruments each program offers (built-in, licensed, its own versions) and when they
are due there (its measurement schedule): reads for the settings pages and the due lists."""

from collections.abc import Iterable
from dataclasses import dataclass

from openiop.assessments import instruments
from openiop.assessments.instruments import Instrument
from openiop.assessments.models import (
    InstrumentDefinition,
    InstrumentEnablement,
    MeasurementSchedule,
)
from openiop.assessments.schedule import DEFAULT_SCHEDULE, ScheduleRule, schedule_from_data


def _latest_definitions(programs) -> dict[int, dict[str, InstrumentDefinition]]:
    """program id -> code -> the latest version of each of the program's own instruments."""
    latest: dict[int, dict[str, InstrumentDefinition]] = {}
    for definition in InstrumentDefinition.objects.filter(program__in=programs).order_by(
        "program_id", "code", "version"
    ):
        latest.setdefault(definition.program_id, {})[definition.code] = definition
    return latest


def program_instruments(programs: Iterable) -> dict[int, dict[str, Instrument]]:
    """program id -> code -> instrument the program offers: the built-in ones whose licence
    needs no opt-in, the licensed ones it opted in to, and its own (latest version, by name).
    Two queries, whatever the number of programs."""
    programs = list(programs)
    opted_in = set(
        InstrumentEnablement.objects.filter(program__in=programs).values_list(
            "program_id", "instrument"
        )
    )
    custom = _latest_definitions(programs)
    offered: dict[int, dict[str, Instrument]] = {}
    for program in programs:
        own = sorted(custom.get(program.pk, {}).values(), key=lambda d: (d.name, d.code))
        offered[program.pk] = {
            **{
                definition.code: definition
                for definition in instruments.BUILT_IN
                if not definition.requires_program_opt_in
                or (program.pk, definition.code) in opted_in
            },
            **{definition.code: definition.instrument for definition in own},
        }
    return offered


def enabled_instruments(program) -> list[Instrument]:
    """What the program's staff can record: see program_instruments."""
    return list(program_instruments([program])[program.pk].values())


def instrument_is_enabled(program, code: str) -> bool:
    return code in program_instruments([program])[program.pk]


def instrument_exists(code: str) -> bool:
    return code in instruments.BUILT_IN_CODES


def latest_definition(program, code: str) -> InstrumentDefinition | None:
    """The newest version of the program's own instrument ``code``, if it has one."""
    if program is None:
        return None
    return (
        InstrumentDefinition.objects.filter(program=program, code=code).order_by("-version").first()
    )


def instrument_for(program, code: str) -> Instrument | None:
    """Instrument ``code`` as a record form in ``program`` shows it: a built-in one (whether or
    not the program enabled it: the service then refuses it with a message), or the newest
    version of the program's own. None when the program has no such instrument (other
    programs' own instruments included)."""
    if code in instruments.BUILT_IN_CODES:
        return instruments.get(code)
    definition = latest_definition(program, code)
    return definition.instrument if definition is not None else None


def instrument_settings_rows(programs) -> list[tuple]:
    """(instrument, [(program, is_enabled)]) for each instrument whose licence needs opt-in."""
    enabled = set(
        InstrumentEnablement.objects.filter(program__in=programs).values_list(
            "program_id", "instrument"
        )
    )
    return [
        (definition, [(program, (program.pk, definition.code) in enabled) for program in programs])
        for definition in instruments.BUILT_IN
        if definition.requires_program_opt_in
    ]


@dataclass
class ProgramOwnInstrument:
    """A program's own instrument on the settings page: its newest version and how many."""

    latest: InstrumentDefinition
    versions: int

    @property
    def instrument(self) -> Instrument:
        return self.latest.instrument


def own_instrument_rows(programs) -> list[tuple]:
    """(program, [ProgramOwnInstrument by name]) for each program, in one query."""
    by_program: dict[int, dict[str, list[InstrumentDefinition]]] = {}
    for definition in (
        InstrumentDefinition.objects.filter(program__in=programs)
        .select_related("added_by")
        .order_by("code", "version")
    ):
        by_program.setdefault(definition.program_id, {}).setdefault(definition.code, []).append(
            definition
        )
    return [
        (
            program,
            sorted(
                (
                    ProgramOwnInstrument(latest=versions[-1], versions=len(versions))
                    for versions in by_program.get(program.pk, {}).values()
                ),
                key=lambda row: (row.latest.name, row.latest.code),
            ),
        )
        for program in programs
    ]


# Measurement schedules ---------------------------------------------------------------------


def schedules_for(programs) -> dict[int, tuple[ScheduleRule, ...]]:
    """program id -> its measurement schedule (its own, else the default), in one query."""
    own = {
        program_id: schedule_from_data(rules)
        for program_id, rules in MeasurementSchedule.objects.filter(
            program__in=programs
        ).values_list("program_id", "rules")
    }
    return {program.pk: own.get(program.pk, DEFAULT_SCHEDULE) for program in programs}


def schedule_for(program) -> tuple[ScheduleRule, ...]:
    return schedules_for([program])[program.pk]


@dataclass
class ScheduleSettings:
    """One program's schedule on the settings page: a rule for every instrument it can use."""

    program: object
    version: int  # of its own schedule; 0 while it follows the default
    rows: list[tuple[Instrument, ScheduleRule, bool]]  # (instrument, rule, is offered)

    @property
    def is_default(self) -> bool:
        return self.version == 0


def schedule_settings(programs) -> list[ScheduleSettings]:
    """For each program: every built-in instrument and its own instruments, with the rule the
    program applies (not scheduled when it has none) and whether the program offers it."""
    programs = list(programs)
    versions = dict(
        MeasurementSchedule.objects.filter(program__in=programs).values_list(
            "program_id", "version"
        )
    )
    schedules = schedules_for(programs)
    offered = program_instruments(programs)
    custom = _latest_definitions(programs)
    settings = []
    for program in programs:
        rules = {rule.instrument: rule for rule in schedules[program.pk]}
        own = sorted(custom.get(program.pk, {}).values(), key=lambda d: (d.name, d.code))
        candidates = [*instruments.BUILT_IN, *(definition.instrument for definition in own)]
        rows = [
            (
                instrument,
                rules.get(instrument.code, ScheduleRule(instrument.code, at_intake=False)),
                instrument.code in offered[program.pk],
            )
            for instrument in candidates
        ]
        settings.append(ScheduleSettings(program, versions.get(program.pk, 0), rows))
    return settings


def schedulable_instruments(program) -> dict[str, str]:
    """code -> name of every instrument a program's schedule may name: the built-in ones and
    the program's own."""
    names = {definition.code: definition.name for definition in instruments.BUILT_IN}
    for code, definition in _latest_definitions([program]).get(program.pk, {}).items():
        names[code] = definition.name
    return names
