"""The compliance auditor's audit trail (AUD-7): filter, page, export; each viewing is audited."""

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from openiop.audit.forms import AuditFilterForm
from openiop.audit.models import AuditAction, AuditEvent, DataCategory
from openiop.audit.selectors import audit_events_filtered
from openiop.audit.services import audit_record
from openiop.core.policy import requires

PAGE_SIZE = 50
EXPORT_CHUNK_SIZE = 2000
# A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _filtered(form: AuditFilterForm, recorded: AuditEvent):
    """The events the filter selects, or none while the filter has errors."""
    if not form.is_valid():
        return AuditEvent.objects.none()
    return audit_events_filtered(**form.selector_arguments(), exclude_event=recorded)


def _record(request: HttpRequest, form: AuditFilterForm, action: AuditAction, **extra):
    return audit_record(
        actor=request.user,
        action=action,
        category=DataCategory.AUDIT,
        details={"filters": form.audit_details(), "valid": form.is_valid(), **extra},
    )


@require_GET
@requires("audit.view_auditevent")
def events(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    page_number = request.GET.get("page", "")
    page_number = page_number if page_number.isdigit() and len(page_number) < 10 else "1"
    recorded = _record(request, form, AuditAction.AUDIT_VIEWED, page=page_number)
    page = Paginator(_filtered(form, recorded), PAGE_SIZE).get_page(page_number)
    context = {
        "form": form,
        "page_obj": page,
        "events": page.object_list,
        "time_zone": timezone.get_current_timezone_name(),
        "nav": "audit",
    }
    return render(request, "audit/events.html", context)


def _safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer rows."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [
            _("Time (UTC)"),
            _("Actor e-mail"),
            _("Action code"),
            _("Action"),
            _("Outcome"),
            _("Data category"),
            _("Participant MRN"),
            _("Object type"),
            _("Object id"),
            _("IP address"),
        ]
    )
    for event in events:
        participant = event.participant
        row = [
            event.occurred_at.astimezone(UTC).isoformat(),
            event.actor_email,
            event.action,
            event.get_action_display(),
            event.get_outcome_display(),
            event.get_category_display() if event.category else "",
            participant.mrn if participant else "",
            event.target_type,
            event.target_id,
            event.ip_address,
        ]
        yield writer.writerow([_safe_cell(value) for value in row])


@require_GET
@requires("audit.view_auditevent")
def export(request: HttpRequest) -> StreamingHttpResponse:
    """Every row the filter selects, as CSV (a filter with errors exports only the header)."""
    form = AuditFilterForm(request.GET)
    recorded = _record(request, form, AuditAction.AUDIT_EXPORTED)
    events = _filtered(form, recorded).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    filename = f"audit-{timezone.localtime():%Y%m%d-%H%M%S}.csv"
    return StreamingHttpResponse(
        _csv_lines(events),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
