"""The clinician report: caseloads and what is overdue, per clinician."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, DateField, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from openiop.notes.models import NoteStatus, ProgressNote
from openiop.notes.rules import DEFAULTS as NOTE_DEFAULTS
from openiop.plans.models import PlanVersion, ReviewRequest
from openiop.reports.dbfunctions import DaysBetween
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition
from openiop.reports.selectors.documentation import allowed_days, plan_policy_days
from openiop.reports.tables import Column, Table


def clinician_report(scope: ReportScope) -> Table:
    """One row per primary clinician of the scope's episodes in care on the report's last day
    (or today). Caseload: those episodes. Plans overdue: of the caseload, no signed plan past
    the program's initial-plan days, or the last signed version older than the review interval
    (as in the plan timeliness report); early reviews overdue: open review requests past their
    due date. Notes overdue: the clinician's unsigned individual notes of the scope's episodes
    whose date of service is more than the program's overdue hours (in whole days, 72 hours = 3
    days) before that day."""
    day = scope.as_of
    last_signed = PlanVersion.objects.filter(
        episode=OuterRef("pk"), status=PlanVersion.Status.SIGNED, signed_at__date__lte=day
    ).order_by("-signed_at")
    open_requests = (
        ReviewRequest.objects.filter(
            episode=OuterRef("pk"), resolved_by__isnull=True, due_on__lt=day
        )
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    caseload = (
        scope.episodes()
        .filter(scope.in_care_during(day, day), primary_clinician__isnull=False)
        .annotate(
            last_signed_at=Subquery(last_signed.values("signed_at")[:1]),
            requests=Coalesce(Subquery(open_requests, output_field=IntegerField()), 0),
            since_admission=DaysBetween(Value(day, output_field=DateField()), F("admitted_on")),
        )
    )
    initial_days, interval = plan_policy_days("program__")
    grouped = (
        caseload.values("primary_clinician")
        .annotate(
            caseload=Count("pk"),
            plans_missing=Count(
                "pk",
                filter=Q(last_signed_at__isnull=True) & Q(since_admission__gt=initial_days),
            ),
            requests_overdue=Count("pk", filter=Q(requests__gt=0)),
        )
        .values_list("primary_clinician", "caseload", "plans_missing", "requests_overdue")
    )
    reviews = _reviews_overdue(caseload, day, interval)
    rows_by_user = {
        user: [load, missing, 0, requests, 0] for user, load, missing, requests in grouped
    }
    for user, count in reviews.items():
        rows_by_user.setdefault(user, [0, 0, 0, 0, 0])[2] = count
    for user, count in _notes_overdue(scope, day).items():
        rows_by_user.setdefault(user, [0, 0, 0, 0, 0])[4] = count
    if scope.clinician_id is not None:
        rows_by_user = {u: r for u, r in rows_by_user.items() if u == scope.clinician_id}
    names = dict(
        get_user_model().objects.filter(pk__in=rows_by_user).values_list("pk", "full_name")
    )
    rows = sorted(
        ((names.get(user, "?"), *figures) for user, figures in rows_by_user.items()),
        key=lambda row: row[0].lower(),
    )
    return Table(
        key="clinicians",
        title=_("Caseloads and overdue items"),
        definition=definition(clinician_report),
        columns=(
            Column("clinician", _("Clinician")),
            Column("caseload", _("Caseload"), "number"),
            Column("plans_missing", _("Initial plans overdue"), "number"),
            Column("reviews_overdue", _("Plan reviews overdue"), "number"),
            Column("requests_overdue", _("Early reviews overdue"), "number"),
            Column("notes_overdue", _("Notes overdue"), "number"),
        ),
        rows=tuple(rows),
    )


def _reviews_overdue(caseload, day, interval) -> dict[int, int]:
    return dict(
        caseload.filter(last_signed_at__isnull=False)
        .annotate(
            since_signed=DaysBetween(
                Value(day, output_field=DateField()), TruncDate("last_signed_at")
            )
        )
        .filter(since_signed__gt=interval)
        .values("primary_clinician")
        .annotate(n=Count("pk"))
        .values_list("primary_clinician", "n")
    )


def _notes_overdue(scope: ReportScope, day) -> dict[int, int]:
    notes = (
        ProgressNote.objects.filter(
            scope.on("episode__"), status=NoteStatus.DRAFT, service_on__lte=day
        )
        .annotate(
            age=DaysBetween(Value(day, output_field=DateField()), F("service_on")),
            allowed=allowed_days(
                "episode__program__", "overdue_after_hours", NOTE_DEFAULTS.overdue_after_hours
            ),
        )
        .filter(age__gt=F("allowed"))
    )
    if scope.clinician_id is not None:
        notes = notes.filter(author_id=scope.clinician_id)
    return dict(notes.values("author").annotate(n=Count("pk")).values_list("author", "n"))
