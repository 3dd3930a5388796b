"""Who may open which note. Scope comes from participants/access.py; notes add two rules.

- A draft is seen by its author only (and only while the episode is in their scope).
- A signed progress note is seen by whoever has its episode in scope, and by the supervisor
  named to co-sign it while they work in its program (they need it to co-sign, and supervision
  is part of the program's own work: 42 CFR 2.12(c)(3)).
- A whole group note (every attendee's section) is seen by its facilitator, by its named
  co-signer, and by whoever has every attendee's episode in scope (e.g. the program director).
  Everyone else reaches a group note through one attendee's section only, and sees the shared
  content and that section.

Out of scope answers 404 with an audited denial, like every other record.
"""

from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from openiop.audit.models import AuditAction, AuditOutcome
from openiop.audit.services import audit_record
from openiop.notes.models import GroupNote, GroupNoteAttendee, NoteStatus, ProgressNote
from openiop.participants.access import (
    access_participant_object,
    data_category_for,
    episodes_in_scope,
)

VIEWED = AuditAction.PARTICIPANT_VIEWED


def _works_in_program(user, program_path: str) -> Q:
    return Q(**{f"{program_path}__memberships__user": user})


def _readable(user) -> Q:
    """Signed notes, and the user's own drafts."""
    return Q(status=NoteStatus.SIGNED) | Q(author=user)


def _audit_read(user, action, participant, target) -> None:
    if action is not None:
        audit_record(
            actor=user,
            action=action,
            target=target,
            participant=participant,
            category=data_category_for(user),
        )


def _deny(user, public_id, participant=None):
    audit_record(
        actor=user,
        action=AuditAction.ACCESS_DENIED,
        outcome=AuditOutcome.DENIED,
        participant=participant,
        target_id=str(public_id),
    )
    raise Http404


def progress_notes_for_cosigner(user) -> QuerySet[ProgressNote]:
    """Signed notes naming ``user`` as co-signer, in programs ``user`` works in."""
    supervised = ProgressNote.objects.filter(
        _works_in_program(user, "episode__program"), cosigner=user, status=NoteStatus.SIGNED
    )
    return ProgressNote.objects.filter(pk__in=supervised.values("pk"))


def access_progress_note(
    user, public_id: UUID | str, *, action: AuditAction | None = VIEWED
) -> ProgressNote:
    """The note if ``user`` may open it (see the module's rules), else 404 and a denial."""
    queryset = ProgressNote.objects.select_related(
        "participant", "episode__program", "author", "signed_by", "cosigner"
    )
    supervised = progress_notes_for_cosigner(user).filter(public_id=public_id)
    note = queryset.filter(pk__in=supervised.values("pk")).first()
    if note is not None:
        _audit_read(user, action, note.participant, note)
        return note
    return access_participant_object(
        user, queryset.filter(_readable(user)), public_id, action=action
    )


def group_notes_visible_to(user) -> QuerySet[GroupNote]:
    """Whole group notes ``user`` may open (see the module's rules)."""
    if not user.is_authenticated:
        return GroupNote.objects.none()
    own = Q(facilitator=user)
    supervising = Q(cosigner=user, status=NoteStatus.SIGNED)
    outside_scope = GroupNoteAttendee.objects.filter(group_note=OuterRef("pk")).exclude(
        episode__in=episodes_in_scope(user)
    )
    every_attendee = Q(status=NoteStatus.SIGNED) & ~Exists(outside_scope)
    visible = GroupNote.objects.filter(
        _works_in_program(user, "program") & (own | supervising | every_attendee)
    )
    return GroupNote.objects.filter(pk__in=visible.values("pk"))


def access_group_note(
    user, public_id: UUID | str, *, action: AuditAction | None = VIEWED
) -> GroupNote:
    """The whole group note, or 404 and a denial. An allowed read is audited once per
    attendee, since each attendee's section is shown."""
    note = (
        group_notes_visible_to(user)
        .filter(public_id=public_id)
        .select_related("program", "facilitator", "signed_by", "cosigner")
        .first()
    )
    if note is None:
        _deny(user, public_id)
    if action is not None:
        for attendee in note.attendees.select_related("participant"):
            _audit_read(user, action, attendee.participant, note)
    return note


def access_attendee_section(
    user, public_id: UUID | str, *, action: AuditAction | None = VIEWED
) -> GroupNoteAttendee:
    """One attendee's view of a signed group note (shared content and their own section),
    for whoever has that attendee's episode in scope."""
    queryset = GroupNoteAttendee.objects.filter(
        group_note__status=NoteStatus.SIGNED
    ).select_related(
        "participant", "episode__program", "group_note__facilitator", "group_note__signed_by"
    )
    return access_participant_object(user, queryset, public_id, action=action)
