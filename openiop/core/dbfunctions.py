"""Date functions the ORM lacks portably, in native SQL on SQLite and PostgreSQL."""

from django.db.models import DateField, Func


class WeekStart(Func):
    """The Monday of a date's week, as a date, in native SQL on both databases (Django's
    TruncWeek runs a Python function per row on SQLite)."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL
        return super().as_sql(
            compiler,
            connection,
            # a timestamp without time zone: no conversion per row through the session zone
            template="(DATE_TRUNC('week', (%(expressions)s)::timestamp))::date",
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
