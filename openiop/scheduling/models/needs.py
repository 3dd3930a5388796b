"""What scheduling needs to know about a participant: preferences, when they cannot come,
their family's availability, and their standing places in recurring groups."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openiop.core.models import TimeStampedModel, VersionedModel
from openiop.scheduling import rules
from openiop.scheduling.models.setup import GroupOffering, Track, WeeklyWindow


class ParticipantPreferences(TimeStampedModel, VersionedModel):
    """What scheduling needs to know about one episode beyond its phase."""

    episode = models.OneToOneField(
        "participants.Episode", on_delete=models.CASCADE, related_name="schedule_preferences"
    )
    preferred_track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred track"),
    )
    is_virtual_ok = models.BooleanField(_("video sessions are fine"), default=False)
    individual_minutes = models.PositiveSmallIntegerField(
        _("individual session length (minutes)"),
        default=rules.SESSION_TYPE_MINUTES["individual"],
        validators=[MaxValueValidator(180)],
        help_text=_("0 for no individual sessions."),
    )
    individual_every_weeks = models.PositiveSmallIntegerField(
        _("individual session every (weeks)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    family_minutes = models.PositiveSmallIntegerField(
        _("family session length (minutes)"),
        default=0,
        validators=[MaxValueValidator(180)],
        help_text=_("0 when no family session is wanted."),
    )
    target_minutes_override = models.PositiveIntegerField(
        _("weekly target override (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(60 * 60)],
    )
    target_override_reason = models.CharField(
        _("reason for the override"), max_length=200, blank=True
    )

    class Meta:
        verbose_name_plural = _("participant preferences")
        permissions = [("manage_participant_availability", "Can change participants' availability")]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_minutes_override__isnull=True, target_override_reason="")
                | (Q(target_minutes_override__isnull=False) & ~Q(target_override_reason="")),
                name="preferences_override_has_reason",
                violation_error_message=_("An override of the weekly target needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(individual_every_weeks__gte=1), name="preferences_every_week_or_more"
            ),
        ]

    def clean(self):
        super().clean()
        if (
            self.preferred_track_id
            and self.episode_id
            and self.preferred_track.program_id != self.episode.program_id
        ):
            raise ValidationError({"preferred_track": _("This track belongs to another program.")})


class UnavailabilityKind(models.TextChoices):
    WORK = "work", _("Work")
    SCHOOL = "school", _("School")
    CHILDCARE = "childcare", _("Childcare")
    OTHER = "other", _("Other")


class ParticipantUnavailability(WeeklyWindow):
    """A weekly time a participant cannot come (the kind is what the exchange format sees)."""

    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.CASCADE, related_name="unavailability"
    )
    kind = models.CharField(_("because of"), max_length=10, choices=UnavailabilityKind.choices)
    reason = models.CharField(_("details"), max_length=120, blank=True)

    class Meta(WeeklyWindow.Meta):
        verbose_name_plural = _("participant unavailability")


class FamilyAvailability(WeeklyWindow):
    """When the participant's family can come to a family session."""

    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.CASCADE, related_name="family_availability"
    )

    class Meta(WeeklyWindow.Meta):
        verbose_name_plural = _("family availability")


class GroupEnrollment(TimeStampedModel):
    """A participant's standing place in a recurring group, from a date (and until one).

    Roster changes end one enrollment and start another from a chosen date: sessions before
    that date keep the roster they had.
    """

    offering = models.ForeignKey(
        GroupOffering, on_delete=models.PROTECT, related_name="enrollments"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="group_enrollments"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["offering", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="enrollment_ends_after_start",
                violation_error_message=_("An enrollment cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["offering", "episode"],
                condition=Q(ends_on__isnull=True),
                name="enrollment_one_open",
            ),
        ]
