"""A submitted administration never changes: the database refuses it too (core/append_only.py)."""

from django.db import migrations

from openiop.core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_roles")]

    operations = [append_only_trigger("assessments_administration")]
