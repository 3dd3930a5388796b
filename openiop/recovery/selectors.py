"""Reads between sessions: settings, check-in trends, shared journal entries, check-in
alerts (scoped by the check-in's episode, so the caseload and chart show them)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openiop.assessments.models import ClinicalAlert
from openiop.participants.access import episodes_in_scope
from openiop.recovery import rules
from openiop.recovery.models import CheckIn, JournalEntry, PortalSettings, RelapsePreventionPlan

SEE_PERMISSION = "recovery.see_checkins"
TREND_DAYS = 60


def settings_for(program) -> PortalSettings:
    """The program's settings, or an unsaved row holding the defaults (version 0)."""
    found = PortalSettings.objects.filter(program=program).first()
    if found is None:
        found = PortalSettings(program=program, version=0)
    return found


def resources_for(program) -> list[rules.Resource]:
    return rules.parse_resources(settings_for(program).resources)


def check_ins_for(participant, episodes, *, today: date, days: int = TREND_DAYS) -> list[CheckIn]:
    """The check-ins in ``episodes`` over the last ``days``, oldest first (for the trend)."""
    return list(
        CheckIn.objects.filter(
            participant=participant,
            episode__in=[e.pk for e in episodes],
            checked_in_on__gte=today - timedelta(days=days),
        ).order_by("checked_in_on", "created_at")
    )


@dataclass(frozen=True)
class Trend:
    labels: list[str]
    mood: list[int]
    craving: list[int]
    sleep: list[float]


def trend(check_ins: list[CheckIn]) -> Trend:
    return Trend(
        labels=[c.checked_in_on.isoformat() for c in check_ins],
        mood=[c.mood for c in check_ins],
        craving=[c.craving for c in check_ins],
        sleep=[float(c.hours_slept) for c in check_ins],
    )


def shared_journal_entries(participant, episodes) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(
        participant=participant, episode__in=[e.pk for e in episodes], is_shared=True
    ).order_by("-shared_at")


def relapse_plan_for(episode) -> RelapsePreventionPlan | None:
    if episode is None:
        return None
    return RelapsePreventionPlan.objects.filter(episode=episode).first()


def _check_in_alerts(user) -> QuerySet[ClinicalAlert]:
    return ClinicalAlert.objects.filter(
        acknowledged_at__isnull=True,
        administration__isnull=True,
        check_ins__episode__in=episodes_in_scope(user),
    ).distinct()


def open_check_in_alerts(user, participant) -> list[ClinicalAlert]:
    if user is None or not user.has_perm(SEE_PERMISSION):
        return []
    return list(_check_in_alerts(user).filter(participant=participant).order_by("-created_at"))


def alert_label(code: str) -> str:
    labels = {
        rules.SELF_HARM: _("Thoughts of self-harm reported in a check-in"),
        rules.USE_REPORTED: _("Use reported in a check-in"),
        rules.CRAVING_HIGH: _("High craving reported in a check-in"),
    }
    return str(labels.get(code, code))


def chart_alerts(user, participant) -> list:
    """Open check-in alerts for the chart header."""
    from openiop.participants.selectors import Alert

    return [
        Alert("danger", _("Check-in: %(alert)s") % {"alert": alert_label(alert.code)})
        for alert in open_check_in_alerts(user, participant)
    ]


def caseload_alerts(user, participant_ids) -> dict[int, list]:
    """One badge per participant with open check-in alerts, in one query."""
    from openiop.participants.selectors import Alert

    if not user.has_perm(SEE_PERMISSION):
        return {}
    counts: dict[int, int] = {}
    for participant_id in (
        _check_in_alerts(user)
        .filter(participant_id__in=list(participant_ids))
        .values_list("participant_id", flat=True)
    ):
        counts[participant_id] = counts.get(participant_id, 0) + 1
    return {
        participant_id: [
            Alert(
                "danger",
                ngettext("%(n)s check-in alert", "%(n)s check-in alerts", count) % {"n": count},
            )
        ]
        for participant_id, count in counts.items()
    }
