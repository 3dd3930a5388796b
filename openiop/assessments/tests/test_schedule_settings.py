"""A director sets a program's measurement schedule; the due lists follow it (controlled dates)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openiop.assessments import selectors, services
from openiop.assessments.models import MeasurementSchedule
from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory

TODAY = datetime.date(2026, 11, 23)
URL = "assessments:schedule_settings"


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 15, 0), tick=False)


@pytest.fixture
def admitted(episode, clinician, participant):
    """Admitted 20 days ago; PHQ-9 given 8 days ago (next one due in 6 days by default)."""
    episode.referred_on = episode.admitted_on = TODAY - datetime.timedelta(days=20)
    episode.save()
    services.administration_submit(
        actor=clinician,
        participant=participant,
        episode=episode,
        instrument="phq9",
        answers=[0] * 9,
        administered_on=TODAY - datetime.timedelta(days=8),
    )
    return episode


def _form_data(program, version=0, **overrides):
    """The schedule form as the page posts it, from the default schedule, with overrides
    such as ``every_days_phq9="7"``."""
    prefix = str(program.public_id)
    data = {"program": prefix, f"{prefix}-version": str(version)}
    for code, every, intake, condition in (
        ("phq9", "14", True, "always"),
        ("gad7", "14", True, "always"),
        ("bam7", "7", False, "always"),
        ("pcl5", "30", True, "trauma_indicated"),
        ("cssrs", "", True, "always"),
    ):
        data[f"{prefix}-every_days_{code}"] = every
        data[f"{prefix}-condition_{code}"] = condition
        if intake:
            data[f"{prefix}-at_intake_{code}"] = "on"
    for code in ("audit", "auditc", "dast10", "bam"):
        data[f"{prefix}-every_days_{code}"] = ""
        data[f"{prefix}-condition_{code}"] = "always"
    for name, value in overrides.items():
        key = f"{prefix}-{name}"
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _phq9_due(participant, user):
    return next(
        (d for d in selectors.due_for(participant, TODAY, user) if d.instrument == "phq9"), None
    )


def test_a_shorter_interval_puts_the_measure_on_the_due_list(
    client, director, clinician, participant, program, admitted
):
    assert _phq9_due(participant, clinician).due_on == TODAY + datetime.timedelta(days=6)
    client.force_login(clinician)
    assert "PHQ-9" in client.get(reverse("assessments:due")).content.decode()

    client.force_login(director)
    response = client.post(reverse(URL), _form_data(program, every_days_phq9="7"), follow=True)

    assert "Schedule saved for Evening IOP." in response.content.decode()
    due = _phq9_due(participant, clinician)
    assert (due.due_on, due.reason, due.days_overdue(TODAY)) == (
        TODAY - datetime.timedelta(days=1),
        "every 7 days",
        1,
    )
    client.force_login(clinician)
    assert "1 day overdue" in client.get(reverse("assessments:due")).content.decode()


def test_a_longer_interval_takes_it_off_the_list_and_other_programs_keep_the_default(
    client, director, clinician, participant, program, admitted, other_participant, other_episode
):
    other_episode.referred_on = other_episode.admitted_on = TODAY - datetime.timedelta(days=20)
    other_episode.save()
    client.force_login(director)
    client.post(reverse(URL), _form_data(program, every_days_phq9="28"))

    assert _phq9_due(participant, clinician) is None  # due in 20 days, beyond the 7-day horizon
    other_clinician = other_episode.primary_clinician
    assert _phq9_due(other_participant, other_clinician).reason == "at intake"


def test_a_measure_taken_off_intake_is_not_due_at_admission(
    client, director, clinician, program, episode
):
    client.force_login(director)
    client.post(reverse(URL), _form_data(program, at_intake_gad7=None, every_days_gad7=""))
    due = {d.instrument for d in selectors.due_for(episode.participant, TODAY, clinician)}
    assert "gad7" not in due and "phq9" in due


def test_the_change_is_audited_with_before_and_after(client, director, program):
    client.force_login(director)
    client.post(reverse(URL), _form_data(program, every_days_phq9="7", at_intake_cssrs=None))
    event = AuditEvent.objects.get(action=AuditAction.MEASUREMENT_SCHEDULE_CHANGED)
    assert (event.actor, event.target_id) == (director, str(program.public_id))
    assert event.details == {
        "changes": {"phq9": {"every_days": [14, 7]}, "cssrs": {"at_intake": [True, False]}}
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"every_days_phq9": "0"}, "At least 1 day."),
        ({"every_days_phq9": "400"}, "At most 365 days."),
        ({"every_days_phq9": "two weeks"}, "Enter a whole number of days, or leave it blank."),
        ({"every_days_pcl5": ""}, "A condition applies to the repeats: give the interval too."),
        ({"condition_gad7": "fortnightly"}, "Select a valid choice."),
    ],
)
def test_a_bad_value_is_explained_next_to_it_and_nothing_changes(
    client, director, program, overrides, message
):
    client.force_login(director)
    response = client.post(reverse(URL), _form_data(program, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not MeasurementSchedule.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.MEASUREMENT_SCHEDULE_CHANGED).exists()


def test_saving_the_default_unchanged_saves_nothing(client, director, program):
    client.force_login(director)
    response = client.post(reverse(URL), _form_data(program), follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert not MeasurementSchedule.objects.exists()


def test_a_stale_form_is_refused_as_a_conflict(client, director, program):
    client.force_login(director)
    client.post(reverse(URL), _form_data(program, every_days_phq9="7"))
    stale = client.post(reverse(URL), _form_data(program, version=0, every_days_gad7="7"))
    assert "Someone else changed these settings" in stale.content.decode()
    schedule = MeasurementSchedule.objects.get()
    assert schedule.version == 1
    assert {r["instrument"]: r["every_days"] for r in schedule.rules}["gad7"] == 14


def test_going_back_to_the_default(client, director, clinician, participant, program, admitted):
    client.force_login(director)
    client.post(reverse(URL), _form_data(program, every_days_phq9="7"))
    page = client.get(reverse(URL)).content.decode()
    assert "Program's own schedule" in page
    response = client.post(
        reverse(URL),
        {"program": str(program.public_id), "op": "reset", "version": "1"},
        follow=True,
    )
    assert "Evening IOP follows the default schedule again." in response.content.decode()
    assert not MeasurementSchedule.objects.exists()
    assert _phq9_due(participant, clinician).reason == "every 14 days"
    reset = AuditEvent.objects.filter(action=AuditAction.MEASUREMENT_SCHEDULE_CHANGED).latest("id")
    assert reset.details["reset_to_default"] is True
    assert reset.details["changes"] == {"phq9": {"every_days": [7, 14]}}


def test_the_page_shows_every_instrument_and_which_ones_the_program_has_not_enabled(
    client, director, program
):
    client.force_login(director)
    page = client.get(reverse(URL)).content.decode()
    assert "Default schedule" in page
    for name in ("PHQ-9", "GAD-7", "BAM-IOP", "PCL-5", "C-SSRS", "DAST-10"):
        assert name in page
    assert (
        page.count("not enabled for this program: never due") == 4
    )  # AUDIT, AUDIT-C, DAST, C-SSRS


def test_a_director_cannot_post_for_a_program_they_do_not_run(client, director, other_program):
    client.force_login(director)
    response = client.post(reverse(URL), _form_data(other_program, every_days_phq9="7"))
    assert response.status_code == 404
    assert not MeasurementSchedule.objects.exists()


def test_the_service_refuses_an_unknown_instrument_and_a_non_member(
    director, other_program, program
):
    with pytest.raises(ValidationError, match="not an instrument this program offers"):
        services.measurement_schedule_update(
            actor=director,
            program=program,
            rules=[{"instrument": "madrs", "at_intake": True, "every_days": 7}],
            version=0,
        )
    with pytest.raises(ValidationError, match="Only a member of the program"):
        services.measurement_schedule_update(
            actor=director,
            program=other_program,
            rules=[{"instrument": "phq9", "at_intake": True, "every_days": 7}],
            version=0,
        )
    assert not MeasurementSchedule.objects.exists()


def test_the_due_page_uses_each_programs_schedule_in_a_fixed_number_of_queries(
    client, director, clinician, program, admitted, django_assert_num_queries
):
    client.force_login(director)
    client.post(reverse(URL), _form_data(program, every_days_phq9="7"))
    for _ in range(3):
        episode = EpisodeFactory(
            program=program,
            active=True,
            primary_clinician=clinician,
            referred_on=TODAY - datetime.timedelta(days=3),
        )
        CareTeamMemberFactory(episode=episode, user=clinician)
    client.force_login(clinician)
    with django_assert_num_queries(13):
        page = client.get(reverse("assessments:due")).content.decode()
    assert "1 day overdue" in page  # the admitted participant's weekly PHQ-9
