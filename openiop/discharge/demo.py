"""Demo step-down and discharge data, from what earlier apps left:

- active participants past their first phase get the phase decisions that brought them there;
- every admitted episode the participants demo discharged gets its discharge record: a TEDS
  reason, a signed summary (figures frozen from the demo's attendance, plans and measures) and,
  for most, an aftercare plan; the most recent discharge's summary is still a draft;
- follow-ups after discharge: those reached are recorded, some are left due for the worklist;
- an alumni group per program with former participants (some opted in to portal access), a
  past event with attendance and an upcoming one.

Discharges are written the way an import from another system would (the episodes are already
discharged, with their historical dates); a second run finds them and changes nothing.
"""

from datetime import datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from django.utils import timezone

from openiop.accounts.roles import Role
from openiop.discharge import selectors
from openiop.discharge.models import (
    AftercarePlan,
    AlumniEvent,
    AlumniGroup,
    AlumniMembership,
    Discharge,
    DischargeReason,
    FollowUpContact,
    PhaseChange,
)
from openiop.participants.models import Episode, EpisodeStatus

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

REASONS = (
    (DischargeReason.COMPLETED, 6),
    (DischargeReason.LEFT, 2),
    (DischargeReason.TERMINATED, 1),
    (DischargeReason.TRANSFERRED, 1),
    (DischargeReason.OTHER, 1),
)
PHASE_REASONS = (
    "Attending fully, cravings manageable, first plan objectives met.",
    "Stable for four weeks; ready for fewer group hours.",
    "Engaged in groups and individual work; agreed with the participant.",
)
RECOMMENDATIONS = (
    "Weekly outpatient counseling; continue mutual-help meetings; alumni group monthly.",
    "Outpatient (ASAM 1.0) with medication management; recovery housing for 6 months.",
)


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(16, 0)))


def _phase_changes(context, rng) -> int:
    created = 0
    episodes = Episode.objects.filter(
        status__in=(EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD), current_phase__isnull=False
    ).select_related("current_phase", "program", "primary_clinician")
    for episode in episodes.order_by("pk"):
        reasons = [rng.choice(PHASE_REASONS) for _ in range(3)]
        if episode.current_phase.order <= 1 or episode.primary_clinician is None:
            continue
        if PhaseChange.objects.filter(episode=episode).exists():
            continue
        phases = list(episode.program.phases.filter(order__lte=episode.current_phase.order))
        day = episode.admitted_on
        for index, (before, after) in enumerate(pairwise(phases)):
            day = min(day + timedelta(weeks=before.typical_weeks), context.today)
            PhaseChange.objects.create(
                episode=episode,
                participant_id=episode.participant_id,
                from_phase=before,
                to_phase=after,
                reason=reasons[index % len(reasons)],
                decided_on=day,
                decided_by=episode.primary_clinician,
            )
            created += 1
    return created


def _discharges(context, rng) -> list[Discharge]:
    episodes = list(
        Episode.objects.filter(status=EpisodeStatus.DISCHARGED, admitted_on__isnull=False)
        .select_related("participant", "program", "primary_clinician")
        .order_by("discharged_on", "pk")
    )
    reasons, weights = zip(*REASONS, strict=True)
    fallback = context.data["staff"][Role.PROGRAM_DIRECTOR][0]
    records = []
    for number, episode in enumerate(episodes):
        reason = rng.choices(reasons, weights=weights)[0]
        recommendation = rng.choice(RECOMMENDATIONS)
        with_aftercare = rng.random() < 0.8
        existing = Discharge.objects.filter(episode=episode).first()
        if existing is not None:
            records.append(existing)
            continue
        author = episode.primary_clinician or fallback
        is_latest = number == len(episodes) - 1
        record = Discharge(
            episode=episode,
            participant=episode.participant,
            discharged_on=episode.discharged_on,
            reason=reason,
            reason_detail="Eastside Community Clinic (OP)"
            if reason == DischargeReason.TRANSFERRED
            else "",
            course="Attended groups and individual sessions; see the plan progress below.",
            diagnoses="F10.20 Alcohol use disorder, severe",
            medications="Naltrexone 50 mg daily" if number % 2 else "",
            recommendations=recommendation,
            author=author,
        )
        if not is_latest:
            record.figures = selectors.discharge_figures(episode)
            record.status = Discharge.Status.SIGNED
            record.signed_by = author
            record.signed_at = _at(episode.discharged_on + timedelta(days=2))
        record.save()
        records.append(record)
        if with_aftercare:
            AftercarePlan.objects.create(
                episode=episode,
                participant=episode.participant,
                step_down_level="1.0",
                step_down_provider="Eastside Community Clinic",
                mutual_help="SMART Recovery, Tuesdays 7 pm; AA home group Saturdays",
                recovery_housing="",
                medication_continuation="Naltrexone: Dr. Rivera, monthly",
                appointments=f"Intake at Eastside on {episode.discharged_on + timedelta(days=7)}",
                relapse_prevention="Craving plan from the treatment plan: urge surfing, call "
                "sponsor, leave high-risk places.",
                emergency_contacts=episode.participant.emergency_contact_name,
                updated_by=author,
            )
    return records


def _followups(context, rng, records: list[Discharge]) -> int:
    created = 0
    for record in records:
        reached = rng.random() < 0.6
        outcomes = {
            "substance_use": rng.choice(["no", "no", "yes"]),
            "in_treatment": rng.choice(["yes", "yes", "no"]),
            "housing": rng.choice(["stable", "stable", "recovery", "unstable"]),
            "occupation": rng.choice(["employed", "school", "neither"]),
            "arrested": "no",
        }
        if record.reason in selectors.NO_FOLLOWUP_REASONS:
            continue
        due_on = record.discharged_on + timedelta(days=30)
        if due_on > context.today or FollowUpContact.objects.filter(discharge=record).exists():
            continue
        if not reached:  # left on the worklist, with one attempt
            FollowUpContact.objects.create(
                discharge=record,
                participant=record.participant,
                day=30,
                attempted_on=due_on,
                result="not_reached",
                recorded_by=record.author,
            )
        else:
            FollowUpContact.objects.create(
                discharge=record,
                participant=record.participant,
                day=30,
                attempted_on=due_on + timedelta(days=1),
                result="reached",
                recorded_by=record.author,
                **outcomes,
            )
        created += 1
    return created


def _alumni(context, rng, records: list[Discharge]) -> int:
    members = 0
    for program in context.data["programs"].values():
        group, _created = AlumniGroup.objects.get_or_create(
            program=program,
            name="Alumni circle",
            defaults={"description": "Monthly peer meeting for people who finished the program."},
        )
        past, _created = AlumniEvent.objects.get_or_create(
            group=group,
            title="Recovery month picnic",
            defaults={"held_on": context.today - timedelta(days=21), "location": "Riverside Park"},
        )
        AlumniEvent.objects.get_or_create(
            group=group,
            title="Alumni circle: monthly meeting",
            defaults={"held_on": context.today + timedelta(days=10), "location": "Group room A"},
        )
        for record in records:
            opted_in = rng.random() < 0.5
            attended = rng.random() < 0.6
            if record.episode.program_id != program.pk or record.reason != "completed":
                continue
            membership, created = AlumniMembership.objects.get_or_create(
                group=group,
                participant=record.participant,
                defaults={"joined_on": record.discharged_on, "has_portal_opt_in": opted_in},
            )
            members += created
            if created and attended and record.discharged_on <= past.held_on:
                past.attendees.add(membership)
    return members


def load(context: "DemoContext") -> None:
    rng = context.random_for("discharge")
    changes = _phase_changes(context, rng)
    records = _discharges(context, rng)
    followups = _followups(context, rng, records)
    members = _alumni(context, rng, records)
    context.log(
        f"Step-down and discharge: {changes} phase decisions, {len(records)} discharges, "
        f"{followups} follow-up contacts, {members} alumni members (new)."
    )
