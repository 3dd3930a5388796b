"""Writes on a program's scheduling setup: tracks, recurring groups, rooms, clinicians' weekly
hours, what they lead, and their time off.

Each takes the ``actor``, runs in one transaction, validates (ValidationError with a clear
message), saves and writes its own audit row (ids, codes and the names of changed fields).
Edits name the version the form showed: a stale one conflicts instead of overwriting.
What sessions already use is never deleted: it is archived (``is_active`` off), so past
sessions keep their group and room, and future weeks are built without it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.core.versioning import version_claim
from openiop.programs.models import Program, ProgramMembership
from openiop.scheduling.models import (
    ClinicianAvailability,
    ClinicianSchedule,
    ClinicianTimeOff,
    GroupOffering,
    Room,
    Session,
    Track,
)

TRACK_FIELDS = ("name", "description", "is_active")
OFFERING_FIELDS = (
    "track",
    "code",
    "topic",
    "weekday",
    "start_time",
    "end_time",
    "min_size",
    "max_size",
    "is_virtual",
    "is_active",
)
ROOM_FIELDS = (
    "code",
    "name",
    "capacity",
    "for_group",
    "for_individual",
    "for_family",
    "is_virtual",
    "is_active",
)
CLINICIAN_FIELDS = ("max_minutes_per_week", "leads")


def _apply(instance, values: dict, fields: tuple[str, ...]) -> list[str]:
    """Set the allowed ``fields`` from ``values``; the names of those that changed."""
    changed = []
    for field in fields:
        if field in values and getattr(instance, field, None) != values[field]:
            setattr(instance, field, values[field])
            changed.append(field)
    return changed


def _claim(instance, expected_version: int | None):
    """The instance to change: a new one, or a fresh locked copy at the version the form
    showed (a stale form conflicts)."""
    if instance.pk is None:
        return instance
    return version_claim(instance, expected_version=expected_version or 0)


def _change_word(created: bool, changed: list[str], was_active: bool, is_active: bool) -> str:
    if created:
        return "created"
    if was_active != is_active:
        return "restored" if is_active else "archived"
    return "changed" if changed else "unchanged"


def _audit_setup(action, target, *, actor, change: str, **details) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        category=DataCategory.NONE,
        details={"change": change, **details},
    )


def _refuse_delete_if_used(used: models.QuerySet[Session], what: str) -> None:
    count = used.count()
    if count:
        upcoming = used.filter(held_on__gte=timezone.localdate(), is_cancelled=False).count()
        raise ValidationError(
            ngettext(
                "%(what)s is used by %(count)s session (%(upcoming)s from today on), so it "
                "cannot be deleted: archive it instead. Past sessions keep it; weeks built "
                "from now on leave it out.",
                "%(what)s is used by %(count)s sessions (%(upcoming)s from today on), so it "
                "cannot be deleted: archive it instead. Past sessions keep it; weeks built "
                "from now on leave it out.",
                count,
            )
            % {"what": what, "count": count, "upcoming": upcoming},
            code="in_use",
        )


# ----------------------------------------------------------------------------- tracks


@transaction.atomic
def track_save(
    *,
    program: Program,
    actor,
    values: dict,
    track: Track | None = None,
    expected_version: int | None = None,
) -> Track:
    """Create a track, or change one (name, days and times, active). Archiving a track
    leaves its groups out of weeks built from now on; sessions already made stay."""
    track = _claim(track or Track(program=program), expected_version)
    created, was_active = track.pk is None, track.is_active
    changed = _apply(track, values, TRACK_FIELDS)
    track.full_clean()
    track.save()
    _audit_setup(
        AuditAction.TRACK_SAVED,
        track,
        actor=actor,
        change=_change_word(created, changed, was_active, track.is_active),
        fields=changed,
        program=str(program.public_id),
    )
    return track


@transaction.atomic
def track_delete(*, track: Track, actor) -> None:
    """Delete a track that has no groups (archive one that has)."""
    if track.offerings.exists():
        raise ValidationError(
            _(
                "This track has recurring groups, so it cannot be deleted: archive it instead "
                "(its groups are then left out of weeks built from now on)."
            ),
            code="in_use",
        )
    _audit_setup(
        AuditAction.TRACK_DELETED,
        track,
        actor=actor,
        change="deleted",
        program=str(track.program.public_id),
    )
    track.delete()


# ----------------------------------------------------------------------------- recurring groups


@transaction.atomic
def offering_save(
    *,
    program: Program,
    actor,
    values: dict,
    offering: GroupOffering | None = None,
    expected_version: int | None = None,
) -> GroupOffering:
    """Create or change a recurring group: its track, code, topic, day and times, sizes, in
    person or by video, active. A change applies to weeks built from now on; sessions already
    scheduled keep the times and room they were given."""
    offering = _claim(offering or GroupOffering(program=program), expected_version)
    created, was_active = offering.pk is None, offering.is_active
    changed = _apply(offering, values, OFFERING_FIELDS)
    if offering.track_id and offering.track.program_id != program.pk:
        raise ValidationError({"track": _("This track belongs to another program.")})
    offering.full_clean()
    offering.save()
    _audit_setup(
        AuditAction.GROUP_OFFERING_SAVED,
        offering,
        actor=actor,
        change=_change_word(created, changed, was_active, offering.is_active),
        fields=changed,
        code=offering.code,
        program=str(program.public_id),
    )
    return offering


@transaction.atomic
def offering_delete(*, offering: GroupOffering, actor) -> None:
    """Delete a recurring group that never met and has nobody enrolled (archive otherwise)."""
    _refuse_delete_if_used(Session.objects.filter(offering=offering), _("This group"))
    if offering.enrollments.exists():
        raise ValidationError(
            _(
                "Participants have been enrolled in this group, so it cannot be deleted: "
                "archive it instead."
            ),
            code="in_use",
        )
    _audit_setup(
        AuditAction.GROUP_OFFERING_DELETED,
        offering,
        actor=actor,
        change="deleted",
        code=offering.code,
        program=str(offering.program.public_id),
    )
    offering.delete()


# ----------------------------------------------------------------------------- rooms


@transaction.atomic
def room_save(
    *,
    site,
    actor,
    values: dict,
    room: Room | None = None,
    expected_version: int | None = None,
) -> Room:
    """Create or change a room at ``site`` (capacity, uses, video, in use)."""
    room = _claim(room or Room(site=site), expected_version)
    if room.site_id != site.pk:
        raise ValidationError(_("This room is at another site."), code="other_site")
    created, was_active = room.pk is None, room.is_active
    changed = _apply(room, values, ROOM_FIELDS)
    room.full_clean()
    room.save()
    _audit_setup(
        AuditAction.ROOM_SAVED,
        room,
        actor=actor,
        change=_change_word(created, changed, was_active, room.is_active),
        fields=changed,
        code=room.code,
    )
    return room


@transaction.atomic
def room_delete(*, room: Room, actor) -> None:
    """Delete a room no session ever used (archive one that was used)."""
    _refuse_delete_if_used(Session.objects.filter(room=room), _("This room"))
    _audit_setup(AuditAction.ROOM_DELETED, room, actor=actor, change="deleted", code=room.code)
    room.delete()


# ----------------------------------------------------------------------------- clinicians


def _check_in_program(user, program: Program) -> None:
    if (
        not user.is_active
        or not ProgramMembership.objects.filter(user=user, program=program).exists()
    ):
        raise ValidationError(
            _("Only active staff members of this program have scheduling hours in it."),
            code="not_in_program",
        )


@transaction.atomic
def clinician_schedule_save(
    *,
    program: Program,
    user,
    actor,
    values: dict,
    expected_version: int | None = None,
) -> ClinicianSchedule:
    """Set what a clinician leads in a program and their weekly maximum (creates their
    scheduling profile there the first time)."""
    _check_in_program(user, program)
    schedule = ClinicianSchedule.objects.filter(user=user, program=program).first()
    created = schedule is None
    schedule = _claim(schedule or ClinicianSchedule(user=user, program=program), expected_version)
    changed = _apply(schedule, values, CLINICIAN_FIELDS)
    schedule.full_clean()
    schedule.save()
    _audit_clinician(schedule, actor, "created" if created else "changed", fields=changed)
    return schedule


def _audit_clinician(schedule: ClinicianSchedule, actor, change: str, **details) -> None:
    _audit_setup(
        AuditAction.CLINICIAN_HOURS_CHANGED,
        schedule.user,
        actor=actor,
        change=change,
        program=str(schedule.program.public_id),
        **details,
    )


def _overlap(window, others) -> object | None:
    return next(
        (
            other
            for other in others
            if other.pk != window.pk
            and other.weekday == window.weekday
            and other.start_time < window.end_time
            and window.start_time < other.end_time
        ),
        None,
    )


@transaction.atomic
def clinician_availability_add(
    *, schedule: ClinicianSchedule, actor, values: dict
) -> ClinicianAvailability:
    """Add a weekly window the clinician works (day, from, to); windows on a day do not
    overlap."""
    window = ClinicianAvailability(schedule=schedule, **values)
    window.full_clean()
    # Lock the profile so two people adding windows at once cannot both pass the check.
    ClinicianSchedule.objects.select_for_update().filter(pk=schedule.pk).first()
    clash = _overlap(window, schedule.availability.all())
    if clash is not None:
        raise ValidationError(
            _("This overlaps the window %(window)s already set.") % {"window": clash},
            code="overlap",
        )
    window.save()
    _audit_clinician(schedule, actor, "window_added", window=str(window))
    return window


@transaction.atomic
def clinician_availability_remove(*, window: ClinicianAvailability, actor) -> None:
    schedule = window.schedule
    text = str(window)
    window.delete()
    _audit_clinician(schedule, actor, "window_removed", window=text)


@transaction.atomic
def clinician_time_off_add(*, user, program: Program, actor, values: dict) -> ClinicianTimeOff:
    """Whole days a clinician is away (every program): first and last day, reason. Weeks
    built from now on leave those days out; sessions already scheduled stay and are listed
    on the page for someone to move."""
    _check_in_program(user, program)
    time_off = ClinicianTimeOff(user=user, **values)
    time_off.full_clean()
    overlapping = ClinicianTimeOff.objects.filter(
        user=user, starts_on__lte=time_off.ends_on, ends_on__gte=time_off.starts_on
    ).first()
    if overlapping is not None:
        raise ValidationError(
            _("This overlaps time off already recorded (%(first)s to %(last)s).")
            % {"first": overlapping.starts_on.isoformat(), "last": overlapping.ends_on.isoformat()},
            code="overlap",
        )
    time_off.save()
    _audit_time_off(time_off, actor, program, "added")
    return time_off


@transaction.atomic
def clinician_time_off_remove(*, time_off: ClinicianTimeOff, program: Program, actor) -> None:
    _audit_time_off(time_off, actor, program, "removed")
    time_off.delete()


def _audit_time_off(time_off: ClinicianTimeOff, actor, program: Program, change: str) -> None:
    # The reason (sick, vacation) is the staff member's own matter: not in the audit row.
    _audit_setup(
        AuditAction.CLINICIAN_TIME_OFF_CHANGED,
        time_off.user,
        actor=actor,
        change=change,
        program=str(program.public_id),
        first=time_off.starts_on.isoformat(),
        last=time_off.ends_on.isoformat(),
    )
