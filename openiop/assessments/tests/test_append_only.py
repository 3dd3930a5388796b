"""A submitted administration cannot be changed or removed by any path (like audit rows)."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from openiop.assessments import services
from openiop.assessments.models import Administration


@pytest.fixture
def administration(clinician, participant):
    return services.administration_submit(
        actor=clinician,
        participant=participant,
        episode=participant.episodes.get(),
        instrument="phq9",
        answers=[1] * 8 + [0],
        administered_on=datetime.date.today(),
    )


def _unchanged(administration):
    stored = Administration.objects.get(pk=administration.pk)
    assert (stored.total, stored.answers) == (8, [1] * 8 + [0])


def test_orm_paths_are_refused(administration):
    with pytest.raises(PermissionError):
        Administration.objects.filter(pk=administration.pk).update(total=0)
    with pytest.raises(PermissionError):
        Administration.objects.filter(pk=administration.pk).delete()
    with pytest.raises(PermissionError):
        administration.delete()
    impostor = Administration(pk=administration.pk, instrument="phq9", answers=[], total=0)
    with pytest.raises(PermissionError), transaction.atomic():
        impostor.save()
    _unchanged(administration)


def test_raw_sql_update_is_refused_by_the_database(administration):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_administration SET total = 0 WHERE id = %s", [administration.pk]
        )
    _unchanged(administration)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no DELETE trigger (it would stop the test runner's flush)",
)
def test_raw_sql_delete_is_refused_on_postgresql(administration):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_administration WHERE id = %s", [administration.pk])
    _unchanged(administration)
