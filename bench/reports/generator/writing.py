"""Writing rows fast: historical timestamps, plain INSERTs and COPY, and the base class."""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from django.apps import apps
from django.db import connections, models, router
from django.utils import timezone

from bench.reports.generator.data import BATCH


@contextmanager
def historical_timestamps(fallback: datetime) -> Iterator[None]:
    """Let ``auto_now``/``auto_now_add`` fields keep the value the generator gives them
    (``fallback`` when it gives none), for every model, while generating."""
    patched = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.DateField) and (
                model_field.auto_now or model_field.auto_now_add
            ):
                patched.append(model_field)

    def keep_given(model_field):
        def pre_save(instance, add):
            value = getattr(instance, model_field.attname)
            if value is None:
                value = fallback
                setattr(instance, model_field.attname, value)
            return value

        return pre_save

    for model_field in patched:
        model_field.pre_save = keep_given(model_field)
    try:
        yield
    finally:
        for model_field in patched:
            del model_field.pre_save


def _converter(field: models.Field, connection) -> Callable[[object], object]:
    """How ``bulk_create`` would turn one field's Python value into a query parameter
    (written out for the common types: Django's general path is the slow part)."""
    sqlite = connection.vendor == "sqlite"
    if isinstance(field, models.DateTimeField):
        if sqlite:  # naive UTC text, as Django's SQLite backend stores it
            return lambda value: (
                None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))
            )
        return lambda value: value
    if isinstance(field, models.DateField):
        return lambda value: str(value) if sqlite and value is not None else value
    if isinstance(field, models.UUIDField):
        return lambda value: None if value is None else value.hex if sqlite else value
    if isinstance(field, (models.TimeField, models.DecimalField, models.JSONField)):
        return lambda value: None if value is None else field.get_db_prep_save(value, connection)
    return lambda value: value


@dataclass
class Writer:
    """Shared state and the row writers; the subclasses build the rows."""

    rng: random.Random
    participant_count: int
    years: int
    today: date
    log: Callable[[str], None]
    counts: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.start = self.today - timedelta(days=365 * self.years) + timedelta(days=1)
        self.zone = timezone.get_current_timezone()
        self.began = time.monotonic()

    # --- helpers ------------------------------------------------------------------------

    def moment(self, day: date, at: clock) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone)

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def write(self, model: type[models.Model], rows: list) -> list:
        """``bulk_create`` the rows (their ids are set afterwards)."""
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH)
            self.counts[model._meta.label] += len(rows)
        return rows

    def insert(self, model: type[models.Model], rows: list) -> None:
        """Rows nothing refers to, written with the values ``bulk_create`` would write but
        several times faster for a million rows: COPY on PostgreSQL, ``executemany`` on
        SQLite."""
        if not rows:
            return
        connection = connections[router.db_for_write(model)]
        quote = connection.ops.quote_name
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        converters = [_converter(field, connection) for field in fields]
        attnames = [field.attname for field in fields]
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(field.column) for field in fields)

        def values(row) -> tuple:
            return tuple(
                convert(getattr(row, name))
                for name, convert in zip(attnames, converters, strict=True)
            )

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(values(row))
            else:
                placeholders = ", ".join(["%s"] * len(fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
                for first in range(0, len(rows), 5 * BATCH):
                    cursor.executemany(
                        sql, [values(row) for row in rows[first : first + 5 * BATCH]]
                    )
        self.counts[model._meta.label] += len(rows)

    def say(self, message: str) -> None:
        self.log(f"  [{time.monotonic() - self.began:6.1f} s] {message}")
