"""The program and its calendar: site, phases, staff, tracks and groups, participants and
episodes, sessions and group notes, random draws; then each chunk of episodes' rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connections, models, router

from bench.reports.generator.data import (
    ANALYTES,
    CHUNK,
    FIRST_NAMES,
    GROUP_SIZE,
    HOLIDAYS,
    LAST_NAMES,
    NEVER_ADMITTED_SHARE,
    PHASES,
    PROGRAM_NAME,
    READMISSION_SHARE,
    REASONS,
    SITE_NAME,
    TOPICS,
    TRACKS,
    Stay,
)
from bench.reports.generator.episodes import EpisodeRows
from openiop.accounts.models import User
from openiop.accounts.roles import Role
from openiop.assessments.models import Administration
from openiop.discharge.models import Discharge, DischargeReason, FollowUpContact
from openiop.drugtests.models import (
    Collection,
    Panel,
    PanelAnalyte,
    RandomDraw,
    SpecimenType,
    TestingPolicy,
    TestOrder,
    TestResult,
)
from openiop.notes.models import (
    Delivery,
    GroupNote,
    GroupNoteAttendee,
    NoteStatus,
    ProgressNote,
)
from openiop.participants.models import (
    CareTeamMember,
    ClosureReason,
    Episode,
    EpisodeStatus,
    Participant,
    ReferralSource,
)
from openiop.participants.mrn import luhn_check_digit
from openiop.plans.models import PlanVersion, TreatmentPlan
from openiop.programs.models import (
    LevelOfCare,
    Population,
    Program,
    ProgramMembership,
    ProgramPhase,
    Site,
)
from openiop.scheduling.models import (
    AttendanceRecord,
    GroupEnrollment,
    GroupOffering,
    ParticipantPreferences,
    Room,
    Session,
    SessionAttendee,
    SessionKind,
    SessionSource,
    Track,
    Weekday,
)


class ProgramGenerator(EpisodeRows):
    """Writes the whole program (``run``)."""

    # --- the program ----------------------------------------------------------------------

    def run(self) -> None:
        self.setup()
        self.plan_stays()
        self.write_people()
        self.write_sessions()
        self.write_draws()
        for first in range(0, len(self.stays), CHUNK):
            self.write_chunk(self.stays[first : first + CHUNK])
            if (first // CHUNK) % 8 == 7:
                self.say(f"episodes {first + CHUNK:,} of {len(self.stays):,} written")
        self.sign_group_notes()
        self.say("done")

    def setup(self) -> None:
        now = self.moment(self.start - timedelta(days=120), clock(9))
        self.site = Site.objects.create(
            name=SITE_NAME, time_zone=str(self.zone), created_at=now, updated_at=now
        )
        self.program = Program(
            site=self.site,
            name=PROGRAM_NAME,
            level_of_care=LevelOfCare.IOP,
            population=Population.ADULT,
            created_at=now,
            updated_at=now,
        )
        self.program.save()
        self.phases = [
            ProgramPhase.objects.create(
                program=self.program,
                order=order,
                name=name,
                target_weekly_hours=Decimal(hours),
                typical_weeks=weeks,
                created_at=now,
                updated_at=now,
            )
            for order, (name, hours, weeks) in enumerate(PHASES, start=1)
        ]
        self.director = self.user("director", "Dana Director", "LCSW", now)
        clinicians = max(5, round(25 * self.participant_count / 5000))
        self.clinicians = [
            self.user(f"clinician-{n:03}", f"Clinician {n:03}", "LPC", now)
            for n in range(1, clinicians + 1)
        ]
        groups = {group.name: group for group in Group.objects.all()}
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=self.director.pk, group_id=groups[Role.PROGRAM_DIRECTOR].pk)]
            + [
                through(user_id=user.pk, group_id=groups[Role.CLINICIAN].pk)
                for user in self.clinicians
            ]
        )
        self.write(
            ProgramMembership,
            [
                ProgramMembership(user=user, program=self.program, created_at=now, updated_at=now)
                for user in [self.director, *self.clinicians]
            ],
        )
        self.setup_tracks(now)
        self.setup_tests(now)

    def user(self, slug: str, name: str, credentials: str, now: datetime) -> User:
        user = User(
            public_id=self.uid(),
            email=f"bench-{slug}@example.org",
            full_name=name,
            credentials=credentials,
            date_joined=now,
        )
        user.set_unusable_password()
        user.save()
        return user

    def setup_tracks(self, now: datetime) -> None:
        weekly_admissions = self.episode_estimate() / (52 * self.years)
        mean_stay_weeks = 9
        self.tracks: list[Track] = []
        # (track index, section) -> the section's offerings: its groups of every week
        self.sections: dict[tuple[int, int], list[GroupOffering]] = {}
        self.section_counts: list[int] = []
        offerings, rooms = [], []
        for index, spec in enumerate(TRACKS):
            track = Track.objects.create(
                public_id=self.uid(),
                program=self.program,
                name=spec.name,
                description="{} {:%H:%M}-{:%H:%M}".format(
                    ", ".join(str(Weekday(day).label)[:3] for day in spec.weekdays),
                    spec.slots[0][0],
                    spec.slots[-1][1],
                ),
                created_at=now,
                updated_at=now,
            )
            self.tracks.append(track)
            census = weekly_admissions * mean_stay_weeks * spec.share
            sections = max(1, round(census / GROUP_SIZE))
            self.section_counts.append(sections)
            for section in range(sections):
                room = Room(
                    public_id=self.uid(),
                    site=self.site,
                    code=f"t{index}-s{section}",
                    name=f"{spec.name} room {section + 1}",
                    capacity=GROUP_SIZE + 4,
                    is_virtual=spec.is_virtual,
                    created_at=now,
                    updated_at=now,
                )
                rooms.append(room)
                for weekday in spec.weekdays:
                    for slot, (starts, ends) in enumerate(spec.slots):
                        offering = GroupOffering(
                            public_id=self.uid(),
                            program=self.program,
                            track=track,
                            code=f"t{index}-s{section}-d{weekday}-{slot}",
                            topic=TOPICS[(weekday + slot + section) % len(TOPICS)],
                            weekday=weekday,
                            start_time=starts,
                            end_time=ends,
                            max_size=GROUP_SIZE + 4,
                            is_virtual=spec.is_virtual,
                            created_at=now,
                            updated_at=now,
                        )
                        offering.bench_room = room
                        offering.bench_lead = self.rng.choice(self.clinicians)
                        offerings.append(offering)
                        self.sections.setdefault((index, section), []).append(offering)
        self.write(Room, rooms)
        for offering in offerings:
            offering.room = offering.bench_room
        self.write(GroupOffering, offerings)
        self.offerings = offerings

    def setup_tests(self, now: datetime) -> None:
        self.panel = Panel.objects.create(
            public_id=self.uid(),
            program=self.program,
            name="7-panel urine cup",
            specimen_type=SpecimenType.URINE,
            created_at=now,
            updated_at=now,
        )
        self.write(
            PanelAnalyte,
            [
                PanelAnalyte(
                    panel=self.panel,
                    code=code,
                    name=name,
                    screen_cutoff=Decimal(cutoff),
                    position=position,
                )
                for position, (code, name, cutoff) in enumerate(ANALYTES)
            ],
        )
        TestingPolicy.objects.create(
            program=self.program, admission_panel=self.panel, created_at=now, updated_at=now
        )

    # --- episodes -----------------------------------------------------------------------

    def episode_estimate(self) -> float:
        return self.participant_count * (1 + READMISSION_SHARE)

    def plan_stays(self) -> None:
        days = (self.today - self.start).days
        reasons = list(REASONS)
        weights = [REASONS[reason][0] for reason in reasons]
        self.stays: list[Stay] = []
        for person in range(self.participant_count):
            admitted = self.start + timedelta(days=self.rng.randrange(days))
            while True:
                stay = self.admitted_stay(person, admitted, reasons, weights)
                self.stays.append(stay)
                if stay.discharged_on is None or stay.reason not in (
                    DischargeReason.LEFT,
                    DischargeReason.TRANSFERRED,
                    DischargeReason.OTHER,
                    DischargeReason.TERMINATED,
                ):
                    break
                if self.rng.random() > READMISSION_SHARE / 0.5:
                    break
                admitted = stay.discharged_on + timedelta(days=self.rng.randint(21, 150))
                if admitted >= self.today:
                    break
        never = round(self.participant_count * NEVER_ADMITTED_SHARE)
        for offset in range(never):
            referred = self.start + timedelta(days=self.rng.randrange(days))
            closed = referred + timedelta(days=self.rng.randint(3, 28))
            reason = self.rng.choice(ClosureReason.values)
            if closed >= self.today:
                closed, reason = None, ""  # still being assessed
            self.stays.append(Stay(self.participant_count + offset, referred, None, closed, reason))
        self.people = self.participant_count + never
        self.stays.sort(key=lambda stay: (stay.admitted_on or stay.referred_on, stay.participant))
        self.say(
            f"planned {len(self.stays):,} episodes of {self.people:,} participants "
            f"({sum(stay.admitted_on is not None for stay in self.stays):,} admitted, "
            f"{sum(s.admitted_on is not None and s.discharged_on is None for s in self.stays):,}"
            " still in care)"
        )

    def admitted_stay(self, person: int, admitted: date, reasons, weights) -> Stay:
        rng = self.rng
        reason = rng.choices(reasons, weights)[0]
        _share, shortest, longest = REASONS[reason]
        discharged = admitted + timedelta(days=rng.randint(shortest, longest) - 1)
        completed = reason == DischargeReason.COMPLETED
        stay = Stay(
            participant=person,
            referred_on=admitted - timedelta(days=rng.randint(1, 14)),
            admitted_on=admitted,
            discharged_on=discharged if discharged < self.today else None,
            reason=reason if discharged < self.today else "",
            track=rng.choices(range(len(TRACKS)), [spec.share for spec in TRACKS])[0],
            clinician=min(int(rng.expovariate(1 / 9)), len(self.clinicians) - 1),
            engagement=rng.betavariate(9, 2) if completed else rng.betavariate(5, 3),
            use=0.25 if rng.random() < 0.3 else 0.02,
            phq9=max(3, min(27, round(rng.gauss(14, 5)))),
            gad7=max(3, min(21, round(rng.gauss(12, 4)))),
            improvement=rng.gauss(0.45 if completed else 0.15, 0.2),
        )
        stay.section = rng.randrange(self.section_counts[stay.track])
        return stay

    def census(self, day: date) -> int:
        """Episodes in care on ``day`` (the random draw's eligible participants)."""
        if not hasattr(self, "in_care"):
            change: Counter = Counter()
            for stay in self.stays:
                change[stay.admitted_on] += 1
                change[self.last_day(stay) + timedelta(days=1)] -= 1
            self.in_care, running, current = {}, 0, self.start
            while current <= self.today:
                running += change[current]
                self.in_care[current] = running
                current += timedelta(days=1)
        return self.in_care.get(day, 0)

    def last_day(self, stay: Stay) -> date:
        """The last day with care to record: the discharge day, or yesterday."""
        return stay.discharged_on or self.today - timedelta(days=1)

    def write_people(self) -> None:
        rng, people = self.rng, []
        for index in range(self.people):
            body = f"{10_000_000 + (index * 7919) % 90_000_000}"
            first_stay = self.start - timedelta(days=30)
            people.append(
                Participant(
                    public_id=self.uid(),
                    mrn=body + luhn_check_digit(body),
                    legal_first_name=rng.choice(FIRST_NAMES),
                    legal_last_name=rng.choice(LAST_NAMES),
                    date_of_birth=date(rng.randint(1955, 2006), rng.randint(1, 12), 15),
                    sex_assigned_at_birth=rng.choice(("female", "male")),
                    created_at=self.moment(first_stay, clock(9)),
                    updated_at=self.moment(first_stay, clock(9)),
                )
            )
        self.write(Participant, people)
        episodes = []
        for stay in self.stays:
            created = self.moment(stay.referred_on, clock(10))
            if stay.admitted_on is None:
                status = EpisodeStatus.DISCHARGED if stay.discharged_on else EpisodeStatus.ASSESSING
            else:
                status = EpisodeStatus.DISCHARGED if stay.discharged_on else EpisodeStatus.ACTIVE
            episode = Episode(
                public_id=self.uid(),
                participant=people[stay.participant],
                program=self.program,
                referral_source=self.rng.choice(ReferralSource.values),
                status=status,
                referred_on=stay.referred_on,
                admitted_on=stay.admitted_on,
                discharged_on=stay.discharged_on,
                closure_reason=stay.reason if stay.admitted_on is None else "",
                primary_clinician=self.clinicians[stay.clinician] if stay.admitted_on else None,
                current_phase=self.phase_on(stay, self.last_day(stay))
                if stay.admitted_on
                else None,
                created_at=created,
                updated_at=self.moment(stay.discharged_on or stay.referred_on, clock(16)),
            )
            stay.episode = episode
            episodes.append(episode)
        self.write(Episode, episodes)
        self.stays = [stay for stay in self.stays if stay.admitted_on is not None]
        self.say(f"wrote {len(people):,} participants and {len(episodes):,} episodes")

    def phase_on(self, stay: Stay, day: date) -> ProgramPhase:
        weeks = (day - stay.admitted_on).days // 7
        return self.phases[min(weeks // 4, len(self.phases) - 1)]

    # --- sessions -----------------------------------------------------------------------

    def write_sessions(self) -> None:
        """Every offering's session on each of its days up to a week ahead, and a draft
        group note for each session held (signed once its attendees are written)."""
        self.sessions: dict[tuple[int, date], Session] = {}
        rows = []
        day, last = self.start, self.today + timedelta(days=6)
        by_weekday = defaultdict(list)
        for offering in self.offerings:
            by_weekday[offering.weekday].append(offering)
        while day <= last:
            cancelled_day = (day.month, day.day) in HOLIDAYS
            for offering in by_weekday[day.weekday()]:
                created = self.moment(day - timedelta(days=7), clock(15))
                session = Session(
                    public_id=self.uid(),
                    program=self.program,
                    kind=SessionKind.GROUP,
                    offering=offering,
                    topic=offering.topic,
                    held_on=day,
                    start_time=offering.start_time,
                    end_time=offering.end_time,
                    room=offering.bench_room,
                    lead=offering.bench_lead,
                    is_virtual=offering.is_virtual,
                    is_cancelled=cancelled_day or self.rng.random() < 0.005,
                    source=SessionSource.SCHEDULE,
                    created_at=created,
                    updated_at=created,
                )
                rows.append(session)
                if not session.is_cancelled:
                    self.sessions[(offering.pk, day)] = session
            day += timedelta(days=1)
        self.write(Session, rows)
        notes = []
        for (_offering, day), session in self.sessions.items():
            if day >= self.today:
                continue
            ended = self.moment(day, session.end_time)
            note = GroupNote(
                public_id=self.uid(),
                program=self.program,
                facilitator=session.lead,
                topic=session.get_topic_display(),
                service_on=day,
                start_time=session.start_time,
                end_time=session.end_time,
                delivery=Delivery.TELEHEALTH_VIDEO if session.is_virtual else Delivery.IN_PERSON,
                location=session.room.name,
                status=NoteStatus.DRAFT,
                group_process="The group reviewed the week's skills practice together.",
                created_at=ended,
                updated_at=ended,
            )
            note.bench_signed_at = ended + self.signing_delay(day)
            session.bench_note = note
            notes.append(note)
        self.write(GroupNote, notes)
        self.group_notes = notes
        self.say(f"wrote {len(rows):,} sessions and {len(notes):,} group notes")

    def signing_delay(self, day: date) -> timedelta:
        """How long after the service its note is signed; most within a day."""
        draw = self.rng.random()
        if draw < 0.68:
            return timedelta(minutes=self.rng.randint(20, 20 * 60))
        if draw < 0.88:
            return timedelta(hours=self.rng.uniform(24, 72))
        return timedelta(hours=self.rng.uniform(72, 14 * 24))

    def sign_group_notes(self) -> None:
        now = self.moment(self.today, clock(8))
        signed = []
        for note in self.group_notes:
            if note.bench_signed_at < now and self.rng.random() > 0.01:
                note.status = NoteStatus.SIGNED
                note.signed_by = note.facilitator
                note.signed_at = note.bench_signed_at
                note.updated_at = note.bench_signed_at
                signed.append(note)
        # One UPDATE ... FROM (VALUES ...) per batch (PostgreSQL, and SQLite 3.33 or newer):
        # bulk_update's CASE expressions take minutes for tens of thousands of rows.
        connection = connections[router.db_for_write(GroupNote)]
        adapt = connection.ops.adapt_datetimefield_value
        table = connection.ops.quote_name(GroupNote._meta.db_table)
        for first in range(0, len(signed), 500):
            batch = signed[first : first + 500]
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            parameters = [
                value
                for note in batch
                for value in (note.pk, note.signed_by_id, adapt(note.signed_at))
            ]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET status = 'signed', signed_by_id = v.column2, "  # noqa: S608
                    f"signed_at = v.column3, updated_at = v.column3 "
                    f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1",
                    parameters,
                )
        self.say(f"signed {len(signed):,} of {len(self.group_notes):,} group notes")

    def write_draws(self) -> None:
        """The program's random draw of every weekday (the random tests point at them)."""
        draws, day = [], self.start
        while day < self.today:
            if day.weekday() < 5:
                draws.append(
                    RandomDraw(
                        public_id=self.uid(),
                        program=self.program,
                        drawn_on=day,
                        run_by=self.director,
                        run_at=self.moment(day, clock(7)),
                        eligible_count=self.census(day),
                        probability=Decimal("0.20000"),
                    )
                )
            day += timedelta(days=1)
        self.write(RandomDraw, draws)
        self.draws = {draw.drawn_on: draw for draw in draws}

    # --- one chunk of episodes ----------------------------------------------------------

    def write_chunk(self, stays: list[Stay]) -> None:
        rows: dict[type[models.Model], list] = defaultdict(list)
        for stay in stays:
            self.schedule_rows(stay, rows)
            self.measure_rows(stay, rows)
            self.note_rows(stay, rows)
            self.discharge_rows(stay, rows)
        plans = self.plan_rows(stays)
        orders = self.order_rows(stays)
        for model in (
            CareTeamMember,
            ParticipantPreferences,
            GroupEnrollment,
            SessionAttendee,
            AttendanceRecord,
            GroupNoteAttendee,
            Administration,
            ProgressNote,
        ):
            self.insert(model, rows[model])
        self.write(TreatmentPlan, [plan for plan, _versions in plans])
        versions = []
        for plan, plan_versions in plans:
            for version in plan_versions:
                version.plan = plan
                versions.append(version)
        self.write(PlanVersion, versions)
        self.write(TestOrder, [order for order, _collection, _results in orders])
        collections, results = [], []
        for order, collection, _results in orders:
            if collection is not None:
                collection.order = order
                collections.append(collection)
        self.write(Collection, collections)
        for _order, collection, collection_results in orders:
            for result in collection_results:
                result.collection_id = collection.pk
                results.append(result)
        self.insert(TestResult, results)
        discharges = rows[Discharge]
        self.write(Discharge, discharges)
        contacts = []
        for discharge in discharges:
            for contact in discharge.bench_contacts:
                contact.discharge = discharge
                contacts.append(contact)
        self.insert(FollowUpContact, contacts)
