"""Who may see which participants: the one place that decides (AZ-3).

Scope is decided per episode, and always inside the programs a user currently works in
(42 CFR Part 2: one program's records are not another's):
- Roles holding ``participants.view_program_participants`` (director, front desk) reach every
  episode of the programs they are members of.
- Other staff holding ``participants.view_participant`` reach the episodes whose care team (or
  primary clinician) includes them, in programs they are still members of.
- A participant is visible when at least one of their episodes is; pages then show only the
  episodes (and what hangs off them) in the user's scope.
- Everyone else sees nobody. Out of scope answers 404, the same as "does not exist" (AZ-4),
  and the attempt is audited.
"""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from openiop.audit.models import AuditAction, AuditOutcome, DataCategory
from openiop.audit.services import audit_record
from openiop.participants.models import OPEN_STATUSES, Episode, Participant

CLINICAL_PERMISSION = "participants.view_clinical_record"


def _episode_scope(user, prefix: str = "") -> Q:
    """Episodes in scope. One Q, used in a single filter() call, so that for participants
    (``prefix="episodes__"``) every condition applies to the same episode."""
    member = Q(**{f"{prefix}program__memberships__user": user})
    if user.has_perm("participants.view_program_participants"):
        return member
    on_team = Q(**{f"{prefix}care_team__user": user}) | Q(**{f"{prefix}primary_clinician": user})
    return member & on_team


def participants_visible_to(user) -> QuerySet[Participant]:
    if not user.is_authenticated or not user.has_perm("participants.view_participant"):
        return Participant.objects.none()
    in_scope = Participant.objects.filter(_episode_scope(user, "episodes__")).values("pk")
    return Participant.objects.filter(pk__in=in_scope)


def episodes_in_scope(user) -> QuerySet[Episode]:
    """Episodes a user works on directly: care team, primary clinician, or program-wide role."""
    if not user.is_authenticated or not user.has_perm("participants.view_episode"):
        return Episode.objects.none()
    return Episode.objects.filter(pk__in=Episode.objects.filter(_episode_scope(user)).values("pk"))


def open_episode_in_scope(user, participant, *, statuses=OPEN_STATUSES) -> Episode | None:
    """The participant's most recent episode in ``statuses`` (open ones by default) among
    those the user works on, or None."""
    return (
        episodes_in_scope(user)
        .filter(participant=participant, status__in=statuses)
        .select_related("program")
        .order_by("-referred_on", "-id")
        .first()
    )


def can_see_clinical(user) -> bool:
    return user.has_perm(CLINICAL_PERMISSION)


def data_category_for(user) -> DataCategory:
    return DataCategory.SUD_RECORD if can_see_clinical(user) else DataCategory.DEMOGRAPHICS


def record_view(user, participant: Participant, target=None) -> None:
    """Audit a page showing the participant's data that was reached by a POST (e.g. a form
    re-shown with errors): the service wrote nothing, but the page still shows the record."""
    audit_record(
        actor=user,
        action=AuditAction.PARTICIPANT_VIEWED,
        target=target or participant,
        participant=participant,
        category=data_category_for(user),
    )


def _audit_access(user, action, *, participant, target, public_id) -> None:
    """The audit row for a look at a record: a denial when ``target`` is None."""
    if target is None:
        audit_record(
            actor=user,
            action=AuditAction.ACCESS_DENIED,
            outcome=AuditOutcome.DENIED,
            participant=participant,
            target_id=str(public_id),
        )
        raise Http404
    if action is not None:
        audit_record(
            actor=user,
            action=action,
            target=target,
            participant=participant,
            category=data_category_for(user),
        )


def access_participant(
    user, public_id: UUID | str, *, action: AuditAction | None = AuditAction.PARTICIPANT_VIEWED
) -> Participant:
    """The participant, if ``user`` may see them; otherwise 404 and an audited denial.

    ``action`` is the audit row written for the allowed read; pass None when the caller's
    service writes its own row for a change. A denial names the participant when they exist,
    so the trail shows who tried to look at whom.
    """
    participant = participants_visible_to(user).filter(public_id=public_id).first()
    existing = participant or Participant.objects.filter(public_id=public_id).first()
    _audit_access(user, action, participant=existing, target=participant, public_id=public_id)
    return participant


def access_participant_object(
    user,
    queryset: QuerySet,
    public_id: UUID | str,
    *,
    action: AuditAction | None = AuditAction.PARTICIPANT_VIEWED,
    episode_field: str | None = "episode",
):
    """An object with a ``participant`` (episode, administration, alert...) if the user may see
    it; otherwise 404 and an audited denial, exactly like access_participant.

    ``episode_field`` names the object's episode, which must be in the user's scope (``"pk"``
    for an episode itself; None when the object has no episode)."""
    queryset = queryset.select_related("participant")
    scoped = queryset.filter(public_id=public_id, participant__in=participants_visible_to(user))
    if episode_field:
        scoped = scoped.filter(**{f"{episode_field}__in": episodes_in_scope(user)})
    found = scoped.first()
    existing = found or queryset.filter(public_id=public_id).first()
    participant = existing.participant if existing else None
    _audit_access(user, action, participant=participant, target=found, public_id=public_id)
    return found


def access_episode(
    user, public_id: UUID | str, *, action: AuditAction | None = AuditAction.PARTICIPANT_VIEWED
) -> Episode:
    """The episode, if ``user`` may see its participant; otherwise 404 and an audited denial."""
    return access_participant_object(
        user,
        Episode.objects.select_related("program"),
        public_id,
        action=action,
        episode_field="pk",
    )
