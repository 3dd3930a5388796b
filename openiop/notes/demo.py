"""Demo notes for active participants:

- a weekly individual note over the last four weeks (DAP, BIRP, SOAP, with a narrative case
  management contact now and then), linked to an objective of the plan in force;
- the counselor's notes co-signed by their supervisor, except the latest, which waits;
- a few recent drafts (so "My notes" shows on time, flagged and overdue ones);
- a weekly group note per program over the last three weeks, by the clinician with the largest
  caseload, for up to eight of their participants.

Drafts and sections are written through the services; signatures carry the historical time
they would have had (written the way an import would, as plans/demo.py does: a signature made
today cannot be backdated through the service), each with its audit row. A participant who
already has notes is left alone, and so is a group session already on file: a second run
changes nothing.
"""

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils import timezone

from openiop.accounts.models import User
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.notes import group_services, selectors, services
from openiop.notes.models import (
    GroupNote,
    GroupNoteCosignature,
    NoteStatus,
    ProgressNote,
    ProgressNoteCosignature,
)
from openiop.participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

WEEKS = 4
GROUP_WEEKS = 3
GROUP_SIZE = 8
DRAFTS = 3  # the newest note of this many participants stays a draft
FORMATS = ("dap", "birp", "soap", "dap", "narrative")
TEXT = {
    "dap": {
        "data": (
            "Reports {days} days without use since the last session. Cravings strongest in the "
            "evening after work; used the craving plan twice. Mood described as {mood}."
        ),
        "assessment": (
            "Engaged and reflective. Progress toward the objective is {progress}; "
            "no acute safety concerns."
        ),
        "plan": "Continue the craving log; review it next week. Attend three groups.",
    },
    "birp": {
        "behavior": "Arrived on time, {mood} mood, good eye contact; spoke openly about a lapse.",
        "intervention": "Chain analysis of the lapse; rehearsed refusal skills.",
        "response": "Identified two triggers and one new coping step; progress is {progress}.",
        "plan": "Practise the refusal script twice before the next session.",
    },
    "soap": {
        "subjective": "Says sleep is better ({days} good nights); still tense at weekends.",
        "objective": "Alert and oriented; affect {mood}; speech normal rate.",
        "assessment": "Symptoms improving; progress toward the objective is {progress}.",
        "plan": "Keep the sleep log; behavioural activation task daily.",
    },
    "narrative": {
        "narrative": (
            "Case management call: confirmed transport for the week and a referral to the "
            "housing program. Follow-up call next week."
        )
    },
}
SERVICE = {"narrative": "case_management"}
MODALITIES = {
    "dap": ["mi", "relapse"],
    "birp": ["cbt", "relapse"],
    "soap": ["cbt"],
    "narrative": ["case_mgmt"],
}
GROUP_TOPICS = (
    ("Coping with cravings", "Relapse prevention, unit 2", ["relapse", "cbt"]),
    ("Sleep and recovery", "Life skills, unit 4", ["life_skills", "psychoed"]),
    ("Rebuilding trust at home", "Family and relationships, unit 1", ["psychoed", "mi"]),
)
PARTICIPATION = ("active", "active", "some", "minimal")


def _at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def _sign_as_of(document, actor, signed_at: datetime) -> None:
    """Sign a complete draft with a historical time (the draft-to-signed change the lock
    allows), as an import would; audited like the service's signature."""
    document.status, document.signed_by, document.signed_at = NoteStatus.SIGNED, actor, signed_at
    if actor.requires_cosignature:
        document.cosigner = actor.supervisor
    document.full_clean()
    document.save()


def _objective_for(episode: Episode, day: date):
    """An objective of the plan in force, if that plan was signed by ``day``."""
    from openiop.plans.selectors import current_objectives, current_version

    version = current_version(episode)
    if version is None or version.signed_at is None or version.signed_at.date() > day:
        return None
    return current_objectives(episode).first()


def _note(episode, author, day: date, rng: random.Random, *, sign: bool) -> ProgressNote:
    format = FORMATS[rng.randrange(len(FORMATS))]
    start = time(rng.choice((9, 10, 11, 13, 14, 15)), rng.choice((0, 30)))
    end = (datetime.combine(day, start) + timedelta(minutes=50)).time()
    words = {
        "days": rng.randint(2, 7),
        "mood": rng.choice(("euthymic", "a bit flat", "anxious but hopeful", "brighter")),
        "progress": rng.choice(("steady", "partial", "good", "slow but real")),
    }
    note = services.progress_note_create(
        actor=author,
        participant=episode.participant,
        episode=episode,
        format=format,
        service_type=SERVICE.get(format, "individual"),
        service_on=day,
    )
    objective = _objective_for(episode, day)
    note = services.progress_note_save(
        actor=author,
        note=note,
        version=note.version,
        start_time=start,
        end_time=end,
        delivery=rng.choice(("in_person", "in_person", "telehealth_video")),
        location="Room 2" if rng.random() < 0.5 else "",
        content={key: text.format(**words) for key, text in TEXT[format].items()},
        interventions=MODALITIES[format],
        objectives=[objective] if objective else [],
    )
    if sign:
        _sign_as_of(note, author, _at(day, end) + timedelta(hours=rng.randint(1, 20)))
        audit_record(
            actor=author,
            action=AuditAction.NOTE_SIGNED,
            target=note,
            participant=note.participant,
            category=DataCategory.SUD_RECORD,
            details={"source": "demo"},
        )
    return note


def _cosign(document, model, field: str) -> None:
    model.objects.create(
        **{field: document},
        signed_by=document.cosigner,
        signed_at=document.signed_at + timedelta(hours=18),
    )


def _individual_notes(context: "DemoContext", rng: random.Random, episodes) -> tuple[int, int]:
    written = drafts = 0
    last_counselor_note = None
    for index, episode in enumerate(episodes):
        own = random.Random(rng.random())  # noqa: S311 (draw first: repeatable demo data)
        if ProgressNote.objects.filter(episode=episode).exists():
            continue
        counselor = next(
            (m.user for m in episode.care_team.all() if m.user.requires_cosignature), None
        )
        weeks = [
            context.today - timedelta(days=7 * week + own.randint(1, 3))
            for week in range(WEEKS - 1, -1, -1)
        ]
        weeks = [day for day in weeks if day >= episode.admitted_on]
        for number, day in enumerate(weeks):
            newest = number == len(weeks) - 1
            author = counselor if counselor and number % 2 else episode.primary_clinician
            as_draft = newest and index < DRAFTS
            note = _note(episode, author, day, own, sign=not as_draft)
            written += 1
            drafts += as_draft
            if note.cosigner_id:
                if last_counselor_note is not None:
                    _cosign(last_counselor_note, ProgressNoteCosignature, "progress_note")
                last_counselor_note = note  # the latest stays awaiting co-signature
    return written, drafts


def _group_notes(context: "DemoContext", rng: random.Random) -> int:
    written = 0
    for program in context.data["programs"].values():
        active = Episode.objects.filter(program=program, status=EpisodeStatus.ACTIVE)
        busiest = (
            CareTeamMember.objects.filter(episode__in=active, role=CareTeamRole.PRIMARY_THERAPIST)
            .values("user")
            .annotate(caseload=Count("episode"))
            .order_by("-caseload", "user")
            .first()
        )
        if busiest is None:
            continue
        facilitator = User.objects.get(pk=busiest["user"])
        caseload = list(
            active.filter(care_team__user=facilitator)
            .select_related("participant")
            .order_by("participant__mrn")
        )
        for week in range(GROUP_WEEKS, 0, -1):
            day = context.today - timedelta(days=7 * week - 2)
            topic, unit, interventions = GROUP_TOPICS[week % len(GROUP_TOPICS)]
            attendees = [
                e for e in rng.sample(caseload, k=min(GROUP_SIZE, len(caseload)))
                if e.admitted_on <= day
            ]  # fmt: skip
            sections = {
                episode.pk: {
                    "participation": rng.choice(PARTICIPATION),
                    "response": "Related the topic to a recent situation; open to feedback.",
                    "progress": "Practising the skill from the plan most days.",
                }
                for episode in attendees
            }
            if (
                not attendees
                or GroupNote.objects.filter(
                    program=program, facilitator=facilitator, service_on=day, topic=topic
                ).exists()
            ):
                continue
            note = group_services.group_note_create(
                actor=facilitator, program=program, attendees=attendees, service_on=day
            )
            note = group_services.group_note_save(
                actor=facilitator,
                group_note=note,
                version=note.version,
                topic=topic,
                curriculum_unit=unit,
                start_time=time(18, 0),
                end_time=time(19, 30),
                location="Group room",
                interventions=interventions,
                group_process=(
                    "Members named their own triggers and practised one coping step in pairs. "
                    "A peer described a recent lapse; the group responded with support."
                ),
                sections=sections,
            )
            if selectors.name_warnings(note, selectors.group_note_attendees(note)):
                raise RuntimeError("Demo group note text names an attendee: rephrase it.")
            _sign_as_of(note, facilitator, _at(day, time(21, 0)))
            for episode in attendees:
                audit_record(
                    actor=facilitator,
                    action=AuditAction.GROUP_NOTE_SIGNED,
                    target=note,
                    participant=episode.participant,
                    category=DataCategory.SUD_RECORD,
                    details={"source": "demo"},
                )
            if note.cosigner_id:
                _cosign(note, GroupNoteCosignature, "group_note")
            written += 1
    return written


def load(context: "DemoContext") -> None:
    rng = context.random_for("notes")
    episodes = list(
        Episode.objects.filter(status=EpisodeStatus.ACTIVE, primary_clinician__isnull=False)
        .select_related("participant", "primary_clinician", "program")
        .prefetch_related("care_team__user")
        .order_by("participant__mrn")
    )
    written, drafts = _individual_notes(context, rng, episodes)
    groups = _group_notes(context, rng)
    context.log(f"Notes: {written} progress notes ({drafts} drafts), {groups} signed group notes.")
