"""Writes between sessions. Each takes the actor, runs in one transaction, validates, saves
and writes its own audit row (ids and codes only: never what the participant wrote)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.assessments.services import external_alert_raise
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.core.versioning import version_claim
from openiop.participants.models import Episode
from openiop.recovery import rules
from openiop.recovery.models import (
    CheckIn,
    JournalEntry,
    PortalSettings,
    RelapsePreventionPlan,
    UseAnswer,
)
from openiop.recovery.selectors import settings_for

SETTINGS_FIELDS = (
    "crisis_line",
    "on_call_phone",
    "craving_alert_threshold",
    "video_link",
    "what_to_bring",
    "triggers",
    "coping_skills",
    "resources",
)


def _open(episode: Episode) -> None:
    if episode is None or not episode.is_open:
        raise ValidationError(_("This needs an open episode of care."), code="episode")


@transaction.atomic
def check_in_record(
    *,
    actor: User,
    episode: Episode,
    mood: int,
    craving: int,
    hours_slept: Decimal,
    use: str,
    self_harm_thoughts: bool = False,
    triggers: list[str] = (),
    other_trigger: str = "",
    coping_skills: list[str] = (),
    note_to_counselor: str = "",
) -> CheckIn:
    """Save a daily check-in. Risk answers raise one alert each for the care team, shown on
    the caseload until acknowledged; the check-in keeps the risk codes to show crisis help."""
    _open(episode)
    program_settings = settings_for(episode.program)
    unknown = (set(triggers) - set(program_settings.triggers)) | (
        set(coping_skills) - set(program_settings.coping_skills)
    )
    if unknown:
        raise ValidationError(_("Choose triggers and coping skills from the lists."), code="list")
    if use not in UseAnswer.values:
        raise ValidationError({"use": _("Choose one answer.")})
    check_in = CheckIn(
        participant=episode.participant,
        episode=episode,
        checked_in_on=timezone.localdate(),
        mood=mood,
        craving=craving,
        hours_slept=hours_slept,
        use=use,
        self_harm_thoughts=bool(self_harm_thoughts),
        triggers=list(triggers),
        other_trigger=other_trigger.strip(),
        coping_skills=list(coping_skills),
        note_to_counselor=note_to_counselor.strip(),
    )
    check_in.risk_codes = rules.risk_codes(
        rules.Answers(craving=craving, use=use, self_harm_thoughts=check_in.self_harm_thoughts),
        craving_threshold=program_settings.craving_alert_threshold,
    )
    check_in.full_clean()
    check_in.save()
    audit_record(
        actor=actor,
        action=AuditAction.CHECK_IN_RECORDED,
        target=check_in,
        participant=check_in.participant,
        category=DataCategory.SUD_RECORD,
        details={"risk": list(check_in.risk_codes)},
    )
    for code in check_in.risk_codes:
        alert = external_alert_raise(
            actor=actor,
            participant=check_in.participant,
            code=code,
            severity=rules.RISK_SEVERITY[code],
        )
        check_in.alerts.add(alert)
    return check_in


@transaction.atomic
def journal_entry_save(
    *,
    actor: User,
    episode: Episode | None = None,
    entry: JournalEntry | None = None,
    title: str,
    body: str,
    is_shared: bool,
    expected_version: int | None = None,
) -> JournalEntry:
    """Write a new entry (``episode``) or change one (``entry`` and the version it started
    from). Private unless ``is_shared``; sharing can be taken back."""
    if entry is None:
        _open(episode)
        entry = JournalEntry(participant=episode.participant, episode=episode)
    else:
        entry = version_claim(entry, expected_version=expected_version)
    if not body.strip():
        raise ValidationError({"body": _("Write something before saving.")})
    entry.title, entry.body = title.strip(), body.strip()
    if is_shared and not entry.is_shared:
        entry.shared_at = timezone.now()
    if not is_shared:
        entry.shared_at = None
    entry.is_shared = bool(is_shared)
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=AuditAction.JOURNAL_SAVED,
        target=entry,
        participant=entry.participant,
        category=DataCategory.SUD_RECORD,
        details={"shared": entry.is_shared},
    )
    return entry


@transaction.atomic
def relapse_plan_save(
    *, actor: User, episode: Episode, values: dict, expected_version: int, append: bool = False
) -> RelapsePreventionPlan:
    """Staff write the plan's sections; with ``append`` (the participant) text is added under
    each section, never replacing what was written with the counselor."""
    _open(episode)
    plan = RelapsePreventionPlan.objects.filter(episode=episode).first()
    if plan is None:
        if expected_version != 0:
            raise ValidationError(_("Reload the page: the plan changed."), code="conflict")
        plan = RelapsePreventionPlan(episode=episode, participant=episode.participant)
    else:
        plan = version_claim(plan, expected_version=expected_version)
    for section in RelapsePreventionPlan.SECTIONS:
        text = (values.get(section) or "").strip()
        if append:
            if text:
                current = getattr(plan, section).strip()
                setattr(plan, section, f"{current}\n{text}".strip())
        else:
            setattr(plan, section, text)
    plan.updated_by = actor
    plan.full_clean()
    plan.save()
    audit_record(
        actor=actor,
        action=AuditAction.RELAPSE_PLAN_SAVED,
        target=plan,
        participant=episode.participant,
        category=DataCategory.SUD_RECORD,
        details={"append": append},
    )
    return plan


def _clean_list(values, label: str) -> list[str]:
    items = [str(value).strip() for value in values if str(value).strip()]
    if len(items) > 40 or any(len(item) > 200 for item in items):
        raise ValidationError(
            _("%(label)s: at most 40 lines of up to 200 characters.") % {"label": label}
        )
    return items


@transaction.atomic
def portal_settings_update(
    *, actor: User, program, values: dict, expected_version: int
) -> PortalSettings:
    """Change a program's portal settings; a stale form conflicts, never overwrites."""
    current = PortalSettings.objects.filter(program=program).first()
    if current is None:
        if expected_version != 0:
            raise ValidationError(_("Reload the page: the settings changed."), code="conflict")
        current = PortalSettings(program=program)
    else:
        current = version_claim(current, expected_version=expected_version)
    for field in SETTINGS_FIELDS:
        if field in values:
            setattr(current, field, values[field])
    current.triggers = _clean_list(current.triggers, _("Triggers"))
    current.coping_skills = _clean_list(current.coping_skills, _("Coping skills"))
    current.resources = _clean_list(current.resources, _("Resources"))
    for line in current.resources:
        if not rules.link_is_safe(line.partition("|")[2].strip()):
            raise ValidationError({"resources": _("A link starts with https://, http:// or tel:.")})
    current.full_clean()
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.PORTAL_SETTINGS_CHANGED,
        target=current,
        category=DataCategory.ADMINISTRATIVE,
        details={"program": str(program.public_id)},
    )
    return current
