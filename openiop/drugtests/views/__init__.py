"""Drug-testing pages: the chart tab, the collection desk, medications, the worklist, the
random draw, the laboratory upload and reconciliation queue, and the program's setup."""

from openiop.drugtests.views.chart import (
    acknowledge,
    cancel,
    chart,
    collect,
    medication_add,
    medication_stop,
    medications,
    order,
    results,
)
from openiop.drugtests.views.program import lab, lab_message, panel, random_draw, setup, worklist

__all__ = [
    "acknowledge",
    "cancel",
    "chart",
    "collect",
    "lab",
    "lab_message",
    "medication_add",
    "medication_stop",
    "medications",
    "order",
    "panel",
    "random_draw",
    "results",
    "setup",
    "worklist",
]
