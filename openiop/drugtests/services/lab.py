"""Laboratory results over HL7: import, matching, the reconciliation queue."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction
from openiop.drugtests import hl7parse, rules
from openiop.drugtests.models import (
    Collection,
    LabMessage,
    TestResult,
)
from openiop.drugtests.services.common import audit
from openiop.drugtests.services.orders import results_record


def _find_collection(parsed: hl7parse.ParsedMessage, program) -> tuple[Collection | None, str]:
    """The collection a result belongs to, by accession number, else MRN + collection day;
    otherwise None and the reason in words."""
    collections = Collection.objects.filter(outcome=Collection.Outcome.COLLECTED)
    if program is not None:
        collections = collections.filter(episode__program=program)
    for number in parsed.accession_candidates:
        found = collections.filter(accession_number=number).first()
        if found is not None:
            return found, ""
    if not parsed.mrn:
        return None, _("No order has the accession number and the message names no MRN.")
    if parsed.collected_at is None:
        return None, _(
            "No order has the accession number %(n)s, and the message has no collection date."
        ) % {"n": ", ".join(parsed.accession_candidates) or "—"}
    day = parsed.collected_at.date()
    same_day = [
        c
        for c in collections.filter(participant__mrn=parsed.mrn).select_related("episode")
        if timezone.localtime(c.collected_at).date() == day
    ]
    if len(same_day) == 1:
        return same_day[0], ""
    if len(same_day) > 1:
        return None, _(
            "Several specimens of MRN %(mrn)s were collected on %(day)s: choose the right one."
        ) % {"mrn": parsed.mrn, "day": day.isoformat()}
    return None, _(
        "No order has the accession number %(n)s and no specimen of MRN %(mrn)s was collected "
        "on %(day)s."
    ) % {
        "n": ", ".join(parsed.accession_candidates) or "—",
        "mrn": parsed.mrn,
        "day": day.isoformat(),
    }


def _three_places(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _lab_results(parsed: hl7parse.ParsedMessage, collection: Collection) -> list[dict]:
    known = set(collection.order.panel.analytes.values_list("code", flat=True))
    entries: dict[str, dict] = {}
    for observation in parsed.observations:
        if rules.is_validity_test(observation.identifier, observation.text):
            continue
        code = rules.analyte_code_for(observation.identifier, observation.text, known)
        if code in entries:  # a parent drug and its metabolite: keep the positive one
            if observation.outcome == "positive":
                entries[code]["outcome"] = "positive"
            entries[code]["comment"] = "\n".join(
                filter(None, [entries[code]["comment"], *observation.comments])
            )
            continue
        entries[code] = {
            "code": code,
            "name": observation.text[:80],
            "outcome": observation.outcome,
            "value": _three_places(observation.numeric_value),
            "cutoff": _three_places(observation.cutoff),
            "unit": observation.units[:20],
            "comment": "\n".join(observation.comments),
        }
    return list(entries.values())


def _queue(actor, *, status, reason, **fields) -> LabMessage:
    message = LabMessage(status=status, reason=str(reason)[:300], imported_by=actor, **fields)
    message.save()
    audit(actor, AuditAction.DRUG_TEST_LAB_IMPORTED, message, status=status)
    return message


@transaction.atomic
def lab_import(*, raw: str, actor, source: str = "", program=None) -> tuple[LabMessage, bool]:
    """Import one HL7 message. Returns (message, created): the same content imported again
    returns the stored message and changes nothing. A message that cannot be read, matched or
    stored is kept whole in the reconciliation queue with the reason; nothing is dropped."""
    digest = hl7parse.content_hash(raw)
    existing = LabMessage.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing, False
    fields = {"content_hash": digest, "raw": raw, "source": source[:200], "program": program}
    try:
        parsed = hl7parse.parse_oru(raw)
    except hl7parse.HL7Error as error:
        return _queue(actor, status=LabMessage.Status.MALFORMED, reason=error, **fields), True
    fields["control_id"] = parsed.control_id[:80]
    fields["sending_facility"] = parsed.sending_facility[:80]
    if LabMessage.objects.filter(
        control_id=fields["control_id"], sending_facility=fields["sending_facility"]
    ).exists():
        reason = _(
            "A different message with the same control id %(id)s was imported before: check "
            "whether this one corrects it."
        ) % {"id": parsed.control_id}
        return _queue(actor, status=LabMessage.Status.UNMATCHED, reason=reason, **fields), True
    collection, reason = _find_collection(parsed, program)
    if collection is None:
        return _queue(actor, status=LabMessage.Status.UNMATCHED, reason=reason, **fields), True
    try:
        with transaction.atomic():
            message = LabMessage(
                status=LabMessage.Status.MATCHED,
                collection=collection,
                imported_by=actor,
                **{**fields, "program": collection.episode.program},
            )
            message.save()
            audit(
                actor,
                AuditAction.DRUG_TEST_LAB_IMPORTED,
                message,
                collection.participant,
                status=message.status,
            )
            results_record(
                collection=collection,
                actor=actor,
                method=TestResult.Method.CONFIRMATION,
                results=_lab_results(parsed, collection),
                lab_message=message,
            )
    except ValidationError as error:
        reason = _("It matches a specimen, but its results cannot be stored: %(why)s") % {
            "why": " ".join(error.messages)
        }
        return _queue(actor, status=LabMessage.Status.UNMATCHED, reason=reason, **fields), True
    return message, True


def lab_import_text(*, text: str, actor, source: str = "", program=None) -> list:
    """Every message in a file's text: [(message, created)]."""
    pieces = hl7parse.split_messages(text)
    if not pieces:
        pieces = [text]
    return [lab_import(raw=piece, actor=actor, source=source, program=program) for piece in pieces]


@transaction.atomic
def lab_message_attach(*, message: LabMessage, collection: Collection, actor) -> LabMessage:
    """Work the queue: attach a message that could be read to the specimen it belongs to."""
    message = LabMessage.objects.select_for_update().get(pk=message.pk)
    if not message.is_open:
        raise ValidationError(_("This message is no longer in the queue."))
    try:
        parsed = hl7parse.parse_oru(message.raw)
    except hl7parse.HL7Error as error:
        raise ValidationError(
            _("This message cannot be read, so it cannot be attached: %(why)s") % {"why": error}
        ) from None
    if not collection.is_collected:
        raise ValidationError(_("Choose a collected specimen."))
    message.status, message.collection = LabMessage.Status.RESOLVED, collection
    message.program = collection.episode.program
    message.resolved_by, message.resolved_at = actor, timezone.now()
    message.save()
    results_record(
        collection=collection,
        actor=actor,
        method=TestResult.Method.CONFIRMATION,
        results=_lab_results(parsed, collection),
        lab_message=message,
    )
    audit(
        actor,
        AuditAction.DRUG_TEST_LAB_RECONCILED,
        message,
        collection.participant,
        status=message.status,
    )
    return message


@transaction.atomic
def lab_message_dismiss(*, message: LabMessage, actor, reason: str) -> LabMessage:
    message = LabMessage.objects.select_for_update().get(pk=message.pk)
    if not message.is_open:
        raise ValidationError(_("This message is no longer in the queue."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the message is dismissed.")})
    message.status = LabMessage.Status.DISMISSED
    message.reason = f"{message.reason} — {reason}"[:300]
    message.resolved_by, message.resolved_at = actor, timezone.now()
    message.save()
    audit(actor, AuditAction.DRUG_TEST_LAB_RECONCILED, message, status=message.status)
    return message
