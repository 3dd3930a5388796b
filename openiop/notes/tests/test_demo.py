"""The demo program gets notes: signed ones in several formats, drafts, one awaiting
co-signature, signed group notes; a second run adds nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from openiop.core.tests.demo_cache import DEMO_NOW, DEMO_TODAY, load_demo
from openiop.notes.models import (
    GroupNote,
    GroupNoteAttendee,
    ProgressNote,
    ProgressNoteCosignature,
)
from openiop.notes.selectors import name_warnings

TODAY = DEMO_TODAY


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo(TODAY, DEMO_NOW)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def clock(time_machine):
    """A week after the demo's --today."""
    week_later = TODAY + datetime.timedelta(days=7)
    time_machine.move_to(datetime.datetime.combine(week_later, datetime.time(15, 0)), tick=False)


def _counts():
    return (
        ProgressNote.objects.count(),
        GroupNote.objects.count(),
        GroupNoteAttendee.objects.count(),
        ProgressNoteCosignature.objects.count(),
    )


def test_the_demo_writes_notes_once(demo_output, db):
    assert "Notes:" in demo_output
    signed = ProgressNote.objects.filter(status="signed")
    assert set(signed.values_list("format", flat=True)) == {"dap", "birp", "soap", "narrative"}
    assert signed.filter(service_on__lte=TODAY - datetime.timedelta(days=14)).exists()
    assert not ProgressNote.objects.filter(service_on__gt=TODAY).exists()
    assert ProgressNote.objects.filter(status="draft").count() >= 2
    awaiting = signed.filter(cosigner__isnull=False, cosignature__isnull=True)
    assert awaiting.count() == 1
    assert ProgressNoteCosignature.objects.exists()
    assert signed.filter(objectives__isnull=False).exists()
    groups = GroupNote.objects.filter(status="signed")
    assert groups.count() >= 2
    for group in groups:
        attendees = list(group.attendees.select_related("participant"))
        assert len(attendees) >= 2
        assert name_warnings(group, attendees) == []
    before = _counts()
    call_command("demo", stdout=io.StringIO(), today=TODAY.isoformat(), force=True)
    assert _counts() == before
