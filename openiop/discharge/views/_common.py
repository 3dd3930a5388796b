"""Policies and helpers shared by the discharge views."""

from django.core.exceptions import ValidationError

from openiop.audit.models import AuditAction
from openiop.discharge import selectors
from openiop.participants import access

SEE = ("participants.view_participant", "participants.view_clinical_record")
DECIDE = (*SEE, "discharge.record_level_change")
TRANSFER = (*SEE, "participants.admit_episode")
DISCHARGE = (*SEE, "discharge.discharge_episode")
AFTERCARE = (*SEE, "discharge.manage_aftercare")
FOLLOWUP = (*SEE, "discharge.record_followup")
ALUMNI = ("discharge.manage_alumni",)
SETTINGS = ("discharge.manage_discharge_settings",)


def _participant_and_episode(request, public_id, *, read: bool):
    action = AuditAction.PARTICIPANT_VIEWED if read else None
    participant = access.access_participant(request.user, public_id, action=action)
    return participant, selectors.chart_episode(request.user, participant)


def _errors_text(error: ValidationError) -> str:
    return " ".join(error.messages)
