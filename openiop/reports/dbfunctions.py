"""Date arithmetic the ORM lacks portably: whole days between two dates, in SQL."""

from django.db.models import DateField, Func, IntegerField


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


class WeekStart(Func):
    """The Monday of a date's week, as a date, in native SQL on both databases (Django's
    TruncWeek runs a Python function per row on SQLite)."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL
        return super().as_sql(
            compiler,
            connection,
            template="(DATE_TRUNC('week', %(expressions)s))::date",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # 'weekday 0' moves forward to the next Sunday (a Sunday stays); six days back is Monday.
        return super().as_sql(
            compiler,
            connection,
            template="date(%(expressions)s, 'weekday 0', '-6 days')",
            **extra_context,
        )
