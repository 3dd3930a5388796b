"""Report settings: each program's meaningful-change thresholds, the published values as
defaults; the director's settings page (validation, conflicts, access matrix, audit)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import PERSONAS
from openiop.assessments.instruments.change import MEANINGFUL_CHANGE
from openiop.audit.models import AuditAction, AuditEvent
from openiop.programs.models import ProgramMembership
from openiop.programs.tests.factories import ProgramFactory
from openiop.reports.models import ReportSettings, highest_total
from openiop.reports.thresholds import meaningful_change, report_settings_update

pytestmark = pytest.mark.django_db
URL = "reports:settings"
PUBLISHED = {"phq9": 5, "gad7": 4, "pcl5": 10}
EMPTY_FORM = {
    "phq9_meaningful_change": "",
    "gad7_meaningful_change": "",
    "pcl5_meaningful_change": "",
    "expected_version": "0",
}


def _changes():
    return AuditEvent.objects.filter(action=AuditAction.REPORT_SETTINGS_CHANGED)


# ----------------------------------------------------------------------------- thresholds


def test_the_defaults_are_the_published_values():
    assert MEANINGFUL_CHANGE == PUBLISHED


def test_every_instrument_with_a_published_threshold_has_a_setting():
    assert set(ReportSettings.THRESHOLD_FIELDS) == set(MEANINGFUL_CHANGE)


@pytest.mark.parametrize(("code", "highest"), [("phq9", 27), ("gad7", 21), ("pcl5", 80)])
def test_a_threshold_goes_up_to_the_instruments_highest_total(code, highest):
    assert highest_total(code) == highest


def test_programs_without_settings_get_the_published_defaults(
    program, other_program, django_assert_num_queries
):
    with django_assert_num_queries(1):
        thresholds = meaningful_change([program.pk, other_program.pk])

    assert thresholds == {program.pk: PUBLISHED, other_program.pk: PUBLISHED}


def test_no_programs_need_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert meaningful_change([]) == {}


def test_a_saved_threshold_replaces_only_that_default_and_only_for_its_program(
    program, other_program, django_assert_num_queries
):
    ReportSettings.objects.create(program=program, phq9_meaningful_change=6)
    ReportSettings.objects.create(program=other_program, pcl5_meaningful_change=15)

    with django_assert_num_queries(1):
        thresholds = meaningful_change([program.pk, other_program.pk])

    assert thresholds[program.pk] == {"phq9": 6, "gad7": 4, "pcl5": 10}
    assert thresholds[other_program.pk] == {"phq9": 5, "gad7": 4, "pcl5": 15}


def test_each_program_gets_its_own_copy_of_the_defaults(program, other_program):
    thresholds = meaningful_change([program.pk, other_program.pk])
    thresholds[program.pk]["phq9"] = 99

    assert thresholds[other_program.pk]["phq9"] == 5
    assert MEANINGFUL_CHANGE["phq9"] == 5


def test_the_database_refuses_a_threshold_out_of_range(program):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportSettings.objects.create(program=program, gad7_meaningful_change=22)


# ----------------------------------------------------------------------------- the page


def test_the_page_shows_the_published_defaults_when_nothing_is_set(client, director):
    client.force_login(director)

    response = client.get(reverse(URL))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Published default: 5 points" in page
    assert "Published default: 4 points" in page
    assert "Published default: 10 points" in page
    assert 'placeholder="5"' in page
    assert not ReportSettings.objects.exists()


def test_a_director_saves_a_threshold_and_the_reports_use_it(client, director, program):
    client.force_login(director)

    response = client.post(reverse(URL), {**EMPTY_FORM, "phq9_meaningful_change": "6"})

    assert response.status_code == 302
    assert response.url == f"{reverse(URL)}?program={program.public_id}"
    saved = ReportSettings.objects.get(program=program)
    assert (saved.phq9_meaningful_change, saved.gad7_meaningful_change) == (6, None)
    assert saved.version == 1
    assert meaningful_change([program.pk])[program.pk] == {"phq9": 6, "gad7": 4, "pcl5": 10}
    page = client.get(response.url).content.decode()
    assert "Report settings saved for Evening IOP." in page
    assert 'name="phq9_meaningful_change" value="6"' in page


def test_the_change_is_audited_with_the_values_before_and_after(client, director, program):
    client.force_login(director)
    client.post(reverse(URL), {**EMPTY_FORM, "phq9_meaningful_change": "6"})

    client.post(
        reverse(URL),
        {**EMPTY_FORM, "gad7_meaningful_change": "3", "expected_version": "1"},
    )

    first, second = _changes().order_by("pk")
    assert second.actor == director
    assert second.details == {
        "program": str(program.public_id),
        "version": 2,
        "before": {"phq9": 6, "gad7": None, "pcl5": None},
        "after": {"phq9": None, "gad7": 3, "pcl5": None},
    }
    assert first.details["before"] == {"phq9": None, "gad7": None, "pcl5": None}
    assert second.target_id == first.target_id


def test_emptying_a_threshold_goes_back_to_the_published_default(client, director, program):
    ReportSettings.objects.create(program=program, pcl5_meaningful_change=15)
    client.force_login(director)

    response = client.post(reverse(URL), {**EMPTY_FORM, "expected_version": "1"})

    assert response.status_code == 302
    assert meaningful_change([program.pk])[program.pk] == PUBLISHED


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phq9_meaningful_change", "0", "from 1 to 27"),
        ("phq9_meaningful_change", "28", "from 1 to 27"),
        ("gad7_meaningful_change", "22", "from 1 to 21"),
        ("pcl5_meaningful_change", "81", "from 1 to 80"),
        ("pcl5_meaningful_change", "-3", "from 1 to 80"),
        ("gad7_meaningful_change", "four", "from 1 to 21"),
        ("phq9_meaningful_change", "2.5", "from 1 to 27"),
    ],
)
def test_a_wrong_threshold_is_explained_and_nothing_is_saved(
    client, director, program, field, value, message
):
    client.force_login(director)

    response = client.post(
        reverse(URL), {**EMPTY_FORM, "phq9_meaningful_change": "6", field: value}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    expected = f"Give a whole number of points {message}, or leave it empty."
    assert form.errors[field] == [expected]
    assert expected in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ReportSettings.objects.exists()
    assert not _changes().exists()


def test_a_wrong_threshold_leaves_the_saved_ones_as_they_were(client, director, program):
    ReportSettings.objects.create(program=program, phq9_meaningful_change=7)
    client.force_login(director)

    response = client.post(
        reverse(URL),
        {**EMPTY_FORM, "phq9_meaningful_change": "8", "gad7_meaningful_change": "0"},
    )

    assert response.status_code == 400
    saved = ReportSettings.objects.get(program=program)
    assert (saved.phq9_meaningful_change, saved.gad7_meaningful_change, saved.version) == (
        7,
        None,
        1,
    )


def test_a_form_loaded_before_someone_else_saved_does_not_overwrite(client, director, program):
    client.force_login(director)
    client.post(reverse(URL), {**EMPTY_FORM, "phq9_meaningful_change": "6"})

    stale = client.post(reverse(URL), {**EMPTY_FORM, "phq9_meaningful_change": "9"})

    assert stale.status_code == 400
    assert "Someone else changed this record" in stale.content.decode()
    assert ReportSettings.objects.get(program=program).phq9_meaningful_change == 6
    assert _changes().count() == 1


def test_a_director_of_two_programs_chooses_which_one(client, director, program):
    second = ProgramFactory(name="Weekend IOP")
    ProgramMembership.objects.create(user=director, program=second)
    client.force_login(director)
    url = f"{reverse(URL)}?program={second.public_id}"

    page = client.get(url).content.decode()
    client.post(url, {**EMPTY_FORM, "gad7_meaningful_change": "5"})

    assert "Weekend IOP" in page
    assert meaningful_change([program.pk, second.pk]) == {
        program.pk: PUBLISHED,
        second.pk: {"phq9": 5, "gad7": 5, "pcl5": 10},
    }


def test_another_programs_settings_are_404_and_unchanged(client, director, other_program):
    client.force_login(director)
    url = f"{reverse(URL)}?program={other_program.public_id}"

    assert client.get(url).status_code == 404
    assert client.post(url, {**EMPTY_FORM, "phq9_meaningful_change": "6"}).status_code == 404
    assert not ReportSettings.objects.exists()
    assert not _changes().exists()


def test_the_settings_link_is_in_the_directors_menu_only(client, director, clinician, auditor):
    link = f'href="{reverse(URL)}"'
    for user, shown in ((director, True), (clinician, False), (auditor, False)):
        client.force_login(user)
        page = client.get(reverse("reports:dashboard")).content.decode()
        assert (link in page) is shown, user


# ----------------------------------------------------------------------------- access matrix

# Statuses per persona, in PERSONAS order (anonymous is sent to sign in).
GET_STATUSES = (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)
POST_STATUSES = (302, 302, 403, 403, 403, 403, 403, 403, 403, 403)


@pytest.mark.parametrize(
    ("method", "persona", "expected"),
    [
        pytest.param(method, persona, statuses[i], id=f"{method}-{persona}")
        for method, statuses in (("get", GET_STATUSES), ("post", POST_STATUSES))
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(client, as_persona, program, method, persona, expected):
    user = as_persona(persona)
    denied_before = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count()

    if method == "get":
        response = client.get(reverse(URL))
    else:
        response = client.post(reverse(URL), {**EMPTY_FORM, "phq9_meaningful_change": "6"})

    assert response.status_code == expected
    saved = ReportSettings.objects.filter(program=program, phq9_meaningful_change=6).exists()
    assert saved is (method == "post" and persona == "director")
    assert _changes().exists() is saved
    if persona == "anonymous":
        assert response.url.startswith(f"{reverse('accounts:login')}?next=")
    denied = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user)
    if expected == 403:
        assert denied.count() == 1
        assert denied.get().details == {"permissions": ["reports.change_reportsettings"]}
    else:
        assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == (
            denied_before
        )


def test_the_service_refuses_someone_without_the_permission(clinician, program):
    with pytest.raises(PermissionDenied):
        report_settings_update(
            actor=clinician,
            program=program,
            values={"phq9_meaningful_change": 6},
            expected_version=0,
        )
    assert not ReportSettings.objects.exists()


def test_the_service_refuses_a_program_the_director_does_not_work_in(director, other_program):
    with pytest.raises(ValidationError) as error:
        report_settings_update(
            actor=director,
            program=other_program,
            values={"phq9_meaningful_change": 6},
            expected_version=0,
        )
    assert "program" in error.value.error_dict
    assert not ReportSettings.objects.exists()
