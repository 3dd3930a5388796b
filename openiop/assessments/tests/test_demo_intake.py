"""The demo's intake board: wait-listed referrals, screened and assessed, with days waiting;
referrals closed because the person was referred elsewhere are off the board."""

import datetime
import re
from itertools import pairwise

import pytest
from django.db import transaction
from django.urls import reverse

from openiop.accounts.models import User
from openiop.accounts.roles import Role
from openiop.assessments.models import Administration
from openiop.core.tests.demo_cache import DEMO_NOW, DEMO_TODAY, load_demo
from openiop.participants.models import Episode, EpisodeStatus

TODAY = DEMO_TODAY


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """One demo load for the module's tests, rolled back when they are done."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(TODAY, DEMO_NOW)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded_demo, db, time_machine):
    """The intake board is read on the demo's day, so days waiting count up to TODAY."""
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(15, 0)), tick=False)


def test_wait_listed_referrals_show_their_days_waiting_and_are_ready_to_admit(client, demo):
    waiting = Episode.objects.filter(status=EpisodeStatus.WAIT_LISTED).select_related("participant")
    assert {e.program.name for e in waiting} == {"Adult IOP", "Adolescent IOP"}
    client.force_login(User.objects.get(groups__name=Role.PROGRAM_DIRECTOR))
    page = client.get(reverse("assessments:intake")).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL)
    for episode in waiting:
        row = next(row for row in rows if episode.participant.display_name in row)
        days = (TODAY - episode.referred_on).days
        assert days >= 10
        assert f'data-label="Days waiting">{days}</td>' in row
        assert "Wait-listed" in row and "GAD-7, PHQ-9" in row
        assert reverse("participants:admit", args=[episode.public_id]) in row


def test_closed_referrals_say_where_the_person_was_referred(client, demo):
    closed = Episode.objects.exclude(closure_reason="")
    assert closed.count() == 3
    for episode in closed:
        assert (episode.status, episode.admitted_on) == (EpisodeStatus.DISCHARGED, None)
        assert episode.closure_reason == "referred_elsewhere" and episode.closure_detail
        assert episode.discharged_on <= TODAY
    client.force_login(User.objects.get(groups__name=Role.PROGRAM_DIRECTOR))
    page = client.get(reverse("assessments:intake")).content.decode()
    assert not any(episode.participant.display_name in page for episode in closed)


def test_participants_discharged_since_had_measures_every_two_weeks_while_in_care(demo):
    discharged = Episode.objects.filter(status=EpisodeStatus.DISCHARGED, admitted_on__isnull=False)
    assert discharged.count() > 5
    for episode in discharged:
        given = sorted(
            (a.administered_on, a.instrument)
            for a in Administration.objects.filter(episode=episode)
        )
        days = sorted({day for day, _code in given})
        assert days[0] == episode.admitted_on and days[-1] <= episode.discharged_on
        assert all(14 <= (later - earlier).days <= 28 for earlier, later in pairwise(days))
        assert {code for _day, code in given} == {"phq9", "gad7"}
        assert episode.discharged_on - days[-1] < datetime.timedelta(days=14)
