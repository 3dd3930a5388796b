"""A collection's results in one word (``Collection.result_summary``), for reports."""

from django.db.models import QuerySet

from openiop.drugtests.models import Collection


def collection_summaries_refresh(queryset: QuerySet[Collection] | None = None) -> int:
    """Recompute ``result_summary`` for ``queryset`` (every collection when None) from the
    results, set-based: one UPDATE whatever the number of collections. ``TestResult.save()``
    keeps the summary of its own collection; code that writes results around it (bulk
    inserts, ``QuerySet.update``, the reports benchmark's generator) calls this afterwards.
    Returns the number of collections updated."""
    collections = Collection.objects.all()
    if queryset is not None:
        collections = collections.filter(pk__in=queryset.values("pk"))
    return collections.refresh_result_summary()
