"""Shared by the drug-testing services: the audit helper and the program's policy."""

from openiop.audit.models import DataCategory
from openiop.audit.services import audit_record
from openiop.drugtests.models import TestingPolicy

SUD = DataCategory.SUD_RECORD


def audit(actor, action, target, participant=None, **details) -> None:
    """One audit row for a drug-testing write; ``actor`` None is the system (e.g. a
    command-line import without --user)."""
    audit_record(
        actor=actor,
        action=action,
        target=target,
        participant=participant,
        category=SUD if participant is not None else DataCategory.NONE,
        details=details,
        actor_email=None if actor is not None else "system",
    )


def policy_for(program) -> TestingPolicy:
    """The program's testing policy (an unsaved default when it has none)."""
    return TestingPolicy.objects.filter(program=program).first() or TestingPolicy(program=program)
