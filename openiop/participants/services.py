"""Writes on participants, episodes and care teams. Each names its actor and audits itself."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.accounts.models import User
from openiop.accounts.roles import Role
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.core.versioning import version_claim
from openiop.participants.access import participants_visible_to
from openiop.participants.models import (
    PRE_ADMISSION,
    CareTeamMember,
    CareTeamRole,
    ClosureReason,
    Episode,
    EpisodeStatus,
    Participant,
)
from openiop.participants.mrn import generate_mrn
from openiop.participants.selectors import clinical_staff_in, possible_duplicates
from openiop.programs.models import Program, ProgramPhase
from openiop.programs.selectors import programs_for

DEMOGRAPHIC_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "sex_assigned_at_birth",
    "gender_identity",
    "phone",
    "email",
    "address",
    "primary_language",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)

# The care-team role a staff member takes when they register someone themselves.
TEAM_ROLE_FOR_STAFF_ROLE = {
    Role.CLINICIAN: CareTeamRole.PRIMARY_THERAPIST,
    Role.COUNSELOR: CareTeamRole.COUNSELOR,
    Role.PRESCRIBER: CareTeamRole.PRESCRIBER,
    Role.NURSE_TECHNICIAN: CareTeamRole.NURSE,
}

# Status changes made here; admission has its own service, discharge belongs to discharge/.
STATUS_TRANSITIONS = {
    EpisodeStatus.REFERRED: {EpisodeStatus.ASSESSING, EpisodeStatus.WAIT_LISTED},
    EpisodeStatus.ASSESSING: {EpisodeStatus.REFERRED, EpisodeStatus.WAIT_LISTED},
    EpisodeStatus.WAIT_LISTED: {EpisodeStatus.ASSESSING},
    EpisodeStatus.ACTIVE: {EpisodeStatus.ON_HOLD},
    EpisodeStatus.ON_HOLD: {EpisodeStatus.ACTIVE},
}


def _require_program_member(actor: User, program: Program) -> None:
    if not programs_for(actor).filter(pk=program.pk).exists():
        raise ValidationError(
            {"program": _("You can only work with programs you are a member of.")}
        )


def _save_participant_with_new_mrn(participant: Participant) -> None:
    for _attempt in range(5):
        participant.mrn = generate_mrn()
        try:
            with transaction.atomic():
                participant.save()
            return
        except IntegrityError:
            if not Participant.objects.filter(mrn=participant.mrn).exists():
                raise
    raise RuntimeError("Could not find a free MRN after 5 attempts")


@transaction.atomic
def participant_register(
    *,
    actor: User,
    program: Program,
    referral_source: str,
    referred_on: date,
    confirm_not_duplicate: bool = False,
    **demographics,
) -> tuple[Participant, Episode]:
    """Register a new participant and record their referral to ``program``.

    Someone with the same legal name and date of birth already on file is a possible
    duplicate: the caller must confirm it is a different person.
    """
    unknown = set(demographics) - set(DEMOGRAPHIC_FIELDS)
    if unknown:
        raise TypeError(f"Not demographic fields: {sorted(unknown)}")
    participant = Participant(**demographics)
    participant.full_clean(exclude=["mrn"])
    # Only among the people this user may already see: the check must not reveal that someone
    # is a patient of a program the user does not work in (42 CFR Part 2).
    if not confirm_not_duplicate and possible_duplicates(
        legal_first_name=participant.legal_first_name,
        legal_last_name=participant.legal_last_name,
        date_of_birth=participant.date_of_birth,
    ).filter(pk__in=participants_visible_to(actor).values("pk")):
        raise ValidationError(
            _(
                "A participant with this legal name and date of birth is already registered. "
                "Check that this is a different person before registering."
            ),
            code="possible_duplicate",
        )
    _require_program_member(actor, program)
    _save_participant_with_new_mrn(participant)
    audit_record(
        actor=actor,
        action=AuditAction.PARTICIPANT_REGISTERED,
        target=participant,
        participant=participant,
        category=DataCategory.DEMOGRAPHICS,
    )
    episode = episode_refer(
        actor=actor,
        participant=participant,
        program=program,
        referral_source=referral_source,
        referred_on=referred_on,
    )
    return participant, episode


@transaction.atomic
def participant_update(
    *, actor: User, participant: Participant, version: int, **changes
) -> Participant:
    unknown = set(changes) - set(DEMOGRAPHIC_FIELDS)
    if unknown:
        raise TypeError(f"Not demographic fields: {sorted(unknown)}")
    participant = version_claim(participant, expected_version=version)
    changed = sorted(name for name, value in changes.items() if getattr(participant, name) != value)
    for name, value in changes.items():
        setattr(participant, name, value)
    participant.full_clean()
    participant.save()
    audit_record(
        actor=actor,
        action=AuditAction.PARTICIPANT_UPDATED,
        target=participant,
        participant=participant,
        category=DataCategory.DEMOGRAPHICS,
        details={"fields": changed},
    )
    return participant


@transaction.atomic
def episode_refer(
    *,
    actor: User,
    participant: Participant,
    program: Program,
    referral_source: str,
    referred_on: date,
) -> Episode:
    """Open a referral episode. One open episode per participant per program."""
    _require_program_member(actor, program)
    if participant.episodes.filter(program=program).exclude(status="discharged").exists():
        raise ValidationError(
            {"program": _("This participant already has an open episode in this program.")}
        )
    episode = Episode(
        participant=participant,
        program=program,
        referral_source=referral_source,
        referred_on=referred_on,
        status=EpisodeStatus.REFERRED,
    )
    episode.full_clean()
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError:  # a concurrent referral to the same program won the race
        raise ValidationError(
            {"program": _("This participant already has an open episode in this program.")}
        ) from None
    audit_record(
        actor=actor,
        action=AuditAction.EPISODE_REFERRED,
        target=episode,
        participant=participant,
        category=DataCategory.SUD_RECORD,
    )
    if not actor.has_perm("participants.view_program_participants"):
        # Keep the referral visible to the clinical staff member who made it.
        staff_role = next((r for r in actor.roles if r in TEAM_ROLE_FOR_STAFF_ROLE), None)
        team_role = TEAM_ROLE_FOR_STAFF_ROLE.get(staff_role, CareTeamRole.OTHER)
        care_team_add(actor=actor, episode=episode, user=actor, role=team_role)
    return episode


# Other apps act on an admission in the same transaction: each is called as
# ``hook(episode=..., actor=...)`` once the episode is active (drug testing orders the program's
# admission test). Registered in the app's ``ready()``.
ADMISSION_HOOKS: list = []


@transaction.atomic
def episode_admit(
    *,
    actor: User,
    episode: Episode,
    version: int,
    admitted_on: date,
    primary_clinician: User,
    phase: ProgramPhase | None = None,
) -> Episode:
    """Admit a referred or assessing participant: active, with a primary clinician and phase."""
    _require_program_member(actor, episode.program)
    episode = version_claim(episode, expected_version=version)
    if episode.status not in PRE_ADMISSION:
        raise ValidationError(
            _("Only a referred or assessing participant can be admitted."), code="not_admittable"
        )
    if not clinical_staff_in(episode.program).filter(pk=primary_clinician.pk).exists():
        raise ValidationError(
            {"primary_clinician": _("Choose a clinical staff member of this program.")}
        )
    if phase is None:
        phase = episode.program.phases.order_by("order").first()
    episode.status = EpisodeStatus.ACTIVE
    episode.admitted_on = admitted_on
    episode.primary_clinician = primary_clinician
    episode.current_phase = phase
    episode.full_clean()
    episode.save()
    audit_record(
        actor=actor,
        action=AuditAction.EPISODE_ADMITTED,
        target=episode,
        participant=episode.participant,
        category=DataCategory.SUD_RECORD,
    )
    if not episode.care_team.filter(user=primary_clinician).exists():
        care_team_add(
            actor=actor,
            episode=episode,
            user=primary_clinician,
            role=CareTeamRole.PRIMARY_THERAPIST,
        )
    for hook in ADMISSION_HOOKS:
        hook(episode=episode, actor=actor)
    return episode


@transaction.atomic
def episode_change_status(*, actor: User, episode: Episode, version: int, status: str) -> Episode:
    _require_program_member(actor, episode.program)
    episode = version_claim(episode, expected_version=version)
    allowed = STATUS_TRANSITIONS.get(episode.status, set())
    if status not in allowed:
        raise ValidationError(
            _("An episode cannot go from %(old)s to %(new)s here.")
            % {
                "old": EpisodeStatus(episode.status).label,
                "new": EpisodeStatus(status).label if status in EpisodeStatus.values else status,
            },
            code="invalid_transition",
        )
    old = episode.status
    episode.status = status
    episode.full_clean()
    episode.save()
    audit_record(
        actor=actor,
        action=AuditAction.EPISODE_STATUS_CHANGED,
        target=episode,
        participant=episode.participant,
        category=DataCategory.SUD_RECORD,
        details={"from": old, "to": status},
    )
    return episode


@transaction.atomic
def care_team_add(*, actor: User, episode: Episode, user: User, role: str) -> CareTeamMember:
    _require_program_member(actor, episode.program)
    if not clinical_staff_in(episode.program).filter(pk=user.pk).exists():
        raise ValidationError(
            {"user": _("Choose an active clinical staff member of this program.")}
        )
    if episode.care_team.filter(user=user).exists():
        raise ValidationError({"user": _("This person is already on the care team.")})
    member = CareTeamMember(episode=episode, user=user, role=role)
    member.full_clean()
    member.save()
    audit_record(
        actor=actor,
        action=AuditAction.CARE_TEAM_CHANGED,
        target=episode,
        participant=episode.participant,
        category=DataCategory.ADMINISTRATIVE,
        details={"added": str(user.public_id), "role": role},
    )
    return member


@transaction.atomic
def care_team_remove(*, actor: User, member: CareTeamMember) -> None:
    episode = member.episode
    _require_program_member(actor, episode.program)
    if episode.primary_clinician_id == member.user_id:
        raise ValidationError(
            _("Choose a new primary clinician before removing this one."), code="primary"
        )
    member.delete()
    audit_record(
        actor=actor,
        action=AuditAction.CARE_TEAM_CHANGED,
        target=episode,
        participant=episode.participant,
        category=DataCategory.ADMINISTRATIVE,
        details={"removed": str(member.user.public_id)},
    )


@transaction.atomic
def episode_close_referral(
    *, actor: User, episode: Episode, version: int, reason: str, detail: str = ""
) -> Episode:
    """Close an episode that never started (referred elsewhere, declined...), with the reason."""
    _require_program_member(actor, episode.program)
    episode = version_claim(episode, expected_version=version)
    if episode.status not in PRE_ADMISSION:
        raise ValidationError(
            _("Only a referral that has not been admitted can be closed here."), code="admitted"
        )
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose why the referral is closed.")})
    episode.status = EpisodeStatus.DISCHARGED
    episode.discharged_on = timezone.localdate()
    episode.closure_reason = reason
    episode.closure_detail = detail.strip()
    episode.full_clean()
    episode.save()
    audit_record(
        actor=actor,
        action=AuditAction.EPISODE_STATUS_CHANGED,
        target=episode,
        participant=episode.participant,
        category=DataCategory.SUD_RECORD,
        details={"to": "discharged", "closure_reason": reason},
    )
    return episode
