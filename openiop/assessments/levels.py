"""Level-of-care suggestion from a multidimensional assessment: a rule table, most intensive
wins. No Django here.

OpenIOP does not ship the ASAM Criteria's text or decision algorithm (they are licensed by the
American Society of Addiction Medicine). It ships only the names of the six dimensions (4th
edition, 2023) and a deliberately simple *default* rule table: the minimum level of care each
dimension's 0-4 risk rating calls for. Each program's clinical director reviews and replaces
that table (the "Level-of-care rules" page); the clinician always makes the decision and
justifies a choice that differs from the suggestion.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

# Least to most intensive. 3.x stands for the residential levels, 4 for medically managed
# intensive inpatient.
LEVELS: tuple[str, ...] = ("0.5", "1.0", "2.1", "2.5", "3.x", "4")
LEVEL_LABELS: dict[str, str] = {
    "0.5": "0.5 Early intervention",
    "1.0": "1.0 Outpatient",
    "2.1": "2.1 Intensive outpatient",
    "2.5": "2.5 Partial hospitalization",
    "3.x": "3.x Residential",
    "4": "4 Inpatient",
}
# Typical structured hours a week at each level (ASAM 3rd ed. and the CMS IOP rule, as in
# programs/rules.py); None where care is residential or inpatient (around the clock).
WEEKLY_HOURS: dict[str, int | None] = {
    "0.5": 0,
    "1.0": 3,
    "2.1": 9,
    "2.5": 20,
    "3.x": None,
    "4": None,
}
DIMENSIONS: tuple[tuple[int, str], ...] = (
    (1, "Intoxication, Withdrawal, and Addiction Medications"),
    (2, "Biomedical Conditions"),
    (3, "Psychiatric and Cognitive Conditions"),
    (4, "Substance Use-Related Risks"),
    (5, "Recovery Environment Interactions"),
    (6, "Person-Centered Considerations"),
)
RATINGS = range(5)

# dimension -> minimum level for ratings 0, 1, 2, 3, 4 (a starting point, not ASAM's rules)
DEFAULT_RULES: dict[int, tuple[str, ...]] = {
    1: ("1.0", "1.0", "2.1", "3.x", "4"),
    2: ("1.0", "1.0", "2.1", "2.5", "4"),
    3: ("1.0", "1.0", "2.1", "2.5", "4"),
    4: ("1.0", "1.0", "2.1", "2.5", "3.x"),
    5: ("1.0", "1.0", "2.1", "2.5", "3.x"),
    6: ("1.0", "1.0", "1.0", "2.1", "2.5"),
}


@dataclass(frozen=True)
class Suggestion:
    level: str
    weekly_hours: int | None
    driving_dimensions: tuple[int, ...]


def validate_ratings(ratings: Mapping[int, int]) -> dict[int, int]:
    clean = {}
    for number, _name in DIMENSIONS:
        value = ratings.get(number)
        if isinstance(value, bool) or not isinstance(value, int) or value not in RATINGS:
            raise ValueError(f"Dimension {number}: the rating must be 0 to 4, not {value!r}")
        clean[number] = value
    if set(ratings) - set(clean):
        raise ValueError(f"Unknown dimensions: {sorted(set(ratings) - set(clean))}")
    return clean


def validate_rules(rules: Mapping[int, Sequence[str]]) -> dict[int, tuple[str, ...]]:
    clean = {}
    for number, _name in DIMENSIONS:
        row = tuple(rules.get(number, ()))
        if len(row) != len(RATINGS) or any(level not in LEVELS for level in row):
            raise ValueError(f"Dimension {number}: give a level for each rating 0-4")
        if any(LEVELS.index(a) > LEVELS.index(b) for a, b in pairwise(row)):
            raise ValueError(
                f"Dimension {number}: a higher rating cannot call for a less intensive level"
            )
        clean[number] = row
    return clean


def suggest_level(
    ratings: Mapping[int, int], rules: Mapping[int, Sequence[str]] = DEFAULT_RULES
) -> Suggestion:
    """The most intensive minimum level any dimension calls for, and which dimensions did."""
    ratings = validate_ratings(ratings)
    rules = validate_rules(rules)
    calls = {number: rules[number][rating] for number, rating in ratings.items()}
    level = max(calls.values(), key=LEVELS.index)
    driving = tuple(number for number, called in calls.items() if called == level)
    return Suggestion(level, WEEKLY_HOURS[level], driving)
