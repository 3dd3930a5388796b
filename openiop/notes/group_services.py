"""Writes for group notes: one note per session, shared content plus a section per attendee.

Signing fans the note out: each attendee's chart lists it and shows the shared content and
their own section only. Signing is refused while an attendee's name appears where another
attendee would read it (privacy.name_leaks). Reads of the whole note are audited once per
attendee, and so are its changes, so each participant's accounting of disclosures is complete.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.notes import selectors
from openiop.notes.models import (
    GroupNote,
    GroupNoteAddendum,
    GroupNoteAttendee,
    GroupNoteCosignature,
    NoteStatus,
    Participation,
)
from openiop.notes.services import (
    SIGN_REQUIRED,
    check_addendum,
    check_objectives,
    check_signable,
    check_times,
    claim_draft,
    clean_interventions,
    mark_signed,
)
from openiop.participants.models import Episode
from openiop.programs.models import Program
from openiop.programs.selectors import programs_for

GROUP_FIELDS = (
    "topic",
    "curriculum_unit",
    "service_on",
    "start_time",
    "end_time",
    "delivery",
    "location",
    "group_process",
)
SECTION_FIELDS = ("participation", "response", "progress")


def _audit(actor, action, note: GroupNote, attendees=None, **details) -> None:
    """One row per attendee (the participant's own accounting), or one without a participant
    when there are none yet."""
    attendees = list(
        note.attendees.select_related("participant") if attendees is None else attendees
    )
    for participant in [attendee.participant for attendee in attendees] or [None]:
        audit_record(
            actor=actor,
            action=action,
            target=note,
            participant=participant,
            category=DataCategory.SUD_RECORD,
            details=details,
        )


def _set_attendees(note: GroupNote, actor: User, episodes: Sequence[Episode]) -> None:
    """Make the attendee list ``episodes``: new sections for new attendees, the sections of
    those no longer listed removed (a draft only)."""
    wanted = list(dict.fromkeys(episode.pk for episode in episodes))
    eligible = set(
        selectors.eligible_attendees(actor, note.program)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    existing = {attendee.episode_id: attendee for attendee in note.attendees.all()}
    added = [pk for pk in wanted if pk not in existing]
    if set(added) - eligible:
        raise ValidationError(
            {
                "attendees": _(
                    "Attendees are participants with an active episode in this program whose "
                    "care team you are on."
                )
            }
        )
    removed = [pk for pk in existing if pk not in wanted]
    if removed:
        note.attendees.filter(episode_id__in=removed).delete()
    participants = dict(Episode.objects.filter(pk__in=added).values_list("pk", "participant_id"))
    GroupNoteAttendee.objects.bulk_create(
        GroupNoteAttendee(
            group_note=note,
            episode_id=pk,
            participant_id=participants[pk],
            position=wanted.index(pk),
        )
        for pk in added
    )


def _apply_sections(note: GroupNote, sections: Mapping[int, Mapping]) -> None:
    """Each attendee's section from ``sections`` (episode id -> participation, response,
    progress, objectives); attendees not in ``sections`` keep theirs. Saves changed rows only."""
    for attendee in note.attendees.select_related("episode").prefetch_related("objectives"):
        values = sections.get(attendee.episode_id)
        if values is None:
            continue
        changed = False
        for name in SECTION_FIELDS:
            if name in values:
                value = (values[name] or "").strip()
                changed |= getattr(attendee, name) != value
                setattr(attendee, name, value)
        if attendee.participation and attendee.participation not in Participation.values:
            raise ValidationError({"participation": _("Choose a participation level.")})
        if changed:
            attendee.save(update_fields=[*SECTION_FIELDS])
        if "objectives" in values:
            objectives = check_objectives(attendee.episode, values["objectives"])
            if {o.pk for o in objectives} != {o.pk for o in attendee.objectives.all()}:
                attendee.objectives.set(objectives)


def _apply(
    note: GroupNote,
    actor: User,
    *,
    attendees: Sequence[Episode] | None = None,
    sections: Mapping[int, Mapping] | None = None,
    interventions: Iterable[str] | None = None,
    **fields,
) -> None:
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"Not group note fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(note, name, value.strip() if isinstance(value, str) else value)
    if interventions is not None:
        note.interventions = clean_interventions(interventions)
    check_times(note)
    note.full_clean()
    note.save()
    if attendees is not None:
        _set_attendees(note, actor, attendees)
    if sections:
        _apply_sections(note, sections)


@transaction.atomic
def group_note_create(
    *,
    actor: User,
    program: Program,
    attendees: Sequence[Episode] = (),
    service_on: date | None = None,
    **fields,
) -> GroupNote:
    """Start a group note draft. A session roster (scheduling) passes its ``attendees``;
    otherwise the facilitator picks them in the editor."""
    if not programs_for(actor).filter(pk=program.pk).exists():
        raise PermissionDenied(_("You do not work in this program."))
    note = GroupNote(
        program=program, facilitator=actor, service_on=service_on or timezone.localdate()
    )
    note.full_clean()
    note.save()
    _apply(note, actor, attendees=attendees, **fields)
    _audit(actor, AuditAction.GROUP_NOTE_CREATED, note)
    return note


@transaction.atomic
def group_note_save(
    *, actor: User, group_note: GroupNote, version: int, editor: str = "", **changes
) -> GroupNote:
    """Save a draft. ``changes``: any of GROUP_FIELDS, ``interventions``, ``attendees``
    (episodes: the whole list), ``sections`` (episode id -> section values)."""
    note = claim_draft(group_note, actor=actor, version=version, editor=editor)
    _apply(note, actor, **changes)
    _audit(actor, AuditAction.GROUP_NOTE_SAVED, note, version=note.version)
    return note


def _sign_errors(note: GroupNote, attendees: list[GroupNoteAttendee]) -> dict[str, list]:
    """Field -> messages, with what belongs to no one field under NON_FIELD_ERRORS."""
    errors: dict[str, list] = {name: [message] for name, message in check_signable(note).items()}
    for name in ("topic", "group_process"):
        if not getattr(note, name):
            errors[name] = [SIGN_REQUIRED]
    general = [_("Add the attendees before signing.")] if not attendees else []
    general += [
        _("%(name)s: record participation and response before signing.")
        % {"name": attendee.participant.display_name}
        for attendee in attendees
        if not attendee.participation or not attendee.response
    ]
    general += [str(warning) for warning in selectors.name_warnings(note, attendees)]
    if general:
        errors[NON_FIELD_ERRORS] = general
    return errors


@transaction.atomic
def group_note_sign(
    *, actor: User, group_note: GroupNote, version: int, editor: str = "", **changes
) -> GroupNote:
    """Save the last changes and sign; each attendee's chart then shows the shared content and
    their own section. Refused, with nothing saved, while anything is missing or an attendee's
    name appears where another attendee would read it."""
    note = claim_draft(group_note, actor=actor, version=version, editor=editor)
    _apply(note, actor, **changes)
    attendees = selectors.group_note_attendees(note)
    errors = _sign_errors(note, attendees)
    if errors:
        raise ValidationError(errors)
    mark_signed(note, actor)
    note.full_clean()
    note.save()
    _audit(
        actor,
        AuditAction.GROUP_NOTE_SIGNED,
        note,
        attendees,
        needs_cosignature=note.cosigner_id is not None,
    )
    return note


@transaction.atomic
def group_note_discard(
    *, actor: User, group_note: GroupNote, version: int, editor: str = ""
) -> None:
    """Delete a draft group note its facilitator no longer wants."""
    note = claim_draft(group_note, actor=actor, version=version, editor=editor)
    _audit(actor, AuditAction.GROUP_NOTE_DISCARDED, note)
    note.delete()


@transaction.atomic
def group_note_cosign(*, actor: User, group_note: GroupNote) -> GroupNoteCosignature:
    note = GroupNote.objects.select_for_update().get(pk=group_note.pk)
    if not note.is_signed or note.cosigner_id is None:
        raise ValidationError(_("This note does not need a co-signature."), code="not_needed")
    if note.cosigner_id != actor.pk:
        raise PermissionDenied(_("Only the supervisor named on this note can co-sign it."))
    if GroupNoteCosignature.objects.filter(group_note=note).exists():
        raise ValidationError(_("This note is already co-signed."), code="already_cosigned")
    cosignature = GroupNoteCosignature.objects.create(
        group_note=note, signed_by=actor, signed_at=timezone.now()
    )
    _audit(actor, AuditAction.GROUP_NOTE_COSIGNED, note)
    return cosignature


@transaction.atomic
def group_note_add_addendum(
    *,
    actor: User,
    group_note: GroupNote,
    text: str,
    attested: bool,
    attendee: GroupNoteAttendee | None = None,
) -> GroupNoteAddendum:
    """An addendum to the shared content (every attendee's chart shows it) or to one
    attendee's section (only theirs). It may name no attendee whose chart would show it."""
    from openiop.notes import privacy

    text = check_addendum(text, attested)
    if group_note.status != NoteStatus.SIGNED:
        raise ValidationError(_("Addenda are for signed notes: edit the draft instead."))
    attendees = selectors.group_note_attendees(group_note)
    if attendee is not None and attendee.group_note_id != group_note.pk:
        raise ValidationError({"attendee": _("Choose an attendee of this group.")})
    others = [person for person in attendees if attendee is None or person.pk != attendee.pk]
    for person in others:
        found = privacy.find_name(text, selectors.people([person])[0].names)
        if found:
            raise ValidationError(
                {
                    "text": _(
                        "The addendum mentions %(name)s (\u201c%(found)s\u201d), whose chart "
                        "must not show it: refer to peers generically."
                    )
                    % {"name": person.participant.display_name, "found": found}
                }
            )
    addendum = GroupNoteAddendum.objects.create(
        group_note=group_note, attendee=attendee, author=actor, text=text, signed_at=timezone.now()
    )
    _audit(
        actor,
        AuditAction.GROUP_NOTE_ADDENDUM_ADDED,
        group_note,
        attendees if attendee is None else [attendee],
        addendum=str(addendum.public_id),
    )
    return addendum
