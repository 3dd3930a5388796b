"""Phase and level-of-care decisions, and internal transfers."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openiop.assessments.models import DimensionalAssessment
from openiop.audit.models import AuditAction
from openiop.core.versioning import version_claim
from openiop.discharge import rules
from openiop.discharge.models import (
    DischargeReason,
    LevelOfCareChange,
    PhaseChange,
)
from openiop.discharge.services._common import (
    _audit,
    _check_decision_date,
    _require_admitted,
    _require_reason,
    _require_scope,
)
from openiop.discharge.services.closing import _discharge
from openiop.participants import services as participant_services
from openiop.participants.models import Episode, ReferralSource
from openiop.participants.selectors import clinical_staff_in
from openiop.programs.models import Program, ProgramPhase

# ----------------------------------------------------------------------------- phase & level


@transaction.atomic
def phase_change(
    *,
    actor,
    episode: Episode,
    version: int,
    to_phase: ProgramPhase,
    reason: str,
    decided_on: date,
) -> PhaseChange:
    """Move an admitted episode to another phase of its program, as a recorded decision."""
    _require_scope(actor, episode)
    reason = _require_reason(reason)
    fresh = version_claim(episode, expected_version=version)
    _require_admitted(fresh, _("Only an admitted, open episode changes phase."))
    if to_phase.program_id != fresh.program_id:
        raise ValidationError({"to_phase": _("This phase belongs to another program.")})
    if to_phase.pk == fresh.current_phase_id:
        raise ValidationError({"to_phase": _("The participant is already in this phase.")})
    _check_decision_date(fresh, decided_on)
    change = PhaseChange(
        episode=fresh,
        participant_id=fresh.participant_id,
        from_phase_id=fresh.current_phase_id,
        to_phase=to_phase,
        reason=reason,
        decided_on=decided_on,
        decided_by=actor,
    )
    change.full_clean()
    change.save()
    fresh.current_phase = to_phase
    fresh.save(update_fields=["current_phase", "version", "updated_at"])
    _audit(
        actor,
        AuditAction.PHASE_CHANGED,
        change,
        fresh.participant,
        from_phase=change.from_phase_id,
        to_phase=to_phase.pk,
    )
    return change


def transfer_programs(episode: Episode, to_level: str | None = None):
    """Programs an internal transfer may go to: active, same site, at ``to_level`` (any
    level when None)."""
    programs = Program.objects.filter(site_id=episode.program.site_id, is_active=True)
    if to_level is not None:
        programs = programs.filter(level_of_care=to_level)
    return programs.exclude(pk=episode.program_id).order_by("name")


@transaction.atomic
def level_of_care_change(
    *,
    actor,
    episode: Episode,
    version: int,
    to_level: str,
    assessment: DimensionalAssessment | None,
    reason: str,
    decided_on: date,
    target_program: Program | None = None,
    provider: str = "",
    discharge_now: bool = False,
) -> LevelOfCareChange:
    """Record a change of level of care backed by a dimensional assessment.

    With ``target_program`` (same site, at the new level) the participant is transferred at
    once: this episode is discharged as "transferred" and an episode in the target program is
    opened and admitted, all or nothing. With an outside ``provider`` and ``discharge_now``
    this episode is discharged as "transferred" to that provider (e.g. to a higher level).
    """
    _require_scope(actor, episode)
    reason = _require_reason(reason)
    fresh = version_claim(episode, expected_version=version)
    _require_admitted(fresh, _("Only an admitted, open episode changes level of care."))
    from_level = fresh.program.level_of_care
    if to_level not in rules.LEVEL_ORDER:
        raise ValidationError({"to_level": _("Choose a level of care.")})
    if to_level == from_level:
        raise ValidationError({"to_level": _("This is the program's own level of care.")})
    if assessment is None:
        raise ValidationError(
            {"assessment": _("A level-of-care change needs the assessment behind it.")}
        )
    if assessment.episode_id != fresh.pk or assessment.participant_id != fresh.participant_id:
        raise ValidationError(
            {"assessment": _("Choose an assessment from this participant's episode.")}
        )
    _check_decision_date(fresh, decided_on)
    if assessment.assessed_on > decided_on:
        raise ValidationError({"assessment": _("The assessment is dated after the decision.")})
    provider = (provider or "").strip()
    if target_program is not None:
        if not transfer_programs(fresh, to_level).filter(pk=target_program.pk).exists():
            raise ValidationError(
                {
                    "target_program": _(
                        "Transfers go to an active program of this site at the new level."
                    )
                }
            )
        provider = target_program.name
    if discharge_now and target_program is None and not provider:
        raise ValidationError({"provider": _("Name the provider the participant goes to.")})
    change = LevelOfCareChange(
        episode=fresh,
        participant_id=fresh.participant_id,
        from_level=from_level,
        to_level=to_level,
        assessment=assessment,
        reason=reason,
        decided_on=decided_on,
        decided_by=actor,
        provider=provider,
    )
    if target_program is not None:
        change.target_episode = _transfer(actor, fresh, target_program, decided_on)
    elif discharge_now:
        _discharge(actor, fresh, decided_on, DischargeReason.TRANSFERRED, provider)
    else:
        fresh.save(update_fields=["version", "updated_at"])
    change.full_clean()
    change.save()
    _audit(
        actor,
        AuditAction.LEVEL_OF_CARE_CHANGED,
        change,
        fresh.participant,
        from_level=from_level,
        to_level=to_level,
        assessment=str(assessment.public_id),
    )
    return change


def _transfer(actor, fresh: Episode, target: Program, on: date) -> Episode:
    staff = clinical_staff_in(target)
    clinician = next(
        (
            user
            for user in (fresh.primary_clinician, actor)
            if user and staff.filter(pk=user.pk).exists()
        ),
        None,
    )
    if clinician is None:
        raise ValidationError(
            {"target_program": _("Neither you nor the primary clinician works in that program.")}
        )
    _discharge(actor, fresh, on, DischargeReason.TRANSFERRED, target.name)
    source = ReferralSource.PHP if fresh.program.level_of_care == "2.5" else ReferralSource.OTHER
    new = participant_services.episode_refer(
        actor=actor,
        participant=fresh.participant,
        program=target,
        referral_source=source,
        referred_on=on,
    )
    new = participant_services.episode_admit(
        actor=actor, episode=new, version=new.version, admitted_on=on, primary_clinician=clinician
    )
    _audit(
        actor,
        AuditAction.EPISODE_TRANSFERRED,
        new,
        fresh.participant,
        from_episode=str(fresh.public_id),
        to_program=str(target.public_id),
    )
    return new
