"""The participant's drug-test pages: the chart tab, the collection desk (order, collect,
enter results), prescribed medications and follow-ups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openiop.audit.models import AuditAction, AuditOutcome, DataCategory
from openiop.audit.services import audit_record
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.drugtests import selectors, services
from openiop.drugtests.forms import (
    CollectionForm,
    MedicationForm,
    MedicationStopForm,
    OrderForm,
    ResultsForm,
)
from openiop.drugtests.models import (
    Collection,
    DrugTestAlert,
    Medication,
    Panel,
    TestOrder,
)
from openiop.participants import access
from openiop.participants.models import OPEN_STATUSES
from openiop.participants.selectors import chart_context

CHART = ("participants.view_participant", "drugtests.see_results")
ORDER = (*CHART, "drugtests.order_tests")
COLLECT = (*CHART, "drugtests.record_collection")
SUD = DataCategory.SUD_RECORD


def _episode(user, participant):
    return access.open_episode_in_scope(user, participant, statuses=OPEN_STATUSES)


def _chart(request, participant, *, order_form=None, status=200):
    episode = _episode(request.user, participant)
    context = chart_context(request.user, participant, tab="drugtests")
    panels = selectors.panels_for(episode.program) if episode else Panel.objects.none()
    today = timezone.localdate()
    context.update(
        episode=episode,
        entries=selectors.history(episode),
        medications=[m for m in selectors.medications(episode) if m.is_current_on(today)],
        alerts_open=list(selectors.open_alerts_for(episode)) if episode else [],
        order_form=order_form or OrderForm(panels=panels),
        today=today,
    )
    return render(request, "drugtests/chart.html", context, status=status)


@require_GET
@requires(*CHART)
def chart(request, public_id):
    participant = access.access_participant(
        request.user, public_id, action=AuditAction.DRUG_TEST_VIEWED
    )
    return _chart(request, participant)


@require_POST
@requires(*ORDER)
def order(request, public_id):
    participant = access.access_participant(request.user, public_id, action=None)
    episode = _episode(request.user, participant)
    if episode is None:
        messages.error(request, _("Tests are ordered for an admitted, open episode."))
        return redirect("drugtests:chart", public_id=participant.public_id)
    form = OrderForm(request.POST, panels=selectors.panels_for(episode.program))
    if form.is_valid():
        data = form.cleaned_data
        try:
            ordered = services.test_order(
                episode=episode,
                actor=request.user,
                panel=data["panel"],
                reason=data["reason"],
                due_on=data["due_on"],
                cause=data["cause"],
                repeat_weeks=data["repeat_weeks"] or 0,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Test ordered."))
            collect_now = request.POST.get("then") == "collect"
            if collect_now and request.user.has_perm("drugtests.record_collection"):
                return redirect("drugtests:collect", public_id=ordered.public_id)
            return redirect("drugtests:chart", public_id=participant.public_id)
    access.record_view(request.user, participant)
    return _chart(request, participant, order_form=form, status=400)


def _order(request, public_id, *, action=None) -> TestOrder:
    return access.access_participant_object(
        request.user,
        TestOrder.objects.select_related("panel", "episode__program"),
        public_id,
        action=action,
    )


@requires(*COLLECT)
def collect(request, public_id):
    order = _order(
        request,
        public_id,
        action=None if request.method == "POST" else AuditAction.DRUG_TEST_VIEWED,
    )
    if request.method == "GET" and order.status != TestOrder.Status.ORDERED:
        messages.info(
            request,
            _("This test is already recorded: %(status)s.")
            % {"status": order.get_status_display()},
        )
        return redirect("drugtests:chart", public_id=order.participant.public_id)
    form = CollectionForm(request.POST or None, panel=order.panel)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                collection = services.collection_record(
                    order=order, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if collection.is_collected:
                    messages.success(request, _("Collection recorded. Enter the results."))
                    return redirect("drugtests:results", public_id=collection.public_id)
                messages.success(
                    request,
                    _("Recorded as %(outcome)s.") % {"outcome": collection.get_outcome_display()},
                )
                return redirect("drugtests:chart", public_id=order.participant.public_id)
        status = 400
        access.record_view(request.user, order.participant, order)
    context = chart_context(request.user, order.participant, tab="drugtests")
    context.update(order=order, form=form)
    return render(request, "drugtests/collect.html", context, status=status)


@require_POST
@requires(*ORDER)
def cancel(request, public_id):
    order = _order(request, public_id)
    try:
        services.order_cancel(order=order, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Order cancelled."))
    return redirect("drugtests:chart", public_id=order.participant.public_id)


@requires(*COLLECT)
def results(request, public_id):
    collection = access.access_participant_object(
        request.user,
        Collection.objects.select_related("order__panel", "episode__program", "collected_by"),
        public_id,
        action=None if request.method == "POST" else AuditAction.DRUG_TEST_VIEWED,
    )
    if not collection.is_collected:
        messages.info(
            request, _("No specimen was collected: a refusal or a no-show has no results.")
        )
        return redirect("drugtests:chart", public_id=collection.participant.public_id)
    analytes = list(collection.order.panel.analytes.all())
    form = ResultsForm(request.POST or None, analytes=analytes)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.results_record(
                    collection=collection,
                    actor=request.user,
                    method=form.cleaned_data["method"],
                    results=form.cleaned_data["entries"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Results recorded."))
                return redirect("drugtests:chart", public_id=collection.participant.public_id)
        status = 400
        access.record_view(request.user, collection.participant, collection)
    context = chart_context(request.user, collection.participant, tab="drugtests")
    context.update(collection=collection, form=form, entry=None)
    return render(request, "drugtests/results.html", context, status=status)


def _medications_page(request, participant, episode, form, status=200):
    context = chart_context(request.user, participant, tab="drugtests")
    context.update(
        episode=episode,
        medications=selectors.medications(episode),
        form=form,
        today=timezone.localdate(),
    )
    return render(request, "drugtests/medications.html", context, status=status)


@require_GET
@requires(*CHART)
def medications(request, public_id):
    participant = access.access_participant(
        request.user, public_id, action=AuditAction.DRUG_TEST_VIEWED
    )
    episode = _episode(request.user, participant)
    return _medications_page(request, participant, episode, MedicationForm())


@require_POST
@requires(*COLLECT)
def medication_add(request, public_id):
    participant = access.access_participant(request.user, public_id, action=None)
    episode = _episode(request.user, participant)
    if episode is None:
        messages.error(request, _("Medications are recorded for an open episode."))
        return redirect("drugtests:medications", public_id=participant.public_id)
    form = MedicationForm(request.POST)
    if form.is_valid():
        try:
            services.medication_add(episode=episode, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Medication recorded."))
            return redirect("drugtests:medications", public_id=participant.public_id)
    access.record_view(request.user, participant)
    return _medications_page(request, participant, episode, form, status=400)


@require_POST
@requires(*COLLECT)
def medication_stop(request, public_id):
    medication = access.access_participant_object(
        request.user, Medication.objects.all(), public_id, action=None
    )
    form = MedicationStopForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the medication stopped."))
    else:
        try:
            services.medication_stop(medication=medication, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Medication stopped."))
    return redirect("drugtests:medications", public_id=medication.participant.public_id)


@require_POST
@requires(*CHART)
def acknowledge(request, public_id):
    alert = access.access_participant_object(
        request.user, DrugTestAlert.objects.all(), public_id, action=None
    )
    if alert.kind == DrugTestAlert.Kind.DIRECTOR_FLAG and not request.user.has_perm(
        "drugtests.manage_testing_setup"
    ):
        audit_record(
            actor=request.user,
            action=AuditAction.ACCESS_DENIED,
            outcome=AuditOutcome.DENIED,
            participant=alert.participant,
            target_id=str(alert.public_id),
        )
        raise Http404
    try:
        services.alert_acknowledge(alert=alert, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Follow-up acknowledged."))
    back = request.POST.get("next", "")
    if back == "worklist":
        return redirect("drugtests:worklist")
    return redirect("drugtests:chart", public_id=alert.participant.public_id)
