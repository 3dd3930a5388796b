"""When each measure is due: the measurement schedule as data and pure functions.

No Django here. ``due_measures`` takes the admission date, today, the instruments a program
offers, the program's schedule and the participant's history, and says what is due (or
overdue) and why. ``schedule_from_data`` checks a schedule as stored or submitted (a program's
own settings) and ``schedule_changes`` says what an edit changed, for the audit trail.

The default schedule follows issue 3 and common measurement-based-care practice (Joint
Commission standard CTS.03.01.09, "a standardized tool or instrument ... at intake and at
regular intervals"): PHQ-9 and GAD-7 at intake then every 2 weeks; BAM (7-day IOP version)
weekly; PCL-5 at intake, then monthly while trauma is indicated (here: the latest PCL-5 is at or
above its cut-off, or met the provisional-diagnosis rule); C-SSRS at intake and at once after any
PHQ-9 whose item 9 is above 0, until a C-SSRS is given on or after that day.

A program may change each instrument's rule (at intake or not, every N days, the condition on
repeats). The C-SSRS follow-up after PHQ-9 item 9 (``FOLLOW_UPS``) is a safety rule, not a
setting: it applies whenever the program offers the C-SSRS.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

ALWAYS = "always"
TRAUMA_INDICATED = "trauma_indicated"
# condition code -> what it means (the settings page shows its own translated labels)
CONDITIONS: dict[str, str] = {
    ALWAYS: "repeats always",
    TRAUMA_INDICATED: "repeats only while trauma is indicated by the latest PCL-5",
}
MAX_EVERY_DAYS = 365
RULE_KEYS = frozenset({"instrument", "at_intake", "every_days", "condition"})


@dataclass(frozen=True)
class ScheduleRule:
    """One instrument's rule: given at intake or not, then every ``every_days`` days (None: no
    repeat) while ``condition`` holds."""

    instrument: str
    at_intake: bool = True
    every_days: int | None = None
    condition: str = ALWAYS

    @property
    def is_scheduled(self) -> bool:
        return self.at_intake or self.every_days is not None

    def as_data(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "at_intake": self.at_intake,
            "every_days": self.every_days,
            "condition": self.condition,
        }


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
    name: str = ""  # the instrument's name to show; the code when not given

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due_on).days)


DEFAULT_SCHEDULE: tuple[ScheduleRule, ...] = (
    ScheduleRule("phq9", every_days=14),
    ScheduleRule("gad7", every_days=14),
    ScheduleRule("bam7", at_intake=False, every_days=7),
    ScheduleRule("pcl5", every_days=30, condition=TRAUMA_INDICATED),
    ScheduleRule("cssrs"),
)
# A PHQ-9 carrying this alert puts a C-SSRS on the list at once.
FOLLOW_UPS: tuple[tuple[str, str, str], ...] = (("phq9", "suicide_risk", "cssrs"),)
TRAUMA_INDICATED_BANDS = frozenset({"probable_ptsd"})
TRAUMA_INDICATED_ALERTS = frozenset({"ptsd_provisional_diagnosis"})


def _trauma_indicated(history: Mapping[str, Sequence[Given]]) -> bool:
    pcl5 = history.get("pcl5", ())
    if not pcl5:
        return False
    latest = pcl5[-1]
    return latest.band in TRAUMA_INDICATED_BANDS or bool(
        TRAUMA_INDICATED_ALERTS.intersection(latest.alerts)
    )


def _condition_holds(condition: str, history: Mapping[str, Sequence[Given]]) -> bool:
    if condition == TRAUMA_INDICATED:
        return _trauma_indicated(history)
    return True


def _scheduled(rule: ScheduleRule, given: Sequence[Given], history, admitted_on: date):
    repeats = rule.every_days is not None and _condition_holds(rule.condition, history)
    if not given:
        if rule.at_intake:
            return Due(rule.instrument, admitted_on, "at intake")
        if repeats:
            return Due(rule.instrument, admitted_on + timedelta(days=rule.every_days), "first")
        return None
    if not repeats:
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
    names: Mapping[str, str] | None = None,
) -> list[Due]:
    """Measures due by ``today + horizon_days``, earliest first; one entry per instrument.

    ``history`` maps instrument codes to administrations since admission, oldest first.
    Instruments the program does not offer (``offered``) are never due. ``names`` gives each
    entry its instrument's name (else the code).
    """
    offered = set(offered)
    names = names or {}
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
    return sorted(
        (
            Due(due.instrument, due.due_on, due.reason, names.get(due.instrument, due.instrument))
            for due in found.values()
        ),
        key=lambda due: (due.due_on, due.instrument),
    )


# A program's own schedule -----------------------------------------------------------------


def _rule_from_data(row: Any, index: int, known: Mapping[str, str] | None) -> ScheduleRule:
    if not isinstance(row, Mapping):
        raise ValueError(f"rule {index} must be an object, not {type(row).__name__}")
    missing = sorted({"instrument", "at_intake", "every_days"} - set(row))
    unknown = sorted(str(key) for key in set(row) - RULE_KEYS)
    if missing or unknown:
        problem = f"is missing {', '.join(missing)}" if missing else f"has unknown keys: {unknown}"
        raise ValueError(f"rule {index} {problem}")
    code = row["instrument"]
    if known is not None and code not in known:
        raise ValueError(f"rule {index}: {code!r} is not an instrument this program offers")
    name = known[code] if known is not None else code
    at_intake, every_days = row["at_intake"], row["every_days"]
    condition = row.get("condition", ALWAYS)
    if not isinstance(at_intake, bool):
        raise ValueError(f"{name}: 'at intake' must be yes or no")
    if every_days is not None and (isinstance(every_days, bool) or not isinstance(every_days, int)):
        raise ValueError(f"{name}: the interval must be a whole number of days, not {every_days!r}")
    if every_days is not None and not 1 <= every_days <= MAX_EVERY_DAYS:
        raise ValueError(
            f"{name}: the interval must be between 1 and {MAX_EVERY_DAYS} days, not {every_days}"
        )
    if condition not in CONDITIONS:
        raise ValueError(f"{name}: unknown condition {condition!r}")
    if condition != ALWAYS and every_days is None:
        raise ValueError(
            f"{name}: a condition applies to the repeats, so it needs an interval (every N days)"
        )
    return ScheduleRule(code, at_intake, every_days, condition)


def schedule_from_data(
    rows: Any, *, known: Mapping[str, str] | None = None
) -> tuple[ScheduleRule, ...]:
    """A schedule from its stored or submitted form (a list of rule objects), or ValueError
    naming the instrument. ``known`` maps the codes the program offers to their names (None:
    skip that check, for a schedule already stored)."""
    if not isinstance(rows, list | tuple):
        raise ValueError("a schedule must be a list of rules")
    rules = tuple(_rule_from_data(row, index, known) for index, row in enumerate(rows, start=1))
    codes = [rule.instrument for rule in rules]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise ValueError(f"an instrument has more than one rule: {', '.join(twice)}")
    return rules


def schedule_to_data(rules: Iterable[ScheduleRule]) -> list[dict[str, Any]]:
    return [rule.as_data() for rule in rules]


def schedule_changes(
    before: Iterable[ScheduleRule], after: Iterable[ScheduleRule]
) -> dict[str, dict[str, list]]:
    """instrument -> field -> [before, after], for each field an edit changed. An instrument
    without a rule reads as not scheduled (no intake, no repeat)."""
    old = {rule.instrument: rule for rule in before}
    new = {rule.instrument: rule for rule in after}
    changes: dict[str, dict[str, list]] = {}
    for code in sorted(set(old) | set(new)):
        was = old.get(code, ScheduleRule(code, at_intake=False)).as_data()
        now = new.get(code, ScheduleRule(code, at_intake=False)).as_data()
        fields = {key: [was[key], now[key]] for key in ("at_intake", "every_days", "condition")}
        changed = {key: pair for key, pair in fields.items() if pair[0] != pair[1]}
        if changed:
            changes[code] = changed
    return changes
