import factory

from openiop.audit.models import AuditAction, AuditEvent, AuditOutcome, DataCategory


class AuditEventFactory(factory.django.DjangoModelFactory):
    """An audit row written directly, with an explicit ``occurred_at`` when a test needs one."""

    class Meta:
        model = AuditEvent

    actor = None
    actor_email = factory.Sequence(lambda n: f"actor{n}@example.org")
    action = AuditAction.PARTICIPANT_VIEWED
    outcome = AuditOutcome.ALLOWED
    category = DataCategory.DEMOGRAPHICS
    ip_address = "192.0.2.10"
