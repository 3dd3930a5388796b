"""Date functions the ORM lacks portably, in native SQL on SQLite and PostgreSQL."""

from django.db.models import DateField, Func


class WeekStart(Func):
    """The Monday of a date's week, as a date, in native SQL on both databases (Django's
    TruncWeek runs a Python function per row on SQLite). ``WeekStart(day, days=n)`` is the
    Monday of the week of ``day + n days``."""

    output_field = DateField()
    arity = 1

    def __init__(self, expression, days: int = 0, **extra):
        self.days = int(days)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL
        shifted = f" + {self.days}" if self.days else ""  # date + integer is a date
        return super().as_sql(
            compiler,
            connection,
            # a timestamp without time zone: no conversion per row through the session zone
            template=f"(DATE_TRUNC('week', ((%(expressions)s){shifted})::timestamp))::date",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # 'weekday 0' moves forward to the next Sunday (a Sunday stays); six days back is Monday.
        shifted = f"'{self.days:+d} days', " if self.days else ""
        return super().as_sql(
            compiler,
            connection,
            template=f"date(%(expressions)s, {shifted}'weekday 0', '-6 days')",
            **extra_context,
        )
