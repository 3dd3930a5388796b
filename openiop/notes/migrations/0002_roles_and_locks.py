"""Roles get the note permissions (openiop.accounts.roles); a signed note and every row inside it
never change, and co-signatures and addenda are append-only (database triggers,
core/signed_lock.py and core/append_only.py).

On SQLite, core/signed_lock.py installs no DELETE triggers (the test runner empties tables with
DELETE in no fixed order); the models and querysets refuse those deletes, and PostgreSQL
refuses them in the database too.
"""

from django.db import migrations

from openiop.accounts.roles import ensure_permissions, sync_role_permissions
from openiop.core.append_only import append_only_trigger
from openiop.core.signed_lock import signed_child_trigger, signed_row_trigger

PROGRESS_NOTE_STATUS = "SELECT status FROM notes_progressnote WHERE id = {row}.progress_note_id"
GROUP_NOTE_STATUS = "SELECT status FROM notes_groupnote WHERE id = {row}.group_note_id"
ATTENDEE_NOTE_STATUS = (
    "SELECT g.status FROM notes_groupnote g JOIN notes_groupnoteattendee a "
    "ON a.group_note_id = g.id WHERE a.id = {row}.attendee_id"
)


def sync_roles(apps, schema_editor):
    ensure_permissions(apps)
    sync_role_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial"), ("accounts", "0002_roles")]

    operations = [
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
        signed_row_trigger("notes_progressnote"),
        signed_row_trigger("notes_groupnote"),
        signed_child_trigger("notes_progressnoteobjective", PROGRESS_NOTE_STATUS),
        signed_child_trigger("notes_groupnoteattendee", GROUP_NOTE_STATUS),
        signed_child_trigger("notes_groupnoteattendeeobjective", ATTENDEE_NOTE_STATUS),
        append_only_trigger("notes_progressnotecosignature"),
        append_only_trigger("notes_progressnoteaddendum"),
        append_only_trigger("notes_groupnotecosignature"),
        append_only_trigger("notes_groupnoteaddendum"),
    ]
