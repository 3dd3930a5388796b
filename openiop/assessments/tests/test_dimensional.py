"""Multidimensional assessment: ratings, the program's rule table, the clinician's decision."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openiop.assessments import services
from openiop.assessments.levels import DEFAULT_RULES
from openiop.assessments.models import DimensionalAssessment
from openiop.audit.models import AuditAction, AuditEvent

LOW = {1: 0, 2: 1, 3: 2, 4: 2, 5: 1, 6: 0}  # default table: 2.1
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 15, 0), tick=False)


def _record(actor, participant, ratings=LOW, **kwargs):
    return services.dimensional_assessment_record(
        actor=actor,
        participant=participant,
        episode=participant.episodes.get(),
        assessed_on=TODAY,
        ratings=ratings,
        **kwargs,
    )


def test_the_suggestion_is_stored_and_accepted_by_default(clinician, participant):
    assessment = _record(clinician, participant, narratives={3: "low mood"}, housing="stable")
    assert (assessment.suggested_level, assessment.chosen_level) == ("2.1", "2.1")
    assert assessment.suggested_weekly_hours == 9
    assert assessment.narratives == {"3": "low mood"}
    event = AuditEvent.objects.get(action=AuditAction.DIMENSIONAL_ASSESSMENT_RECORDED)
    assert event.details == {"suggested": "2.1", "chosen": "2.1"}
    assert "low mood" not in str(vars(event))


def test_choosing_another_level_needs_a_justification(clinician, participant):
    with pytest.raises(ValidationError) as error:
        _record(clinician, participant, chosen_level="1.0")
    assert "justification" in error.value.message_dict
    assessment = _record(
        clinician, participant, chosen_level="1.0", justification="Works nights; OP first."
    )
    assert assessment.is_override and assessment.suggested_level == "2.1"


def test_the_programs_own_rules_decide_the_suggestion(director, clinician, participant, program):
    strict = {n: ["2.5", "2.5", "2.5", "3.x", "4"] for n in DEFAULT_RULES}
    services.level_rules_update(actor=director, program=program, rules=strict)
    assert _record(clinician, participant).suggested_level == "2.5"
    assert AuditEvent.objects.filter(action=AuditAction.LEVEL_RULES_CHANGED).count() == 1


def test_a_rule_table_that_goes_down_is_refused(director, program):
    bad = {n: list(row) for n, row in DEFAULT_RULES.items()} | {
        4: ["2.1", "1.0", "2.1", "2.5", "3.x"]
    }
    with pytest.raises(ValidationError, match="Dimension 4"):
        services.level_rules_update(actor=director, program=program, rules=bad)


def test_a_missing_rating_is_refused(clinician, participant):
    with pytest.raises(ValidationError) as error:
        _record(clinician, participant, ratings={1: 0, 2: 1})
    assert "Dimension 3" in error.value.message_dict["ratings"][0]
    assert not DimensionalAssessment.objects.exists()


def test_reassessments_are_kept_and_never_edited(clinician, participant):
    first = _record(clinician, participant)
    _record(clinician, participant, ratings=LOW | {3: 3})
    assert DimensionalAssessment.objects.count() == 2
    with pytest.raises(PermissionError):
        DimensionalAssessment.objects.filter(pk=first.pk).update(chosen_level="4")


def _post(client, participant, **extra):
    data = {"assessed_on": "2026-11-23"} | {f"rating_{n}": str(r) for n, r in LOW.items()}
    return client.post(
        reverse("assessments:dimensional_new", args=[participant.public_id]), data | extra
    )


def test_preview_shows_the_suggestion_and_saves_nothing(client, clinician, participant):
    client.force_login(clinician)
    response = _post(client, participant, preview="1")
    assert "2.1 Intensive outpatient" in response.content.decode()
    assert "driven by dimension" in response.content.decode()
    assert not DimensionalAssessment.objects.exists()


def test_saving_through_the_form(client, clinician, participant):
    client.force_login(clinician)
    refused = _post(client, participant, chosen_level="2.5")
    assert "Explain why the level chosen differs" in refused.content.decode()
    saved = _post(client, participant, chosen_level="2.5", justification="Unsafe at home.")
    assert saved.status_code == 302
    page = client.get(saved.url).content.decode()
    assert "differs from suggestion" in page and "Unsafe at home." in page


def test_the_rules_page_saves_a_programs_table(client, director, program):
    client.force_login(director)
    data = {"program": str(program.public_id)}
    data |= {
        f"rule_{n}_{r}": level for n, row in DEFAULT_RULES.items() for r, level in enumerate(row)
    }
    data["rule_6_4"] = "3.x"
    client.post(reverse("assessments:level_rules"), data)
    assert services.level_rules_for(program)[6][4] == "3.x"
    page = client.get(reverse("assessments:level_rules")).content.decode()
    assert program.name in page
