"""Each episode's attendance per week, for the reports: the table, filled from the records
already there (``attendance_weeks.rebuild``, with this migration's models)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from openiop.scheduling.attendance_weeks import rebuild

    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0002_consents_portal_accounts"),
        ("scheduling", "0004_attendance_day"),
    ]

    operations = [
        migrations.CreateModel(
            name="AttendanceWeek",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("week_of", models.DateField(verbose_name="week of (Monday)")),
                (
                    "days_attended",
                    models.PositiveSmallIntegerField(verbose_name="days with a session attended"),
                ),
                ("attended", models.PositiveSmallIntegerField(verbose_name="sessions attended")),
                ("excused", models.PositiveSmallIntegerField(verbose_name="excused absences")),
                ("unexcused", models.PositiveSmallIntegerField(verbose_name="unexcused absences")),
                ("minutes", models.PositiveIntegerField(verbose_name="minutes attended")),
                (
                    "episode",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendance_weeks",
                        to="participants.episode",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["week_of", "episode"], name="attendance_week_episode")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("episode", "week_of"), name="attendance_week_once"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
