"""What the ORM lacks portably: whole days between two dates and the week of a date, in
SQL; and aggregates over a query whose columns are window functions."""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Func, IntegerField, Lookup, QuerySet

from openiop.core.dbfunctions import WeekStart

__all__ = ["AnyOf", "DaysBetween", "WeekStart", "aggregate_over"]


class DaysBetween(Func):
    """``DaysBetween(later, earlier)``: whole days from ``earlier`` to ``later`` (may be < 0)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL: date - date
        return super().as_sql(
            compiler,
            connection,
            template="((%(expressions)s)::date)",
            arg_joiner=")::date - (",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def aggregate_over(queryset: QuerySet, select: str, group_by: str = "") -> list[tuple]:
    """``SELECT <select> FROM (<queryset>) AS rows [GROUP BY <group_by>]``, in the database.

    The ORM refuses aggregates over window functions (first and latest score per episode),
    so the aggregate wraps the queryset's own SQL. ``select`` and ``group_by`` name the
    queryset's ``values()`` columns and are written by selectors, never from user input; the
    queryset's parameters stay parameters."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # e.g. an empty caseload: no rows, nothing to aggregate
        return []
    grouped = f" GROUP BY {group_by}" if group_by else ""
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM ({sql}) AS measured{grouped}", params)  # noqa: S608
        return cursor.fetchall()


class AnyOf(Lookup):
    """``AnyOf(F("episode__id"), ids)``: the column is one of ``ids``. On PostgreSQL one array
    parameter (``= ANY(%s)``, hashed by the server) however many ids there are, where an
    ``__in`` list makes a placeholder, a parameter and a comparison per id in every query; an
    ``IN`` list on SQLite."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):  # PostgreSQL
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # The array as one text literal: psycopg quotes a list of ints element by element in
        # Python (8 ms for 2,500 ids, in every query), a string at once.
        ids = "{" + ",".join(str(int(pk)) for pk in self.rhs) + "}"
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, ids)

    def as_sqlite(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        marks = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({marks})", (*lhs_params, *self.rhs)
