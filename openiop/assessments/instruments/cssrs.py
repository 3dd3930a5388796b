"""C-SSRS screener: the Columbia-Suicide Severity Rating Scale, screen version, with triage.

Source: Posner K, Brown GK, Stanley B, et al. The Columbia-Suicide Severity Rating Scale:
initial validity and internal consistency findings from three multisite studies with
adolescents and adults. Am J Psychiatry 2011;168(12):1266-1277. Screener and triage points as
published by the Columbia Lighthouse Project (C-SSRS Screen Version with triage points).

Six yes/no questions. Questions 1 and 2 (past month) are always asked. "If YES to 2, ask
questions 3, 4, 5, and 6. If NO to 2, go directly to question 6": so when question 2 is no,
answers 3-5 must be None (skipped by the rule), and when it is yes they are required. Question 6
asks about suicidal behaviour ever; when it is yes, whether that was within the past 3 months is
required as context ``behavior_within_3_months`` (True/False); when it is no, that context must
not be given.

Risk (the highest that applies):

* ``high``: question 4 or 5 yes, or question 6 yes within the past 3 months;
* ``moderate``: question 3 yes, or question 6 yes more than 3 months ago;
* ``low``: question 1 or 2 yes;
* ``none``: otherwise.

Alerts: ``suicide_risk_high``, ``suicide_risk_moderate`` or ``suicide_risk_low``. No total.

Item text: the C-SSRS category names, not the questions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .base import YES_NO, Instrument, Item, Score, check_answer_list, check_value

ITEMS = (
    Item("1", "Wish to be dead", YES_NO),
    Item("2", "Non-specific active suicidal thoughts", YES_NO),
    Item("3", "Suicidal thoughts with method (without specific plan or intent to act)", YES_NO),
    Item("4", "Suicidal intent (without specific plan)", YES_NO),
    Item("5", "Suicidal intent with specific plan", YES_NO),
    Item("6", "Suicidal behaviour (ever)", YES_NO),
)
SKIPPED_WHEN_2_IS_NO = ("3", "4", "5")
WITHIN = "behavior_within_3_months"
RISK_LEVELS = ("none", "low", "moderate", "high")


def _within_3_months(instrument: Instrument, behaviour: bool, context: Mapping[str, Any]) -> bool:
    within = context.get(WITHIN)
    if not behaviour:
        if within is not None:
            raise ValueError(
                f"{instrument.name}: {WITHIN} is only asked when item 6 is yes; item 6 is no, "
                f"so leave it out (got {within!r})"
            )
        return False
    if isinstance(within, bool):
        return within
    if isinstance(within, int) and within in (0, 1):
        return bool(within)
    raise ValueError(
        f"{instrument.name}: item 6 is yes, so {WITHIN} (True or False: was the behaviour "
        f"within the past 3 months?) is required; got {within!r}"
    )


def score_cssrs(
    instrument: Instrument, answers: Sequence[Any], context: Mapping[str, Any]
) -> Score:
    numbers = (item.number for item in instrument.items)
    raw = dict(zip(numbers, check_answer_list(instrument, answers), strict=True))
    yes: dict[str, bool] = {}
    for number in ("1", "2"):
        yes[number] = bool(check_value(instrument, instrument.item(number), raw[number]))
    for number in SKIPPED_WHEN_2_IS_NO:
        if yes["2"]:
            if raw[number] is None:
                raise ValueError(
                    f"{instrument.name} item {number}: no answer (None); it must be asked "
                    "because item 2 is yes"
                )
            yes[number] = bool(check_value(instrument, instrument.item(number), raw[number]))
        else:
            if raw[number] is not None:
                raise ValueError(
                    f"{instrument.name} item {number}: must be None (skipped by the rule) "
                    f"because item 2 is no; got {raw[number]!r}"
                )
            yes[number] = False
    yes["6"] = bool(check_value(instrument, instrument.item("6"), raw["6"]))
    recent = _within_3_months(instrument, yes["6"], context)

    if yes["4"] or yes["5"] or (yes["6"] and recent):
        risk = "high"
    elif yes["3"] or yes["6"]:
        risk = "moderate"
    elif yes["1"] or yes["2"]:
        risk = "low"
    else:
        risk = "none"
    alerts = () if risk == "none" else (f"suicide_risk_{risk}",)
    return Score(total=None, band=risk, subscales={}, alerts=alerts)


CSSRS = Instrument(
    code="cssrs",
    name="C-SSRS screener",
    items=ITEMS,
    recall_period="Past month (items 1-5); ever, and whether in the past 3 months (item 6)",
    citation=(
        "Posner K, Brown GK, Stanley B, et al. The Columbia-Suicide Severity Rating Scale: "
        "initial validity and internal consistency findings from three multisite studies with "
        "adolescents and adults. Am J Psychiatry. 2011;168(12):1266-1277. Screen version with "
        "triage points: The Columbia Lighthouse Project."
    ),
    licence=(
        "Copyright The Research Foundation for Mental Hygiene, Inc. (RFMH). The Columbia "
        "Lighthouse Project makes the C-SSRS available without charge for clinical use in "
        "health-care and community settings; commercial and industry-sponsored use, and "
        "electronic implementations, are licensed (electronic versions are sublicensed by "
        "eResearch Technology/Clario for RFMH and require certification). A program must opt "
        "in and confirm its use is covered; the terms should be confirmed with the Columbia "
        "Lighthouse Project before use in a hosted product. OpenIOP ships the C-SSRS category "
        "names, not the question wording."
    ),
    requires_program_opt_in=True,
    scorer=score_cssrs,
    context_keys=frozenset({WITHIN}),
    notes=(
        "Answers are yes/no (True/False, 1/0 accepted); items 3-5 are None when item 2 is no. "
        "Context behavior_within_3_months is required when item 6 is yes. Band is the risk "
        "level; there is no total."
    ),
)
