"""Database triggers that refuse to change append-only tables (AUD-4 and the like).

PostgreSQL refuses UPDATE and DELETE; SQLite refuses UPDATE (a DELETE trigger there would
also stop the test runner's table flush, which PostgreSQL does with TRUNCATE).
Use ``append_only_trigger(table)`` as an operation in a hand-written migration. The SQL is
run with ``params=None`` so that PL/pgSQL's ``%`` placeholder is not read as a query parameter.
"""

from django.db import migrations


def _sql(table: str, vendor: str) -> tuple[str, str]:
    if vendor == "postgresql":
        up = f"""
CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change();
"""
        down = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {table}_refuse_change();
"""
        return up, down
    if vendor == "sqlite":
        up = f"""
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;
"""
        return up, f"DROP TRIGGER IF EXISTS {table}_no_update;"
    return "", ""


def append_only_trigger(table: str) -> migrations.RunPython:
    def install(apps, schema_editor):
        up, _down = _sql(table, schema_editor.connection.vendor)
        if up:
            schema_editor.execute(up, params=None)

    def uninstall(apps, schema_editor):
        _up, down = _sql(table, schema_editor.connection.vendor)
        if down:
            schema_editor.execute(down, params=None)

    return migrations.RunPython(install, uninstall)
