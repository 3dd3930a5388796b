"""Program-wide drug-testing pages: the worklist, the random draw, the laboratory upload
and reconciliation queue, and the testing setup."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from openiop.audit.models import AuditAction, AuditOutcome, DataCategory
from openiop.audit.services import audit_record, audit_record_listing
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.drugtests import selectors, services
from openiop.drugtests.forms import (
    AttachForm,
    DismissForm,
    PanelForm,
    PolicyForm,
    UploadForm,
)
from openiop.drugtests.models import (
    LabMessage,
    Panel,
)
from openiop.programs.selectors import programs_for

SUD = DataCategory.SUD_RECORD


def _program(request):
    programs = list(programs_for(request.user))
    chosen = request.GET.get("program") or request.POST.get("program", "")
    program = next((p for p in programs if str(p.public_id) == chosen), None)
    if program is None and chosen:
        raise Http404
    program = program or (programs[0] if programs else None)
    if program is None:
        raise Http404
    return program, programs


@require_GET
@requires("drugtests.see_results")
def worklist(request):
    program, programs = _program(request)
    today = timezone.localdate()
    work = selectors.worklist(request.user, program, today)
    audit_record_listing(
        actor=request.user, participants=work.participants().values(), category=SUD
    )
    rates = selectors.program_rates(request.user, program, today - timedelta(days=27), today)
    return render(
        request,
        "drugtests/worklist.html",
        {
            "nav": "drugtests",
            "program": program,
            "programs": programs,
            "work": work,
            "rates": rates,
            "today": today,
        },
    )


@requires("drugtests.run_random_draw")
def random_draw(request):
    program, programs = _program(request)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            services.random_draw_run(program=program, actor=request.user, on=today)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Draw run."))
        return redirect(f"{reverse('drugtests:random')}?program={program.public_id}")
    from openiop.drugtests.models import RandomDraw

    draws = list(
        RandomDraw.objects.filter(program=program)
        .select_related("run_by")
        .prefetch_related("orders__participant")
        .order_by("-drawn_on")[:10]
    )
    shown = {o.participant_id: o.participant for d in draws for o in d.orders.all()}
    audit_record_listing(actor=request.user, participants=shown.values(), category=SUD)
    return render(
        request,
        "drugtests/random.html",
        {
            "nav": "drugtests_random",
            "program": program,
            "programs": programs,
            "draws": draws,
            "drawn_today": any(d.drawn_on == today for d in draws),
            "policy": services.policy_for(program),
            "today": today,
        },
    )


@requires("drugtests.import_lab_results")
def lab(request):
    program, programs = _program(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            name, text = form.cleaned_data["file"]
            imported = services.lab_import_text(
                text=text, actor=request.user, source=f"upload:{name}", program=program
            )
            new = [m for m, created in imported if created]
            queued = [m for m in new if m.is_open]
            messages.success(
                request,
                _(
                    "%(n)s message(s) read: %(new)s new, %(queued)s to reconcile, %(same)s "
                    "already imported."
                )
                % {
                    "n": len(imported),
                    "new": len(new),
                    "queued": len(queued),
                    "same": len(imported) - len(new),
                },
            )
            return redirect(f"{reverse('drugtests:lab')}?program={program.public_id}")
        status = 400
    queue = list(selectors.reconciliation_queue(request.user))
    recent = selectors.recent_lab_messages(request.user)
    shown = {m.collection.participant_id: m.collection.participant for m in recent}
    audit_record_listing(actor=request.user, participants=shown.values(), category=SUD)
    return render(
        request,
        "drugtests/lab.html",
        {
            "nav": "drugtests_lab",
            "program": program,
            "programs": programs,
            "form": form,
            "queue": queue,
            "recent": recent,
        },
        status=status,
    )


def _queued_message(request, public_id) -> LabMessage:
    message = selectors.reconciliation_queue(request.user).filter(public_id=public_id).first()
    if message is None:
        message = (
            LabMessage.objects.filter(public_id=public_id, program__in=programs_for(request.user))
            .select_related("collection__participant")
            .first()
        )
    if message is None:
        audit_record(
            actor=request.user,
            action=AuditAction.ACCESS_DENIED,
            outcome=AuditOutcome.DENIED,
            target_id=str(public_id),
        )
        raise Http404
    return message


@requires("drugtests.import_lab_results")
def lab_message(request, public_id):
    message = _queued_message(request, public_id)
    program = message.program or _program(request)[0]
    collections = selectors.open_sendouts(request.user, program)[:200]
    attach_form = AttachForm(
        request.POST if request.POST.get("action") == "attach" else None,
        collections=selectors.open_sendouts(request.user, program),
    )
    dismiss_form = DismissForm(request.POST if request.POST.get("action") == "dismiss" else None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "attach" and attach_form.is_valid():
                services.lab_message_attach(
                    message=message,
                    collection=attach_form.cleaned_data["collection"],
                    actor=request.user,
                )
                messages.success(request, _("Message attached; its results are recorded."))
                return redirect(f"{reverse('drugtests:lab')}?program={program.public_id}")
            if request.POST.get("action") == "dismiss" and dismiss_form.is_valid():
                services.lab_message_dismiss(
                    message=message, actor=request.user, reason=dismiss_form.cleaned_data["reason"]
                )
                messages.success(request, _("Message dismissed; it stays on file."))
                return redirect(f"{reverse('drugtests:lab')}?program={program.public_id}")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        status = 400
    participant = message.collection.participant if message.collection else None
    audit_record(
        actor=request.user,
        action=AuditAction.DRUG_TEST_VIEWED,
        target=message,
        participant=participant,
        category=SUD,
    )
    return render(
        request,
        "drugtests/lab_message.html",
        {
            "nav": "drugtests_lab",
            "message": message,
            "program": program,
            "has_sendouts": bool(collections),
            "attach_form": attach_form,
            "dismiss_form": dismiss_form,
        },
        status=status,
    )


@requires("drugtests.manage_testing_setup")
def setup(request):
    program, programs = _program(request)
    instance = services.policy_for(program)
    form = PolicyForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "seed":
            created = services.panels_seed_defaults(program=program, actor=request.user)
            messages.success(request, _("%(n)s default panel(s) added.") % {"n": len(created)})
            return redirect(f"{reverse('drugtests:setup')}?program={program.public_id}")
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.testing_policy_update(program=program, actor=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Testing policy saved."))
                return redirect(f"{reverse('drugtests:setup')}?program={program.public_id}")
        status = 400
    return render(
        request,
        "drugtests/setup.html",
        {
            "nav": "drugtests_setup",
            "program": program,
            "programs": programs,
            "form": form,
            "panels": selectors.panels_for(program, active_only=False),
        },
        status=status,
    )


@requires("drugtests.manage_testing_setup")
def panel(request, public_id=None):
    programs = list(programs_for(request.user))
    if public_id is not None:
        instance = Panel.objects.filter(public_id=public_id, program__in=programs).first()
        if instance is None:
            raise Http404
        program = instance.program
        initial = {
            "name": instance.name,
            "specimen_type": instance.specimen_type,
            "is_active": instance.is_active,
            "analytes": PanelForm.analytes_text(instance),
        }
    else:
        instance, initial = None, {}
        program, programs = _program(request)
    form = PanelForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.panel_save(
                    program=program, actor=request.user, panel=instance, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Panel saved."))
                return redirect(f"{reverse('drugtests:setup')}?program={program.public_id}")
        status = 400
    return render(
        request,
        "drugtests/panel.html",
        {"nav": "drugtests_setup", "program": program, "panel": instance, "form": form},
        status=status,
    )
