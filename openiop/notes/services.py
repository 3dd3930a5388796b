"""Writes for progress notes and the programs' note settings. Each takes the actor, runs in a
transaction, validates, saves and audits itself. Group notes: group_services.py.

A draft is saved with the version its editor loaded (optimistic locking, REL-1). The editor
page also sends a token of its own: a save from the same page (its autosave, then its Save
button) is the same person continuing, so it does not conflict with itself; a save from any
other page (another tab, another device) since that version does.
"""

from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.core.versioning import version_claim
from openiop.notes import formats
from openiop.notes.models import (
    NotePolicy,
    NoteStatus,
    NoteTemplate,
    ProgressNote,
    ProgressNoteAddendum,
    ProgressNoteCosignature,
    ServiceType,
    SignedDocument,
)
from openiop.participants.access import episodes_in_scope
from openiop.participants.models import OPEN_STATUSES, Episode, Participant
from openiop.programs.models import Program
from openiop.programs.selectors import programs_for

NOTE_FIELDS = ("service_type", "service_on", "start_time", "end_time", "delivery", "location")
SIGN_REQUIRED = _("Fill this in before signing.")


# --- Shared by progress and group notes ----------------------------------------------------


def claim_draft(document: SignedDocument, *, actor: User, version: int, editor: str = ""):
    """A locked, version-bumped copy of a draft for its author to change (see module doc)."""
    try:
        fresh = version_claim(document, expected_version=version)
    except ValidationError:
        fresh = type(document).objects.select_for_update().get(pk=document.pk)
        if fresh.is_signed or not editor or fresh.editor_token != editor:
            raise
        fresh.version += 1
    if fresh.is_signed:
        raise ValidationError(
            _("This note is already signed: add an addendum instead."), code="signed"
        )
    if _author_of(fresh) != actor.pk:
        raise PermissionDenied(_("Only the author can change a draft."))
    fresh.editor_token = editor
    return fresh


def _author_of(document) -> int:
    return getattr(document, "author_id", None) or document.facilitator_id


def clean_interventions(values: Iterable[str]) -> list[str]:
    from openiop.plans.models import Modality

    values = list(dict.fromkeys(values))
    if any(value not in Modality.values for value in values):
        raise ValidationError({"interventions": _("Choose interventions from the list.")})
    return values


def check_times(document: SignedDocument, *, not_before: date | None = None) -> None:
    errors = {}
    if document.service_on and document.service_on > timezone.localdate():
        errors["service_on"] = _("The date of service cannot be in the future.")
    elif not_before and document.service_on and document.service_on < not_before:
        errors["service_on"] = _("The date of service is before this episode's referral.")
    start, end = document.start_time, document.end_time
    if start and end and end <= start:
        errors["end_time"] = _("The end time must be after the start time.")
    if errors:
        raise ValidationError(errors)


def check_signable(document: SignedDocument) -> dict[str, str]:
    """Errors (field -> message) that stop a complete draft from being signed."""
    return {
        name: SIGN_REQUIRED for name in ("start_time", "end_time") if not getattr(document, name)
    }


def cosigner_for(actor: User) -> User | None:
    """The supervisor who must co-sign the actor's notes, if their account needs one."""
    if not actor.requires_cosignature:
        return None
    supervisor = actor.supervisor
    if supervisor is None or not supervisor.is_active:
        raise ValidationError(
            _(
                "Your notes need a supervisor's co-signature, but your account names no active "
                "supervisor. Ask your program director to set one; your draft is kept."
            ),
            code="no_supervisor",
        )
    return supervisor


def mark_signed(document: SignedDocument, actor: User) -> None:
    document.status = NoteStatus.SIGNED
    document.signed_by = actor
    document.signed_at = timezone.now()
    document.cosigner = cosigner_for(actor)


def check_objectives(episode: Episode, objectives: Iterable) -> list:
    """``objectives`` if each belongs to a signed version of this episode's plan."""
    from openiop.plans.models import PlanObjective

    objectives = list(objectives)
    ids = {objective.pk for objective in objectives}
    valid = set(
        PlanObjective.objects.filter(
            pk__in=ids, plan_version__plan__episode=episode, plan_version__status="signed"
        ).values_list("pk", flat=True)
    )
    if ids - valid:
        raise ValidationError(
            {"objectives": _("Choose objectives from this episode's treatment plan.")}
        )
    return objectives


def check_addendum(text: str, attested: bool) -> str:
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write the addendum.")
    if not attested:
        errors["attested"] = _("Confirm that you sign this addendum.")
    if errors:
        raise ValidationError(errors)
    return text


# --- Progress notes ------------------------------------------------------------------------


def _audit(actor, action, note: ProgressNote, **details) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=note,
        participant=note.participant,
        category=DataCategory.SUD_RECORD,
        details=details,
    )


@transaction.atomic
def progress_note_create(
    *,
    actor: User,
    participant: Participant,
    episode: Episode | None,
    format: str,
    service_type: str = ServiceType.INDIVIDUAL,
    service_on: date | None = None,
) -> ProgressNote:
    """Start a draft in one of the participant's open episodes that the actor works on."""
    if format not in formats.FORMATS:
        raise ValidationError({"format": _("Choose a note format.")})
    if (
        episode is None
        or episode.participant_id != participant.pk
        or episode.status not in OPEN_STATUSES
    ):
        raise ValidationError(
            _("Notes are written in one of the participant's open episodes."), code="episode"
        )
    if not episodes_in_scope(actor).filter(pk=episode.pk).exists():
        raise PermissionDenied(_("You do not work on this participant's episode."))
    note = ProgressNote(
        participant=participant,
        episode=episode,
        author=actor,
        format=format,
        service_type=service_type,
        service_on=service_on or timezone.localdate(),
    )
    check_times(note, not_before=episode.referred_on)
    note.full_clean()
    note.save()
    _audit(actor, AuditAction.NOTE_CREATED, note, format=format)
    return note


def _apply(
    note: ProgressNote,
    *,
    content: Mapping[str, str] | None = None,
    interventions: Iterable[str] | None = None,
    objectives: Iterable | None = None,
    **fields,
) -> list | None:
    """Put the changes on ``note`` (unsaved) and validate them; returns the objectives to link."""
    unknown = set(fields) - set(NOTE_FIELDS)
    if unknown:
        raise TypeError(f"Not note fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(note, name, value)
    if content is not None:
        note.content = formats.clean_content(note.format_spec, content)
    if interventions is not None:
        note.interventions = clean_interventions(interventions)
    check_times(note, not_before=note.episode.referred_on)
    if objectives is not None:
        objectives = check_objectives(note.episode, objectives)
    note.full_clean()
    return objectives


@transaction.atomic
def progress_note_save(
    *, actor: User, note: ProgressNote, version: int, editor: str = "", **changes
) -> ProgressNote:
    """Save a draft (the editor's Save button and its autosave). ``changes``: any of
    NOTE_FIELDS, ``content`` (section key -> text), ``interventions`` (Modality values),
    ``objectives`` (PlanObjective rows of this episode's plan)."""
    note = claim_draft(note, actor=actor, version=version, editor=editor)
    objectives = _apply(note, **changes)
    note.save()
    if objectives is not None:
        note.objectives.set(objectives)
    _audit(actor, AuditAction.NOTE_SAVED, note, version=note.version)
    return note


@transaction.atomic
def progress_note_sign(
    *, actor: User, note: ProgressNote, version: int, editor: str = "", **changes
) -> ProgressNote:
    """Save the last changes and sign. After signing the note is locked: corrections go
    through progress_note_add_addendum(). Refused (nothing saved) while a required section or
    the times are missing. A counselor who needs co-signature names their supervisor."""
    note = claim_draft(note, actor=actor, version=version, editor=editor)
    objectives = _apply(note, **changes)
    errors = check_signable(note)
    for section in formats.missing_sections(note.format_spec, note.content):
        errors[section.key] = SIGN_REQUIRED
    if errors:
        raise ValidationError(errors)
    mark_signed(note, actor)
    note.full_clean()
    if objectives is not None:  # linked while still a draft: the lock forbids it afterwards
        note.objectives.set(objectives)
    note.save()
    _audit(actor, AuditAction.NOTE_SIGNED, note, needs_cosignature=note.cosigner_id is not None)
    return note


@transaction.atomic
def progress_note_discard(
    *, actor: User, note: ProgressNote, version: int, editor: str = ""
) -> None:
    """Delete a draft its author no longer wants (a signed note is never deleted)."""
    note = claim_draft(note, actor=actor, version=version, editor=editor)
    _audit(actor, AuditAction.NOTE_DISCARDED, note)
    note.delete()


@transaction.atomic
def progress_note_cosign(*, actor: User, note: ProgressNote) -> ProgressNoteCosignature:
    """The supervisor named on a signed note co-signs it (a row of its own: the note stays
    as its author signed it)."""
    note = ProgressNote.objects.select_for_update().get(pk=note.pk)
    if not note.is_signed or note.cosigner_id is None:
        raise ValidationError(_("This note does not need a co-signature."), code="not_needed")
    if note.cosigner_id != actor.pk:
        raise PermissionDenied(_("Only the supervisor named on this note can co-sign it."))
    if ProgressNoteCosignature.objects.filter(progress_note=note).exists():
        raise ValidationError(_("This note is already co-signed."), code="already_cosigned")
    cosignature = ProgressNoteCosignature.objects.create(
        progress_note=note, signed_by=actor, signed_at=timezone.now()
    )
    _audit(actor, AuditAction.NOTE_COSIGNED, note)
    return cosignature


@transaction.atomic
def progress_note_add_addendum(
    *, actor: User, note: ProgressNote, text: str, attested: bool
) -> ProgressNoteAddendum:
    """A signed correction or addition, shown under the signed note with author and time."""
    text = check_addendum(text, attested)
    if not note.is_signed:
        raise ValidationError(_("Addenda are for signed notes: edit the draft instead."))
    addendum = ProgressNoteAddendum.objects.create(
        progress_note=note, author=actor, text=text, signed_at=timezone.now()
    )
    _audit(actor, AuditAction.NOTE_ADDENDUM_ADDED, note, addendum=str(addendum.public_id))
    return addendum


# --- Program settings ----------------------------------------------------------------------


def _require_program(actor: User, program: Program) -> None:
    if not programs_for(actor).filter(pk=program.pk).exists():
        raise PermissionDenied(_("You do not work in this program."))


@transaction.atomic
def note_template_update(
    *, actor: User, program: Program, format: str, prompts: Mapping[str, str]
) -> NoteTemplate:
    """Replace a program's prompts for one format. A blank prompt means the default."""
    _require_program(actor, program)
    spec = formats.get(format)
    unknown = set(prompts) - set(spec.keys)
    if unknown:
        raise ValidationError(
            _("Unknown sections: %(keys)s") % {"keys": ", ".join(sorted(unknown))}
        )
    cleaned = {key: (prompts.get(key) or "").strip() for key in spec.keys}
    errors = {
        key: _("Keep a prompt under %(n)s characters.") % {"n": formats.PROMPT_MAX_LENGTH}
        for key, text in cleaned.items()
        if len(text) > formats.PROMPT_MAX_LENGTH
    }
    if errors:
        raise ValidationError(errors)
    stored = {
        key: text for key, text in cleaned.items() if text and text != str(spec.section(key).prompt)
    }
    template, _created = NoteTemplate.objects.select_for_update().get_or_create(
        program=program, format=format
    )
    changed = sorted(key for key in spec.keys if template.prompts.get(key) != stored.get(key))
    template.prompts = stored
    template.save()
    audit_record(
        actor=actor,
        action=AuditAction.NOTE_TEMPLATE_CHANGED,
        target=program,
        details={"format": format, "sections": changed},
    )
    return template


@transaction.atomic
def note_policy_update(
    *, actor: User, program: Program, flag_after_hours: int, overdue_after_hours: int
) -> NotePolicy:
    """Set when a program's unsigned notes are flagged and when they are overdue."""
    _require_program(actor, program)
    policy = NotePolicy.objects.filter(program=program).first() or NotePolicy(program=program)
    before = (policy.flag_after_hours, policy.overdue_after_hours)
    policy.flag_after_hours, policy.overdue_after_hours = flag_after_hours, overdue_after_hours
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action=AuditAction.NOTE_POLICY_CHANGED,
        target=program,
        details={"before": list(before), "after": [flag_after_hours, overdue_after_hours]},
    )
    return policy
