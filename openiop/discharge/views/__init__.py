"""Step-down tab, decisions, readiness, discharge and its summary, transfers in, aftercare,
follow-ups, alumni and settings. Views parse, call one service or selector, and render."""

from openiop.discharge.views.alumni import (
    alumni,
    alumni_attendance,
    alumni_event_add,
    alumni_group,
    alumni_member_add,
    alumni_opt_in,
    settings_view,
)
from openiop.discharge.views.chart import (
    aftercare,
    aftercare_print,
    chart,
    document_add,
    level_change,
    phase_change,
    readiness,
    transfer_in,
)
from openiop.discharge.views.closing import (
    discharge,
    followup,
    followups,
    review,
    sign,
    summary,
    summary_print,
    summary_save,
)

__all__ = [
    "aftercare",
    "aftercare_print",
    "alumni",
    "alumni_attendance",
    "alumni_event_add",
    "alumni_group",
    "alumni_member_add",
    "alumni_opt_in",
    "chart",
    "discharge",
    "document_add",
    "followup",
    "followups",
    "level_change",
    "phase_change",
    "readiness",
    "review",
    "settings_view",
    "sign",
    "summary",
    "summary_print",
    "summary_save",
    "transfer_in",
]
