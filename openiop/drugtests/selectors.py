"""Reads for drug-testing pages. Callers pass users; scope comes from participants.access."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openiop.drugtests import rules
from openiop.drugtests.models import (
    Collection,
    DrugTestAlert,
    LabMessage,
    Medication,
    Panel,
    TestOrder,
    TestResult,
)
from openiop.participants.access import episodes_in_scope

SEE = "drugtests.see_results"


@dataclass
class AnalyteRow:
    code: str
    name: str
    screen: TestResult | None = None
    confirmations: list[TestResult] = field(default_factory=list)

    @property
    def confirmation(self) -> TestResult | None:
        return self.confirmations[-1] if self.confirmations else None

    @property
    def effective(self) -> TestResult | None:
        """What counts: the confirmation when there is a valid one, else the screen."""
        outcome = rules.effective_outcome(
            self.screen.outcome if self.screen else None,
            self.confirmation.outcome if self.confirmation else None,
        )
        if self.confirmation and self.confirmation.outcome == outcome:
            return self.confirmation
        return self.screen


@dataclass
class HistoryEntry:
    order: TestOrder
    collection: Collection | None
    rows: list[AnalyteRow]

    @property
    def notable_rows(self) -> list[AnalyteRow]:
        """Rows worth a look: anything not negative, or with a laboratory confirmation."""
        return [row for row in self.rows if not _plainly_negative(row)]

    @property
    def negative_rows(self) -> list[AnalyteRow]:
        return [row for row in self.rows if _plainly_negative(row)]

    @property
    def has_unexpected(self) -> bool:
        return any(
            row.effective and row.effective.interpretation == "unexpected" for row in self.rows
        )


def _plainly_negative(row: AnalyteRow) -> bool:
    effective = row.effective
    return effective is not None and effective.outcome == "negative" and not row.confirmations


def _rows(collection: Collection | None) -> list[AnalyteRow]:
    if collection is None:
        return []
    rows: dict[str, AnalyteRow] = {}
    for result in collection.results.all():  # prefetched, oldest first
        row = rows.setdefault(
            result.analyte_code, AnalyteRow(result.analyte_code, result.analyte_name)
        )
        if result.method == TestResult.Method.SCREEN:
            if row.screen is None or result.superseded_by_id is None:
                row.screen = result
        else:
            row.confirmations.append(result)
    return sorted(rows.values(), key=lambda row: row.code)


def history(episode) -> list[HistoryEntry]:
    """The episode's orders, newest first, each with its collection and results per analyte
    (the screen and the laboratory confirmation side by side)."""
    if episode is None:
        return []
    results = TestResult.objects.order_by("created_at", "id")
    orders = (
        TestOrder.objects.filter(episode=episode)
        .select_related("panel", "ordered_by", "collection__collected_by")
        .prefetch_related(Prefetch("collection__results", queryset=results))
        .order_by("-due_on", "-created_at")
    )
    entries = []
    for order in orders:
        collection = getattr(order, "collection", None)
        entries.append(HistoryEntry(order, collection, _rows(collection)))
    return entries


def medications(episode) -> QuerySet[Medication]:
    if episode is None:
        return Medication.objects.none()
    return Medication.objects.filter(episode=episode).order_by("-started_on", "name")


def open_alerts_for(episode) -> QuerySet[DrugTestAlert]:
    return (
        DrugTestAlert.objects.filter(episode=episode, acknowledged_at__isnull=True)
        .select_related("recipient")
        .order_by("-created_at")
    )


def panels_for(program, *, active_only=True) -> QuerySet[Panel]:
    panels = Panel.objects.filter(program=program).prefetch_related("analytes")
    return panels.filter(is_active=True) if active_only else panels


@dataclass
class Worklist:
    to_collect: list[TestOrder]
    awaiting_lab: list[Collection]
    unexpected: list[TestResult]
    alerts: list[DrugTestAlert]

    def participants(self) -> dict:
        shown = {}
        for order in self.to_collect:
            shown[order.participant_id] = order.participant
        for collection in self.awaiting_lab:
            shown[collection.participant_id] = collection.participant
        for result in self.unexpected:
            shown[result.participant_id] = result.participant
        for alert in self.alerts:
            shown[alert.participant_id] = alert.participant
        return shown


def worklist(user, program, today: date, *, unexpected_days: int = 30) -> Worklist:
    """The program's desk list for the user's scope: tests to collect today (and overdue
    ones), specimens at the laboratory, recent unexpected results and open follow-ups."""
    episodes = episodes_in_scope(user).filter(program=program)
    to_collect = list(
        TestOrder.objects.filter(
            episode__in=episodes, status=TestOrder.Status.ORDERED, due_on__lte=today
        )
        .select_related("participant", "panel")
        .order_by("due_on", "participant__legal_last_name")
    )
    awaiting_lab = list(
        Collection.objects.filter(episode__in=episodes, is_sent_to_lab=True)
        .exclude(results__method=TestResult.Method.CONFIRMATION)
        .select_related("participant", "order__panel")
        .order_by("collected_at")
    )
    since = timezone.now() - timedelta(days=unexpected_days)
    unexpected = list(
        TestResult.objects.filter(
            collection__episode__in=episodes,
            interpretation=TestResult.Interpretation.UNEXPECTED,
            superseded_by__isnull=True,
            collection__collected_at__gte=since,
        )
        .select_related("participant", "collection")
        .order_by("-collection__collected_at")
    )
    alerts = DrugTestAlert.objects.filter(episode__in=episodes, acknowledged_at__isnull=True)
    if not user.has_perm("drugtests.manage_testing_setup"):
        alerts = alerts.exclude(kind=DrugTestAlert.Kind.DIRECTOR_FLAG)
    return Worklist(
        to_collect,
        awaiting_lab,
        unexpected,
        list(alerts.select_related("participant", "collection").order_by("-created_at")),
    )


@dataclass(frozen=True)
class Rates:
    planned: int
    collected: int
    refused: int
    no_show: int
    negative: int

    @property
    def percent_negative(self) -> int | None:
        return round(100 * self.negative / self.collected) if self.collected else None


def program_rates(user, program, since: date, until: date) -> Rates:
    """Tests due in [since, until] for the user's scope: planned (ordered, not cancelled),
    collected, refused, no-shows, and collections whose every current result is negative."""
    episodes = episodes_in_scope(user).filter(program=program)
    orders = TestOrder.objects.filter(
        episode__in=episodes, due_on__gte=since, due_on__lte=until
    ).exclude(status=TestOrder.Status.CANCELLED)
    counts = {status: 0 for status in TestOrder.Status.values}
    for status in orders.values_list("status", flat=True):
        counts[status] += 1
    collected = Collection.objects.filter(order__in=orders, outcome=Collection.Outcome.COLLECTED)
    negative = (
        collected.filter(results__isnull=False)
        .exclude(
            results__in=TestResult.objects.filter(superseded_by__isnull=True).exclude(
                outcome=TestResult.Outcome.NEGATIVE
            )
        )
        .distinct()
        .count()
    )
    return Rates(
        planned=orders.count(),
        collected=counts[TestOrder.Status.COLLECTED],
        refused=counts[TestOrder.Status.REFUSED],
        no_show=counts[TestOrder.Status.NO_SHOW],
        negative=negative,
    )


def reconciliation_queue(user) -> QuerySet[LabMessage]:
    """Open laboratory messages of the user's programs. Those no program could be found for
    (a command-line import without --program) may name anyone, so only those who run the
    testing setup (directors) see them (42 CFR Part 2: one program's records are not
    another's)."""
    from openiop.programs.selectors import programs_for

    mine = Q(program__in=programs_for(user))
    if user.has_perm("drugtests.manage_testing_setup"):
        mine |= Q(program__isnull=True)
    return (
        LabMessage.objects.filter(
            status__in=[LabMessage.Status.UNMATCHED, LabMessage.Status.MALFORMED]
        )
        .filter(mine)
        .order_by("-created_at")
    )


def recent_lab_messages(user, limit: int = 20) -> list[LabMessage]:
    from openiop.programs.selectors import programs_for

    return list(
        LabMessage.objects.filter(program__in=programs_for(user))
        .exclude(status__in=[LabMessage.Status.UNMATCHED, LabMessage.Status.MALFORMED])
        .select_related("collection__participant")
        .order_by("-created_at")[:limit]
    )


def open_sendouts(user, program) -> QuerySet[Collection]:
    """Collected specimens in the user's scope, for attaching a queued message by hand."""
    return (
        Collection.objects.filter(
            episode__in=episodes_in_scope(user).filter(program=program),
            outcome=Collection.Outcome.COLLECTED,
        )
        .select_related("participant")
        .order_by("-collected_at")
    )


# -- Alerts on the chart header and the caseload (participants.selectors providers) --


def _visible_alerts(user):
    alerts = DrugTestAlert.objects.filter(
        acknowledged_at__isnull=True, episode__in=episodes_in_scope(user)
    )
    if not user.has_perm("drugtests.manage_testing_setup"):
        alerts = alerts.exclude(kind=DrugTestAlert.Kind.DIRECTOR_FLAG)
    return alerts


def chart_alerts(user, participant) -> list:
    from openiop.participants.selectors import Alert

    if user is None or not user.has_perm(SEE):
        return []
    return [
        Alert(
            "warning",
            _("Drug test follow-up: %(what)s") % {"what": ", ".join(alert.reason_labels)},
        )
        for alert in _visible_alerts(user).filter(participant=participant).order_by("created_at")
    ]


def caseload_alerts(user, participant_ids) -> dict[int, list]:
    from openiop.participants.selectors import Alert

    if not user.has_perm(SEE):
        return {}
    counts: dict[int, int] = {}
    rows = _visible_alerts(user).filter(participant_id__in=list(participant_ids))
    for participant_id in rows.values_list("participant_id", flat=True):
        counts[participant_id] = counts.get(participant_id, 0) + 1
    return {
        participant_id: [
            Alert(
                "warning",
                ngettext("%(n)s drug test follow-up", "%(n)s drug test follow-ups", count)
                % {"n": count},
            )
        ]
        for participant_id, count in counts.items()
    }


@dataclass(frozen=True)
class EpisodeSummary:
    total: int  # specimens collected
    unexpected: int  # of which with an unexpected positive (after confirmation)
    refused: int
    last_on: date | None


def episode_summary(episode, *, since: date | None = None) -> EpisodeSummary:
    """The episode's tests from ``since`` on, for discharge summaries and reports (three
    queries, whatever the number of tests)."""
    collections = Collection.objects.filter(episode=episode)
    if since is not None:
        collections = collections.filter(order__due_on__gte=since)
    collected = collections.filter(outcome=Collection.Outcome.COLLECTED)
    unexpected = (
        collected.filter(
            results__interpretation=TestResult.Interpretation.UNEXPECTED,
            results__superseded_by__isnull=True,
        )
        .distinct()
        .count()
    )
    last = collected.order_by("-collected_at").values_list("collected_at", flat=True).first()
    return EpisodeSummary(
        total=collected.count(),
        unexpected=unexpected,
        refused=collections.filter(outcome=Collection.Outcome.REFUSED).count(),
        last_on=timezone.localtime(last).date() if last else None,
    )
