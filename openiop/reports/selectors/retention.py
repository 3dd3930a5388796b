"""Retention, completion and length of stay."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db.models import Avg, Case, Count, DateField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from openiop.discharge.models import DischargeReason
from openiop.reports.dbfunctions import DaysBetween, aggregate_over
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition
from openiop.reports.tables import Chart, Column, Table, percent

RETENTION_DAYS = (30, 60, 90)
CURVE_WEEKS = 16


def _cohort(scope: ReportScope):
    """Episodes admitted in the range, with ``stay``: days from admission to discharge, or to
    the report's last day for those still in care."""
    return (
        scope.episodes()
        .filter(admitted_on__gte=scope.start, admitted_on__lte=scope.as_of)
        .annotate(
            stay=DaysBetween(
                Coalesce("discharged_on", Value(scope.as_of, output_field=DateField())),
                "admitted_on",
            )
        )
    )


def _retention_rows(scope: ReportScope, days_list: Sequence[int], *, unit_days: int = 1) -> tuple:
    """One row per number of days after admission, counted in ``unit_days`` (1: days, 7:
    weeks): (that number, cohort observable that long, engaged, engaged share), from one
    aggregate query over the cohort."""
    # Written as SQL sums over the cohort's rows (as ORM aggregates, 34 of them took longer to
    # compile than to run). The dates are the report's own, never user input.
    completed = Q(discharge__reason=DischargeReason.COMPLETED, discharged_on__isnull=False)
    cohort = (
        _cohort(scope)
        .annotate(completed=Case(When(completed, then=1), default=0))
        .order_by()
        .values("admitted_on", "stay", "completed")
    )
    sums = []
    for days in days_list:
        observable = f"admitted_on <= '{(scope.as_of - timedelta(days=days)).isoformat()}'"
        sums.append(f"SUM(CASE WHEN {observable} THEN 1 ELSE 0 END)")
        sums.append(
            f"SUM(CASE WHEN {observable} AND (stay >= {int(days)} OR completed = 1)"
            " THEN 1 ELSE 0 END)"
        )
    (totals,) = aggregate_over(cohort, ", ".join(sums)) or [(None,) * len(sums)]
    counts = {}
    for index, days in enumerate(days_list):
        counts[f"n{days}"] = int(totals[2 * index] or 0)
        counts[f"k{days}"] = int(totals[2 * index + 1] or 0)
    return tuple(
        (
            days // unit_days,
            counts[f"n{days}"],
            counts[f"k{days}"],
            percent(counts[f"k{days}"], counts[f"n{days}"]),
        )
        for days in days_list
    )


def retention(scope: ReportScope) -> Table:
    """Cohort: episodes admitted in the range. Engaged at N days: still in care N days after
    admission, or discharged earlier having completed treatment (completion is not drop-out).
    Each share counts only episodes admitted at least N days before the report's last day (or
    today), so recent admissions do not count as losses; a readmission is its own episode."""
    return Table(
        key="retention",
        title=_("Retention"),
        definition=definition(retention),
        columns=_retention_columns(_("Days after admission")),
        rows=_retention_rows(scope, RETENTION_DAYS),
    )


def _retention_columns(first: str) -> tuple[Column, ...]:
    return (
        Column("days", first, "number"),
        Column("cohort", _("Admitted long enough ago"), "number"),
        Column("engaged", _("Engaged"), "number"),
        Column("share", _("Engaged (%)"), "percent"),
    )


def retention_curve(scope: ReportScope) -> Table:
    """The retention definition week by week: for each week after admission (0 to 16), the
    share of the cohort (episodes admitted in the range, observable that long) still in care
    or discharged having completed treatment."""
    days_list = [7 * week for week in range(CURVE_WEEKS + 1)]
    return Table(
        key="retention_curve",
        title=_("Retention curve"),
        definition=definition(retention_curve),
        columns=_retention_columns(_("Weeks after admission")),
        rows=_retention_rows(scope, days_list, unit_days=7),
        chart=Chart("line", x="days", series=("share",), y_label="%"),
    )


def completion(scope: ReportScope) -> Table:
    """Episodes discharged in the range, by reason (the TEDS discharge reasons; "not recorded"
    for a discharge date without a discharge record). Share: of all discharges in the range.
    Length of stay: days from admission to discharge, averaged. The completion rate is the
    share of "Treatment completed"."""
    grouped = (
        scope.episodes()
        .filter(discharged_on__gte=scope.start, discharged_on__lte=scope.end)
        .values("discharge__reason")
        .annotate(
            count=Count("pk"),
            stay=Avg(DaysBetween("discharged_on", "admitted_on")),
        )
        .values_list("discharge__reason", "count", "stay")
    )
    by_reason = {reason: (count, stay) for reason, count, stay in grouped}
    total = sum(count for count, _stay in by_reason.values())
    rows = []
    for reason, label in [*DischargeReason.choices, (None, _("Not recorded"))]:
        count, stay = by_reason.get(reason, (0, None))
        if reason is None and not count:
            continue
        rows.append((str(label), count, percent(count, total), _days(stay)))
    all_stays = [(count, stay) for count, stay in by_reason.values() if stay is not None]
    overall = sum(c * s for c, s in all_stays) / total if total else None
    rows.append((_("All discharges"), total, percent(total, total), _days(overall)))
    return Table(
        key="completion",
        title=_("Discharges, completion and length of stay"),
        definition=definition(completion),
        columns=(
            Column("reason", _("Reason for discharge")),
            Column("count", _("Discharges"), "number"),
            Column("share", _("Share (%)"), "percent"),
            Column("stay", _("Average length of stay (days)"), "number"),
        ),
        rows=tuple(rows),
        chart=Chart("bar", x="reason", series=("count",)),
    )


def _days(value) -> float | None:
    return None if value is None else round(float(value), 1)
