"""Plan timeliness: when an initial plan and each review are due. Data plus pure functions.

Defaults (each program changes them in its plan policy): the initial plan within 7 days of
admission, a review at least every 30 days, "due soon" shown 7 days ahead. These are the
defaults our issue tracker set for IOPs; state licensing rules and payer manuals set their own
deadlines (and differ from each other), which is why they are program settings. We cite no
specific regulation here because none applies everywhere: check yours when configuring.
"""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class PlanTimeliness:
    initial_plan_days: int = 7
    review_interval_days: int = 30
    due_soon_days: int = 7


DEFAULTS = PlanTimeliness()


class DueKind:
    PLAN_MISSING = "plan_missing"
    REVIEW = "review"
    EARLY_REVIEW = "early_review"


@dataclass(frozen=True)
class PlanDue:
    kind: str
    due_on: date
    reason: str = ""

    def state(self, today: date, policy: PlanTimeliness = DEFAULTS) -> str:
        """``overdue``, ``due_soon`` or ``later``."""
        if self.due_on < today:
            return "overdue"
        if self.due_on <= today + timedelta(days=policy.due_soon_days):
            return "due_soon"
        return "later"


def plan_due(
    *,
    admitted_on: date | None,
    last_signed_on: date | None,
    open_requests: list[tuple[date, str]],
    policy: PlanTimeliness = DEFAULTS,
) -> list[PlanDue]:
    """What is due for one active episode's plan.

    - No signed version: the initial plan is due ``initial_plan_days`` after admission.
    - Otherwise the next review is due ``review_interval_days`` after the last signature.
    - Each open early-review request is due on its own date (``ReviewRequest.due_date``: the
      window the event allows, else the day it was made).
    """
    due: list[PlanDue] = []
    if admitted_on is None:
        return due
    if last_signed_on is None:
        due.append(
            PlanDue(DueKind.PLAN_MISSING, admitted_on + timedelta(days=policy.initial_plan_days))
        )
    else:
        due.append(
            PlanDue(DueKind.REVIEW, last_signed_on + timedelta(days=policy.review_interval_days))
        )
        due.extend(PlanDue(DueKind.EARLY_REVIEW, on, reason) for on, reason in open_requests)
    return due
