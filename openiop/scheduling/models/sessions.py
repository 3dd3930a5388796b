"""Week schedules, sessions and places in them, attendance, outreach tasks and calendar
feeds."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openiop.core.models import PublicIdModel, TimeStampedModel, VersionedModel
from openiop.scheduling import rules
from openiop.scheduling.models.setup import (
    GroupOffering,
    Room,
    SessionKind,
    Topic,
    minutes_between,
    window_constraint,
)


class ScheduleStatus(models.TextChoices):
    """The exchange format's schedule status."""

    OPTIMAL = "optimal", _("Optimal")
    FEASIBLE = "feasible", _("Feasible")
    INFEASIBLE = "infeasible", _("Infeasible")
    UNKNOWN = "unknown", _("Unknown")


class WeekSchedule(PublicIdModel, TimeStampedModel):
    """One saved schedule of a program's week: the problem as the database held it and the
    answer that was saved (every save is kept; the newest is in force)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="week_schedules"
    )
    week_of = models.DateField(_("week of (Monday)"))
    problem = models.JSONField(_("problem"))
    schedule = models.JSONField(_("schedule"))
    status = models.CharField(_("status"), max_length=12, choices=ScheduleStatus.choices)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["program", "-week_of", "-created_at"]
        permissions = [("build_weekschedule", "Can build and save week schedules")]

    def __str__(self) -> str:
        return f"{self.program} {rules.iso_week(self.week_of)}"


class SessionSource(models.TextChoices):
    SCHEDULE = "schedule", _("Week schedule")
    MANUAL = "manual", _("Added by staff")


class Session(PublicIdModel, TimeStampedModel):
    """One occurrence: a group meeting, or an individual or family session."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    offering = models.ForeignKey(
        GroupOffering, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, blank=True)
    held_on = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_sessions",
        verbose_name=_("led by"),
    )
    is_virtual = models.BooleanField(_("by video"), default=False)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    source = models.CharField(
        _("source"), max_length=10, choices=SessionSource.choices, default=SessionSource.MANUAL
    )
    week_schedule = models.ForeignKey(
        WeekSchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )

    class Meta:
        ordering = ["held_on", "start_time", "id"]
        constraints = [
            window_constraint("session_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(kind="group") | ~Q(topic=""),
                name="session_group_has_topic",
                violation_error_message=_("A group session has a topic."),
            ),
            models.CheckConstraint(
                condition=Q(kind="group") | Q(offering__isnull=True),
                name="session_offering_only_for_groups",
            ),
            models.UniqueConstraint(
                fields=["offering", "held_on"],
                condition=Q(offering__isnull=False, is_cancelled=False),
                name="session_offering_once_a_day",
                violation_error_message=_("This group already meets on that day."),
            ),
        ]
        indexes = [models.Index(fields=["program", "held_on"], name="session_program_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on} {self.start_time:%H:%M}"

    @property
    def minutes(self) -> int:
        return minutes_between(self.start_time, self.end_time)

    def save(self, *args, **kwargs):
        """A session's day is copied onto its attendance records (for the reports): once
        attendance is recorded, the day cannot change; a session moves by cancelling it and
        adding another."""
        fields = kwargs.get("update_fields")
        if self.pk and (fields is None or "held_on" in fields):
            moved = self.attendance.exclude(held_on=self.held_on)
            if moved.exists():
                raise ValidationError(
                    _("Attendance is recorded for this session: its day cannot change."),
                    code="day_fixed",
                )
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding and (fields is None or "is_cancelled" in fields):
            from openiop.scheduling import attendance_weeks

            attendance_weeks.refresh_session(self)

    @property
    def title(self) -> str:
        return (
            self.get_topic_display() if self.kind == SessionKind.GROUP else self.get_kind_display()
        )


class AttendeeSource(models.TextChoices):
    SCHEDULE = "schedule", _("Week schedule")
    ROSTER = "roster", _("Group roster")
    MANUAL = "manual", _("Added by staff")
    WALK_IN = "walk_in", _("Walk-in")


class SessionAttendee(TimeStampedModel):
    """A participant's place in a session. ``is_locked``: staff pinned it, a re-solve keeps it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendees")
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="session_places"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="session_places"
    )
    is_locked = models.BooleanField(_("pinned"), default=False)
    source = models.CharField(
        _("source"), max_length=10, choices=AttendeeSource.choices, default=AttendeeSource.MANUAL
    )

    class Meta:
        ordering = ["session", "participant__legal_last_name", "participant__legal_first_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "episode"], name="attendee_once_per_session")
        ]


class AttendanceStatus(models.TextChoices):
    PRESENT = rules.PRESENT, _("Present")
    LATE = rules.LATE, _("Late")
    LEFT_EARLY = rules.LEFT_EARLY, _("Left early")
    VIDEO = rules.VIDEO, _("By video")
    ABSENT_EXCUSED = rules.ABSENT_EXCUSED, _("Absent, excused")
    ABSENT_UNEXCUSED = rules.ABSENT_UNEXCUSED, _("Absent, unexcused")


class AttendanceRecord(PublicIdModel, TimeStampedModel, VersionedModel):
    """Whether and how long a participant attended a session. Corrections bump the version
    and are audited with the codes before and after."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="attendance"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)
    # The session's day, copied when the record is made (Session.save keeps it from changing):
    # reports select attendance by day without joining every record to its session.
    held_on = models.DateField(_("session day"), editable=False)
    minutes = models.PositiveSmallIntegerField(
        _("minutes attended"), validators=[MaxValueValidator(720)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["session", "participant__legal_last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "episode"], name="attendance_once_per_session"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(rules.ABSENT_STATUSES)) | Q(minutes=0),
                name="attendance_absent_has_no_minutes",
                violation_error_message=_("An absence has no minutes attended."),
            ),
        ]
        indexes = [models.Index(fields=["held_on", "episode"], name="attendance_day_episode")]

    def save(self, *args, refresh_week: bool = True, **kwargs):
        """Copies the session's day, and keeps the episode's week total current (a service
        saving a session's roster passes ``refresh_week=False`` and refreshes them at once)."""
        from openiop.scheduling import attendance_weeks

        if self.held_on is None:
            self.held_on = self.session.held_on
        super().save(*args, **kwargs)
        if refresh_week:
            attendance_weeks.refresh({(self.episode_id, self.held_on)})

    def delete(self, *args, **kwargs):
        from openiop.scheduling import attendance_weeks

        week = {(self.episode_id, self.held_on)}
        deleted = super().delete(*args, **kwargs)
        attendance_weeks.refresh(week)
        return deleted

    @property
    def is_attended(self) -> bool:
        return self.status in rules.ATTENDED_STATUSES


class AttendanceWeek(models.Model):
    """One episode's attendance in one week (Monday to Sunday), summed from its records at
    sessions that were not cancelled. Derived data for the reports, which read a row per
    participant-week instead of every record: ``AttendanceRecord.save()`` and ``delete()``
    and a session's cancellation keep it current (``openiop.scheduling.attendance_weeks``)."""

    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.CASCADE, related_name="attendance_weeks"
    )
    week_of = models.DateField(_("week of (Monday)"))
    days_attended = models.PositiveSmallIntegerField(_("days with a session attended"))
    attended = models.PositiveSmallIntegerField(_("sessions attended"))
    excused = models.PositiveSmallIntegerField(_("excused absences"))
    unexcused = models.PositiveSmallIntegerField(_("unexcused absences"))
    minutes = models.PositiveIntegerField(_("minutes attended"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "week_of"], name="attendance_week_once")
        ]
        indexes = [models.Index(fields=["week_of", "episode"], name="attendance_week_episode")]

    def __str__(self) -> str:
        return f"{self.episode_id} {self.week_of}"


class OutreachReason(models.TextChoices):
    UNEXCUSED_ABSENCES = "unexcused_absences", _("Two unexcused absences in a row")


class OutreachTask(PublicIdModel, TimeStampedModel):
    """A task for the primary clinician to reach out (e.g. after two unexcused absences)."""

    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="outreach_tasks"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="outreach_tasks"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_tasks",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=OutreachReason.choices)
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "reason"],
                condition=Q(done_at__isnull=True),
                name="outreach_one_open_per_reason",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="outreach_done_has_who_and_when",
            ),
        ]


class CalendarFeed(TimeStampedModel):
    """A secret calendar (iCalendar) address for a clinician or a participant's episode.

    Only a SHA-256 digest of the token is stored (AUTH-6); resetting makes a new token and the
    old address stops working at once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
    )
    episode = models.OneToOneField(
        "participants.Episode",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, episode__isnull=True)
                | Q(user__isnull=True, episode__isnull=False),
                name="calendar_feed_one_owner",
            )
        ]
