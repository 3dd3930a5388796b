"""Writes on treatment plans. Each names its actor, runs in a transaction and audits itself.

A draft version is edited part by part; signing locks it for good (models and database
triggers refuse later changes); a review copies the plan in force into a new draft.
Other apps ask for an early review with ``plan_review_request()``.
"""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.core.versioning import version_claim
from openiop.participants.models import Episode
from openiop.plans.models import (
    AgreementMethod,
    PlanCosignature,
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanPart,
    PlanPolicy,
    PlanProblem,
    PlanVersion,
    ReviewRequest,
    TreatmentPlan,
)
from openiop.plans.selectors import PLAN_STATUSES, current_version

LOCKED_MESSAGE = "This plan version is signed and cannot change. Start a review to revise it."


def _audit(actor, action: AuditAction, version: PlanVersion, **details) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=version,
        participant=version.participant,
        category=DataCategory.SUD_RECORD,
        details={"plan_version": version.number, **details},
    )


def _require_draft(version: PlanVersion) -> None:
    if version.status != PlanVersion.Status.DRAFT:
        raise ValidationError(_(LOCKED_MESSAGE), code="locked")


def _latest_assessment(episode: Episode):
    return episode.dimensional_assessments.order_by("-assessed_on", "-created_at").first()


def _problems_from_assessment(version: PlanVersion, episode: Episode) -> None:
    """Start an initial plan from the assessment: one problem per dimension rated 2 or more,
    with the rating and narrative as its findings (the clinician rewrites the statement)."""
    assessment = _latest_assessment(episode)
    if assessment is None:
        return
    for position, (number, rating) in enumerate(sorted(assessment.ratings.items())):
        if int(rating) < 2:
            continue
        narrative = assessment.narratives.get(str(number), "")
        PlanProblem.objects.create(
            plan_version=version,
            position=position,
            dimension=int(number),
            statement=narrative[:500] or _("Needs described at assessment (edit this)."),
            findings=_("Rated %(rating)s of 4 at the assessment of %(date)s.")
            % {"rating": rating, "date": assessment.assessed_on.isoformat()},
            assessment=assessment,
        )


@transaction.atomic
def plan_start(*, episode: Episode, actor) -> PlanVersion:
    """Start the episode's plan: the initial draft, or a review draft copied from the plan in
    force. Returns the existing draft if one is open (one draft at a time)."""
    if episode.status not in PLAN_STATUSES:
        raise ValidationError(_("A plan is written for an admitted, active episode."))
    plan, _created = TreatmentPlan.objects.get_or_create(
        episode=episode, defaults={"participant": episode.participant}
    )
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    draft = plan.versions.filter(status=PlanVersion.Status.DRAFT).first()
    if draft is not None:
        return draft
    in_force = current_version(episode)
    number = (plan.versions.aggregate(Max("number"))["number__max"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        participant=episode.participant,
        episode=episode,
        number=number,
        kind=PlanVersion.Kind.REVIEW if in_force else PlanVersion.Kind.INITIAL,
        author=actor,
        strengths=in_force.strengths if in_force else "",
    )
    if in_force:
        _copy_parts(in_force, version)
    else:
        _problems_from_assessment(version, episode)
    _audit(actor, AuditAction.PLAN_DRAFT_STARTED, version, kind=version.kind)
    return version


def _copy_parts(source: PlanVersion, target: PlanVersion) -> None:
    """Copy a version's parts into a new draft, keeping each part's lineage. Objectives met or
    discontinued are carried too (the review shows them), with their progress cleared."""
    problems, goals = {}, {}
    for problem in source.problems.all():
        old_pk = problem.pk
        _reset(problem, target)
        problem.save()
        problems[old_pk] = problem
    for goal in source.goals.all():
        old_pk = goal.pk
        _reset(goal, target)
        goal.problem = problems[goal.problem_id]
        goal.save()
        goals[old_pk] = goal
    for objective in source.objectives.all():
        _reset(objective, target)
        objective.goal = goals[objective.goal_id]
        objective.progress = ""
        objective.save()
    for intervention in source.interventions.all():
        _reset(intervention, target)
        intervention.problem = problems[intervention.problem_id]
        intervention.save()


def _reset(part: PlanPart, target: PlanVersion) -> None:
    part.pk = part.id = None
    part.public_id = uuid.uuid4()
    part.plan_version, part.version = target, 1
    part._state.adding = True


PART_MODELS = {
    "problem": PlanProblem,
    "goal": PlanGoal,
    "objective": PlanObjective,
    "intervention": PlanIntervention,
}


@transaction.atomic
def plan_part_save(
    *,
    version: PlanVersion,
    actor,
    kind: str,
    values: dict,
    part: PlanPart | None = None,
    expected_version: int | None = None,
) -> PlanPart:
    """Add a part to a draft (``part`` None) or change one (naming the part's version it
    started from: a stale edit conflicts instead of overwriting someone else's)."""
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    model = PART_MODELS[kind]
    if part is None:
        part = model(plan_version=version, position=_next_position(model, version))
    else:
        part = version_claim(part, expected_version=expected_version)
    for field, value in values.items():
        setattr(part, field, value)
    _check_same_version(part, version)
    part.full_clean()
    part.save()
    _audit(actor, AuditAction.PLAN_DRAFT_SAVED, version, part=kind)
    return part


def _next_position(model, version: PlanVersion) -> int:
    highest = model.objects.filter(plan_version=version).aggregate(Max("position"))
    return (highest["position__max"] or 0) + 1


def _check_same_version(part: PlanPart, version: PlanVersion) -> None:
    parent = getattr(part, "problem", None) or getattr(part, "goal", None)
    if parent is not None and parent.plan_version_id != version.pk:
        raise ValidationError(_("That belongs to another plan version."))
    if isinstance(part, PlanIntervention) and part.responsible_id:
        staff = version.episode.program.memberships.filter(user_id=part.responsible_id)
        if not staff.exists():
            raise ValidationError(
                {"responsible": _("The responsible staff member must work in this program.")}
            )


@transaction.atomic
def plan_part_delete(*, version: PlanVersion, actor, kind: str, part: PlanPart) -> None:
    """Remove a part (and what hangs under it) from a draft."""
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if part.plan_version_id != version.pk:
        raise ValidationError(_("That belongs to another plan version."))
    if kind == "problem":
        PlanObjective.objects.filter(goal__problem=part).delete()
        PlanGoal.objects.filter(problem=part).delete()
        PlanIntervention.objects.filter(problem=part).delete()
    elif kind == "goal":
        PlanObjective.objects.filter(goal=part).delete()
    part.delete()
    _audit(actor, AuditAction.PLAN_DRAFT_SAVED, version, part=kind, removed=True)


@transaction.atomic
def plan_version_update(
    *, version: PlanVersion, actor, expected_version: int, strengths: str, review_summary: str
) -> PlanVersion:
    """Change a draft's own text (strengths; for a review, what changed and why)."""
    fresh = PlanVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(fresh)
    fresh = version_claim(fresh, expected_version=expected_version)
    fresh.strengths, fresh.review_summary = strengths, review_summary
    fresh.save(update_fields=["strengths", "review_summary", "version", "updated_at"])
    _audit(actor, AuditAction.PLAN_DRAFT_SAVED, fresh)
    return fresh


def sign_problems(version: PlanVersion) -> list[str]:
    """What keeps a draft from being signed, in words (empty when it can be signed)."""
    problems = list(version.problems.prefetch_related("goals__objectives", "interventions"))
    if not problems:
        return [_("Add at least one problem.")]
    missing = []
    for problem in problems:
        goals = list(problem.goals.all())
        label = problem.statement[:60]
        if not goals:
            missing.append(_("Problem “%(p)s” needs a long-term goal.") % {"p": label})
        for goal in goals:
            if not goal.objectives.all():
                missing.append(
                    _("Goal “%(g)s” needs a short-term objective.") % {"g": goal.statement[:60]}
                )
        if not problem.interventions.all():
            missing.append(_("Problem “%(p)s” needs an intervention.") % {"p": label})
    if version.kind == PlanVersion.Kind.REVIEW:
        if not version.review_summary.strip():
            missing.append(_("A review says what changed and why."))
        carried = PlanObjective.objects.filter(
            plan_version=version,
            lineage__in=PlanObjective.objects.filter(
                plan_version__plan=version.plan, plan_version__number__lt=version.number
            ).values("lineage"),
            progress="",
        )
        for objective in carried:
            missing.append(
                _("Record progress on the objective “%(o)s”.") % {"o": objective.description[:60]}
            )
    return missing


@transaction.atomic
def plan_sign(
    *,
    version: PlanVersion,
    actor,
    agreement_method: str,
    agreement_on: date,
    agreement_note: str = "",
    expected_version: int,
) -> PlanVersion:
    """Sign a draft with the participant's agreement. A supervisor co-signs afterwards when
    the author needs co-signature. Resolves the open early-review requests."""
    fresh = PlanVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(fresh)
    fresh = version_claim(fresh, expected_version=expected_version)
    if agreement_method not in AgreementMethod.values:
        raise ValidationError({"agreement_method": _("Choose how the participant agreed.")})
    if agreement_on > timezone.localdate():
        raise ValidationError({"agreement_on": _("The agreement date cannot be in the future.")})
    if agreement_method == AgreementMethod.DECLINED and not agreement_note.strip():
        raise ValidationError({"agreement_note": _("Say why the participant declined to sign.")})
    problems = sign_problems(fresh)
    if problems:
        raise ValidationError(problems, code="incomplete")
    fresh.agreement_method, fresh.agreement_on = agreement_method, agreement_on
    fresh.agreement_note = agreement_note.strip()
    fresh.status, fresh.signed_by, fresh.signed_at = "signed", actor, timezone.now()
    if actor.requires_cosignature:
        if actor.supervisor_id is None:
            raise ValidationError(
                _("You need a supervisor's co-signature but have no supervisor on file.")
            )
        fresh.cosigner = actor.supervisor
    fresh.full_clean()
    fresh.save()
    ReviewRequest.objects.filter(episode=fresh.episode, resolved_by__isnull=True).update(
        resolved_by=fresh
    )
    _audit(actor, AuditAction.PLAN_SIGNED, fresh, agreement=agreement_method)
    return fresh


@transaction.atomic
def plan_cosign(*, version: PlanVersion, actor) -> PlanCosignature:
    """The named supervisor co-signs a signed version."""
    if not version.is_signed or version.cosigner_id is None:
        raise ValidationError(_("This plan version does not wait for a co-signature."))
    if version.cosigner_id != actor.pk:
        raise PermissionDenied(_("Only the named supervisor can co-sign this plan."))
    if PlanCosignature.objects.filter(plan_version=version).exists():
        raise ValidationError(_("This plan version is already co-signed."))
    cosignature = PlanCosignature.objects.create(
        plan_version=version, signed_by=actor, signed_at=timezone.now()
    )
    _audit(actor, AuditAction.PLAN_COSIGNED, version)
    return cosignature


@transaction.atomic
def plan_review_request(
    *,
    episode: Episode,
    reason: str,
    source: str = ReviewRequest.Source.STAFF,
    actor=None,
    due_on: date | None = None,
) -> ReviewRequest:
    """Ask for an early plan review (a risk alert, an unexpected positive test, repeated
    absences, or a person). Shown on the due list until the next version is signed, due on
    ``due_on`` (e.g. within the 72 hours a drug-testing policy allows), else the same day.
    ``actor`` is None when the system asks on an event's behalf. An event of a kind that
    already has an open request adds nothing (returns the open one)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the review.")})
    if source not in ReviewRequest.Source.values:
        raise ValidationError({"source": _("Unknown source of the review request.")})
    if source != ReviewRequest.Source.STAFF:
        already = ReviewRequest.objects.filter(
            episode=episode, source=source, resolved_by__isnull=True
        ).first()
        if already is not None:  # one open request per kind of event is enough
            return already
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("A review cannot be due in the past.")})
    request = ReviewRequest(
        episode=episode, source=source, reason=reason, requested_by=actor, due_on=due_on
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_REVIEW_REQUESTED,
        target=request,
        participant=episode.participant,
        category=DataCategory.SUD_RECORD,
        details={"source": source},
    )
    return request


@transaction.atomic
def plan_policy_update(
    *,
    program,
    actor,
    initial_plan_days: int,
    review_interval_days: int,
    due_soon_days: int,
) -> PlanPolicy:
    policy, _created = PlanPolicy.objects.get_or_create(program=program)
    policy.initial_plan_days = initial_plan_days
    policy.review_interval_days = review_interval_days
    policy.due_soon_days = due_soon_days
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_POLICY_CHANGED,
        target=policy,
        details={
            "program": str(program.public_id),
            "initial_plan_days": initial_plan_days,
            "review_interval_days": review_interval_days,
            "due_soon_days": due_soon_days,
        },
    )
    return policy
