"""Each program's meaningful-change thresholds: read them (``meaningful_change``) and change them
(``report_settings_update``).

The published values in ``assessments/instruments/change.py`` are the defaults; a program's
director may set its own, because states and payers differ on what counts as a clinically
meaningful improvement.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openiop.assessments.instruments.change import MEANINGFUL_CHANGE
from openiop.audit.models import AuditAction
from openiop.audit.services import audit_record
from openiop.core.versioning import version_claim
from openiop.programs.models import Program
from openiop.programs.selectors import programs_for
from openiop.reports.access import CHANGE_SETTINGS
from openiop.reports.models import ReportSettings


def meaningful_change(program_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """For each program id, the meaningful-change threshold (points) per instrument code: the
    program's own where it set one, else the published default. One query at most."""
    ids = list(dict.fromkeys(program_ids))
    thresholds = {program_id: dict(MEANINGFUL_CHANGE) for program_id in ids}
    if not ids:
        return thresholds
    fields = ReportSettings.THRESHOLD_FIELDS
    rows = ReportSettings.objects.filter(program_id__in=ids).values_list(
        "program_id", *fields.values()
    )
    for program_id, *values in rows:
        for code, value in zip(fields, values, strict=True):
            if value is not None:
                thresholds[program_id][code] = value
    return thresholds


@transaction.atomic
def report_settings_update(
    *, actor, program: Program, values: dict[str, int | None], expected_version: int
) -> ReportSettings:
    """Set a program's thresholds (``values``: field name -> points, None for the published
    default). ``expected_version`` is the version the form showed, 0 when the program had no
    settings yet: a form loaded before someone else saved conflicts rather than overwriting.
    The audit row keeps the values before and after."""
    if not actor.has_perm(CHANGE_SETTINGS):
        raise PermissionDenied
    if not programs_for(actor).filter(pk=program.pk).exists():
        raise ValidationError(
            {"program": _("You can only change the settings of a program you work in.")}
        )
    unknown = set(values) - set(ReportSettings.THRESHOLD_FIELDS.values())
    if unknown:
        raise ValueError(f"not report settings: {', '.join(sorted(unknown))}")
    current, created = ReportSettings.objects.get_or_create(program=program)
    if not created or expected_version != 0:
        current = version_claim(current, expected_version=expected_version)
    before = current.stored_thresholds()
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.REPORT_SETTINGS_CHANGED,
        target=current,
        details={
            "program": str(program.public_id),
            "version": current.version,
            "before": before,
            "after": current.stored_thresholds(),
        },
    )
    return current
