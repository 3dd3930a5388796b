"""DAST-10: the 10-item Drug Abuse Screening Test, past 12 months, yes/no.

Source: Skinner HA. The Drug Abuse Screening Test. Addict Behav 1982;7(4):363-371; the 10-item
version and its scoring as distributed by the Centre for Addiction and Mental Health (CAMH),
Toronto: one point for each "yes", except item 3 ("always able to stop using drugs when you want
to?") where "no" scores the point. Total 0-10; degree of problems related to drug abuse:
0 none reported, 1-2 low, 3-5 moderate, 6-8 substantial, 9-10 severe.

Item text: descriptive labels only, not the questions (see the licence).
"""

from __future__ import annotations

from .base import YES_NO, Instrument, Item, sum_score

ITEMS = (
    Item("1", "Used drugs other than those required for medical reasons", YES_NO),
    Item("2", "Uses more than one drug at a time", YES_NO),
    Item("3", "Always able to stop using drugs when wanted (a 'no' scores)", YES_NO, reverse=True),
    Item("4", "Blackouts or flashbacks from drug use", YES_NO),
    Item("5", "Feels bad or guilty about drug use", YES_NO),
    Item("6", "Spouse or parents complain about drug use", YES_NO),
    Item("7", "Has neglected family because of drug use", YES_NO),
    Item("8", "Illegal activities to obtain drugs", YES_NO),
    Item("9", "Withdrawal symptoms when stopped taking drugs", YES_NO),
    Item("10", "Medical problems from drug use", YES_NO),
)

DEGREE = ((0, "none"), (1, "low"), (3, "moderate"), (6, "substantial"), (9, "severe"))

DAST10 = Instrument(
    code="dast10",
    name="DAST-10",
    items=ITEMS,
    recall_period="Past 12 months",
    citation=(
        "Skinner HA. The Drug Abuse Screening Test. Addict Behav. 1982;7(4):363-371. "
        "DAST-10 and its scoring as distributed by the Centre for Addiction and Mental Health, "
        "Toronto."
    ),
    licence=(
        "Copyright 1982 by Harvey A. Skinner, PhD, and the Centre for Addiction and Mental "
        "Health, Toronto, Canada. The instrument may be reproduced for non-commercial use "
        "(clinical, research, training purposes) as long as the author, Dr Harvey A. Skinner, "
        "is credited (CAMH terms as quoted by the CamCOPS documentation). Commercial use needs "
        "permission from the copyright holders, so a program must opt in and confirm its use "
        "is covered. OpenIOP ships descriptive item labels, not the question wording."
    ),
    requires_program_opt_in=True,
    scorer=sum_score,
    bands=DEGREE,
    total_range=(0, 10),
    notes="Yes/no answers: True/False (1/0 accepted). Item 3 is reverse-scored.",
)
