"""Individualized treatment plans: one plan per episode, kept as signed versions.

A version is written as a draft (problems → long-term goals → short-term objectives, and
interventions), then signed by its clinician with the participant's agreement; a supervisor
co-signs when the author needs it. A signed version never changes (database triggers in
0002_roles_and_locks); a review starts a new draft from the current version, records progress
per objective and what changed, and is signed in turn. Earlier versions stay readable.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.assessments.levels import DIMENSIONS
from openiop.core.models import AppendOnlyModel, PublicIdModel, TimeStampedModel, VersionedModel
from openiop.plans import rules

# The six assessment dimensions, defined once in assessments/levels.py (ASAM 4th edition names).
DIMENSION_CHOICES = [(number, name) for number, name in DIMENSIONS]


class Modality(models.TextChoices):
    """Intervention modalities, shared with notes (the interventions a note says were used)."""

    CBT = "cbt", _("Cognitive behavioral therapy (CBT)")
    DBT = "dbt", _("Dialectical behavior therapy (DBT)")
    MOTIVATIONAL_INTERVIEWING = "mi", _("Motivational interviewing")
    EMDR = "emdr", _("EMDR")
    TRAUMA_INFORMED = "trauma", _("Trauma-informed care")
    FAMILY_THERAPY = "family", _("Family therapy")
    PSYCHOEDUCATION = "psychoed", _("Psychoeducation")
    RELAPSE_PREVENTION = "relapse", _("Relapse prevention")
    LIFE_SKILLS = "life_skills", _("Life skills")
    HOLISTIC = "holistic", _("Holistic / mindfulness")
    MEDICATION_MANAGEMENT = "medication", _("Medication management")
    CASE_MANAGEMENT = "case_mgmt", _("Case management")


class PlanPolicy(TimeStampedModel):
    """A program's plan timeliness rules; programs without a row use rules.DEFAULTS."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="plan_policy"
    )
    initial_plan_days = models.PositiveSmallIntegerField(
        _("initial plan due within (days of admission)"), default=rules.DEFAULTS.initial_plan_days
    )
    review_interval_days = models.PositiveSmallIntegerField(
        _("review at least every (days)"), default=rules.DEFAULTS.review_interval_days
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("show as due soon (days ahead)"), default=rules.DEFAULTS.due_soon_days
    )

    class Meta:
        verbose_name = _("plan timeliness policy")
        verbose_name_plural = _("plan timeliness policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(initial_plan_days__gte=1)
                & models.Q(review_interval_days__gte=1),
                name="plan_policy_positive_days",
            )
        ]

    def as_rules(self) -> rules.PlanTimeliness:
        return rules.PlanTimeliness(
            initial_plan_days=self.initial_plan_days,
            review_interval_days=self.review_interval_days,
            due_soon_days=self.due_soon_days,
        )


class TreatmentPlan(PublicIdModel, TimeStampedModel):
    """The plan of one episode: a container for its versions."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    episode = models.OneToOneField(
        "participants.Episode", on_delete=models.PROTECT, related_name="treatment_plan"
    )

    class Meta:
        verbose_name = _("treatment plan")
        permissions = [("sign_treatmentplan", _("Can sign and co-sign treatment plans"))]

    def __str__(self) -> str:
        return f"Plan {self.public_id}"


class AgreementMethod(models.TextChoices):
    SIGNED = "signed", _("Participant signed")
    ATTESTED = "attested", _("Participant agreed (verbal, attested by clinician)")
    DECLINED = "declined", _("Participant declined to sign")


class PlanVersion(PublicIdModel, TimeStampedModel, VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial plan")
        REVIEW = "review", _("Review")

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="versions")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    episode = models.ForeignKey("participants.Episode", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    strengths = models.TextField(_("strengths and resources"), blank=True)
    review_summary = models.TextField(_("what changed and why"), blank=True)
    agreement_method = models.CharField(
        _("participant agreement"), max_length=10, choices=AgreementMethod.choices, blank=True
    )
    agreement_on = models.DateField(_("date of agreement"), null=True, blank=True)
    agreement_note = models.CharField(_("agreement note"), max_length=300, blank=True)
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

    class Meta:
        verbose_name = _("plan version")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(status="draft"),
                name="plan_one_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (
                    models.Q(signed_by__isnull=False, signed_at__isnull=False)
                    & ~models.Q(agreement_method="")
                    & models.Q(agreement_on__isnull=False)
                ),
                name="plan_signed_has_signature_and_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan version {self.number}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.SIGNED:
                raise PermissionError("A signed plan version cannot change; start a review.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_signed:
            raise PermissionError("A signed plan version cannot be deleted.")
        return super().delete(*args, **kwargs)


class PlanCosignature(AppendOnlyModel):
    """A supervisor's co-signature of a signed plan version (never changed)."""

    plan_version = models.OneToOneField(
        PlanVersion, on_delete=models.PROTECT, related_name="cosignature"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("co-signed at"))

    class Meta:
        verbose_name = _("plan co-signature")


class PlanPart(PublicIdModel, VersionedModel):
    """Something inside one plan version; locked with it once the version is signed.

    ``lineage`` stays the same when a review copies the part into the next version, so progress
    can be followed across versions."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="+")
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def save(self, *args, **kwargs):
        if PlanVersion.objects.filter(pk=self.plan_version_id, status="signed").exists():
            raise PermissionError("A signed plan version cannot change; start a review.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if PlanVersion.objects.filter(pk=self.plan_version_id, status="signed").exists():
            raise PermissionError("A signed plan version cannot change; start a review.")
        return super().delete(*args, **kwargs)


class PlanProblem(PlanPart):
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="problems")
    dimension = models.PositiveSmallIntegerField(_("dimension"), choices=DIMENSION_CHOICES)
    statement = models.TextField(_("problem"))
    findings = models.TextField(_("assessment findings"), blank=True)
    assessment = models.ForeignKey(
        "assessments.DimensionalAssessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment behind it"),
    )

    class Meta(PlanPart.Meta):
        verbose_name = _("problem")


class PlanGoal(PlanPart):
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    problem = models.ForeignKey(PlanProblem, on_delete=models.CASCADE, related_name="goals")
    statement = models.TextField(_("long-term goal, in the participant's words"))

    class Meta(PlanPart.Meta):
        verbose_name = _("long-term goal")


class ObjectiveStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    REVISED = "revised", _("Revised")
    DISCONTINUED = "discontinued", _("Discontinued")


class PlanObjective(PlanPart):
    plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="objectives"
    )
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="objectives")
    description = models.TextField(_("measurable short-term objective"))
    target_on = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=15, choices=ObjectiveStatus.choices, default="not_started"
    )
    progress = models.TextField(_("progress at this review"), blank=True)

    class Meta(PlanPart.Meta):
        verbose_name = _("objective")

    def __str__(self) -> str:
        return self.description


class PlanIntervention(PlanPart):
    plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="interventions"
    )
    problem = models.ForeignKey(PlanProblem, on_delete=models.CASCADE, related_name="interventions")
    modality = models.CharField(_("modality"), max_length=15, choices=Modality.choices)
    description = models.CharField(_("what will be done"), max_length=300, blank=True)
    frequency = models.CharField(_("frequency"), max_length=80)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible staff member"),
    )

    class Meta(PlanPart.Meta):
        verbose_name = _("intervention")


class ReviewRequest(PublicIdModel, TimeStampedModel):
    """An early review asked for by an event (risk alert, positive test, absences) or a person.
    Resolved by the next signed version."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff request")
        RISK_ALERT = "risk_alert", _("Risk alert")
        DRUG_TEST = "drug_test", _("Unexpected drug test result")
        ABSENCES = "absences", _("Repeated absences")
        OTHER = "other", _("Other event")

    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="plan_review_requests"
    )
    source = models.CharField(_("source"), max_length=15, choices=Source.choices)
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="resolves"
    )
    due_on = models.DateField(
        _("review due by"),
        null=True,
        blank=True,
        help_text=_("Empty: due the day it was asked for."),
    )

    class Meta:
        verbose_name = _("plan review request")
        ordering = ["-created_at"]

    @property
    def due_date(self):
        """The day the review is due: ``due_on``, else the day it was asked for."""
        return self.due_on or timezone.localtime(self.created_at).date()
