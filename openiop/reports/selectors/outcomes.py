"""Outcome change on standardized measures, admission against latest."""

from __future__ import annotations

from django.db.models import Avg, Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from openiop.assessments.instruments import get as instrument
from openiop.assessments.instruments.change import MEANINGFUL_CHANGE
from openiop.assessments.models import Administration
from openiop.reports.dbfunctions import DaysBetween
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition
from openiop.reports.tables import Chart, Column, Table, percent

BASELINE_DAYS = 30  # an "admission" score is one given within 30 days of admission
TRAJECTORY_WEEKS = 16
TRAJECTORY_INSTRUMENTS = ("phq9", "gad7")


def _current(code: str, until):
    """Scored administrations of ``code`` up to ``until`` that no correction replaced."""
    corrected = Administration.objects.filter(supersedes=OuterRef("pk"))
    return Administration.objects.filter(
        instrument=code, total__isnull=False, administered_on__lte=until
    ).exclude(Exists(corrected))


def _measured_episodes(scope: ReportScope, code: str):
    given = _current(code, scope.as_of).filter(episode=OuterRef("pk"))
    first = given.order_by("administered_on", "pk")
    latest = given.order_by("-administered_on", "-pk")
    return (
        scope.episodes()
        .filter(scope.in_care_during(scope.start, scope.end))
        .annotate(
            first_total=Subquery(first.values("total")[:1], output_field=IntegerField()),
            first_on=Subquery(first.values("administered_on")[:1]),
            latest_total=Subquery(latest.values("total")[:1], output_field=IntegerField()),
            latest_on=Subquery(latest.values("administered_on")[:1]),
        )
        .filter(latest_on__gt=F("first_on"))
        .annotate(baseline_delay=DaysBetween(F("first_on"), F("admitted_on")))
        .filter(baseline_delay__lte=BASELINE_DAYS)
    )


def outcome_change(scope: ReportScope) -> Table:
    """Episodes in care during the range with an admission score (the first given within 30
    days of admission) and one on a later day (the latest up to the report's last day); corrected
    administrations are replaced by their corrections. Change: admission minus latest (lower
    is better). Improved / worsened: a change of at least the instrument's clinically
    meaningful difference (PHQ-9 5, GAD-7 4, PCL-5 10 points; sources in
    assessments/instruments/change.py); the rest count as unchanged."""
    rows = []
    for code, threshold in MEANINGFUL_CHANGE.items():
        figures = _measured_episodes(scope, code).aggregate(
            count=Count("pk"),
            first=Avg("first_total"),
            latest=Avg("latest_total"),
            improved=Count("pk", filter=Q(first_total__gte=F("latest_total") + threshold)),
            worsened=Count("pk", filter=Q(latest_total__gte=F("first_total") + threshold)),
        )
        count = figures["count"]
        rows.append(
            (
                instrument(code).name,
                count,
                _round(figures["first"]),
                _round(figures["latest"]),
                threshold,
                figures["improved"],
                percent(figures["improved"], count),
                figures["worsened"],
                percent(figures["worsened"], count),
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
    by_code = {}
    in_scope = scope.on("episode__") & scope.in_care_during(scope.start, scope.end, "episode__")
    for code in TRAJECTORY_INSTRUMENTS:
        grouped = (
            _current(code, scope.as_of)
            .filter(in_scope)
            .annotate(days=DaysBetween(F("administered_on"), F("episode__admitted_on")))
            .filter(days__gte=0, days__lt=7 * (TRAJECTORY_WEEKS + 1))
            .annotate(week=F("days") / 7)
            .values("week")
            .annotate(mean=Avg("total"), n=Count("pk"))
            .values_list("week", "mean", "n")
        )
        by_code[code] = {week: (mean, n) for week, mean, n in grouped}
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
