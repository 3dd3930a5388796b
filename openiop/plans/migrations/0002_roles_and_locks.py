"""Roles get the plan permissions (openiop.accounts.roles); a signed plan version and its parts
never change, and co-signatures are append-only (database triggers, core/signed_lock.py)."""

from django.db import migrations

from openiop.accounts.roles import ensure_permissions, sync_role_permissions
from openiop.core.append_only import append_only_trigger
from openiop.core.signed_lock import signed_child_trigger, signed_row_trigger

VERSION_STATUS = "SELECT status FROM plans_planversion WHERE id = {row}.plan_version_id"


def sync_roles(apps, schema_editor):
    ensure_permissions(apps)
    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial"), ("accounts", "0002_roles")]

    operations = [
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        signed_row_trigger("plans_planversion"),
        signed_child_trigger("plans_planproblem", VERSION_STATUS),
        signed_child_trigger("plans_plangoal", VERSION_STATUS),
        signed_child_trigger("plans_planobjective", VERSION_STATUS),
        signed_child_trigger("plans_planintervention", VERSION_STATUS),
        append_only_trigger("plans_plancosignature"),
    ]
