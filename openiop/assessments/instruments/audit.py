"""AUDIT and AUDIT-C: the WHO Alcohol Use Disorders Identification Test and its first 3 items.

AUDIT source: Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use
Disorders Identification Test. Guidelines for Use in Primary Care. 2nd ed. Geneva: World Health
Organization; 2001 (WHO/MSD/MSB/01.6a). Items 1-8 score 0-4; items 9 and 10 have three answers
scored 0, 2 and 4, so 1 and 3 are not answers to them. Total 0-40. Risk zones I-IV of the manual:
0-7, 8-15, 16-19, 20-40. Its three domains (consumption 1-3, dependence 4-6, harm 7-10) are
reported as subscales.

AUDIT-C source: Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol
consumption questions (AUDIT-C). Arch Intern Med 1998;158(16):1789-1795; sex-specific cut-points
from Bradley KA et al. AUDIT-C as a brief screen for alcohol misuse in primary care. Alcohol
Clin Exp Res 2007;31(7):1208-1217: positive at 4 or more for men, 3 or more for women. The
cut-point depends on sex, which the caller must give explicitly; it is never guessed.

Item text: descriptive labels only (the domain names of the WHO manual), not the questions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .base import Instrument, Item, Score, frozen_mapping, sum_score, sums_items

FREQUENCY_OF_DRINKING = (
    (0, "Never"),
    (1, "Monthly or less"),
    (2, "2 to 4 times a month"),
    (3, "2 to 3 times a week"),
    (4, "4 or more times a week"),
)
DRINKS_PER_DAY = (
    (0, "1 or 2"),
    (1, "3 or 4"),
    (2, "5 or 6"),
    (3, "7 to 9"),
    (4, "10 or more"),
)
HOW_OFTEN = (
    (0, "Never"),
    (1, "Less than monthly"),
    (2, "Monthly"),
    (3, "Weekly"),
    (4, "Daily or almost daily"),
)
EVER = (
    (0, "No"),
    (2, "Yes, but not in the last year"),
    (4, "Yes, during the last year"),
)

ITEMS = (
    Item("1", "Frequency of drinking", FREQUENCY_OF_DRINKING),
    Item("2", "Typical quantity (drinks on a typical drinking day)", DRINKS_PER_DAY),
    Item("3", "Frequency of heavy drinking (six or more drinks on one occasion)", HOW_OFTEN),
    Item("4", "Impaired control over drinking", HOW_OFTEN),
    Item("5", "Increased salience of drinking", HOW_OFTEN),
    Item("6", "Morning drinking", HOW_OFTEN),
    Item("7", "Guilt after drinking", HOW_OFTEN),
    Item("8", "Blackouts", HOW_OFTEN),
    Item("9", "Alcohol-related injuries", EVER),
    Item("10", "Others concerned about drinking", EVER),
)

ZONES = ((0, "low_risk"), (8, "hazardous"), (16, "harmful"), (20, "possible_dependence"))

AUDIT_LICENCE = (
    "Copyright World Health Organization (manual WHO/MSD/MSB/01.6a, 2001). The questionnaire "
    "is distributed by WHO for use in health care and is widely reproduced, but WHO's terms "
    "for reproducing it inside software were not confirmed for OpenIOP: a program must opt in "
    "and confirm it may use the AUDIT. OpenIOP ships descriptive item labels, not the "
    "question wording."
)

AUDIT = Instrument(
    code="audit",
    name="AUDIT",
    items=ITEMS,
    recall_period="Past year (items 9-10: ever, and whether in the last year)",
    citation=(
        "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use "
        "Disorders Identification Test. Guidelines for Use in Primary Care. 2nd ed. Geneva: "
        "World Health Organization; 2001. WHO/MSD/MSB/01.6a."
    ),
    licence=AUDIT_LICENCE,
    requires_program_opt_in=True,
    scorer=sum_score,
    bands=ZONES,
    total_range=(0, 40),
    subscales=frozen_mapping(
        {
            "consumption": ("1", "2", "3"),
            "dependence": ("4", "5", "6"),
            "harm": ("7", "8", "9", "10"),
        }
    ),
)

SEXES = ("female", "male")
AUDITC_BANDS = frozen_mapping(
    {
        "female": ((0, "negative"), (3, "positive")),
        "male": ((0, "negative"), (4, "positive")),
    }
)


@sums_items
def score_auditc(
    instrument: Instrument, answers: Sequence[Any], context: Mapping[str, Any]
) -> Score:
    sex = context.get("sex")
    if not isinstance(sex, str) or sex not in SEXES:
        raise ValueError(
            f"AUDIT-C needs sex='female' or sex='male' to choose its cut-off (3 for women, "
            f"4 for men); got {sex!r}. It is never guessed."
        )
    return sum_score(instrument, answers, context, table=instrument.band_variants[sex])


AUDITC = Instrument(
    code="auditc",
    name="AUDIT-C",
    items=ITEMS[:3],
    recall_period="Past year",
    citation=(
        "Bush K, Kivlahan DR, McDonell MB, Fihn SD, Bradley KA. The AUDIT alcohol consumption "
        "questions (AUDIT-C): an effective brief screening test for problem drinking. Arch "
        "Intern Med. 1998;158(16):1789-1795. Cut-points: Bradley KA, DeBenedetti AF, Volk RJ, "
        "et al. AUDIT-C as a brief screen for alcohol misuse in primary care. Alcohol Clin Exp "
        "Res. 2007;31(7):1208-1217."
    ),
    licence=(
        "The AUDIT-C is the first three questions of the WHO AUDIT, so the AUDIT's terms "
        "apply: " + AUDIT_LICENCE
    ),
    requires_program_opt_in=True,
    scorer=score_auditc,
    band_variants=AUDITC_BANDS,
    total_range=(0, 12),
    context_keys=frozenset({"sex"}),
    notes="Context: sex='female' or 'male' (required).",
)
