"""Outcome change on standardized measures, admission against latest."""

from __future__ import annotations

from django.db.models import Avg, Case, Count, F, IntegerField, Value, When
from django.utils.translation import gettext as _

from openiop.assessments.instruments import get as instrument
from openiop.assessments.instruments.change import MEANINGFUL_CHANGE
from openiop.reports.dbfunctions import DaysBetween, aggregate_over
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition
from openiop.reports.selectors._scores import current_scores, day_number, first_and_latest
from openiop.reports.tables import Chart, Column, Table, percent
from openiop.reports.thresholds import meaningful_change

BASELINE_DAYS = 30  # an "admission" score is one given within 30 days of admission
TRAJECTORY_WEEKS = 16
TRAJECTORY_INSTRUMENTS = ("phq9", "gad7")


def _measured(scope: ReportScope, thresholds: dict[int, dict[str, int]]):
    """One row per episode in care during the range and instrument measured at admission and
    later, with its admission and latest totals and the program's meaningful change."""
    in_scope = scope.on("episode__") & scope.in_care_during(scope.start, scope.end, "episode__")
    threshold = Case(
        *(
            When(episode__program_id=program_id, instrument=code, then=Value(points))
            for program_id, points_by_code in thresholds.items()
            for code, points in points_by_code.items()
        ),
        output_field=IntegerField(),
    )
    scores = (
        current_scores(MEANINGFUL_CHANGE, scope.as_of)
        .filter(in_scope)
        .annotate(admitted_day=day_number("episode__admitted_on"), threshold=threshold)
    )
    return (
        first_and_latest(scores, "admitted_day", "threshold")
        .filter(
            latest_day__gt=F("first_day"),
            first_day__lte=F("admitted_day") + BASELINE_DAYS,
        )
        .values("instrument", "first_total", "latest_total", "threshold")
    )


def outcome_change(scope: ReportScope) -> Table:
    """Episodes in care during the range with an admission score (the first given within 30
    days of admission) and one on a later day (the latest up to the report's last day); corrected
    administrations are replaced by their corrections. Change: admission minus latest (lower
    is better). Improved / worsened: a change of at least the instrument's clinically
    meaningful difference, the program's report setting (published defaults PHQ-9 5, GAD-7 4,
    PCL-5 10 points; sources in assessments/instruments/change.py); the rest count as
    unchanged. With several programs of different settings, each episode is judged by its own
    program's and the table shows the range."""
    thresholds = meaningful_change(scope.program_ids)
    figures = {
        code: (count, first, latest, improved, worsened)
        for code, count, first, latest, improved, worsened in aggregate_over(
            _measured(scope, thresholds),
            "instrument, COUNT(*), AVG(first_total), AVG(latest_total),"
            " SUM(CASE WHEN first_total - latest_total >= threshold THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN latest_total - first_total >= threshold THEN 1 ELSE 0 END)",
            group_by="instrument",
        )
    }
    rows = []
    for code in MEANINGFUL_CHANGE:
        count, first, latest, improved, worsened = figures.get(code, (0, None, None, 0, 0))
        points = sorted({by_code[code] for by_code in thresholds.values()}) or [None]
        rows.append(
            (
                instrument(code).name,
                count,
                _round(first),
                _round(latest),
                points[0] if len(points) == 1 else f"{points[0]}-{points[-1]}",  # [None]: none
                improved or 0,
                percent(improved or 0, count),
                worsened or 0,
                percent(worsened or 0, count),
            )
        )
    return Table(
        key="outcomes",
        title=_("Outcome change, admission to latest"),
        definition=definition(outcome_change),
        columns=(
            Column("measure", _("Measure")),
            Column("episodes", _("Participants measured twice"), "number"),
            Column("admission", _("Average at admission"), "number"),
            Column("latest", _("Average latest"), "number"),
            Column("threshold", _("Meaningful change (points)"), "number"),
            Column("improved", _("Improved"), "number"),
            Column("improved_share", _("Improved (%)"), "percent"),
            Column("worsened", _("Worsened"), "number"),
            Column("worsened_share", _("Worsened (%)"), "percent"),
        ),
        rows=tuple(rows),
    )


def outcome_trajectories(scope: ReportScope) -> Table:
    """Average scores by week of treatment: every current administration of the scope's
    episodes in care during the range, given from the day of admission up to 16 weeks later
    and not after the report's last day, grouped by whole weeks since admission (week 0 is the
    first seven days). Each week shows the average and how many scores it averages."""
    columns = [Column("week", _("Week of treatment"), "number")]
    series = []
    in_scope = scope.on("episode__") & scope.in_care_during(scope.start, scope.end, "episode__")
    grouped = (  # every instrument in one pass
        current_scores(TRAJECTORY_INSTRUMENTS, scope.as_of)
        .filter(in_scope)
        .annotate(days=DaysBetween(F("administered_on"), F("episode__admitted_on")))
        .filter(days__gte=0, days__lt=7 * (TRAJECTORY_WEEKS + 1))
        .annotate(week=F("days") / 7)
        .values("instrument", "week")
        .annotate(mean=Avg("total"), n=Count("pk"))
        .values_list("instrument", "week", "mean", "n")
    )
    by_code = {code: {} for code in TRAJECTORY_INSTRUMENTS}
    for code, week, mean, n in grouped:
        by_code[code][week] = (mean, n)
    for code in TRAJECTORY_INSTRUMENTS:
        name = instrument(code).name
        columns += [
            Column(code, _("%(measure)s average") % {"measure": name}, "number"),
            Column(f"{code}_n", _("%(measure)s scores") % {"measure": name}, "number"),
        ]
        series.append(code)
    rows = []
    for week in range(TRAJECTORY_WEEKS + 1):
        row = [week]
        for code in TRAJECTORY_INSTRUMENTS:
            mean, n = by_code[code].get(week, (None, 0))
            row += [_round(mean), n]
        rows.append(tuple(row))
    return Table(
        key="trajectories",
        title=_("Outcome trajectories"),
        definition=definition(outcome_trajectories),
        columns=tuple(columns),
        rows=tuple(rows),
        chart=Chart("line", x="week", series=tuple(series), y_label=_("average score")),
    )


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)
