"""AUD-4: the database itself refuses to change audit rows (see core/append_only.py)."""

from django.db import migrations

from openiop.core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [append_only_trigger("audit_auditevent")]
