"""Attendance and hours: who came, and whether participants got the hours an IOP promises."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import Round
from django.utils.translation import gettext as _

from openiop.reports.dbfunctions import DaysBetween, WeekStart
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition, weeks
from openiop.reports.tables import Chart, Column, Table, percent
from openiop.scheduling.models import AttendanceRecord, AttendanceWeek, Session
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


def _day_counts(records) -> dict:
    """Participant-days attended and records by status, over one row per episode and day
    (hashed, not sorted) summed in the database."""
    attended = Q(status__in=ATTENDED)
    per_episode_day = records.values("held_on", "episode").annotate(
        came=Count("pk", filter=attended),
        excused_here=Count("pk", filter=Q(status=ABSENT_EXCUSED)),
        unexcused_here=Count("pk", filter=Q(status=ABSENT_UNEXCUSED)),
    )
    return per_episode_day.aggregate(
        participant_days=Sum(Case(When(came__gt=0, then=1), default=0)),
        attended=Sum("came"),
        excused=Sum("excused_here"),
        unexcused=Sum("unexcused_here"),
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


def whole_weeks(start: date, end: date) -> tuple[date, date] | None:
    """The first and last Mondays of the weeks (Monday to Sunday) that lie wholly in
    [start, end]; None when no week does."""
    first = start + timedelta(days=-start.weekday() % 7)
    last = end - timedelta(days=(end.weekday() + 1) % 7) - timedelta(days=6)
    return (first, last) if first <= last else None


def attendance_summary(scope: ReportScope) -> Table:
    """Days with sessions: days in the range (up to today) on which at least one session of
    the scope's programs (and track) was held, cancelled ones excluded. Average daily
    attendance: participants who attended at least one session on a day (present, late, left
    early or by video), summed over those days and divided by the number of days; a
    participant in two of the scope's programs on the same day counts in each. Attendance
    rate: attended records over all recorded ones (attended plus excused and unexcused
    absences); sessions nobody recorded attendance for are not counted."""
    counts = dict.fromkeys(("participant_days", "attended", "excused", "unexcused"), 0)
    # Whole weeks from each episode's week totals; the days before and after them (a range
    # rarely starts on a Monday) from the records.
    records = _records(scope, scope.start, scope.as_of)
    inside = whole_weeks(scope.start, scope.as_of)
    if inside is not None:
        totals = AttendanceWeek.objects.filter(
            scope.on("episode__"), week_of__gte=inside[0], week_of__lte=inside[1]
        ).aggregate(
            participant_days=Sum("days_attended"),
            attended=Sum("attended"),
            excused=Sum("excused"),
            unexcused=Sum("unexcused"),
        )
        counts = {key: value or 0 for key, value in totals.items()}
        last_sunday = inside[1] + timedelta(days=6)
        records = records.exclude(held_on__gte=inside[0], held_on__lte=last_sunday)
    if inside is None or (inside[0], last_sunday) != (scope.start, scope.as_of):
        for key, value in _day_counts(records).items():
            counts[key] += value or 0
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
    denominators = _whole_weeks_in_care(scope, mondays)
    participant_weeks = (
        AttendanceWeek.objects.filter(
            scope.on("episode__"), week_of__gte=mondays[0], week_of__lte=mondays[-1]
        )
        .annotate(left_after=DaysBetween(F("episode__discharged_on"), F("week_of")))
        .filter(
            # the weeks of _whole_weeks_span, tested per row without computing the span
            Q(episode__discharged_on__isnull=True) | Q(left_after__gte=6),
            episode__admitted_on__lte=F("week_of"),
        )
        .values("week_of")
        .annotate(
            delivered=Sum("minutes"),
            # ROUND: SQLite multiplies decimals as floats (8.3 h * 60 = 498.00000000000006)
            met=Count(
                "pk",
                filter=Q(
                    minutes__gte=Round(F("episode__program__minimum_weekly_hours") * 60),
                    attended__gt=0,
                ),
            ),
        )
        .order_by()
    )
    delivered, meeting = {}, {}
    for row in participant_weeks:  # one row per week, summed in the database
        monday_of = row["week_of"]
        # PostgreSQL sums as numeric: whole numbers either way
        delivered[monday_of], meeting[monday_of] = int(row["delivered"]), int(row["met"])
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


def _whole_weeks_span() -> tuple[WeekStart, WeekStart]:
    """An episode is in care the whole of the weeks from ``first`` (the first Monday on or
    after its admission) up to, not including, ``after`` (the Monday after the last week whose
    Sunday it was still in care on; null while in care). For a given Monday: admitted on or
    before it and not discharged before its Sunday, as ``hours_weekly`` tests each row."""
    return WeekStart("admitted_on", days=6), WeekStart("discharged_on", days=1)


def _whole_weeks_in_care(scope: ReportScope, mondays: list[date]) -> dict:
    """For each of ``mondays``, the scope's episodes in care that whole week (``n<index>``)
    and the sum of their programs' minimum hours (``r<index>``).

    Two grouped queries count episodes by their first whole week and by the Monday after
    their last (``_whole_weeks_span``); the weeks are running totals of the first minus the
    second."""
    first, after = _whole_weeks_span()
    spans = (
        scope.episodes()
        .annotate(first=first, after=after, minimum=F("program__minimum_weekly_hours"))
        .filter(Q(discharged_on__isnull=True) | Q(first__lt=F("after")))
        .order_by()
    )
    starts = (
        spans.filter(first__lte=mondays[-1])
        .values("first")
        .annotate(n=Count("pk"), r=Sum("minimum"))
        .values_list("first", "n", "r")
    )
    ends = (
        spans.filter(after__lte=mondays[-1])
        .values("after")
        .annotate(n=Count("pk"), r=Sum("minimum"))
        .values_list("after", "n", "r")
    )
    changes: dict[date, list] = {}
    for sign, rows in ((1, starts), (-1, ends)):
        for monday, n, required in rows:
            monday = monday if isinstance(monday, date) else date.fromisoformat(monday)  # SQLite
            change = changes.setdefault(monday, [0, 0.0])
            change[0] += sign * n
            change[1] += sign * float(required or 0)
    denominators, count, required = {}, 0, 0.0
    pending = sorted(changes.items())
    next_change = 0
    for index, monday in enumerate(mondays):
        while next_change < len(pending) and pending[next_change][0] <= monday:
            count += pending[next_change][1][0]
            required += pending[next_change][1][1]
            next_change += 1
        denominators[f"n{index}"], denominators[f"r{index}"] = count, round(required, 2)
    return denominators


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
