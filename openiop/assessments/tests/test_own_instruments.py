"""A program adds its own instrument from a definition file (page or command): checked with
clear messages, versioned, seen and recorded by that program only."""

import copy
import datetime
import html
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from openiop.accounts.roles import Role
from openiop.accounts.tests.factories import UserFactory
from openiop.assessments import selectors, services
from openiop.assessments.models import Administration, InstrumentDefinition
from openiop.audit.models import AuditAction, AuditEvent

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "sleep_check.json"
SLEEP_CHECK = json.loads(EXAMPLE.read_text())
URL = "assessments:own_instruments"


def _upload(client, program, content, name="sleep_check.json", **extra):
    if isinstance(content, dict):
        content = json.dumps(content).encode()
    data = {"program": str(program.public_id), "definition": SimpleUploadedFile(name, content)}
    return client.post(reverse(URL), data | extra, follow=True)


def _record(client, participant, code, answers):
    data = {"administered_on": datetime.date.today().isoformat()}
    data |= {f"item_{n}": str(value) for n, value in enumerate(answers, start=1)}
    return client.post(
        reverse("assessments:record", args=[participant.public_id, code]), data, follow=True
    )


@pytest.fixture
def other_director(other_program):
    return UserFactory(roles=[Role.PROGRAM_DIRECTOR], programs=[other_program])


def test_the_documented_example_is_added_and_recorded_in_that_program(
    client, director, clinician, participant, program
):
    client.force_login(director)
    response = _upload(client, program, EXAMPLE.read_bytes())
    assert (
        "Sleep check (version 1) added to Evening IOP: it can now be recorded and scheduled there."
        in response.content.decode()
    )
    definition = InstrumentDefinition.objects.get()
    assert (definition.code, definition.version, definition.added_by) == (
        "sleep_check",
        1,
        director,
    )
    assert (definition.file_name, definition.source, definition.definition) == (
        "sleep_check.json",
        "upload",
        SLEEP_CHECK,
    )
    event = AuditEvent.objects.get(action=AuditAction.INSTRUMENT_DEFINITION_ADDED)
    assert event.actor == director and event.details["version"] == 1
    assert "Sleep check" in client.get(reverse("assessments:schedule_settings")).content.decode()

    client.force_login(clinician)
    measures = client.get(reverse("assessments:measures", args=[participant.public_id]))
    assert reverse("assessments:record", args=[participant.public_id, "sleep_check"]) in (
        measures.content.decode()
    )
    form = client.get(reverse("assessments:record", args=[participant.public_id, "sleep_check"]))
    assert "3. Used something to get to sleep" in form.content.decode()
    recorded = _record(client, participant, "sleep_check", [1, 2, 0])
    assert "Measure recorded." in recorded.content.decode()
    administration = Administration.objects.get()
    assert (administration.total, administration.band, administration.answers) == (
        3,
        "some",
        [1, 2, 0],
    )
    assert administration.definition == definition
    assert administration.subscales == {"insomnia": 3}
    assert "Sleep check" in recorded.content.decode()  # the trend, by name


def test_other_programs_never_see_it(
    client, director, other_director, other_clinician, other_participant, program, other_program
):
    client.force_login(director)
    _upload(client, program, SLEEP_CHECK)

    client.force_login(other_clinician)
    measures = client.get(reverse("assessments:measures", args=[other_participant.public_id]))
    assert "Sleep check" not in measures.content.decode()
    record = reverse("assessments:record", args=[other_participant.public_id, "sleep_check"])
    assert client.get(record).status_code == 404
    assert "sleep_check" not in {i.code for i in selectors.enabled_instruments(other_program)}

    client.force_login(other_director)
    assert "Sleep check" not in client.get(reverse(URL)).content.decode()
    assert (
        "Sleep check" not in client.get(reverse("assessments:schedule_settings")).content.decode()
    )


def _without(key):
    data = copy.deepcopy(SLEEP_CHECK)
    del data[key]
    return data


def _with(**changes):
    return copy.deepcopy(SLEEP_CHECK) | changes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"code": "x",\n "name": "X" "items": []}',
            "Problem in the file: the file is not valid JSON: Expecting ',' delimiter at line 2, "
            "column 14",
        ),
        (b"\xff\xfe{}", "Problem in the file: the file is not UTF-8 text"),
        (b"", "The submitted file is empty."),
        (b"   ", "Problem in the file: the file is empty"),
        (b"[1, 2]", "the definition must be a JSON object, not list"),
        (b'{"code": "a", "code": "b"}', "the file gives code more than once"),
        (b" " * 100_001, "The file is larger than 100 KB."),
        (_without("bands"), "Problem in the definition: definition is missing bands"),
        (_with(colour="blue"), "definition has unknown keys: colour"),
        (_with(bands=[[1, "none"]]), "the first band must start at the lowest possible total 0"),
        (
            _with(items=[{"text": "Q", "options": [[0, "No"], [-1, "Yes"]]}]),
            "item 1: option value -1 must not be negative",
        ),
        (
            _with(code="phq9"),
            "phq9 is the code of a built-in instrument (PHQ-9): choose another code.",
        ),
        (
            _with(alerts=[{"item": 3, "at_least": 3, "alert": "suicide_risk"}]),
            "The alert code suicide_risk belongs to a built-in safety rule: choose another.",
        ),
        (_with(name="N" * 121), "name must be at most 120 characters, not 121"),
    ],
)
def test_a_bad_file_is_explained_and_nothing_is_added(client, director, program, content, message):
    client.force_login(director)
    response = _upload(client, program, content)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert message in page
    assert "Traceback" not in page
    assert not InstrumentDefinition.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.INSTRUMENT_DEFINITION_ADDED).exists()


def test_no_file_chosen_is_explained(client, director, program):
    client.force_login(director)
    response = client.post(reverse(URL), {"program": str(program.public_id)})
    assert "Choose the definition file to upload." in response.content.decode()


def test_a_licence_limited_definition_needs_its_terms_accepted(client, director, program):
    client.force_login(director)
    limited = _with(requires_program_opt_in=True, licence="Non-commercial use only.")
    refused = _upload(client, program, limited)
    assert "accept its terms to add it" in refused.content.decode()
    assert not InstrumentDefinition.objects.exists()
    _upload(client, program, limited, licence_acknowledged="on")
    assert InstrumentDefinition.objects.get().licence_acknowledged is True


def test_a_director_cannot_add_to_a_program_they_do_not_run(client, director, other_program):
    client.force_login(director)
    response = _upload(client, other_program, SLEEP_CHECK)
    assert "Select a valid choice" in response.content.decode()
    assert not InstrumentDefinition.objects.exists()


def test_the_same_file_twice_adds_nothing(client, director, program):
    client.force_login(director)
    _upload(client, program, SLEEP_CHECK)
    again = _upload(client, program, SLEEP_CHECK)
    assert "This is the same as version 1 of Sleep check: nothing to add." in again.content.decode()
    assert InstrumentDefinition.objects.count() == 1


def test_a_new_version_leaves_earlier_measures_scored_with_theirs(
    director, clinician, participant, program
):
    episode = participant.episodes.get()
    v1 = services.instrument_definition_add(actor=director, program=program, data=SLEEP_CHECK)
    first = services.administration_submit(
        actor=clinician,
        participant=participant,
        episode=episode,
        instrument="sleep_check",
        answers=[0, 0, 3],
        administered_on=datetime.date.today(),
    )
    v2_data = copy.deepcopy(SLEEP_CHECK)
    v2_data["items"][2]["options"] = [[0, "No"], [5, "Yes"]]
    v2_data["bands"] = [[0, "none"], [5, "marked"]]
    v2 = services.instrument_definition_add(actor=director, program=program, data=v2_data)
    assert v2.version == 2
    second = services.administration_submit(
        actor=clinician,
        participant=participant,
        episode=episode,
        instrument="sleep_check",
        answers=[0, 0, 5],
        administered_on=datetime.date.today(),
    )
    assert (second.definition, second.total, second.band) == (v2, 5, "marked")

    # Corrected after version 2 exists: still scored with version 1 (3 is no answer in v2).
    corrected = services.administration_correct(
        actor=clinician, original=first, answers=[1, 0, 3], reason="item 1 was missed"
    )
    assert (corrected.definition, corrected.total, corrected.band) == (v1, 4, "some")
    v1.refresh_from_db()
    assert v1.definition == SLEEP_CHECK  # the stored version never changes


def test_a_definition_cannot_be_changed_once_saved(director, program):
    definition = services.instrument_definition_add(
        actor=director, program=program, data=SLEEP_CHECK
    )
    with pytest.raises(PermissionError):
        InstrumentDefinition.objects.filter(pk=definition.pk).update(name="Other")
    with pytest.raises(PermissionError):
        definition.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_instrumentdefinition SET name = 'Other' WHERE id = %s",
            [definition.pk],
        )
    assert InstrumentDefinition.objects.get().name == "Sleep check"


def test_the_intake_board_names_a_programs_own_screening(client, director, clinician, program):
    from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory

    services.instrument_definition_add(actor=director, program=program, data=SLEEP_CHECK)
    referral = EpisodeFactory(program=program)
    CareTeamMemberFactory(episode=referral, user=clinician)
    services.administration_submit(
        actor=clinician,
        participant=referral.participant,
        episode=referral,
        instrument="sleep_check",
        answers=[0, 0, 0],
        administered_on=datetime.date.today(),
    )
    client.force_login(clinician)
    assert ">Sleep check<" in client.get(reverse("assessments:intake")).content.decode()


# The command -------------------------------------------------------------------------------


def _command(*args) -> str:
    out = io.StringIO()
    call_command("instruments", *args, stdout=out)
    return out.getvalue()


def test_the_command_adds_by_program_name_naming_who(director, program):
    output = _command("add", "--program", "Evening IOP", "--by", director.email, str(EXAMPLE))
    assert output.strip() == "Added Sleep check (sleep_check) version 1 to Evening IOP."
    definition = InstrumentDefinition.objects.get()
    assert (definition.added_by, definition.source, definition.file_name) == (
        director,
        "command",
        "sleep_check.json",
    )
    assert "sleep_check  Sleep check  version 1" in _command("list", "--program", "Evening IOP")


def test_the_command_adds_by_public_id_as_the_operator(program, other_program):
    _command("add", "--program", str(program.public_id), str(EXAMPLE))
    definition = InstrumentDefinition.objects.get()
    assert (definition.program, definition.added_by) == (program, None)
    event = AuditEvent.objects.get(action=AuditAction.INSTRUMENT_DEFINITION_ADDED)
    assert (event.actor, event.details["source"]) == (None, "command")
    listing = _command("list")
    assert "Adolescent IOP" in listing and "(none)" in listing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--program", "Night IOP"), "No program with the public id or name 'Night IOP'."),
        (("--program", "Evening IOP", "--by", "nobody@example.org"), "nobody@example.org is not"),
    ],
)
def test_the_command_explains_a_wrong_program_or_person(program, args, message):
    with pytest.raises(CommandError, match=message):
        _command("add", *args, str(EXAMPLE))
    assert not InstrumentDefinition.objects.exists()


def test_the_command_explains_a_bad_file_in_one_line(program, tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(CommandError, match=r"Cannot read .*missing.json: No such file"):
        _command("add", "--program", "Evening IOP", str(missing))
    broken = tmp_path / "broken.json"
    broken.write_text('{"code": ')
    with pytest.raises(CommandError, match="the file is not valid JSON: Expecting value at line 1"):
        _command("add", "--program", "Evening IOP", str(broken))
    built_in = tmp_path / "phq9.json"
    built_in.write_text(json.dumps(_with(code="phq9")))
    with pytest.raises(CommandError, match="phq9 is the code of a built-in instrument"):
        _command("add", "--program", "Evening IOP", str(built_in))
    assert not InstrumentDefinition.objects.exists()


def test_the_command_refuses_a_director_of_another_program(director, other_program):
    with pytest.raises(CommandError, match="Only a member of the program"):
        _command("add", "--program", "Adolescent IOP", "--by", director.email, str(EXAMPLE))
    assert not InstrumentDefinition.objects.exists()
