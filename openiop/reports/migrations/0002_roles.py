"""Roles get the reporting permissions (openiop.accounts.roles: the _REPORTS* lists)."""

from django.db import migrations

from openiop.accounts.roles import ensure_permissions, sync_role_permissions


def sync_roles(apps, schema_editor):
    ensure_permissions(apps)
    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_permissions"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
