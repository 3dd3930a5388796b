"""Reads of treatment plans for pages, other apps and reports."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from openiop.participants.access import episodes_in_scope
from openiop.participants.models import Episode, EpisodeStatus
from openiop.plans import rules
from openiop.plans.models import (
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanPolicy,
    PlanVersion,
    ReviewRequest,
)

PLAN_STATUSES = (EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD)


def current_version(episode) -> PlanVersion | None:
    """The plan in force for an episode: its latest signed version (None before the first)."""
    return (
        PlanVersion.objects.filter(plan__episode=episode, status=PlanVersion.Status.SIGNED)
        .order_by("-number")
        .first()
    )


def current_objectives(episode) -> QuerySet[PlanObjective]:
    """Objectives of the plan in force for ``episode`` (what a note can say it addressed),
    in plan order. Empty before the first plan is signed."""
    version = current_version(episode)
    if version is None:
        return PlanObjective.objects.none()
    return (
        PlanObjective.objects.filter(plan_version=version)
        .select_related("goal__problem")
        .order_by("goal__problem__position", "goal__position", "position", "id")
    )


def policy_for(program) -> rules.PlanTimeliness:
    """The program's plan timeliness rules (defaults when it has not set its own)."""
    try:
        return program.plan_policy.as_rules()
    except PlanPolicy.DoesNotExist:
        return rules.DEFAULTS


def episode_due(episode, today: date) -> list[rules.PlanDue]:
    """What is due on one episode's plan (the chart tab uses it)."""
    last_signed = PlanVersion.objects.filter(
        episode=episode, status=PlanVersion.Status.SIGNED
    ).aggregate(last=Max("signed_at"))["last"]
    requests = ReviewRequest.objects.filter(episode=episode, resolved_by__isnull=True)
    return rules.plan_due(
        admitted_on=episode.admitted_on if episode.status in PLAN_STATUSES else None,
        last_signed_on=timezone.localtime(last_signed).date() if last_signed else None,
        open_requests=[(r.due_date, r.reason) for r in requests],
        policy=policy_for(episode.program),
    )


@dataclass(frozen=True)
class DueRow:
    episode: Episode
    due: rules.PlanDue
    state: str


def plan_due_list(user, today: date, *, whole_program: bool = False) -> list[DueRow]:
    """Plans missing, reviews due soon and overdue, for the active episodes a user works on
    (their care teams and those they are primary clinician of; with ``whole_program``, every
    episode in scope, for directors). Overdue first, then by due date. Three queries."""
    episodes = episodes_in_scope(user).filter(status__in=PLAN_STATUSES)
    if not whole_program:
        episodes = episodes.filter(Q(care_team__user=user) | Q(primary_clinician=user)).distinct()
    last_signed = (
        PlanVersion.objects.filter(episode=OuterRef("pk"), status=PlanVersion.Status.SIGNED)
        .order_by("-signed_at")
        .values("signed_at")[:1]
    )
    episodes = (
        episodes.select_related("participant", "program__plan_policy", "primary_clinician")
        .annotate(last_signed_at=Subquery(last_signed))
        .prefetch_related(
            Prefetch(
                "plan_review_requests",
                queryset=ReviewRequest.objects.filter(resolved_by__isnull=True),
                to_attr="open_requests",
            )
        )
    )
    rows = []
    for episode in episodes:
        policy = _policy_of_loaded(episode.program)
        signed = episode.last_signed_at
        for due in rules.plan_due(
            admitted_on=episode.admitted_on,
            last_signed_on=timezone.localtime(signed).date() if signed else None,
            open_requests=[(r.due_date, r.reason) for r in episode.open_requests],
            policy=policy,
        ):
            state = due.state(today, policy)
            if state != "later":
                rows.append(DueRow(episode, due, state))
    rows.sort(key=lambda row: (row.state != "overdue", row.due.due_on))
    return rows


def _policy_of_loaded(program) -> rules.PlanTimeliness:
    policy = getattr(program, "plan_policy", None)  # select_related: None when absent
    return policy.as_rules() if policy else rules.DEFAULTS


def plan_versions(episode) -> QuerySet[PlanVersion]:
    return (
        PlanVersion.objects.filter(episode=episode)
        .select_related("author", "signed_by", "cosigner", "cosignature__signed_by")
        .order_by("-number")
    )


def version_detail(version: PlanVersion) -> list[dict]:
    """A version's problems with their goals, objectives and interventions, in plan order,
    in four queries (for the read-only view, the print view and the editor)."""
    problems = list(
        version.problems.select_related("assessment").prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.order_by("position", "id")),
            Prefetch(
                "goals__objectives", queryset=PlanObjective.objects.order_by("position", "id")
            ),
            Prefetch(
                "interventions",
                queryset=PlanIntervention.objects.select_related("responsible").order_by(
                    "position", "id"
                ),
            ),
        )
    )
    return problems


def previous_objectives(version: PlanVersion) -> dict:
    """For a review draft: the previous version's objective per lineage (status, target)."""
    if version.number <= 1:
        return {}
    previous = PlanObjective.objects.filter(
        plan_version__plan=version.plan_id, plan_version__number=version.number - 1
    )
    return {objective.lineage: objective for objective in previous}


def awaiting_cosignature(user) -> QuerySet[PlanVersion]:
    """Signed versions waiting for ``user``'s co-signature."""
    return (
        PlanVersion.objects.filter(
            cosigner=user, status=PlanVersion.Status.SIGNED, cosignature__isnull=True
        )
        .select_related("participant", "signed_by")
        .order_by("signed_at")
    )
