"""Between sessions: daily check-ins, the journal, the relapse-prevention plan, and each
program's portal settings (crisis numbers, craving threshold, lists)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openiop.core.models import PublicIdModel, TimeStampedModel, VersionedModel
from openiop.recovery import rules


def _default_triggers() -> list[str]:
    return list(rules.DEFAULT_TRIGGERS)


def _default_coping_skills() -> list[str]:
    return list(rules.DEFAULT_COPING_SKILLS)


def _default_resources() -> list[str]:
    return list(rules.DEFAULT_RESOURCES)


class PortalSettings(TimeStampedModel, VersionedModel):
    """A program's portal settings. A program without a row uses the defaults."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.PROTECT, related_name="portal_settings"
    )
    crisis_line = models.CharField(
        _("crisis line"), max_length=30, default=rules.DEFAULT_CRISIS_LINE
    )
    on_call_phone = models.CharField(_("program's on-call number"), max_length=30, blank=True)
    craving_alert_threshold = models.PositiveSmallIntegerField(
        _("alert the care team at a craving of"),
        default=rules.DEFAULT_CRAVING_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    video_link = models.URLField(_("video session link"), blank=True)
    what_to_bring = models.CharField(_("what to bring to sessions"), max_length=300, blank=True)
    triggers = models.JSONField(_("triggers list"), default=_default_triggers)
    coping_skills = models.JSONField(_("coping skills list"), default=_default_coping_skills)
    resources = models.JSONField(_("resources"), default=_default_resources)

    class Meta:
        permissions = [("manage_recovery_settings", "Can change the program's portal settings")]
        constraints = [
            models.CheckConstraint(
                condition=Q(craving_alert_threshold__gte=1, craving_alert_threshold__lte=10),
                name="portal_settings_threshold_1_to_10",
            )
        ]

    def __str__(self) -> str:
        return str(self.program)


class UseAnswer(models.TextChoices):
    NO = rules.Use.NO, _("No")
    YES = rules.Use.YES, _("Yes")
    NOT_SAYING = rules.Use.NOT_SAYING, _("I'd rather not say today")


class CheckIn(PublicIdModel, TimeStampedModel):
    """One daily check-in, written by the participant. Never changed after it is saved."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="check_ins"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="check_ins"
    )
    checked_in_on = models.DateField(_("date"))
    mood = models.PositiveSmallIntegerField(
        _("mood"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    craving = models.PositiveSmallIntegerField(
        _("craving"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    hours_slept = models.DecimalField(
        _("hours slept"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    triggers = models.JSONField(_("triggers met"), default=list, blank=True)
    other_trigger = models.CharField(_("other trigger"), max_length=200, blank=True)
    coping_skills = models.JSONField(_("coping skills used"), default=list, blank=True)
    use = models.CharField(
        _("use since the last check-in"), max_length=12, choices=UseAnswer.choices
    )
    self_harm_thoughts = models.BooleanField(_("thoughts of harming yourself"), default=False)
    note_to_counselor = models.TextField(_("note to your counselor"), max_length=1000, blank=True)
    risk_codes = models.JSONField(_("risk signals"), default=list, blank=True)
    alerts = models.ManyToManyField(
        "assessments.ClinicalAlert", related_name="check_ins", blank=True
    )

    class Meta:
        ordering = ["-checked_in_on", "-created_at"]
        permissions = [("see_checkins", "Can see check-ins, shared journal entries and alerts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(mood__gte=1, mood__lte=10), name="check_in_mood_1_to_10"
            ),
            models.CheckConstraint(
                condition=Q(craving__gte=0, craving__lte=10), name="check_in_craving_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(hours_slept__gte=0, hours_slept__lte=24),
                name="check_in_sleep_0_to_24",
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "checked_in_on"], name="check_in_trend"),
        ]

    def __str__(self) -> str:
        return f"{self.checked_in_on}"


class JournalEntry(PublicIdModel, TimeStampedModel, VersionedModel):
    """Private to the participant unless they share it with their counselor."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="journal_entries"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="journal_entries"
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    body = models.TextField(_("entry"), max_length=10000)
    is_shared = models.BooleanField(_("shared with my counselor"), default=False)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_shared=False) | Q(shared_at__isnull=False),
                name="journal_shared_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.created_at:%Y-%m-%d}"


class RelapsePreventionPlan(PublicIdModel, TimeStampedModel, VersionedModel):
    """Written with the counselor; staff edit it, the participant reads it and may add to it."""

    episode = models.OneToOneField(
        "participants.Episode", on_delete=models.PROTECT, related_name="relapse_prevention_plan"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    triggers = models.TextField(_("my triggers"), max_length=3000, blank=True)
    warning_signs = models.TextField(_("my warning signs"), max_length=3000, blank=True)
    coping_strategies = models.TextField(_("what I can do instead"), max_length=3000, blank=True)
    people_to_call = models.TextField(_("people I can call"), max_length=3000, blank=True)
    reasons_for_recovery = models.TextField(
        _("my reasons for recovery"), max_length=3000, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    SECTIONS = (
        "triggers",
        "warning_signs",
        "coping_strategies",
        "people_to_call",
        "reasons_for_recovery",
    )

    def __str__(self) -> str:
        return str(self.episode)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in self.SECTIONS)
