"""Drug-testing fixtures: a nurse at the collection desk on the participant's care team, the
program's default panels, and helpers to read the HL7 fixture messages."""

from pathlib import Path

import pytest

from openiop.drugtests import services
from openiop.drugtests.tests.helpers import nurse_on_team

HL7_DIR = Path(__file__).resolve().parent / "hl7"


def hl7_message(name: str, **values) -> str:
    """A fixture message (fictional) with {MRN} and {ACC} filled in."""
    text = (HL7_DIR / name).read_bytes().decode("utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


@pytest.fixture
def nurse(program, episode):
    return nurse_on_team(program, episode, email="nurse@example.org")


@pytest.fixture
def panels(program, director):
    return services.panels_seed_defaults(program=program, actor=director)


@pytest.fixture
def urine_panel(panels):
    return panels[0]
