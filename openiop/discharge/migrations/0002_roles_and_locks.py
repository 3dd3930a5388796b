"""Roles get the discharge permissions (openiop.accounts.roles: the _DISCHARGE_* lists); a signed
discharge summary never changes, and recorded decisions and follow-ups are append-only
(database triggers, core/signed_lock.py and core/append_only.py)."""

from django.db import migrations

from openiop.accounts.roles import ensure_permissions, sync_role_permissions
from openiop.core.append_only import append_only_trigger
from openiop.core.signed_lock import signed_row_trigger


def sync_roles(apps, schema_editor):
    ensure_permissions(apps)
    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("discharge", "0001_step_down_discharge_aftercare"),
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        signed_row_trigger("discharge_discharge"),
        append_only_trigger("discharge_phasechange"),
        append_only_trigger("discharge_levelofcarechange"),
        append_only_trigger("discharge_followupcontact"),
    ]
