"""The level-of-care rule table: most intensive wins (pure, no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.assessments.levels import (
    DEFAULT_RULES,
    DIMENSIONS,
    LEVELS,
    suggest_level,
    validate_rules,
)

ALL_ZERO = {number: 0 for number, _name in DIMENSIONS}


@pytest.mark.parametrize(
    ("ratings", "level", "hours", "driving"),
    [
        ({}, "1.0", 3, (1, 2, 3, 4, 5, 6)),
        ({4: 2}, "2.1", 9, (4,)),
        ({4: 2, 5: 2}, "2.1", 9, (4, 5)),
        ({3: 3, 5: 2}, "2.5", 20, (3,)),
        ({1: 3}, "3.x", None, (1,)),
        ({1: 4, 3: 4}, "4", None, (1, 3)),
        ({6: 2}, "1.0", 3, (1, 2, 3, 4, 5, 6)),  # dimension 6 at 2 calls for no more than 1.0
    ],
)
def test_default_table_examples(ratings, level, hours, driving):
    suggestion = suggest_level(ALL_ZERO | ratings)
    assert (suggestion.level, suggestion.weekly_hours, suggestion.driving_dimensions) == (
        level,
        hours,
        driving,
    )


def test_a_programs_own_table_is_used():
    strict = {number: ("2.1", "2.1", "2.5", "3.x", "4") for number, _ in DIMENSIONS}
    assert suggest_level(ALL_ZERO, strict).level == "2.1"


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        (ALL_ZERO | {3: 5}, "Dimension 3"),
        (ALL_ZERO | {2: None}, "Dimension 2"),
        ({1: 0}, "Dimension 2"),
        (ALL_ZERO | {7: 1}, "Unknown dimensions"),
        (ALL_ZERO | {1: True}, "Dimension 1"),
    ],
)
def test_bad_ratings_are_refused_naming_the_dimension(ratings, message):
    with pytest.raises(ValueError, match=message):
        suggest_level(ratings)


def test_a_table_where_a_higher_rating_calls_for_less_is_refused():
    bad = dict(DEFAULT_RULES) | {2: ("2.1", "1.0", "2.1", "2.5", "4")}
    with pytest.raises(ValueError, match="Dimension 2: a higher rating"):
        validate_rules(bad)


ratings_strategy = st.fixed_dictionaries(
    {number: st.integers(0, 4) for number, _name in DIMENSIONS}
)


@given(ratings_strategy, st.sampled_from([number for number, _ in DIMENSIONS]))
def test_raising_one_rating_never_lowers_the_level(ratings, dimension):
    before = suggest_level(ratings).level
    higher = ratings | {dimension: min(4, ratings[dimension] + 1)}
    assert LEVELS.index(suggest_level(higher).level) >= LEVELS.index(before)


@given(ratings_strategy)
def test_the_suggestion_is_what_some_dimension_calls_for(ratings):
    suggestion = suggest_level(ratings)
    calls = {number: DEFAULT_RULES[number][rating] for number, rating in ratings.items()}
    assert suggestion.level in calls.values()
    assert all(LEVELS.index(c) <= LEVELS.index(suggestion.level) for c in calls.values())
