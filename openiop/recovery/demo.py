"""Demo portal: settings for each program, and one adult participant who uses the portal.

The participant (a long-stay adult with a signed plan) gets a portal account, two weeks of
daily check-ins (one with a high craving that raised an alert still open on the caseload),
journal entries (one shared with the counselor) and a relapse-prevention plan. Their partner
has a 42 CFR Part 2 consent and a family account. Both sign in at /portal/login/ with the demo
password. Check-ins are dated on the days they would have been made (as an import would
write them; the service dates a check-in today). A second run changes nothing.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from openiop.accounts.demo import DEMO_PASSWORD
from openiop.accounts.roles import Role
from openiop.accounts.services import user_create
from openiop.assessments.services import external_alert_raise
from openiop.participants.models import (
    ConsentCategory,
    Episode,
    EpisodeStatus,
    PartTwoConsent,
    PortalAccount,
    PortalAccountKind,
)
from openiop.plans.models import PlanVersion
from openiop.recovery import rules
from openiop.recovery.models import CheckIn, JournalEntry, PortalSettings
from openiop.recovery.services import relapse_plan_save

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

PARTICIPANT_EMAIL = "participant@demo.openiop.org"
FAMILY_EMAIL = "family@demo.openiop.org"
FAMILY_NAME = "Jordan Avery"
CHECK_IN_DAYS = 14
HIGH_CRAVING_DAY = 2  # days before today


def _settings(context) -> None:
    for population, program in context.data["programs"].items():
        PortalSettings.objects.get_or_create(
            program=program,
            defaults={
                "on_call_phone": "555-0142" if population == "adult" else "555-0143",
                "video_link": "https://telehealth.example.org/openiop",
                "what_to_bring": "Your recovery workbook and a water bottle",
            },
        )


def _portal_episode() -> Episode | None:
    signed = PlanVersion.objects.filter(status=PlanVersion.Status.SIGNED).values("episode")
    return (
        Episode.objects.filter(
            status=EpisodeStatus.ACTIVE, program__population="adult", pk__in=signed
        )
        .select_related("participant", "program", "primary_clinician")
        .order_by("admitted_on", "participant__mrn")
        .first()
    )


def _check_ins(context, episode, clinician) -> None:
    rng = context.random_for("recovery")
    settings = PortalSettings.objects.get(program=episode.program)
    for days_ago in range(CHECK_IN_DAYS, 0, -1):
        craving = 9 if days_ago == HIGH_CRAVING_DAY else rng.randint(1, 6)
        use = rules.Use.NO
        check_in = CheckIn.objects.create(
            participant=episode.participant,
            episode=episode,
            checked_in_on=context.today - timedelta(days=days_ago),
            mood=rng.randint(4, 8),
            craving=craving,
            hours_slept=Decimal(rng.choice(("5.5", "6", "6.5", "7", "7.5", "8"))),
            use=use,
            triggers=rng.sample(settings.triggers, k=rng.randint(0, 2)),
            coping_skills=rng.sample(settings.coping_skills, k=rng.randint(1, 2)),
            note_to_counselor="Payday tomorrow, nervous about it." if craving >= 8 else "",
            risk_codes=rules.risk_codes(
                rules.Answers(craving, use, False),
                craving_threshold=settings.craving_alert_threshold,
            ),
        )
        for code in check_in.risk_codes:
            alert = external_alert_raise(
                actor=clinician,  # recorded on the participant's behalf by the import
                participant=episode.participant,
                code=code,
                severity=rules.RISK_SEVERITY[code],
            )
            check_in.alerts.add(alert)


def _journal_and_plan(context, episode, clinician) -> None:
    JournalEntry.objects.create(
        participant=episode.participant,
        episode=episode,
        title="A better week",
        body="Went to two meetings and called my sponsor instead of going out on Friday.",
    )
    JournalEntry.objects.create(
        participant=episode.participant,
        episode=episode,
        title="Before payday",
        body="Payday is my hardest day. I want to plan it with my counselor.",
        is_shared=True,
        shared_at=timezone.make_aware(
            datetime.combine(context.today - timedelta(days=3), time(21, 15))
        ),
    )
    relapse_plan_save(
        actor=clinician,
        episode=episode,
        expected_version=0,
        values={
            "triggers": "Payday and Friday evenings\nArguments at home",
            "warning_signs": "Skipping meals, not answering my sponsor, thinking 'just one'",
            "coping_strategies": "Urge surfing for 20 minutes\nWalk the dog\nPlay the tape forward",
            "people_to_call": "Sponsor (Marcus)\nSister\nProgram on-call line",
            "reasons_for_recovery": "Being there for my kids in the morning",
        },
    )


def load(context: "DemoContext") -> None:
    _settings(context)
    episode = _portal_episode()
    if episode is None:
        return
    participant = episode.participant
    logins = context.data.setdefault("logins", [])
    logins.extend(
        [(PARTICIPANT_EMAIL, "Portal: participant"), (FAMILY_EMAIL, "Portal: family member")]
    )
    if PortalAccount.objects.filter(participant=participant).exists():
        return
    director = context.data["staff"][Role.PROGRAM_DIRECTOR][0]
    clinician = episode.primary_clinician or director
    user = user_create(
        actor=director,
        email=PARTICIPANT_EMAIL,
        full_name=participant.display_name,
        password=DEMO_PASSWORD,
    )
    PortalAccount.objects.create(
        user=user, participant=participant, kind=PortalAccountKind.PARTICIPANT
    )
    consent = PartTwoConsent.objects.create(
        participant=participant,
        program=episode.program,
        recipient_name=FAMILY_NAME,
        recipient_relationship="Partner",
        recipient_email=FAMILY_EMAIL,
        purpose="To support recovery and take part in family sessions",
        categories=[ConsentCategory.FAMILY_SESSIONS, ConsentCategory.ATTENDANCE_SUMMARY],
        expires_on=context.today + timedelta(days=180),
        right_to_revoke_explained=True,
        signature_name=participant.legal_name,
        signed_on=max(episode.admitted_on, context.today - timedelta(days=20)),
        recorded_by=clinician,
    )
    family = user_create(
        actor=director, email=FAMILY_EMAIL, full_name=FAMILY_NAME, password=DEMO_PASSWORD
    )
    PortalAccount.objects.create(
        user=family, participant=participant, kind=PortalAccountKind.FAMILY, consent=consent
    )
    _check_ins(context, episode, clinician)
    _journal_and_plan(context, episode, clinician)
    context.log(f"Portal: {participant.mrn} and a family member have portal accounts.")
