"""Reads for participant pages. Callers pass users; scope comes from access.py."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.participants.models import (
    OPEN_STATUSES,
    PRE_ADMISSION,
    CareTeamMember,
    Episode,
    EpisodeStatus,
    Participant,
)

REFERRAL_WAITING_ALERT_DAYS = 7


def clinical_staff_in(program) -> QuerySet:
    """Active staff of ``program`` whose role may hold a caseload (clinical record access)."""
    from openiop.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            program_memberships__program=program,
            groups__permissions__codename="view_clinical_record",
        )
        .distinct()
        .order_by("full_name")
    )


def possible_duplicates(
    *, legal_first_name: str, legal_last_name: str, date_of_birth: date
) -> QuerySet[Participant]:
    """Participants with the same legal name (any case) and date of birth."""
    return Participant.objects.filter(
        legal_first_name__iexact=legal_first_name.strip(),
        legal_last_name__iexact=legal_last_name.strip(),
        date_of_birth=date_of_birth,
    )


def caseload_for(user, *, status: str | None = None) -> QuerySet[Episode]:
    """Open episodes the user works on: care team, primary clinician, or their programs."""
    from openiop.participants.access import episodes_in_scope

    episodes = episodes_in_scope(user).filter(status__in=OPEN_STATUSES)
    if status:
        episodes = episodes.filter(status=status)
    return episodes.select_related(
        "participant", "program", "primary_clinician", "current_phase"
    ).order_by("participant__legal_last_name", "participant__legal_first_name", "program__name")


def participant_search(user, query: str, *, limit: int = 20) -> list[Participant]:
    """Participants in the user's scope whose name or MRN matches ``query``."""
    from openiop.participants.access import participants_visible_to

    terms = query.split()
    if not terms:
        return []
    matches = participants_visible_to(user)
    for term in terms[:4]:
        matches = matches.filter(
            Q(legal_first_name__icontains=term)
            | Q(legal_last_name__icontains=term)
            | Q(preferred_name__icontains=term)
            | Q(mrn__startswith=term)
        )
    return list(matches.order_by("legal_last_name", "legal_first_name")[:limit])


def participant_episodes(participant: Participant, user) -> list[Episode]:
    """The participant's episodes in the user's scope, newest first, with their care teams."""
    from openiop.participants.access import episodes_in_scope

    team = CareTeamMember.objects.select_related("user")
    return list(
        participant.episodes.filter(pk__in=episodes_in_scope(user))
        .select_related("program", "primary_clinician", "current_phase")
        .prefetch_related(Prefetch("care_team", queryset=team))
        .order_by("-referred_on", "-id")
    )


@dataclass(frozen=True)
class Alert:
    level: str  # bootstrap colour: danger, warning, info
    text: str


# Apps that own other alerts (e.g. assessments' clinical alerts) register providers here in
# their AppConfig.ready(), so this app does not import them. A provider is given the viewing
# user and decides what that user may see.
# chart: (user, participant) -> list[Alert]; caseload: (user, participant ids) -> {id: [Alert]}
CHART_ALERT_PROVIDERS: list = []
# Tabs other modules add to the chart: (key, label, URL name taking the participant's public
# id, permission needed to see the tab).
CHART_TABS: list[tuple[str, str, str, str]] = []
CASELOAD_ALERT_PROVIDERS: list = []


def chart_tabs(user) -> list[tuple[str, str, str]]:
    """(key, label, URL name) of the module tabs this user may open, in registration order."""
    return [
        (key, label, url_name)
        for key, label, url_name, permission in CHART_TABS
        if user.has_perm(permission)
    ]


def caseload_alerts(user, participant_ids: list[int]) -> dict[int, list[Alert]]:
    """Alerts per participant for caseload rows: one query per provider, not per row."""
    merged: dict[int, list[Alert]] = {}
    for provider in CASELOAD_ALERT_PROVIDERS:
        for participant_id, alerts in provider(user, participant_ids).items():
            merged.setdefault(participant_id, []).extend(alerts)
    return merged


def participant_alerts(
    participant: Participant, episodes: list[Episode], *, today: date, user=None
) -> list[Alert]:
    """Alerts for the chart header: administrative ones here, then each provider's."""
    alerts = []
    for provider in CHART_ALERT_PROVIDERS:
        alerts.extend(provider(user, participant))
    if not participant.emergency_contact_name or not participant.emergency_contact_phone:
        alerts.append(Alert("warning", _("No emergency contact on file")))
    for episode in episodes:
        waiting = (today - episode.referred_on).days
        if episode.status == EpisodeStatus.REFERRED and waiting > REFERRAL_WAITING_ALERT_DAYS:
            alerts.append(Alert("warning", _("Referral waiting %(days)s days") % {"days": waiting}))
        if episode.status == EpisodeStatus.ON_HOLD:
            alerts.append(Alert("info", _("Episode on hold")))
    return alerts


@dataclass(frozen=True)
class Change:
    changed_at: object
    changed_by: object
    record: str
    kind: str
    fields: list[tuple[str, object, object]]


def participant_change_history(participant: Participant, user) -> list[Change]:
    """Field-level before/after for the participant and their episodes in the user's scope,
    newest first."""
    from openiop.participants.access import episodes_in_scope

    changes: list[Change] = []
    sources = [(participant.history.all(), _("Demographics"))]
    for episode in participant.episodes.filter(pk__in=episodes_in_scope(user)).select_related(
        "program"
    ):
        sources.append((episode.history.all(), _("Episode: %(p)s") % {"p": episode.program}))
    kinds = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    for history, label in sources:
        # In the order the saves happened (history_id), not by timestamp: two saves can share
        # a timestamp on a coarse clock, or a clock can step back, and before/after must pair.
        records = list(history.select_related("history_user").order_by("history_id"))
        previous = None
        for record in records:
            fields = []
            if previous is not None:
                delta = record.diff_against(previous)
                for change in delta.changes:
                    verbose = record.instance_type._meta.get_field(change.field).verbose_name
                    fields.append((str(verbose), change.old, change.new))
            changes.append(
                Change(
                    changed_at=record.history_date,
                    changed_by=record.history_user,
                    record=str(label),
                    kind=str(kinds.get(record.history_type, record.history_type)),
                    fields=fields,
                )
            )
            previous = record
    return sorted(changes, key=lambda change: change.changed_at, reverse=True)


def chart_context(user, participant: Participant, *, tab: str) -> dict:
    """What the chart header and its tabs need, for every chart page of every module."""
    from openiop.participants.access import can_see_clinical

    today = timezone.localdate()
    episodes = participant_episodes(participant, user)
    return {
        "participant": participant,
        "episodes": episodes,
        "open_episode": next((e for e in episodes if e.is_open), None),
        "alerts": participant_alerts(participant, episodes, today=today, user=user),
        "age": participant.age_on(today),
        "can_see_clinical": can_see_clinical(user),
        "chart_tabs": chart_tabs(user),
        "pre_admission": PRE_ADMISSION,
        "tab": tab,
    }
