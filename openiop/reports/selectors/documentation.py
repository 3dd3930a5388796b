"""Documentation timeliness: notes signed in time, plans written and reviewed on time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lag, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.notes.models import GroupNote, GroupNoteAttendee, NoteStatus, ProgressNote
from openiop.notes.rules import DEFAULTS as NOTE_DEFAULTS
from openiop.plans.models import PlanVersion
from openiop.plans.rules import DEFAULTS as PLAN_DEFAULTS
from openiop.reports.dbfunctions import DaysBetween, aggregate_over
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition
from openiop.reports.tables import Column, Table, percent


def allowed_days(program_path: str, field: str, default_hours: int):
    """The program's note policy hours as whole calendar days after the date of service
    (24 hours -> 1 day, 72 -> 3), in SQL."""
    hours = Coalesce(
        F(f"{program_path}note_policy__{field}"), Value(default_hours), output_field=IntegerField()
    )
    return (hours + 23) / 24


def plan_policy_days(program_path: str):
    """The program's plan policy in SQL: (initial-plan days, review interval days), with the
    defaults of plans.rules when a program has no policy row."""
    policy = f"{program_path}plan_policy__"
    return (
        Coalesce(F(f"{policy}initial_plan_days"), Value(PLAN_DEFAULTS.initial_plan_days)),
        Coalesce(F(f"{policy}review_interval_days"), Value(PLAN_DEFAULTS.review_interval_days)),
    )


def _note_counts(notes, program_path: str) -> dict:
    notes = notes.annotate(
        delay=DaysBetween(TruncDate("signed_at"), F("service_on")),
        flag_days=allowed_days(program_path, "flag_after_hours", NOTE_DEFAULTS.flag_after_hours),
        overdue_days=allowed_days(
            program_path, "overdue_after_hours", NOTE_DEFAULTS.overdue_after_hours
        ),
    )
    signed = Q(status=NoteStatus.SIGNED)
    return notes.aggregate(
        total=Count("pk"),
        signed=Count("pk", filter=signed),
        within_flag=Count("pk", filter=signed & Q(delay__lte=F("flag_days"))),
        within_overdue=Count("pk", filter=signed & Q(delay__lte=F("overdue_days"))),
    )


def note_timeliness(scope: ReportScope) -> Table:
    """Notes with a date of service in the range (up to today): individual progress notes of
    the scope's episodes, and group notes of the scope's programs (for a track or a clinician's
    caseload, those with at least one attendee in it). In time and before overdue follow the
    program's note policy (by default 24 and 72 hours), counted in calendar days after the date
    of service: 24 hours means signed on the day of service or the next day, 72 hours within
    three days. Unsigned notes count in the total and in neither share."""
    progress = ProgressNote.objects.filter(
        scope.on("episode__"),
        service_on__gte=scope.start,
        service_on__lte=scope.as_of,
    )
    groups = GroupNote.objects.filter(
        program_id__in=scope.program_ids,
        service_on__gte=scope.start,
        service_on__lte=scope.as_of,
    )
    if scope.site_id is not None:
        groups = groups.filter(program__site_id=scope.site_id)
    if scope.track_id is not None or scope.clinician_id is not None:
        attended = GroupNoteAttendee.objects.filter(
            scope.on("episode__"),
            group_note__service_on__gte=scope.start,
            group_note__service_on__lte=scope.as_of,
        )
        groups = groups.filter(pk__in=attended.values("group_note_id"))
    rows = []
    totals = [0, 0, 0, 0]
    for label, counts in (
        (_("Individual notes"), _note_counts(progress, "episode__program__")),
        (_("Group notes"), _note_counts(groups, "program__")),
    ):
        values = [
            counts["total"],
            counts["signed"],
            counts["within_flag"],
            counts["within_overdue"],
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append(_note_row(label, values))
    rows.append(_note_row(_("All notes"), totals))
    return Table(
        key="notes",
        title=_("Notes signed on time"),
        definition=definition(note_timeliness),
        columns=(
            Column("kind", _("Notes")),
            Column("total", _("Services documented"), "number"),
            Column("unsigned", _("Still unsigned"), "number"),
            Column("in_time", _("Signed in time (%)"), "percent"),
            Column("before_overdue", _("Signed before overdue (%)"), "percent"),
        ),
        rows=tuple(rows),
    )


def _note_row(label, values) -> tuple:
    total, signed, within_flag, within_overdue = values
    return (
        str(label),
        total,
        total - signed,
        percent(within_flag, total),
        percent(within_overdue, total),
    )


def plan_timeliness(scope: ReportScope) -> Table:
    """Plan versions signed in the range, of the scope's episodes. An initial plan is on time
    when signed within the program's initial-plan days of admission (default 7); a review when
    signed within the program's review interval (default 30 days) of the previous signed
    version. Overdue now: episodes in care on the report's last day with no signed plan past
    the initial-plan days, or whose last signed version is older than the review interval."""
    initial, initial_on_time, reviews, reviews_on_time = _versions_on_time(scope)
    overdue = _plans_overdue(scope)
    return Table(
        key="plans",
        title=_("Treatment plans on time"),
        definition=definition(plan_timeliness),
        columns=(
            Column("kind", _("Plans")),
            Column("signed", _("Signed in the range"), "number"),
            Column("on_time", _("On time"), "number"),
            Column("share", _("On time (%)"), "percent"),
            Column("overdue", _("Overdue now"), "number"),
        ),
        rows=(
            (
                str(_("Initial plans")),
                initial,
                initial_on_time,
                percent(initial_on_time, initial),
                overdue["missing"],
            ),
            (
                str(_("Reviews")),
                reviews,
                reviews_on_time,
                percent(reviews_on_time, reviews),
                overdue["review"],
            ),
        ),
    )


def _versions_on_time(scope: ReportScope) -> tuple[int, int, int, int]:
    """(initial plans, of them on time, reviews, of them on time) among the versions signed
    in the range. Each version's previous signed version comes from one pass over the signed
    versions up to the range's last day, in order of number within each plan (a window
    function, LAG), not from a subquery per version."""
    initial_days, interval = plan_policy_days("episode__program__")
    signed = PlanVersion.objects.filter(
        scope.on("episode__"), status=PlanVersion.Status.SIGNED
    ).order_by()
    # The range's days as instants: the database compares signed_at as it is, with true
    # estimates, rather than converting every row to a local date first.
    after, before = _local_midnight(scope.start), _local_midnight(scope.as_of + timedelta(days=1))
    in_range = Q(signed_at__gte=after, signed_at__lt=before)
    signed_on = TruncDate("signed_at")
    previous_at = Window(Lag("signed_at"), partition_by=[F("plan_id")], order_by=F("number").asc())
    versions = (
        signed.filter(signed_at__lt=before)
        .annotate(
            in_range=Case(When(in_range, then=Value(1)), default=Value(0)),
            previous_at=previous_at,
            # measured for the range's versions only (a local date costs a zone conversion)
            since_admission=Case(
                When(in_range, then=DaysBetween(signed_on, F("episode__admitted_on")))
            ),
            since_previous=Case(
                When(in_range, then=DaysBetween(signed_on, TruncDate(previous_at)))
            ),
            initial_days=initial_days,
            review_days=interval,
        )
        .values(
            "in_range",
            "previous_at",
            "since_admission",
            "since_previous",
            "initial_days",
            "review_days",
        )
    )
    initial = "in_range = 1 AND previous_at IS NULL"
    review = "in_range = 1 AND previous_at IS NOT NULL"
    rows = aggregate_over(
        versions,
        f"SUM(CASE WHEN {initial} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {initial} AND since_admission <= initial_days THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {review} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {review} AND since_previous <= review_days THEN 1 ELSE 0 END)",
    )
    return tuple(count or 0 for count in rows[0]) if rows else (0, 0, 0, 0)


def _local_midnight(day: date) -> datetime:
    """The instant a day starts in the current time zone (the zone ``__date`` lookups use)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _plans_overdue(scope: ReportScope) -> dict:
    day = scope.as_of
    last_signed = PlanVersion.objects.filter(
        episode=OuterRef("pk"), status=PlanVersion.Status.SIGNED, signed_at__date__lte=day
    ).order_by("-signed_at")
    initial_days, interval = plan_policy_days("program__")
    episodes = (
        scope.episodes()
        .filter(scope.in_care_during(day, day))
        .annotate(last_on=TruncDate(Subquery(last_signed.values("signed_at")[:1])))
        .annotate(
            since_admission=DaysBetween(Value(day, output_field=DateField()), F("admitted_on")),
            since_signed=DaysBetween(Value(day, output_field=DateField()), F("last_on")),
        )
    )
    return episodes.aggregate(
        missing=Count("pk", filter=Q(last_on__isnull=True) & Q(since_admission__gt=initial_days)),
        review=Count("pk", filter=Q(last_on__isnull=False) & Q(since_signed__gt=interval)),
    )
