"""A signed plan version cannot change through any path: services, models, querysets,
raw SQL (database triggers), the editor's URLs. Reviews are the way to revise."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from openiop.plans import services
from openiop.plans.models import (
    PlanCosignature,
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanProblem,
    PlanVersion,
)
from openiop.plans.tests.helpers import signed_plan

pytestmark = pytest.mark.django_db

REFUSED = (PermissionError, DatabaseError, IntegrityError)


@pytest.fixture
def signed(episode, clinician):
    return signed_plan(episode, clinician)


def _unchanged(signed):
    signed.refresh_from_db()
    problem = PlanProblem.objects.get(plan_version=signed)
    return (signed.status, signed.strengths, problem.statement)


def test_services_refuse(signed, clinician):
    before = _unchanged(signed)
    problem = PlanProblem.objects.get(plan_version=signed)
    with pytest.raises(ValidationError) as error:
        services.plan_part_save(
            version=signed,
            actor=clinician,
            kind="problem",
            part=problem,
            expected_version=problem.version,
            values={"statement": "rewritten"},
        )
    assert error.value.code == "locked"
    with pytest.raises(ValidationError):
        services.plan_part_delete(version=signed, actor=clinician, kind="problem", part=problem)
    with pytest.raises(ValidationError):
        services.plan_version_update(
            version=signed,
            actor=clinician,
            expected_version=signed.version,
            strengths="x",
            review_summary="",
        )
    assert _unchanged(signed) == before


def test_model_save_and_delete_refuse(signed):
    before = _unchanged(signed)
    signed.strengths = "rewritten"
    with pytest.raises(PermissionError):
        signed.save()
    with pytest.raises(PermissionError):
        signed.delete()
    for model in (PlanProblem, PlanGoal, PlanObjective, PlanIntervention):
        part = model.objects.get(plan_version=signed)
        with pytest.raises(PermissionError):
            part.save()
        with pytest.raises(PermissionError):
            part.delete()
    assert _unchanged(signed) == before


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (PlanVersion, "strengths", "rewritten"),
        (PlanVersion, "status", "draft"),
        (PlanProblem, "statement", "rewritten"),
        (PlanGoal, "statement", "rewritten"),
        (PlanObjective, "status", "met"),
        (PlanIntervention, "frequency", "never"),
    ],
)
def test_bulk_updates_are_refused_by_the_database(signed, model, field, value):
    before = _unchanged(signed)
    rows = model.objects.filter(pk=signed.pk) if model is PlanVersion else model.objects.all()
    with pytest.raises(REFUSED), transaction.atomic():
        rows.update(**{field: value})
    assert _unchanged(signed) == before


def test_raw_sql_cannot_add_parts(signed):
    problem = PlanProblem.objects.get(plan_version=signed)
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO plans_plangoal (public_id, lineage, position, version, plan_version_id,"
            " problem_id, statement) VALUES (%s, %s, 9, 1, %s, %s, 'smuggled')",
            ["0" * 32, "1" * 32, signed.pk, problem.pk],
        )
    assert PlanGoal.objects.filter(plan_version=signed).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no DELETE triggers: they would also stop the test runner's table flush "
    "(core/signed_lock.py); the models and services refuse deletion there.",
)
def test_raw_sql_cannot_remove_parts_or_versions_on_postgresql(signed):
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM plans_planobjective WHERE plan_version_id = %s", [signed.pk])
    with pytest.raises(REFUSED), transaction.atomic():
        PlanVersion.objects.filter(pk=signed.pk).delete()
    assert PlanObjective.objects.filter(plan_version=signed).count() == 1


def test_cosignatures_are_append_only(episode, counselor, clinician):
    version = signed_plan(episode, counselor)
    cosignature = services.plan_cosign(version=version, actor=clinician)
    with pytest.raises(REFUSED):
        cosignature.save()
    with pytest.raises(REFUSED), transaction.atomic():
        PlanCosignature.objects.filter(pk=cosignature.pk).update(signed_by=counselor)


def test_the_editor_urls_refuse_a_signed_version(client, signed, clinician):
    before = _unchanged(signed)
    problem = PlanProblem.objects.get(plan_version=signed)
    client.force_login(clinician)
    response = client.get(reverse("plans:edit", args=[signed.public_id]))
    assert response.status_code == 302  # to the read-only view
    response = client.post(
        reverse("plans:part_save", args=[signed.public_id, "problem", problem.public_id]),
        {
            f"problem-{problem.pk}-dimension": "4",
            f"problem-{problem.pk}-statement": "rewritten",
            f"problem-{problem.pk}-expected_version": str(problem.version),
        },
    )
    assert response.status_code == 400
    assert "This plan version is signed and cannot change" in response.content.decode()
    response = client.post(
        reverse("plans:part_delete", args=[signed.public_id, "problem", problem.public_id]),
        follow=True,
    )
    assert "This plan version is signed and cannot change" in response.content.decode()
    assert _unchanged(signed) == before
