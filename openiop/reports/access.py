"""Who may see which reports, over which episodes.

Two ways in: ``reports.view_program_reports`` (directors, compliance auditors) covers every
episode of the programs the user works in; ``reports.view_own_caseload_report`` (clinicians,
counselors, prescribers) covers only the episodes the user treats. Anyone else is refused.
Lists and exports that name participants also need ``reports.export_identified``.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from openiop.programs.selectors import programs_for
from openiop.reports.scope import ReportScope

PROGRAM_REPORTS = "reports.view_program_reports"
OWN_CASELOAD_REPORTS = "reports.view_own_caseload_report"
EXPORT_IDENTIFIED = "reports.export_identified"
CHANGE_SETTINGS = "reports.change_reportsettings"  # the program's meaningful-change thresholds
# Either one opens the dashboard, its print view, the clinician report and CSV exports.
ANY_REPORTS = (PROGRAM_REPORTS, OWN_CASELOAD_REPORTS)


def may_see_reports(user) -> bool:
    return any(user.has_perm(permission) for permission in ANY_REPORTS)


def report_scope(
    user,
    *,
    start: date,
    end: date,
    today: date,
    program=None,
    site=None,
    track=None,
) -> ReportScope:
    """The episodes ``user`` may report on, narrowed to one program, site or track if asked.

    A program, site or track outside the user's programs is a ValidationError: a filter never
    widens what the user may see. Users without a report permission get PermissionDenied.
    """
    if user.has_perm(PROGRAM_REPORTS):
        clinician_id = None
    elif user.has_perm(OWN_CASELOAD_REPORTS):
        clinician_id = user.pk
    else:
        raise PermissionDenied
    programs = programs_for(user)
    if program is not None:
        if not programs.filter(pk=program.pk).exists():
            raise ValidationError(
                {"program": _("You do not work in this program.")}, code="program_scope"
            )
        programs = programs.filter(pk=program.pk)
    if site is not None:
        programs = programs.filter(site_id=site.pk)
        if not programs.exists():
            raise ValidationError(
                {"site": _("None of your programs is at this site.")}, code="site_scope"
            )
    program_ids = tuple(sorted(programs.values_list("pk", flat=True)))
    if track is not None and track.program_id not in program_ids:
        raise ValidationError(
            {"track": _("This track belongs to a program outside the report.")},
            code="track_scope",
        )
    return ReportScope(
        program_ids=program_ids,
        start=start,
        end=end,
        today=today,
        site_id=site.pk if site is not None else None,
        track_id=track.pk if track is not None else None,
        clinician_id=clinician_id,
    )
