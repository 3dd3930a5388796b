"""Roles get the scheduling permissions (openiop.accounts.roles: the _SCHEDULE_* lists)."""

from django.db import migrations

from openiop.accounts.roles import ensure_permissions, sync_role_permissions


def sync_roles(apps, schema_editor):
    ensure_permissions(apps)
    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_tracks_sessions_attendance"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
