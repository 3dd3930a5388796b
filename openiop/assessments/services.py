"""Writes for measurement-based care: record, correct, acknowledge, enable. Each audits itself."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.assessments import instruments, rules
from openiop.assessments.models import (
    Administration,
    AdministrationSource,
    AlertAction,
    ClinicalAlert,
    DimensionalAssessment,
    InstrumentEnablement,
    LevelOfCareTable,
)
from openiop.assessments.selectors import instrument_is_enabled
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.participants.models import Episode, Participant
from openiop.programs.models import Program
from openiop.programs.selectors import programs_for


def _score(code: str, answers: list, context: dict):
    try:
        return instruments.score(code, answers, **context)
    except ValueError as error:
        raise ValidationError({"answers": str(error)}, code="invalid_answers") from None


@transaction.atomic
def administration_submit(
    *,
    actor: User,
    participant: Participant,
    episode: Episode | None,
    instrument: str,
    answers: list,
    administered_on: date,
    context: dict | None = None,
    source: str = AdministrationSource.STAFF,
    supersedes: Administration | None = None,
    correction_reason: str = "",
) -> Administration:
    """Score and store one completed instrument; raise clinical alerts its score calls for."""
    context = dict(context or {})
    if episode is None or episode.participant_id != participant.pk or not episode.is_open:
        raise ValidationError(
            _("Measures are recorded in one of the participant's open episodes."), code="episode"
        )
    if not instrument_is_enabled(episode.program, instrument):
        raise ValidationError(
            {"instrument": _("This instrument is not enabled for the participant's program.")}
        )
    if administered_on > timezone.localdate():
        raise ValidationError({"administered_on": _("This date cannot be in the future.")})
    if administered_on < participant.date_of_birth:
        raise ValidationError({"administered_on": _("This date is before the date of birth.")})
    result = _score(instrument, answers, context)
    administration = Administration(
        participant=participant,
        episode=episode,
        instrument=instrument,
        answers=list(answers),
        context=context,
        total=result.total,
        band=result.band or "",
        subscales=dict(result.subscales),
        alerts=list(result.alerts),
        administered_on=administered_on,
        administered_by=actor,
        source=source,
        supersedes=supersedes,
        correction_reason=correction_reason,
    )
    administration.full_clean()
    administration.save()
    audit_record(
        actor=actor,
        action=AuditAction.MEASURE_CORRECTED if supersedes else AuditAction.MEASURE_RECORDED,
        target=administration,
        participant=participant,
        category=DataCategory.SUD_RECORD,
        details={"instrument": instrument},
    )
    for code in result.alerts:
        severity = rules.alert_severity(code)
        if severity is None:
            continue
        alert = ClinicalAlert.objects.create(
            participant=participant, administration=administration, code=code, severity=severity
        )
        audit_record(
            actor=actor,
            action=AuditAction.ALERT_RAISED,
            target=alert,
            participant=participant,
            category=DataCategory.SUD_RECORD,
            details={"alert": code},
        )
    return administration


@transaction.atomic
def administration_correct(
    *,
    actor: User,
    original: Administration,
    answers: list,
    reason: str,
    administered_on: date | None = None,
    context: dict | None = None,
) -> Administration:
    """Record corrected answers as a new administration that supersedes ``original``."""
    original = Administration.objects.select_for_update().get(pk=original.pk)
    if Administration.objects.filter(supersedes=original).exists():
        raise ValidationError(
            _("This measure has already been corrected; correct the newest version."),
            code="already_corrected",
        )
    if not reason.strip():
        raise ValidationError({"correction_reason": _("Say why the answers are corrected.")})
    # The original's open alerts close; the corrected answers raise their own, if any.
    for alert in original.clinical_alerts.filter(acknowledged_at__isnull=True):
        alert_acknowledge(actor=actor, alert=alert, action_taken=AlertAction.CORRECTED)
    return administration_submit(
        actor=actor,
        participant=original.participant,
        episode=original.episode,
        instrument=original.instrument,
        answers=answers,
        administered_on=administered_on or original.administered_on,
        context=original.context if context is None else context,
        source=original.source,
        supersedes=original,
        correction_reason=reason.strip(),
    )


@transaction.atomic
def alert_acknowledge(
    *, actor: User, alert: ClinicalAlert, action_taken: str, note: str = ""
) -> ClinicalAlert:
    alert = ClinicalAlert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_open:
        raise ValidationError(_("This alert was already acknowledged."), code="acknowledged")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    alert.action_taken = action_taken
    alert.note = note
    alert.full_clean()
    alert.save()
    audit_record(
        actor=actor,
        action=AuditAction.ALERT_ACKNOWLEDGED,
        target=alert,
        participant=alert.participant,
        category=DataCategory.SUD_RECORD,
        details={"alert": alert.code, "action": action_taken},
    )
    return alert


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


CIRCUMSTANCES = ("co_occurring", "housing", "work_school", "family", "legal", "transport")


@transaction.atomic
def dimensional_assessment_record(
    *,
    actor: User,
    participant: Participant,
    episode: Episode | None,
    assessed_on: date,
    ratings: dict[int, int],
    narratives: dict[int, str] | None = None,
    substance_use: list[dict] | None = None,
    chosen_level: str = "",
    justification: str = "",
    **circumstances: str,
) -> DimensionalAssessment:
    """Rate the six dimensions; the program's rule table suggests a level; the clinician
    chooses, with a justification when the choice differs from the suggestion."""
    from openiop.assessments.levels import suggest_level

    unknown = set(circumstances) - set(CIRCUMSTANCES)
    if unknown:
        raise TypeError(f"Not assessment fields: {sorted(unknown)}")
    if episode is None or episode.participant_id != participant.pk or not episode.is_open:
        raise ValidationError(
            _("Assessments are recorded in one of the participant's open episodes."),
            code="episode",
        )
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("This date cannot be in the future.")})
    try:
        suggestion = suggest_level(ratings, level_rules_for(episode.program))
    except ValueError as error:
        raise ValidationError({"ratings": str(error)}) from None
    chosen = chosen_level or suggestion.level
    if chosen != suggestion.level and not justification.strip():
        raise ValidationError(
            {"justification": _("Explain why the level chosen differs from the suggestion.")}
        )
    assessment = DimensionalAssessment(
        participant=participant,
        episode=episode,
        assessed_on=assessed_on,
        assessed_by=actor,
        ratings={str(k): v for k, v in ratings.items()},
        narratives={str(k): v for k, v in (narratives or {}).items() if v},
        substance_use=substance_use or [],
        suggested_level=suggestion.level,
        suggested_weekly_hours=suggestion.weekly_hours,
        chosen_level=chosen,
        justification=justification.strip(),
        **circumstances,
    )
    assessment.full_clean()
    assessment.save()
    audit_record(
        actor=actor,
        action=AuditAction.DIMENSIONAL_ASSESSMENT_RECORDED,
        target=assessment,
        participant=participant,
        category=DataCategory.SUD_RECORD,
        details={"suggested": suggestion.level, "chosen": chosen},
    )
    return assessment
