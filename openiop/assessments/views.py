"""Measures tab, recording and correcting a measure, acknowledging an alert."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openiop.assessments import selectors, services
from openiop.assessments.forms import (
    AcknowledgeForm,
    AdministrationForm,
    CorrectionForm,
    DimensionalAssessmentForm,
    InstrumentDefinitionForm,
    ScheduleForm,
)
from openiop.assessments.models import Administration, ClinicalAlert
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record_listing
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.participants import access
from openiop.participants.selectors import chart_context
from openiop.programs.selectors import programs_for


@require_GET
@requires("participants.view_participant", "assessments.view_administration")
def measures(request, public_id):
    participant = access.access_participant(request.user, public_id)
    episode = selectors.open_episode_in_scope(request.user, participant)
    context = chart_context(request.user, participant, tab="measures")
    context.update(
        trends=selectors.measure_trends(participant, request.user),
        history=selectors.current_administrations(participant, request.user).order_by(
            "-administered_on", "-created_at"
        ),
        open_alerts=selectors.open_alerts(participant, request.user),
        available=selectors.enabled_instruments(episode.program) if episode else [],
        acknowledge_form=AcknowledgeForm(),
        due=selectors.due_for(participant, timezone.localdate(), request.user),
        today=timezone.localdate(),
    )
    return render(request, "assessments/measures.html", context)


@require_GET
@requires("participants.view_participant", "assessments.add_administration")
def due_list(request):
    """Measures due in the next 7 days or overdue, for the user's active participants."""
    today = timezone.localdate()
    rows = selectors.due_list_for(request.user, today)
    shown = {episode.participant_id: episode.participant for episode, _due in rows}
    audit_record_listing(
        actor=request.user, participants=shown.values(), category=DataCategory.SUD_RECORD
    )
    return render(
        request,
        "assessments/due.html",
        {
            "nav": "due",
            "rows": [(episode, due, due.name, due.days_overdue(today)) for episode, due in rows],
            "today": today,
        },
    )


def _announce(request, administration) -> None:
    messages.success(request, _("Measure recorded."))
    for alert in administration.clinical_alerts.all():
        messages.warning(
            request,
            _(
                "Urgent alert raised (%(alert)s): it shows on the chart and the caseload "
                "until the care team acknowledges it."
            )
            % {"alert": alert.label},
        )


@requires("participants.view_participant", "assessments.add_administration")
def record(request, public_id, code):
    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    participant = access.access_participant(request.user, public_id, action=action)
    episode = selectors.open_episode_in_scope(request.user, participant)
    instrument = selectors.instrument_for(episode.program if episode else None, code)
    if instrument is None:
        raise Http404
    form = AdministrationForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.administration_submit(
                actor=request.user,
                participant=participant,
                episode=episode,
                instrument=instrument.code,
                answers=form.answers(),
                administered_on=form.cleaned_data["administered_on"],
                context=form.context(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _announce(request, administration)
            return redirect("assessments:measures", public_id=participant.public_id)
    context = chart_context(request.user, participant, tab="measures")
    context.update(form=form, instrument=instrument)
    if request.method == "POST":  # re-shown with errors: still a read
        access.record_view(request.user, participant)
    return render(request, "assessments/record.html", context)


@requires("participants.view_participant", "assessments.add_administration")
def correct(request, public_id):
    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    original = access.access_participant_object(
        request.user,
        Administration.objects.select_related("episode", "definition"),
        public_id,
        action=action,
    )
    participant = original.participant
    if original.definition_id is not None:  # corrected with the version it was scored with
        instrument = original.definition.instrument
    else:
        instrument = selectors.instrument_for(None, original.instrument)
    if instrument is None:
        raise Http404
    form = CorrectionForm(
        request.POST or None,
        instrument=instrument,
        initial_answers=original.answers,
        initial={"administered_on": original.administered_on, **original.context},
    )
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.administration_correct(
                actor=request.user,
                original=original,
                answers=form.answers(),
                reason=form.cleaned_data["correction_reason"],
                administered_on=form.cleaned_data["administered_on"],
                context=form.context(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _announce(request, administration)
            return redirect("assessments:measures", public_id=participant.public_id)
    context = chart_context(request.user, participant, tab="measures")
    context.update(form=form, instrument=instrument, original=original)
    if request.method == "POST":  # re-shown with errors: still a read
        access.record_view(request.user, participant)
    return render(request, "assessments/record.html", context)


@require_POST
@requires("participants.view_participant", "assessments.change_clinicalalert")
def acknowledge(request, public_id):
    alert = access.access_participant_object(
        request.user,
        ClinicalAlert.objects.all(),
        public_id,
        action=None,
        episode_field="administration__episode",
    )
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the action taken to acknowledge the alert."))
    else:
        try:
            services.alert_acknowledge(actor=request.user, alert=alert, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Alert acknowledged."))
    return redirect("assessments:measures", public_id=alert.participant.public_id)


@requires("assessments.add_instrumentenablement")
def instrument_settings(request):
    """A director accepts an instrument's licence terms for a program, or withdraws it."""
    programs = list(programs_for(request.user))
    if request.method == "POST":
        program = next(
            (p for p in programs if str(p.public_id) == request.POST.get("program")), None
        )
        code = request.POST.get("instrument", "")
        if program is None or not selectors.instrument_exists(code):
            raise Http404
        try:
            if request.POST.get("op") == "disable":
                services.instrument_disable(actor=request.user, program=program, instrument=code)
                messages.success(request, _("Instrument turned off for %(p)s.") % {"p": program})
            else:
                services.instrument_enable(
                    actor=request.user,
                    program=program,
                    instrument=code,
                    licence_acknowledged=request.POST.get("licence_acknowledged") == "on",
                )
                messages.success(request, _("Instrument enabled for %(p)s.") % {"p": program})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("assessments:instrument_settings")
    return render(
        request,
        "assessments/instrument_settings.html",
        {"nav": "instruments", "rows": selectors.instrument_settings_rows(programs)},
    )


def _posted_program(request, programs):
    """The program a settings form was posted for, among the user's own; else 404."""
    program = next((p for p in programs if str(p.public_id) == request.POST.get("program")), None)
    if program is None:
        raise Http404
    return program


@requires("assessments.add_instrumentenablement")
def schedule_settings(request):
    """A director sets when each measure is due in each of their programs."""
    programs = list(programs_for(request.user))
    forms = {
        settings.program.pk: ScheduleForm(settings=settings)
        for settings in selectors.schedule_settings(programs)
    }
    if request.method == "POST":
        program = _posted_program(request, programs)
        if request.POST.get("op") == "reset":
            return _schedule_reset(request, program)
        form = ScheduleForm(request.POST, settings=forms[program.pk].settings)
        if form.is_valid():
            try:
                services.measurement_schedule_update(
                    actor=request.user,
                    program=program,
                    rules=form.rules(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                if error.code != "unchanged":
                    add_service_errors(form, error)
                else:
                    messages.info(request, _("Nothing was changed."))
                    return redirect("assessments:schedule_settings")
            else:
                messages.success(request, _("Schedule saved for %(p)s.") % {"p": program})
                return redirect("assessments:schedule_settings")
        forms[program.pk] = form
    return render(
        request,
        "assessments/schedule_settings.html",
        {"nav": "instruments", "forms": list(forms.values())},
    )


def _schedule_reset(request, program):
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1  # not a version any schedule has: answered as a conflict
    try:
        services.measurement_schedule_reset(actor=request.user, program=program, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(p)s follows the default schedule again.") % {"p": program})
    return redirect("assessments:schedule_settings")


@requires("assessments.add_instrumentenablement")
def own_instruments(request):
    """A director adds a program's own instrument (or its next version) from a definition
    file; the list shows each program's own instruments."""
    programs = list(programs_for(request.user))
    form = InstrumentDefinitionForm(request.POST or None, request.FILES or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.instrument_definition_add(
                actor=request.user,
                program=form.cleaned_data["program"],
                data=form.cleaned_data["definition"],
                file_name=form.file_name,
                licence_acknowledged=form.cleaned_data["licence_acknowledged"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(name)s (version %(version)s) added to %(program)s: it can now be "
                    "recorded and scheduled there."
                )
                % {
                    "name": definition.name,
                    "version": definition.version,
                    "program": definition.program,
                },
            )
            return redirect("assessments:own_instruments")
    return render(
        request,
        "assessments/own_instruments.html",
        {"nav": "instruments", "form": form, "rows": selectors.own_instrument_rows(programs)},
    )


@require_GET
@requires("participants.view_participant", "assessments.view_dimensionalassessment")
def dimensional(request, public_id):
    participant = access.access_participant(request.user, public_id)
    context = chart_context(request.user, participant, tab="assessment")
    context.update(
        assessments=selectors.dimensional_assessments(participant, request.user),
        can_assess=selectors.open_episode_in_scope(request.user, participant) is not None,
    )
    return render(request, "assessments/dimensional.html", context)


@requires("participants.view_participant", "assessments.add_dimensionalassessment")
def dimensional_new(request, public_id):
    from openiop.assessments.levels import LEVEL_LABELS, suggest_level

    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    participant = access.access_participant(request.user, public_id, action=action)
    episode = selectors.open_episode_in_scope(request.user, participant)
    form = DimensionalAssessmentForm(request.POST or None)
    suggestion = None
    if request.method == "POST" and form.is_valid():
        if episode is not None:
            rules = services.level_rules_for(episode.program)
            suggestion = suggest_level(form.ratings(), rules)
        if "preview" not in request.POST:
            try:
                services.dimensional_assessment_record(
                    actor=request.user,
                    participant=participant,
                    episode=episode,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Assessment recorded."))
                return redirect("assessments:dimensional", public_id=participant.public_id)
    if request.method == "POST":  # re-shown (preview or errors): still a read
        access.record_view(request.user, participant)
    context = chart_context(request.user, participant, tab="assessment")
    context.update(
        form=form,
        suggestion=suggestion,
        suggestion_label=LEVEL_LABELS.get(suggestion.level) if suggestion else "",
        episode=episode,
    )
    return render(request, "assessments/dimensional_new.html", context)


@requires("assessments.change_levelofcaretable")
def level_rules(request):
    """A director reviews and replaces each program's level-of-care rule table."""
    from openiop.assessments.levels import DIMENSIONS, LEVEL_LABELS

    programs = list(programs_for(request.user))
    if request.method == "POST":
        program = next(
            (p for p in programs if str(p.public_id) == request.POST.get("program")), None
        )
        if program is None:
            raise Http404
        rules = {
            number: [request.POST.get(f"rule_{number}_{rating}", "") for rating in range(5)]
            for number, _name in DIMENSIONS
        }
        try:
            services.level_rules_update(actor=request.user, program=program, rules=rules)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Rules saved for %(p)s.") % {"p": program})
        return redirect("assessments:level_rules")
    tables = [
        (
            program,
            [
                (number, name, list(services.level_rules_for(program)[number]))
                for number, name in DIMENSIONS
            ],
        )
        for program in programs
    ]
    return render(
        request,
        "assessments/level_rules.html",
        {"nav": "level_rules", "tables": tables, "levels": list(LEVEL_LABELS.items())},
    )


@require_GET
@requires("participants.view_participant", "participants.admit_episode")
def intake(request):
    """Referral -> screening -> assessment -> decision, for referrals not yet admitted."""
    rows = selectors.intake_rows(request.user, timezone.localdate())
    audit_record_listing(
        actor=request.user,
        participants=[row.episode.participant for row in rows],
        category=DataCategory.SUD_RECORD,
    )
    return render(request, "assessments/intake.html", {"nav": "intake", "rows": rows})
