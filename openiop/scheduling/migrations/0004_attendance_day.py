"""Attendance records carry their session's day, for the reports: added empty, filled from the
sessions in one UPDATE (the same SQL on SQLite and PostgreSQL), then made required and
indexed with the episode."""

from django.db import migrations, models

FILL = """
UPDATE scheduling_attendancerecord
SET held_on = (
    SELECT scheduling_session.held_on FROM scheduling_session
    WHERE scheduling_session.id = scheduling_attendancerecord.session_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0003_setup_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendancerecord",
            name="held_on",
            field=models.DateField(editable=False, null=True, verbose_name="session day"),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="attendancerecord",
            name="held_on",
            field=models.DateField(editable=False, verbose_name="session day"),
        ),
        migrations.AddIndex(
            model_name="attendancerecord",
            index=models.Index(fields=["held_on", "episode"], name="attendance_day_episode"),
        ),
    ]
