"""Recording, correcting and acknowledging: the services behind measurement-based care."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from openiop.assessments import rules, selectors, services
from openiop.assessments.models import Administration, AlertSeverity, ClinicalAlert
from openiop.audit.models import AuditAction, AuditEvent

TODAY = datetime.date(2026, 11, 23)
CALM = [0, 1, 0, 1, 0, 0, 1, 0, 0]  # PHQ-9 total 3, item 9 = 0
AT_RISK = [2, 2, 1, 2, 1, 1, 1, 1, 1]  # total 12 (moderate), item 9 = 1


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 15, 0), tick=False)


def _record(actor, participant, answers, code="phq9", on=TODAY, **kwargs):
    return services.administration_submit(
        actor=actor,
        participant=participant,
        episode=participant.episodes.get(),
        instrument=code,
        answers=answers,
        administered_on=on,
        **kwargs,
    )


def test_a_phq9_is_scored_and_its_raw_answers_kept(clinician, participant):
    administration = _record(clinician, participant, CALM)
    stored = Administration.objects.get(pk=administration.pk)
    assert (stored.total, stored.band, stored.answers) == (3, "minimal", CALM)
    assert not ClinicalAlert.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.MEASURE_RECORDED)
    assert (event.participant, event.details) == (participant, {"instrument": "phq9"})


def test_phq9_item_9_raises_an_urgent_alert_for_the_care_team(clinician, participant):
    administration = _record(clinician, participant, AT_RISK)
    alert = ClinicalAlert.objects.get()
    assert (alert.code, alert.severity, alert.administration) == (
        "suicide_risk",
        AlertSeverity.URGENT,
        administration,
    )
    assert AuditEvent.objects.filter(action=AuditAction.ALERT_RAISED, participant=participant)


def test_a_missing_answer_is_refused_and_nothing_is_stored(clinician, participant):
    with pytest.raises(ValidationError) as error:
        _record(clinician, participant, [*CALM[:8], None])
    assert "9" in error.value.message_dict["answers"][0]
    assert not Administration.objects.exists()


def test_dates_in_the_future_are_refused(clinician, participant):
    with pytest.raises(ValidationError) as error:
        _record(clinician, participant, CALM, on=TODAY + datetime.timedelta(days=1))
    assert "administered_on" in error.value.message_dict


def test_a_submitted_administration_cannot_change(clinician, participant):
    administration = _record(clinician, participant, CALM)
    administration.total = 27
    with pytest.raises(PermissionError):
        administration.save()
    assert Administration.objects.get().total == 3


def test_a_correction_supersedes_the_original_and_needs_a_reason(clinician, participant):
    original = _record(clinician, participant, CALM)
    with pytest.raises(ValidationError):
        services.administration_correct(
            actor=clinician, original=original, answers=AT_RISK, reason="  "
        )
    corrected = services.administration_correct(
        actor=clinician, original=original, answers=[1, 1, 1, 1, 1, 0, 0, 0, 0], reason="typo"
    )
    assert corrected.supersedes == original and corrected.total == 5
    assert list(selectors.current_administrations(participant)) == [corrected]
    assert Administration.objects.count() == 2  # the original is kept, unchanged
    with pytest.raises(ValidationError) as error:
        services.administration_correct(
            actor=clinician, original=original, answers=CALM, reason="again"
        )
    assert error.value.code == "already_corrected"


def test_licensed_instruments_need_the_programs_opt_in(director, clinician, participant, program):
    answers = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]  # AUDIT
    with pytest.raises(ValidationError) as error:
        _record(clinician, participant, answers, code="audit")
    assert "not enabled" in error.value.message_dict["instrument"][0]
    with pytest.raises(ValidationError):
        services.instrument_enable(
            actor=director, program=program, instrument="audit", licence_acknowledged=False
        )
    services.instrument_enable(
        actor=director, program=program, instrument="audit", licence_acknowledged=True
    )
    assert _record(clinician, participant, answers, code="audit").total == 3


def test_acknowledging_records_who_and_what_and_audits_without_the_note(clinician, participant):
    _record(clinician, participant, AT_RISK)
    alert = ClinicalAlert.objects.get()
    services.alert_acknowledge(
        actor=clinician, alert=alert, action_taken="safety_plan", note="NOTE-MARKER-5521"
    )
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.action_taken) == (clinician, "safety_plan")
    assert not selectors.open_alerts(participant).exists()
    event = AuditEvent.objects.get(action=AuditAction.ALERT_ACKNOWLEDGED)
    assert event.details == {"alert": "suicide_risk", "action": "safety_plan"}
    assert "NOTE-MARKER" not in str(vars(event))
    with pytest.raises(ValidationError):
        services.alert_acknowledge(actor=clinician, alert=alert, action_taken="other")


def test_trend_reports_change_from_baseline_and_its_significance(clinician, participant):
    _record(clinician, participant, AT_RISK, on=TODAY - datetime.timedelta(days=28))
    _record(
        clinician, participant, [1, 1, 1, 1, 1, 1, 1, 0, 0], on=TODAY - datetime.timedelta(days=14)
    )
    trend = selectors.measure_trends(participant)[0]
    assert (trend.baseline.total, trend.latest.total, trend.change) == (12, 7, -5)
    assert trend.is_significant
    assert trend.chart_data["totals"] == [12, 7]


@pytest.mark.parametrize(
    ("instrument", "baseline", "latest", "significant"),
    [
        ("phq9", 14, 10, False),
        ("phq9", 14, 9, True),  # 5 points: Löwe et al. 2004
        ("gad7", 12, 8, True),  # 4 points: Toussaint et al. 2020
        ("gad7", 12, 9, False),
        ("pcl5", 50, 41, False),
        ("pcl5", 50, 40, True),  # 10 points: National Center for PTSD
        ("dast10", 8, 1, False),  # no rule: never flagged
    ],
)
def test_clinically_significant_change_table(instrument, baseline, latest, significant):
    assert rules.change_is_significant(instrument, baseline, latest) is significant


def test_correcting_item_9_to_zero_closes_the_alert(clinician, participant):
    original = _record(clinician, participant, AT_RISK)
    services.administration_correct(
        actor=clinician, original=original, answers=[*AT_RISK[:8], 0], reason="item 9 mis-keyed"
    )
    alert = ClinicalAlert.objects.get()
    assert (alert.is_open, alert.action_taken) == (False, "corrected")
    assert not selectors.open_alerts(participant).exists()


def test_a_correction_that_keeps_item_9_leaves_one_open_alert(clinician, participant):
    original = _record(clinician, participant, AT_RISK)
    corrected = services.administration_correct(
        actor=clinician, original=original, answers=[0, *AT_RISK[1:]], reason="item 1 typo"
    )
    open_alerts = list(selectors.open_alerts(participant))
    assert [a.administration for a in open_alerts] == [corrected]


def test_one_forms_errors_never_show_on_the_next_form(clinician, participant):
    from openiop.assessments import instruments
    from openiop.assessments.forms import AdministrationForm

    auditc = instruments.get("auditc")
    bad = AdministrationForm({"administered_on": "x"}, instrument=auditc)
    assert not bad.is_valid() and "sex" in bad.errors  # the sex choice is required
    assert "is-invalid" in str(bad["sex"])
    fresh = AdministrationForm(instrument=auditc)
    assert "is-invalid" not in str(fresh["sex"])
