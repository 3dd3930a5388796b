"""Writes for measurement-based care (CONVENTIONS: services), in two modules: ``records``
(a participant's measures, alerts and assessments) and ``program_settings`` (what a program
offers, when it is due, its own instruments, its level-of-care rules)."""

from openiop.assessments.services.external_alerts import (
    external_alert_acknowledge,
    external_alert_raise,
)
from openiop.assessments.services.program_settings import (
    NAME_LENGTH,
    RESERVED_ALERTS,
    instrument_definition_add,
    instrument_disable,
    instrument_enable,
    level_rules_for,
    level_rules_update,
    measurement_schedule_reset,
    measurement_schedule_update,
)
from openiop.assessments.services.records import (
    CIRCUMSTANCES,
    administration_correct,
    administration_submit,
    alert_acknowledge,
    dimensional_assessment_record,
)

__all__ = [
    "CIRCUMSTANCES",
    "NAME_LENGTH",
    "RESERVED_ALERTS",
    "administration_correct",
    "administration_submit",
    "alert_acknowledge",
    "dimensional_assessment_record",
    "external_alert_acknowledge",
    "external_alert_raise",
    "instrument_definition_add",
    "instrument_disable",
    "instrument_enable",
    "level_rules_for",
    "level_rules_update",
    "measurement_schedule_reset",
    "measurement_schedule_update",
]
