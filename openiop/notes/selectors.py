"""Reads for note pages: the chart's notes tab, the queues, editor choices, privacy checks."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openiop.notes import formats, privacy, rules
from openiop.notes.access import group_notes_visible_to, progress_notes_for_cosigner
from openiop.notes.models import (
    GroupNote,
    GroupNoteAddendum,
    GroupNoteAttendee,
    NotePolicy,
    NoteStatus,
    NoteTemplate,
    ProgressNote,
)
from openiop.participants.access import episodes_in_scope
from openiop.participants.models import Episode, EpisodeStatus


def note_format(program, code: str) -> formats.NoteFormat:
    """The format with the program's own prompts, if it has a template for it."""
    spec = formats.get(code)
    template = NoteTemplate.objects.filter(program=program, format=code).first()
    return formats.with_prompts(spec, template.prompts) if template else spec


def templates_for(program) -> dict[str, formats.NoteFormat]:
    """Every format with the program's prompts: format code -> format."""
    prompts = dict(NoteTemplate.objects.filter(program=program).values_list("format", "prompts"))
    return {
        code: formats.with_prompts(spec, prompts.get(code, {}))
        for code, spec in formats.FORMATS.items()
    }


def timeliness_for(program_ids: Iterable[int]) -> dict[int, rules.NoteTimeliness]:
    """Each program's thresholds (defaults where the program set none), in one query."""
    policies = {
        p.program_id: p.as_rules()
        for p in NotePolicy.objects.filter(program_id__in=set(program_ids))
    }
    return {program_id: policies.get(program_id, rules.DEFAULTS) for program_id in program_ids}


def objective_choices(episode, note=None) -> QuerySet:
    """Objectives a note may say it addressed: the plan in force, plus any already linked."""
    from openiop.plans.models import PlanObjective
    from openiop.plans.selectors import current_objectives

    current = current_objectives(episode)
    if note is None or note.pk is None:
        return current
    linked = note.objectives.values("pk")
    return PlanObjective.objects.filter(Q(pk__in=current.values("pk")) | Q(pk__in=linked)).order_by(
        "plan_version__number", "position", "id"
    )


def eligible_attendees(user, program) -> QuerySet[Episode]:
    """Who can be added to a group note: active episodes of the group's program that the
    facilitator works on."""
    return (
        episodes_in_scope(user)
        .filter(program=program, status=EpisodeStatus.ACTIVE)
        .select_related("participant")
        .order_by("participant__legal_last_name", "participant__legal_first_name", "id")
    )


# --- Chart tab -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartRow:
    kind: str  # "progress" or "group"
    service_on: date
    start_time: time | None
    title: str
    author: object
    status: str  # "draft", "signed", "awaiting_cosignature", "cosigned"
    addenda: int
    url: str


def _status(document, cosigned: bool) -> str:
    if not document.is_signed:
        return "draft"
    if document.cosigner_id and not cosigned:
        return "awaiting_cosignature"
    return "cosigned" if document.cosigner_id else "signed"


def chart_notes(participant, user) -> list[ChartRow]:
    """The participant's notes in the user's scope, newest first: progress notes (drafts only
    the user's own) and signed group notes, which link to this participant's view of them.
    Two queries, whatever the number of notes."""
    scope = episodes_in_scope(user)
    progress = (
        ProgressNote.objects.filter(participant=participant, episode__in=scope)
        .filter(Q(status=NoteStatus.SIGNED) | Q(author=user))
        .select_related("author", "cosignature")
        .annotate(addendum_count=Count("addenda", distinct=True))
    )
    shared_or_own = Q(group_note__addenda__attendee__isnull=True) | Q(
        group_note__addenda__attendee=F("pk")
    )
    sections = (
        GroupNoteAttendee.objects.filter(
            participant=participant, episode__in=scope, group_note__status=NoteStatus.SIGNED
        )
        .select_related("group_note__facilitator", "group_note__cosignature")
        .annotate(addendum_count=Count("group_note__addenda", filter=shared_or_own, distinct=True))
    )
    rows = [
        ChartRow(
            kind="progress",
            service_on=note.service_on,
            start_time=note.start_time,
            title=f"{note.get_format_display()} · {note.get_service_type_display()}",
            author=note.author,
            status=_status(note, hasattr(note, "cosignature")),
            addenda=note.addendum_count,
            url=reverse(
                "notes:edit" if not note.is_signed else "notes:detail", args=[note.public_id]
            ),
        )
        for note in progress
    ]
    for section in sections:
        group = section.group_note
        rows.append(
            ChartRow(
                kind="group",
                service_on=group.service_on,
                start_time=group.start_time,
                title=_("Group: %(topic)s") % {"topic": group.topic},
                author=group.facilitator,
                status=_status(group, hasattr(group, "cosignature")),
                addenda=section.addendum_count,
                url=reverse("notes:section", args=[section.public_id]),
            )
        )
    rows.sort(key=lambda row: (row.service_on, row.start_time or time.min), reverse=True)
    return rows


# --- Queues --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    kind: str  # "progress" or "group"
    document: object
    title: str
    who: str  # the participant's name, or the group's topic
    program_id: int
    since: datetime
    hours: float
    urgency: rules.Urgency
    url: str

    @property
    def age_text(self) -> str:
        whole = int(self.hours)
        if whole < 48:
            return ngettext("%(n)s hour", "%(n)s hours", whole) % {"n": whole}
        days, hours = divmod(whole, 24)
        return _("%(days)s days %(hours)s h") % {"days": days, "hours": hours}


def _row(kind, document, *, title, who, program_id, since, now, policies, url) -> QueueRow:
    hours = rules.age_hours(since, now)
    return QueueRow(
        kind=kind,
        document=document,
        title=title,
        who=who,
        program_id=program_id,
        since=since,
        hours=hours,
        urgency=rules.urgency(hours, policies[program_id]),
        url=url,
    )


def _oldest_first(rows: list[QueueRow]) -> list[QueueRow]:
    return sorted(rows, key=lambda row: row.since)


def unsigned_for(user, now: datetime) -> list[QueueRow]:
    """The user's drafts (progress and group notes), oldest service first, with their age
    since the service ended and the program's flagged/overdue state. Three queries."""
    notes = list(
        ProgressNote.objects.filter(author=user, status=NoteStatus.DRAFT)
        .filter(episode__in=episodes_in_scope(user))
        .select_related("participant", "episode")
    )
    groups = list(group_notes_visible_to(user).filter(facilitator=user, status=NoteStatus.DRAFT))
    policies = timeliness_for(
        [note.episode.program_id for note in notes] + [group.program_id for group in groups]
    )
    rows = [
        _row(
            "progress",
            note,
            title=f"{note.get_format_display()} · {note.get_service_type_display()}",
            who=note.participant.display_name,
            program_id=note.episode.program_id,
            since=note.service_ended_at(),
            now=now,
            policies=policies,
            url=reverse("notes:edit", args=[note.public_id]),
        )
        for note in notes
    ]
    rows += [
        _row(
            "group",
            group,
            title=_("Group note"),
            who=group.topic or _("(no topic yet)"),
            program_id=group.program_id,
            since=group.service_ended_at(),
            now=now,
            policies=policies,
            url=reverse("notes:group_edit", args=[group.public_id]),
        )
        for group in groups
    ]
    return _oldest_first(rows)


def awaiting_my_cosignature(user, now: datetime) -> list[QueueRow]:
    """Signed notes naming ``user`` as co-signer that they have not co-signed yet, oldest
    signature first, aged from the author's signature. Three queries."""
    notes = list(
        progress_notes_for_cosigner(user)
        .filter(cosignature__isnull=True)
        .select_related("participant", "episode", "author")
    )
    groups = list(
        group_notes_visible_to(user)
        .filter(cosigner=user, status=NoteStatus.SIGNED, cosignature__isnull=True)
        .select_related("facilitator")
    )
    policies = timeliness_for(
        [note.episode.program_id for note in notes] + [group.program_id for group in groups]
    )
    rows = [
        _row(
            "progress",
            note,
            title=f"{note.get_format_display()} · {note.get_service_type_display()}",
            who=note.participant.display_name,
            program_id=note.episode.program_id,
            since=note.signed_at,
            now=now,
            policies=policies,
            url=reverse("notes:detail", args=[note.public_id]),
        )
        for note in notes
    ]
    rows += [
        _row(
            "group",
            group,
            title=_("Group note"),
            who=group.topic,
            program_id=group.program_id,
            since=group.signed_at,
            now=now,
            policies=policies,
            url=reverse("notes:group_detail", args=[group.public_id]),
        )
        for group in groups
    ]
    return _oldest_first(rows)


def my_signed_awaiting_cosignature(user) -> QuerySet[ProgressNote]:
    """The user's own signed notes still waiting for their supervisor."""
    return (
        ProgressNote.objects.filter(
            author=user, status=NoteStatus.SIGNED, cosigner__isnull=False, cosignature__isnull=True
        )
        .filter(episode__in=episodes_in_scope(user))
        .select_related("participant", "cosigner")
        .order_by("signed_at")
    )


# --- One note ------------------------------------------------------------------------------


def progress_note_detail(note: ProgressNote) -> ProgressNote:
    """The note with what its page shows: objectives, addenda with authors, co-signature."""
    return (
        ProgressNote.objects.filter(pk=note.pk)
        .select_related(
            "participant",
            "episode__program",
            "author",
            "signed_by",
            "cosigner",
            "cosignature__signed_by",
        )
        .prefetch_related(
            "objectives", Prefetch("addenda", queryset=_addenda_queryset(note.addenda))
        )
        .get()
    )


def _addenda_queryset(manager):
    return manager.model.objects.select_related("author").order_by("signed_at", "id")


def group_note_attendees(group_note: GroupNote) -> list[GroupNoteAttendee]:
    return list(
        group_note.attendees.select_related("participant", "episode").prefetch_related("objectives")
    )


def section_addenda(section: GroupNoteAttendee) -> list[GroupNoteAddendum]:
    """Addenda one attendee may see: to the shared content, or to their own section."""
    return list(
        GroupNoteAddendum.objects.filter(group_note_id=section.group_note_id)
        .filter(Q(attendee__isnull=True) | Q(attendee=section))
        .select_related("author")
        .order_by("signed_at", "id")
    )


def group_addenda(group_note: GroupNote) -> list[GroupNoteAddendum]:
    return list(
        group_note.addenda.select_related("author", "attendee__participant").order_by(
            "signed_at", "id"
        )
    )


SHARED_FIELDS = ("topic", "curriculum_unit", "location", "group_process")


def shared_texts(group_note: GroupNote) -> dict[str, str]:
    """The group note's shared text fields, by label (what every attendee's chart shows)."""
    return {
        str(GroupNote._meta.get_field(name).verbose_name): getattr(group_note, name)
        for name in SHARED_FIELDS
    }


def section_texts(attendee: GroupNoteAttendee) -> dict[str, str]:
    return {
        str(GroupNoteAttendee._meta.get_field(name).verbose_name): getattr(attendee, name)
        for name in ("response", "progress")
    }


def people(attendees: Iterable[GroupNoteAttendee]) -> list[privacy.Person]:
    return [
        privacy.Person(
            key=attendee.pk,
            names=(
                attendee.participant.legal_first_name,
                attendee.participant.legal_last_name,
                attendee.participant.preferred_name,
            ),
        )
        for attendee in attendees
    ]


@dataclass(frozen=True)
class NameWarning:
    where: str  # "the shared content" or an attendee's name (the facilitator's own page)
    field: str
    whose: str
    found: str

    def __str__(self) -> str:
        return _(
            "%(field)s in %(where)s mentions %(whose)s (\u201c%(found)s\u201d). "
            "Each attendee's chart shows this text: refer to peers generically."
        ) % {
            "field": capfirst(self.field),
            "where": self.where,
            "whose": self.whose,
            "found": self.found,
        }


def name_warnings(group_note: GroupNote, attendees: list[GroupNoteAttendee]) -> list[NameWarning]:
    """Attendee names where other attendees would read them (see privacy.name_leaks)."""
    by_key = {attendee.pk: attendee for attendee in attendees}
    leaks = privacy.name_leaks(
        people=people(attendees),
        shared=shared_texts(group_note),
        sections={attendee.pk: section_texts(attendee) for attendee in attendees},
    )
    return [
        NameWarning(
            where=_("the shared content")
            if leak.location is None
            else _("%(name)s's section") % {"name": by_key[leak.location].participant.display_name},
            field=leak.field,
            whose=by_key[leak.person].participant.display_name,
            found=leak.found,
        )
        for leak in leaks
    ]
