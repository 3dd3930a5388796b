"""Database triggers that lock signed clinical documents (notes, plan versions) for good.

A signed document and everything hanging off it cannot change through any path: the services
refuse, the models refuse, and these triggers refuse whatever reaches the database anyway
(raw SQL, a bulk update, a future admin page). Corrections are addenda, which are new rows.

- ``signed_row_trigger(table)``: refuses UPDATE (and on PostgreSQL DELETE) of a row whose
  ``status`` is ``'signed'``. A draft can still be signed: that UPDATE starts from a draft.
- ``signed_child_trigger(table, status_sql)``: refuses INSERT, UPDATE and DELETE of a child row
  (a plan's objective, a note's linked objectives) while its document is signed.
  ``status_sql`` is a scalar subquery giving the document's status, written with ``{row}``
  where the child row (``OLD`` or ``NEW``) is meant, e.g.
  ``SELECT status FROM notes_progressnote WHERE id = {row}.progressnote_id``.

SQLite gets no DELETE triggers, for the reason given in append_only.py (the test runner's
flush deletes every row); the services and models refuse deletion there, and PostgreSQL's
triggers refuse it too.
"""

from django.db import migrations

SIGNED = "signed"


def _pg_function(name: str, body: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
{body}
END;
$$ LANGUAGE plpgsql;
"""


def _row_sql(table: str, vendor: str) -> tuple[list[str], list[str]]:
    message = f"{table}: a signed document cannot change"
    if vendor == "postgresql":
        up = _pg_function(
            f"{table}_refuse_signed",
            f"    RAISE EXCEPTION '{message} (% refused)', TG_OP;",
        ) + (
            f"CREATE TRIGGER {table}_signed_lock BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW WHEN (OLD.status = '{SIGNED}') "
            f"EXECUTE FUNCTION {table}_refuse_signed();"
        )
        down = (
            f"DROP TRIGGER IF EXISTS {table}_signed_lock ON {table};"
            f"DROP FUNCTION IF EXISTS {table}_refuse_signed();"
        )
        return [up], [down]
    if vendor == "sqlite":
        up = (
            f"CREATE TRIGGER {table}_signed_lock BEFORE UPDATE ON {table} "
            f"FOR EACH ROW WHEN OLD.status = '{SIGNED}' "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        )
        return [up], [f"DROP TRIGGER IF EXISTS {table}_signed_lock;"]
    return [], []


def _child_sql(table: str, status_sql: str, vendor: str) -> tuple[list[str], list[str]]:
    message = f"{table}: part of a signed document cannot change"
    old, new = status_sql.format(row="OLD"), status_sql.format(row="NEW")
    if vendor == "postgresql":
        body = f"""
    IF TG_OP IN ('UPDATE', 'DELETE') AND ({old}) = '{SIGNED}' THEN
        RAISE EXCEPTION '{message} (% refused)', TG_OP;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND ({new}) = '{SIGNED}' THEN
        RAISE EXCEPTION '{message} (% refused)', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;"""
        up = _pg_function(f"{table}_refuse_signed", body) + (
            f"CREATE TRIGGER {table}_signed_lock BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_signed();"
        )
        down = (
            f"DROP TRIGGER IF EXISTS {table}_signed_lock ON {table};"
            f"DROP FUNCTION IF EXISTS {table}_refuse_signed();"
        )
        return [up], [down]
    if vendor == "sqlite":
        statements = []
        # No DELETE trigger on SQLite: it would stop the test runner's flush (see above).
        for event, rows in (("INSERT", (new,)), ("UPDATE", (old, new))):
            condition = " OR ".join(f"({row}) = '{SIGNED}'" for row in rows)
            statements.append(
                f"CREATE TRIGGER {table}_signed_lock_{event.lower()} BEFORE {event} ON {table} "
                f"FOR EACH ROW WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
            )
        down = [
            f"DROP TRIGGER IF EXISTS {table}_signed_lock_{event};" for event in ("insert", "update")
        ]
        return statements, down
    return [], []


def _run(sql_for) -> migrations.RunPython:
    def install(apps, schema_editor):
        up, _down = sql_for(schema_editor.connection.vendor)
        for statement in up:
            schema_editor.execute(statement, params=None)

    def uninstall(apps, schema_editor):
        _up, down = sql_for(schema_editor.connection.vendor)
        for statement in down:
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(install, uninstall)


def signed_row_trigger(table: str) -> migrations.RunPython:
    return _run(lambda vendor: _row_sql(table, vendor))


def signed_child_trigger(table: str, status_sql: str) -> migrations.RunPython:
    return _run(lambda vendor: _child_sql(table, status_sql, vendor))
