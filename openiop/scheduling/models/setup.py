"""Scheduling set-up: weekdays, kinds and topics, rooms, tracks, recurring groups and
staff hours."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openiop.core.models import PublicIdModel, TimeStampedModel, VersionedModel
from openiop.scheduling import rules


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SessionKind(models.TextChoices):
    GROUP = "group", _("Group")
    INDIVIDUAL = "individual", _("Individual")
    FAMILY = "family", _("Family")


class Topic(models.TextChoices):
    """Group topics; the values are the exchange format's topic words."""

    PROCESS = "process", _("Process group")
    PSYCHOEDUCATION = "psychoeducation", _("Psychoeducation")
    SKILLS = "skills", _("Skills (DBT)")
    RELAPSE_PREVENTION = "relapse_prevention", _("Relapse prevention")
    FAMILY = "family", _("Family workshop")
    HOLISTIC = "holistic", _("Holistic (yoga, mindfulness)")
    LIFE_SKILLS = "life_skills", _("Life skills")


# What a clinician can lead: every group topic, plus individual and family sessions.
LEADS = [*Topic.values, SessionKind.INDIVIDUAL.value, SessionKind.FAMILY.value]
LEAD_CHOICES = [
    *Topic.choices,
    (SessionKind.INDIVIDUAL.value, _("Individual sessions")),
    (SessionKind.FAMILY.value, _("Family sessions")),
]


def validate_leads(value) -> None:
    if not isinstance(value, list) or any(item not in LEADS for item in value):
        raise ValidationError(
            _("Choose what the clinician leads from: %(choices)s."),
            params={"choices": ", ".join(LEADS)},
            code="invalid_leads",
        )


def window_constraint(name: str, start: str = "start_time", end: str = "end_time"):
    return models.CheckConstraint(
        condition=Q(**{f"{end}__gt": F(start)}),
        name=name,
        violation_error_message=_("The end time must be after the start time."),
    )


def weekday_field():
    return models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, validators=[MaxValueValidator(6)]
    )


class WeeklyWindow(models.Model):
    """A time on one day of every week (availability, unavailability)."""

    weekday = weekday_field()
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))

    class Meta:
        abstract = True
        ordering = ["weekday", "start_time"]
        constraints = [window_constraint("%(app_label)s_%(class)s_window")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def day_code(self) -> str:
        return rules.DAYS[self.weekday]


class Room(PublicIdModel, TimeStampedModel, VersionedModel):
    """A room at a site (or a video room). Its code is its id in the exchange format."""

    site = models.ForeignKey("programs.Site", on_delete=models.PROTECT, related_name="rooms")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    for_group = models.BooleanField(_("group sessions"), default=True)
    for_individual = models.BooleanField(_("individual sessions"), default=False)
    for_family = models.BooleanField(_("family sessions"), default=False)
    is_virtual = models.BooleanField(_("video room"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["site", "is_virtual", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="room_unique_code_per_site"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_at_least_one"),
            models.CheckConstraint(
                condition=Q(for_group=True) | Q(for_individual=True) | Q(for_family=True),
                name="room_has_a_use",
                violation_error_message=_("A room is used for at least one kind of session."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def uses(self) -> list[str]:
        flags = (
            (SessionKind.GROUP, self.for_group),
            (SessionKind.INDIVIDUAL, self.for_individual),
            (SessionKind.FAMILY, self.for_family),
        )
        return [kind.value for kind, used in flags if used]


class Track(PublicIdModel, TimeStampedModel, VersionedModel):
    """A schedule participants follow (Morning Mon-Fri 9-12, Evening, Weekend)."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="tracks")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("days and times"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["program", "name"]
        permissions = [
            ("manage_schedule_setup", "Can manage tracks, groups, rooms and staff hours")
        ]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="track_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class GroupOffering(PublicIdModel, TimeStampedModel, VersionedModel):
    """A recurring group a track offers (every week on ``weekday``): a candidate session the
    week's schedule may open. Its code is its id in the exchange format."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="group_offerings"
    )
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="offerings")
    code = models.SlugField(_("code"), max_length=60)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    weekday = weekday_field()
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    min_size = models.PositiveSmallIntegerField(
        _("minimum size"), default=3, validators=[MinValueValidator(1)]
    )
    max_size = models.PositiveSmallIntegerField(
        _("maximum size"), default=12, validators=[MaxValueValidator(60)]
    )
    is_virtual = models.BooleanField(_("by video"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["program", "weekday", "start_time", "code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="offering_unique_code"),
            window_constraint("offering_ends_after_start"),
            models.CheckConstraint(
                condition=Q(min_size__gte=1, min_size__lte=F("max_size")),
                name="offering_sizes",
                violation_error_message=_("The minimum size is 1 or more and at most the maximum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} ({self.get_weekday_display()} {self.start_time:%H:%M})"

    def clean(self):
        super().clean()
        if self.track_id and self.program_id and self.track.program_id != self.program_id:
            raise ValidationError({"track": _("This track belongs to another program.")})

    @property
    def minutes(self) -> int:
        return minutes_between(self.start_time, self.end_time)


def minutes_between(start, end) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


class ClinicianSchedule(TimeStampedModel, VersionedModel):
    """A clinician's scheduling profile in one program: what they lead and a weekly cap."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician_schedules"
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="clinician_schedules"
    )
    max_minutes_per_week = models.PositiveIntegerField(
        _("most minutes a week"), default=1800, validators=[MaxValueValidator(7 * 24 * 60)]
    )
    leads = models.JSONField(_("leads"), default=list, validators=[validate_leads])

    class Meta:
        ordering = ["program", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="clinician_schedule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.program}"

    @property
    def lead_labels(self) -> list[str]:
        labels = dict(LEAD_CHOICES)
        return [str(labels.get(code, code)) for code in self.leads]


class ClinicianAvailability(WeeklyWindow):
    schedule = models.ForeignKey(
        ClinicianSchedule, on_delete=models.CASCADE, related_name="availability"
    )

    class Meta(WeeklyWindow.Meta):
        verbose_name_plural = _("clinician availability")


class TimeOffReason(models.TextChoices):
    VACATION = "vacation", _("Vacation")
    SICK = "sick", _("Sick")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class ClinicianTimeOff(TimeStampedModel):
    """Whole days a clinician is away (every program)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=12, choices=TimeOffReason.choices)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="time_off_ends_after_start",
                violation_error_message=_("The last day cannot be before the first."),
            )
        ]
