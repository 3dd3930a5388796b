"""Prescribed medications: what a test is expected to show."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction
from openiop.core.versioning import version_claim
from openiop.drugtests.models import (
    Medication,
)
from openiop.drugtests.services.common import audit
from openiop.participants.models import Episode


def _clean_codes(codes) -> list[str]:
    return sorted({code.strip().upper() for code in codes if code and code.strip()})


@transaction.atomic
def medication_add(
    *,
    episode: Episode,
    actor,
    name: str,
    analyte_codes: list[str],
    started_on: date,
    ended_on: date | None = None,
    prescriber: str = "",
) -> Medication:
    codes = _clean_codes(analyte_codes)
    if not codes:
        raise ValidationError(
            {"analyte_codes": _("Name at least one analyte the medication makes a test show.")}
        )
    medication = Medication(
        participant=episode.participant,
        episode=episode,
        name=(name or "").strip(),
        analyte_codes=codes,
        started_on=started_on,
        ended_on=ended_on,
        prescriber=(prescriber or "").strip(),
        recorded_by=actor,
    )
    medication.full_clean()
    medication.save()
    audit(actor, AuditAction.DRUG_TEST_MEDICATION_CHANGED, medication, episode.participant)
    return medication


@transaction.atomic
def medication_stop(
    *, medication: Medication, actor, ended_on: date, expected_version: int
) -> Medication:
    fresh = version_claim(medication, expected_version=expected_version)
    if ended_on is None:
        raise ValidationError({"ended_on": _("Give the date the medication stopped.")})
    fresh.ended_on = ended_on
    fresh.full_clean()
    fresh.save()
    audit(
        actor,
        AuditAction.DRUG_TEST_MEDICATION_CHANGED,
        fresh,
        fresh.participant,
        stopped=ended_on.isoformat(),
    )
    return fresh


def prescribed_codes(episode: Episode, on: date) -> set[str]:
    codes: set[str] = set()
    for medication in Medication.objects.filter(episode=episode, started_on__lte=on):
        if medication.is_current_on(on):
            codes.update(medication.analyte_codes)
    return codes
