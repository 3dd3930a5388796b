"""Alumni groups, members, events and attendance; the program's settings."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.discharge.models import (
    AlumniEvent,
    AlumniGroup,
    AlumniMembership,
    DischargeSettings,
)
from openiop.discharge.services._common import (
    _audit,
    _require_program,
)
from openiop.participants.access import episodes_in_scope
from openiop.participants.models import EpisodeStatus
from openiop.programs.models import Program

# ----------------------------------------------------------------------------- alumni


@transaction.atomic
def alumni_group_create(
    *, actor, program: Program, name: str, description: str = ""
) -> AlumniGroup:
    _require_program(actor, program)
    group = AlumniGroup(program=program, name=(name or "").strip(), description=description.strip())
    group.full_clean()
    group.save()
    audit_record(
        actor=actor,
        action=AuditAction.ALUMNI_CHANGED,
        target=group,
        category=DataCategory.ADMINISTRATIVE,
        details={"change": "group_created"},
    )
    return group


def alumni_candidates(actor, group: AlumniGroup):
    """Participants discharged from the group's program (in the actor's scope) who are not
    members yet."""
    from openiop.participants.models import Participant

    discharged = episodes_in_scope(actor).filter(
        program=group.program_id, status=EpisodeStatus.DISCHARGED, admitted_on__isnull=False
    )
    return (
        Participant.objects.filter(episodes__in=discharged)
        .exclude(alumni_memberships__group=group)
        .distinct()
        .order_by("legal_last_name", "legal_first_name")
    )


@transaction.atomic
def alumni_member_add(
    *, actor, group: AlumniGroup, participant, joined_on: date, has_portal_opt_in: bool = False
) -> AlumniMembership:
    """Add a former participant of the group's program (discharged after admission)."""
    _require_program(actor, group.program)
    if not alumni_candidates(actor, group).filter(pk=participant.pk).exists():
        raise ValidationError(
            {"participant": _("Choose someone discharged from this program who is not a member.")}
        )
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("This date cannot be in the future.")})
    membership = AlumniMembership(
        group=group,
        participant=participant,
        joined_on=joined_on,
        has_portal_opt_in=has_portal_opt_in,
    )
    membership.full_clean()
    membership.save()
    _audit(actor, AuditAction.ALUMNI_CHANGED, membership, participant, change="member_added")
    return membership


@transaction.atomic
def alumni_opt_in_set(*, actor, membership: AlumniMembership, has_portal_opt_in: bool):
    _require_program(actor, membership.group.program)
    membership.has_portal_opt_in = has_portal_opt_in
    membership.save(update_fields=["has_portal_opt_in", "updated_at"])
    _audit(
        actor,
        AuditAction.ALUMNI_CHANGED,
        membership,
        membership.participant,
        change="portal_opt_in" if has_portal_opt_in else "portal_opt_out",
    )
    return membership


@transaction.atomic
def alumni_event_create(
    *, actor, group: AlumniGroup, title: str, held_on: date, location: str = ""
) -> AlumniEvent:
    _require_program(actor, group.program)
    event = AlumniEvent(
        group=group, title=(title or "").strip(), held_on=held_on, location=location
    )
    event.full_clean()
    event.save()
    audit_record(
        actor=actor,
        action=AuditAction.ALUMNI_CHANGED,
        target=event,
        category=DataCategory.ADMINISTRATIVE,
        details={"change": "event_created"},
    )
    return event


@transaction.atomic
def alumni_attendance_set(*, actor, event: AlumniEvent, memberships) -> AlumniEvent:
    """Who attended an event (members of its group), once the day has come."""
    _require_program(actor, event.group.program)
    if event.held_on > timezone.localdate():
        raise ValidationError(_("Attendance is recorded on or after the day of the event."))
    memberships = list(memberships)
    if any(m.group_id != event.group_id for m in memberships):
        raise ValidationError(_("Only members of the group attend its events."))
    before = set(event.attendees.values_list("pk", flat=True))
    event.attendees.set(memberships)
    after = {m.pk for m in memberships}
    for membership in memberships:
        if membership.pk not in before:
            _audit(
                actor, AuditAction.ALUMNI_CHANGED, event, membership.participant, change="attended"
            )
    for membership in AlumniMembership.objects.filter(pk__in=before - after).select_related(
        "participant"
    ):
        _audit(
            actor, AuditAction.ALUMNI_CHANGED, event, membership.participant, change="not_attended"
        )
    return event


# ----------------------------------------------------------------------------- settings


@transaction.atomic
def discharge_settings_update(*, actor, program: Program, **values) -> DischargeSettings:
    _require_program(actor, program)
    current, _created = DischargeSettings.objects.get_or_create(program=program)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.DISCHARGE_SETTINGS_CHANGED,
        target=current,
        details={"program": str(program.public_id), **{k: str(v) for k, v in values.items()}},
    )
    return current
