"""Worked examples for every shipped instrument, at each band edge and each special rule.

No source paper gives a scored example for these instruments (the PHQ-9, GAD-7, AUDIT, DAST-10,
PCL-5, BAM and C-SSRS papers publish cut-points and rules, not worked cases), so the cases below
are built to sit on each published edge; each table names the rule it checks and its source.
"""

import subprocess
import sys

import pytest

from openiop.assessments.instruments import INSTRUMENTS, Score, get, score


def spread(total: int, count: int, maximum: int, *, keep_last_zero: bool = False) -> list[int]:
    """``count`` answers of at most ``maximum`` that add up to ``total``, filled from item 1."""
    answers = []
    remaining = total
    for index in range(count):
        if keep_last_zero and index == count - 1:
            answers.append(0)
            continue
        answers.append(min(maximum, remaining))
        remaining -= answers[-1]
    assert remaining == 0, "total does not fit"
    return answers


# --- PHQ-9: Kroenke, Spitzer & Williams 2001, severity cut-points 5, 10, 15, 20 -------------

PHQ9_EDGES = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately_severe"),
    (19, "moderately_severe"),
    (20, "severe"),
    (24, "severe"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9_EDGES)
def test_phq9_total_falls_in_its_published_severity_band(total, band):
    answers = spread(total, 9, 3, keep_last_zero=True)
    assert score("phq9", answers) == Score(total=total, band=band, subscales={}, alerts=())


def test_phq9_maximum_is_severe_and_raises_the_suicide_alert():
    assert score("phq9", [3] * 9) == Score(27, "severe", {}, ("suicide_risk",))


@pytest.mark.parametrize("item_9", [1, 2, 3])
def test_phq9_any_answer_above_not_at_all_on_item_9_raises_suicide_risk(item_9):
    result = score("phq9", [0] * 8 + [item_9])
    assert result.band == "minimal"
    assert result.alerts == ("suicide_risk",)


# --- GAD-7: Spitzer et al. 2006, cut-points 5, 10, 15 ----------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_total_falls_in_its_published_band(total, band):
    assert score("gad7", spread(total, 7, 3)) == Score(total, band, {}, ())


# --- AUDIT: WHO manual (Babor et al. 2001), zones 0-7, 8-15, 16-19, 20-40 ---------------------


def audit_answers(total: int) -> list[int]:
    """Items 1-8 first (0-4), then 9 and 10 in steps of 2."""
    first = min(total, 32)
    rest = total - first
    assert rest % 2 == 0
    return spread(first, 8, 4) + spread(rest, 2, 4)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "low_risk"),
        (7, "low_risk"),
        (8, "hazardous"),
        (15, "hazardous"),
        (16, "harmful"),
        (19, "harmful"),
        (20, "possible_dependence"),
        (40, "possible_dependence"),
    ],
)
def test_audit_total_falls_in_its_who_risk_zone(total, band):
    result = score("audit", audit_answers(total))
    assert (result.total, result.band) == (total, band)


def test_audit_reports_consumption_dependence_and_harm_domains():
    result = score("audit", [4, 3, 2, 1, 0, 0, 0, 0, 2, 4])
    assert result == Score(
        total=16,
        band="harmful",
        subscales={"consumption": 9, "dependence": 1, "harm": 6},
        alerts=(),
    )


@pytest.mark.parametrize("item", [9, 10])
@pytest.mark.parametrize(("value", "points"), [(0, 0), (2, 2), (4, 4)])
def test_audit_items_9_and_10_score_0_2_or_4(item, value, points):
    answers = [0] * 10
    answers[item - 1] = value
    assert score("audit", answers).total == points


@pytest.mark.parametrize("item", [9, 10])
@pytest.mark.parametrize("value", [1, 3])
def test_audit_items_9_and_10_refuse_1_and_3(item, value):
    answers = [0] * 10
    answers[item - 1] = value
    with pytest.raises(ValueError, match=rf"^AUDIT item {item}: {value} is not one of 0, 2, 4$"):
        score("audit", answers)


# --- AUDIT-C: Bush et al. 1998; cut-points 4 for men, 3 for women (Bradley et al. 2007) -------


@pytest.mark.parametrize(
    ("sex", "answers", "band"),
    [
        ("male", [1, 1, 1], "negative"),
        ("male", [2, 1, 1], "positive"),
        ("female", [1, 1, 0], "negative"),
        ("female", [1, 1, 1], "positive"),
        ("male", [0, 0, 0], "negative"),
        ("female", [4, 4, 4], "positive"),
    ],
)
def test_auditc_uses_the_cut_off_for_the_given_sex(sex, answers, band):
    result = score("auditc", answers, sex=sex)
    assert (result.total, result.band) == (sum(answers), band)


def test_auditc_same_answers_differ_by_sex_at_three():
    assert score("auditc", [1, 1, 1], sex="female").band == "positive"
    assert score("auditc", [1, 1, 1], sex="male").band == "negative"


@pytest.mark.parametrize("context", [{}, {"sex": None}, {"sex": "Male"}, {"sex": "f"}, {"sex": 1}])
def test_auditc_never_guesses_sex(context):
    with pytest.raises(ValueError, match="AUDIT-C needs sex='female' or sex='male'"):
        score("auditc", [1, 1, 1], **context)


# --- DAST-10: Skinner 1982 / CAMH; item 3 scores on "no"; 0, 1-2, 3-5, 6-8, 9-10 --------------


def dast_answers(yes_items: set[int]) -> list[bool]:
    return [n in yes_items for n in range(1, 11)]


@pytest.mark.parametrize(
    ("yes_items", "total", "band"),
    [
        ({3}, 0, "none"),
        (set(), 1, "low"),  # "no" to item 3 ("always able to stop?") scores
        ({1, 3}, 1, "low"),
        ({1}, 2, "low"),
        ({1, 2}, 3, "moderate"),
        ({1, 2, 4, 5}, 5, "moderate"),
        ({1, 2, 4, 5, 6}, 6, "substantial"),
        ({1, 2, 4, 5, 6, 7, 8}, 8, "substantial"),
        ({1, 2, 4, 5, 6, 7, 8, 9}, 9, "severe"),
        ({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 9, "severe"),
        ({1, 2, 4, 5, 6, 7, 8, 9, 10}, 10, "severe"),
    ],
)
def test_dast10_scores_yes_except_item_3_which_scores_no(yes_items, total, band):
    assert score("dast10", dast_answers(yes_items)) == Score(total, band, {}, ())


def test_dast10_accepts_1_and_0_for_yes_and_no():
    as_ints = [int(answer) for answer in dast_answers({1, 2})]
    assert score("dast10", as_ints) == score("dast10", dast_answers({1, 2}))


# --- PCL-5: Weathers et al. 2013 (National Center for PTSD) -----------------------------------


def pcl5_answers(**rated: int) -> list[int]:
    """Items not named are 0; name them as i1 ... i20."""
    return [rated.get(f"i{n}", 0) for n in range(1, 21)]


@pytest.mark.parametrize(
    ("total", "context", "band"),
    [
        (32, {}, "below_cutoff"),
        (33, {}, "probable_ptsd"),
        (80, {}, "probable_ptsd"),
        (0, {}, "below_cutoff"),
        (30, {"cutoff": 31}, "below_cutoff"),
        (31, {"cutoff": 31}, "probable_ptsd"),
        (32, {"cutoff": 33}, "below_cutoff"),
    ],
)
def test_pcl5_band_is_probable_ptsd_at_or_above_the_cutoff(total, context, band):
    # Items 6 and 7 (cluster C) stay 0 so the DSM-5 rule cannot add an alert.
    answers = [0] * 20
    remaining = total
    for index in [*range(0, 5), *range(7, 20)]:
        answers[index] = min(4, remaining)
        remaining -= answers[index]
    if remaining:
        answers[5] = min(4, remaining)
        answers[6] = remaining - answers[5]
    result = score("pcl5", answers, **context)
    assert (result.total, result.band) == (total, band)


def test_pcl5_reports_the_four_dsm5_cluster_severities():
    result = score("pcl5", [n % 5 for n in range(20)])
    # items 1-20 rated 0,1,2,3,4,0,1,2,... -> B=0+1+2+3+4, C=0+1, D=2+3+4+0+1+2+3, E=4+0+1+2+3+4
    assert result.subscales == {"cluster_b": 10, "cluster_c": 1, "cluster_d": 15, "cluster_e": 14}
    assert result.total == 40


def test_pcl5_provisional_diagnosis_can_be_met_with_a_total_below_33():
    answers = pcl5_answers(i1=2, i6=2, i8=2, i9=2, i15=2, i16=2)
    result = score("pcl5", answers)
    assert result == Score(
        total=12,
        band="below_cutoff",
        subscales={"cluster_b": 2, "cluster_c": 2, "cluster_d": 4, "cluster_e": 4},
        alerts=("ptsd_provisional_diagnosis",),
    )


def test_pcl5_high_total_without_a_cluster_c_symptom_fails_the_dsm5_rule():
    answers = [4] * 20
    answers[5] = answers[6] = 1  # avoidance items rated below "moderately"
    result = score("pcl5", answers)
    assert (result.total, result.band, result.alerts) == (74, "probable_ptsd", ())


def test_pcl5_one_cluster_d_symptom_is_not_enough():
    answers = pcl5_answers(i1=2, i6=2, i8=2, i9=1, i10=1, i15=2, i16=2)
    assert score("pcl5", answers).alerts == ()


def test_pcl5_items_rated_1_are_not_endorsed():
    assert score("pcl5", [1] * 20).alerts == ()


# --- BAM: Cacciola et al. 2013; VA scoring (use > 0, risk >= 12, protective <= 12) ------------

BAM_NUMBERS = [item.number for item in get("bam").items]


def bam_answers(default: int | None = 0, **values) -> list:
    """23 answers in printed order; name items as i1 ... i17 and i7a ... i7g."""
    return [values.get(f"i{number.lower()}", default) for number in BAM_NUMBERS]


PROTECTIVE_13 = {"i9": 4, "i10": 4, "i12": 4, "i13": 1}


def test_bam_answers_are_23_positions_with_item_7_as_7a_to_7g():
    expected = [
        *"123456",
        "7A",
        "7B",
        "7C",
        "7D",
        "7E",
        "7F",
        "7G",
        *[str(n) for n in range(8, 18)],
    ]
    assert expected == BAM_NUMBERS


@pytest.mark.parametrize("code", ["bam", "bam7"])
@pytest.mark.parametrize(
    ("values", "subscales", "alerts"),
    [
        (PROTECTIVE_13, {"use": 0, "risk": 0, "protective": 13}, ()),
        ({**PROTECTIVE_13, "i4": 1}, {"use": 1, "risk": 0, "protective": 13}, ("bam_use",)),
        ({**PROTECTIVE_13, "i6": 1}, {"use": 1, "risk": 0, "protective": 13}, ("bam_use",)),
        (
            {**PROTECTIVE_13, "i1": 4, "i2": 4, "i3": 3},
            {"use": 0, "risk": 11, "protective": 13},
            (),
        ),
        (
            {**PROTECTIVE_13, "i1": 4, "i2": 4, "i3": 4},
            {"use": 0, "risk": 12, "protective": 13},
            ("bam_risk_high",),
        ),
        (
            {"i9": 4, "i10": 4, "i12": 4},
            {"use": 0, "risk": 0, "protective": 12},
            ("bam_protective_low",),
        ),
        ({}, {"use": 0, "risk": 0, "protective": 0}, ("bam_protective_low",)),
        (
            {"i1": 4, "i2": 4, "i3": 4, "i8": 4, "i11": 4, "i15": 4, "i4": 4, "i5": 4, "i6": 4},
            {"use": 12, "risk": 24, "protective": 0},
            ("bam_use", "bam_risk_high", "bam_protective_low"),
        ),
    ],
)
def test_bam_flags_use_risk_and_protective_at_their_edges(code, values, subscales, alerts):
    assert score(code, bam_answers(**values)) == Score(None, None, subscales, alerts)


def test_bam_income_item_14_is_no_0_or_yes_4():
    assert score("bam", bam_answers(i14=4)).subscales["protective"] == 4
    with pytest.raises(ValueError, match=r"^BAM item 14: 2 is not one of 0, 4$"):
        score("bam", bam_answers(i14=2))


def test_bam_items_7a_to_7g_and_17_are_recorded_but_not_scored():
    base = bam_answers(i6=4)
    heavy = bam_answers(i6=4, i7a=4, i7b=4, i7c=4, i7d=4, i7e=4, i7f=4, i7g=4, i17=4)
    assert score("bam", heavy) == score("bam", base)


def test_bam_skip_rules_take_none_for_skipped_items():
    skipped = bam_answers(i5=None, i7a=None, i7b=None, i7c=None, i7d=None, i7e=None, i7f=None)
    skipped[BAM_NUMBERS.index("7G")] = None
    assert score("bam", skipped) == score("bam", bam_answers())


def test_bam_item_5_is_required_when_item_4_reports_drinking():
    with pytest.raises(ValueError, match=r"^BAM item 5: no answer \(None\)"):
        score("bam", bam_answers(i4=2, i5=None))


def test_bam_sub_items_are_required_when_item_6_reports_drug_use():
    with pytest.raises(ValueError, match=r"^BAM item 7C: no answer \(None\)"):
        score("bam", bam_answers(i6=1, i7c=None))


def test_bam_heavy_drinking_days_cannot_exceed_drinking_days():
    with pytest.raises(ValueError, match=r"^BAM item 5: 3 cannot be more than item 4 \(2\)"):
        score("bam", bam_answers(i4=2, i5=3))


def test_bam_drug_sub_item_cannot_exceed_item_6():
    with pytest.raises(ValueError, match=r"^BAM-IOP item 7E: 2 cannot be more than item 6 \(1\)"):
        score("bam7", bam_answers(i6=1, i7e=2))


def test_bam_has_no_total_and_no_band():
    result = score("bam", bam_answers(**PROTECTIVE_13))
    assert (result.total, result.band) == (None, None)


# --- C-SSRS screener: Posner et al. 2011; Columbia Lighthouse Project triage points ----------

NO, YES, SKIP = False, True, None


@pytest.mark.parametrize(
    ("answers", "context", "risk"),
    [
        ([NO, NO, SKIP, SKIP, SKIP, NO], {}, "none"),
        ([YES, NO, SKIP, SKIP, SKIP, NO], {}, "low"),
        ([NO, YES, NO, NO, NO, NO], {}, "low"),
        ([YES, YES, YES, NO, NO, NO], {}, "moderate"),
        ([NO, NO, SKIP, SKIP, SKIP, YES], {"behavior_within_3_months": False}, "moderate"),
        ([YES, YES, NO, YES, NO, NO], {}, "high"),
        ([YES, YES, NO, NO, YES, NO], {}, "high"),
        ([NO, NO, SKIP, SKIP, SKIP, YES], {"behavior_within_3_months": True}, "high"),
        ([YES, YES, YES, NO, NO, YES], {"behavior_within_3_months": True}, "high"),
        ([1, 1, 1, 0, 0, 0], {}, "moderate"),
    ],
)
def test_cssrs_triage_gives_the_highest_risk_that_applies(answers, context, risk):
    alerts = () if risk == "none" else (f"suicide_risk_{risk}",)
    assert score("cssrs", answers, **context) == Score(None, risk, {}, alerts)


@pytest.mark.parametrize("item", [3, 4, 5])
def test_cssrs_items_3_to_5_must_be_skipped_when_item_2_is_no(item):
    answers = [YES, NO, SKIP, SKIP, SKIP, NO]
    answers[item - 1] = NO
    with pytest.raises(ValueError, match=rf"^C-SSRS screener item {item}: must be None"):
        score("cssrs", answers)


@pytest.mark.parametrize("item", [3, 4, 5])
def test_cssrs_items_3_to_5_are_required_when_item_2_is_yes(item):
    answers = [NO, YES, NO, NO, NO, NO]
    answers[item - 1] = SKIP
    with pytest.raises(ValueError, match=rf"^C-SSRS screener item {item}: no answer"):
        score("cssrs", answers)


@pytest.mark.parametrize("item", [1, 2, 6])
def test_cssrs_items_1_2_and_6_are_always_required(item):
    answers = [NO, NO, SKIP, SKIP, SKIP, NO]
    answers[item - 1] = SKIP
    with pytest.raises(ValueError, match=rf"^C-SSRS screener item {item}: no answer"):
        score("cssrs", answers)


@pytest.mark.parametrize("within", [None, "yes", 2])
def test_cssrs_behaviour_needs_to_say_whether_it_was_within_3_months(within):
    context = {} if within is None else {"behavior_within_3_months": within}
    with pytest.raises(ValueError, match=r"behavior_within_3_months .* is required"):
        score("cssrs", [NO, NO, SKIP, SKIP, SKIP, YES], **context)


@pytest.mark.parametrize("within", [True, False])
def test_cssrs_recency_is_refused_when_there_was_no_behaviour(within):
    with pytest.raises(ValueError, match="only asked when item 6 is yes"):
        score("cssrs", [NO, NO, SKIP, SKIP, SKIP, NO], behavior_within_3_months=within)


# --- definitions as data ----------------------------------------------------------------------


def test_all_nine_instruments_are_registered():
    assert set(INSTRUMENTS) == {
        "phq9",
        "gad7",
        "audit",
        "auditc",
        "dast10",
        "bam",
        "bam7",
        "pcl5",
        "cssrs",
    }


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_every_definition_cites_its_source_and_states_its_licence(code):
    instrument = get(code)
    assert instrument.code == code
    assert instrument.name and instrument.recall_period
    assert len(instrument.citation) > 40
    assert len(instrument.licence) > 40
    for item in instrument.items:
        assert item.text
        assert len(item.options) >= 2
        assert all(isinstance(label, str) and label for _, label in item.options)


def test_licences_that_limit_use_need_the_programs_opt_in():
    opt_in = {
        code for code, instrument in INSTRUMENTS.items() if instrument.requires_program_opt_in
    }
    # AUDIT-C is AUDIT items 1-3, so it follows the AUDIT's terms.
    assert opt_in == {"audit", "auditc", "dast10", "cssrs"}


def test_only_public_domain_instruments_ship_verbatim_item_text():
    verbatim = {code for code, instrument in INSTRUMENTS.items() if instrument.item_text_verbatim}
    assert verbatim == {"phq9", "gad7", "pcl5"}


def test_the_instrument_library_imports_only_the_standard_library():
    """A pure package: no web framework, no ORM, nothing outside the standard library."""
    program = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import openiop.assessments.instruments\n"
        "top = {name.split('.')[0] for name in set(sys.modules) - before}\n"
        "extra = sorted(top - set(sys.stdlib_module_names) - {'openiop'})\n"
        "assert not extra, extra\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True)  # noqa: S603
