"""Step-down and discharge rules: plain data and small pure functions (no ORM).

Sources:
- Discharge reasons: SAMHSA, Treatment Episode Data Set - Discharges (TEDS-D), variable
  ``REASON`` (reason for discharge): 1 treatment completed, 2 dropped out (left against
  professional advice), 3 terminated by facility, 4 transferred to another treatment program
  or facility, 5 incarcerated, 6 death, 7 other. https://www.samhsa.gov/data/data-we-collect/teds
- Step-down readiness: The ASAM Criteria (4th ed., 2023), continued service and transition
  criteria: a person moves to a less intensive level when the goals of the current level are
  met and they engage in care; the clinician decides. The thresholds below only raise the
  question; programs set their own (``DischargeSettings``).
- Follow-ups at 30, 90 and 180 days after discharge: common practice for outcome monitoring
  (e.g. SAMHSA GPRA six-month follow-up); programs set their own days.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

# ASAM levels from least to most intensive (codes as in assessments.models.LEVEL_CHOICES).
LEVEL_ORDER = ("0.5", "1.0", "2.1", "2.5", "3.x", "4")


def level_direction(from_level: str, to_level: str) -> str:
    """ "down", "up" or "same" between two ASAM level codes."""
    before, after = LEVEL_ORDER.index(from_level), LEVEL_ORDER.index(to_level)
    if after < before:
        return "down"
    return "up" if after > before else "same"


# Catalogue instruments whose total measures symptoms, use or risk: a lower total is better.
# (BAM has no total; a program's own instrument has no known direction.)
LOWER_IS_BETTER = frozenset({"phq9", "gad7", "pcl5", "audit", "auditc", "dast10", "cssrs"})


def is_improving(instrument: str, change: int | None) -> bool | None:
    """True/False when the change has a known direction; None otherwise."""
    if not change or instrument not in LOWER_IS_BETTER:
        return None
    return change < 0


@dataclass(frozen=True)
class ReadinessThresholds:
    min_weeks_in_phase: int = 4
    min_attendance_percent: int = 80
    min_objectives_met_percent: int = 50


DEFAULT_THRESHOLDS = ReadinessThresholds()
DEFAULT_INACTIVITY_DAYS = 30
DEFAULT_FOLLOWUP_DAYS = (30, 90, 180)
DEFAULT_ATTENDANCE_WEEKS = 4
FOLLOWUP_SHOWN_DAYS_BEFORE = 7


@dataclass(frozen=True)
class ReadinessFigures:
    weeks_in_phase: int
    attendance_percent: int | None  # None: no target to measure against
    objectives_met: int
    objectives_total: int
    positive_drug_tests: int | None  # None: no drug-test data
    outcomes_improving: int
    outcomes_worsening: int


@dataclass(frozen=True)
class Suggestion:
    is_ready: bool
    met: tuple[str, ...] = field(default=())
    unmet: tuple[str, ...] = field(default=())


def weeks_between(start: date, end: date) -> int:
    """Whole weeks from ``start`` to ``end`` (0 for a start in the future)."""
    return max(0, (end - start).days // 7)


def attendance_percent(attended_minutes: int, target_minutes: int) -> int | None:
    if target_minutes <= 0:
        return None
    return round(100 * attended_minutes / target_minutes)


def suggest_step_down(figures: ReadinessFigures, thresholds: ReadinessThresholds) -> Suggestion:
    """Whether the figures suggest talking about a step-down, with the criteria met and unmet
    (codes; the page words them). Only a suggestion: the clinician decides."""
    met, unmet = [], []

    def check(code: str, ok: bool) -> None:
        (met if ok else unmet).append(code)

    check("weeks_in_phase", figures.weeks_in_phase >= thresholds.min_weeks_in_phase)
    check(
        "attendance",
        figures.attendance_percent is not None
        and figures.attendance_percent >= thresholds.min_attendance_percent,
    )
    met_percent = (
        100 * figures.objectives_met / figures.objectives_total if figures.objectives_total else 0
    )
    check("objectives", met_percent >= thresholds.min_objectives_met_percent)
    if figures.positive_drug_tests is not None:
        check("drug_tests", figures.positive_drug_tests == 0)
    check("outcomes", figures.outcomes_worsening == 0)
    return Suggestion(is_ready=not unmet, met=tuple(met), unmet=tuple(unmet))


@dataclass(frozen=True)
class FollowUpDue:
    day: int
    due_on: date


def followups_due(
    discharged_on: date, days: tuple[int, ...], done: set[int], today: date
) -> list[FollowUpDue]:
    """Follow-ups still to reach: each of ``days`` after discharge not yet ``done`` (reached),
    shown from FOLLOWUP_SHOWN_DAYS_BEFORE days ahead of its date. Once a later follow-up is
    shown, earlier ones still unreached stay listed (the worklist shows them as overdue)."""
    rows = []
    for day in sorted(days):
        due_on = discharged_on + timedelta(days=day)
        if day in done or due_on - timedelta(days=FOLLOWUP_SHOWN_DAYS_BEFORE) > today:
            continue
        rows.append(FollowUpDue(day=day, due_on=due_on))
    return rows


def parse_days(text: str) -> tuple[int, ...]:
    """ "30, 90, 180" -> (30, 90, 180); raises ValueError on anything else."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    days = tuple(sorted({int(part) for part in parts}))
    if not days or any(day < 1 or day > 730 for day in days):
        raise ValueError("days must be whole numbers from 1 to 730")
    return days
