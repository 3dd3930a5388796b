"""PHQ-9: nine DSM-IV depression criteria over the past two weeks, each 0-3, total 0-27.

Source: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity
measure. J Gen Intern Med 2001;16(9):606-613. Severity cut-points 5, 10, 15 and 20 (mild,
moderate, moderately severe, severe) are the paper's; item 9 (thoughts of being better off dead
or of self-harm) answered above "not at all" needs a same-day safety check, so it raises
``suicide_risk`` whatever the total.
"""

from __future__ import annotations

from .base import AlertRule, Instrument, Item, sum_score

FREQUENCY = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)

TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself - or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite - "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

SEVERITY = (
    (0, "minimal"),
    (5, "mild"),
    (10, "moderate"),
    (15, "moderately_severe"),
    (20, "severe"),
)

PHQ9 = Instrument(
    code="phq9",
    name="PHQ-9",
    items=tuple(Item(str(n), text, FREQUENCY) for n, text in enumerate(TEXTS, start=1)),
    recall_period="Over the last 2 weeks",
    citation=(
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
        "severity measure. J Gen Intern Med. 2001;16(9):606-613."
    ),
    licence=(
        "Developed by Drs Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues "
        "with an educational grant from Pfizer Inc. Pfizer has made the PHQ family available "
        "without copyright restriction and at no charge: no permission is required to "
        "reproduce, translate, display or distribute it (Pfizer announcement, July 2010; "
        "phqscreeners.com)."
    ),
    requires_program_opt_in=False,
    scorer=sum_score,
    bands=SEVERITY,
    total_range=(0, 27),
    alert_rules=(AlertRule(item="9", at_least=1, alert="suicide_risk"),),
    item_text_verbatim=True,
    notes="Item 10 (functional difficulty) is not scored and not part of this definition.",
)
