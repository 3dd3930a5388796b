"""Reads for a participant's measures: administrations, trends with their bands, alerts,
what is due, and the intake board. Everything is limited to the episodes in the user's scope."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openiop.assessments import instruments, rules
from openiop.assessments.instruments import Instrument
from openiop.assessments.models import Administration, ClinicalAlert
from openiop.assessments.selectors.catalogue import program_instruments, schedules_for
from openiop.participants.access import open_episode_in_scope


def _in_scope(queryset: QuerySet, user, episode_field: str) -> QuerySet:
    """Only what hangs off episodes in the user's scope (no user: no filter, for services)."""
    if user is None:
        return queryset
    from openiop.participants.access import episodes_in_scope

    return queryset.filter(**{f"{episode_field}__in": episodes_in_scope(user)})


def _not_corrected() -> QuerySet[Administration]:
    """Administrations no correction has replaced."""
    corrected = Administration.objects.filter(supersedes=OuterRef("pk"))
    return Administration.objects.exclude(Exists(corrected))


def current_administrations(participant, user=None) -> QuerySet[Administration]:
    """The participant's administrations (in the user's scope), leaving out corrected ones."""
    administrations = (
        _not_corrected()
        .filter(participant=participant)
        .select_related("administered_by", "supersedes", "definition")
    )
    return _in_scope(administrations, user, "episode")


def _band_table(instrument: Instrument, context: dict):
    """The band table an administration was scored against (PCL-5: its cut-off; AUDIT-C: the
    table its context chose)."""
    if instrument.code == "pcl5":
        from openiop.assessments.instruments.pcl5 import DEFAULT_CUTOFF, band_table

        return band_table(context.get("cutoff", DEFAULT_CUTOFF))
    for value in context.values():
        if isinstance(value, str) and value in instrument.band_variants:
            return instrument.band_variants[value]
    return instrument.bands


def trend_bands(instrument: Instrument | None, context: dict) -> list[dict]:
    """The bands to shade behind a trend: inclusive ``low``-``high`` totals and a label."""
    table = _band_table(instrument, context) if instrument is not None else None
    if not table or instrument.total_range is None:
        return []
    return [
        {"low": low, "high": high, "label": rules.label_for(code)}
        for low, high, code in instruments.band_ranges(table, instrument.total_range)
    ]


def _administration_instrument(administration: Administration) -> Instrument | None:
    if administration.definition_id is not None:
        return administration.definition.instrument
    try:
        return instruments.get(administration.instrument)
    except ValueError:
        return None


@dataclass
class MeasureTrend:
    """One instrument's history for a participant, oldest first."""

    code: str
    name: str
    key: str  # unique on the page (a program's own instrument may share a code elsewhere)
    points: list[Administration] = field(default_factory=list)

    @property
    def baseline(self) -> Administration:
        return self.points[0]

    @property
    def latest(self) -> Administration:
        return self.points[-1]

    @property
    def change(self) -> int | None:
        if self.baseline.total is None or self.latest.total is None or len(self.points) < 2:
            return None
        return self.latest.total - self.baseline.total

    @property
    def is_significant(self) -> bool:
        return len(self.points) > 1 and rules.change_is_significant(
            self.code, self.baseline.total, self.latest.total
        )

    @property
    def instrument(self) -> Instrument | None:
        return _administration_instrument(self.latest)

    @property
    def bands(self) -> list[dict]:
        return trend_bands(self.instrument, self.latest.context)

    @property
    def chart_data(self) -> dict:
        instrument = self.instrument
        total_range = instrument.total_range if instrument is not None else None
        return {
            "labels": [point.administered_on.isoformat() for point in self.points],
            "totals": [point.total for point in self.points],
            "bands": self.bands,
            "range": list(total_range) if total_range else None,
        }


def measure_trends(participant, user=None) -> list[MeasureTrend]:
    trends: dict[tuple, MeasureTrend] = {}
    for administration in current_administrations(participant, user).order_by(
        "administered_on", "created_at"
    ):
        code = administration.instrument
        program_id = administration.definition.program_id if administration.definition else None
        group = (code, program_id)
        if group not in trends:
            key = code if program_id is None else f"{code}-{program_id}"
            trends[group] = MeasureTrend(code=code, name=administration.instrument_name, key=key)
        trends[group].points.append(administration)
    return sorted(trends.values(), key=lambda trend: (trend.name, trend.key))


def open_alerts(participant, user=None) -> QuerySet[ClinicalAlert]:
    alerts = ClinicalAlert.objects.filter(
        participant=participant, acknowledged_at__isnull=True
    ).select_related("administration")
    return _in_scope(alerts, user, "administration__episode")


def open_alert_counts(participant_ids: Iterable[int], user=None) -> dict[int, int]:
    """participant id -> number of unacknowledged alerts (in the user's scope), in one query."""
    counts: dict[int, int] = {}
    alerts = ClinicalAlert.objects.filter(
        participant_id__in=list(participant_ids), acknowledged_at__isnull=True
    )
    for participant_id in _in_scope(alerts, user, "administration__episode").values_list(
        "participant_id", flat=True
    ):
        counts[participant_id] = counts.get(participant_id, 0) + 1
    return counts


ALERT_PERMISSION = "assessments.view_clinicalalert"


def chart_alerts(user, participant) -> list:
    """Open clinical alerts for the chart header, for users who may see them."""
    from openiop.participants.selectors import Alert

    if user is None or not user.has_perm(ALERT_PERMISSION):
        return []
    return [
        Alert("danger", _("Urgent: %(alert)s") % {"alert": alert.label})
        for alert in open_alerts(participant, user)
    ]


def caseload_alerts(user, participant_ids) -> dict[int, list]:
    """One badge per participant with open clinical alerts (one query for the whole list)."""
    from openiop.participants.selectors import Alert

    if not user.has_perm(ALERT_PERMISSION):
        return {}
    return {
        participant_id: [
            Alert(
                "danger",
                ngettext("%(n)s open alert", "%(n)s open alerts", count) % {"n": count},
            )
        ]
        for participant_id, count in open_alert_counts(participant_ids, user).items()
    }


def _history_by_participant(participant_ids) -> dict[int, dict[str, list]]:
    """participant id -> instrument -> [Given], oldest first, from current administrations."""
    from openiop.assessments.schedule import Given

    rows = (
        _not_corrected()
        .filter(participant_id__in=list(participant_ids))
        .order_by("administered_on", "created_at")
        .values_list("participant_id", "instrument", "administered_on", "band", "alerts")
    )
    history: dict[int, dict[str, list]] = {}
    for participant_id, code, on, band, alerts in rows:
        given = Given(on, band, tuple(alerts))
        history.setdefault(participant_id, {}).setdefault(code, []).append(given)
    return history


def _due_for_episodes(episodes, today: date) -> list[tuple]:
    """(episode, Due) for each measure due in the episodes, by their programs' schedules."""
    from openiop.assessments.schedule import due_measures

    history = _history_by_participant(e.participant_id for e in episodes)
    programs = list({episode.program_id: episode.program for episode in episodes}.values())
    offered = program_instruments(programs)
    schedules = schedules_for(programs)
    rows = []
    for episode in episodes:
        since = {
            code: [g for g in given if g.on >= episode.admitted_on]
            for code, given in history.get(episode.participant_id, {}).items()
        }
        program_offers = offered[episode.program_id]
        for due in due_measures(
            admitted_on=episode.admitted_on,
            today=today,
            offered=program_offers,
            history=since,
            schedule=schedules[episode.program_id],
            names={code: instrument.name for code, instrument in program_offers.items()},
        ):
            rows.append((episode, due))
    return rows


def due_for(participant, today: date, user) -> list:
    """Measures due in the participant's active episode in the user's scope (none before
    admission)."""
    episode = open_episode_in_scope(user, participant)
    if episode is None or episode.status != "active":
        return []
    return [due for _episode, due in _due_for_episodes([episode], today)]


def due_in_episode(episode, today: date) -> list:
    """Measures due in one episode by its program's schedule, for callers that have already
    decided the episode is theirs to show (the participant's own portal)."""
    return [due for _episode, due in _due_for_episodes([episode], today)]


def due_list_for(user, today: date) -> list[tuple]:
    """(episode, Due) for the active participants on the user's caseload, earliest first."""
    from openiop.participants.selectors import caseload_for

    episodes = list(caseload_for(user, status="active"))
    rows = _due_for_episodes(episodes, today)
    return sorted(rows, key=lambda row: (row[1].due_on, row[0].participant.legal_last_name))


def dimensional_assessments(participant, user) -> QuerySet:
    """The participant's dimensional assessments in the user's scope, newest first."""
    from openiop.assessments.models import DimensionalAssessment

    assessments = DimensionalAssessment.objects.filter(participant=participant).select_related(
        "assessed_by", "episode__program"
    )
    return _in_scope(assessments, user, "episode")


@dataclass
class IntakeRow:
    episode: object
    days_waiting: int
    screened: list[str]
    assessment: object | None


def intake_rows(user, today: date) -> list[IntakeRow]:
    """Referrals not yet admitted in the user's scope, longest waiting first: what screening
    was given in the episode and the latest dimensional assessment. Three queries in all."""
    from openiop.assessments.models import DimensionalAssessment
    from openiop.participants.access import episodes_in_scope
    from openiop.participants.models import PRE_ADMISSION

    episodes = list(
        episodes_in_scope(user)
        .filter(status__in=PRE_ADMISSION)
        .select_related("participant", "program")
        .order_by("referred_on", "id")
    )
    ids = [episode.pk for episode in episodes]
    screened: dict[int, set[str]] = {}
    names = {code: definition.name for code, definition in instruments.INSTRUMENTS.items()}
    for episode_id, code, own_name in Administration.objects.filter(episode_id__in=ids).values_list(
        "episode_id", "instrument", "definition__name"
    ):
        screened.setdefault(episode_id, set()).add(own_name or names.get(code, code))
    latest: dict[int, object] = {}
    for assessment in DimensionalAssessment.objects.filter(episode_id__in=ids).order_by(
        "assessed_on", "created_at"
    ):
        latest[assessment.episode_id] = assessment
    return [
        IntakeRow(
            episode=episode,
            days_waiting=(today - episode.referred_on).days,
            screened=sorted(screened.get(episode.pk, ())),
            assessment=latest.get(episode.pk),
        )
        for episode in episodes
    ]
