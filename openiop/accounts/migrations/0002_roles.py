"""Create the role groups with the permissions in openiop.accounts.roles (AZ-2)."""

from django.db import migrations

from openiop.accounts.roles import Role, ensure_permissions, sync_role_permissions


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    sync_role_permissions(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=Role.values).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        ("participants", "0001_initial"),
        ("programs", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
