"""Discharge tests run on a controlled Wednesday, 18 March 2026; the episode was admitted on
Monday 2 February."""

import datetime

import pytest
import time_machine

from openiop.programs.tests.factories import ProgramFactory

TODAY = datetime.date(2026, 3, 18)
ADMITTED = datetime.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 12), tick=False):
        yield


@pytest.fixture
def admitted(episode):
    episode.referred_on = episode.admitted_on = ADMITTED
    episode.save()
    return episode


@pytest.fixture
def outpatient(program, clinician):
    """An OP program at the same site that the clinician also works in."""
    from openiop.programs.models import ProgramMembership

    target = ProgramFactory(name="Outpatient", site=program.site, level_of_care="1.0")
    ProgramMembership.objects.create(user=clinician, program=target)
    return target
