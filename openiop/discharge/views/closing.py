"""Discharge, its summary, the review list and follow-ups after discharge."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record_listing
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.discharge import forms, selectors, services
from openiop.discharge.models import (
    AftercarePlan,
    Discharge,
)
from openiop.discharge.views._common import (
    DISCHARGE,
    FOLLOWUP,
    SEE,
    _participant_and_episode,
)
from openiop.participants import access
from openiop.participants.selectors import chart_context

# ----------------------------------------------------------------------------- discharge


@requires(*DISCHARGE)
def discharge(request, public_id):
    is_get = request.method == "GET"
    participant, episode = _participant_and_episode(request, public_id, read=is_get)
    if episode is None or episode.status not in selectors.ADMITTED_STATUSES:
        if is_get:
            messages.error(request, _("Only an admitted, open episode can be discharged."))
        return redirect("discharge:chart", public_id=participant.public_id)
    form = forms.DischargeForm(
        None if is_get else request.POST,
        initial={"discharged_on": timezone.localdate(), "expected_version": episode.version},
    )
    if not is_get and form.is_valid():
        try:
            record = services.episode_discharge(
                actor=request.user,
                episode=episode,
                version=form.cleaned_data["expected_version"],
                discharged_on=form.cleaned_data["discharged_on"],
                reason=form.cleaned_data["reason"],
                reason_detail=form.cleaned_data["reason_detail"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Discharged. Complete and sign the discharge summary."))
            return redirect("discharge:summary", public_id=record.public_id)
    if not is_get:
        access.record_view(request.user, participant)
    context = chart_context(request.user, participant, tab="step_down")
    context.update(episode=episode, form=form)
    return render(request, "discharge/discharge.html", context, status=400 if form.errors else 200)


def _discharge_record(request, public_id, *, read: bool) -> Discharge:
    return access.access_participant_object(
        request.user,
        Discharge.objects.select_related("episode__program", "author", "signed_by"),
        public_id,
        action=AuditAction.PARTICIPANT_VIEWED if read else None,
    )


def _summary_page(request, record, *, form=None, sign_form=None, status=200):
    context = chart_context(request.user, record.participant, tab="step_down")
    context.update(
        record=record,
        figures=selectors.summary_figures(record),
        form=form
        or forms.SummaryForm(
            initial={
                **{name: getattr(record, name) for name in services.SUMMARY_FIELDS},
                "expected_version": record.version,
            }
        ),
        sign_form=sign_form or forms.SignForm(initial={"expected_version": record.version}),
        sign_problems=services.sign_problems(record) if not record.is_signed else [],
    )
    return render(request, "discharge/summary.html", context, status=status)


@require_GET
@requires(*SEE)
def summary(request, public_id):
    record = _discharge_record(request, public_id, read=True)
    return _summary_page(request, record)


@require_POST
@requires(*DISCHARGE)
def summary_save(request, public_id):
    record = _discharge_record(request, public_id, read=False)
    form = forms.SummaryForm(request.POST)
    if form.is_valid():
        texts = {name: form.cleaned_data[name] for name in services.SUMMARY_FIELDS}
        try:
            services.discharge_summary_save(
                actor=request.user,
                discharge=record,
                version=form.cleaned_data["expected_version"],
                **texts,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Summary saved."))
            return redirect("discharge:summary", public_id=record.public_id)
    access.record_view(request.user, record.participant, record)
    return _summary_page(request, record, form=form, status=400)


@require_POST
@requires(*DISCHARGE)
def sign(request, public_id):
    record = _discharge_record(request, public_id, read=False)
    form = forms.SignForm(request.POST)
    if form.is_valid():
        try:
            services.discharge_summary_sign(
                actor=request.user, discharge=record, version=form.cleaned_data["expected_version"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Discharge summary signed."))
            return redirect("discharge:summary", public_id=record.public_id)
    access.record_view(request.user, record.participant, record)
    return _summary_page(request, record, sign_form=form, status=400)


@require_GET
@requires(*SEE)
def summary_print(request, public_id):
    record = _discharge_record(request, public_id, read=True)
    context = {
        "participant": record.participant,
        "record": record,
        "figures": selectors.summary_figures(record),
        "aftercare": AftercarePlan.objects.filter(episode=record.episode).first(),
    }
    return render(request, "discharge/summary_print.html", context)


@require_GET
@requires(*DISCHARGE)
def review(request):
    rows = selectors.inactive_episodes(request.user, timezone.localdate())
    audit_record_listing(
        actor=request.user,
        participants={row.episode.participant_id: row.episode.participant for row in rows}.values(),
        category=DataCategory.SUD_RECORD,
    )
    return render(request, "discharge/review.html", {"nav": "discharge_review", "rows": rows})


# ----------------------------------------------------------------------------- follow-ups


@require_GET
@requires(*FOLLOWUP)
def followups(request):
    today = timezone.localdate()
    rows = selectors.followup_worklist(request.user, today)
    audit_record_listing(
        actor=request.user,
        participants={
            row.discharge.participant_id: row.discharge.participant for row in rows
        }.values(),
        category=DataCategory.SUD_RECORD,
    )
    return render(
        request, "discharge/followups.html", {"nav": "followups", "rows": rows, "today": today}
    )


@requires(*FOLLOWUP)
def followup(request, public_id, day):
    is_get = request.method == "GET"
    record = _discharge_record(request, public_id, read=is_get)
    form = forms.FollowUpForm(
        None if is_get else request.POST, initial={"attempted_on": timezone.localdate()}
    )
    if not is_get and form.is_valid():
        data = form.cleaned_data
        try:
            services.followup_record(
                actor=request.user,
                discharge=record,
                day=day,
                attempted_on=data["attempted_on"],
                result=data["result"],
                measure=data["measure"],
                measure_score=data["measure_score"],
                **{name: data[name] for name in services.OUTCOME_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("discharge:followups")
    if not is_get:
        access.record_view(request.user, record.participant, record)
    context = chart_context(request.user, record.participant, tab="step_down")
    context.update(
        record=record,
        day=day,
        due_on=record.discharged_on + timedelta(days=day),
        form=form,
        contacts=record.followups.filter(day=day).select_related("recorded_by"),
    )
    return render(request, "discharge/followup.html", context, status=400 if form.errors else 200)
