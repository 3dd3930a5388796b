"""Writing the audit trail. Every service and every participant page calls ``audit_record``."""

from collections.abc import Iterable
from typing import Any

from django.db import models

from openiop.audit.models import AuditAction, AuditEvent, AuditOutcome, DataCategory
from openiop.core import request_context


def _actor_fields(actor, actor_email: str | None) -> dict[str, Any]:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return {"actor": actor, "actor_email": actor_email or actor.email}
    return {"actor": None, "actor_email": actor_email or ""}


def _target_fields(target: models.Model | None, target_id: str | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": target_id or ""}
    identifier = getattr(target, "public_id", None) or target.pk
    return {"target_type": target._meta.label_lower, "target_id": str(identifier)}


def audit_record(
    *,
    actor,
    action: AuditAction,
    target: models.Model | None = None,
    target_id: str | None = None,
    participant=None,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
    category: DataCategory = DataCategory.NONE,
    details: dict[str, Any] | None = None,
    actor_email: str | None = None,
) -> AuditEvent:
    """Append one audit row. ``details`` holds identifiers and codes only, never clinical text."""
    action = AuditAction(action)  # an unknown action is a programming error: fail loudly
    context = request_context.current()
    return AuditEvent.objects.create(
        **_actor_fields(actor, actor_email),
        **_target_fields(target, target_id),
        action=action,
        outcome=outcome,
        category=category,
        participant=participant,
        ip_address=context.ip_address,
        user_agent=context.user_agent,
        path=context.path,
        details=details or {},
    )


def audit_record_listing(
    *, actor, participants: Iterable, category: DataCategory, details: dict | None = None
) -> None:
    """One row per participant shown in a list or search result, in one query."""
    context = request_context.current()
    actor_fields = _actor_fields(actor, None)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            **actor_fields,
            action=AuditAction.PARTICIPANT_LISTED,
            participant=participant,
            target_type=participant._meta.label_lower,
            target_id=str(participant.public_id),
            category=category,
            ip_address=context.ip_address,
            user_agent=context.user_agent,
            path=context.path,
            details=details or {},
        )
        for participant in participants
    )
