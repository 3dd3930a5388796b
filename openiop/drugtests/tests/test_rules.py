"""The pure rules: interpretation, confirmation over screen, policy, random selection."""

import itertools
import random
import statistics
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.drugtests import rules
from openiop.drugtests.rules import AnalyteResult as R

# (results, prescribed, expected, unexpected, missing expected)
INTERPRETATION_TABLE = [
    ([R("BUP", "positive")], {"BUP"}, {"BUP"}, set(), set()),
    ([R("BUP", "negative")], {"BUP"}, set(), set(), {"BUP"}),
    ([R("BUP", "positive"), R("FEN", "positive")], {"BUP"}, {"BUP"}, {"FEN"}, set()),
    ([R("MTD", "positive"), R("BZO", "positive")], {"MTD", "BZO"}, {"MTD", "BZO"}, set(), set()),
    ([R("BZO", "negative"), R("MTD", "positive")], {"MTD", "BZO"}, {"MTD"}, set(), {"BZO"}),
    ([R("COC", "positive")], set(), set(), {"COC"}, set()),
    ([R("BUP", "invalid")], {"BUP"}, set(), set(), set()),  # invalid says nothing
    ([R("THC", "negative")], {"BUP"}, set(), set(), set()),  # BUP not tested: not missing
    ([R("bup", "positive")], {"BUP"}, {"BUP"}, set(), set()),  # codes are case-blind
]


@pytest.mark.parametrize(
    ("results", "prescribed", "expected", "unexpected", "missing"), INTERPRETATION_TABLE
)
def test_interpretation_table(results, prescribed, expected, unexpected, missing):
    found = rules.interpret(results, prescribed)
    assert (set(found.expected), set(found.unexpected), set(found.missing_expected)) == (
        expected,
        unexpected,
        missing,
    )


@pytest.mark.parametrize(
    ("screen", "confirmation", "effective"),
    [
        ("positive", None, "positive"),
        ("positive", "negative", "negative"),  # a false-positive screen is overturned
        ("negative", "positive", "positive"),
        ("positive", "invalid", "positive"),  # an invalid confirmation does not overturn
        (None, "positive", "positive"),
        (None, None, None),
    ],
)
def test_a_confirmation_supersedes_the_screen(screen, confirmation, effective):
    assert rules.effective_outcome(screen, confirmation) == effective


@pytest.mark.parametrize(
    ("policy", "unexpected", "refused", "validity", "reasons", "director"),
    [
        ("supportive", {"COC"}, False, "normal", ("unexpected_positive",), False),
        ("strict", {"COC"}, False, "normal", ("unexpected_positive",), True),
        ("supportive", set(), True, "", ("refusal",), False),
        ("strict", set(), False, "adulterated", ("adulterated",), True),
        ("supportive", set(), False, "substituted", ("substituted",), False),
        ("supportive", set(), False, "dilute", (), False),
        ("strict", set(), False, "normal", (), False),
    ],
)
def test_policy_actions(policy, unexpected, refused, validity, reasons, director):
    action = rules.follow_up(
        policy=policy, unexpected=unexpected, refused=refused, validity=validity
    )
    assert action.reasons == reasons
    assert action.notify_clinician is action.request_plan_review is bool(reasons)
    assert action.flag_director is director


def test_laboratory_names_map_to_panel_codes():
    known = {"BUP", "FEN", "ETG"}
    assert rules.analyte_code_for("FEN", "Fentanyl", known) == "FEN"
    assert rules.analyte_code_for("ETHYL GLUCURONIDE", "", known) == "ETG"
    assert rules.analyte_code_for("12345-6", "Norbuprenorphine", known) == "BUP"
    assert rules.analyte_code_for("XYZ", "Kratom", known) == "XYZ"
    assert rules.is_validity_test("CREATININE", "Creatinine (validity)")
    assert not rules.is_validity_test("COC", "Cocaine")


def test_the_default_panels_hold_the_twelve_panel_cup_and_add_ons():
    urine = rules.DEFAULT_PANELS[0]
    codes = {a.code for a in urine.analytes}
    assert {"AMP", "BAR", "BUP", "BZO", "COC", "MDMA", "MET", "OPI", "MTD", "OXY", "PCP"} < codes
    assert {"THC", "FEN", "ETG"} < codes
    assert [p.specimen_type for p in rules.DEFAULT_PANELS] == ["urine", "oral_fluid", "breath"]


def _simulate(weeks, participants, *, rate, max_gap, weekdays=(0, 1, 2, 3, 4), seed=20261123):
    """Run the draw every draw day for ``weeks``; every selected participant is tested."""
    rng = random.Random(seed)  # noqa: S311 (a fixed seed for the test only)
    p = rules.selection_probability(rate, len(weekdays), max_gap)
    start = date(2026, 1, 5)  # a Monday
    last = dict.fromkeys(range(participants), start)
    tests = {key: [] for key in range(participants)}
    day = start
    end = start + timedelta(weeks=weeks)
    while day < end:
        if day.weekday() in weekdays:
            candidates = [rules.Candidate(key, last[key]) for key in range(participants)]
            chosen = rules.draw(
                candidates,
                on=day,
                next_draw_on=rules.next_draw_day(day, weekdays),
                probability=p,
                max_gap_days=max_gap,
                rng=rng,
            )
            for selection in chosen:
                tests[selection.key].append(day)
                last[selection.key] = day
        day += timedelta(days=1)
    return start, end, tests


def test_over_many_weeks_each_participants_rate_is_close_to_the_target_and_gaps_hold():
    weeks, rate, max_gap = 150, 1.0, 14
    start, _end, tests = _simulate(weeks, 30, rate=rate, max_gap=max_gap)
    per_week = [len(days) / weeks for days in tests.values()]
    # Overall within 5 %, each participant within 25 % of the target (about 4 standard
    # deviations of a Bernoulli count over 150 weeks).
    assert statistics.mean(per_week) == pytest.approx(rate, rel=0.05)
    assert all(abs(r - rate) < 0.25 * rate for r in per_week)
    for days in tests.values():
        points = [start, *days]
        assert max((b - a).days for a, b in itertools.pairwise(points)) <= max_gap
        assert len(days) == len(set(days))  # never twice in a day


def test_a_tight_gap_forces_tests_and_still_holds():
    start, _end, tests = _simulate(20, 10, rate=0.5, max_gap=7)
    for days in tests.values():
        points = [start, *days]
        assert max((b - a).days for a, b in itertools.pairwise(points)) <= 7


def test_no_one_already_tested_today_is_drawn():
    candidates = [rules.Candidate(1, date(2026, 1, 1), has_test_today=True)]
    chosen = rules.draw(
        candidates,
        on=date(2026, 3, 2),
        next_draw_on=date(2026, 3, 3),
        probability=1.0,
        max_gap_days=3,
        rng=random.Random(1),  # noqa: S311
    )
    assert chosen == []


@given(
    rate=st.floats(min_value=0.1, max_value=5),
    days=st.integers(min_value=1, max_value=7),
    gap=st.integers(min_value=1, max_value=60),
)
def test_the_daily_chance_is_a_probability(rate, days, gap):
    assert 0 <= rules.selection_probability(rate, days, gap) <= 1
