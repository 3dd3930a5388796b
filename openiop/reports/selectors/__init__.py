"""Report selectors: one function per figure, its docstring the figure's definition.

Every selector takes a ``ReportScope`` and returns a ``Table``; each runs a fixed number of
queries (database aggregation) whatever the number of participants. docs/metrics.md lists
the definitions.
"""

from __future__ import annotations

from collections.abc import Callable

from openiop.reports.scope import ReportScope
from openiop.reports.selectors.attendance import attendance_summary, hours_weekly
from openiop.reports.selectors.census import census_summary, census_weekly
from openiop.reports.selectors.documentation import note_timeliness, plan_timeliness
from openiop.reports.selectors.drugtests import drug_test_rates
from openiop.reports.selectors.followups import followup_reach
from openiop.reports.selectors.outcomes import outcome_change, outcome_trajectories
from openiop.reports.selectors.retention import completion, retention, retention_curve
from openiop.reports.tables import Table

# The program dashboard, in reading order: table key -> selector.
DASHBOARD: dict[str, Callable[[ReportScope], Table]] = {
    "census": census_summary,
    "census_weekly": census_weekly,
    "attendance": attendance_summary,
    "hours": hours_weekly,
    "retention": retention,
    "retention_curve": retention_curve,
    "completion": completion,
    "outcomes": outcome_change,
    "trajectories": outcome_trajectories,
    "drug_tests": drug_test_rates,
    "notes": note_timeliness,
    "plans": plan_timeliness,
    "followups": followup_reach,
}


def dashboard(scope: ReportScope) -> list[Table]:
    return [selector(scope) for selector in DASHBOARD.values()]


def table(scope: ReportScope, key: str) -> Table | None:
    """One dashboard table by its key (for its CSV export), or None for an unknown key."""
    selector = DASHBOARD.get(key)
    return selector(scope) if selector else None
