"""The step-down tab, decisions, readiness, transfers in and the aftercare plan."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openiop.assessments.models import DimensionalAssessment
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.discharge import forms, selectors, services
from openiop.discharge.models import (
    AftercarePlan,
    TransferIn,
)
from openiop.discharge.views._common import (
    AFTERCARE,
    DECIDE,
    SEE,
    TRANSFER,
    _errors_text,
    _participant_and_episode,
)
from openiop.participants import access
from openiop.participants.selectors import chart_context

# ----------------------------------------------------------------------------- chart tab


def _tab(request, participant, episode, *, phase_form=None, status=200):
    context = chart_context(request.user, participant, tab="step_down")
    discharge = getattr(episode, "discharge", None) if episode else None
    is_open = bool(episode and episode.status in selectors.ADMITTED_STATUSES)
    context.update(
        episode=episode,
        is_open=is_open,
        target_hours=episode.current_phase.target_weekly_hours
        if episode and episode.current_phase_id
        else None,
        phase_started_on=selectors.phase_started_on(episode) if episode else None,
        decisions=selectors.decision_history(episode) if episode else [],
        discharge=discharge,
        aftercare=AftercarePlan.objects.filter(episode=episode).first() if episode else None,
        transfers=TransferIn.objects.filter(episode=episode).prefetch_related("documents")
        if episode
        else [],
        phase_form=phase_form or (forms.PhaseChangeForm(episode=episode) if is_open else None),
        followups=discharge.followups.select_related("recorded_by") if discharge else [],
        is_final_phase=is_open and selectors.is_in_final_phase(episode),
    )
    return render(request, "discharge/tab.html", context, status=status)


@require_GET
@requires(*SEE)
def chart(request, public_id):
    participant, episode = _participant_and_episode(request, public_id, read=True)
    return _tab(request, participant, episode)


@require_POST
@requires(*DECIDE)
def phase_change(request, public_id):
    participant, episode = _participant_and_episode(request, public_id, read=False)
    if episode is None or episode.status not in selectors.ADMITTED_STATUSES:
        messages.error(request, _("Only an admitted, open episode changes phase."))
        return redirect("discharge:chart", public_id=participant.public_id)
    form = forms.PhaseChangeForm(request.POST, episode=episode)
    if form.is_valid():
        try:
            services.phase_change(
                actor=request.user,
                episode=episode,
                version=form.cleaned_data["expected_version"],
                to_phase=form.cleaned_data["to_phase"],
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["decided_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Moved to %(phase)s.") % {"phase": form.cleaned_data["to_phase"].name},
            )
            return redirect("discharge:chart", public_id=participant.public_id)
    access.record_view(request.user, participant)
    return _tab(request, participant, episode, phase_form=form, status=400)


def _level_form(episode, data=None):
    return forms.LevelChangeForm(
        data,
        episode=episode,
        assessments=DimensionalAssessment.objects.filter(episode=episode).order_by(
            "-assessed_on", "-created_at"
        ),
        programs=services.transfer_programs(episode),
    )


@requires(*DECIDE)
def level_change(request, public_id):
    is_get = request.method == "GET"
    participant, episode = _participant_and_episode(request, public_id, read=is_get)
    if episode is None or episode.status not in selectors.ADMITTED_STATUSES:
        if is_get:
            messages.error(request, _("Only an admitted, open episode changes level of care."))
        return redirect("discharge:chart", public_id=participant.public_id)
    form = _level_form(episode, None if is_get else request.POST)
    if not is_get and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.level_of_care_change(
                actor=request.user,
                episode=episode,
                version=data["expected_version"],
                to_level=data["to_level"],
                assessment=data["assessment"],
                reason=data["reason"],
                decided_on=data["decided_on"],
                target_program=data["target_program"],
                provider=data["provider"],
                discharge_now=data["discharge_now"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if change.target_episode_id:
                messages.success(
                    request,
                    _("Transferred to %(program)s: discharged here and admitted there.")
                    % {"program": change.target_episode.program.name},
                )
            else:
                messages.success(request, _("Level-of-care decision recorded."))
            return redirect("discharge:chart", public_id=participant.public_id)
    if not is_get:
        access.record_view(request.user, participant)
    context = chart_context(request.user, participant, tab="step_down")
    context.update(episode=episode, form=form)
    return render(request, "discharge/level.html", context, status=400 if form.errors else 200)


@require_GET
@requires(*SEE)
def readiness(request, public_id):
    participant, episode = _participant_and_episode(request, public_id, read=True)
    context = chart_context(request.user, participant, tab="step_down")
    is_open = bool(episode and episode.status in selectors.ADMITTED_STATUSES)
    context.update(
        episode=episode,
        readiness=selectors.step_down_readiness(episode, timezone.localdate()) if is_open else None,
    )
    return render(request, "discharge/readiness.html", context)


# ----------------------------------------------------------------------------- transfers in


@requires(*TRANSFER)
def transfer_in(request, public_id):
    is_get = request.method == "GET"
    participant, episode = _participant_and_episode(request, public_id, read=is_get)
    if episode is None or not episode.is_open:
        if is_get:
            messages.error(request, _("Transfers in are recorded on an open episode."))
        return redirect("discharge:chart", public_id=participant.public_id)
    form = forms.TransferInForm(None if is_get else request.POST)
    if not is_get and form.is_valid():
        try:
            services.transfer_in_record(actor=request.user, episode=episode, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Transfer in recorded."))
            return redirect("discharge:transfer_in", public_id=participant.public_id)
    if not is_get:
        access.record_view(request.user, participant)
    context = chart_context(request.user, participant, tab="step_down")
    context.update(
        episode=episode,
        form=form,
        transfers=TransferIn.objects.filter(episode=episode).prefetch_related("documents"),
        document_form=forms.DocumentForm(initial={"received_on": timezone.localdate()}),
    )
    return render(
        request, "discharge/transfer_in.html", context, status=400 if form.errors else 200
    )


@require_POST
@requires(*TRANSFER)
def document_add(request, public_id):
    transfer = access.access_participant_object(
        request.user, TransferIn.objects.select_related("episode"), public_id, action=None
    )
    form = forms.DocumentForm(request.POST)
    if form.is_valid():
        try:
            services.received_document_add(
                actor=request.user, transfer=transfer, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, _errors_text(error))
        else:
            messages.success(request, _("Document recorded."))
    else:
        messages.error(request, _("Give the document, who sent it and the date received."))
    return redirect("discharge:transfer_in", public_id=transfer.participant.public_id)


# ----------------------------------------------------------------------------- aftercare


@requires(*AFTERCARE)
def aftercare(request, public_id):
    is_get = request.method == "GET"
    participant, episode = _participant_and_episode(request, public_id, read=is_get)
    if episode is None:
        if is_get:
            messages.error(request, _("An aftercare plan is written for an admitted participant."))
        return redirect("discharge:chart", public_id=participant.public_id)
    plan = AftercarePlan.objects.filter(episode=episode).first()
    initial = None if plan else services.aftercare_initial(episode)
    form = forms.AftercareForm(
        None if is_get else request.POST, instance=plan, initial=initial, episode=episode
    )
    if not is_get and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.AFTERCARE_FIELDS}
        try:
            services.aftercare_plan_save(
                actor=request.user,
                episode=episode,
                version=form.cleaned_data["expected_version"] if plan else None,
                **values,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Aftercare plan saved."))
            return redirect("discharge:chart", public_id=participant.public_id)
    if not is_get:
        access.record_view(request.user, participant)
    context = chart_context(request.user, participant, tab="step_down")
    context.update(episode=episode, form=form, plan=plan)
    return render(request, "discharge/aftercare.html", context, status=400 if form.errors else 200)


@require_GET
@requires(*SEE)
def aftercare_print(request, public_id):
    participant, episode = _participant_and_episode(request, public_id, read=True)
    plan = AftercarePlan.objects.filter(episode=episode).select_related("alumni_group").first()
    if plan is None:
        raise Http404
    return render(
        request, "discharge/aftercare_print.html", {"participant": participant, "plan": plan}
    )
