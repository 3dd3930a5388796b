"""AUD-4: neither the application nor raw SQL can change or remove an audit row."""

import pytest
from django.db import DatabaseError, connection, transaction

from openiop.audit.models import AuditAction, AuditEvent
from openiop.audit.tests.factories import AuditEventFactory


@pytest.fixture
def event(db):
    return AuditEventFactory(action=AuditAction.LOGIN, actor_email="original@example.org")


def assert_unchanged(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_email) == (AuditAction.LOGIN, "original@example.org")


def test_saving_an_existing_row_is_refused(event):
    event.actor_email = "changed@example.org"

    with pytest.raises(PermissionError):
        event.save()

    assert_unchanged(event)


def test_saving_a_fresh_instance_over_an_existing_row_is_refused(event):
    """A new object carrying an old primary key would otherwise turn into an UPDATE."""
    impostor = AuditEvent(pk=event.pk, action=AuditAction.LOGIN, actor_email="changed@example.org")

    with pytest.raises(PermissionError), transaction.atomic():
        impostor.save()

    assert_unchanged(event)


def test_deleting_a_row_is_refused(event):
    with pytest.raises(PermissionError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_is_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(actor_email="changed@example.org")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_email="changed@example.org")

    assert_unchanged(event)


def test_bulk_update_is_refused(event):
    event.actor_email = "changed@example.org"

    # bulk_update opens its own atomic block without a savepoint; ours keeps the test's usable.
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["actor_email"])

    assert_unchanged(event)


def test_queryset_delete_is_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_email = %s WHERE id = %s",
            ["changed@example.org", event.pk],
        )

    assert_unchanged(event)


def test_database_refuses_a_raw_delete(event):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has no DELETE trigger: it would also stop the test runner's table flush "
            "(see audit/migrations/0002_append_only_triggers.py); PostgreSQL refuses DELETE."
        )

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])

    assert AuditEvent.objects.filter(pk=event.pk).exists()
