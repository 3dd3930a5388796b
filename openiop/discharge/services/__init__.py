"""Writes for step-down, discharge, aftercare, follow-ups and alumni. Each names its actor,
runs in a transaction, validates, saves and audits itself."""

from openiop.discharge.services.aftercare import (
    AFTERCARE_FIELDS,
    OUTCOME_FIELDS,
    RELAPSE_DIMENSION,
    aftercare_initial,
    aftercare_plan_save,
    carried_relapse_prevention,
    followup_record,
)
from openiop.discharge.services.alumni import (
    alumni_attendance_set,
    alumni_candidates,
    alumni_event_create,
    alumni_group_create,
    alumni_member_add,
    alumni_opt_in_set,
    discharge_settings_update,
)
from openiop.discharge.services.closing import (
    LOCKED,
    SUMMARY_FIELDS,
    discharge_summary_save,
    discharge_summary_sign,
    episode_discharge,
    received_document_add,
    sign_problems,
    transfer_in_record,
)
from openiop.discharge.services.decisions import (
    level_of_care_change,
    phase_change,
    transfer_programs,
)

__all__ = [
    "AFTERCARE_FIELDS",
    "LOCKED",
    "OUTCOME_FIELDS",
    "RELAPSE_DIMENSION",
    "SUMMARY_FIELDS",
    "aftercare_initial",
    "aftercare_plan_save",
    "alumni_attendance_set",
    "alumni_candidates",
    "alumni_event_create",
    "alumni_group_create",
    "alumni_member_add",
    "alumni_opt_in_set",
    "carried_relapse_prevention",
    "discharge_settings_update",
    "discharge_summary_save",
    "discharge_summary_sign",
    "episode_discharge",
    "followup_record",
    "level_of_care_change",
    "phase_change",
    "received_document_add",
    "sign_problems",
    "transfer_in_record",
    "transfer_programs",
]
