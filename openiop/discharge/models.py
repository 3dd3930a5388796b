"""Step-down, discharge, aftercare, follow-ups and alumni.

- Phase and level-of-care changes are recorded decisions (append-only rows). A level change
  always points at the dimensional assessment behind it.
- A discharge closes the episode (status DISCHARGED) and carries its summary, drafted and then
  signed; a signed discharge never changes (database trigger in 0002_roles_and_locks).
- Transfers in record where someone came from and the documents received.
- The aftercare plan is written in the final weeks; follow-ups after discharge record
  each contact attempt and its outcomes; alumni groups hold events, members and attendance.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openiop.assessments.models import LEVEL_CHOICES
from openiop.core.models import AppendOnlyModel, PublicIdModel, TimeStampedModel, VersionedModel
from openiop.discharge import rules


def validate_followup_days(value: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        rules.parse_days(value)
    except ValueError:
        raise ValidationError(
            _("Give days after discharge as numbers from 1 to 730, separated by commas."),
            code="days",
        ) from None


class DischargeSettings(TimeStampedModel):
    """A program's step-down and discharge settings; programs without a row use the rules'
    defaults. Holds the app's permissions (the role table in accounts/roles.py uses them)."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="discharge_settings"
    )
    min_weeks_in_phase = models.PositiveSmallIntegerField(
        _("suggest a step-down after (weeks in phase)"),
        default=rules.DEFAULT_THRESHOLDS.min_weeks_in_phase,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("with attendance of at least (% of the weekly target)"),
        default=rules.DEFAULT_THRESHOLDS.min_attendance_percent,
        validators=[MaxValueValidator(100)],
    )
    min_objectives_met_percent = models.PositiveSmallIntegerField(
        _("and plan objectives met of at least (%)"),
        default=rules.DEFAULT_THRESHOLDS.min_objectives_met_percent,
        validators=[MaxValueValidator(100)],
    )
    inactivity_days = models.PositiveSmallIntegerField(
        _("list for administrative discharge review after (days without attendance)"),
        default=rules.DEFAULT_INACTIVITY_DAYS,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )
    followup_days = models.CharField(
        _("follow-ups after discharge (days)"),
        max_length=60,
        default=", ".join(str(day) for day in rules.DEFAULT_FOLLOWUP_DAYS),
        validators=[validate_followup_days],
        help_text=_("For example 30, 90, 180."),
    )

    class Meta:
        verbose_name = _("discharge settings")
        verbose_name_plural = _("discharge settings")
        permissions = [
            ("record_level_change", _("Can record phase and level-of-care decisions")),
            ("discharge_episode", _("Can discharge and sign discharge summaries")),
            ("manage_aftercare", _("Can write aftercare plans")),
            ("record_followup", _("Can record post-discharge follow-ups")),
            ("manage_alumni", _("Can manage alumni groups, events and members")),
            ("manage_discharge_settings", _("Can change step-down and discharge settings")),
        ]

    def as_thresholds(self) -> rules.ReadinessThresholds:
        return rules.ReadinessThresholds(
            min_weeks_in_phase=self.min_weeks_in_phase,
            min_attendance_percent=self.min_attendance_percent,
            min_objectives_met_percent=self.min_objectives_met_percent,
        )


class PhaseChange(PublicIdModel, AppendOnlyModel):
    """A decision to move an episode to another phase of its program."""

    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="phase_changes"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    from_phase = models.ForeignKey(
        "programs.ProgramPhase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from phase"),
    )
    to_phase = models.ForeignKey(
        "programs.ProgramPhase", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        verbose_name = _("phase change")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="phase_change_has_reason")
        ]


class LevelOfCareChange(PublicIdModel, AppendOnlyModel):
    """A decision to change the level of care (step down, or transfer out to a higher level),
    always backed by a dated dimensional assessment. ``target_episode`` is the episode opened
    by an internal transfer; ``provider`` names an outside one."""

    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="level_changes"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    from_level = models.CharField(_("from level"), max_length=3, choices=LEVEL_CHOICES)
    to_level = models.CharField(_("to level"), max_length=3, choices=LEVEL_CHOICES)
    assessment = models.ForeignKey(
        "assessments.DimensionalAssessment",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessment behind it"),
    )
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.CharField(_("receiving provider"), max_length=200, blank=True)
    target_episode = models.OneToOneField(
        "participants.Episode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_from",
        verbose_name=_("episode in the receiving program"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        verbose_name = _("level-of-care change")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="level_change_has_reason"),
            models.CheckConstraint(
                condition=~Q(from_level=models.F("to_level")), name="level_change_changes_level"
            ),
        ]

    @property
    def direction(self) -> str:
        return rules.level_direction(self.from_level, self.to_level)


class DischargeReason(models.TextChoices):
    """TEDS-D ``REASON`` codes 1-7 (see rules.py)."""

    COMPLETED = "completed", _("Treatment completed")
    LEFT = "left", _("Left against professional advice / dropped out")
    TERMINATED = "terminated", _("Terminated by facility")
    TRANSFERRED = "transferred", _("Transferred to another program or facility")
    INCARCERATED = "incarcerated", _("Incarcerated")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other")


TEDS_CODES = {
    DischargeReason.COMPLETED: 1,
    DischargeReason.LEFT: 2,
    DischargeReason.TERMINATED: 3,
    DischargeReason.TRANSFERRED: 4,
    DischargeReason.INCARCERATED: 5,
    DischargeReason.DEATH: 6,
    DischargeReason.OTHER: 7,
}


class Discharge(PublicIdModel, TimeStampedModel, VersionedModel):
    """The end of an admitted episode, with its summary. Signing freezes the summary figures
    (``figures``) and locks the row."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")

    episode = models.OneToOneField(
        "participants.Episode", on_delete=models.PROTECT, related_name="discharge"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="discharges"
    )
    discharged_on = models.DateField(_("discharge date"))
    reason = models.CharField(_("reason for discharge"), max_length=15, choices=DischargeReason)
    reason_detail = models.CharField(_("details"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    course = models.TextField(_("course of treatment and progress"), blank=True)
    diagnoses = models.TextField(_("diagnoses at discharge"), blank=True)
    medications = models.TextField(_("medications at discharge"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    figures = models.JSONField(_("summary figures, frozen at signing"), default=dict, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        ordering = ["-discharged_on", "-id"]
        verbose_name = _("discharge")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_by__isnull=False, signed_at__isnull=False),
                name="discharge_signed_has_signature",
            )
        ]

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    @property
    def teds_code(self) -> int:
        return TEDS_CODES[self.reason]

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.SIGNED:
                raise PermissionError("A signed discharge summary cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A discharge is part of the record and cannot be deleted.")


class TransferSource(models.TextChoices):
    INPATIENT = "inpatient", _("Inpatient")
    RESIDENTIAL = "residential", _("Residential")
    DETOX = "detox", _("Withdrawal management (detox)")
    PHP = "php", _("Partial hospitalization (PHP)")
    OTHER = "other", _("Other")


class TransferIn(PublicIdModel, TimeStampedModel):
    """Where a participant came from when transferred into this episode."""

    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="transfers_in"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("came from"), max_length=12, choices=TransferSource.choices)
    facility = models.CharField(_("facility"), max_length=200)
    left_on = models.DateField(_("left there on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("transfer in")


class DocumentKind(models.TextChoices):
    DISCHARGE_SUMMARY = "discharge_summary", _("Discharge summary")
    ASSESSMENT = "assessment", _("Assessment")
    MEDICATION_LIST = "medication_list", _("Medication list")
    LAB_RESULTS = "lab_results", _("Laboratory results")
    REFERRAL_LETTER = "referral_letter", _("Referral letter")
    OTHER = "other", _("Other")


class ReceivedDocument(PublicIdModel, TimeStampedModel):
    """A referral document received with a transfer (recorded, not uploaded)."""

    transfer = models.ForeignKey(TransferIn, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    received_from = models.CharField(_("received from"), max_length=200)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("received document")


class AftercarePlan(PublicIdModel, TimeStampedModel, VersionedModel):
    """Long-term support after the program, written in the final weeks."""

    episode = models.OneToOneField(
        "participants.Episode", on_delete=models.PROTECT, related_name="aftercare_plan"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    step_down_level = models.CharField(
        _("step-down level of care"), max_length=3, choices=LEVEL_CHOICES, blank=True
    )
    step_down_provider = models.CharField(_("step-down provider"), max_length=200, blank=True)
    alumni_group = models.ForeignKey(
        "AlumniGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alumni group"),
    )
    mutual_help = models.TextField(_("mutual-help meetings"), blank=True)
    recovery_housing = models.TextField(_("recovery housing"), blank=True)
    medication_continuation = models.TextField(
        _("medication continuation (e.g. MOUD prescriber)"), blank=True
    )
    appointments = models.TextField(_("appointments"), blank=True)
    relapse_prevention = models.TextField(_("relapse-prevention plan"), blank=True)
    emergency_contacts = models.TextField(_("emergency contacts"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("aftercare plan")


class Reach(models.TextChoices):
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown / declined")


class Housing(models.TextChoices):
    STABLE = "stable", _("Stable housing")
    RECOVERY = "recovery", _("Recovery housing")
    UNSTABLE = "unstable", _("Unstable or temporary")
    HOMELESS = "homeless", _("Homeless")
    UNKNOWN = "unknown", _("Unknown / declined")


class Occupation(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SCHOOL = "school", _("In school or training")
    BOTH = "both", _("Employed and in school")
    NEITHER = "neither", _("Neither")
    UNKNOWN = "unknown", _("Unknown / declined")


class FollowUpContact(PublicIdModel, AppendOnlyModel):
    """One attempt to reach a discharged participant for a follow-up (30, 90, 180 days...).
    Outcomes are filled when reached."""

    discharge = models.ForeignKey(Discharge, on_delete=models.PROTECT, related_name="followups")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    day = models.PositiveSmallIntegerField(_("follow-up (days after discharge)"))
    attempted_on = models.DateField(_("date of the attempt"))
    result = models.CharField(_("result"), max_length=12, choices=Reach.choices)
    substance_use = models.CharField(
        _("substance use since discharge"), max_length=8, choices=YesNoUnknown, blank=True
    )
    in_treatment = models.CharField(
        _("in treatment now"), max_length=8, choices=YesNoUnknown, blank=True
    )
    housing = models.CharField(_("housing"), max_length=10, choices=Housing.choices, blank=True)
    occupation = models.CharField(
        _("employment or school"), max_length=10, choices=Occupation.choices, blank=True
    )
    arrested = models.CharField(
        _("arrested since discharge"), max_length=8, choices=YesNoUnknown, blank=True
    )
    measure = models.CharField(_("outcome measure given"), max_length=40, blank=True)
    measure_score = models.IntegerField(_("score"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["day", "attempted_on", "created_at"]
        verbose_name = _("follow-up contact")
        constraints = [
            models.CheckConstraint(
                condition=Q(result="not_reached")
                | (
                    ~Q(substance_use="")
                    & ~Q(in_treatment="")
                    & ~Q(housing="")
                    & ~Q(occupation="")
                    & ~Q(arrested="")
                ),
                name="followup_reached_has_outcomes",
            ),
            models.CheckConstraint(
                condition=Q(measure="", measure_score__isnull=True)
                | (~Q(measure="") & Q(measure_score__isnull=False)),
                name="followup_measure_has_score",
            ),
        ]


class AlumniGroup(PublicIdModel, TimeStampedModel):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="alumni_groups"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alumni group")
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="alumni_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class AlumniMembership(PublicIdModel, TimeStampedModel):
    """A former participant in an alumni group. ``has_portal_opt_in``: they asked to keep
    portal access to alumni events (the portal's *Alumni events* page)."""

    group = models.ForeignKey(AlumniGroup, on_delete=models.PROTECT, related_name="memberships")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="alumni_memberships"
    )
    joined_on = models.DateField(_("joined on"))
    has_portal_opt_in = models.BooleanField(
        _("keeps portal access to alumni events"), default=False
    )

    class Meta:
        ordering = ["participant__legal_last_name", "participant__legal_first_name"]
        verbose_name = _("alumni membership")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "participant"], name="alumni_membership_unique"
            )
        ]


class AlumniEvent(PublicIdModel, TimeStampedModel):
    group = models.ForeignKey(AlumniGroup, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("date"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        AlumniMembership, blank=True, related_name="events_attended", verbose_name=_("attended")
    )

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("alumni event")
