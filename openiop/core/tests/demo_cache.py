"""Load the demo in tests at the cost of one real load per test process.

``openiop demo`` takes tens of seconds, and several test modules check what it loads. The
first :func:`load_demo` for a given ``--today`` and clock runs the real command and keeps the
rows it wrote (with their ids); a later call for the same date and clock, on a database in
the same state, writes those rows back (no model code, no signals), which is much faster and
gives the same database: the same rows, ids and timestamps. Anything else (a different date,
clock or starting database, e.g. after a transactional test flushed and re-created the role
groups) runs the real command again.

Each module's checks still run against what the real command wrote in this test session, so
a change to the demo that breaks a check still fails it; tests that are about running the
command (a second run changes nothing, a fresh load gives the same demo, refusals) run it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models


@dataclass
class _Change:
    model: type[models.Model]
    attnames: list[str]
    inserted: list[tuple]
    updated: list[tuple]
    deleted: list[object]


@dataclass
class _Snapshot:
    before: str  # digest of the database the command ran on
    changes: list[_Change]
    output: str


# The date and clock the demo-checking modules share, so that they share one real load: a
# Wednesday (the scheduling checks need attendance earlier in the week), with the clock six
# days later (the demo is dated from --today, not from the clock).
DEMO_TODAY = datetime.date(2026, 11, 25)
DEMO_NOW = datetime.datetime(2026, 12, 1, 15, 0)

_SNAPSHOTS: dict[tuple[datetime.date, datetime.datetime], _Snapshot] = {}


def _models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _attnames(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _rows(model) -> dict[object, tuple]:
    attnames = _attnames(model)
    pk_index = attnames.index(model._meta.pk.attname)
    return {row[pk_index]: row for row in model._base_manager.order_by().values_list(*attnames)}


def _state() -> dict[type[models.Model], dict[object, tuple]]:
    return {model: _rows(model) for model in _models()}


def _digest(state) -> str:
    digest = hashlib.sha256()
    for model, rows in state.items():
        digest.update(model._meta.label.encode())
        for key in sorted(rows, key=repr):
            digest.update(repr(rows[key]).encode())
    return digest.hexdigest()


def _run_command(today: datetime.date) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, today=today.isoformat(), force=True)
    return out.getvalue()


def load_demo(today: datetime.date, now: datetime.datetime) -> str:
    """``openiop demo --today TODAY --force`` with the clock stopped at ``now``, in the current
    transaction; returns what the command printed."""
    before = _state()
    digest = _digest(before)
    snapshot = _SNAPSHOTS.get((today, now))
    if snapshot is not None and snapshot.before == digest:
        _restore(snapshot)
        return snapshot.output
    with time_machine.travel(now, tick=False):
        output = _run_command(today)
    _SNAPSHOTS[today, now] = _Snapshot(digest, _changes(before), output)
    return output


def _changes(before) -> list[_Change]:
    changes = []
    for model, rows_before in before.items():
        rows_after = _rows(model)
        inserted = [row for key, row in rows_after.items() if key not in rows_before]
        updated = [
            row for key, row in rows_after.items() if key in rows_before and row != rows_before[key]
        ]
        deleted = [key for key in rows_before if key not in rows_after]
        if inserted or updated or deleted:
            changes.append(_Change(model, _attnames(model), inserted, updated, deleted))
    return changes


def _depth(model, seen=()) -> int:
    """How many foreign-key steps lead from ``model`` to a table that refers to no other."""
    targets = {
        field.related_model
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model not in (model, *seen)
    }
    return 1 + max((_depth(target, (*seen, model)) for target in targets), default=0)


def _restore(snapshot: _Snapshot) -> None:
    """Write the snapshot's changes as they were: raw inserts (ids, timestamps and all), so no
    ``save()``, ``auto_now`` or signal runs a second time. Foreign keys are checked at commit,
    so rows that refer to others go in first: a signed document's parts are then written
    before the document, as the demo wrote them (the signed-document triggers refuse a new part
    of a signed document)."""
    for change in sorted(snapshot.changes, key=lambda change: -_depth(change.model)):
        manager = change.model._base_manager
        if change.deleted:
            manager.filter(pk__in=change.deleted)._raw_delete(manager.db)
        pk = change.model._meta.pk.attname
        for row in change.updated:
            values = dict(zip(change.attnames, row, strict=True))
            manager.filter(pk=values.pop(pk)).update(**values)
        if change.inserted:
            fields = change.model._meta.concrete_fields
            objects = [
                change.model.from_db(manager.db, change.attnames, row) for row in change.inserted
            ]
            batch = max(connection.ops.bulk_batch_size(fields, objects), 1)
            for start in range(0, len(objects), batch):
                manager._insert(objects[start : start + batch], fields=fields, raw=True)
    sequences = connection.ops.sequence_reset_sql(no_style(), [c.model for c in snapshot.changes])
    if sequences:
        with connection.cursor() as cursor:
            for statement in sequences:
                cursor.execute(statement)
