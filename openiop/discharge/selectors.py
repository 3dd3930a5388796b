"""Reads for step-down and discharge pages: readiness figures, discharge summary figures,
the administrative discharge review list and the follow-up worklist."""

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Max, Q, Sum

from openiop.assessments import rules as assessment_rules
from openiop.assessments.selectors import measure_trends
from openiop.discharge import rules
from openiop.discharge.models import (
    Discharge,
    DischargeReason,
    DischargeSettings,
    FollowUpContact,
    LevelOfCareChange,
    PhaseChange,
    Reach,
)
from openiop.participants.access import episodes_in_scope
from openiop.participants.models import Episode, EpisodeStatus
from openiop.plans.models import ObjectiveStatus
from openiop.plans.selectors import current_objectives
from openiop.scheduling import rules as scheduling_rules
from openiop.scheduling.models import AttendanceRecord
from openiop.scheduling.selectors import hours_by_episode, target_overrides

ADMITTED_STATUSES = (EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD)


# ----------------------------------------------------------------------------- settings


def settings_for(program) -> DischargeSettings:
    """The program's settings row, or an unsaved one holding the defaults."""
    return DischargeSettings.objects.filter(program=program).first() or DischargeSettings(
        program=program
    )


def followup_days_for(program) -> tuple[int, ...]:
    return rules.parse_days(settings_for(program).followup_days)


# ----------------------------------------------------------------------------- chart


def chart_episode(user, participant) -> Episode | None:
    """The episode the step-down tab is about: the admitted open one in the user's scope, else
    the most recently discharged episode that had been admitted."""
    episodes = episodes_in_scope(user).filter(participant=participant, admitted_on__isnull=False)
    episodes = episodes.select_related("program__site", "current_phase")
    return (
        episodes.filter(status__in=ADMITTED_STATUSES).order_by("-admitted_on", "-id").first()
        or episodes.filter(status=EpisodeStatus.DISCHARGED)
        .order_by("-discharged_on", "-id")
        .first()
    )


@dataclass(frozen=True)
class Decision:
    kind: str  # "phase" or "level"
    decided_on: date
    decided_by: object
    before: str
    after: str
    reason: str
    record: object


def decision_history(episode: Episode) -> list[Decision]:
    """Phase and level-of-care decisions of an episode, newest first."""
    decisions = [
        Decision(
            "phase",
            change.decided_on,
            change.decided_by,
            str(change.from_phase or "—"),
            str(change.to_phase),
            change.reason,
            change,
        )
        for change in PhaseChange.objects.filter(episode=episode).select_related(
            "from_phase", "to_phase", "decided_by"
        )
    ]
    decisions += [
        Decision(
            "level",
            change.decided_on,
            change.decided_by,
            change.get_from_level_display(),
            change.get_to_level_display(),
            change.reason,
            change,
        )
        for change in LevelOfCareChange.objects.filter(episode=episode).select_related(
            "decided_by", "assessment", "target_episode__program"
        )
    ]
    return sorted(decisions, key=lambda d: (d.decided_on, d.record.created_at), reverse=True)


def is_in_final_phase(episode: Episode) -> bool:
    """In the program's last phase: the time to start the aftercare plan."""
    if episode.current_phase_id is None:
        return False
    later = episode.program.phases.filter(order__gt=episode.current_phase.order)
    return not later.exists()


def phase_started_on(episode: Episode) -> date | None:
    """When the episode entered its current phase: the last phase change, else admission."""
    last = (
        PhaseChange.objects.filter(episode=episode, to_phase=episode.current_phase_id)
        .order_by("-decided_on", "-created_at")
        .values_list("decided_on", flat=True)
        .first()
    )
    return last or episode.admitted_on


# ----------------------------------------------------------------------------- drug tests


@dataclass(frozen=True)
class DrugTestSummary:
    has_data: bool = False
    total: int = 0
    positive: int = 0
    refused: int = 0
    last_on: date | None = None


def drug_test_summary(episode: Episode, *, since: date | None = None) -> DrugTestSummary:
    """The episode's drug tests from ``since`` on (``drugtests.selectors.episode_summary``):
    specimens collected, how many had an unexpected positive after any laboratory
    confirmation, refusals, the last collection date. No collection and no refusal means
    "no drug-test data" (never "all negative")."""
    from openiop.drugtests.selectors import episode_summary

    summary = episode_summary(episode, since=since)
    return DrugTestSummary(
        has_data=bool(summary.total or summary.refused),
        total=summary.total,
        positive=summary.unexpected,
        refused=summary.refused,
        last_on=summary.last_on,
    )


# ----------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class OutcomeRow:
    name: str
    first_on: date
    first_total: int | None
    first_band: str
    last_on: date
    last_total: int | None
    last_band: str
    change: int | None
    is_significant: bool
    is_improving: bool | None  # None when unknown (no change or no direction)


def outcome_rows(episode: Episode) -> list[OutcomeRow]:
    """Each instrument given in the episode: first (admission) against latest score, and
    whether that is an improvement (rules.is_improving: known for catalogue scales only)."""
    rows = []
    for trend in measure_trends(episode.participant):
        points = [point for point in trend.points if point.episode_id == episode.pk]
        if not points:
            continue
        first, last = points[0], points[-1]
        change = None
        if len(points) > 1 and first.total is not None and last.total is not None:
            change = last.total - first.total
        significant = change is not None and assessment_rules.change_is_significant(
            trend.code, first.total, last.total
        )
        rows.append(
            OutcomeRow(
                name=trend.name,
                first_on=first.administered_on,
                first_total=first.total,
                first_band=first.band_label,
                last_on=last.administered_on,
                last_total=last.total,
                last_band=last.band_label,
                change=change,
                is_significant=significant,
                is_improving=rules.is_improving(trend.code, change),
            )
        )
    return rows


# ----------------------------------------------------------------------------- readiness


@dataclass
class Readiness:
    episode: Episode
    phase_started_on: date | None
    weeks_in_phase: int
    weeks: list  # scheduling.rules.WeekHours, oldest first
    attended_minutes: int
    target_minutes: int
    weekly_target_minutes: int
    attendance_percent: int | None
    objectives_met: int
    objectives_total: int
    drug_tests: DrugTestSummary
    outcomes: list[OutcomeRow]
    thresholds: rules.ReadinessThresholds
    suggestion: rules.Suggestion = field(default=None)

    @property
    def attended_hours(self) -> str:
        return scheduling_rules.minutes_as_hours(self.attended_minutes)

    @property
    def target_hours(self) -> str:
        return scheduling_rules.minutes_as_hours(self.target_minutes)

    @property
    def weekly_target_hours(self) -> str:
        return scheduling_rules.minutes_as_hours(self.weekly_target_minutes)


def _weekly_target_minutes(episode: Episode) -> int:
    """The weekly target in the current phase: the participant's override, else the phase's
    target, else the program minimum (as scheduling.rules.target_minutes decides)."""
    phase = None
    if episode.current_phase_id:
        phase = scheduling_rules.Phase(
            order=episode.current_phase.order,
            target_minutes=scheduling_rules.hours_to_minutes(
                episode.current_phase.target_weekly_hours
            ),
            typical_weeks=episode.current_phase.typical_weeks,
        )
    return scheduling_rules.target_minutes(
        phase=phase,
        override_minutes=target_overrides([episode]).get(episode.pk),
        program_minimum_minutes=scheduling_rules.hours_to_minutes(
            episode.program.minimum_weekly_hours
        ),
    )


def step_down_readiness(episode: Episode, today: date) -> Readiness:
    """What a clinician weighs before a step-down, and the rule's suggestion. Attendance is
    over the last complete weeks (``rules.DEFAULT_ATTENDANCE_WEEKS``) wholly in the current
    phase, against the current phase's weekly target (scheduling's past-week targets follow
    the planned phase lengths, not the recorded decisions)."""
    started = phase_started_on(episode)
    this_week = scheduling_rules.week_start(today)
    weeks = [this_week - timedelta(weeks=n) for n in range(rules.DEFAULT_ATTENDANCE_WEEKS, 0, -1)]
    if started:
        weeks = [week for week in weeks if week >= started]
    hours = (
        hours_by_episode([episode], weeks=weeks, today=today).get(episode.pk, []) if weeks else []
    )
    weekly_target = _weekly_target_minutes(episode)
    attended = sum(week.attended_minutes for week in hours)
    target = weekly_target * len(hours)
    objectives = list(current_objectives(episode).values_list("status", flat=True))
    outcomes = outcome_rows(episode)
    drug_tests = drug_test_summary(episode, since=today - timedelta(days=30))
    thresholds = settings_for(episode.program).as_thresholds()
    readiness = Readiness(
        episode=episode,
        phase_started_on=started,
        weeks_in_phase=rules.weeks_between(started, today) if started else 0,
        weeks=hours,
        attended_minutes=attended,
        target_minutes=target,
        weekly_target_minutes=weekly_target,
        attendance_percent=rules.attendance_percent(attended, target),
        objectives_met=objectives.count(ObjectiveStatus.MET),
        objectives_total=len(objectives),
        drug_tests=drug_tests,
        outcomes=outcomes,
        thresholds=thresholds,
    )
    readiness.suggestion = rules.suggest_step_down(
        rules.ReadinessFigures(
            weeks_in_phase=readiness.weeks_in_phase,
            attendance_percent=readiness.attendance_percent,
            objectives_met=readiness.objectives_met,
            objectives_total=readiness.objectives_total,
            positive_drug_tests=drug_tests.positive if drug_tests.has_data else None,
            outcomes_improving=sum(1 for row in outcomes if row.is_improving),
            outcomes_worsening=sum(1 for row in outcomes if row.is_improving is False),
        ),
        thresholds,
    )
    return readiness


# ----------------------------------------------------------------------------- summary


def services_received(episode: Episode) -> list[dict]:
    """Sessions attended in the episode by kind: count and hours (attendance records)."""
    rows = (
        AttendanceRecord.objects.filter(
            episode=episode, status__in=sorted(scheduling_rules.ATTENDED_STATUSES)
        )
        .values("session__kind")
        .annotate(count=Count("id"), minutes=Sum("minutes"))
        .order_by("session__kind")
    )
    from openiop.scheduling.models import SessionKind

    labels = dict(SessionKind.choices)
    return [
        {
            "kind": str(labels.get(row["session__kind"], row["session__kind"])),
            "count": row["count"],
            "hours": scheduling_rules.minutes_as_hours(row["minutes"] or 0),
            "minutes": row["minutes"] or 0,
        }
        for row in rows
    ]


def goal_progress(episode: Episode) -> list[dict]:
    """Per goal of the plan in force: its objectives with their status."""
    goals: dict[int, dict] = {}
    for objective in current_objectives(episode):
        goal = goals.setdefault(
            objective.goal_id,
            {"goal": objective.goal.statement, "met": 0, "total": 0, "objectives": []},
        )
        goal["total"] += 1
        goal["met"] += objective.status == ObjectiveStatus.MET
        goal["objectives"].append(
            {"description": objective.description, "status": objective.get_status_display()}
        )
    return list(goals.values())


def discharge_figures(episode: Episode) -> dict:
    """The figures of a discharge summary, as plain data (frozen into the signed summary)."""
    services = services_received(episode)
    absences = AttendanceRecord.objects.filter(
        episode=episode, status__in=sorted(scheduling_rules.ABSENT_STATUSES)
    ).count()
    drug_tests = drug_test_summary(episode)
    outcomes = []
    for row in outcome_rows(episode):
        item = asdict(row)
        item["first_on"], item["last_on"] = row.first_on.isoformat(), row.last_on.isoformat()
        outcomes.append(item)
    total_minutes = sum(row["minutes"] for row in services)
    return {
        "services": services,
        "sessions_attended": sum(row["count"] for row in services),
        "hours_attended": scheduling_rules.minutes_as_hours(total_minutes),
        "absences": absences,
        "goals": goal_progress(episode),
        "outcomes": outcomes,
        "drug_tests": {
            "has_data": drug_tests.has_data,
            "total": drug_tests.total,
            "positive": drug_tests.positive,
            "refused": drug_tests.refused,
            "last_on": drug_tests.last_on.isoformat() if drug_tests.last_on else None,
        },
    }


def summary_figures(discharge: Discharge) -> dict:
    """Frozen figures of a signed summary; live ones for a draft."""
    return discharge.figures if discharge.is_signed else discharge_figures(discharge.episode)


# ----------------------------------------------------------------------------- lists


@dataclass(frozen=True)
class InactiveRow:
    episode: Episode
    last_attended_on: date | None
    days_without: int
    limit: int


def inactive_episodes(user, today: date) -> list[InactiveRow]:
    """Admitted episodes in the user's scope with no attendance for their program's number of
    days (counted from admission when they never attended): administrative discharge review."""
    episodes = list(
        episodes_in_scope(user)
        .filter(status__in=ADMITTED_STATUSES)
        .select_related("participant", "program", "primary_clinician")
        .annotate(
            last_attended=Max(
                "attendance__session__held_on",
                filter=Q(attendance__status__in=sorted(scheduling_rules.ATTENDED_STATUSES)),
            )
        )
    )
    limits = dict(
        DischargeSettings.objects.filter(program__in={e.program_id for e in episodes}).values_list(
            "program_id", "inactivity_days"
        )
    )
    rows = []
    for episode in episodes:
        limit = limits.get(episode.program_id, rules.DEFAULT_INACTIVITY_DAYS)
        since = episode.last_attended or episode.admitted_on
        days = (today - since).days
        if days >= limit:
            rows.append(InactiveRow(episode, episode.last_attended, days, limit))
    return sorted(rows, key=lambda row: -row.days_without)


@dataclass(frozen=True)
class FollowUpRow:
    discharge: Discharge
    day: int
    due_on: date
    attempts: int
    last_attempt_on: date | None


# No follow-up calls to the family of someone who died, nor across a transfer (the receiving
# program follows up).
NO_FOLLOWUP_REASONS = (DischargeReason.DEATH, DischargeReason.TRANSFERRED)


def followup_worklist(user, today: date) -> list[FollowUpRow]:
    """Follow-ups due (shown a week ahead) and not yet reached, for discharges in the user's
    scope; each with the attempts made so far. A fixed number of queries."""
    discharges = list(
        Discharge.objects.filter(episode__in=episodes_in_scope(user))
        .exclude(reason__in=NO_FOLLOWUP_REASONS)
        .select_related("participant", "episode__program")
    )
    days_by_program: dict[int, tuple[int, ...]] = {}
    for row in DischargeSettings.objects.filter(
        program__in={d.episode.program_id for d in discharges}
    ):
        days_by_program[row.program_id] = rules.parse_days(row.followup_days)
    attempts: dict[tuple[int, int], list[FollowUpContact]] = defaultdict(list)
    for contact in FollowUpContact.objects.filter(discharge__in=discharges):
        attempts[(contact.discharge_id, contact.day)].append(contact)
    rows = []
    for discharge in discharges:
        days = days_by_program.get(discharge.episode.program_id, rules.DEFAULT_FOLLOWUP_DAYS)
        done = {
            day
            for day in days
            if any(c.result == Reach.REACHED for c in attempts[(discharge.pk, day)])
        }
        for due in rules.followups_due(discharge.discharged_on, days, done, today):
            made = attempts[(discharge.pk, due.day)]
            rows.append(
                FollowUpRow(
                    discharge=discharge,
                    day=due.day,
                    due_on=due.due_on,
                    attempts=len(made),
                    last_attempt_on=max((c.attempted_on for c in made), default=None),
                )
            )
    return sorted(rows, key=lambda row: (row.due_on, row.discharge.participant.legal_last_name))


def alumni_events_for_portal(participant, today: date):
    """Upcoming events of the alumni groups where ``participant`` opted in to keep portal
    access (``AlumniMembership.has_portal_opt_in``), soonest first; None when they have no
    such membership (the portal page is then not theirs)."""
    from openiop.discharge.models import AlumniEvent, AlumniMembership

    groups = AlumniMembership.objects.filter(
        participant=participant, has_portal_opt_in=True, group__is_active=True
    ).values("group")
    if not groups.exists():
        return None
    return list(
        AlumniEvent.objects.filter(group__in=groups, held_on__gte=today)
        .select_related("group")
        .order_by("held_on", "title")
    )
