"""Administrations of scored instruments, and the clinical alerts their scores raise.

Raw item answers are always stored, so a score can be recomputed if a rule changes. A
submitted administration never changes; a correction is a new administration that supersedes
it, with a reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from openiop.core.models import AppendOnlyModel, PublicIdModel, TimeStampedModel, VersionedModel


class AdministrationSource(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    PORTAL = "portal", _("Self-completed in the portal")


class Administration(PublicIdModel, AppendOnlyModel):
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="administrations"
    )
    episode = models.ForeignKey(
        "participants.Episode",
        on_delete=models.PROTECT,
        related_name="administrations",
        null=True,
        blank=True,
    )
    instrument = models.CharField(_("instrument"), max_length=40)
    answers = models.JSONField(_("item answers"))
    context = models.JSONField(_("scoring context"), default=dict, blank=True)
    total = models.IntegerField(_("total"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=40, blank=True)
    subscales = models.JSONField(_("subscales"), default=dict, blank=True)
    alerts = models.JSONField(_("alerts"), default=list, blank=True)
    administered_on = models.DateField(_("date given"))
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(
        max_length=10, choices=AdministrationSource.choices, default=AdministrationSource.STAFF
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    # Set for a program's own instrument: the definition version the answers were scored with.
    definition = models.ForeignKey(
        "InstrumentDefinition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations",
        verbose_name=_("definition version"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-administered_on", "-created_at"]
        verbose_name = _("administration")
        indexes = [
            models.Index(
                fields=["participant", "instrument", "administered_on"],
                name="administration_trend",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="administration_correction_has_reason",
                violation_error_message=_("A correction needs a reason."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.administered_on}"

    @property
    def instrument_name(self) -> str:
        from openiop.assessments import instruments

        if self.definition_id is not None:
            return self.definition.name
        try:
            return instruments.get(self.instrument).name
        except ValueError:
            return self.instrument

    @property
    def band_label(self) -> str:
        from openiop.assessments.rules import label_for

        return label_for(self.band) if self.band else ""

    @property
    def alert_labels(self) -> list[str]:
        from openiop.assessments.rules import label_for

        return [label_for(code) for code in self.alerts]


class AlertSeverity(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    WARNING = "warning", _("Needs attention")


class AlertAction(models.TextChoices):
    SAFETY_PLAN = "safety_plan", _("Safety plan completed or reviewed")
    CSSRS_DONE = "cssrs_done", _("C-SSRS screener completed")
    CRISIS_REFERRAL = "crisis_referral", _("Crisis referral or emergency services")
    CONTACTED = "contacted", _("Participant contacted, no further action needed")
    REVIEWED = "reviewed", _("Reviewed in session")
    OTHER = "other", _("Other (see note)")
    CORRECTED = "corrected", _("Closed: the measure was corrected")


class ClinicalAlert(PublicIdModel, TimeStampedModel):
    """A safety signal for the care team, shown until someone acknowledges it."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="clinical_alerts"
    )
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="clinical_alerts", null=True
    )
    code = models.CharField(_("alert"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=AlertSeverity.choices)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action_taken = models.CharField(
        _("action taken"), max_length=20, choices=AlertAction.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["acknowledged_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True)
                | (Q(acknowledged_by__isnull=False) & ~Q(action_taken="")),
                name="alert_acknowledgement_complete",
                violation_error_message=_("An acknowledgement names who and the action taken."),
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        from openiop.assessments.rules import label_for

        return label_for(self.code)

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class InstrumentEnablement(TimeStampedModel):
    """A program's opt-in to an instrument whose licence restricts use, with the terms accepted."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="instrument_enablements"
    )
    instrument = models.CharField(_("instrument"), max_length=40)
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    licence_acknowledged = models.BooleanField(_("licence terms accepted"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "instrument"], name="enablement_unique"),
            models.CheckConstraint(
                condition=Q(licence_acknowledged=True), name="enablement_acknowledges_licence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} in {self.program}"


class MeasurementSchedule(TimeStampedModel, VersionedModel):
    """A program's own measurement schedule: ``schedule.ScheduleRule`` rows as data.

    Programs without one use ``schedule.DEFAULT_SCHEDULE``."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="measurement_schedule"
    )
    rules = models.JSONField(_("rules"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Measurement schedule of {self.program}"


class DefinitionSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded on the settings page")
    COMMAND = "command", _("Added with the openiop instruments command")


class InstrumentDefinition(PublicIdModel, AppendOnlyModel):
    """One version of a program's own instrument, from a definition file (see
    docs/instruments.md). Never changed: a new file with the same code is the next version,
    and every administration keeps the version it was scored with."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="instrument_definitions"
    )
    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=120)
    definition = models.JSONField(_("definition"))
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    source = models.CharField(_("added by way of"), max_length=10, choices=DefinitionSource.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    licence_acknowledged = models.BooleanField(_("licence terms accepted"), default=False)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["program", "code", "-version"]
        verbose_name = _("instrument definition")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "code", "version"], name="instrument_definition_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="instrument_definition_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(source="command") | Q(added_by__isnull=False),
                name="instrument_definition_upload_names_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @cached_property
    def instrument(self):
        """The scoring definition (``instruments.Instrument``) of this version."""
        from openiop.assessments.instruments import load_definition

        return load_definition(self.definition)


class LevelOfCareTable(TimeStampedModel):
    """A program's own level-of-care rule table (dimension -> minimum level per rating 0-4).

    Programs without one use ``levels.DEFAULT_RULES``."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="level_of_care_table"
    )
    rules = models.JSONField(_("rules"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Level-of-care rules of {self.program}"


LEVEL_CHOICES = [
    ("0.5", _("0.5 Early intervention")),
    ("1.0", _("1.0 Outpatient")),
    ("2.1", _("2.1 Intensive outpatient")),
    ("2.5", _("2.5 Partial hospitalization")),
    ("3.x", _("3.x Residential")),
    ("4", _("4 Inpatient")),
]


class DimensionalAssessment(PublicIdModel, AppendOnlyModel):
    """A dated multidimensional assessment. Reassessments are new rows; none is ever edited."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="dimensional_assessments"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="dimensional_assessments"
    )
    assessed_on = models.DateField(_("date of assessment"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ratings = models.JSONField(_("risk ratings"))  # {"1": 0-4, ... "6": 0-4}
    narratives = models.JSONField(_("narratives"), default=dict, blank=True)
    substance_use = models.JSONField(_("substance use history"), default=list, blank=True)
    co_occurring = models.TextField(_("co-occurring conditions"), blank=True)
    housing = models.TextField(_("housing"), blank=True)
    work_school = models.TextField(_("work or school"), blank=True)
    family = models.TextField(_("family and relationships"), blank=True)
    legal = models.TextField(_("legal"), blank=True)
    transport = models.TextField(_("transport"), blank=True)
    suggested_level = models.CharField(_("suggested level"), max_length=3, choices=LEVEL_CHOICES)
    suggested_weekly_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    chosen_level = models.CharField(_("level of care chosen"), max_length=3, choices=LEVEL_CHOICES)
    justification = models.TextField(_("justification"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("dimensional assessment")
        constraints = [
            models.CheckConstraint(
                condition=Q(chosen_level=models.F("suggested_level")) | ~Q(justification=""),
                name="dimensional_override_justified",
                violation_error_message=_(
                    "A level that differs from the suggestion needs a justification."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Assessment {self.assessed_on}"

    @property
    def rating_rows(self) -> list[tuple[int, str, int, str]]:
        """(number, dimension name, rating, narrative) in dimension order."""
        from openiop.assessments.levels import DIMENSIONS

        return [
            (number, name, self.ratings.get(str(number)), self.narratives.get(str(number), ""))
            for number, name in DIMENSIONS
        ]

    @property
    def is_override(self) -> bool:
        return self.chosen_level != self.suggested_level
