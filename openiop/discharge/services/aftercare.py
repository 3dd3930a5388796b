"""Aftercare plans and follow-ups after discharge."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction
from openiop.core.versioning import version_claim
from openiop.discharge import selectors
from openiop.discharge.models import (
    AftercarePlan,
    Discharge,
    FollowUpContact,
    Reach,
)
from openiop.discharge.services._common import (
    _audit,
    _require_scope,
)
from openiop.participants.models import Episode

# ----------------------------------------------------------------------------- aftercare

AFTERCARE_FIELDS = (
    "step_down_level",
    "step_down_provider",
    "alumni_group",
    "mutual_help",
    "recovery_housing",
    "medication_continuation",
    "appointments",
    "relapse_prevention",
    "emergency_contacts",
)


# ASAM 4th edition dimension 4 (substance use-related risks) holds relapse potential.
RELAPSE_DIMENSION = 4


def carried_relapse_prevention(episode: Episode) -> str:
    """The relapse-prevention work of the plan in force, carried into the aftercare plan:
    objectives under dimension-4 problems and relapse-prevention interventions."""
    from openiop.plans.models import Modality
    from openiop.plans.selectors import current_objectives, current_version

    lines = [
        f"- {objective.description} ({objective.get_status_display()})"
        for objective in current_objectives(episode)
        if objective.goal.problem.dimension == RELAPSE_DIMENSION
    ]
    version = current_version(episode)
    if version is not None:
        lines += [
            f"- {intervention.description or intervention.get_modality_display()}"
            f" ({intervention.frequency})"
            for intervention in version.interventions.filter(modality=Modality.RELAPSE_PREVENTION)
        ]
    return "\n".join(lines)


def aftercare_initial(episode: Episode) -> dict:
    """What a new aftercare plan starts from: the relapse-prevention work of the treatment
    plan and the emergency contact on file."""
    participant = episode.participant
    contact = " · ".join(
        part
        for part in (
            participant.emergency_contact_name,
            participant.emergency_contact_relationship,
            participant.emergency_contact_phone,
        )
        if part
    )
    return {
        "emergency_contacts": contact,
        "relapse_prevention": carried_relapse_prevention(episode),
    }


@transaction.atomic
def aftercare_plan_save(*, actor, episode: Episode, version: int | None, **values) -> AftercarePlan:
    """Start (``version`` None) or change the episode's aftercare plan. Written while the
    episode is admitted (its final weeks) or after discharge."""
    unknown = set(values) - set(AFTERCARE_FIELDS)
    if unknown:
        raise TypeError(f"Not aftercare fields: {sorted(unknown)}")
    _require_scope(actor, episode)
    if episode.admitted_on is None:
        raise ValidationError(_("An aftercare plan is written for an admitted participant."))
    existing = AftercarePlan.objects.filter(episode=episode).first()
    if existing is None:
        if version is not None:
            raise ValidationError(_("The aftercare plan was removed; reload."), code="conflict")
        plan = AftercarePlan(episode=episode, participant_id=episode.participant_id)
    else:
        plan = version_claim(existing, expected_version=version or 0)
    group = values.get("alumni_group")
    if group is not None and group.program_id != episode.program_id:
        raise ValidationError({"alumni_group": _("Choose an alumni group of this program.")})
    for name, value in values.items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    plan.updated_by = actor
    plan.full_clean()
    plan.save()
    _audit(actor, AuditAction.AFTERCARE_PLAN_SAVED, plan, episode.participant)
    return plan


# ----------------------------------------------------------------------------- follow-ups

OUTCOME_FIELDS = ("substance_use", "in_treatment", "housing", "occupation", "arrested")


@transaction.atomic
def followup_record(
    *,
    actor,
    discharge: Discharge,
    day: int,
    attempted_on: date,
    result: str,
    measure: str = "",
    measure_score: int | None = None,
    **outcomes,
) -> FollowUpContact:
    """Record one attempt at a follow-up; when reached, every outcome is required."""
    unknown = set(outcomes) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"Not outcome fields: {sorted(unknown)}")
    _require_scope(actor, discharge.episode)
    if day not in selectors.followup_days_for(discharge.episode.program):
        raise ValidationError({"day": _("This is not one of the program's follow-up days.")})
    if attempted_on > timezone.localdate():
        raise ValidationError({"attempted_on": _("This date cannot be in the future.")})
    if attempted_on < discharge.discharged_on:
        raise ValidationError({"attempted_on": _("A follow-up comes after the discharge.")})
    if result not in Reach.values:
        raise ValidationError({"result": _("Say whether the person was reached.")})
    if result == Reach.REACHED:
        missing = {
            name: _("Record this outcome.") for name in OUTCOME_FIELDS if not outcomes.get(name)
        }
        if missing:
            raise ValidationError(missing)
    else:
        outcomes, measure, measure_score = {}, "", None
    measure = (measure or "").strip()
    if bool(measure) != (measure_score is not None):
        raise ValidationError(
            {"measure_score": _("Give both the measure and its score, or neither.")}
        )
    contact = FollowUpContact(
        discharge=discharge,
        participant_id=discharge.participant_id,
        day=day,
        attempted_on=attempted_on,
        result=result,
        measure=measure,
        measure_score=measure_score,
        recorded_by=actor,
        **outcomes,
    )
    contact.full_clean()
    contact.save()
    _audit(
        actor, AuditAction.FOLLOWUP_RECORDED, contact, discharge.participant, day=day, result=result
    )
    return contact
