"""Dimensional assessments never change (database trigger); roles get their permissions."""

from django.db import migrations

from openiop.accounts.roles import ensure_permissions, sync_role_permissions
from openiop.core.append_only import append_only_trigger


def sync_roles(apps, schema_editor):
    ensure_permissions(apps)
    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_dimensional_assessment")]

    operations = [
        append_only_trigger("assessments_dimensionalassessment"),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
