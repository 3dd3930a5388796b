"""The named cast every test can use (CONVENTIONS: Tests).

Two programs. In ``program``: a director, a clinician on ``participant``'s care team, a
counselor (needs co-signature) on no care team, front desk, billing and a compliance auditor.
In ``other_program``: a clinician on ``other_participant``'s care team. Plus a participant's
and a family member's accounts, which have no staff role.
"""

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from openiop.accounts.roles import Role
from openiop.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openiop.participants.models import CareTeamRole
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory
from openiop.programs.tests.factories import ProgramFactory, ProgramPhaseFactory


def _django_order(item) -> int:
    """pytest-django's order (as Django's): database tests, transactional ones, the rest."""
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(fixtures) or (
        marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    ):
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


def pytest_collection_modifyitems(session, config, items):
    """The demo checks first among the database tests: they share one demo load per test
    process (core/tests/demo_cache.py), which a transactional test's flush in between would
    spoil, and with pytest-xdist these long modules then start early instead of ending one
    worker's run long after the other's."""
    items.sort(key=lambda item: (_django_order(item), not item.path.name.startswith("test_demo")))


# No per-example deadline: on a busy CI machine it fails on timing, not on a bug.
hypothesis_settings.register_profile("openiop", deadline=None)
hypothesis_settings.load_profile("openiop")


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def program(db):
    program = ProgramFactory(name="Evening IOP")
    ProgramPhaseFactory(program=program, order=1, name="Engagement", target_weekly_hours=12)
    ProgramPhaseFactory(program=program, order=2, name="Early recovery", target_weekly_hours=9)
    return program


@pytest.fixture
def other_program(db):
    return ProgramFactory(name="Adolescent IOP", population="adolescent")


def _staff(role, programs, **fields):
    return UserFactory(roles=[role], programs=programs, **fields)


@pytest.fixture
def director(program):
    return _staff(Role.PROGRAM_DIRECTOR, [program], email="director@example.org")


@pytest.fixture
def clinician(program):
    return _staff(Role.CLINICIAN, [program], email="clinician@example.org", credentials="LCSW")


@pytest.fixture
def counselor(program, clinician):
    return _staff(
        Role.COUNSELOR,
        [program],
        email="counselor@example.org",
        requires_cosignature=True,
        supervisor=clinician,
    )


@pytest.fixture
def front_desk(program):
    return _staff(Role.FRONT_DESK, [program], email="frontdesk@example.org")


@pytest.fixture
def billing(program):
    return _staff(Role.BILLING, [program], email="billing@example.org")


@pytest.fixture
def auditor(program):
    return _staff(Role.COMPLIANCE_AUDITOR, [program], email="auditor@example.org")


@pytest.fixture
def other_clinician(other_program):
    return _staff(Role.CLINICIAN, [other_program], email="other.clinician@example.org")


@pytest.fixture
def participant_user(db):
    return UserFactory(email="participant@example.org")


@pytest.fixture
def family_member(db):
    return UserFactory(email="family@example.org")


@pytest.fixture
def episode(program, clinician):
    episode = EpisodeFactory(program=program, active=True, primary_clinician=clinician)
    episode.current_phase = program.phases.first()
    episode.save()
    CareTeamMemberFactory(episode=episode, user=clinician, role=CareTeamRole.PRIMARY_THERAPIST)
    return episode


@pytest.fixture
def participant(episode):
    return episode.participant


@pytest.fixture
def other_episode(other_program, other_clinician):
    episode = EpisodeFactory(program=other_program, active=True, primary_clinician=other_clinician)
    CareTeamMemberFactory(episode=episode, user=other_clinician)
    return episode


@pytest.fixture
def other_participant(other_episode):
    return other_episode.participant


PERSONAS = (
    "anonymous",
    "director",
    "clinician",
    "counselor",
    "front_desk",
    "billing",
    "auditor",
    "other_clinician",
    "participant_user",
    "family_member",
)


@pytest.fixture
def as_persona(client, request):
    """Log the test client in as a named persona (or stay anonymous); returns the user."""

    def login(name: str):
        if name == "anonymous":
            return None
        user = request.getfixturevalue(name)
        client.force_login(user)
        return user

    return login


CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (its own browser download does not work here).

    Playwright's sync API runs an event loop in the test thread, so Django's async-safety
    check is lifted while the module's browser tests run, and restored afterwards.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/ (git-ignored) to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
