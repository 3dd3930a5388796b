"""Writes for a participant's measures: record, correct, acknowledge an alert, record a
dimensional assessment. Each takes the actor, runs in a transaction and audits itself."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.assessments import instruments, rules
from openiop.assessments.instruments import Instrument
from openiop.assessments.models import (
    Administration,
    AdministrationSource,
    AlertAction,
    ClinicalAlert,
    DimensionalAssessment,
    InstrumentDefinition,
)
from openiop.assessments.selectors import instrument_is_enabled, latest_definition
from openiop.assessments.services.program_settings import level_rules_for
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.participants.models import Episode, EpisodeStatus, Participant
from openiop.programs.models import Program


def _score(instrument: Instrument, answers: list, context: dict):
    try:
        return instruments.score_with(instrument, answers, **context)
    except ValueError as error:
        raise ValidationError({"answers": str(error)}, code="invalid_answers") from None


def _resolve_instrument(
    program: Program, code: str, definition: InstrumentDefinition | None
) -> tuple[Instrument, InstrumentDefinition | None]:
    """The definition to score with: the version given (a correction keeps the original's),
    a built-in instrument the program offers, or the newest version of the program's own."""
    not_enabled = ValidationError(
        {"instrument": _("This instrument is not enabled for the participant's program.")}
    )
    if definition is not None:
        if definition.program_id != program.pk or definition.code != code:
            raise not_enabled
        return definition.instrument, definition
    if code in instruments.BUILT_IN_CODES:
        if not instrument_is_enabled(program, code):
            raise not_enabled
        return instruments.get(code), None
    definition = latest_definition(program, code)
    if definition is None:
        raise not_enabled
    return definition.instrument, definition


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
    definition: InstrumentDefinition | None = None,
) -> Administration:
    """Score and store one completed instrument; raise clinical alerts its score calls for.

    A program's own instrument is scored with ``definition`` when given (a correction keeps
    the version the original used), else with the program's newest version of it."""
    context = dict(context or {})
    if episode is None or episode.participant_id != participant.pk or not episode.is_open:
        raise ValidationError(
            _("Measures are recorded in one of the participant's open episodes."), code="episode"
        )
    scoring, definition = _resolve_instrument(episode.program, instrument, definition)
    if administered_on > timezone.localdate():
        raise ValidationError({"administered_on": _("This date cannot be in the future.")})
    if administered_on < participant.date_of_birth:
        raise ValidationError({"administered_on": _("This date is before the date of birth.")})
    result = _score(scoring, answers, context)
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
        definition=definition,
    )
    administration.full_clean()
    administration.save()
    audit_record(
        actor=actor,
        action=AuditAction.MEASURE_CORRECTED if supersedes else AuditAction.MEASURE_RECORDED,
        target=administration,
        participant=participant,
        category=DataCategory.SUD_RECORD,
        details={"instrument": instrument}
        | ({"definition_version": definition.version} if definition else {}),
    )
    raised = []
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
        raised.append(rules.label_for(code))
    if raised and episode.status in (EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD):
        from openiop.plans.services import plan_review_request

        plan_review_request(
            episode=episode,
            reason=_("Urgent alert: %(alerts)s") % {"alerts": ", ".join(raised)},
            source="risk_alert",
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
        definition=original.definition,
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
