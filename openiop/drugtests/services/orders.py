"""Orders, collection, results, interpretation and the policy's follow-up."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction
from openiop.drugtests import rules
from openiop.drugtests.models import (
    Collection,
    DrugTestAlert,
    Panel,
    PanelAnalyte,
    SpecimenType,
    TestOrder,
    TestResult,
    Validity,
)
from openiop.drugtests.services.common import audit, policy_for
from openiop.drugtests.services.medications import prescribed_codes
from openiop.participants.models import Episode, EpisodeStatus

ORDERABLE = (EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD)
MAX_REPEAT_WEEKS = 12


@transaction.atomic
def test_order(
    *,
    episode: Episode,
    actor,
    panel: Panel,
    reason: str,
    due_on: date,
    cause: str = "",
    repeat_weeks: int = 0,
) -> TestOrder:
    """Order a scheduled or for-cause test (random ones come from random_draw_run). A
    scheduled test may repeat weekly: ``repeat_weeks`` more orders, each a week apart.
    Returns the first order."""
    if episode.status not in ORDERABLE:
        raise ValidationError(_("Tests are ordered for an admitted, open episode."))
    if panel.program_id != episode.program_id or not panel.is_active:
        raise ValidationError({"panel": _("Choose one of the program's panels in use.")})
    if reason not in (TestOrder.Reason.SCHEDULED, TestOrder.Reason.FOR_CAUSE):
        raise ValidationError({"reason": _("Order a scheduled or a for-cause test here.")})
    cause = (cause or "").strip()
    if reason == TestOrder.Reason.FOR_CAUSE and not cause:
        raise ValidationError({"cause": _("Say what the cause is.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("A test cannot be ordered for a day that has passed.")})
    repeat_weeks = repeat_weeks or 0
    if not 0 <= repeat_weeks <= MAX_REPEAT_WEEKS:
        raise ValidationError(
            {"repeat_weeks": _("Repeat for 0 to %(n)s weeks.") % {"n": MAX_REPEAT_WEEKS}}
        )
    if repeat_weeks and reason != TestOrder.Reason.SCHEDULED:
        raise ValidationError({"repeat_weeks": _("Only a scheduled test repeats.")})
    orders = []
    for week in range(repeat_weeks + 1):
        order = TestOrder(
            participant=episode.participant,
            episode=episode,
            panel=panel,
            reason=reason,
            cause=cause,
            due_on=due_on + timedelta(weeks=week),
            ordered_by=actor,
        )
        order.full_clean()
        order.save()
        audit(actor, AuditAction.DRUG_TEST_ORDERED, order, episode.participant, reason=reason)
        orders.append(order)
    return orders[0]


def admission_test_order(*, episode: Episode, actor) -> TestOrder | None:
    """At admission (``participants.services.ADMISSION_HOOKS``): order the program's admission
    test (Testing setup → "test at admission with"), due on the admission day, or today when
    the admission is recorded late. Nothing when the program orders none."""
    panel = policy_for(episode.program).admission_panel
    if panel is None or not panel.is_active:
        return None
    return test_order(
        episode=episode,
        actor=actor,
        panel=panel,
        reason=TestOrder.Reason.SCHEDULED,
        due_on=max(episode.admitted_on, timezone.localdate()),
    )


@transaction.atomic
def order_cancel(*, order: TestOrder, actor) -> TestOrder:
    order = TestOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != TestOrder.Status.ORDERED:
        raise ValidationError(_("Only a test not yet collected can be cancelled."))
    if order.reason == TestOrder.Reason.RANDOM:
        raise ValidationError(
            _("A random test is not cancelled: record a no-show or a refusal instead.")
        )
    order.status = TestOrder.Status.CANCELLED
    order.save(update_fields=["status", "updated_at"])
    audit(actor, AuditAction.DRUG_TEST_ORDER_CANCELLED, order, order.participant)
    return order


def _describe_specimen(
    collection: Collection,
    *,
    specimen_type: str,
    is_observed: bool,
    temperature_in_range: bool | None,
    validity: str,
    accession_number: str,
    is_sent_to_lab: bool,
) -> None:
    """Fill in a collected specimen, or refuse with every missing or wrong field named."""
    accession_number = (accession_number or "").strip()
    errors = {}
    if specimen_type not in SpecimenType.values:
        errors["specimen_type"] = _("Choose the specimen type.")
    if validity not in Validity.values:
        errors["validity"] = _("Record the specimen's validity.")
    if specimen_type == SpecimenType.URINE and temperature_in_range is None:
        errors["temperature_in_range"] = _("Record whether the temperature was in range.")
    if is_sent_to_lab and not accession_number:
        errors["accession_number"] = _("A send-out needs its accession number.")
    if accession_number and Collection.objects.filter(accession_number=accession_number).exists():
        errors["accession_number"] = _("This accession number is already used.")
    if errors:
        raise ValidationError(errors)
    collection.specimen_type = specimen_type
    collection.is_observed = is_observed
    collection.temperature_in_range = (
        temperature_in_range if specimen_type == SpecimenType.URINE else None
    )
    collection.validity = validity
    collection.accession_number = accession_number
    collection.is_sent_to_lab = is_sent_to_lab


@transaction.atomic
def collection_record(
    *,
    order: TestOrder,
    actor,
    outcome: str,
    collected_at: datetime | None = None,
    specimen_type: str = "",
    is_observed: bool = False,
    temperature_in_range: bool | None = None,
    validity: str = "",
    accession_number: str = "",
    is_sent_to_lab: bool = False,
) -> Collection:
    """Record what happened at the desk. A refusal or a no-show is recorded as such, with no
    specimen; a refusal, an adulterated or a substituted specimen sets off the policy."""
    order = (
        TestOrder.objects.select_for_update().select_related("episode", "panel").get(pk=order.pk)
    )
    if order.status != TestOrder.Status.ORDERED:
        raise ValidationError(_("This test is already recorded (or was cancelled)."))
    collected_at = collected_at or timezone.now()
    if collected_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"collected_at": _("The collection time cannot be in the future.")})
    collection = Collection(
        order=order,
        participant=order.participant,
        episode=order.episode,
        outcome=outcome,
        collected_by=actor,
        collected_at=collected_at,
    )
    if outcome == Collection.Outcome.COLLECTED:
        _describe_specimen(
            collection,
            specimen_type=specimen_type,
            is_observed=is_observed,
            temperature_in_range=temperature_in_range,
            validity=validity,
            accession_number=accession_number,
            is_sent_to_lab=is_sent_to_lab,
        )
    elif outcome not in Collection.Outcome.values:
        raise ValidationError({"outcome": _("Choose what happened.")})
    collection.full_clean()
    collection.save()
    order.status = {
        Collection.Outcome.COLLECTED: TestOrder.Status.COLLECTED,
        Collection.Outcome.REFUSED: TestOrder.Status.REFUSED,
        Collection.Outcome.NO_SHOW: TestOrder.Status.NO_SHOW,
    }[outcome]
    order.save(update_fields=["status", "updated_at"])
    audit(actor, AuditAction.DRUG_TEST_COLLECTED, collection, order.participant, outcome=outcome)
    _follow_up(collection, actor, unexpected=())
    return collection


# -- Results --


def _panel_analytes(collection: Collection) -> dict[str, PanelAnalyte]:
    return {a.code: a for a in collection.order.panel.analytes.all()}


def _new_result(collection, entry: dict, method: str, analytes: dict, current: dict):
    """An unsaved result for one analyte, after the checks a person would want named."""
    code = (entry.get("code") or "").strip().upper()
    if entry.get("outcome") not in TestResult.Outcome.values:
        raise ValidationError(
            _("Choose negative, positive or invalid for %(code)s.") % {"code": code}
        )
    if method == TestResult.Method.SCREEN and code not in analytes:
        raise ValidationError(_("%(code)s is not on this panel.") % {"code": code})
    if (code, method) in current:
        raise ValidationError(
            _("A %(method)s result for %(code)s is already recorded.")
            % {"method": TestResult.Method(method).label, "code": code}
        )
    analyte = analytes.get(code)
    cutoff = entry.get("cutoff")
    if cutoff is None and analyte is not None:
        screening = method == TestResult.Method.SCREEN
        cutoff = analyte.screen_cutoff if screening else analyte.confirmation_cutoff
    return TestResult(
        collection=collection,
        participant=collection.participant,
        analyte_code=code,
        analyte_name=entry.get("name") or (analyte.name if analyte else ""),
        method=method,
        outcome=entry["outcome"],
        value=entry.get("value"),
        cutoff=cutoff,
        unit=entry.get("unit") or (analyte.unit if analyte else ""),
        comment=entry.get("comment", ""),
    )


@transaction.atomic
def results_record(
    *, collection: Collection, actor, method: str, results: list[dict], lab_message=None
) -> list[TestResult]:
    """Record results per analyte: ``results`` are dicts with ``code``, ``outcome`` and
    optionally ``value``, ``cutoff``, ``unit``, ``name``, ``comment``. A confirmation
    supersedes the current screen of the same analyte; both stay in the history."""
    collection = (
        Collection.objects.select_for_update()
        .select_related("order__panel", "episode__program")
        .get(pk=collection.pk)
    )
    if not collection.is_collected:
        raise ValidationError(
            _("No specimen was collected: a refusal or a no-show has no results.")
        )
    if method not in TestResult.Method.values:
        raise ValidationError({"method": _("Unknown test method.")})
    if not results:
        raise ValidationError(_("Enter at least one result."))
    analytes = _panel_analytes(collection)
    current = {
        (r.analyte_code, r.method): r for r in collection.results.filter(superseded_by__isnull=True)
    }
    saved = []
    for entry in results:
        result = _new_result(collection, entry, method, analytes, current)
        result.recorded_by, result.lab_message = actor, lab_message
        result.full_clean()
        result.save(refresh_summary=False)  # once, in _interpret
        if method == TestResult.Method.CONFIRMATION:
            screen = current.get((result.analyte_code, TestResult.Method.SCREEN))
            if screen is not None:
                screen.superseded_by = result
                screen.save(update_fields=["superseded_by", "updated_at"], refresh_summary=False)
        current[(result.analyte_code, method)] = result  # the same analyte twice is refused
        saved.append(result)
    interpretation = _interpret(collection)
    audit(
        actor,
        AuditAction.DRUG_TEST_RESULT_RECORDED,
        collection,
        collection.participant,
        method=method,
        analytes=sorted(r.analyte_code for r in saved),
    )
    _follow_up(collection, actor, unexpected=interpretation.unexpected)
    if interpretation.missing_expected:
        _raise_alert(
            collection,
            actor,
            kind=DrugTestAlert.Kind.MISSING_EXPECTED,
            reasons=["missing_expected"],
            recipient=collection.episode.primary_clinician,
        )
    return saved


def _interpret(collection: Collection) -> rules.Interpretation:
    """Mark each result expected or unexpected from the medications current on the day, and
    keep on the collection which expected analytes were not found."""
    results = list(collection.results.all())
    effective: dict[str, str | None] = {}
    for code in {r.analyte_code for r in results}:
        mine = [r for r in results if r.analyte_code == code]
        screen = next(
            (r.outcome for r in mine if r.method == "screen" and r.superseded_by_id is None), None
        )
        confirmation = next((r.outcome for r in reversed(mine) if r.method == "confirmation"), None)
        effective[code] = rules.effective_outcome(screen, confirmation)
    day = timezone.localtime(collection.collected_at).date()
    prescribed = prescribed_codes(collection.episode, day)
    interpretation = rules.interpret(
        [rules.AnalyteResult(code, outcome) for code, outcome in effective.items() if outcome],
        prescribed,
    )
    for result in results:
        if result.outcome != TestResult.Outcome.POSITIVE:
            mark = TestResult.Interpretation.NONE
        elif result.analyte_code in prescribed:
            mark = TestResult.Interpretation.EXPECTED
        else:
            mark = TestResult.Interpretation.UNEXPECTED
        if result.interpretation != mark:
            result.interpretation = mark
            result.save(update_fields=["interpretation", "updated_at"], refresh_summary=False)
    collection.missing_expected = sorted(interpretation.missing_expected)
    collection.save(update_fields=["missing_expected", "updated_at"])
    Collection.objects.filter(pk=collection.pk).refresh_result_summary()  # once for all
    return interpretation


def _raise_alert(collection, actor, *, kind, reasons, recipient, respond_by=None, request=None):
    alert, created = DrugTestAlert.objects.get_or_create(
        collection=collection,
        kind=kind,
        defaults={
            "participant": collection.participant,
            "episode": collection.episode,
            "reasons": reasons,
            "recipient": recipient,
            "respond_by": respond_by,
            "review_request": request,
        },
    )
    if not created and set(reasons) - set(alert.reasons):
        alert.reasons = sorted(set(alert.reasons) | set(reasons))
        alert.save(update_fields=["reasons", "updated_at"])
    if created:
        audit(
            actor,
            AuditAction.DRUG_TEST_FOLLOW_UP,
            alert,
            collection.participant,
            kind=kind,
            reasons=list(reasons),
        )
    return alert


def _follow_up(collection: Collection, actor, *, unexpected) -> rules.FollowUp:
    """The program's policy after a test: alerts and a plan review request. No discharge."""
    from openiop.plans.models import ReviewRequest
    from openiop.plans.services import plan_review_request

    episode = collection.episode
    policy = policy_for(episode.program)
    action = rules.follow_up(
        policy=policy.follow_up,
        unexpected=unexpected,
        refused=collection.outcome == Collection.Outcome.REFUSED,
        validity=collection.validity,
    )
    if not action.reasons:
        return action
    respond_by = timezone.now() + timedelta(hours=policy.review_window_hours)
    request = None
    if action.request_plan_review:
        words = ", ".join(str(_label(code)) for code in action.reasons)
        request = plan_review_request(
            episode=episode,
            reason=_("Drug test on %(day)s: %(what)s. Review the plan within %(hours)s hours.")
            % {
                "day": timezone.localtime(collection.collected_at).date().isoformat(),
                "what": words,
                "hours": policy.review_window_hours,
            },
            source=ReviewRequest.Source.DRUG_TEST,
            actor=actor,
            due_on=timezone.localtime(respond_by).date(),
        )
    if action.notify_clinician:
        _raise_alert(
            collection,
            actor,
            kind=DrugTestAlert.Kind.NOTIFY_CLINICIAN,
            reasons=list(action.reasons),
            recipient=episode.primary_clinician,
            respond_by=respond_by,
            request=request,
        )
    if action.flag_director:
        _raise_alert(
            collection,
            actor,
            kind=DrugTestAlert.Kind.DIRECTOR_FLAG,
            reasons=list(action.reasons),
            recipient=None,
            respond_by=respond_by,
            request=request,
        )
    return action


def _label(code: str):
    from openiop.drugtests.models import REASON_LABELS

    return REASON_LABELS.get(code, code)


@transaction.atomic
def alert_acknowledge(*, alert: DrugTestAlert, actor) -> DrugTestAlert:
    alert = DrugTestAlert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_open:
        raise ValidationError(_("This follow-up is already acknowledged."))
    alert.acknowledged_by, alert.acknowledged_at = actor, timezone.now()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "updated_at"])
    audit(actor, AuditAction.DRUG_TEST_ALERT_ACKNOWLEDGED, alert, alert.participant)
    return alert
