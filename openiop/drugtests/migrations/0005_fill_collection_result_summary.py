"""Fill ``Collection.result_summary`` for the collections recorded before it existed.

One UPDATE over every collection (no loop per row), the same definition as
``CollectionQuerySet.refresh_result_summary`` (repeated here: a migration keeps the rule as
it was when it ran)."""

from django.db import migrations
from django.db.models import Case, Exists, OuterRef, Q, Value, When


def fill(apps, schema_editor=None) -> int:
    Collection = apps.get_model("drugtests", "Collection")
    TestResult = apps.get_model("drugtests", "TestResult")
    results = TestResult.objects.filter(collection=OuterRef("pk"))
    favourable = Q(outcome="negative") | Q(outcome="positive", interpretation="expected")
    unfavourable = results.filter(superseded_by__isnull=True).exclude(favourable)
    return Collection.objects.update(
        result_summary=Case(
            When(Exists(unfavourable), then=Value("unfavourable")),
            When(Exists(results), then=Value("negative")),
            default=Value(""),
        )
    )


def empty(apps, schema_editor=None) -> None:
    apps.get_model("drugtests", "Collection").objects.update(result_summary="")


class Migration(migrations.Migration):
    dependencies = [
        ("drugtests", "0004_collection_result_summary"),
    ]

    operations = [migrations.RunPython(fill, empty, elidable=True)]
