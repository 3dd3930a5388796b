"""Roles get the measurement-based-care permissions (openiop.accounts.roles); submitted
administrations and dimensional assessments never change (database triggers)."""

from django.db import migrations

from openiop.accounts.roles import ensure_permissions, sync_role_permissions
from openiop.core.append_only import append_only_trigger


def sync_roles(apps, schema_editor):
    ensure_permissions(apps)
    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial"), ("accounts", "0002_roles")]

    operations = [
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        append_only_trigger("assessments_administration"),
        append_only_trigger("assessments_dimensionalassessment"),
    ]
