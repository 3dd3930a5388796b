"""Writes for drug testing. Each names its actor (None: the system, e.g. a command-line
import), runs in a transaction, validates, saves and audits itself.

Follow-up after a test is the program's policy (rules.follow_up): never a discharge.
"""

from openiop.drugtests.services.common import policy_for
from openiop.drugtests.services.draws import random_draw_run
from openiop.drugtests.services.lab import (
    lab_import,
    lab_import_text,
    lab_message_attach,
    lab_message_dismiss,
)
from openiop.drugtests.services.medications import (
    medication_add,
    medication_stop,
    prescribed_codes,
)
from openiop.drugtests.services.orders import (
    MAX_REPEAT_WEEKS,
    admission_test_order,
    alert_acknowledge,
    collection_record,
    order_cancel,
    results_record,
    test_order,
)
from openiop.drugtests.services.setup import (
    panel_save,
    panels_seed_defaults,
    testing_policy_update,
)
from openiop.drugtests.services.summaries import collection_summaries_refresh

__all__ = [
    "MAX_REPEAT_WEEKS",
    "admission_test_order",
    "alert_acknowledge",
    "collection_record",
    "collection_summaries_refresh",
    "lab_import",
    "lab_import_text",
    "lab_message_attach",
    "lab_message_dismiss",
    "medication_add",
    "medication_stop",
    "order_cancel",
    "panel_save",
    "panels_seed_defaults",
    "policy_for",
    "prescribed_codes",
    "random_draw_run",
    "results_record",
    "test_order",
    "testing_policy_update",
]
