"""Date arithmetic the ORM lacks portably: whole days between two dates, in SQL."""

from django.db.models import Func, IntegerField


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
