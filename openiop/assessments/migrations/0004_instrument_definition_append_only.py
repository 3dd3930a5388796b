"""A program's instrument definitions never change once saved (database trigger), like the
administrations scored with them."""

from django.db import migrations

from openiop.core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_program_schedules_and_instruments")]

    operations = [append_only_trigger("assessments_instrumentdefinition")]
