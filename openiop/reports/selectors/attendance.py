"""Attendance and hours: who came, and whether participants got the hours an IOP promises."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Case, Count, F, Min, Q, Sum, When
from django.utils.translation import gettext as _

from openiop.reports.dbfunctions import DaysBetween, WeekStart, aggregate_over
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition, weeks
from openiop.reports.tables import Chart, Column, Table, percent
from openiop.scheduling.models import AttendanceRecord, Session
from openiop.scheduling.rules import ABSENT_EXCUSED, ABSENT_UNEXCUSED, ATTENDED_STATUSES

ATTENDED = sorted(ATTENDED_STATUSES)


def _records(scope: ReportScope, start, end):
    """Attendance records of the scope's episodes at sessions held in [start, end], not
    cancelled. By the record's own copy of the session's day: no join to every session, only
    a test against the few cancelled ones."""
    cancelled = Session.objects.filter(held_on__gte=start, held_on__lte=end, is_cancelled=True)
    return (
        AttendanceRecord.objects.filter(scope.on("episode__"), held_on__gte=start, held_on__lte=end)
        .exclude(session__in=cancelled.values("pk"))
        .order_by()
    )


def _session_days(scope: ReportScope):
    sessions = Session.objects.filter(
        program_id__in=scope.program_ids,
        held_on__gte=scope.start,
        held_on__lte=scope.as_of,
        is_cancelled=False,
    )
    if scope.site_id is not None:
        sessions = sessions.filter(program__site_id=scope.site_id)
    if scope.track_id is not None:
        sessions = sessions.filter(offering__track_id=scope.track_id)
    return sessions.values("held_on").distinct().count()


def attendance_summary(scope: ReportScope) -> Table:
    """Days with sessions: days in the range (up to today) on which at least one session of
    the scope's programs (and track) was held, cancelled ones excluded. Average daily
    attendance: participants who attended at least one session on a day (present, late, left
    early or by video), summed over those days and divided by the number of days. Attendance
    rate: attended records over all recorded ones (attended plus excused and unexcused
    absences); sessions nobody recorded attendance for are not counted."""
    attended = Q(status__in=ATTENDED)
    # One row per participant and day (hashed, not sorted), then summed in the database.
    per_participant_day = (
        _records(scope, scope.start, scope.as_of)
        .values("held_on", "participant")
        .annotate(
            came=Count("pk", filter=attended),
            excused_here=Count("pk", filter=Q(status=ABSENT_EXCUSED)),
            unexcused_here=Count("pk", filter=Q(status=ABSENT_UNEXCUSED)),
        )
    )
    counts = {
        key: value or 0
        for key, value in per_participant_day.aggregate(
            participant_days=Sum(Case(When(came__gt=0, then=1), default=0)),
            attended=Sum("came"),
            excused=Sum("excused_here"),
            unexcused=Sum("unexcused_here"),
        ).items()
    }
    participant_days = counts["participant_days"]
    days = _session_days(scope)
    recorded = counts["attended"] + counts["excused"] + counts["unexcused"]
    average = round(participant_days / days, 1) if days else None
    return Table(
        key="attendance",
        title=_("Attendance"),
        definition=definition(attendance_summary),
        columns=(
            Column("days", _("Days with sessions"), "number"),
            Column("average_daily", _("Average daily attendance"), "number"),
            Column("attended", _("Sessions attended"), "number"),
            Column("excused", _("Excused absences"), "number"),
            Column("unexcused", _("Unexcused absences"), "number"),
            Column("rate", _("Attendance rate (%)"), "percent"),
        ),
        rows=(
            (
                days,
                average,
                counts["attended"],
                counts["excused"],
                counts["unexcused"],
                percent(counts["attended"], recorded),
            ),
        ),
    )


def hours_weekly(scope: ReportScope) -> Table:
    """Participant-weeks: for each week (Monday to Sunday) of the range that has ended by
    today, the episodes in care the whole week (admitted on or before the Monday, not
    discharged before the Sunday); partial weeks at admission and discharge are left out.
    Hours delivered: minutes of sessions attended that week (present, late, left early, by
    video), as hours. Meeting the minimum: participant-weeks whose hours reach their program's
    minimum weekly hours. Required: the average program minimum of those participant-weeks."""
    mondays = [w for w in weeks(scope.start, scope.end) if w + timedelta(days=6) <= scope.today]
    if not mondays:
        return _hours_table(scope, [])
    episodes = scope.episodes()
    whole_week = {
        w: Q(admitted_on__lte=w)
        & (Q(discharged_on__isnull=True) | Q(discharged_on__gte=w + timedelta(days=6)))
        for w in mondays
    }
    aggregates = {}
    for index, condition in enumerate(whole_week.values()):
        aggregates[f"n{index}"] = Count("pk", filter=condition)
        aggregates[f"r{index}"] = Sum("program__minimum_weekly_hours", filter=condition)
    denominators = episodes.aggregate(**aggregates)
    participant_weeks = (
        _records(scope, mondays[0], mondays[-1] + timedelta(days=6))
        .filter(status__in=ATTENDED)
        .annotate(week=WeekStart("held_on"))
        .filter(episode__admitted_on__lte=F("week"))
        .annotate(left_after=DaysBetween(F("episode__discharged_on"), F("week")))
        .filter(Q(episode__discharged_on__isnull=True) | Q(left_after__gte=6))
        .values("episode", "week")
        .annotate(minutes=Sum("minutes"), minimum=Min("episode__program__minimum_weekly_hours"))
    )
    delivered, meeting = {}, {}
    for week, minutes, met in aggregate_over(  # one row per week, summed in the database
        participant_weeks,
        # ROUND: SQLite multiplies decimals as floats (8.3 h * 60 = 498.00000000000006)
        "week, SUM(minutes), SUM(CASE WHEN minutes >= ROUND(minimum * 60) THEN 1 ELSE 0 END)",
        group_by="week",
    ):
        monday_of = week if isinstance(week, date) else date.fromisoformat(week)  # SQLite: text
        # PostgreSQL sums bigints as numeric: whole numbers either way, rounded alike below
        delivered[monday_of], meeting[monday_of] = int(minutes), int(met)
    rows = []
    for index, monday in enumerate(mondays):
        count = denominators[f"n{index}"]
        required = denominators[f"r{index}"]
        minutes = delivered.get(monday, 0)
        rows.append(
            (
                monday,
                count,
                round(minutes / 60 / count, 1) if count else None,
                round(float(required) / count, 1) if count else None,
                meeting.get(monday, 0),
                percent(meeting.get(monday, 0), count),
            )
        )
    return _hours_table(scope, rows)


def _hours_table(scope, rows) -> Table:
    weeks_total = sum(row[1] for row in rows)
    met_total = sum(row[4] for row in rows)
    return Table(
        key="hours",
        title=_("Weekly hours against the program minimum"),
        definition=definition(hours_weekly),
        columns=(
            Column("week", _("Week of"), "date"),
            Column("participant_weeks", _("Participants in care all week"), "number"),
            Column("delivered", _("Average hours attended"), "hours"),
            Column("required", _("Program minimum (hours)"), "hours"),
            Column("meeting", _("Meeting the minimum"), "number"),
            Column("share", _("Meeting the minimum (%)"), "percent"),
        ),
        rows=tuple(rows),
        chart=Chart("line", x="week", series=("delivered", "required"), y_label=_("hours")),
        notes=(
            _("Over the range: %(met)s of %(weeks)s participant-weeks met the minimum.")
            % {"met": met_total, "weeks": weeks_total},
        ),
    )
