"""Writes on programs. Membership decides program-wide scope, so it is audited (AZ-8)."""

from django.db import transaction

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.programs.models import Program, ProgramMembership


@transaction.atomic
def program_membership_add(*, actor, user, program: Program) -> ProgramMembership:
    membership, created = ProgramMembership.objects.get_or_create(user=user, program=program)
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.MEMBERSHIP_ADDED,
            target=user,
            category=DataCategory.SECURITY,
            details={"program": str(program.public_id)},
        )
    return membership


@transaction.atomic
def program_membership_remove(*, actor, user, program: Program) -> None:
    deleted, _rows = ProgramMembership.objects.filter(user=user, program=program).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.MEMBERSHIP_REMOVED,
            target=user,
            category=DataCategory.SECURITY,
            details={"program": str(program.public_id)},
        )
