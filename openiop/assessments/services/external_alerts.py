"""Clinical alerts raised outside an administration (e.g. a portal check-in's risk answer).

The alert is the same ClinicalAlert the care team acknowledges with the action taken; its
``administration`` is empty and its code says where it came from."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.assessments.models import AlertSeverity, ClinicalAlert
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.participants.models import Participant


@transaction.atomic
def external_alert_raise(
    *, actor: User, participant: Participant, code: str, severity: str
) -> ClinicalAlert:
    """Raise one alert for ``participant``'s care team; audited (the code, never text)."""
    severity = AlertSeverity(severity)
    alert = ClinicalAlert.objects.create(
        participant=participant, administration=None, code=code, severity=severity
    )
    audit_record(
        actor=actor,
        action=AuditAction.ALERT_RAISED,
        target=alert,
        participant=participant,
        category=DataCategory.SUD_RECORD,
        details={"alert": code},
    )
    return alert


@transaction.atomic
def external_alert_acknowledge(
    *, actor: User, alert: ClinicalAlert, action_taken: str, note: str = ""
) -> ClinicalAlert:
    """Acknowledge an alert raised outside an administration, with the action taken.

    The same rules as ``alert_acknowledge``; validation leaves out the empty
    ``administration`` (the model field is null=True without blank=True)."""
    alert = ClinicalAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.administration_id is not None:
        raise ValueError("Alerts from an administration go through alert_acknowledge().")
    if not alert.is_open:
        raise ValidationError(_("This alert was already acknowledged."), code="acknowledged")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    alert.action_taken = action_taken
    alert.note = note
    alert.full_clean(exclude=["administration"])
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
