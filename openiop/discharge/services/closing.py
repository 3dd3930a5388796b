"""Discharge, the discharge summary, and transfers in."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction
from openiop.core.versioning import version_claim
from openiop.discharge import selectors
from openiop.discharge.models import (
    Discharge,
    DischargeReason,
    DocumentKind,
    ReceivedDocument,
    TransferIn,
    TransferSource,
)
from openiop.discharge.services._common import (
    _audit,
    _require_admitted,
    _require_scope,
)
from openiop.participants.models import Episode, EpisodeStatus

# ----------------------------------------------------------------------------- discharge


def _end_group_places(actor, episode: Episode, last_day: date) -> None:
    """Take a discharged participant out of their recurring groups after ``last_day``."""
    from openiop.scheduling.models import GroupEnrollment
    from openiop.scheduling.services import group_leave

    enrollments = GroupEnrollment.objects.filter(
        episode=episode, ends_on=None, starts_on__lte=last_day
    ).select_related("offering")
    for enrollment in enrollments:
        group_leave(offering=enrollment.offering, episode=episode, last_day=last_day, actor=actor)


def _discharge(actor, fresh: Episode, on: date, reason: str, detail: str) -> Discharge:
    """Close a claimed (version-bumped) admitted episode and open its draft summary."""
    if reason not in DischargeReason.values:
        raise ValidationError({"reason": _("Choose the reason for discharge.")})
    if on > timezone.localdate():
        raise ValidationError({"discharged_on": _("The discharge date cannot be in the future.")})
    if on < fresh.admitted_on:
        raise ValidationError(
            {
                "discharged_on": _("The discharge date cannot be before the admission on %(day)s.")
                % {"day": fresh.admitted_on.isoformat()}
            }
        )
    discharge = Discharge(
        episode=fresh,
        participant_id=fresh.participant_id,
        discharged_on=on,
        reason=reason,
        reason_detail=(detail or "").strip(),
        author=actor,
    )
    discharge.full_clean()
    discharge.save()
    fresh.status, fresh.discharged_on = EpisodeStatus.DISCHARGED, on
    fresh.full_clean()
    fresh.save(update_fields=["status", "discharged_on", "version", "updated_at"])
    _end_group_places(actor, fresh, on)
    _audit(
        actor,
        AuditAction.EPISODE_DISCHARGED,
        discharge,
        fresh.participant,
        reason=reason,
        teds_code=discharge.teds_code,
    )
    return discharge


@transaction.atomic
def episode_discharge(
    *, actor, episode: Episode, version: int, discharged_on: date, reason: str, reason_detail=""
) -> Discharge:
    """Discharge an admitted episode: it becomes DISCHARGED (closed to new services, still
    readable) and gets a draft discharge summary to complete and sign."""
    _require_scope(actor, episode)
    fresh = version_claim(episode, expected_version=version)
    _require_admitted(fresh, _("Only an admitted, open episode can be discharged."))
    return _discharge(actor, fresh, discharged_on, reason, reason_detail)


SUMMARY_FIELDS = ("course", "diagnoses", "medications", "recommendations")
LOCKED = "This discharge summary is signed and cannot change."


@transaction.atomic
def discharge_summary_save(*, actor, discharge: Discharge, version: int, **texts) -> Discharge:
    """Change a draft summary's narrative parts (the figures are computed, not typed)."""
    unknown = set(texts) - set(SUMMARY_FIELDS)
    if unknown:
        raise TypeError(f"Not summary fields: {sorted(unknown)}")
    _require_scope(actor, discharge.episode)
    fresh = version_claim(discharge, expected_version=version)
    if fresh.is_signed:
        raise ValidationError(_(LOCKED), code="locked")
    for name, value in texts.items():
        setattr(fresh, name, (value or "").strip())
    fresh.full_clean()
    fresh.save()
    _audit(actor, AuditAction.DISCHARGE_SUMMARY_SAVED, fresh, fresh.participant)
    return fresh


def sign_problems(discharge: Discharge) -> list[str]:
    missing = []
    if not discharge.diagnoses.strip():
        missing.append(_("Give the diagnoses at discharge."))
    if not discharge.recommendations.strip():
        missing.append(_("Give the recommendations."))
    return missing


@transaction.atomic
def discharge_summary_sign(*, actor, discharge: Discharge, version: int) -> Discharge:
    """Sign the summary: its figures are frozen as they are now and the row is locked."""
    _require_scope(actor, discharge.episode)
    fresh = version_claim(discharge, expected_version=version)
    if fresh.is_signed:
        raise ValidationError(_(LOCKED), code="locked")
    problems = sign_problems(fresh)
    if problems:
        raise ValidationError(problems, code="incomplete")
    fresh.figures = selectors.discharge_figures(fresh.episode)
    fresh.status, fresh.signed_by, fresh.signed_at = Discharge.Status.SIGNED, actor, timezone.now()
    fresh.full_clean()
    fresh.save()
    _audit(actor, AuditAction.DISCHARGE_SUMMARY_SIGNED, fresh, fresh.participant)
    return fresh


# ----------------------------------------------------------------------------- transfers in


@transaction.atomic
def transfer_in_record(
    *, actor, episode: Episode, source: str, facility: str, left_on: date | None = None
) -> TransferIn:
    """Record where a participant came from (inpatient, residential, detox, PHP, other)."""
    _require_scope(actor, episode)
    if not episode.is_open:
        raise ValidationError(_("Transfers in are recorded on an open episode."), code="closed")
    if source not in TransferSource.values:
        raise ValidationError({"source": _("Choose where the participant came from.")})
    if left_on and left_on > timezone.localdate():
        raise ValidationError({"left_on": _("This date cannot be in the future.")})
    transfer = TransferIn(
        episode=episode,
        participant_id=episode.participant_id,
        source=source,
        facility=(facility or "").strip(),
        left_on=left_on,
        recorded_by=actor,
    )
    transfer.full_clean()
    transfer.save()
    _audit(actor, AuditAction.TRANSFER_IN_RECORDED, transfer, episode.participant, source=source)
    return transfer


@transaction.atomic
def received_document_add(
    *, actor, transfer: TransferIn, kind: str, received_from: str, received_on: date
) -> ReceivedDocument:
    _require_scope(actor, transfer.episode)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("This date cannot be in the future.")})
    document = ReceivedDocument(
        transfer=transfer,
        kind=kind,
        received_from=(received_from or "").strip(),
        received_on=received_on,
        recorded_by=actor,
    )
    document.full_clean()
    document.save()
    _audit(actor, AuditAction.TRANSFER_IN_RECORDED, transfer, transfer.participant, document=kind)
    return document
