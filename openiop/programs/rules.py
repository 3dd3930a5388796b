"""Weekly-hour defaults by level of care and population: data plus one pure function.

Sources (no licensed criteria text is reproduced):
- ASAM Criteria, 3rd ed., Level 2.1 Intensive Outpatient: 9 or more hours of structured
  services a week for adults, 6 or more for adolescents; Level 2.5 Partial Hospitalization:
  20 or more hours a week; Level 1 Outpatient: fewer than 9 hours (adults), fewer than 6
  (adolescents).
- Medicare (CMS CY 2024 OPPS final rule, 42 CFR 410.2 and 410.44): intensive outpatient
  services are 9 to 19 hours a week, so 19 is the default ceiling for IOP.
Programs override these defaults with their own settings (state and payer rules differ).
"""

from decimal import Decimal
from typing import NamedTuple


class WeeklyHours(NamedTuple):
    minimum: Decimal
    maximum: Decimal
    minimum_days: int


# (level of care, population) -> defaults
WEEKLY_HOURS_DEFAULTS: dict[tuple[str, str], WeeklyHours] = {
    ("2.1", "adult"): WeeklyHours(Decimal("9"), Decimal("19"), 3),
    ("2.1", "adolescent"): WeeklyHours(Decimal("6"), Decimal("19"), 3),
    ("2.5", "adult"): WeeklyHours(Decimal("20"), Decimal("35"), 5),
    ("2.5", "adolescent"): WeeklyHours(Decimal("20"), Decimal("35"), 5),
    ("1.0", "adult"): WeeklyHours(Decimal("1"), Decimal("8.5"), 1),
    ("1.0", "adolescent"): WeeklyHours(Decimal("1"), Decimal("5.5"), 1),
}


def default_weekly_hours(level_of_care: str, population: str) -> WeeklyHours:
    try:
        return WEEKLY_HOURS_DEFAULTS[(level_of_care, population)]
    except KeyError:
        raise ValueError(
            f"No weekly-hour defaults for level {level_of_care!r}, population {population!r}"
        ) from None
