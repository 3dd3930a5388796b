"""Invalid input is refused with a ValueError that names the instrument and the item."""

import pytest

from openiop.assessments.instruments import INSTRUMENTS, get, score

VALID = {
    "phq9": ([0] * 9, {}),
    "gad7": ([0] * 7, {}),
    "audit": ([0] * 10, {}),
    "auditc": ([0] * 3, {"sex": "female"}),
    "dast10": ([False] * 10, {}),
    "bam": ([0] * 23, {}),
    "bam7": ([0] * 23, {}),
    "pcl5": ([0] * 20, {}),
    "cssrs": ([False, False, None, None, None, False], {}),
}


def test_every_instrument_has_a_valid_example_here():
    assert set(VALID) == set(INSTRUMENTS)


@pytest.mark.parametrize("code", sorted(VALID))
def test_the_valid_example_scores(code):
    answers, context = VALID[code]
    score(code, answers, **context)


@pytest.mark.parametrize("code", sorted(VALID))
@pytest.mark.parametrize("change", [-1, +1])
def test_wrong_number_of_answers_is_refused(code, change):
    answers, context = VALID[code]
    answers = answers[:-1] if change < 0 else [*answers, answers[0]]
    name = get(code).name
    expected = len(get(code).items)
    with pytest.raises(ValueError, match=rf"^{name} takes {expected} answers in item order, got"):
        score(code, answers, **context)


@pytest.mark.parametrize("answers", ["000000000", {"1": 0}, None, 0, {0, 1}])
def test_answers_must_be_a_list(answers):
    with pytest.raises(ValueError, match=r"^PHQ-9 answers must be a list in item order"):
        score("phq9", answers)


def test_a_tuple_of_answers_is_as_good_as_a_list():
    assert score("phq9", tuple([1] * 9)) == score("phq9", [1] * 9)


def test_out_of_range_answer_names_the_item_and_the_allowed_values():
    answers = [0, 0, 4, 0, 0, 0, 0, 0, 0]
    with pytest.raises(ValueError) as caught:
        score("phq9", answers)
    assert str(caught.value) == "PHQ-9 item 3: 4 is not one of 0, 1, 2, 3"


@pytest.mark.parametrize(
    ("code", "position", "value", "message"),
    [
        ("phq9", 0, -1, r"^PHQ-9 item 1: -1 is not one of 0, 1, 2, 3$"),
        ("gad7", 6, 3 + 1, r"^GAD-7 item 7: 4 is not one of 0, 1, 2, 3$"),
        ("audit", 0, 5, r"^AUDIT item 1: 5 is not one of 0, 1, 2, 3, 4$"),
        ("pcl5", 19, 5, r"^PCL-5 item 20: 5 is not one of 0, 1, 2, 3, 4$"),
        ("bam", 0, 5, r"^BAM item 1: 5 is not one of 0, 1, 2, 3, 4$"),
        ("bam", 22, 5, r"^BAM item 17: 5 is not one of 0, 1, 2, 3, 4$"),
        ("bam", 6, 7, r"^BAM item 7A: 7 is not one of 0, 1, 2, 3, 4$"),
        ("dast10", 4, 2, r"^DAST-10 item 5: 2 is not one of yes \(True or 1\), no \(False or 0\)$"),
    ],
)
def test_out_of_range_answers_are_refused(code, position, value, message):
    answers, context = VALID[code]
    answers = list(answers)
    answers[position] = value
    with pytest.raises(ValueError, match=message):
        score(code, answers, **context)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1", r"^PHQ-9 item 4: '1' \(str\) is not an integer answer$"),
        (1.0, r"^PHQ-9 item 4: 1.0 \(float\) is not an integer answer$"),
        (True, r"^PHQ-9 item 4: True \(bool\) is not an integer answer$"),
        ([1], r"^PHQ-9 item 4: \[1\] \(list\) is not an integer answer$"),
        (None, r"^PHQ-9 item 4: no answer \(None\); a missing item is never scored as 0$"),
    ],
)
def test_wrong_types_are_refused_naming_the_item(value, message):
    answers = [0] * 9
    answers[3] = value
    with pytest.raises(ValueError, match=message):
        score("phq9", answers)


@pytest.mark.parametrize("value", ["yes", "1", 1.0, None, "True"])
def test_yes_no_items_take_only_booleans_or_1_and_0(value):
    answers = [False] * 10
    answers[1] = value
    with pytest.raises(ValueError, match=r"^DAST-10 item 2: "):
        score("dast10", answers)


@pytest.mark.parametrize("code", ["phq9", "gad7", "audit", "pcl5", "bam", "bam7", "dast10"])
def test_a_missing_item_is_never_scored_as_zero(code):
    answers, context = VALID[code]
    answers = list(answers)
    answers[0] = None
    with pytest.raises(ValueError, match=r"item 1: no answer \(None\)"):
        score(code, answers, **context)


@pytest.mark.parametrize("code", ["PHQ9", "phq-9", "", "unknown", None, 9])
def test_unknown_instrument_code_is_a_value_error(code):
    with pytest.raises(ValueError, match=r"^unknown instrument"):
        score(code, [0] * 9)


def test_get_refuses_an_unknown_code():
    with pytest.raises(ValueError, match="known instruments: audit, auditc, bam"):
        get("madrs")


@pytest.mark.parametrize(
    ("code", "context"),
    [
        ("phq9", {"sex": "male"}),
        ("auditc", {"sex": "male", "cutoff": 4}),
        ("pcl5", {"cut_off": 31}),
        ("cssrs", {"behaviour_within_3_months": True}),
    ],
)
def test_context_an_instrument_does_not_use_is_refused(code, context):
    answers, base = VALID[code]
    with pytest.raises(ValueError, match="does not use"):
        score(code, answers, **{**base, **context})


@pytest.mark.parametrize(
    ("cutoff", "message"),
    [
        ("33", "must be an integer"),
        (33.0, "must be an integer"),
        (True, "must be an integer"),
        (None, "must be an integer"),
        (0, "must be between 1 and 80"),
        (81, "must be between 1 and 80"),
    ],
)
def test_pcl5_cutoff_must_be_a_possible_total(cutoff, message):
    with pytest.raises(ValueError, match=f"^PCL-5 cutoff {message}"):
        score("pcl5", [0] * 20, cutoff=cutoff)


def test_missing_sex_for_auditc_is_refused():
    with pytest.raises(ValueError, match="It is never guessed"):
        score("auditc", [0, 0, 0])
