"""Small, explicit records for the report tests: every figure a test asserts is worked out by
hand from rows built here (no services, so that dates in the past can be set freely)."""

from __future__ import annotations

import datetime
from datetime import date, time

from django.utils import timezone

from openiop.assessments.models import Administration
from openiop.discharge.models import Discharge, FollowUpContact
from openiop.drugtests.models import Collection, Panel, RandomDraw, TestOrder, TestResult
from openiop.notes.models import GroupNote, GroupNoteAttendee, NoteStatus, ProgressNote
from openiop.participants.models import Episode, EpisodeStatus
from openiop.participants.tests.factories import ParticipantFactory
from openiop.plans.models import PlanVersion, TreatmentPlan
from openiop.reports.scope import ReportScope
from openiop.scheduling.models import AttendanceRecord, Session


def scope(program, start: date, end: date, today: date | None = None, **fields) -> ReportScope:
    return ReportScope(
        program_ids=(program.pk,), start=start, end=end, today=today or end, **fields
    )


def episode(program, admitted_on, discharged_on=None, *, reason=None, author=None, **fields):
    """An admitted episode; with ``reason`` (and ``author``) a discharge record too."""
    participant = fields.pop("participant", None) or ParticipantFactory()
    status = EpisodeStatus.DISCHARGED if discharged_on else EpisodeStatus.ACTIVE
    record = Episode.objects.create(
        participant=participant,
        program=program,
        status=status,
        referral_source="self",
        referred_on=admitted_on,
        admitted_on=admitted_on,
        discharged_on=discharged_on,
        **fields,
    )
    if reason:
        Discharge.objects.create(
            episode=record,
            participant=participant,
            discharged_on=discharged_on,
            reason=reason,
            author=author,
        )
    return record


def session(program, held_on, start=18, end=21, **fields) -> Session:
    return Session.objects.create(
        program=program,
        kind="group",
        topic="process",
        held_on=held_on,
        start_time=time(start),
        end_time=time(end),
        **fields,
    )


def attended(session_, episode_, status="present", minutes=None, *, by):
    if minutes is None:
        minutes = 0 if status.startswith("absent") else 180
    return AttendanceRecord.objects.create(
        session=session_,
        episode=episode_,
        participant=episode_.participant,
        status=status,
        minutes=minutes,
        recorded_by=by,
    )


def score(episode_, code, total, on, *, by, supersedes=None):
    return Administration.objects.create(
        participant=episode_.participant,
        episode=episode_,
        instrument=code,
        answers=[],
        total=total,
        administered_on=on,
        administered_by=by,
        supersedes=supersedes,
        correction_reason="typo" if supersedes else "",
    )


def panel(program) -> Panel:
    return Panel.objects.create(program=program, name="12-panel cup", specimen_type="urine")


def order(episode_, panel_, due_on, *, by, reason="scheduled", status="ordered") -> TestOrder:
    draw = None
    if reason == "random":
        draw = RandomDraw.objects.create(
            program=episode_.program,
            drawn_on=due_on,
            run_by=by,
            run_at=at(due_on, 7),
            eligible_count=1,
            probability="0.20000",
        )
    return TestOrder.objects.create(
        random_draw=draw,
        participant=episode_.participant,
        episode=episode_,
        panel=panel_,
        reason=reason,
        due_on=due_on,
        status=status,
        ordered_by=by,
    )


def collect(order_, *, by, outcome="collected", results=()) -> Collection:
    """``results``: (analyte, outcome, interpretation, method) tuples, in order of recording."""
    order_.status = outcome
    order_.save(update_fields=["status"])
    collection = Collection.objects.create(
        order=order_,
        participant=order_.participant,
        episode=order_.episode,
        outcome=outcome,
        collected_by=by,
        collected_at=timezone.make_aware(datetime.datetime.combine(order_.due_on, time(10))),
        specimen_type="urine" if outcome == "collected" else "",
        validity="normal" if outcome == "collected" else "",
    )
    for code, result, interpretation, method in results:
        TestResult.objects.create(
            collection=collection,
            participant=order_.participant,
            analyte_code=code,
            method=method,
            outcome=result,
            interpretation=interpretation,
            recorded_by=by,
        )
    return collection


def at(day: date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time(hour)))


def progress_note(episode_, service_on, *, by, signed_at=None) -> ProgressNote:
    return ProgressNote.objects.create(
        participant=episode_.participant,
        episode=episode_,
        author=by,
        format="dap",
        service_type="individual",
        service_on=service_on,
        start_time=time(10),
        end_time=time(11),
        status=NoteStatus.SIGNED if signed_at else NoteStatus.DRAFT,
        signed_by=by if signed_at else None,
        signed_at=signed_at,
    )


def group_note(program, service_on, episodes, *, by, signed_at=None) -> GroupNote:
    note = GroupNote.objects.create(
        program=program,
        facilitator=by,
        service_on=service_on,
        start_time=time(18),
        end_time=time(21),
    )
    for item in episodes:
        GroupNoteAttendee.objects.create(
            group_note=note, participant=item.participant, episode=item
        )
    if signed_at:  # sign once the sections are in, as notes.services does
        GroupNote.objects.filter(pk=note.pk).update(
            status=NoteStatus.SIGNED, signed_by=by, signed_at=signed_at
        )
    return note


def plan_version(episode_, number, *, by, signed_at=None) -> PlanVersion:
    plan, _created = TreatmentPlan.objects.get_or_create(
        episode=episode_, defaults={"participant": episode_.participant}
    )
    return PlanVersion.objects.create(
        plan=plan,
        participant=episode_.participant,
        episode=episode_,
        number=number,
        kind="initial" if number == 1 else "review",
        status="signed" if signed_at else "draft",
        author=by,
        signed_by=by if signed_at else None,
        signed_at=signed_at,
        agreement_method="signed" if signed_at else "",
        agreement_on=signed_at.date() if signed_at else None,
    )


def follow_up(discharge, day, attempted_on, result, *, by, **outcomes) -> FollowUpContact:
    return FollowUpContact.objects.create(
        discharge=discharge,
        participant=discharge.participant,
        day=day,
        attempted_on=attempted_on,
        result=result,
        recorded_by=by,
        **outcomes,
    )
