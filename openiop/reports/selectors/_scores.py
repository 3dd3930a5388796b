"""First and latest current score per episode and instrument, in one pass of the database.

Window functions over the administrations, partitioned by episode and instrument, instead of
a subquery per episode: the outcome report and the episode list read every measured episode.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet, RowRange, Window
from django.db.models.functions import FirstValue, LastValue, RowNumber

from openiop.assessments.models import Administration


def current_scores(codes, until=None) -> QuerySet[Administration]:
    """Scored administrations of ``codes`` (up to ``until``) that no correction replaced."""
    corrected = Administration.objects.filter(supersedes=OuterRef("pk"))
    given = Administration.objects.filter(instrument__in=list(codes), total__isnull=False)
    if until is not None:
        given = given.filter(administered_on__lte=until)
    return given.exclude(Exists(corrected)).order_by()


def first_and_latest(administrations: QuerySet[Administration], where: Q | None = None):
    """One row per (episode, instrument) of ``administrations``, annotated ``first_total``,
    ``first_on``, ``latest_total`` and ``latest_on``. Two on one day: the first is the one
    entered first, the latest the one entered last.
    ``where`` may test those annotations (it is applied after the windows)."""
    partition = [F("episode_id"), F("instrument")]
    oldest = [F("administered_on").asc(), F("pk").asc()]
    # One ordering for every window (one sort): the latest is the last row of the whole
    # partition, hence the frame from its first row to its last.
    window = {"partition_by": partition, "order_by": oldest}
    whole = {**window, "frame": RowRange(start=None, end=None)}
    ranked = administrations.annotate(
        rank=Window(RowNumber(), **window),
        first_total=Window(FirstValue("total"), **window),
        first_on=Window(FirstValue("administered_on"), **window),
        latest_total=Window(LastValue("total"), **whole),
        latest_on=Window(LastValue("administered_on"), **whole),
    ).filter(rank=1)
    return ranked.filter(where) if where is not None else ranked
