"""Drug testing: a program's panels and policy, orders, collections, results per analyte,
prescribed medications (what a test is expected to show), random draws, laboratory messages
and the follow-up alerts a result sets off.

A refusal or a no-show is a collection outcome, never a result: results hang off a collected
specimen only. A laboratory confirmation supersedes the point-of-care screen of the same
analyte; both stay in the history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from openiop.core.models import PublicIdModel, TimeStampedModel, VersionedModel
from openiop.drugtests import rules


class SpecimenType(models.TextChoices):
    URINE = "urine", _("Urine")
    ORAL_FLUID = "oral_fluid", _("Oral fluid")
    BREATH = "breath", _("Breath")


class FollowUpPolicy(models.TextChoices):
    SUPPORTIVE = rules.SUPPORTIVE, _("Supportive: notify the clinician and review the plan")
    STRICT = rules.STRICT, _("Strict: the same, and flag for the program director")


class TestingPolicy(TimeStampedModel, VersionedModel):
    """A program's testing rules; programs without a row use the field defaults."""

    __test__ = False  # not a pytest test class

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="testing_policy"
    )
    follow_up = models.CharField(
        _("follow-up policy"),
        max_length=12,
        choices=FollowUpPolicy.choices,
        default=FollowUpPolicy.SUPPORTIVE,
    )
    random_tests_per_week = models.DecimalField(
        _("random tests per participant per week (average)"),
        max_digits=4,
        decimal_places=2,
        default=1,
    )
    max_days_untested = models.PositiveSmallIntegerField(
        _("longest time without a test (days)"), default=14
    )
    draw_weekdays = models.CharField(
        _("draw days (0 = Monday … 6 = Sunday)"),
        max_length=20,
        default="0,1,2,3,4",
        help_text=_("The days the random draw is run, comma-separated, e.g. 0,1,2,3,4."),
    )
    review_window_hours = models.PositiveSmallIntegerField(
        _("plan review within (hours)"), default=72
    )
    admission_panel = models.ForeignKey(
        "drugtests.Panel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("test at admission with"),
        help_text=_("Empty: no test is ordered automatically at admission."),
    )

    class Meta:
        verbose_name = _("testing policy")
        verbose_name_plural = _("testing policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(random_tests_per_week__gte=0) & Q(random_tests_per_week__lte=7),
                name="drugtests_policy_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(max_days_untested__gte=1), name="drugtests_policy_gap_positive"
            ),
        ]

    @property
    def weekdays(self) -> list[int]:
        return sorted({int(d) for d in self.draw_weekdays.split(",") if d.strip().isdigit()})


class Panel(PublicIdModel, TimeStampedModel):
    """A program's test panel (e.g. a 12-panel urine cup) with its analytes and cutoffs."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(_("name"), max_length=80)
    specimen_type = models.CharField(
        _("specimen type"), max_length=12, choices=SpecimenType.choices
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("panel")
        ordering = ["program", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="drugtests_panel_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PanelAnalyte(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="analytes")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=80)
    screen_cutoff = models.DecimalField(
        _("screen cutoff"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    confirmation_cutoff = models.DecimalField(
        _("confirmation cutoff"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=20, default="ng/mL")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("analyte")
        ordering = ["panel", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "code"], name="drugtests_analyte_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Medication(PublicIdModel, TimeStampedModel, VersionedModel):
    """A prescribed medication and the analytes it makes a test show (expected positives)."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="drugtest_medications"
    )
    episode = models.ForeignKey("participants.Episode", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("medication"), max_length=120)
    analyte_codes = models.JSONField(_("analytes it produces"), default=list)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("stopped on"), null=True, blank=True)
    prescriber = models.CharField(_("prescriber"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("prescribed medication")
        ordering = ["-started_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="drugtests_medication_dates",
                violation_error_message=_("A medication cannot stop before it started."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_current_on(self, day) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class RandomDraw(PublicIdModel):
    """One run of a program's random selection: who ran it, when, who was selected."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    drawn_on = models.DateField(_("draw day"))
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(_("run at"))
    eligible_count = models.PositiveIntegerField(_("eligible participants"))
    probability = models.DecimalField(_("daily chance"), max_digits=6, decimal_places=5)

    class Meta:
        verbose_name = _("random draw")
        ordering = ["-drawn_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "drawn_on"], name="drugtests_one_draw_per_day"
            )
        ]


class TestOrder(PublicIdModel, TimeStampedModel):
    __test__ = False  # not a pytest test class

    class Reason(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RANDOM = "random", _("Random")
        FOR_CAUSE = "for_cause", _("For cause")

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        COLLECTED = "collected", _("Collected")
        REFUSED = "refused", _("Refused")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="drugtest_orders"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="drugtest_orders"
    )
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="orders")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    cause = models.CharField(_("cause"), max_length=200, blank=True)
    due_on = models.DateField(_("to collect on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ORDERED
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    random_draw = models.ForeignKey(
        RandomDraw, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    is_gap_forced = models.BooleanField(_("chosen at the maximum gap"), default=False)

    class Meta:
        verbose_name = _("test order")
        ordering = ["-due_on", "-created_at"]
        permissions = [
            ("see_results", _("Can see drug test results")),
            ("order_tests", _("Can order drug tests")),
            ("record_collection", _("Can record collections and point-of-care results")),
            ("run_random_draw", _("Can run the random test draw")),
            ("import_lab_results", _("Can import laboratory results and reconcile them")),
            ("manage_testing_setup", _("Can manage panels and the testing policy")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "due_on"],
                condition=Q(reason="random"),
                name="drugtests_random_once_a_day",
            ),
            models.CheckConstraint(
                condition=~Q(reason="random") | Q(random_draw__isnull=False),
                name="drugtests_random_has_draw",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.due_on}"


class Validity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    DILUTE = "dilute", _("Dilute")
    SUBSTITUTED = "substituted", _("Substituted")
    ADULTERATED = "adulterated", _("Adulterated")
    INVALID = "invalid", _("Invalid")


class ResultSummary(models.TextChoices):
    """A collection's results in one word, for reports (``Collection.result_summary``)."""

    NONE = "", _("No results yet")
    NEGATIVE = "negative", _("Negative")
    UNFAVOURABLE = "unfavourable", _("Positive or invalid")


class CollectionQuerySet(models.QuerySet):
    def refresh_result_summary(self) -> int:
        """Recompute ``result_summary`` of these collections from their results, in one
        UPDATE: unfavourable when a current result (a confirmation replaces its screen) is
        positive or invalid, except a positive expected from a prescribed medication;
        negative when there are results and none is unfavourable; empty without results.
        Returns the number of collections updated."""
        results = TestResult.objects.filter(collection=OuterRef("pk"))
        unfavourable = results.filter(superseded_by__isnull=True).exclude(TestResult.FAVOURABLE)
        return self.update(
            result_summary=Case(
                When(Exists(unfavourable), then=Value(ResultSummary.UNFAVOURABLE)),
                When(Exists(results), then=Value(ResultSummary.NEGATIVE)),
                default=Value(ResultSummary.NONE),
            )
        )


class Collection(PublicIdModel, TimeStampedModel):
    """What happened at the collection desk: a specimen, a refusal or a no-show.

    ``result_summary`` is derived from the results (``refresh_result_summary``), kept by
    ``TestResult.save()`` so that reports count negative tests without reading every result;
    code that writes results around ``save()`` (bulk inserts, ``QuerySet.update``) must call
    ``services.collection_summaries_refresh`` afterwards."""

    class Outcome(models.TextChoices):
        COLLECTED = "collected", _("Specimen collected")
        REFUSED = "refused", _("Refused")
        NO_SHOW = "no_show", _("Did not come")

    order = models.OneToOneField(TestOrder, on_delete=models.PROTECT, related_name="collection")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    episode = models.ForeignKey("participants.Episode", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    collected_at = models.DateTimeField(_("when"))
    specimen_type = models.CharField(
        _("specimen type"), max_length=12, choices=SpecimenType.choices, blank=True
    )
    is_observed = models.BooleanField(_("observed collection"), default=False)
    temperature_in_range = models.BooleanField(
        _("temperature in range (urine)"), null=True, blank=True
    )
    validity = models.CharField(
        _("specimen validity"), max_length=12, choices=Validity.choices, blank=True
    )
    accession_number = models.CharField(_("accession number (send-out)"), max_length=40, blank=True)
    is_sent_to_lab = models.BooleanField(_("sent to the laboratory"), default=False)
    missing_expected = models.JSONField(_("expected but not found"), default=list, blank=True)
    result_summary = models.CharField(
        _("results"),
        max_length=12,
        choices=ResultSummary.choices,
        blank=True,
        default=ResultSummary.NONE,
        editable=False,
    )

    objects = CollectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection")
        ordering = ["-collected_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["accession_number"],
                condition=~Q(accession_number=""),
                name="drugtests_accession_unique",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="collected") | (~Q(specimen_type="") & ~Q(validity="")),
                name="drugtests_collected_has_specimen",
            ),
            models.CheckConstraint(
                condition=Q(outcome="collected")
                | (Q(specimen_type="") & Q(validity="") & Q(accession_number="")),
                name="drugtests_no_specimen_without_collection",
            ),
        ]

    @property
    def is_collected(self) -> bool:
        return self.outcome == self.Outcome.COLLECTED


class LabMessage(PublicIdModel, TimeStampedModel):
    """One HL7 message as received, kept whole. Matched ones point to their collection;
    the rest wait in the reconciliation queue with the reason."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        UNMATCHED = "unmatched", _("Not matched")
        MALFORMED = "malformed", _("Cannot be read")
        RESOLVED = "resolved", _("Matched by hand")
        DISMISSED = "dismissed", _("Dismissed")

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sending_facility = models.CharField(_("sending facility"), max_length=80, blank=True)
    control_id = models.CharField(_("message control id"), max_length=80, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)
    raw = models.TextField(_("message as received"))
    source = models.CharField(_("from"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    collection = models.ForeignKey(
        Collection, on_delete=models.PROTECT, null=True, blank=True, related_name="lab_messages"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("laboratory message")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["matched", "resolved"]) | Q(collection__isnull=False),
                name="drugtests_matched_message_has_collection",
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.UNMATCHED, self.Status.MALFORMED)


class TestResult(PublicIdModel, TimeStampedModel):
    """One analyte's result from one method. A confirmation supersedes the screen."""

    __test__ = False  # not a pytest test class

    class Method(models.TextChoices):
        SCREEN = "screen", _("Point-of-care screen")
        CONFIRMATION = "confirmation", _("Laboratory confirmation")

    class Outcome(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")
        INVALID = "invalid", _("Invalid")

    class Interpretation(models.TextChoices):
        NONE = "", _("—")
        EXPECTED = "expected", _("Expected (prescribed)")
        UNEXPECTED = "unexpected", _("Unexpected")

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="results")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    analyte_code = models.CharField(_("analyte"), max_length=20)
    analyte_name = models.CharField(_("analyte name"), max_length=80, blank=True)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    outcome = models.CharField(_("result"), max_length=10, choices=Outcome.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3, null=True, blank=True)
    cutoff = models.DecimalField(
        _("cutoff"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    interpretation = models.CharField(
        _("interpretation"), max_length=12, choices=Interpretation.choices, blank=True
    )
    comment = models.TextField(_("laboratory comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lab_message = models.ForeignKey(
        LabMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="results"
    )
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )

    # Neither positive nor invalid, or positive as a prescribed medication makes it.
    FAVOURABLE = Q(outcome=Outcome.NEGATIVE) | Q(
        outcome=Outcome.POSITIVE, interpretation=Interpretation.EXPECTED
    )

    class Meta:
        verbose_name = _("test result")
        ordering = ["collection", "analyte_code", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "analyte_code", "method"],
                condition=Q(superseded_by__isnull=True),
                name="drugtests_one_current_result",
            )
        ]

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None

    def save(self, *args, refresh_summary: bool = True, **kwargs):
        """Saves, and refreshes the collection's ``result_summary``; a service saving several
        results passes ``refresh_summary=False`` and refreshes once at the end."""
        super().save(*args, **kwargs)
        if refresh_summary:
            Collection.objects.filter(pk=self.collection_id).refresh_result_summary()

    def delete(self, *args, **kwargs):
        collection_id = self.collection_id
        deleted = super().delete(*args, **kwargs)
        Collection.objects.filter(pk=collection_id).refresh_result_summary()
        return deleted


class DrugTestAlert(PublicIdModel, TimeStampedModel):
    """A follow-up a result set off, shown on the chart, the worklist and the caseload until
    someone acknowledges it."""

    class Kind(models.TextChoices):
        NOTIFY_CLINICIAN = "notify_clinician", _("For the primary clinician")
        DIRECTOR_FLAG = "director_flag", _("Flag for the program director")
        MISSING_EXPECTED = "missing_expected", _("Expected medication not found")

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="drugtest_alerts"
    )
    episode = models.ForeignKey("participants.Episode", on_delete=models.PROTECT, related_name="+")
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respond_by = models.DateTimeField(_("plan review by"), null=True, blank=True)
    review_request = models.ForeignKey(
        "plans.ReviewRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("drug test follow-up")
        ordering = ["acknowledged_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "kind"], name="drugtests_one_alert_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                name="drugtests_alert_acknowledged_by",
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS.get(code, code)) for code in self.reasons]


REASON_LABELS = {
    "unexpected_positive": _("unexpected positive"),
    "refusal": _("refused the test"),
    "adulterated": _("adulterated specimen"),
    "substituted": _("substituted specimen"),
    "missing_expected": _("prescribed medication not found"),
}
