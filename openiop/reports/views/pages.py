"""The program dashboard, its print view, the clinician report and the episode list."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from openiop.core.policy import requires, requires_any
from openiop.reports import selectors
from openiop.reports.access import ANY_REPORTS, EXPORT_IDENTIFIED
from openiop.reports.views._common import (
    audit_participants,
    audit_report,
    layout,
    report_filter,
    show,
)


def _dashboard_context(request: HttpRequest, report: str) -> dict:
    form, scope = report_filter(request)
    tables = selectors.dashboard(scope) if scope is not None else []
    audit_report(request, report, form, scope)
    query = form.query()
    shown = [show(table, query) for table in tables]
    return {
        "nav": "reports",
        "tab": "dashboard",
        "form": form,
        "scope": scope,
        "tables": shown,
        "rows": layout(shown),
        "query_string": urlencode(query),
        "printed_at": timezone.localtime(),
    }


@require_GET
@requires_any(*ANY_REPORTS)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/dashboard.html", _dashboard_context(request, "dashboard"))


@require_GET
@requires_any(*ANY_REPORTS)
def print_view(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/print.html", _dashboard_context(request, "print"))


@require_GET
@requires_any(*ANY_REPORTS)
def clinicians(request: HttpRequest) -> HttpResponse:
    """Caseload size and overdue items per clinician: every clinician of the programs, or the
    user's own row only when they may see their own caseload only (the scope says so)."""
    from openiop.reports.selectors.clinicians import clinician_report

    form, scope = report_filter(request)
    table = clinician_report(scope) if scope is not None else None
    audit_report(request, "clinicians", form, scope)
    return render(
        request,
        "reports/single.html",
        {
            "nav": "reports",
            "tab": "clinicians",
            "form": form,
            "scope": scope,
            "shown": show(table, form.query()) if table is not None else None,
            "export_key": "clinicians",
            "query_string": urlencode(form.query()),
        },
    )


@require_GET
@requires(EXPORT_IDENTIFIED)
def episodes(request: HttpRequest) -> HttpResponse:
    """Every episode of the scope with the participant's name, a page of 100 at a time: each
    participant shown is audited. The CSV export has them all."""
    from openiop.reports.selectors.episodes import PAGE_SIZE, episode_list, listed_episodes

    form, scope = report_filter(request)
    table = page = None
    if scope is not None:
        paginator = Paginator(listed_episodes(scope).values_list("pk", flat=True), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        table = episode_list(scope, episode_ids=list(page.object_list))
    listed = audit_participants(request, table, "episodes") if table is not None else 0
    audit_report(request, "episodes", form, scope, participants=listed)
    return render(
        request,
        "reports/single.html",
        {
            "nav": "reports",
            "tab": "episodes",
            "form": form,
            "scope": scope,
            "shown": show(table, form.query()) if table is not None else None,
            "page": page,
            "export_key": "episodes",
            "query_string": urlencode(form.query()),
        },
    )
