"""Census: who is in care, who came in and who left."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from openiop.reports.dbfunctions import WeekStart
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition, weeks
from openiop.reports.tables import Chart, Column, Table


def census_summary(scope: ReportScope) -> Table:
    """Episodes (admissions) of the scope. In care at the start: admitted before the first day
    and not discharged before it. Admitted: admission date in the range (a readmission counts
    again). Discharged: discharge date in the range. In care at the end: admitted on or before
    the last day and not discharged on or before it. Referrals never admitted are not counted."""
    start, end = scope.start, scope.end
    figures = scope.episodes().aggregate(
        at_start=Count(
            "pk", filter=Q(admitted_on__lt=start) & _not_discharged_by(start, inclusive=False)
        ),
        admitted=Count("pk", filter=Q(admitted_on__gte=start, admitted_on__lte=end)),
        discharged=Count("pk", filter=Q(discharged_on__gte=start, discharged_on__lte=end)),
        at_end=Count("pk", filter=Q(admitted_on__lte=end) & _not_discharged_by(end)),
    )
    return Table(
        key="census",
        title=_("Census"),
        definition=definition(census_summary),
        columns=(
            Column("at_start", _("In care at the start"), "number"),
            Column("admitted", _("Admitted"), "number"),
            Column("discharged", _("Discharged"), "number"),
            Column("at_end", _("In care at the end"), "number"),
        ),
        rows=(
            (figures["at_start"], figures["admitted"], figures["discharged"], figures["at_end"]),
        ),
    )


def _not_discharged_by(day, *, inclusive: bool = True) -> Q:
    """Still in care at the end of ``day`` (inclusive) or at its start (not inclusive)."""
    lookup = "discharged_on__gt" if inclusive else "discharged_on__gte"
    return Q(discharged_on__isnull=True) | Q(**{lookup: day})


def census_weekly(scope: ReportScope) -> Table:
    """Per week of the range (Monday to Sunday): admissions and discharges dated in that week,
    and the episodes in care at the end of the week (those in care at the start of the range,
    plus admissions, minus discharges up to that Sunday)."""
    start, end = scope.start, scope.end
    episodes = scope.episodes()
    at_start = episodes.filter(
        Q(admitted_on__lt=start) & _not_discharged_by(start, inclusive=False)
    )
    moves: dict = defaultdict(lambda: [0, 0])
    for index, field in enumerate(("admitted_on", "discharged_on")):
        grouped = (
            episodes.filter(**{f"{field}__gte": start, f"{field}__lte": end})
            .annotate(week=WeekStart(field))
            .values("week")
            .annotate(count=Count("pk"))
            .values_list("week", "count")
        )
        for week, count in grouped:
            moves[week][index] = count
    in_care, rows = at_start.count(), []
    for week in weeks(start, end):
        admitted, discharged = moves.get(week, (0, 0))
        in_care += admitted - discharged
        rows.append((week, admitted, discharged, in_care))
    return Table(
        key="census_weekly",
        title=_("Census by week"),
        definition=definition(census_weekly),
        columns=(
            Column("week", _("Week of"), "date"),
            Column("admitted", _("Admitted"), "number"),
            Column("discharged", _("Discharged"), "number"),
            Column("in_care", _("In care at the end of the week"), "number"),
        ),
        rows=tuple(rows),
        chart=Chart("line", x="week", series=("in_care", "admitted", "discharged")),
    )
