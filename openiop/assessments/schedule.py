"""When each measure is due: the measurement schedule as data and one pure function.

No Django here. ``due_measures`` takes the admission date, today, the instruments a program
offers and the participant's history, and says what is due (or overdue) and why.

The default schedule follows issue 3 and common measurement-based-care practice (Joint
Commission standard CTS.03.01.09, "a standardized tool or instrument ... at intake and at
regular intervals"): PHQ-9 and GAD-7 at intake then every 2 weeks; BAM (7-day IOP version)
weekly; PCL-5 at intake, then monthly while trauma is indicated (here: the latest PCL-5 is at or
above its cut-off, or met the provisional-diagnosis rule); C-SSRS at intake and at once after any
PHQ-9 whose item 9 is above 0, until a C-SSRS is given on or after that day.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class ScheduleRule:
    instrument: str
    at_intake: bool = True
    every_days: int | None = None
    only_while_trauma_indicated: bool = False


@dataclass(frozen=True)
class Given:
    """One past administration, as much as the schedule needs."""

    on: date
    band: str = ""
    alerts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Due:
    instrument: str
    due_on: date
    reason: str

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due_on).days)


DEFAULT_SCHEDULE: tuple[ScheduleRule, ...] = (
    ScheduleRule("phq9", every_days=14),
    ScheduleRule("gad7", every_days=14),
    ScheduleRule("bam7", at_intake=False, every_days=7),
    ScheduleRule("pcl5", every_days=30, only_while_trauma_indicated=True),
    ScheduleRule("cssrs"),
)
# A PHQ-9 carrying this alert puts a C-SSRS on the list at once.
FOLLOW_UPS: tuple[tuple[str, str, str], ...] = (("phq9", "suicide_risk", "cssrs"),)
TRAUMA_INDICATED_BANDS = frozenset({"probable_ptsd"})
TRAUMA_INDICATED_ALERTS = frozenset({"ptsd_provisional_diagnosis"})


def _trauma_indicated(pcl5: Sequence[Given]) -> bool:
    if not pcl5:
        return False
    latest = pcl5[-1]
    return latest.band in TRAUMA_INDICATED_BANDS or bool(
        TRAUMA_INDICATED_ALERTS.intersection(latest.alerts)
    )


def _scheduled(rule: ScheduleRule, given: Sequence[Given], history, admitted_on: date):
    if not given:
        if rule.at_intake:
            return Due(rule.instrument, admitted_on, "at intake")
        if rule.every_days:
            return Due(rule.instrument, admitted_on + timedelta(days=rule.every_days), "first")
        return None
    if rule.every_days is None:
        return None
    if rule.only_while_trauma_indicated and not _trauma_indicated(history.get("pcl5", ())):
        return None
    return Due(
        rule.instrument,
        given[-1].on + timedelta(days=rule.every_days),
        f"every {rule.every_days} days",
    )


def _follow_ups(history: Mapping[str, Sequence[Given]], offered: set[str]) -> list[Due]:
    due = []
    for source, alert, follow_up in FOLLOW_UPS:
        if follow_up not in offered:
            continue
        triggers = [g.on for g in history.get(source, ()) if alert in g.alerts]
        if not triggers:
            continue
        trigger = triggers[-1]
        if not any(g.on >= trigger for g in history.get(follow_up, ())):
            reason = f"{source} {alert} on {trigger.isoformat()}"
            due.append(Due(follow_up, trigger, reason))
    return due


def due_measures(
    *,
    admitted_on: date,
    today: date,
    offered: Iterable[str],
    history: Mapping[str, Sequence[Given]],
    schedule: Sequence[ScheduleRule] = DEFAULT_SCHEDULE,
    horizon_days: int = 7,
) -> list[Due]:
    """Measures due by ``today + horizon_days``, earliest first; one entry per instrument.

    ``history`` maps instrument codes to administrations since admission, oldest first.
    Instruments the program does not offer (``offered``) are never due.
    """
    offered = set(offered)
    horizon = today + timedelta(days=horizon_days)
    found: dict[str, Due] = {}
    for rule in schedule:
        if rule.instrument not in offered:
            continue
        due = _scheduled(rule, history.get(rule.instrument, ()), history, admitted_on)
        if due is not None and due.due_on <= horizon:
            found[rule.instrument] = due
    for due in _follow_ups(history, offered):
        current = found.get(due.instrument)
        if current is None or due.due_on < current.due_on:
            found[due.instrument] = due
    return sorted(found.values(), key=lambda due: (due.due_on, due.instrument))
