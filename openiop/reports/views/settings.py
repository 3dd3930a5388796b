"""A program's report settings: the meaningful-change thresholds of the outcome measures."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.programs.selectors import programs_for
from openiop.reports.access import CHANGE_SETTINGS
from openiop.reports.forms import ReportSettingsForm
from openiop.reports.models import ReportSettings
from openiop.reports.thresholds import report_settings_update


def _program_choice(request: HttpRequest):
    """The user's programs and the one asked for (``?program=``; the first by default). A
    program the user does not work in is a 404, never another program's settings."""
    programs = list(programs_for(request.user).order_by("name"))
    wanted = request.GET.get("program", "")
    if wanted:
        program = next((p for p in programs if str(p.public_id) == wanted), None)
    else:
        program = programs[0] if programs else None
    if program is None:
        raise Http404
    return programs, program


@requires(CHANGE_SETTINGS)
def settings_view(request: HttpRequest) -> HttpResponse:
    programs, program = _program_choice(request)
    instance = ReportSettings.objects.filter(program=program).first() or ReportSettings(
        program=program
    )
    form = ReportSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            report_settings_update(
                actor=request.user,
                program=program,
                values=form.values,
                expected_version=form.version_shown,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Report settings saved for %(p)s.") % {"p": program.name})
            return redirect(f"{reverse('reports:settings')}?program={program.public_id}")
    return render(
        request,
        "reports/settings.html",
        {"nav": "report_settings", "form": form, "program": program, "programs": programs},
        status=400 if form.errors else 200,
    )
