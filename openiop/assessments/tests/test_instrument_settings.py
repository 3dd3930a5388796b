"""A director turns a licensed instrument on for a program only by accepting its terms."""

import pytest
from django.urls import reverse

from openiop.assessments.models import InstrumentEnablement
from openiop.assessments.selectors import enabled_instruments
from openiop.audit.models import AuditAction, AuditEvent

URL = "assessments:instrument_settings"


def _post(client, program, code, **extra):
    data = {"program": str(program.public_id), "instrument": code, **extra}
    return client.post(reverse(URL), data, follow=True)


def test_the_page_lists_licensed_instruments_with_their_terms(client, director, program):
    client.force_login(director)
    page = client.get(reverse(URL)).content.decode()
    for name in ("AUDIT", "DAST-10", "C-SSRS"):
        assert name in page
    assert "Licence" in page and program.name in page
    assert ">PHQ-9<" not in page  # free instruments need no opt-in


def test_enabling_needs_the_licence_box_ticked(client, director, program):
    client.force_login(director)
    refused = _post(client, program, "dast10")
    assert "Accept the licence terms" in refused.content.decode()
    assert not InstrumentEnablement.objects.exists()

    _post(client, program, "dast10", licence_acknowledged="on")
    assert "dast10" in {i.code for i in enabled_instruments(program)}
    event = AuditEvent.objects.get(action=AuditAction.INSTRUMENT_ENABLED)
    assert (event.actor, event.details) == (director, {"instrument": "dast10"})


def test_turning_off_removes_it_from_the_choices(client, director, program):
    client.force_login(director)
    _post(client, program, "cssrs", licence_acknowledged="on")
    _post(client, program, "cssrs", op="disable")
    assert "cssrs" not in {i.code for i in enabled_instruments(program)}
    assert AuditEvent.objects.filter(action=AuditAction.INSTRUMENT_DISABLED).count() == 1


@pytest.mark.parametrize(
    ("field", "value"), [("program", "00000000-0000-0000-0000-000000000000"), ("instrument", "x")]
)
def test_unknown_program_or_instrument_changes_nothing(client, director, program, field, value):
    client.force_login(director)
    data = {"program": str(program.public_id), "instrument": "audit"} | {field: value}
    response = client.post(reverse(URL), data | {"licence_acknowledged": "on"})
    assert response.status_code == 404
    assert not InstrumentEnablement.objects.exists()


def test_a_director_cannot_enable_for_a_program_they_do_not_run(client, director, other_program):
    client.force_login(director)
    response = client.post(
        reverse(URL),
        {
            "program": str(other_program.public_id),
            "instrument": "audit",
            "licence_acknowledged": "on",
        },
    )
    assert response.status_code == 404
    assert not InstrumentEnablement.objects.exists()


def test_the_service_refuses_a_director_outside_the_program(director, other_program):
    from django.core.exceptions import ValidationError

    from openiop.assessments import services

    with pytest.raises(ValidationError):
        services.instrument_enable(
            actor=director, program=other_program, instrument="audit", licence_acknowledged=True
        )
    assert not InstrumentEnablement.objects.exists()
