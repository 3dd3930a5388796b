"""Properties that hold for every answer set, checked with hypothesis.

For every sum-scored instrument (PHQ-9, GAD-7, AUDIT, AUDIT-C, DAST-10, PCL-5 and any program's
own definition): the total stays within its range, every band table covers that range without
gaps or overlaps, and giving one item an answer worth more points never lowers the total.
"""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.assessments.instruments import (
    INSTRUMENTS,
    band_for,
    band_ranges,
    get,
    load_definition,
    score,
)
from openiop.assessments.instruments.bam import SUBSCALES
from openiop.assessments.instruments.cssrs import RISK_LEVELS
from openiop.assessments.instruments.pcl5 import band_table as pcl5_band_table

SUM_SCORED = sorted(code for code, instrument in INSTRUMENTS.items() if instrument.is_sum_scored)
# Every way each sum-scored instrument can be given: (code, context, band table in force).
VARIANTS = [
    ("phq9", {}, get("phq9").bands),
    ("gad7", {}, get("gad7").bands),
    ("audit", {}, get("audit").bands),
    ("auditc", {"sex": "female"}, get("auditc").band_variants["female"]),
    ("auditc", {"sex": "male"}, get("auditc").band_variants["male"]),
    ("dast10", {}, get("dast10").bands),
    ("pcl5", {}, get("pcl5").bands),
]


def test_the_sum_scored_instruments_are_the_ones_expected():
    assert SUM_SCORED == ["audit", "auditc", "dast10", "gad7", "pcl5", "phq9"]
    assert {code for code, _, _ in VARIANTS} == set(SUM_SCORED)


def answers_for(code):
    return st.tuples(*(st.sampled_from(item.values) for item in get(code).items)).map(list)


def assert_covers(table, total_range):
    ranges = band_ranges(table, total_range)
    assert ranges[0][0] == total_range[0]
    assert ranges[-1][1] == total_range[1]
    for low, high, _ in ranges:
        assert low <= high
    for (_, high, _), (next_low, _, _) in itertools.pairwise(ranges):
        assert next_low == high + 1
    assert len({code for _, _, code in ranges}) == len(ranges)
    for total in range(total_range[0], total_range[1] + 1):
        assert sum(1 for low, high, _ in ranges if low <= total <= high) == 1


@pytest.mark.parametrize(("code", "context", "table"), VARIANTS)
def test_band_table_covers_the_whole_range_without_gaps_or_overlaps(code, context, table):
    assert_covers(table, get(code).total_range)


@given(cutoff=st.integers(min_value=1, max_value=80))
def test_any_pcl5_cutoff_gives_a_table_without_gaps(cutoff):
    assert_covers(pcl5_band_table(cutoff), (0, 80))


@pytest.mark.parametrize(("code", "context", "table"), VARIANTS)
@given(data=st.data())
def test_total_is_the_sum_of_item_points_within_range_and_banded(code, context, table, data):
    instrument = get(code)
    answers = data.draw(answers_for(code))
    result = score(code, answers, **context)
    low, high = instrument.total_range
    assert low <= result.total <= high
    assert result.total == sum(
        item.points(value) for item, value in zip(instrument.items, answers, strict=True)
    )
    assert result.band == band_for(table, result.total)


@pytest.mark.parametrize(("code", "context", "table"), VARIANTS)
@given(data=st.data())
def test_raising_one_answer_never_lowers_the_total(code, context, table, data):
    instrument = get(code)
    answers = data.draw(answers_for(code))
    position = data.draw(st.integers(min_value=0, max_value=len(answers) - 1))
    item = instrument.items[position]
    higher = [v for v in item.values if item.points(v) >= item.points(answers[position])]
    raised = list(answers)
    raised[position] = data.draw(st.sampled_from(higher))
    assert score(code, raised, **context).total >= score(code, answers, **context).total


@given(cutoff=st.integers(min_value=1, max_value=80), data=st.data())
def test_pcl5_band_follows_the_chosen_cutoff(cutoff, data):
    answers = data.draw(answers_for("pcl5"))
    result = score("pcl5", answers, cutoff=cutoff)
    assert result.band == ("probable_ptsd" if result.total >= cutoff else "below_cutoff")
    assert sum(result.subscales.values()) == result.total


# --- the BAM: no total, but subscales and flags follow from the answers ------------------------


@st.composite
def bam_answers(draw):
    """Answers that respect the form's consistency rules (5 <= 4, 7A-7G <= 6)."""
    values = {}
    for item in get("bam").items:
        allowed = list(item.values)
        if item.number == "5":
            allowed = [v for v in allowed if v <= values["4"]]
        if item.number.startswith("7"):
            allowed = [v for v in allowed if v <= values["6"]]
        values[item.number] = draw(st.sampled_from(allowed))
    return list(values.values())


@pytest.mark.parametrize("code", ["bam", "bam7"])
@given(answers=bam_answers())
def test_bam_subscales_stay_in_range_and_flags_follow_them(code, answers):
    result = score(code, answers)
    assert (result.total, result.band) == (None, None)
    assert 0 <= result.subscales["use"] <= 12
    assert 0 <= result.subscales["risk"] <= 24
    assert 0 <= result.subscales["protective"] <= 24
    by_number = dict(zip((item.number for item in get(code).items), answers, strict=True))
    for name, numbers in SUBSCALES.items():
        assert result.subscales[name] == sum(by_number[n] for n in numbers)
    assert ("bam_use" in result.alerts) == (result.subscales["use"] > 0)
    assert ("bam_risk_high" in result.alerts) == (result.subscales["risk"] >= 12)
    assert ("bam_protective_low" in result.alerts) == (result.subscales["protective"] <= 12)


# --- the C-SSRS: saying yes to another question never lowers the risk --------------------------


@st.composite
def cssrs_case(draw):
    q1, q2, q6 = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    middle = [draw(st.booleans()) for _ in range(3)] if q2 else [None, None, None]
    context = {"behavior_within_3_months": draw(st.booleans())} if q6 else {}
    return [q1, q2, *middle, q6], context


@given(case=cssrs_case(), data=st.data())
def test_cssrs_another_yes_never_lowers_the_risk(case, data):
    answers, context = case
    result = score("cssrs", answers, **context)
    assert result.band in RISK_LEVELS
    assert result.alerts == (() if result.band == "none" else (f"suicide_risk_{result.band}",))
    flippable = [i for i in (0, 2, 3, 4) if answers[i] is False]
    if flippable:
        position = data.draw(st.sampled_from(flippable))
        raised = list(answers)
        raised[position] = True
        after = score("cssrs", raised, **context).band
        assert RISK_LEVELS.index(after) >= RISK_LEVELS.index(result.band)


# --- a program's own instrument obeys the same properties -------------------------------------


@st.composite
def definitions(draw):
    item_count = draw(st.integers(min_value=1, max_value=6))
    items = []
    for _ in range(item_count):
        values = draw(st.lists(st.integers(0, 5), min_size=2, max_size=4, unique=True))
        items.append({"text": "An item", "options": [[v, f"answer {v}"] for v in values]})
    low = sum(min(v for v, _ in item["options"]) for item in items)
    high = sum(max(v for v, _ in item["options"]) for item in items)
    floors = sorted(
        {low, *draw(st.lists(st.integers(low, high), max_size=3))},
    )
    return {
        "code": "generated",
        "name": "Generated",
        "recall_period": "Past week",
        "citation": "Generated for a property test",
        "licence": "None: test data",
        "items": items,
        "bands": [[floor, f"band_{index}"] for index, floor in enumerate(floors)],
    }


@given(definition=definitions(), data=st.data())
def test_a_loaded_definition_scores_within_its_range_and_bands(definition, data):
    instrument = load_definition(definition)
    assert instrument.is_sum_scored
    assert_covers(instrument.bands, instrument.total_range)
    answers = data.draw(st.tuples(*(st.sampled_from(i.values) for i in instrument.items)))
    result = instrument.scorer(instrument, list(answers), {})
    assert instrument.total_range[0] <= result.total <= instrument.total_range[1]
    assert result.band == band_for(instrument.bands, result.total)
