"""PCL-5: the PTSD Checklist for DSM-5, 20 items over the past month, each 0-4, total 0-80.

Source: Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP. The PTSD Checklist for
DSM-5 (PCL-5). 2013. National Center for PTSD, www.ptsd.va.gov; psychometrics in Blevins CA,
Weathers FW, Davis MT, Witte TK, Domino JL. J Trauma Stress 2015;28(6):489-498.

Scoring as the National Center for PTSD describes it:

* total severity = sum of the 20 items (0-80);
* cluster severities = sums of items 1-5 (B, intrusion), 6-7 (C, avoidance), 8-14 (D, negative
  alterations in cognition and mood) and 15-20 (E, arousal and reactivity);
* a cut-point of 31-33 suggests probable PTSD. The program chooses it: context ``cutoff``,
  33 when not given. Band ``probable_ptsd`` at or above it, ``below_cutoff`` under it;
* a provisional diagnosis by the DSM-5 rule: items rated 2 ("moderately") or higher count as
  endorsed, and at least 1 B, 1 C, 2 D and 2 E items must be endorsed. OpenIOP reports it as the
  alert ``ptsd_provisional_diagnosis``; it can be met with a total under the cut-point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .base import Instrument, Item, Score, frozen_mapping, sum_score, sums_items

BOTHERED = (
    (0, "Not at all"),
    (1, "A little bit"),
    (2, "Moderately"),
    (3, "Quite a bit"),
    (4, "Extremely"),
)

TEXTS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening again "
    "(as if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful experience "
    "(for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for example, "
    "having thoughts such as: I am bad, there is something seriously wrong with me, no one can "
    "be trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or "
    "have loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    'Being "superalert" or watchful or on guard?',
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)

CLUSTERS = {
    "cluster_b": tuple(str(n) for n in range(1, 6)),
    "cluster_c": ("6", "7"),
    "cluster_d": tuple(str(n) for n in range(8, 15)),
    "cluster_e": tuple(str(n) for n in range(15, 21)),
}
# DSM-5 rule: endorsed items (rated 2 or more) needed in each cluster.
DIAGNOSTIC_RULE = {"cluster_b": 1, "cluster_c": 1, "cluster_d": 2, "cluster_e": 2}
ENDORSED_AT = 2
DEFAULT_CUTOFF = 33
TOTAL_RANGE = (0, 80)


def band_table(cutoff: int = DEFAULT_CUTOFF) -> tuple[tuple[int, str], ...]:
    return ((0, "below_cutoff"), (cutoff, "probable_ptsd"))


def check_cutoff(cutoff: Any) -> int:
    if isinstance(cutoff, bool) or not isinstance(cutoff, int):
        raise ValueError(
            f"PCL-5 cutoff must be an integer total (31-33 is usual), "
            f"not {cutoff!r} ({type(cutoff).__name__})"
        )
    if not 1 <= cutoff <= TOTAL_RANGE[1]:
        raise ValueError(f"PCL-5 cutoff must be between 1 and {TOTAL_RANGE[1]}, got {cutoff}")
    return cutoff


def meets_dsm5_rule(instrument: Instrument, answers: Sequence[int]) -> bool:
    rated = dict(zip((item.number for item in instrument.items), answers, strict=True))
    return all(
        sum(1 for number in CLUSTERS[cluster] if rated[number] >= ENDORSED_AT) >= needed
        for cluster, needed in DIAGNOSTIC_RULE.items()
    )


@sums_items
def score_pcl5(instrument: Instrument, answers: Sequence[Any], context: Mapping[str, Any]) -> Score:
    cutoff = check_cutoff(context.get("cutoff", DEFAULT_CUTOFF))
    result = sum_score(instrument, answers, context, table=band_table(cutoff))
    if meets_dsm5_rule(instrument, answers):
        result = Score(
            total=result.total,
            band=result.band,
            subscales=result.subscales,
            alerts=(*result.alerts, "ptsd_provisional_diagnosis"),
        )
    return result


PCL5 = Instrument(
    code="pcl5",
    name="PCL-5",
    items=tuple(Item(str(n), text, BOTHERED) for n, text in enumerate(TEXTS, start=1)),
    recall_period="In the past month",
    citation=(
        "Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP. The PTSD Checklist "
        "for DSM-5 (PCL-5). National Center for PTSD; 2013. Blevins CA, Weathers FW, Davis MT, "
        "Witte TK, Domino JL. J Trauma Stress. 2015;28(6):489-498."
    ),
    licence=(
        "Developed by staff of the US Department of Veterans Affairs National Center for PTSD; "
        "a US Government work in the public domain, available from www.ptsd.va.gov without "
        "permission."
    ),
    requires_program_opt_in=False,
    scorer=score_pcl5,
    bands=band_table(),
    total_range=TOTAL_RANGE,
    subscales=frozen_mapping(CLUSTERS),
    context_keys=frozenset({"cutoff"}),
    item_text_verbatim=True,
    notes=(
        "Context: cutoff (int, default 33). Provisional diagnosis by the DSM-5 rule is the "
        "alert ptsd_provisional_diagnosis."
    ),
)
