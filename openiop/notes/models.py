"""Progress notes and group notes: written as drafts, then signed and locked for good.

A signed note never changes, through any path: the services refuse, these models and their
querysets refuse, and database triggers (migration 0002_roles_and_locks, core/signed_lock.py)
refuse whatever reaches the database anyway. Corrections are addenda: new rows, signed when
written. A supervisor's co-signature is a row of its own, so the signed note row stays as it
was; "awaiting co-signature" is derived (a cosigner is named and no co-signature row exists).

Group notes are written once by the facilitator, with shared content and one section per
attendee. Each attendee's chart shows the shared content and their own section only.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.core.models import AppendOnlyModel, PublicIdModel, TimeStampedModel, VersionedModel
from openiop.notes import formats, rules

LOCKED = "A signed note cannot change; add an addendum instead."


class NoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class ServiceType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual counseling")
    GROUP = "group", _("Group counseling")
    FAMILY = "family", _("Family session")
    PSYCHOEDUCATION = "psychoeducation", _("Psychoeducation")
    CASE_MANAGEMENT = "case_management", _("Case management")
    CRISIS = "crisis", _("Crisis intervention")
    OTHER = "other", _("Other")


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    TELEHEALTH_VIDEO = "telehealth_video", _("Telehealth (video)")
    TELEHEALTH_AUDIO = "telehealth_audio", _("Telehealth (audio only)")


class Participation(models.TextChoices):
    ACTIVE = "active", _("Active: engaged and contributing")
    SOME = "some", _("Some: contributed when prompted")
    MINIMAL = "minimal", _("Minimal: present, little engagement")
    NONE = "none", _("None: present, did not participate")
    LEFT_EARLY = "left_early", _("Left early")


# --- Locking -------------------------------------------------------------------------------


class SignedDocumentQuerySet(models.QuerySet):
    """Bulk changes stop at signed rows (the triggers stop raw SQL)."""

    def update(self, **kwargs):
        if self.filter(status=NoteStatus.SIGNED).exists():
            raise PermissionError(LOCKED)
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=NoteStatus.SIGNED).exists():
            raise PermissionError(LOCKED)
        return super().delete()


class SignedDocument(PublicIdModel, TimeStampedModel, VersionedModel):
    """What progress and group notes share: service details, status and signatures."""

    service_on = models.DateField(_("date of service"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    delivery = models.CharField(
        _("in person or telehealth"),
        max_length=20,
        choices=Delivery.choices,
        default=Delivery.IN_PERSON,
    )
    location = models.CharField(
        _("location"), max_length=120, blank=True, help_text=_("Room or site, if in person.")
    )
    interventions = models.JSONField(_("interventions used"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    cosigner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervisor who must co-sign"),
    )
    # The editor page (browser tab) that saved last: its own earlier autosave is not a
    # conflict, another tab's save is (see services._claim).
    editor_token = models.CharField(max_length=32, blank=True, editable=False)

    objects = SignedDocumentQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def duration_minutes(self) -> int | None:
        if self.start_time is None or self.end_time is None:
            return None
        start = self.start_time.hour * 60 + self.start_time.minute
        return self.end_time.hour * 60 + self.end_time.minute - start

    def service_ended_at(self):
        zone = timezone.get_current_timezone()
        return rules.service_ended_at(
            self.service_on, self.end_time, zone, fallback=self.created_at
        )

    def interventions_display(self) -> list[str]:
        from openiop.plans.models import Modality

        labels = dict(Modality.choices)
        return [str(labels.get(code, code)) for code in self.interventions]

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == NoteStatus.SIGNED:
                raise PermissionError(LOCKED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if self.is_signed or stored == NoteStatus.SIGNED:
            raise PermissionError(LOCKED)
        return super().delete(*args, **kwargs)


def _signed_checks(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(status=NoteStatus.DRAFT)
            | Q(
                signed_by__isnull=False,
                signed_at__isnull=False,
                start_time__isnull=False,
                end_time__isnull=False,
            ),
            name=f"{prefix}_signed_is_complete",
        ),
        models.CheckConstraint(
            condition=Q(start_time__isnull=True)
            | Q(end_time__isnull=True)
            | Q(end_time__gt=F("start_time")),
            name=f"{prefix}_ends_after_start",
            violation_error_message=_("The end time must be after the start time."),
        ),
    ]


class SignedPartQuerySet(models.QuerySet):
    """Rows inside a note (linked objectives, attendee sections): locked with their note.
    ``document_path`` is the lookup from the row to its note."""

    document_path = ""

    def _touches_signed(self) -> bool:
        return self.filter(**{f"{self.document_path}__status": NoteStatus.SIGNED}).exists()

    def update(self, **kwargs):
        if self._touches_signed():
            raise PermissionError(LOCKED)
        return super().update(**kwargs)

    def delete(self):
        if self._touches_signed():
            raise PermissionError(LOCKED)
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        parents = {getattr(obj, self.model.parent_attname) for obj in objs}
        if self.model.any_signed(parents):
            raise PermissionError(LOCKED)
        return super().bulk_create(objs, *args, **kwargs)


class SignedPart(models.Model):
    """A row inside a note. ``parent_attname`` names its parent's id; ``any_signed`` says
    whether any of those parents belongs to a signed note."""

    parent_attname = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refuse_if_signed()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_signed()
        return super().delete(*args, **kwargs)

    @classmethod
    def any_signed(cls, parent_ids) -> bool:
        raise NotImplementedError

    def refuse_if_signed(self) -> None:
        if self.any_signed({getattr(self, self.parent_attname)}):
            raise PermissionError(LOCKED)


class ProgressNotePartQuerySet(SignedPartQuerySet):
    document_path = "progress_note"


class GroupNotePartQuerySet(SignedPartQuerySet):
    document_path = "group_note"


class AttendeePartQuerySet(SignedPartQuerySet):
    document_path = "attendee__group_note"


# --- Program settings ----------------------------------------------------------------------


class NoteTemplate(TimeStampedModel):
    """A program's prompts for one note format (section key -> prompt)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="note_templates"
    )
    format = models.CharField(_("format"), max_length=12, choices=formats.CHOICES)
    prompts = models.JSONField(_("prompts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("note template")
        constraints = [
            models.UniqueConstraint(fields=["program", "format"], name="note_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.format}"


class NotePolicy(TimeStampedModel):
    """A program's note timeliness thresholds; programs without a row use rules.DEFAULTS."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="note_policy"
    )
    flag_after_hours = models.PositiveSmallIntegerField(
        _("flag an unsigned note after (hours)"), default=rules.DEFAULTS.flag_after_hours
    )
    overdue_after_hours = models.PositiveSmallIntegerField(
        _("an unsigned note is overdue after (hours)"), default=rules.DEFAULTS.overdue_after_hours
    )

    class Meta:
        verbose_name = _("note timeliness policy")
        verbose_name_plural = _("note timeliness policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(flag_after_hours__gte=1)
                & Q(overdue_after_hours__gt=F("flag_after_hours")),
                name="note_policy_thresholds_ordered",
                violation_error_message=_(
                    "Overdue must come after flagged, and flagging after at least one hour."
                ),
            )
        ]

    def as_rules(self) -> rules.NoteTimeliness:
        return rules.NoteTimeliness(
            flag_after_hours=self.flag_after_hours, overdue_after_hours=self.overdue_after_hours
        )


# --- Progress notes ------------------------------------------------------------------------


class ProgressNote(SignedDocument):
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="progress_notes"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="progress_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="progress_notes",
        verbose_name=_("author"),
    )
    format = models.CharField(_("format"), max_length=12, choices=formats.CHOICES)
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType.choices)
    content = models.JSONField(_("content"), default=dict, blank=True)
    objectives = models.ManyToManyField(
        "plans.PlanObjective",
        through="ProgressNoteObjective",
        related_name="progress_notes",
        blank=True,
        verbose_name=_("plan objectives addressed"),
    )

    class Meta:
        verbose_name = _("progress note")
        ordering = ["-service_on", "-start_time", "-id"]
        constraints = _signed_checks("progressnote")
        indexes = [models.Index(fields=["participant", "service_on"], name="note_participant_day")]

    def __str__(self) -> str:
        return f"{self.get_format_display()} note {self.service_on}"

    @property
    def format_spec(self) -> formats.NoteFormat:
        return formats.get(self.format)

    def sections(self) -> list[tuple[formats.Section, str]]:
        """(section, text) in the format's order."""
        content = formats.clean_content(self.format_spec, self.content)
        return [(section, content[section.key]) for section in self.format_spec.sections]


class ProgressNoteObjective(SignedPart):
    progress_note = models.ForeignKey(ProgressNote, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey("plans.PlanObjective", on_delete=models.PROTECT, related_name="+")

    parent_attname = "progress_note_id"
    objects = ProgressNotePartQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["progress_note", "objective"], name="progressnote_objective_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Objective {self.objective_id} of note {self.progress_note_id}"

    @classmethod
    def any_signed(cls, parent_ids) -> bool:
        return ProgressNote.objects.filter(pk__in=parent_ids, status=NoteStatus.SIGNED).exists()


class ProgressNoteCosignature(AppendOnlyModel):
    """A supervisor's co-signature of a signed note (written once, never changed)."""

    progress_note = models.OneToOneField(
        ProgressNote, on_delete=models.PROTECT, related_name="cosignature"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("co-signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress note co-signature")


class ProgressNoteAddendum(PublicIdModel, AppendOnlyModel):
    """A correction or later addition to a signed note: signed by its author when written."""

    progress_note = models.ForeignKey(
        ProgressNote, on_delete=models.PROTECT, related_name="addenda"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("addendum"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["signed_at", "id"]


# --- Group notes ---------------------------------------------------------------------------


class GroupNote(SignedDocument):
    """One group session's note. A future session roster passes its attendees to
    services.group_note_create(attendees=...); until then the facilitator picks them."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="group_notes"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="group_notes",
        verbose_name=_("facilitator"),
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    curriculum_unit = models.CharField(_("curriculum unit"), max_length=200, blank=True)
    group_process = models.TextField(
        _("group process"),
        blank=True,
        help_text=_(
            "What happened in the group as a whole. Every attendee's chart shows this text: "
            'refer to others generically ("a peer", "group members"), never by name.'
        ),
    )

    class Meta:
        verbose_name = _("group note")
        ordering = ["-service_on", "-start_time", "-id"]
        constraints = _signed_checks("groupnote")

    def __str__(self) -> str:
        return f"Group note {self.service_on}"


class GroupNoteAttendee(PublicIdModel, SignedPart):
    """One attendee's section of a group note: what only their own chart shows."""

    group_note = models.ForeignKey(GroupNote, on_delete=models.CASCADE, related_name="attendees")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="group_note_sections"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="group_note_sections"
    )
    participation = models.CharField(
        _("participation"), max_length=12, choices=Participation.choices, blank=True
    )
    response = models.TextField(_("response to the group"), blank=True)
    progress = models.TextField(_("progress toward objectives"), blank=True)
    objectives = models.ManyToManyField(
        "plans.PlanObjective",
        through="GroupNoteAttendeeObjective",
        related_name="group_note_sections",
        blank=True,
        verbose_name=_("plan objectives addressed"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    parent_attname = "group_note_id"
    objects = GroupNotePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("group note attendee")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group_note", "participant"], name="group_note_attendee_once"
            )
        ]

    def __str__(self) -> str:
        return f"Attendee section {self.public_id}"

    @classmethod
    def any_signed(cls, parent_ids) -> bool:
        return GroupNote.objects.filter(pk__in=parent_ids, status=NoteStatus.SIGNED).exists()


class GroupNoteAttendeeObjective(SignedPart):
    attendee = models.ForeignKey(GroupNoteAttendee, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey("plans.PlanObjective", on_delete=models.PROTECT, related_name="+")

    parent_attname = "attendee_id"
    objects = AttendeePartQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attendee", "objective"], name="group_attendee_objective_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Objective {self.objective_id} of attendee section {self.attendee_id}"

    @classmethod
    def any_signed(cls, parent_ids) -> bool:
        return GroupNote.objects.filter(
            attendees__pk__in=parent_ids, status=NoteStatus.SIGNED
        ).exists()


class GroupNoteCosignature(AppendOnlyModel):
    group_note = models.OneToOneField(
        GroupNote, on_delete=models.PROTECT, related_name="cosignature"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("co-signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("group note co-signature")


class GroupNoteAddendum(PublicIdModel, AppendOnlyModel):
    """An addendum to a signed group note: to the shared content (every attendee's chart
    shows it) or to one attendee's section (only their chart shows it)."""

    group_note = models.ForeignKey(GroupNote, on_delete=models.PROTECT, related_name="addenda")
    attendee = models.ForeignKey(
        GroupNoteAttendee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addenda",
        verbose_name=_("attendee's section"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("addendum"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("group note addendum")
        verbose_name_plural = _("group note addenda")
        ordering = ["signed_at", "id"]


def new_editor_token() -> str:
    return uuid.uuid4().hex
