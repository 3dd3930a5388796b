"""Where treatment happens: sites, their programs, the programs' phases and staff."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openiop.core.models import PublicIdModel, TimeStampedModel
from openiop.programs.rules import default_weekly_hours


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known time zone (for example America/Chicago)."),
            params={"value": value},
        )


class Site(PublicIdModel, TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    address = models.TextField(_("address"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", validators=[validate_time_zone]
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LevelOfCare(models.TextChoices):
    IOP = "2.1", _("2.1 Intensive outpatient (IOP)")
    PHP = "2.5", _("2.5 Partial hospitalization (PHP)")
    OP = "1.0", _("1.0 Outpatient (OP)")


class Population(models.TextChoices):
    ADULT = "adult", _("Adults")
    ADOLESCENT = "adolescent", _("Adolescents")


HOURS = [MinValueValidator(0), MaxValueValidator(60)]


class Program(PublicIdModel, TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="programs")
    level_of_care = models.CharField(
        _("level of care"), max_length=3, choices=LevelOfCare.choices, default=LevelOfCare.IOP
    )
    population = models.CharField(
        _("population"), max_length=12, choices=Population.choices, default=Population.ADULT
    )
    minimum_weekly_hours = models.DecimalField(
        _("minimum weekly hours"), max_digits=4, decimal_places=1, validators=HOURS, blank=True
    )
    maximum_weekly_hours = models.DecimalField(
        _("maximum weekly hours"), max_digits=4, decimal_places=1, validators=HOURS, blank=True
    )
    minimum_days_per_week = models.PositiveSmallIntegerField(
        _("minimum days a week"),
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="program_unique_name_per_site"),
            models.CheckConstraint(
                condition=Q(minimum_weekly_hours__lte=F("maximum_weekly_hours")),
                name="program_hours_min_le_max",
            ),
            models.CheckConstraint(
                condition=Q(minimum_days_per_week__gte=1, minimum_days_per_week__lte=7),
                name="program_days_1_to_7",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def apply_default_hours(self) -> None:
        """Fill unset hour settings from the level of care and population defaults."""
        defaults = default_weekly_hours(self.level_of_care, self.population)
        if self.minimum_weekly_hours is None:
            self.minimum_weekly_hours = defaults.minimum
        if self.maximum_weekly_hours is None:
            self.maximum_weekly_hours = defaults.maximum
        if self.minimum_days_per_week is None:
            self.minimum_days_per_week = defaults.minimum_days

    def clean(self):
        super().clean()
        self.apply_default_hours()
        if self.minimum_weekly_hours > self.maximum_weekly_hours:
            raise ValidationError(
                {"maximum_weekly_hours": _("The maximum cannot be below the minimum.")}
            )

    def save(self, *args, **kwargs):
        self.apply_default_hours()
        super().save(*args, **kwargs)


class ProgramPhase(TimeStampedModel):
    """A stage of treatment (engagement, early recovery, ...) with its weekly target.

    Scheduling and step-down read the target from here: one definition.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="phases")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=80)
    target_weekly_hours = models.DecimalField(
        _("target weekly hours"), max_digits=4, decimal_places=1, validators=HOURS
    )
    typical_weeks = models.PositiveSmallIntegerField(
        _("typical weeks"), validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="phase_unique_order"),
            models.UniqueConstraint(fields=["program", "name"], name="phase_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if (
            self.program_id
            and self.target_weekly_hours is not None
            and self.target_weekly_hours > self.program.maximum_weekly_hours
        ):
            raise ValidationError(
                {
                    "target_weekly_hours": _(
                        "The target cannot exceed the program's maximum of %(maximum)s hours."
                    )
                    % {"maximum": self.program.maximum_weekly_hours}
                }
            )


class ProgramMembership(TimeStampedModel):
    """A staff member works in a program (scope for program-wide roles)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_memberships"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.program}"
