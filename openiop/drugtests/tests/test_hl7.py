"""HL7 v2 ORU^R01 import: two laboratory styles (several OBX, NTE comments, escape
sequences, \\r / \\n / \\r\\n line endings), matching by accession number or MRN and
collection date, the reconciliation queue, idempotent re-import, and the command."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openiop.audit.models import AuditAction, AuditEvent
from openiop.drugtests import hl7parse, services
from openiop.drugtests.models import DrugTestAlert, LabMessage, TestResult
from openiop.drugtests.tests.conftest import HL7_DIR, hl7_message
from openiop.drugtests.tests.helpers import buprenorphine, collected, screen
from openiop.plans.models import ReviewRequest

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC)


def _local(day, hour, minute):
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour, minute))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


# -- Parsing (no database) --


@pytest.mark.parametrize("name", ["southpath_lf.hl7", "southpath_crlf.hl7"])
@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n", None])
def test_the_same_message_reads_the_same_whatever_its_line_endings(name, ending):
    """The fixture files hold \n and \r\n; each is also read re-written with every ending
    (so the test does not depend on how a checkout stores the files' line endings)."""
    text = hl7_message(name, MRN="M100", ACC="ACC-9")
    if ending is not None:
        text = ending.join(text.splitlines())
    parsed = hl7parse.parse_oru(text)
    assert parsed.control_id == "SP2026112100042"
    assert (parsed.mrn, parsed.filler_number, parsed.specimen_id) == ("M100", "SP-55120", "ACC-9")
    assert parsed.collected_at == datetime.datetime(2026, 11, 20, 9, 45)
    outcomes = [(o.identifier, o.outcome) for o in parsed.observations]
    assert outcomes == [
        ("ETHYL GLUCURONIDE", "positive"),
        ("OXYCODONE", "negative"),
        ("METHAMPHETAMINE", "negative"),
        ("CREATININE", "positive"),
    ]
    lf = hl7_message("southpath_lf.hl7", MRN="M100", ACC="ACC-9")
    assert hl7parse.content_hash(lf) == hl7parse.content_hash(text)


def test_escape_sequences_and_comments_are_read_as_the_laboratory_wrote_them():
    parsed = hl7parse.parse_oru(hl7_message("northlab_cr.hl7", MRN="M100", ACC="ACC-1"))
    assert parsed.mrn == "M100"  # the MR identifier, not the SSA one before it
    bup, fen, coc, thc = parsed.observations
    assert bup.comments == ["Norbuprenorphine present & consistent with prescribed use."]
    assert fen.comments == ["Norfentanyl 12.4 ng/mL\nConfirmed by LC-MS/MS | second aliquot."]
    assert (fen.numeric_value, fen.cutoff) == (Decimal("3.1"), Decimal("0.5"))
    assert (coc.outcome, thc.outcome) == ("negative", "negative")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "does not start with an MSH"),
        ("PID|1||X^^^^MR\rOBX|1|ST|COC||POS", "does not start with an MSH"),
        ("MSH|^~\\&|L|F|A|B|20261120||ADT^A01|C1|P|2.5", "Not a laboratory result"),
        ("MSH|^~\\&|L|F|A|B|20261120||ORU^R01||P|2.5\rPID|1||X", "no control id"),
        ("MSH|^~\\&|L|F|A|B|20261120||ORU^R01|C2|P|2.5\rOBR|1|A", "no PID segment"),
        ("MSH|^~\\&|L|F|A|B|20261120||ORU^R01|C3|P|2.5\rPID|1||X\rOBR|1|A", "no OBX"),
    ],
)
def test_malformed_messages_say_what_is_wrong(text, reason):
    with pytest.raises(hl7parse.HL7Error, match=reason):
        hl7parse.parse_oru(text)


def test_a_file_of_several_messages_is_split_at_each_msh():
    one = hl7_message("northlab_cr.hl7", MRN="M1", ACC="A1")
    two = hl7_message("southpath_crlf.hl7", MRN="M2", ACC="A2")
    assert len(hl7parse.split_messages(f"FHS|^~\\&\r{one}{two}FTS|2\r")) == 2


# -- Import against the database --


@pytest.fixture
def sendout(episode, nurse, urine_panel):
    return collected(
        episode, urine_panel, nurse, accession="ACC-1", sent=True, at=_local(19, 9, 30)
    )


def test_a_result_matched_by_accession_records_confirmations_and_supersedes_the_screen(
    sendout, nurse, participant, episode
):
    buprenorphine(episode, nurse)
    screen(sendout, nurse, BUP="positive", FEN="negative", COC="negative")
    raw = hl7_message("northlab_cr.hl7", MRN=participant.mrn, ACC="ACC-1")
    message, created = services.lab_import(raw=raw, actor=nurse, source="test")
    assert created and message.status == LabMessage.Status.MATCHED
    assert message.collection == sendout and message.raw == raw
    confirmations = {r.analyte_code: r for r in TestResult.objects.filter(method="confirmation")}
    assert set(confirmations) == {"BUP", "FEN", "COC", "THC"}
    assert confirmations["BUP"].interpretation == "expected"
    assert confirmations["FEN"].interpretation == "unexpected"
    assert confirmations["FEN"].value == Decimal("3.1")
    assert "second aliquot" in confirmations["FEN"].comment
    fentanyl_screen = TestResult.objects.get(method="screen", analyte_code="FEN")
    assert fentanyl_screen.superseded_by == confirmations["FEN"]
    assert fentanyl_screen.outcome == "negative"  # the history keeps what the cup showed
    # The unexpected fentanyl sets off the supportive policy.
    assert DrugTestAlert.objects.get().reasons == ["unexpected_positive"]
    assert ReviewRequest.objects.filter(source="drug_test").count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.DRUG_TEST_LAB_IMPORTED, participant=participant
    ).exists()


def test_re_importing_the_same_message_creates_nothing(sendout, nurse, participant):
    raw = hl7_message("northlab_cr.hl7", MRN=participant.mrn, ACC="ACC-1")
    first, _created = services.lab_import(raw=raw, actor=nurse)
    results = TestResult.objects.count()
    again, created = services.lab_import(raw=raw.replace("\r", "\r\n"), actor=nurse)
    assert (again, created) == (first, False)
    assert LabMessage.objects.count() == 1
    assert TestResult.objects.count() == results


def test_a_result_is_matched_by_mrn_and_collection_day_when_the_number_is_unknown(
    episode, nurse, urine_panel, participant
):
    collection = collected(episode, urine_panel, nurse, at=_local(20, 9, 40))
    raw = hl7_message("southpath_lf.hl7", MRN=participant.mrn, ACC="NOT-OURS")
    message, _created = services.lab_import(raw=raw, actor=nurse)
    assert (message.status, message.collection) == (LabMessage.Status.MATCHED, collection)
    codes = dict(
        TestResult.objects.filter(method="confirmation").values_list("analyte_code", "outcome")
    )
    assert codes == {"ETG": "positive", "OXY": "negative", "MET": "negative"}  # no creatinine


def test_an_unmatched_message_waits_in_the_queue_with_its_reason(nurse, participant):
    raw = hl7_message("southpath_crlf.hl7", MRN=participant.mrn, ACC="NOT-OURS")
    message, created = services.lab_import(raw=raw, actor=nurse)
    assert created and message.is_open
    assert message.status == LabMessage.Status.UNMATCHED
    assert f"no specimen of MRN {participant.mrn} was collected on 2026-11-20" in message.reason
    assert message.raw == raw
    assert not TestResult.objects.exists()


def test_a_malformed_message_is_kept_in_the_queue(nurse):
    raw = (HL7_DIR / "malformed_no_msh.hl7").read_text()
    message, _created = services.lab_import(raw=raw, actor=nurse)
    assert message.status == LabMessage.Status.MALFORMED
    assert "MSH" in message.reason and message.raw == raw


def test_a_message_whose_results_are_already_recorded_is_queued_not_half_imported(
    sendout, nurse, participant
):
    services.lab_import(
        raw=hl7_message("northlab_cr.hl7", MRN=participant.mrn, ACC="ACC-1"), actor=nurse
    )
    second = hl7_message("northlab_cr.hl7", MRN=participant.mrn, ACC="ACC-1").replace(
        "NL-000001", "NL-000002"
    )
    message, _created = services.lab_import(raw=second, actor=nurse)
    assert message.status == LabMessage.Status.UNMATCHED
    assert "already recorded" in message.reason
    assert TestResult.objects.filter(method="confirmation").count() == 4


def test_the_same_control_id_with_other_content_is_queued(sendout, nurse, participant):
    raw = hl7_message("northlab_cr.hl7", MRN=participant.mrn, ACC="ACC-1")
    services.lab_import(raw=raw, actor=nurse)
    changed, _created = services.lab_import(raw=raw.replace("48.2", "50.1"), actor=nurse)
    assert changed.status == LabMessage.Status.UNMATCHED
    assert "same control id NL-000001" in changed.reason


def test_a_queued_message_attached_by_hand_records_its_results(
    episode, nurse, urine_panel, participant
):
    collection = collected(episode, urine_panel, nurse, at=_local(18, 9, 0))
    raw = hl7_message("southpath_lf.hl7", MRN=participant.mrn, ACC="NOT-OURS")
    message, _created = services.lab_import(raw=raw, actor=nurse)
    services.lab_message_attach(message=message, collection=collection, actor=nurse)
    message.refresh_from_db()
    assert (message.status, message.resolved_by) == (LabMessage.Status.RESOLVED, nurse)
    assert TestResult.objects.filter(collection=collection, method="confirmation").count() == 3


def test_the_command_imports_a_directory_and_a_second_run_changes_nothing(
    tmp_path, sendout, participant
):
    (tmp_path / "a.hl7").write_text(
        hl7_message("northlab_cr.hl7", MRN=participant.mrn, ACC="ACC-1"), newline=""
    )
    (tmp_path / "b.hl7").write_text(
        hl7_message("southpath_lf.hl7", MRN="NOBODY", ACC="X"), newline=""
    )
    (tmp_path / "c.hl7").write_text("garbage", newline="")
    (tmp_path / "notes.md").write_text("not a message")
    out = StringIO()
    call_command("drugtests", "import-hl7", str(tmp_path), stdout=out)
    assert "1 matched, 2 to reconcile, 0 already imported." in out.getvalue()
    out = StringIO()
    call_command("drugtests", "import-hl7", str(tmp_path), stdout=out)
    assert "0 matched, 0 to reconcile, 3 already imported." in out.getvalue()
    assert LabMessage.objects.count() == 3


SEGMENT = st.sampled_from(["MSH", "PID", "OBR", "OBX", "NTE", "SPM", "ZZZ", "MS", ""])
FIELD = st.text(alphabet="ABC123^~\\&|. -", max_size=12)


@pytest.mark.filterwarnings("ignore:The 'warn' method is deprecated:DeprecationWarning")
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.sampled_from(["MSH|^~\\&|L|F|A|B|20261120||ORU^R01|C1|P|2.5", "MSH|", "MSH", ""]),
    segments=st.lists(st.tuples(SEGMENT, st.lists(FIELD, max_size=12)), max_size=8),
    ending=st.sampled_from(["\r", "\n", "\r\n"]),
)
def test_any_text_is_read_or_refused_with_a_reason(header, segments, ending):
    text = ending.join([header, *("|".join([name, *fields]) for name, fields in segments)])
    try:
        parsed = hl7parse.parse_oru(text)
    except hl7parse.HL7Error as error:
        assert str(error)
    else:
        assert parsed.control_id and parsed.observations
        for observation in parsed.observations:
            assert observation.outcome in {"negative", "positive", "invalid"}


def test_another_laboratory_may_use_the_same_control_id(sendout, nurse, participant):
    services.lab_import(
        raw=hl7_message("northlab_cr.hl7", MRN=participant.mrn, ACC="ACC-1"), actor=nurse
    )
    other_lab = hl7_message("southpath_lf.hl7", MRN="NOBODY", ACC="X").replace(
        "SP2026112100042", "NL-000001"
    )
    message, _created = services.lab_import(raw=other_lab, actor=nurse)
    assert "same control id" not in message.reason
    assert "no specimen of MRN NOBODY" in message.reason
