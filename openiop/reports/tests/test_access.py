"""report_scope(): what each user may report on, and filters that never widen it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openiop.programs.models import ProgramMembership
from openiop.programs.tests.factories import ProgramFactory, SiteFactory
from openiop.reports.access import report_scope
from openiop.reports.forms import default_range
from openiop.scheduling.models import Track

pytestmark = pytest.mark.django_db
D = datetime.date
DATES = {"start": D(2026, 1, 5), "end": D(2026, 3, 15), "today": D(2026, 3, 18)}


def test_a_director_reports_on_every_episode_of_their_programs(director, program):
    scope = report_scope(director, **DATES)

    assert scope.program_ids == (program.pk,)
    assert scope.clinician_id is None
    assert (scope.start, scope.end, scope.today) == (D(2026, 1, 5), D(2026, 3, 15), D(2026, 3, 18))


def test_the_compliance_auditor_reports_on_their_programs(auditor, program):
    assert report_scope(auditor, **DATES).clinician_id is None


@pytest.mark.parametrize("persona", ["clinician", "counselor", "other_clinician"])
def test_clinicians_report_on_their_own_caseload(request, persona):
    user = request.getfixturevalue(persona)

    scope = report_scope(user, **DATES)

    assert scope.clinician_id == user.pk


@pytest.mark.parametrize("persona", ["front_desk", "billing", "participant_user", "family_member"])
def test_anyone_else_is_refused(request, persona):
    with pytest.raises(PermissionDenied):
        report_scope(request.getfixturevalue(persona), **DATES)


def test_another_program_is_refused_not_widened(director, other_program):
    with pytest.raises(ValidationError) as error:
        report_scope(director, **DATES, program=other_program)

    assert "program" in error.value.error_dict


def test_a_track_of_another_program_is_refused(director, other_program):
    track = Track.objects.create(program=other_program, name="Evening")

    with pytest.raises(ValidationError) as error:
        report_scope(director, **DATES, track=track)

    assert "track" in error.value.error_dict


def test_a_site_narrows_to_its_programs(director, program):
    elsewhere = ProgramFactory(name="Northside IOP", site=SiteFactory(name="Northside"))
    ProgramMembership.objects.create(user=director, program=elsewhere)

    assert report_scope(director, **DATES).program_ids == tuple(sorted((program.pk, elsewhere.pk)))
    scope = report_scope(director, **DATES, site=elsewhere.site)
    assert (scope.program_ids, scope.site_id) == ((elsewhere.pk,), elsewhere.site.pk)
    with pytest.raises(ValidationError):
        report_scope(director, **DATES, site=SiteFactory(name="Nowhere"))


def test_one_program_narrows_the_scope(director, program):
    elsewhere = ProgramFactory(name="Northside IOP")
    ProgramMembership.objects.create(user=director, program=elsewhere)

    assert report_scope(director, **DATES, program=elsewhere).program_ids == (elsewhere.pk,)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 3, 18), (D(2025, 12, 22), D(2026, 3, 15))),  # a Wednesday
        (D(2026, 3, 15), (D(2025, 12, 22), D(2026, 3, 15))),  # a Sunday: its week is complete
        (D(2026, 3, 16), (D(2025, 12, 22), D(2026, 3, 15))),  # a Monday
    ],
)
def test_the_default_range_is_twelve_full_weeks(today, expected):
    start, end = default_range(today)

    assert (start, end) == expected
    assert start.weekday() == 0 and end.weekday() == 6
    assert (end - start).days + 1 == 12 * 7
