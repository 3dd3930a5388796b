"""Reading the audit trail (AUD-7). Only identifiers leave here: the MRN, never a name."""

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from openiop.audit.models import AuditEvent

# The columns the audit page and its export show; nothing else is loaded (AUD-9: no names).
LISTED_FIELDS = (
    "occurred_at",
    "actor_email",
    "action",
    "outcome",
    "category",
    "participant__mrn",
    "target_type",
    "target_id",
    "ip_address",
)


def local_day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the site's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events_filtered(
    *,
    actor_email: str = "",
    participant_mrn: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    action: str = "",
    outcome: str = "",
    oldest_first: bool = False,
    exclude_event: AuditEvent | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events matching every given filter, newest first unless ``oldest_first``.

    ``date_from`` and ``date_to`` are whole days in the site's time zone, both included.
    ``exclude_event`` leaves out the row the current request wrote about itself, so a page
    shows the trail as it stood when the request arrived.
    One query whatever the number of rows (the participant comes with a join).
    """
    events = AuditEvent.objects.select_related("participant").only(*LISTED_FIELDS)
    if actor_email:
        events = events.filter(actor_email__icontains=actor_email)
    if participant_mrn:
        events = events.filter(participant__mrn=participant_mrn)
    if date_from:
        events = events.filter(occurred_at__gte=local_day_start(date_from))
    if date_to:
        events = events.filter(occurred_at__lt=local_day_start(date_to + timedelta(days=1)))
    if action:
        events = events.filter(action=action)
    if outcome:
        events = events.filter(outcome=outcome)
    if exclude_event is not None:
        events = events.exclude(pk=exclude_event.pk)
    if oldest_first:
        return events.order_by("occurred_at", "id")
    return events.order_by("-occurred_at", "-id")
