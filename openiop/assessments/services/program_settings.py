"""Writes for a program's settings: licensed instruments, its measurement schedule, its own
instruments (versioned definitions), its level-of-care rules. Each takes the actor, runs in a
transaction and audits itself."""

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.assessments import instruments, rules, schedule
from openiop.assessments.instruments import Instrument
from openiop.assessments.models import (
    DefinitionSource,
    InstrumentDefinition,
    InstrumentEnablement,
    LevelOfCareTable,
    MeasurementSchedule,
)
from openiop.assessments.selectors import latest_definition, schedulable_instruments
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.programs.models import Program
from openiop.programs.selectors import programs_for


@transaction.atomic
def instrument_enable(
    *, actor: User, program: Program, instrument: str, licence_acknowledged: bool
) -> InstrumentEnablement:
    """A program opts in to an instrument whose licence restricts use, accepting its terms."""
    if not programs_for(actor).filter(pk=program.pk).exists():
        raise ValidationError(_("Only a member of the program can change its instruments."))
    definition = instruments.get(instrument)
    if not licence_acknowledged:
        raise ValidationError(
            {"licence_acknowledged": _("Accept the licence terms to enable this instrument.")}
        )
    if not definition.requires_program_opt_in:
        raise ValidationError(_("This instrument needs no opt-in."), code="not_restricted")
    enablement, _created = InstrumentEnablement.objects.get_or_create(
        program=program,
        instrument=definition.code,
        defaults={"enabled_by": actor, "licence_acknowledged": True},
    )
    audit_record(
        actor=actor,
        action=AuditAction.INSTRUMENT_ENABLED,
        target=program,
        details={"instrument": definition.code},
    )
    return enablement


@transaction.atomic
def instrument_disable(*, actor: User, program: Program, instrument: str) -> None:
    """Withdraw a program's opt-in; measures already recorded stay as they are."""
    deleted, _rows = InstrumentEnablement.objects.filter(
        program=program, instrument=instrument
    ).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.INSTRUMENT_DISABLED,
            target=program,
            details={"instrument": instrument},
        )


def _require_member(actor: User | None, program: Program) -> None:
    """Staff change only their own programs' settings (None: the server's operator, from the
    command line)."""
    if actor is not None and not programs_for(actor).filter(pk=program.pk).exists():
        raise ValidationError(_("Only a member of the program can change its settings."))


def _conflict() -> ValidationError:
    return ValidationError(
        _(
            "Someone else changed these settings while you were editing them. "
            "Reload the page to see their changes, then make yours again."
        ),
        code="conflict",
    )


def _locked_schedule(program: Program, version: int) -> MeasurementSchedule | None:
    """The program's own schedule (None: it follows the default), locked, if still at the
    ``version`` the form showed (0 for the default); otherwise a conflict."""
    Program.objects.select_for_update().get(pk=program.pk)
    current = MeasurementSchedule.objects.filter(program=program).first()
    if (current.version if current else 0) != version:
        raise _conflict()
    return current


@transaction.atomic
def measurement_schedule_update(
    *, actor: User, program: Program, rules: list[dict[str, Any]], version: int
) -> MeasurementSchedule:
    """Replace a program's measurement schedule (``schedule.ScheduleRule`` rows as data).
    ``version`` is the one the form was loaded with: 0 while the program follows the default."""
    _require_member(actor, program)
    try:
        clean = schedule.schedule_from_data(rules, known=schedulable_instruments(program))
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_schedule") from None
    current = _locked_schedule(program, version)
    before = schedule.schedule_from_data(current.rules) if current else schedule.DEFAULT_SCHEDULE
    kept = [rule for rule in clean if rule.is_scheduled]
    changes = schedule.schedule_changes(before, kept)
    if not changes:
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    data = schedule.schedule_to_data(kept)
    if current is None:
        current = MeasurementSchedule(program=program, rules=data, updated_by=actor)
    else:
        current.rules, current.updated_by, current.version = data, actor, current.version + 1
    current.full_clean()
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.MEASUREMENT_SCHEDULE_CHANGED,
        target=program,
        category=DataCategory.ADMINISTRATIVE,
        details={"changes": changes},
    )
    return current


@transaction.atomic
def measurement_schedule_reset(*, actor: User, program: Program, version: int) -> None:
    """Go back to the default schedule (the program's own is removed, audited with what that
    changes)."""
    _require_member(actor, program)
    current = _locked_schedule(program, version)
    if current is None:
        raise ValidationError(
            _("This program already follows the default schedule."), code="unchanged"
        )
    changes = schedule.schedule_changes(
        schedule.schedule_from_data(current.rules), schedule.DEFAULT_SCHEDULE
    )
    current.delete()
    audit_record(
        actor=actor,
        action=AuditAction.MEASUREMENT_SCHEDULE_CHANGED,
        target=program,
        category=DataCategory.ADMINISTRATIVE,
        details={"changes": changes, "reset_to_default": True},
    )


# Alert codes the built-in safety rules use: a program's own instrument may not raise them.
RESERVED_ALERTS = frozenset(rules.ALERT_LABELS) | frozenset(rules.ALERT_SEVERITY)
NAME_LENGTH = InstrumentDefinition._meta.get_field("name").max_length


def _check_own_instrument(instrument: Instrument) -> None:
    def refuse(message: str) -> ValidationError:
        return ValidationError({"definition": message}, code="invalid_definition")

    if instrument.code in instruments.BUILT_IN_CODES:
        raise refuse(
            _("%(code)s is the code of a built-in instrument (%(name)s): choose another code.")
            % {"code": instrument.code, "name": instruments.get(instrument.code).name}
        )
    reserved = sorted({rule.alert for rule in instrument.alert_rules} & RESERVED_ALERTS)
    if reserved:
        raise refuse(
            _("The alert code %(codes)s belongs to a built-in safety rule: choose another.")
            % {"codes": ", ".join(reserved)}
        )
    if len(instrument.name) > NAME_LENGTH:
        raise refuse(
            _("name must be at most %(n)s characters, not %(length)s")
            % {"n": NAME_LENGTH, "length": len(instrument.name)}
        )


@transaction.atomic
def instrument_definition_add(
    *,
    actor: User | None,
    program: Program,
    data: Mapping[str, Any],
    file_name: str = "",
    licence_acknowledged: bool = False,
    source: str = DefinitionSource.UPLOAD,
) -> InstrumentDefinition:
    """Add a program's own instrument from a definition (docs/instruments.md), or its next
    version when the program already has one with that code. Earlier versions stay, and the
    measures scored with them keep them. ``actor`` None: the server's operator, from the
    command line."""
    _require_member(actor, program)
    try:
        instrument = instruments.load_definition(data)
    except ValueError as error:
        raise ValidationError(
            {"definition": _("Problem in the definition: %(problem)s") % {"problem": error}},
            code="invalid_definition",
        ) from None
    _check_own_instrument(instrument)
    if instrument.requires_program_opt_in and not licence_acknowledged:
        raise ValidationError(
            {
                "licence_acknowledged": _(
                    "This instrument's licence limits its use: accept its terms to add it."
                )
            }
        )
    Program.objects.select_for_update().get(pk=program.pk)  # one version number at a time
    latest = latest_definition(program, instrument.code)
    stored = json.loads(json.dumps(dict(data)))
    if latest is not None and latest.definition == stored:
        raise ValidationError(
            {
                "definition": _("This is the same as version %(v)s of %(name)s: nothing to add.")
                % {"v": latest.version, "name": latest.name}
            },
            code="unchanged",
        )
    definition = InstrumentDefinition(
        program=program,
        code=instrument.code,
        version=latest.version + 1 if latest else 1,
        name=instrument.name,
        definition=stored,
        file_name=file_name[:200],
        source=source,
        added_by=actor,
        licence_acknowledged=instrument.requires_program_opt_in and licence_acknowledged,
    )
    definition.full_clean()
    definition.save()
    audit_record(
        actor=actor,
        action=AuditAction.INSTRUMENT_DEFINITION_ADDED,
        target=definition,
        category=DataCategory.ADMINISTRATIVE,
        details={
            "instrument": definition.code,
            "version": definition.version,
            "program": str(program.public_id),
            "source": source,
        },
    )
    return definition


def level_rules_for(program: Program) -> dict:
    from openiop.assessments.levels import DEFAULT_RULES

    table = LevelOfCareTable.objects.filter(program=program).first()
    if table is None:
        return dict(DEFAULT_RULES)
    return {int(number): tuple(row) for number, row in table.rules.items()}


@transaction.atomic
def level_rules_update(*, actor: User, program: Program, rules: dict) -> LevelOfCareTable:
    """Replace a program's level-of-care rule table (validated: each row never decreasing)."""
    from openiop.assessments.levels import validate_rules

    if not programs_for(actor).filter(pk=program.pk).exists():
        raise ValidationError(_("Only a member of the program can change its rules."))
    try:
        clean = validate_rules(rules)
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_rules") from None
    table, _created = LevelOfCareTable.objects.update_or_create(
        program=program,
        defaults={"rules": {str(k): list(v) for k, v in clean.items()}, "updated_by": actor},
    )
    audit_record(
        actor=actor,
        action=AuditAction.LEVEL_RULES_CHANGED,
        target=program,
        category=DataCategory.ADMINISTRATIVE,
    )
    return table
