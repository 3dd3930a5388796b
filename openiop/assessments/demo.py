"""Demo score histories: PHQ-9 and GAD-7 every two weeks from admission for each active
participant, mostly improving, and two recent PHQ-9s with item 9 above 0 whose urgent alerts
are still open; wait-listed referrals were screened (PHQ-9, GAD-7) and assessed soon after
referral, so the intake board shows them ready to admit. Recorded through the real services
(scoring, alerts, audit). A participant who already has administrations is left alone, so a
second run changes nothing.

Participants discharged since also had PHQ-9 and GAD-7 every two weeks from admission to
discharge (so the reports' weeks before today's caseload have measures). The service records
measures only in an open episode, so these are written as an import from another system would:
scored by the same instrument code, saved with their historical dates, each with its audit
row. An episode that already has administrations is left alone.
"""

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from openiop.assessments import instruments
from openiop.assessments.models import Administration, DimensionalAssessment
from openiop.assessments.services import administration_submit, dimensional_assessment_record
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.participants.models import Episode, EpisodeStatus

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

ITEMS = {"phq9": 9, "gad7": 7}
OPEN_ALERTS = 2


def _answers(rng: random.Random, count: int, severity: float, *, item9: int | None = None):
    """Item answers 0-3 around ``severity`` (0 = none, 1 = all severe)."""
    answers = [max(0, min(3, round(rng.gauss(severity * 3, 0.7)))) for _ in range(count)]
    if count == 9:
        answers[8] = 0 if item9 is None else item9
    return answers


def load(context: "DemoContext") -> None:
    rng = context.random_for("assessments")
    episodes = (
        Episode.objects.filter(status=EpisodeStatus.ACTIVE, primary_clinician__isnull=False)
        .select_related("participant", "primary_clinician")
        .order_by("participant__mrn")
    )
    recorded = alerts = 0
    for index, episode in enumerate(episodes):
        start = rng.uniform(0.45, 0.8)  # draw first: the plan does not depend on the database
        improvement = rng.uniform(0.05, 0.12)
        at_risk = index < OPEN_ALERTS
        if Administration.objects.filter(participant=episode.participant).exists():
            continue
        day, visit = episode.admitted_on, 0
        while day <= context.today:
            severity = max(0.05, start - improvement * visit)
            last = day + timedelta(days=14) > context.today
            for code, count in ITEMS.items():
                item9 = 1 if (at_risk and last and code == "phq9") else None
                administration_submit(
                    actor=episode.primary_clinician,
                    participant=episode.participant,
                    episode=episode,
                    instrument=code,
                    answers=_answers(rng, count, severity, item9=item9),
                    administered_on=day,
                )
                recorded += 1
                alerts += item9 or 0
            day += timedelta(days=14)
            visit += 1
    assessed = _intake_assessments(rng, episodes)
    screened = _wait_list_screening(rng)
    former = _former_histories(context.random_for("assessments:former"))
    context.log(
        f"Assessments: {recorded} administrations recorded, {alerts} open urgent alerts, "
        f"{assessed} intake assessments, {screened} wait-listed referrals screened and assessed, "
        f"{former} administrations for participants discharged since."
    )


def _former_histories(rng: random.Random) -> int:
    """PHQ-9 and GAD-7 every two weeks from admission to discharge, improving, for each
    admitted episode discharged since (written as an import would, see the module's note)."""
    episodes = (
        Episode.objects.filter(
            status=EpisodeStatus.DISCHARGED,
            admitted_on__isnull=False,
            primary_clinician__isnull=False,
        )
        .select_related("participant", "primary_clinician")
        .order_by("participant__mrn", "admitted_on")
    )
    recorded = 0
    for episode in episodes:
        start = rng.uniform(0.4, 0.75)  # draw first: the plan does not depend on the database
        improvement = rng.uniform(0.04, 0.1)
        visits = (episode.discharged_on - episode.admitted_on).days // 14 + 1
        answers = [
            {
                code: _answers(rng, count, max(0.05, start - improvement * visit))
                for code, count in ITEMS.items()
            }
            for visit in range(visits)
        ]
        if Administration.objects.filter(episode=episode).exists():
            continue
        for visit, given in enumerate(answers):
            for code, items in given.items():
                _import_administration(
                    episode, code, items, episode.admitted_on + timedelta(days=14 * visit)
                )
                recorded += 1
    return recorded


def _import_administration(episode, code: str, answers: list[int], day) -> Administration:
    result = instruments.score_with(instruments.get(code), answers)
    administration = Administration(
        participant=episode.participant,
        episode=episode,
        instrument=code,
        answers=answers,
        total=result.total,
        band=result.band or "",
        subscales=dict(result.subscales),
        alerts=list(result.alerts),
        administered_on=day,
        administered_by=episode.primary_clinician,
    )
    administration.full_clean()
    administration.save()
    audit_record(
        actor=episode.primary_clinician,
        action=AuditAction.MEASURE_RECORDED,
        target=administration,
        participant=episode.participant,
        category=DataCategory.SUD_RECORD,
        details={"instrument": code, "source": "demo"},
    )
    return administration


SUBSTANCES = (
    ("Alcohol", "oral", "daily", 16),
    ("Cannabis", "smoked", "weekly", 15),
    ("Opioids (fentanyl)", "smoked", "daily", 22),
    ("Methamphetamine", "smoked", "several times a week", 24),
    ("Cocaine", "intranasal", "weekends", 19),
)


def _intake_assessments(rng: random.Random, episodes) -> int:
    """An intake assessment on admission day, rated to fit an intensive outpatient program."""
    count = 0
    for episode in episodes:
        ratings = {1: rng.choice((0, 1)), 2: rng.choice((0, 1)), 3: rng.choice((1, 2))}
        ratings |= {4: 2, 5: rng.choice((1, 2)), 6: rng.choice((0, 1, 2))}
        substance, route, frequency, age = rng.choice(SUBSTANCES)
        if DimensionalAssessment.objects.filter(episode=episode).exists():
            continue
        dimensional_assessment_record(
            actor=episode.primary_clinician,
            participant=episode.participant,
            episode=episode,
            assessed_on=episode.admitted_on,
            ratings=ratings,
            narratives={4: "Recent return to use; cravings most evenings."},
            substance_use=[
                {
                    "substance": substance,
                    "route": route,
                    "frequency": frequency,
                    "age_first_use": age,
                }
            ],
            housing="Stable housing with family.",
            work_school="Working full time; needs evening groups.",
        )
        count += 1
    return count


def _wait_list_screening(rng: random.Random) -> int:
    """PHQ-9 and GAD-7 two days after referral, an assessment the day after, by the clinician
    on the wait-listed referral's team."""
    episodes = (
        Episode.objects.filter(status=EpisodeStatus.WAIT_LISTED)
        .select_related("participant")
        .prefetch_related("care_team__user")
        .order_by("participant__mrn")
    )
    count = 0
    for episode in episodes:
        severity = rng.uniform(0.35, 0.7)  # draw first: the plan does not depend on the database
        answers = {code: _answers(rng, items, severity) for code, items in ITEMS.items()}
        ratings = {1: 0, 2: rng.choice((0, 1)), 3: rng.choice((1, 2)), 4: 2, 5: 2, 6: 1}
        if Administration.objects.filter(episode=episode).exists():
            continue
        clinician = episode.care_team.all()[0].user
        for code, given in answers.items():
            administration_submit(
                actor=clinician,
                participant=episode.participant,
                episode=episode,
                instrument=code,
                answers=given,
                administered_on=episode.referred_on + timedelta(days=2),
            )
        dimensional_assessment_record(
            actor=clinician,
            participant=episode.participant,
            episode=episode,
            assessed_on=episode.referred_on + timedelta(days=3),
            ratings=ratings,
            narratives={5: "Cravings daily; needs structure while waiting for a place."},
            housing="Stable housing.",
        )
        count += 1
    return count
