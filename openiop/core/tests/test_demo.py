"""``openiop demo``: what it loads, that it is safe to repeat, and that it refuses production."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from openiop.accounts.demo import DEMO_STAFF
from openiop.accounts.models import User
from openiop.accounts.roles import Role
from openiop.core.tests.demo_cache import DEMO_NOW, DEMO_TODAY
from openiop.core.tests.demo_cache import load_demo as load_shared_demo
from openiop.participants import demo as participants_demo
from openiop.participants.models import CareTeamMember, Episode, EpisodeStatus, Participant
from openiop.programs.models import Program, ProgramMembership, ProgramPhase, Site
from openiop.recovery import demo as recovery_demo

# The clock runs past the demo's --today (six days at the load, twelve during the checks), so
# the checks also show that the demo is dated from --today and not from the clock.
TODAY = DEMO_TODAY
NOW = datetime.datetime(2026, 12, 7, 15, 0)
STAFF_PER_ROLE = {
    Role.PROGRAM_DIRECTOR: 1,
    Role.CLINICIAN: 2,
    Role.COUNSELOR: 1,
    Role.PRESCRIBER: 1,
    Role.NURSE_TECHNICIAN: 1,
    Role.FRONT_DESK: 1,
    Role.BILLING: 1,
    Role.COMPLIANCE_AUDITOR: 1,
}
EPISODES_PER_STATUS = {
    "Adult IOP": {
        "referred": 4,
        "assessing": 5,
        "wait_listed": 2,
        "active": 19,
        "on_hold": 3,
        "discharged": 11,
    },
    "Adolescent IOP": {
        "referred": 2,
        "assessing": 2,
        "wait_listed": 1,
        "active": 9,
        "on_hold": 2,
        "discharged": 4,
    },
}
AGES = {"adult": range(18, 66), "adolescent": range(13, 18)}


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(NOW, tick=False)


def load_demo(today: datetime.date = TODAY, **options) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, today=today.isoformat(), **{"force": True, **options})
    return out.getvalue()


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker):
    """One load shared by the tests of a class (each test's own changes roll back as usual),
    rolled back when the class is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = load_shared_demo(TODAY, DEMO_NOW)
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo_output(loaded_demo, db) -> str:
    return loaded_demo


def database_snapshot() -> dict[str, tuple]:
    """Row count and latest change of every table."""
    snapshot = {}
    for model in apps.get_models():
        if not model._meta.managed:  # no table (e.g. reports' permission holder)
            continue
        rows = model._default_manager.all()
        latest = None
        if any(field.name == "updated_at" for field in model._meta.fields):
            latest = rows.order_by("-updated_at").values_list("updated_at", flat=True).first()
        snapshot[model._meta.label] = (rows.count(), latest)
    return snapshot


def demo_fingerprint() -> list[tuple]:
    """Everything the demo decides about its people, independent of database ids."""
    return [
        (
            participant.mrn,
            participant.legal_name,
            participant.preferred_name,
            participant.date_of_birth,
            participant.phone,
            participant.emergency_contact_name,
            sorted(
                (
                    episode.program.name,
                    episode.status,
                    episode.referred_on,
                    episode.admitted_on,
                    episode.discharged_on,
                    getattr(episode.current_phase, "name", None),
                    getattr(episode.primary_clinician, "email", None),
                    sorted((m.user.email, m.role) for m in episode.care_team.all()),
                )
                for episode in participant.episodes.all()
            ),
        )
        for participant in Participant.objects.order_by("mrn")
    ]


class TestTheLoadedDemo:
    """Checks on one load shared by the class (each test's own writes roll back)."""

    def test_demo_loads_one_site_two_programs_and_the_staff_cast(self, demo_output):
        site = Site.objects.get()
        assert (site.name, site.time_zone) == ("Riverside Recovery Center", "America/Chicago")
        programs = {program.name: program for program in Program.objects.all()}
        assert {name: (p.level_of_care, p.population) for name, p in programs.items()} == {
            "Adult IOP": ("2.1", "adult"),
            "Adolescent IOP": ("2.1", "adolescent"),
        }
        for program in programs.values():
            phases = list(program.phases.order_by("order"))
            assert [phase.order for phase in phases] == [1, 2, 3, 4]
            assert all(
                phase.target_weekly_hours <= program.maximum_weekly_hours for phase in phases
            )
        staff = User.objects.filter(portal_account__isnull=True)
        assert Counter(role for user in staff for role in user.roles) == STAFF_PER_ROLE
        assert all(len(user.roles) == 1 for user in staff)
        counselor = User.objects.get(groups__name=Role.COUNSELOR)
        assert counselor.requires_cosignature
        assert Role.CLINICIAN in counselor.supervisor.roles
        assert ProgramMembership.objects.count() == staff.count() * 2

    def test_demo_has_participants_at_every_stage_in_both_programs(self, demo_output):
        assert Participant.objects.count() == 60
        for program in Program.objects.all():
            episodes = Episode.objects.filter(program=program)
            assert (
                dict(Counter(episodes.values_list("status", flat=True)))
                == (EPISODES_PER_STATUS[program.name])
            )
            waiting = [
                TODAY - e.referred_on for e in episodes.filter(status=EpisodeStatus.REFERRED)
            ]
            assert max(waiting) > datetime.timedelta(days=7)
            active = episodes.filter(status=EpisodeStatus.ACTIVE)
            assert {e.current_phase_id for e in active} == set(
                program.phases.values_list("pk", flat=True)
            )
            assert min(TODAY - e.admitted_on for e in active) < datetime.timedelta(days=14)
            assert max(TODAY - e.admitted_on for e in active) > datetime.timedelta(weeks=10)
            readmitted = episodes.exclude(status=EpisodeStatus.DISCHARGED).filter(
                participant__episodes__program=program,
                participant__episodes__status=EpisodeStatus.DISCHARGED,
            )
            assert readmitted.exists()
            for participant in Participant.objects.filter(episodes__program=program).distinct():
                assert participant.age_on(TODAY) in AGES[program.population]

    def test_demo_participants_are_varied(self, demo_output):
        participants = Participant.objects.all()
        assert {p.sex_assigned_at_birth for p in participants} >= {"female", "male"}
        assert {p.pronouns for p in participants} >= {"she/her", "he/him", "they/them"}
        assert participants.exclude(preferred_name="").exists()
        assert participants.filter(emergency_contact_name="").exists()
        assert participants.exclude(emergency_contact_name="").count() > participants.count() / 2
        assert all(re.fullmatch(r"\d{3}-555-01\d\d", p.phone) for p in participants)

    def test_every_admitted_episode_has_a_primary_clinician_and_care_team(self, demo_output):
        admitted = Episode.objects.exclude(admitted_on=None)
        assert admitted.exists()
        for episode in admitted:
            assert set(episode.primary_clinician.roles) & {Role.CLINICIAN, Role.COUNSELOR}
            team = {member.user for member in episode.care_team.all()}
            assert episode.primary_clinician in team
            assert any(member.role == "primary_therapist" for member in episode.care_team.all())
            for user in team:
                assert user.program_memberships.filter(program=episode.program).exists()

    def test_running_the_demo_twice_changes_nothing(self, demo_output, time_machine):
        before = database_snapshot()
        mrns = sorted(Participant.objects.values_list("mrn", flat=True))
        time_machine.move_to(NOW + datetime.timedelta(hours=1), tick=False)

        load_demo()

        assert database_snapshot() == before
        assert sorted(Participant.objects.values_list("mrn", flat=True)) == mrns

    def test_every_demo_login_works_with_the_printed_password(self, demo_output):
        password = re.search(r"Password for every demo account: (\S+)", demo_output).group(1)
        logins = re.findall(r"^\s+(\S+@demo\.openiop\.org)\s+(.+)$", demo_output, re.MULTILINE)
        assert {email for email, _role in logins} == set(
            User.objects.values_list("email", flat=True)
        )
        assert "demo accounts" in demo_output
        for email, role in logins:
            request = RequestFactory().post("/accounts/login/")
            user = authenticate(request=request, username=email, password=password)
            assert user is not None, email
            if role.startswith("Portal:"):  # a participant's or family member's portal login
                assert hasattr(user, "portal_account") and not user.roles
                continue
            assert [str(Role(r).label) for r in user.roles] == [role.strip()]

    def test_the_demo_cast_are_the_only_accounts(self, demo_output):
        """AUTH-1: everyone signs in as themselves; no shared admin, root or test account."""
        users = User.objects.all()
        portal = {recovery_demo.PARTICIPANT_EMAIL, recovery_demo.FAMILY_EMAIL}
        assert {user.email for user in users} == {person.email for person in DEMO_STAFF} | portal
        assert all(user.email.endswith("@demo.openiop.org") for user in users)
        assert not users.filter(is_superuser=True).exists()
        assert not users.filter(is_staff=True).exists()
        assert not any(re.search(r"admin|root|test", user.email) for user in users)

    def test_no_date_is_after_the_given_today(self, demo_output):
        for episode in Episode.objects.all():
            dates = [episode.referred_on, episode.admitted_on, episode.discharged_on]
            assert all(day <= TODAY for day in dates if day is not None), episode.pk
        assert all(p.date_of_birth < TODAY for p in Participant.objects.all())
        latest = max(Episode.objects.values_list("referred_on", flat=True))
        assert TODAY - latest < datetime.timedelta(days=7)

    def test_every_demo_record_passes_model_validation(self, demo_output):
        for model in (Site, Program, ProgramPhase, User, Participant, Episode, CareTeamMember):
            for instance in model.objects.all():
                instance.full_clean()


def test_a_fresh_load_on_the_same_day_gives_the_same_demo(db, settings, time_machine):
    """The first load is given --today (the shared load, run days later); the second runs as
    on a developer's machine on that day: DEBUG on, no --force, no --today."""

    class Discard(Exception):
        pass

    with pytest.raises(Discard), transaction.atomic():
        load_shared_demo(TODAY, DEMO_NOW)
        first = demo_fingerprint()
        raise Discard
    assert not Participant.objects.exists()
    settings.DEBUG = True
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(9, 30)), tick=False)

    call_command("demo", stdout=io.StringIO())

    assert demo_fingerprint() == first


def test_demo_refuses_to_run_without_debug_or_force(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_refuses_a_today_in_the_future(db):
    with pytest.raises(CommandError, match="in the future"):
        load_demo(today=NOW.date() + datetime.timedelta(days=1))
    assert not User.objects.exists()


def test_demo_loads_all_or_nothing(db, monkeypatch):
    def fail(context):
        raise RuntimeError("participants failed")

    monkeypatch.setattr(participants_demo, "load", fail)
    with pytest.raises(RuntimeError):
        load_demo()
    assert not User.objects.exists()
    assert not Site.objects.exists()
