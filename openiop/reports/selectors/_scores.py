"""First and latest current score per episode and instrument, in one pass of the database.

One grouped aggregate over the administrations instead of a subquery per episode (or window
functions, which sort every score): the outcome report and the episode list read every
measured episode.
"""

from __future__ import annotations

from datetime import date

from django.db.models import (
    BigIntegerField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Value,
)

from openiop.assessments.models import Administration
from openiop.reports.dbfunctions import DaysBetween


def current_scores(codes, until=None) -> QuerySet[Administration]:
    """Scored administrations of ``codes`` (up to ``until``) that no correction replaced."""
    corrected = Administration.objects.filter(supersedes=OuterRef("pk"))
    given = Administration.objects.filter(instrument__in=list(codes), total__isnull=False)
    if until is not None:
        given = given.filter(administered_on__lte=until)
    return given.exclude(Exists(corrected)).order_by()


# The order key of a score, one integer: days since 1970, then the administration's id, then
# its total. Its smallest value in a group is the first score and its largest the latest
# (two on one day: entered first, entered last); the total and the day are read back from it.
# Holds for ids under a billion and totals from 0 to 9,999 (every instrument's range is
# tested to fit).
EPOCH = date(1970, 1, 1)
DAY = 10**13
ROW = 10**4


def day_number(field: str):
    """A date field as whole days since 1970-01-01, the unit of ``first_day``/``latest_day``."""
    return DaysBetween(F(field), Value(EPOCH, output_field=DateField()))


def first_and_latest(administrations: QuerySet[Administration], *group_by: str) -> QuerySet:
    """One row per (episode, instrument) of ``administrations`` (and ``group_by``: annotations
    that depend on the episode alone), with ``first_total`` and ``first_day``, ``latest_total``
    and ``latest_day`` (days since 1970-01-01): a plain grouped aggregate, hashed, with no
    window function or sort."""
    key = ExpressionWrapper(
        day_number("administered_on") * DAY + F("pk") * ROW + F("total"),
        output_field=BigIntegerField(),
    )
    return (
        administrations.values("episode_id", "instrument", *group_by)
        .annotate(first_key=Min(key), latest_key=Max(key))
        .annotate(
            first_total=F("first_key") % ROW,
            latest_total=F("latest_key") % ROW,
            first_day=F("first_key") / DAY,
            latest_day=F("latest_key") / DAY,
        )
    )
