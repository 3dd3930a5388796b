"""The demo program gets notes: signed ones in several formats, drafts, one awaiting
co-signature, signed group notes; a second run adds nothing."""

import datetime
import io

import pytest
from django.core.management import call_command

from openiop.notes.models import (
    GroupNote,
    GroupNoteAttendee,
    ProgressNote,
    ProgressNoteCosignature,
)
from openiop.notes.selectors import name_warnings

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 30, 15, 0), tick=False)


def _counts():
    return (
        ProgressNote.objects.count(),
        GroupNote.objects.count(),
        GroupNoteAttendee.objects.count(),
        ProgressNoteCosignature.objects.count(),
    )


def test_the_demo_writes_notes_once(db):
    out = io.StringIO()
    call_command("demo", stdout=out, today=TODAY.isoformat(), force=True)
    assert "Notes:" in out.getvalue()
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
