import pytest

from openiop.notes.tests.helpers import team_up
from openiop.participants.tests.factories import EpisodeFactory


@pytest.fixture
def objective(episode, clinician):
    """An objective of the signed plan in force for ``episode``."""
    from openiop.plans.selectors import current_objectives
    from openiop.plans.tests.helpers import signed_plan

    signed_plan(episode, clinician)
    return current_objectives(episode).first()


@pytest.fixture
def counselor_episode(program, clinician, counselor):
    """A second participant in ``program`` whose care team has the clinician and the
    counselor (who needs co-signature, supervised by the clinician)."""
    episode = EpisodeFactory(program=program, active=True, primary_clinician=clinician)
    team_up(episode, clinician, role="primary_therapist")
    team_up(episode, counselor)
    return episode
