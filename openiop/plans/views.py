"""Plan tab, plan editor, signing, review requests, due list and timeliness settings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record_listing
from openiop.core.forms import add_service_errors
from openiop.core.policy import requires
from openiop.participants import access
from openiop.participants.selectors import chart_context
from openiop.plans import selectors, services
from openiop.plans.forms import (
    PARENT_OF,
    PART_FORMS,
    PolicyForm,
    ReviewRequestForm,
    SignForm,
    VersionTextForm,
)
from openiop.plans.models import PlanPolicy, PlanVersion
from openiop.programs.selectors import programs_for

SEE = ("participants.view_participant", "plans.view_treatmentplan")
WRITE = ("participants.view_participant", "plans.add_planversion")
SIGN = ("participants.view_participant", "plans.sign_treatmentplan")


@require_GET
@requires(*SEE)
def plan_tab(request, public_id):
    participant = access.access_participant(request.user, public_id)
    episode = access.open_episode_in_scope(
        request.user, participant, statuses=selectors.PLAN_STATUSES
    )
    context = chart_context(request.user, participant, tab="plan")
    current = selectors.current_version(episode) if episode else None
    versions = list(selectors.plan_versions(episode)) if episode else []
    context.update(
        episode=episode,
        current=current,
        problems=selectors.version_detail(current) if current else [],
        draft=next((v for v in versions if v.status == PlanVersion.Status.DRAFT), None),
        versions=versions,
        due=selectors.episode_due(episode, timezone.localdate()) if episode else [],
        open_requests=episode.plan_review_requests.filter(resolved_by__isnull=True)
        if episode
        else [],
        request_form=ReviewRequestForm(),
        today=timezone.localdate(),
    )
    return render(request, "plans/plan_tab.html", context)


@require_POST
@requires(*WRITE)
def start(request, public_id):
    participant = access.access_participant(request.user, public_id, action=None)
    episode = access.open_episode_in_scope(
        request.user, participant, statuses=selectors.PLAN_STATUSES
    )
    if episode is None:
        messages.error(request, _("A plan is written for an admitted, active episode."))
        return redirect("plans:plan", public_id=participant.public_id)
    try:
        version = services.plan_start(episode=episode, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plans:plan", public_id=participant.public_id)
    return redirect("plans:edit", public_id=version.public_id)


@require_POST
@requires(*WRITE)
def request_review(request, public_id):
    participant = access.access_participant(request.user, public_id, action=None)
    episode = access.open_episode_in_scope(
        request.user, participant, statuses=selectors.PLAN_STATUSES
    )
    form = ReviewRequestForm(request.POST)
    if episode is None:
        messages.error(request, _("Reviews are requested for an active episode."))
    elif not form.is_valid():
        messages.error(request, _("Give the reason for the review (up to 300 characters)."))
    else:
        services.plan_review_request(
            episode=episode, reason=form.cleaned_data["reason"], actor=request.user
        )
        messages.success(request, _("Early review requested: it is on the due list now."))
    return redirect("plans:plan", public_id=participant.public_id)


def _version(request, public_id, *, action=AuditAction.PARTICIPANT_VIEWED) -> PlanVersion:
    return access.access_participant_object(
        request.user,
        PlanVersion.objects.select_related(
            "plan", "episode__program", "author", "signed_by", "cosigner", "cosignature__signed_by"
        ),
        public_id,
        action=action,
    )


@require_GET
@requires(*SEE)
def version_view(request, public_id):
    version = _version(request, public_id)
    context = chart_context(request.user, version.participant, tab="plan")
    context.update(_version_context(version))
    return render(request, "plans/version.html", context)


@require_GET
@requires(*SEE)
def print_view(request, public_id):
    version = _version(request, public_id)
    context = {"participant": version.participant, **_version_context(version)}
    return render(request, "plans/print.html", context)


def _version_context(version: PlanVersion) -> dict:
    return {
        "version": version,
        "problems": selectors.version_detail(version),
        "previous": selectors.previous_objectives(version),
    }


def _part_form(kind, version, *, part=None, parent=None, bound=None):
    """The form for one part (``part``) or for adding one under ``parent``; ``bound`` is a
    (kind, key, form) from a failed POST, shown in its place with its errors."""
    key = part.public_id if part else f"new:{parent.public_id if parent else ''}"
    if bound and bound[0] == kind and bound[1] == key:
        return bound[2]
    return PART_FORMS[kind](instance=part, prefix=_prefix(kind, part, parent), version=version)


def _prefix(kind, part=None, parent=None) -> str:
    if part is not None:
        return f"{kind}-{part.pk}"
    return f"new-{kind}-{parent.pk}" if parent is not None else f"new-{kind}"


def _editor(request, version: PlanVersion, *, bound=None, text_form=None, sign_form=None):
    """The draft editor: every part with its own small form, and an add form under each."""
    problems = selectors.version_detail(version)
    for problem in problems:
        problem.form = _part_form("problem", version, part=problem, bound=bound)
        problem.add_goal = _part_form("goal", version, parent=problem, bound=bound)
        problem.add_intervention = _part_form("intervention", version, parent=problem, bound=bound)
        for goal in problem.goals.all():
            goal.form = _part_form("goal", version, part=goal, bound=bound)
            goal.add_objective = _part_form("objective", version, parent=goal, bound=bound)
            for objective in goal.objectives.all():
                objective.form = _part_form("objective", version, part=objective, bound=bound)
        for intervention in problem.interventions.all():
            intervention.form = _part_form("intervention", version, part=intervention, bound=bound)
    context = chart_context(request.user, version.participant, tab="plan")
    context.update(
        version=version,
        problems=problems,
        previous=selectors.previous_objectives(version),
        add_problem=_part_form("problem", version, bound=bound),
        text_form=text_form
        or VersionTextForm(
            initial={
                "strengths": version.strengths,
                "review_summary": version.review_summary,
                "expected_version": version.version,
            }
        ),
        sign_form=sign_form or SignForm(initial={"expected_version": version.version}),
        sign_problems=services.sign_problems(version),
    )
    failed = bound or (text_form and text_form.errors) or sign_form
    return render(request, "plans/edit.html", context, status=400 if failed else 200)


@requires(*WRITE)
def edit(request, public_id):
    action = AuditAction.PARTICIPANT_VIEWED if request.method == "GET" else None
    version = _version(request, public_id, action=action)
    if version.is_signed:
        return redirect("plans:version", public_id=version.public_id)
    if request.method != "POST":
        return _editor(request, version)
    form = VersionTextForm(request.POST)
    if form.is_valid():
        try:
            services.plan_version_update(
                version=version,
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                strengths=form.cleaned_data["strengths"],
                review_summary=form.cleaned_data["review_summary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("plans:edit", public_id=version.public_id)
    access.record_view(request.user, version.participant, version)
    return _editor(request, version, text_form=form)


def _find_part(version: PlanVersion, kind: str, part_id):
    model = services.PART_MODELS.get(kind)
    if model is None:
        raise Http404
    part = model.objects.filter(plan_version=version, public_id=part_id).first()
    if part is None:
        raise Http404
    return part


@require_POST
@requires(*WRITE)
def part_add(request, public_id, kind):
    version = _version(request, public_id, action=None)
    if kind not in PART_FORMS:
        raise Http404
    parent = None
    if kind in PARENT_OF:
        parent = _find_part(version, PARENT_OF[kind], request.POST.get("parent", ""))
    form = PART_FORMS[kind](request.POST, prefix=_prefix(kind, None, parent), version=version)
    values = {PARENT_OF[kind]: parent} if parent is not None else {}
    key = f"new:{parent.public_id if parent else ''}"
    return _save_part(request, version, kind, form, values, part=None, key=key)


@require_POST
@requires(*WRITE)
def part_save(request, public_id, kind, part_id):
    version = _version(request, public_id, action=None)
    part = _find_part(version, kind, part_id)
    form = PART_FORMS[kind](
        request.POST, instance=part, prefix=_prefix(kind, part), version=version
    )
    return _save_part(request, version, kind, form, {}, part=part, key=part.public_id)


def _save_part(request, version, kind, form, values, *, part, key):
    if form.is_valid():
        fields = {
            name: form.cleaned_data[name] for name in form._meta.fields if name in form.fields
        }
        try:
            saved = services.plan_part_save(
                version=version,
                actor=request.user,
                kind=kind,
                values={**fields, **values},
                part=part,
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            url = reverse("plans:edit", kwargs={"public_id": version.public_id})
            return redirect(f"{url}#part-{saved.public_id}")
    access.record_view(request.user, version.participant, version)
    return _editor(request, version, bound=(kind, key, form))


@require_POST
@requires(*WRITE)
def part_delete(request, public_id, kind, part_id):
    version = _version(request, public_id, action=None)
    part = _find_part(version, kind, part_id)
    try:
        services.plan_part_delete(version=version, actor=request.user, kind=kind, part=part)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed."))
    return redirect("plans:edit", public_id=version.public_id)


@require_POST
@requires(*SIGN)
def sign(request, public_id):
    version = _version(request, public_id, action=None)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.plan_sign(
                version=version,
                actor=request.user,
                agreement_method=form.cleaned_data["agreement_method"],
                agreement_on=form.cleaned_data["agreement_on"],
                agreement_note=form.cleaned_data["agreement_note"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.user.requires_cosignature:
                messages.success(request, _("Plan signed; it now waits for your supervisor."))
            else:
                messages.success(request, _("Plan signed. It is the plan in force."))
            return redirect("plans:plan", public_id=version.participant.public_id)
    if version.is_signed:
        return redirect("plans:version", public_id=version.public_id)
    access.record_view(request.user, version.participant, version)
    return _editor(request, version, sign_form=form)


@require_POST
@requires(*SIGN)
def cosign(request, public_id):
    version = _version(request, public_id, action=None)
    try:
        services.plan_cosign(version=version, actor=request.user)
    except PermissionDenied:
        messages.error(request, _("Only the named supervisor can co-sign this plan."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Plan co-signed."))
    return redirect("plans:version", public_id=version.public_id)


@require_GET
@requires(*WRITE)
def due(request):
    today = timezone.localdate()
    whole_program = request.GET.get("scope") == "program" and request.user.has_perm(
        "participants.view_program_participants"
    )
    rows = selectors.plan_due_list(request.user, today, whole_program=whole_program)
    shown = {row.episode.participant_id: row.episode.participant for row in rows}
    audit_record_listing(
        actor=request.user, participants=shown.values(), category=DataCategory.SUD_RECORD
    )
    cosign_rows = list(selectors.awaiting_cosignature(request.user))
    audit_record_listing(
        actor=request.user,
        participants={v.participant_id: v.participant for v in cosign_rows}.values(),
        category=DataCategory.SUD_RECORD,
    )
    return render(
        request,
        "plans/due.html",
        {
            "nav": "plans_due",
            "rows": rows,
            "cosign_rows": cosign_rows,
            "today": today,
            "whole_program": whole_program,
        },
    )


@requires("plans.change_planpolicy")
def policy(request):
    programs = list(programs_for(request.user))
    program = next(
        (p for p in programs if str(p.public_id) == request.GET.get("program", "")),
        programs[0] if programs else None,
    )
    if program is None:
        raise Http404
    instance = PlanPolicy.objects.filter(program=program).first() or PlanPolicy(program=program)
    form = PolicyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.plan_policy_update(program=program, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Plan timeliness saved for %(p)s.") % {"p": program.name})
        return redirect(f"{reverse('plans:policy')}?program={program.public_id}")
    return render(
        request,
        "plans/policy.html",
        {"nav": "plan_policy", "form": form, "program": program, "programs": programs},
        status=400 if form.errors else 200,
    )
