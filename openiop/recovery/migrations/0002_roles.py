"""Roles get the portal and recovery permissions (openiop.accounts.roles: _PORTAL_INVITE,
_CONSENT, _RECOVERY_SEE, _RECOVERY_SETUP)."""

from django.db import migrations

from openiop.accounts.roles import ensure_permissions, sync_role_permissions


def sync_roles(apps, schema_editor):
    ensure_permissions(apps)
    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("recovery", "0001_check_ins_journal_plans_settings"),
        ("participants", "0002_consents_portal_accounts"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
