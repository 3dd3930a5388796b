"""What the report views share: the filter, the audit row, and tables made ready to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record, audit_record_listing
from openiop.participants.models import Participant
from openiop.reports.forms import ReportFilterForm
from openiop.reports.scope import ReportScope
from openiop.reports.tables import Column, Table

EMPTY = "—"
SHORT_TEXT = 24  # characters: shorter text cells do not wrap
PARTICIPANT_COLUMN = "participant"  # the participants' public ids, for the audit listing


def report_filter(request: HttpRequest) -> tuple[ReportFilterForm, ReportScope | None]:
    form = ReportFilterForm(request.GET, user=request.user, today=timezone.localdate())
    return form, form.scope()


def scope_details(form: ReportFilterForm, scope: ReportScope | None) -> dict[str, Any]:
    """The filter as audit details: identifiers and dates only."""
    if scope is None:
        return {"valid": False}
    return {
        "valid": True,
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "program_ids": list(scope.program_ids),
        "site_id": scope.site_id,
        "track_id": scope.track_id,
        "own_caseload": scope.clinician_id is not None,
    }


def audit_report(request, report: str, form, scope, *, action=AuditAction.REPORT_VIEWED, **extra):
    audit_record(
        actor=request.user,
        action=action,
        details={"report": report, **scope_details(form, scope), **extra},
    )


def audit_participants(request, table: Table, report: str) -> int:
    """One listing row per participant a table names (by its ``participant`` column)."""
    if PARTICIPANT_COLUMN not in {column.key for column in table.columns}:
        return 0
    public_ids = {value for value in table.column_values(PARTICIPANT_COLUMN) if value}
    participants = list(Participant.objects.filter(public_id__in=public_ids))
    audit_record_listing(
        actor=request.user,
        participants=participants,
        category=DataCategory.SUD_RECORD,
        details={"report": report},
    )
    return len(participants)


# ----------------------------------------------------------------------------- presenting


def display(value: Any, column: Column) -> str:
    """A cell as the page shows it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "✓" if value else EMPTY
    if isinstance(value, int | float | Decimal):
        places = 0 if isinstance(value, int) and column.kind != "hours" else 1
        text = formats.number_format(value, places, use_l10n=True, force_grouping=True)
        return f"{text} %" if column.kind == "percent" else text
    return str(value)


def json_value(value: Any) -> Any:
    """A value for the chart's JSON: numbers stay numbers, None stays null."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _chart_labels(values: list[Any]) -> list[str]:
    if values and all(isinstance(value, date) for value in values):
        same_year = len({value.year for value in values}) == 1
        return [formats.date_format(value, "M j" if same_year else "M j, Y") for value in values]
    return ["" if value is None else str(value) for value in values]


@dataclass(frozen=True)
class Cell:
    text: str
    is_number: bool = False
    href: str = ""  # the participant column links to the participant's record
    is_header: bool = False  # the row's header cell (its first column that is not a link)
    nowrap: bool = False  # numbers, dates and short words stay on one line


@dataclass(frozen=True)
class Shown:
    """A table ready for the template: formatted cells, the chart's data, its CSV links."""

    table: Table
    rows: list[list[Cell]]
    chart: dict[str, Any] | None
    has_identifying: bool
    csv_query: str
    csv_deidentified_query: str

    @property
    def chart_id(self) -> str:
        return f"chart-{self.table.key}"


def _cell(value: Any, column: Column, *, is_header: bool) -> Cell:
    if column.key == PARTICIPANT_COLUMN and value:
        href = reverse("participants:chart", args=[value])
        return Cell(_("Open record"), href=href)
    is_number = column.kind in ("number", "percent", "hours")
    text = display(value, column)
    nowrap = column.kind != "text" or len(text) <= SHORT_TEXT
    return Cell(text, is_number=is_number, is_header=is_header, nowrap=nowrap)


def show(table: Table, query: dict[str, str]) -> Shown:
    keys = [column.key for column in table.columns]
    header = 1 if keys[:1] == [PARTICIPANT_COLUMN] and len(keys) > 1 else 0
    rows = [
        [
            _cell(value, column, is_header=index == header)
            for index, (value, column) in enumerate(zip(row, table.columns, strict=True))
        ]
        for row in table.rows
    ]
    return Shown(
        table=table,
        rows=rows,
        chart=chart_data(table),
        has_identifying=any(column.identifying for column in table.columns),
        csv_query=urlencode(query),
        csv_deidentified_query=urlencode({**query, "deidentified": "1"}),
    )


NARROW_COLUMNS = 6  # a table without a chart and with at most this many columns is narrow


def _narrow(shown: Shown) -> bool:
    return shown.chart is None and len(shown.table.columns) <= NARROW_COLUMNS


def layout(tables: list[Shown]) -> list[list[Shown]]:
    """Rows of the dashboard in reading order: narrow neighbours side by side (two to a row),
    every other table (a chart, many columns) alone."""
    rows: list[list[Shown]] = []
    for shown in tables:
        previous = rows[-1] if rows else None
        if _narrow(shown) and previous and len(previous) == 1 and _narrow(previous[0]):
            previous.append(shown)
        else:
            rows.append([shown])
    return rows


def chart_data(table: Table) -> dict[str, Any] | None:
    chart = table.chart
    if chart is None or not table.rows:
        return None
    labels = {column.key: column.label for column in table.columns}
    kinds = {column.key: column.kind for column in table.columns}
    return {
        "type": chart.kind,
        "labels": _chart_labels(table.column_values(chart.x)),
        "datasets": [
            {"label": str(labels[key]), "data": [json_value(v) for v in table.column_values(key)]}
            for key in chart.series
        ],
        "yLabel": str(chart.y_label),
        "stacked": chart.stacked,
        "percent": all(kinds[key] == "percent" for key in chart.series),
    }
