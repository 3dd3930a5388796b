"""Build plans through the services, as a clinician would."""

import datetime

from openiop.plans import services
from openiop.plans.models import AgreementMethod, PlanVersion


def fill(version: PlanVersion, actor, *, problem_text="Drinks daily to cope with stress"):
    """Add one problem with a goal, an objective and an intervention: enough to sign."""
    problem = services.plan_part_save(
        version=version,
        actor=actor,
        kind="problem",
        values={"dimension": 4, "statement": problem_text, "findings": ""},
    )
    goal = services.plan_part_save(
        version=version,
        actor=actor,
        kind="goal",
        values={"problem": problem, "statement": "I want to stay sober for my kids"},
    )
    services.plan_part_save(
        version=version,
        actor=actor,
        kind="objective",
        values={
            "goal": goal,
            "description": "Attend 3 groups a week for 4 weeks",
            "target_on": datetime.date.today() + datetime.timedelta(days=28),
            "status": "in_progress",
            "progress": "",
        },
    )
    services.plan_part_save(
        version=version,
        actor=actor,
        kind="intervention",
        values={
            "problem": problem,
            "modality": "relapse",
            "description": "Relapse prevention group",
            "frequency": "3 times a week",
            "responsible": actor,
        },
    )
    return problem


def sign(version: PlanVersion, actor, **extra) -> PlanVersion:
    version.refresh_from_db()
    return services.plan_sign(
        version=version,
        actor=actor,
        agreement_method=extra.pop("agreement_method", AgreementMethod.SIGNED),
        agreement_on=extra.pop("agreement_on", datetime.date.today()),
        expected_version=version.version,
        **extra,
    )


def signed_plan(episode, actor) -> PlanVersion:
    version = services.plan_start(episode=episode, actor=actor)
    fill(version, actor)
    return sign(version, actor)
