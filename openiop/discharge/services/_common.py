"""Helpers shared by the discharge services: audit, scope and date checks."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.discharge import selectors
from openiop.participants.access import episodes_in_scope
from openiop.participants.models import Episode
from openiop.programs.models import Program
from openiop.programs.selectors import programs_for


def _audit(actor, action: AuditAction, target, participant, **details) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        participant=participant,
        category=DataCategory.SUD_RECORD,
        details=details,
    )


def _require_scope(actor, episode: Episode) -> None:
    if not episodes_in_scope(actor).filter(pk=episode.pk).exists():
        raise PermissionDenied(_("You do not work on this participant's episode."))


def _require_admitted(episode: Episode, message: str) -> None:
    if episode.status not in selectors.ADMITTED_STATUSES:
        raise ValidationError(message, code="not_admitted")


def _check_decision_date(episode: Episode, day: date, field: str = "decided_on") -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date cannot be in the future.")})
    if episode.admitted_on and day < episode.admitted_on:
        raise ValidationError(
            {
                field: _("This date cannot be before the admission on %(day)s.")
                % {"day": episode.admitted_on.isoformat()}
            }
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    return reason


def _require_program(actor, program: Program) -> None:
    if not programs_for(actor).filter(pk=program.pk).exists():
        raise ValidationError(
            {"program": _("You can only work with programs you are a member of.")}
        )
