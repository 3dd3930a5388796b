"""Demo treatment plans for active participants, at every stage a clinician meets:

- most have an initial plan signed a few days after admission, and those in care for more than
  a month a signed review with progress per objective;
- the newest admissions have no plan yet (due soon), one older one is overdue for review;
- a plan by the counselor waits for the supervisor's co-signature;
- one participant has an early review requested after a missed week.

Parts are written through the services; signatures carry the historical date they would have
had (the demo writes them the way an import from another system would, since a signature
made today cannot be backdated through the service). A participant who already has a plan is
left alone, so a second run changes nothing.
"""

import random
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from openiop.participants.models import Episode, EpisodeStatus
from openiop.plans import services
from openiop.plans.models import PlanObjective, PlanVersion, TreatmentPlan

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

NEWEST_WITHOUT_PLAN = 3
PROBLEMS = (
    (
        4,
        "Returns to use when cravings peak in the evening after work.",
        "I want to get through a whole month without drinking.",
        "Use a written craving plan (urge surfing, call sponsor) on 5 of 7 evenings",
        "relapse",
        "3 groups a week",
    ),
    (
        3,
        "Low mood and poor sleep most days (PHQ-9 in the moderate range).",
        "I want to feel like myself again and sleep through the night.",
        "Practise one behavioural activation task daily and log sleep",
        "cbt",
        "weekly individual session",
    ),
    (
        5,
        "Most friends still use; spends weekends where substances are around.",
        "I want people around me who support my recovery.",
        "Attend 2 mutual-help meetings a week and name 2 sober supports",
        "case_mgmt",
        "every two weeks",
    ),
)


def _signed_at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(16, 30)))


def _write(version: PlanVersion, actor, rng: random.Random, start) -> None:
    for dimension, problem_text, goal_text, objective_text, modality, frequency in rng.sample(
        PROBLEMS, k=rng.choice((2, 3))
    ):
        problem = services.plan_part_save(
            version=version,
            actor=actor,
            kind="problem",
            values={"dimension": dimension, "statement": problem_text},
        )
        goal = services.plan_part_save(
            version=version,
            actor=actor,
            kind="goal",
            values={"problem": problem, "statement": goal_text},
        )
        services.plan_part_save(
            version=version,
            actor=actor,
            kind="objective",
            values={
                "goal": goal,
                "description": objective_text,
                "target_on": start + timedelta(days=28),
                "status": "in_progress",
            },
        )
        services.plan_part_save(
            version=version,
            actor=actor,
            kind="intervention",
            values={
                "problem": problem,
                "modality": modality,
                "frequency": frequency,
                "responsible": actor,
            },
        )


def _sign(version: PlanVersion, actor, day, *, summary: str = "") -> None:
    """Sign as of ``day`` (a draft becoming signed: the only change the lock allows)."""
    version = PlanVersion.objects.get(pk=version.pk)
    version.strengths = version.strengths or "Motivated; steady job; supportive sister."
    version.review_summary = summary
    version.agreement_method, version.agreement_on = "signed", day
    version.status, version.signed_by, version.signed_at = "signed", actor, _signed_at(day)
    if actor.requires_cosignature:
        version.cosigner = actor.supervisor
    version.save()


def _review(episode: Episode, actor, day, rng: random.Random) -> None:
    version = services.plan_start(episode=episode, actor=actor)
    for objective in PlanObjective.objects.filter(plan_version=version):
        met = rng.random() < 0.4
        services.plan_part_save(
            version=version,
            actor=actor,
            kind="objective",
            part=objective,
            expected_version=objective.version,
            values={
                "status": "met" if met else "in_progress",
                "progress": "Met consistently for three weeks."
                if met
                else "Partly: most days, harder at weekends.",
                "target_on": day + timedelta(days=30),
            },
        )
    _sign(version, actor, day, summary="Progress reviewed with the participant; targets reset.")


def load(context: "DemoContext") -> None:
    rng = context.random_for("plans")
    episodes = list(
        Episode.objects.filter(status=EpisodeStatus.ACTIVE, primary_clinician__isnull=False)
        .select_related("participant", "primary_clinician", "program")
        .prefetch_related("care_team__user")
        .order_by("-admitted_on", "participant__mrn")
    )
    written = reviews = 0
    counselor_done = review_requested = overdue_left = False
    for index, episode in enumerate(episodes):
        seed = rng.random()  # draw first: the plan does not depend on the database
        if index < NEWEST_WITHOUT_PLAN or TreatmentPlan.objects.filter(episode=episode).exists():
            continue
        author = episode.primary_clinician
        counselor = next(
            (m.user for m in episode.care_team.all() if m.user.requires_cosignature), None
        )
        if counselor and not counselor_done:
            author, counselor_done = counselor, True
        own = random.Random(seed)  # noqa: S311 (repeatable demo data, not secret)
        signed_on = min(episode.admitted_on + timedelta(days=3), context.today)
        version = services.plan_start(episode=episode, actor=author)
        _write(version, author, own, episode.admitted_on)
        _sign(version, author, signed_on)
        written += 1
        review_on = signed_on + timedelta(days=28)
        if review_on < context.today and not overdue_left:
            overdue_left = True  # left unreviewed for the due list to show as overdue
            continue
        while review_on < context.today:
            _review(episode, episode.primary_clinician, review_on, own)
            reviews += 1
            review_on += timedelta(days=28)
        if not review_requested and index > NEWEST_WITHOUT_PLAN + 2:
            services.plan_review_request(
                episode=episode,
                reason="Missed all groups last week; check in on barriers.",
                actor=episode.primary_clinician,
            )
            review_requested = True
    context.log(f"Plans: {written} signed plans, {reviews} reviews.")
