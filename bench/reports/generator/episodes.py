"""One episode's rows: roster places and attendance, measures, notes, plans, drug tests,
discharge and follow-ups."""

from __future__ import annotations

from datetime import date, timedelta
from datetime import time as clock
from decimal import Decimal

from bench.reports.generator.data import (
    ANALYTES,
    TRACKS,
    Stay,
)
from bench.reports.generator.writing import Writer
from openiop.assessments.instruments import score
from openiop.assessments.models import Administration
from openiop.discharge.models import Discharge, DischargeReason, FollowUpContact
from openiop.drugtests.models import (
    Collection,
    SpecimenType,
    TestOrder,
    TestResult,
)
from openiop.notes.models import (
    GroupNoteAttendee,
    NoteStatus,
    Participation,
    ProgressNote,
    ServiceType,
)
from openiop.participants.models import (
    CareTeamMember,
    CareTeamRole,
)
from openiop.plans.models import AgreementMethod, PlanVersion, TreatmentPlan
from openiop.scheduling.models import (
    AttendanceRecord,
    AttendanceStatus,
    AttendeeSource,
    GroupEnrollment,
    ParticipantPreferences,
    Session,
    SessionAttendee,
)


class EpisodeRows(Writer):
    """Builds the rows of one episode (or a chunk of them); ``ProgramGenerator`` writes them."""

    def schedule_rows(self, stay: Stay, rows) -> None:
        rng, episode = self.rng, stay.episode
        participant = episode.participant
        admitted = self.moment(stay.admitted_on, clock(11))
        clinician = self.clinicians[stay.clinician]
        rows[CareTeamMember].append(
            CareTeamMember(
                episode=episode,
                user=clinician,
                role=CareTeamRole.PRIMARY_THERAPIST,
                created_at=admitted,
                updated_at=admitted,
            )
        )
        rows[ParticipantPreferences].append(
            ParticipantPreferences(
                episode=episode,
                preferred_track=self.tracks[stay.track],
                is_virtual_ok=TRACKS[stay.track].is_virtual,
                created_at=admitted,
                updated_at=admitted,
            )
        )
        offerings = self.sections[(stay.track, stay.section)]
        for offering in offerings:
            rows[GroupEnrollment].append(
                GroupEnrollment(
                    offering=offering,
                    episode=episode,
                    starts_on=stay.admitted_on,
                    ends_on=stay.discharged_on,
                    created_by=self.director,
                    created_at=admitted,
                    updated_at=admitted,
                )
            )
        last = stay.discharged_on or self.today + timedelta(days=6)
        fading = stay.reason == DischargeReason.LEFT and stay.discharged_on
        day = stay.admitted_on
        while day <= last:
            for offering in offerings:
                session = (
                    self.sessions.get((offering.pk, day))
                    if offering.weekday == day.weekday()
                    else None
                )
                if session is None:
                    continue
                created = self.moment(day - timedelta(days=5), clock(15))
                rows[SessionAttendee].append(
                    SessionAttendee(
                        session_id=session.pk,
                        episode_id=episode.pk,
                        participant_id=participant.pk,
                        source=AttendeeSource.ROSTER,
                        created_at=created,
                        updated_at=created,
                    )
                )
                if day >= self.today:
                    continue
                chance = stay.engagement
                if fading and (stay.discharged_on - day).days < 14:
                    chance *= 0.3
                status, minutes = self.attendance(session, rng.random() < chance)
                recorded = self.moment(day, session.end_time) + timedelta(minutes=10)
                rows[AttendanceRecord].append(
                    AttendanceRecord(
                        public_id=self.uid(),
                        session_id=session.pk,
                        participant_id=participant.pk,
                        episode_id=episode.pk,
                        status=status,
                        held_on=day,
                        minutes=minutes,
                        recorded_by_id=session.lead_id,
                        created_at=recorded,
                        updated_at=recorded,
                    )
                )
                if minutes:
                    rows[GroupNoteAttendee].append(
                        GroupNoteAttendee(
                            public_id=self.uid(),
                            group_note_id=session.bench_note.pk,
                            participant_id=participant.pk,
                            episode_id=episode.pk,
                            participation=rng.choice(Participation.values[:3]),
                            response="Took part in the exercise and shared an example.",
                        )
                    )
            day += timedelta(days=1)

    def attendance(self, session: Session, attends: bool) -> tuple[str, int]:
        length = session.minutes
        if not attends:
            excused = self.rng.random() < 0.4
            return (
                AttendanceStatus.ABSENT_EXCUSED if excused else AttendanceStatus.ABSENT_UNEXCUSED
            ), 0
        draw = self.rng.random()
        if session.is_virtual or draw < 0.03:
            return AttendanceStatus.VIDEO, length
        if draw < 0.10:
            return AttendanceStatus.LATE, length - self.rng.randint(5, 20)
        if draw < 0.15:
            return AttendanceStatus.LEFT_EARLY, length - self.rng.randint(15, 40)
        return AttendanceStatus.PRESENT, length

    def measure_rows(self, stay: Stay, rows) -> None:
        """PHQ-9 and GAD-7 at admission, then every two to four weeks, and at a completed
        discharge; totals fall by the stay's improvement, with noise."""
        rng, episode = self.rng, stay.episode
        last = self.last_day(stay)
        length = max(1, (last - stay.admitted_on).days)
        days = [stay.admitted_on]
        while days[-1] + timedelta(days=14) <= last:
            days.append(days[-1] + timedelta(days=rng.randint(14, 28)))
        days = [day for day in days if day <= last]
        if stay.reason == DischargeReason.COMPLETED and days[-1] != last:
            days.append(last)
        clinician = self.clinicians[stay.clinician]
        for day in days:
            progress = (day - stay.admitted_on).days / length
            for code, baseline, items, most in (
                ("phq9", stay.phq9, 9, 27),
                ("gad7", stay.gad7, 7, 21),
            ):
                total = round(baseline * (1 - stay.improvement * progress) + rng.gauss(0, 2))
                answers = self.answers(max(0, min(most, total)), items)
                result = score(code, answers)
                recorded = self.moment(day, clock(rng.randint(9, 16), rng.randrange(60)))
                rows[Administration].append(
                    Administration(
                        public_id=self.uid(),
                        participant=episode.participant,
                        episode=episode,
                        instrument=code,
                        answers=answers,
                        total=result.total,
                        band=result.band or "",
                        subscales=dict(result.subscales),
                        alerts=list(result.alerts),
                        administered_on=day,
                        administered_by=clinician,
                        created_at=recorded,
                    )
                )

    def answers(self, total: int, items: int) -> list[int]:
        """Item answers (0-3) adding up to ``total``; the PHQ-9's item 9 only when the other
        items are full or, rarely, for a high total."""
        answers = [0] * items
        open_items = list(range(items - 1 if items == 9 else items))
        if items == 9 and total >= 20 and self.rng.random() < 0.2:
            answers[8], total = 1, total - 1
        for _ in range(total):
            if not open_items:
                open_items = [8]
            index = self.rng.choice(open_items)
            answers[index] += 1
            if answers[index] == 3:
                open_items.remove(index)
        return answers

    def note_rows(self, stay: Stay, rows) -> None:
        """A weekly individual session's progress note, signed after a delay (recent ones
        sometimes still drafts)."""
        episode, clinician = stay.episode, self.clinicians[stay.clinician]
        now = self.moment(self.today, clock(8))
        day = stay.admitted_on + timedelta(days=self.rng.randint(1, 4))
        while day <= self.last_day(stay):
            starts = clock(self.rng.choice((10, 13, 14, 15, 16)))
            ends = clock(starts.hour, 50)
            ended = self.moment(day, ends)
            signed_at = ended + self.signing_delay(day)
            is_signed = signed_at < now and self.rng.random() > 0.01
            rows[ProgressNote].append(
                ProgressNote(
                    public_id=self.uid(),
                    participant=episode.participant,
                    episode=episode,
                    author=clinician,
                    format="dap",
                    service_type=ServiceType.INDIVIDUAL,
                    service_on=day,
                    start_time=starts,
                    end_time=ends,
                    content={
                        "data": "Reported a steady week; attended groups.",
                        "assessment": "Engaged; progressing toward objectives.",
                        "plan": "Continue the current plan; review next week.",
                    },
                    status=NoteStatus.SIGNED if is_signed else NoteStatus.DRAFT,
                    signed_by=clinician if is_signed else None,
                    signed_at=signed_at if is_signed else None,
                    created_at=ended,
                    updated_at=signed_at if is_signed else ended,
                )
            )
            day += timedelta(days=7)

    def plan_rows(self, stays: list[Stay]) -> list[tuple[TreatmentPlan, list[PlanVersion]]]:
        """An initial plan signed within about a week of admission (some late), then reviews
        about every 30 days (some late) while in care."""
        plans = []
        now = self.moment(self.today, clock(8))
        for stay in stays:
            episode, clinician = stay.episode, self.clinicians[stay.clinician]
            plan = TreatmentPlan(
                public_id=self.uid(),
                participant=episode.participant,
                episode=episode,
                created_at=self.moment(stay.admitted_on, clock(12)),
                updated_at=self.moment(stay.admitted_on, clock(12)),
            )
            versions = []
            day = stay.admitted_on + timedelta(
                days=self.rng.randint(1, 7) if self.rng.random() < 0.85 else self.rng.randint(8, 20)
            )
            while day <= self.last_day(stay):
                signed_at = self.moment(day, clock(self.rng.randint(9, 17), self.rng.randrange(60)))
                if signed_at >= now:
                    break
                versions.append(
                    PlanVersion(
                        public_id=self.uid(),
                        participant=episode.participant,
                        episode=episode,
                        number=len(versions) + 1,
                        kind=PlanVersion.Kind.REVIEW if versions else PlanVersion.Kind.INITIAL,
                        status=PlanVersion.Status.SIGNED,
                        author=clinician,
                        strengths="Motivated; supportive family.",
                        review_summary="Objectives updated." if versions else "",
                        agreement_method=AgreementMethod.SIGNED,
                        agreement_on=day,
                        signed_by=clinician,
                        signed_at=signed_at,
                        created_at=signed_at - timedelta(days=1),
                        updated_at=signed_at,
                    )
                )
                late = self.rng.random() < 0.12
                day += timedelta(
                    days=self.rng.randint(31, 45) if late else self.rng.randint(21, 30)
                )
            plans.append((plan, versions))
        return plans

    def order_rows(self, stays: list[Stay]) -> list[tuple[TestOrder, Collection | None, list]]:
        """A test at admission, then one random test a week on a weekday, mostly collected
        and negative; positives more likely early on for people who use."""
        orders = []
        for stay in stays:
            episode = stay.episode
            clinician = self.clinicians[stay.clinician]
            last = self.last_day(stay)
            week, first = 0, True
            due = stay.admitted_on
            while due <= last:
                reason = TestOrder.Reason.SCHEDULED if first else TestOrder.Reason.RANDOM
                order = TestOrder(
                    public_id=self.uid(),
                    participant=episode.participant,
                    episode=episode,
                    panel=self.panel,
                    reason=reason,
                    due_on=due,
                    ordered_by=clinician,
                    random_draw=None if first else self.draws[due],
                    created_at=self.moment(due, clock(7)),
                    updated_at=self.moment(due, clock(7)),
                )
                orders.append((order, *self.collection(stay, order, week)))
                first = False
                week += 1
                monday = stay.admitted_on + timedelta(days=7 * week)
                monday -= timedelta(days=monday.weekday())
                due = monday + timedelta(days=self.rng.randrange(5))
        return orders

    def collection(self, stay: Stay, order: TestOrder, week: int) -> tuple:
        rng = self.rng
        draw = rng.random()
        if draw < 0.02:
            order.status = TestOrder.Status.CANCELLED
            return None, []
        outcome = (
            Collection.Outcome.REFUSED
            if draw < 0.05
            else Collection.Outcome.NO_SHOW
            if draw < 0.09
            else Collection.Outcome.COLLECTED
        )
        order.status = {
            Collection.Outcome.REFUSED: TestOrder.Status.REFUSED,
            Collection.Outcome.NO_SHOW: TestOrder.Status.NO_SHOW,
            Collection.Outcome.COLLECTED: TestOrder.Status.COLLECTED,
        }[outcome]
        at = self.moment(order.due_on, clock(rng.randint(9, 16), rng.randrange(60)))
        collected = outcome == Collection.Outcome.COLLECTED
        collection = Collection(
            public_id=self.uid(),
            participant=order.participant,
            episode=order.episode,
            outcome=outcome,
            collected_by=order.ordered_by,
            collected_at=at,
            specimen_type=SpecimenType.URINE if collected else "",
            validity=("dilute" if rng.random() < 0.03 else "normal") if collected else "",
            temperature_in_range=True if collected else None,
            created_at=at,
            updated_at=at,
        )
        results = []
        if collected:
            chance = stay.use * max(0.2, 1 - week / 8)
            positive = rng.choices([code for code, *_ in ANALYTES], [2, 1, 2, 1, 4, 2, 1])[0]
            is_positive = rng.random() < chance
            for code, name, cutoff in ANALYTES:
                hit = is_positive and code == positive
                results.append(
                    TestResult(
                        public_id=self.uid(),
                        participant_id=order.participant_id,
                        analyte_code=code,
                        analyte_name=name,
                        method=TestResult.Method.SCREEN,
                        outcome=TestResult.Outcome.POSITIVE if hit else TestResult.Outcome.NEGATIVE,
                        cutoff=Decimal(cutoff),
                        unit="ng/mL",
                        interpretation=TestResult.Interpretation.UNEXPECTED if hit else "",
                        recorded_by_id=order.ordered_by_id,
                        created_at=at + timedelta(minutes=5),
                        updated_at=at + timedelta(minutes=5),
                    )
                )
        return collection, results

    def discharge_rows(self, stay: Stay, rows) -> None:
        """A signed discharge, and follow-up attempts at 30, 90 and 180 days."""
        if stay.discharged_on is None:
            return
        rng, episode = self.rng, stay.episode
        clinician = self.clinicians[stay.clinician]
        signed_at = self.moment(stay.discharged_on, clock(16)) + timedelta(days=rng.randint(0, 3))
        now = self.moment(self.today, clock(8))
        is_signed = signed_at < now
        discharge = Discharge(
            public_id=self.uid(),
            episode=episode,
            participant=episode.participant,
            discharged_on=stay.discharged_on,
            reason=stay.reason,
            status=Discharge.Status.SIGNED if is_signed else Discharge.Status.DRAFT,
            course="Attended groups and individual sessions; see the notes.",
            author=clinician,
            signed_by=clinician if is_signed else None,
            signed_at=signed_at if is_signed else None,
            created_at=self.moment(stay.discharged_on, clock(15)),
            updated_at=signed_at if is_signed else self.moment(stay.discharged_on, clock(15)),
        )
        discharge.bench_contacts = []
        if stay.reason != DischargeReason.DEATH:
            for day in (30, 90, 180):
                attempt = stay.discharged_on + timedelta(days=day + rng.randint(0, 6))
                for _try in range(2):
                    if attempt >= self.today:
                        break
                    reached = rng.random() < 0.55
                    discharge.bench_contacts.append(self.contact(stay, day, attempt, reached))
                    if reached:
                        break
                    attempt += timedelta(days=rng.randint(3, 10))
        rows[Discharge].append(discharge)

    def contact(self, stay: Stay, day: int, attempt: date, reached: bool) -> FollowUpContact:
        rng = self.rng
        measured = reached and rng.random() < 0.3

        def pick(*values: str) -> str:
            return rng.choice(values) if reached else ""

        return FollowUpContact(
            public_id=self.uid(),
            participant=stay.episode.participant,
            day=day,
            attempted_on=attempt,
            result="reached" if reached else "not_reached",
            substance_use=pick("no", "no", "no", "yes", "unknown"),
            in_treatment=pick("yes", "yes", "no", "unknown"),
            housing=pick("stable", "stable", "recovery", "unstable", "unknown"),
            occupation=pick("employed", "employed", "school", "neither", "unknown"),
            arrested=pick("no", "no", "no", "no", "yes"),
            measure="phq9" if measured else "",
            measure_score=max(0, round(rng.gauss(8, 4))) if measured else None,
            recorded_by=self.clinicians[stay.clinician],
            created_at=self.moment(attempt, clock(14)),
        )
