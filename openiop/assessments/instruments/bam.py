"""Brief Addiction Monitor: the 30-day BAM (``bam``) and the 7-day IOP version (``bam7``).

Sources: Cacciola JS, Alterman AI, DePhilippis D, et al. Development and initial evaluation of
the Brief Addiction Monitor (BAM). J Subst Abuse Treat 2013;44(3):256-263. Scoring as in the VA
BAM manuals and the VA Mental Health Assistant (VistA MHA, patch YS*5.01*105: BAM-R, BAM-C and
BAM-IOP), and the VA's BAM form with categorical answers.

17 numbered items; item 7 has seven sub-items 7A-7G (days of use of each drug type). Answers are
given in printed order as **23 positions**: items 1-6, then 7A-7G, then items 8-17. Every item
is answered on a 0-4 scale: days-based items use the categories of the VA form (30-day version:
0, 1-3, 4-8, 9-15, 16-30 days), item 14 (enough income) is No = 0 / Yes = 4.

* Use = items 4 + 5 + 6 (0-12); any use (> 0) is flagged: alert ``bam_use``.
* Risk factors = items 1 + 2 + 3 + 8 + 11 + 15 (0-24); 12 or more is flagged: ``bam_risk_high``.
* Protective factors = items 9 + 10 + 12 + 13 + 14 + 16 (0-24); 12 or less is flagged:
  ``bam_protective_low``.
* Items 7A-7G elaborate item 6 and item 17 (satisfaction with progress) is a global item: both
  are validated and kept with the raw answers, but score nothing. No total, no band.

Skip rules of the form: item 4 = 0 skips item 5, and item 6 = 0 skips 7A-7G. A skipped item may
be given as None (it is then 0: no drinking days means no heavy-drinking days) or as 0. The VA
MHA's consistency checks are enforced: item 5 cannot exceed item 4, and no 7A-7G sub-item can
exceed item 6 (VistA routine YTSBAMI).

Item text: descriptive labels, not the questions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .base import (
    AnswerValue,
    Instrument,
    Item,
    Score,
    check_answer_list,
    check_value,
    frozen_mapping,
)

DAYS_30 = ((0, "0"), (1, "1-3"), (2, "4-8"), (3, "9-15"), (4, "16-30"))
# The VA's BAM-IOP asks the same items over the past 7 days and scores them on the same 0-4
# scale (subscale ranges 0-12/0-24/0-24 and the same cut-offs in the VA MHA). Its day bands were
# not found in a published source; these are OpenIOP's and must be checked against the VA form.
DAYS_7 = ((0, "0"), (1, "1-2"), (2, "3-4"), (3, "5-6"), (4, "7"))
HEALTH = ((0, "Excellent"), (1, "Very good"), (2, "Good"), (3, "Fair"), (4, "Poor"))
EXTENT = (
    (0, "Not at all"),
    (1, "Slightly"),
    (2, "Moderately"),
    (3, "Considerably"),
    (4, "Extremely"),
)
INCOME = ((0, "No"), (4, "Yes"))

DRUG_TYPES = (
    ("7A", "Days used marijuana (cannabis)"),
    ("7B", "Days used sedatives or tranquilizers"),
    ("7C", "Days used cocaine or crack"),
    ("7D", "Days used other stimulants"),
    ("7E", "Days used opiates"),
    ("7F", "Days used inhalants"),
    ("7G", "Days used other drugs"),
)

SUBSCALES = {
    "use": ("4", "5", "6"),
    "risk": ("1", "2", "3", "8", "11", "15"),
    "protective": ("9", "10", "12", "13", "14", "16"),
}
RISK_FLAG_AT = 12  # risk factors of 12 or more
PROTECTIVE_FLAG_AT = 12  # protective factors of 12 or less

# Item -> the item that gates it: skipped when the gate is 0, and never more than the gate.
SKIPPED_BY = {"5": "4", **{number: "6" for number, _ in DRUG_TYPES}}


def _items(days: tuple[tuple[int, str], ...]) -> tuple[Item, ...]:
    return (
        Item("1", "Physical health", HEALTH),
        Item("2", "Nights with trouble falling or staying asleep", days),
        Item("3", "Days feeling depressed, anxious, angry or very upset most of the day", days),
        Item("4", "Days drinking any alcohol", days),
        Item("5", "Days of heavy drinking (5+ drinks for men, 4+ for women)", days),
        Item("6", "Days using illegal or street drugs or misusing prescription medication", days),
        *(Item(number, text, days, scored=False) for number, text in DRUG_TYPES),
        Item("8", "Bothered by cravings or urges to drink or use drugs", EXTENT),
        Item("9", "Confidence in staying completely abstinent", EXTENT),
        Item("10", "Days attending self-help meetings (e.g. AA, NA)", days),
        Item("11", "Days in risky situations or with people who put recovery at risk", days),
        Item("12", "Religion or spirituality supports recovery", EXTENT),
        Item("13", "Days spending much of the time at work, school or volunteering", days),
        Item("14", "Enough income from legal sources for necessities", INCOME),
        Item("15", "Bothered by arguments or problems with family or friends", EXTENT),
        Item("16", "Days in contact with family or friends supportive of recovery", days),
        Item("17", "Satisfaction with progress toward recovery goals", EXTENT, scored=False),
    )


def _values(instrument: Instrument, answers: Any) -> dict[str, AnswerValue]:
    raw = check_answer_list(instrument, answers)
    values: dict[str, AnswerValue] = {}
    for item, value in zip(instrument.items, raw, strict=True):
        gate = SKIPPED_BY.get(item.number)
        if value is None and gate is not None and values[gate] == 0:
            values[item.number] = 0  # skipped by the form's rule: implied 0 days
            continue
        values[item.number] = check_value(instrument, item, value)
        if gate is not None and values[item.number] > values[gate]:
            raise ValueError(
                f"{instrument.name} item {item.number}: {values[item.number]} cannot be more "
                f"than item {gate} ({values[gate]}); {item.text.lower()} are a subset of item "
                f"{gate}'s days"
            )
    return values


def score_bam(instrument: Instrument, answers: Sequence[Any], context: Mapping[str, Any]) -> Score:
    values = _values(instrument, answers)
    subscales = {
        name: sum(int(values[number]) for number in numbers) for name, numbers in SUBSCALES.items()
    }
    alerts = []
    if subscales["use"] > 0:
        alerts.append("bam_use")
    if subscales["risk"] >= RISK_FLAG_AT:
        alerts.append("bam_risk_high")
    if subscales["protective"] <= PROTECTIVE_FLAG_AT:
        alerts.append("bam_protective_low")
    return Score(total=None, band=None, subscales=subscales, alerts=tuple(alerts))


CITATION = (
    "Cacciola JS, Alterman AI, DePhilippis D, Drapkin ML, Valadez C Jr, Fala NC, Oslin D, "
    "McKay JR. Development and initial evaluation of the Brief Addiction Monitor (BAM). "
    "J Subst Abuse Treat. 2013;44(3):256-263. Scoring: VA BAM manual (Philadelphia VA CESATE) "
    "and VA Mental Health Assistant (VistA YS*5.01*105)."
)
LICENCE = (
    "Developed for the US Department of Veterans Affairs (Philadelphia VA CESATE and VISN 4 "
    "MIRECC) and distributed by the VA for clinical use without a fee; no licence terms were "
    "found. OpenIOP ships descriptive item labels until the wording's status is confirmed."
)

BAM = Instrument(
    code="bam",
    name="BAM",
    items=_items(DAYS_30),
    recall_period="Past 30 days",
    citation=CITATION,
    licence=LICENCE,
    requires_program_opt_in=False,
    scorer=score_bam,
    subscales=frozen_mapping(SUBSCALES),
    notes=(
        "23 answers: items 1-6, 7A-7G, 8-17. Items 7A-7G and 17 are not scored. No total or "
        "band; flags are alerts."
    ),
)

BAM7 = Instrument(
    code="bam7",
    name="BAM-IOP",
    items=_items(DAYS_7),
    recall_period="Past 7 days",
    citation=CITATION
    + " 7-day version: VA BAM-IOP (VistA YS*5.01*105), same items and scoring over 7 days.",
    licence=LICENCE,
    requires_program_opt_in=False,
    scorer=score_bam,
    subscales=frozen_mapping(SUBSCALES),
    notes=(
        "Same answers and scoring as the 30-day BAM. The 7-day day bands (0, 1-2, 3-4, 5-6, 7) "
        "are provisional: not confirmed against the VA BAM-IOP form."
    ),
)
