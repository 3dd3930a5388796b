"""Each episode's attendance per week (``AttendanceWeek``), summed from its records: kept
current as records are saved and sessions cancelled, and rebuilt in one pass where records
are written in bulk (a migration, the benchmark's generator).

A week runs Monday to Sunday. Records of cancelled sessions are left out. A day counts as
attended when the episode attended at least one session that day (present, late, left early
or by video); minutes are those of attended records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import Count, Q, Sum

from openiop.core.dbfunctions import WeekStart
from openiop.scheduling.rules import ABSENT_EXCUSED, ABSENT_UNEXCUSED, ATTENDED_STATUSES

BATCH = 2000


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def refresh(days: Iterable[tuple[int, date]]) -> None:
    """Recompute the weeks of these (episode id, day) pairs from their records."""
    weeks = {(episode_id, monday_of(day)) for episode_id, day in days}
    if weeks:
        _write(weeks, apps=django_apps)


def refresh_session(session) -> None:
    """Recompute the weeks of everyone with attendance at this session (after it was
    cancelled or reinstated)."""
    from openiop.scheduling.models import AttendanceRecord

    episodes = AttendanceRecord.objects.filter(session=session).values_list("episode_id", flat=True)
    refresh((episode_id, session.held_on) for episode_id in episodes)


def rebuild(*, apps=django_apps) -> int:
    """Recompute every week of every episode from all records (in batches): for data written
    without ``AttendanceRecord.save()``. ``apps`` is a migration's historical registry when a
    migration calls it. Returns the number of weeks written."""
    Week = apps.get_model("scheduling", "AttendanceWeek")
    Week.objects.all().delete()
    written, batch = 0, []
    for row in _totals(apps).order_by().iterator(chunk_size=BATCH):
        batch.append(_week(Week, row))
        if len(batch) == BATCH:
            written += len(Week.objects.bulk_create(batch))
            batch = []
    return written + len(Week.objects.bulk_create(batch))


def _totals(apps, records=None):
    """One row per episode and week: the week's figures, summed in the database."""
    Record = apps.get_model("scheduling", "AttendanceRecord")
    attended = Q(status__in=sorted(ATTENDED_STATUSES))
    records = Record.objects.all() if records is None else records
    return (
        records.filter(session__is_cancelled=False)
        .annotate(week=WeekStart("held_on"))
        .values("episode_id", "week")
        .annotate(
            days=Count("held_on", filter=attended, distinct=True),
            came=Count("pk", filter=attended),
            excused_n=Count("pk", filter=Q(status=ABSENT_EXCUSED)),
            unexcused_n=Count("pk", filter=Q(status=ABSENT_UNEXCUSED)),
            minutes_sum=Sum("minutes", filter=attended, default=0),
        )
    )


def _week(Week, row):
    week = row["week"]
    return Week(
        episode_id=row["episode_id"],
        week_of=week if isinstance(week, date) else date.fromisoformat(week),  # SQLite: text
        days_attended=row["days"],
        attended=row["came"],
        excused=row["excused_n"],
        unexcused=row["unexcused_n"],
        minutes=int(row["minutes_sum"]),
    )


def _write(weeks: set[tuple[int, date]], *, apps) -> None:
    """Replace these (episode, Monday) weeks with their totals. The episodes are locked first,
    so that two people recording the same person's week at once add up in turn (the second
    sums after the first has committed) instead of overwriting each other."""
    Episode = apps.get_model("participants", "Episode")
    Record = apps.get_model("scheduling", "AttendanceRecord")
    Week = apps.get_model("scheduling", "AttendanceWeek")
    days, stale = Q(), Q()
    for episode_id, monday in weeks:
        days |= Q(episode_id=episode_id, held_on__range=(monday, monday + timedelta(days=6)))
        stale |= Q(episode_id=episode_id, week_of=monday)
    with transaction.atomic():
        episode_ids = sorted({episode_id for episode_id, _ in weeks})
        list(Episode.objects.select_for_update().filter(pk__in=episode_ids).values_list("pk"))
        fresh = [_week(Week, row) for row in _totals(apps, Record.objects.filter(days))]
        Week.objects.filter(stale).delete()
        Week.objects.bulk_create(fresh)
