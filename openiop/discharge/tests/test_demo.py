"""The discharge demo: phase decisions, discharged and alumni participants, follow-ups due,
dated from --today, and a second run changes nothing."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from openiop.accounts.models import User
from openiop.discharge import selectors
from openiop.discharge.models import (
    AftercarePlan,
    AlumniEvent,
    AlumniMembership,
    Discharge,
    FollowUpContact,
    PhaseChange,
)
from openiop.participants.models import Episode, EpisodeStatus

TODAY = datetime.date(2026, 11, 25)
NOW = datetime.datetime(2026, 12, 1, 15, 0)


@pytest.fixture(autouse=True)
def _today():
    """The module's own clock (NOW) applies, not the package's controlled Wednesday."""
    yield


def _load():
    call_command("demo", stdout=io.StringIO(), today=TODAY.isoformat(), force=True)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        _load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    with time_machine.travel(NOW, tick=False):
        yield


def test_every_admitted_discharge_has_its_record_and_summary(loaded):
    discharged = Episode.objects.filter(status=EpisodeStatus.DISCHARGED, admitted_on__isnull=False)
    assert discharged.count() == Discharge.objects.count() > 5
    assert Discharge.objects.filter(status="draft").count() == 1
    signed = Discharge.objects.filter(status="signed")
    assert all(record.figures["sessions_attended"] >= 0 for record in signed)
    assert {record.reason for record in Discharge.objects.all()} >= {"completed"}
    assert AftercarePlan.objects.exists()


def test_phase_decisions_lead_to_the_current_phase(loaded):
    change = PhaseChange.objects.select_related("episode").first()
    assert change is not None
    last = PhaseChange.objects.filter(episode=change.episode).order_by("decided_on").last()
    assert last.to_phase_id == change.episode.current_phase_id
    assert all(c.decided_on <= TODAY for c in PhaseChange.objects.all())


def test_alumni_and_followups_due(loaded):
    assert AlumniMembership.objects.exists()
    assert AlumniMembership.objects.filter(has_portal_opt_in=True).exists()
    assert AlumniEvent.objects.filter(held_on__gt=TODAY).exists()
    director = User.objects.get(full_name="Elena Marquez")
    assert selectors.followup_worklist(director, TODAY)
    assert FollowUpContact.objects.filter(result="reached").exists()


# A second run changing nothing is checked for every table by core/tests/test_demo.py.
