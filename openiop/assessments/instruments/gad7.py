"""GAD-7: seven anxiety symptoms over the past two weeks, each 0-3, total 0-21.

Source: Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized
anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097. Cut-points 5, 10 and 15
(mild, moderate, severe) are the paper's.
"""

from __future__ import annotations

from .base import Instrument, Item, sum_score
from .phq9 import FREQUENCY

TEXTS = (
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it's hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)

SEVERITY = ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"))

GAD7 = Instrument(
    code="gad7",
    name="GAD-7",
    items=tuple(Item(str(n), text, FREQUENCY) for n, text in enumerate(TEXTS, start=1)),
    recall_period="Over the last 2 weeks",
    citation=(
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized "
        "anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092-1097."
    ),
    licence=(
        "Developed by Drs Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues "
        "with an educational grant from Pfizer Inc. Pfizer has made the GAD-7 available without "
        "copyright restriction and at no charge: no permission is required to reproduce, "
        "translate, display or distribute it (Pfizer announcement, July 2010; phqscreeners.com)."
    ),
    requires_program_opt_in=False,
    scorer=sum_score,
    bands=SEVERITY,
    total_range=(0, 21),
    item_text_verbatim=True,
)
