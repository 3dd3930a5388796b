"""The discharge demo: phase decisions, discharged and alumni participants, follow-ups due,
dated from --today, and a second run changes nothing."""

import pytest
import time_machine
from django.db import transaction

from openiop.accounts.models import User
from openiop.core.tests.demo_cache import DEMO_NOW, DEMO_TODAY, load_demo
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

TODAY, NOW = DEMO_TODAY, DEMO_NOW


@pytest.fixture(autouse=True)
def _today():
    """The module's own clock (NOW) applies, not the package's controlled Wednesday."""
    yield


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(TODAY, NOW)
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
