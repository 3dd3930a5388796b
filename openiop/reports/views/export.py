"""CSV of one report table: identified (names and other identifying columns) or de-identified."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from openiop.audit.models import AuditAction, AuditOutcome
from openiop.audit.services import audit_record
from openiop.core.policy import requires_any
from openiop.reports import selectors
from openiop.reports.access import ANY_REPORTS, EXPORT_IDENTIFIED, PROGRAM_REPORTS
from openiop.reports.scope import ReportScope
from openiop.reports.selectors.clinicians import clinician_report
from openiop.reports.selectors.episodes import episode_list
from openiop.reports.tables import Table
from openiop.reports.views._common import audit_participants, audit_report, report_filter

# A spreadsheet would run a text cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# Tables outside the dashboard: key -> (selector, the permission its export needs besides
# reports.export_identified for identifying columns). The episode list is row-level data,
# never for own-caseload users, even de-identified.
OTHER_TABLES: dict[str, tuple[Callable[[ReportScope], Table], str | None]] = {
    "clinicians": (clinician_report, None),
    "episodes": (episode_list, PROGRAM_REPORTS),
}


def _table(request: HttpRequest, scope: ReportScope, key: str) -> Table | None:
    if key in OTHER_TABLES:
        selector, permission = OTHER_TABLES[key]
        if permission and not request.user.has_perm(permission):
            _deny(request, key, permission)
        return selector(scope)
    return selectors.table(scope, key)


def _deny(request: HttpRequest, key: str, permission: str):
    audit_record(
        actor=request.user,
        action=AuditAction.ACCESS_DENIED,
        outcome=AuditOutcome.DENIED,
        details={"report": key, "permissions": [permission]},
    )
    raise PermissionDenied


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Lines:
    def __init__(self):
        self.lines: list[str] = []

    def write(self, value: str) -> None:
        self.lines.append(value)


def table_csv(table: Table) -> str:
    out = _Lines()
    writer = csv.writer(out)
    writer.writerow([csv_cell(str(column.label)) for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return "".join(out.lines)


@require_GET
@requires_any(*ANY_REPORTS)
def export(request: HttpRequest, key: str) -> HttpResponse:
    """``?deidentified=1`` leaves out identifying columns; without it, a table that has any
    needs ``reports.export_identified``. An unknown key is a 404; a filter with errors a 400."""
    if key not in OTHER_TABLES and key not in selectors.DASHBOARD:
        raise Http404
    deidentified = request.GET.get("deidentified") == "1"
    form, scope = report_filter(request)
    if scope is None:
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    table = _table(request, scope, key)
    if table is None:
        raise Http404
    identifying = any(column.identifying for column in table.columns)
    if identifying and not deidentified and not request.user.has_perm(EXPORT_IDENTIFIED):
        _deny(request, key, EXPORT_IDENTIFIED)
    if deidentified:
        table = table.deidentified()
    listed = 0 if deidentified else audit_participants(request, table, key)
    audit_report(
        request,
        key,
        form,
        scope,
        action=AuditAction.REPORT_EXPORTED,
        key=key,
        deidentified=deidentified,
        rows=len(table.rows),
        participants=listed,
    )
    filename = f"{key}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"
    filename += "-deidentified.csv" if deidentified else ".csv"
    return HttpResponse(
        table_csv(table),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
