"""Demo scheduling: rooms, tracks and their groups, staff hours, participants' scheduling
needs, and fourteen weeks of sessions (twelve past weeks with attendance, so the reports'
twelve-week range has figures in every week; this week; next week).

Each week is built as an ``openiop-schedule/1`` document from a simple deterministic plan
(participants in their preferred track's groups, a weekly individual session, a family
session where wanted) and saved through ``exchange.schedule_save``, the path the web builder
and the solver take; attendance goes through ``services.attendance_record``. One evening
participant missed their last sessions unexcused, so an outreach task is open. Objects are
found by natural keys (room and group codes, track names, the week) before being created, and
every random draw is made whether or not its object exists: a second run changes nothing.

Participants discharged since were in their track's groups while in care (admission to
discharge), so the reports' earlier weeks have their hours too. A week schedule is saved for
active episodes only, so their places are planned with everyone else's and then added to the
saved group sessions as an import from another system would; their attendance goes through
the service like everyone's (an absence of theirs is excused: no outreach is opened for
someone already discharged).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import time, timedelta
from typing import TYPE_CHECKING

from openiop.accounts.roles import Role
from openiop.participants.models import Episode
from openiop.programs.models import Population
from openiop.scheduling import exchange, rules, services
from openiop.scheduling.models import (
    ClinicianAvailability,
    ClinicianSchedule,
    ClinicianTimeOff,
    FamilyAvailability,
    GroupOffering,
    ParticipantPreferences,
    ParticipantUnavailability,
    Room,
    Session,
    SessionAttendee,
    Track,
    WeekSchedule,
)

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

PAST_WEEKS = 12
ROOMS = (
    # code, name, capacity, group, individual, family, virtual
    ("group-a", "Group room A", 12, True, False, False, False),
    ("group-b", "Group room B", 10, True, False, False, False),
    ("office-1", "Office 1", 4, False, True, True, False),
    ("office-2", "Office 2", 4, False, True, True, False),
    ("office-3", "Office 3", 4, False, True, True, False),
    ("video-1", "Video room", 15, True, True, True, True),
)
ROOM_CAPACITY = {code: capacity for code, _name, capacity, *_uses in ROOMS}
# Who leads what, and their hours (weekday, from, to); the same people work in both programs.
STAFF = {
    "Samuel Okafor": (
        ["process", "relapse_prevention", "skills", "life_skills", "family", "individual"],
        [(d, 8, 30, 17, 0) for d in range(5)] + [(5, 8, 30, 13, 30)],
        "office-1",
    ),
    "Priya Natarajan": (
        ["psychoeducation", "skills", "family", "holistic", "process", "individual"],
        [(d, 12, 0, 21, 0) for d in range(5)],
        "office-2",
    ),
    "Jordan Blake": (
        ["process", "psychoeducation", "relapse_prevention", "life_skills", "individual"],
        [(d, 8, 30, 21, 0) for d in range(5)],
        "office-3",
    ),
    "Elena Marquez": (["family", "holistic"], [(5, 8, 30, 13, 30)], "office-1"),
}


LEADS = {
    "okafor": "Samuel Okafor",
    "natarajan": "Priya Natarajan",
    "blake": "Jordan Blake",
    "marquez": "Elena Marquez",
}


@dataclass(frozen=True)
class DemoGroup:
    code: str
    topic: str
    weekday: int
    hours: str  # "09:00-12:00"
    lead: str  # a key of LEADS
    room: str
    virtual: bool = False

    @property
    def times(self) -> tuple[time, time]:
        start, end = self.hours.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)


G = DemoGroup
TRACKS: dict[str, tuple[tuple[str, str, tuple[DemoGroup, ...]], ...]] = {
    Population.ADULT: (
        ("Morning", "Mon-Fri 9:00-12:00", (
            G("am-mon-process", "process", 0, "09:00-12:00", "okafor", "group-a"),
            G("am-tue-psychoed", "psychoeducation", 1, "09:00-12:00", "blake", "group-a"),
            G("am-wed-skills", "skills", 2, "09:00-12:00", "okafor", "group-a"),
            G("am-thu-relapse", "relapse_prevention", 3, "09:00-12:00", "blake", "group-a"),
            G("am-fri-life", "life_skills", 4, "09:00-12:00", "okafor", "group-a"),
        )),
        ("Evening", "Mon, Tue, Thu 18:00-21:00", (
            G("pm-mon-process", "process", 0, "18:00-21:00", "natarajan", "group-b"),
            G("pm-tue-skills", "skills", 1, "18:00-21:00", "natarajan", "group-b"),
            G("pm-thu-relapse", "relapse_prevention", 3, "18:00-21:00", "blake", "group-b"),
        )),
        ("Weekend", "Sat 9:00-13:00", (
            G("sat-mindful", "holistic", 5, "09:00-11:00", "marquez", "group-a"),
            G("sat-family", "family", 5, "11:00-13:00", "okafor", "group-a"),
        )),
    ),
    Population.ADOLESCENT: (
        ("After school", "Mon, Wed, Thu 16:00-19:00", (
            G("teen-mon-process", "process", 0, "16:00-19:00", "blake", "group-a"),
            G("teen-wed-skills", "skills", 2, "16:00-19:00", "natarajan", "group-a"),
            G("teen-thu-psychoed", "psychoeducation", 3, "16:00-19:00", "blake", "group-a"),
        )),
        ("Family night", "Tue 18:00-19:30 by video", (
            G("teen-tue-family", "family", 1, "18:00-19:30", "natarajan", "video-1", True),
        )),
    ),
}  # fmt: skip
# Times tried for individual and family sessions, in order: (weekday, hour).
PAIR_SLOTS = [(2, h) for h in (13, 14, 15)] + [(4, h) for h in (13, 14, 15, 16)] + [
    (0, 17), (1, 17), (3, 17), (1, 16), (4, 17), (2, 17),
]  # fmt: skip
FAMILY_SLOTS = [(2, 18), (2, 19)]  # inside the families' window (Wednesday 18:00-20:00)


def _t(hour: int, minute: int = 0) -> time:
    return time(hour, minute)


# ----------------------------------------------------------------------------- setup


def _rooms(site) -> dict[str, Room]:
    rooms = {}
    for code, name, capacity, group, individual, family, virtual in ROOMS:
        rooms[code], _new = Room.objects.get_or_create(
            site=site,
            code=code,
            defaults={
                "name": name,
                "capacity": capacity,
                "for_group": group,
                "for_individual": individual,
                "for_family": family,
                "is_virtual": virtual,
            },
        )
    return rooms


def _tracks(program, population) -> dict[str, tuple[Track, list[GroupOffering]]]:
    tracks = {}
    for name, description, groups in TRACKS[population]:
        track, _new = Track.objects.get_or_create(
            program=program, name=name, defaults={"description": description}
        )
        offerings = []
        for group in groups:
            offering, _new = GroupOffering.objects.get_or_create(
                program=program,
                code=group.code,
                defaults={
                    "track": track,
                    "topic": group.topic,
                    "weekday": group.weekday,
                    "start_time": group.times[0],
                    "end_time": group.times[1],
                    "min_size": 2,
                    "max_size": 12,
                    "is_virtual": group.virtual,
                },
            )
            offerings.append(offering)
        tracks[name] = (track, offerings)
    return tracks


def _staff_hours(program, staff_by_name) -> None:
    for name, (leads, hours, _office) in STAFF.items():
        user = staff_by_name.get(name)
        if user is None:
            continue
        schedule, created = ClinicianSchedule.objects.get_or_create(
            user=user, program=program, defaults={"leads": leads, "max_minutes_per_week": 2100}
        )
        if created:
            ClinicianAvailability.objects.bulk_create(
                ClinicianAvailability(
                    schedule=schedule,
                    weekday=day,
                    start_time=_t(h1, m1),
                    end_time=_t(h2, m2),
                )
                for day, h1, m1, h2, m2 in hours
            )


def _preferences(episodes, tracks, population, rng: random.Random) -> None:
    """Scheduling needs for each active episode (drawn for all, written for new ones)."""
    for index, episode in enumerate(episodes):
        if population == Population.ADOLESCENT:
            track_name = "After school"
        else:
            track_name = ("Morning", "Evening", "Evening", "Morning", "Weekend")[index % 5]
        virtual_ok = rng.random() < 0.5
        family = rng.random() < 0.25
        works_days = track_name in ("Evening", "Weekend")
        override = index == 4 and population == Population.ADULT
        if ParticipantPreferences.objects.filter(episode=episode).exists():
            continue
        ParticipantPreferences.objects.create(
            episode=episode,
            preferred_track=tracks[track_name][0],
            is_virtual_ok=virtual_ok or population == Population.ADOLESCENT,
            family_minutes=60 if family else 0,
            target_minutes_override=300 if override else None,
            target_override_reason="Works rotating nights: fewer hours agreed" if override else "",
        )
        if works_days or population == Population.ADOLESCENT:
            kind = "school" if population == Population.ADOLESCENT else "work"
            end = _t(15) if population == Population.ADOLESCENT else _t(17)
            ParticipantUnavailability.objects.bulk_create(
                ParticipantUnavailability(
                    episode=episode, weekday=day, start_time=_t(8), end_time=end, kind=kind
                )
                for day in range(5)
            )
        if family:
            FamilyAvailability.objects.create(
                episode=episode, weekday=2, start_time=_t(18), end_time=_t(20)
            )


# ----------------------------------------------------------------------------- a week's plan


class _Busy:
    """Who is booked when, for the plan (minutes of the week)."""

    def __init__(self):
        self.spans: dict[object, list[tuple[int, int]]] = {}

    def free(self, who, start: int, end: int) -> bool:
        return all(end <= s or e <= start for s, e in self.spans.get(who, []))

    def book(self, who, start: int, end: int) -> None:
        self.spans.setdefault(who, []).append((start, end))


def _minutes(day: int, moment: time) -> int:
    return day * 1440 + moment.hour * 60 + moment.minute


def _week_document(program, week_of, episodes, offerings, staff_by_name) -> dict:
    busy = _Busy()
    for window in ParticipantUnavailability.objects.filter(episode__in=episodes):
        busy.book(window.episode_id, _minutes(window.weekday, window.start_time),
                  _minutes(window.weekday, window.end_time))  # fmt: skip
    sessions = _group_sessions(week_of, episodes, offerings, staff_by_name, busy)
    for episode in episodes:
        prefs = episode.schedule_preferences
        pair = _pair_session(week_of, episode, "individual", 60, PAIR_SLOTS, busy)
        if pair:
            sessions.append(pair)
        if prefs.family_minutes:
            family = _pair_session(week_of, episode, "family", 60, FAMILY_SLOTS, busy)
            if family:
                sessions.append(family)
    return {"format": exchange.SCHEDULE_FORMAT, "status": "feasible", "sessions": sessions}


def _group_sessions(week_of, episodes, offerings, staff_by_name, busy) -> list[dict]:
    leads = {g.code: g for groups in TRACKS.values() for _n, _d, gs in groups for g in gs}
    sessions = []
    for offering in offerings:
        day = week_of + timedelta(days=offering.weekday)
        start, end = (
            _minutes(offering.weekday, t) for t in (offering.start_time, offering.end_time)
        )
        members = [
            e
            for e in episodes
            if _joins(e.schedule_preferences, offering)
            and _in_care(e, day)
            and busy.free(e.pk, start, end)
        ][: min(offering.max_size, ROOM_CAPACITY[leads[offering.code].room])]
        lead = staff_by_name[LEADS[leads[offering.code].lead]]
        if len(members) < offering.min_size:
            continue
        for member in members:
            busy.book(member.pk, start, end)
        busy.book(lead.pk, start, end)
        sessions.append(
            {
                "kind": "group",
                "offering": offering.code,
                "room": leads[offering.code].room,
                "lead": str(lead.public_id),
                "participants": sorted(str(e.public_id) for e in members),
            }
        )
    return sessions


def _in_care(episode: Episode, day) -> bool:
    return episode.admitted_on <= day and (
        episode.discharged_on is None or day <= episode.discharged_on
    )


def _joins(prefs: ParticipantPreferences, offering: GroupOffering) -> bool:
    """Their preferred track's groups, and family workshops when a family session is wanted."""
    wants_family = offering.topic == "family" and prefs.family_minutes > 0
    return prefs.preferred_track_id == offering.track_id or wants_family


def _pair_session(week_of, episode, kind, length, slots, busy) -> dict | None:
    therapist = episode.primary_clinician
    if therapist is None or therapist.full_name not in STAFF:
        return None
    _leads, hours, office = STAFF[therapist.full_name]
    for weekday, hour in slots:
        if not _in_care(episode, week_of + timedelta(days=weekday)):
            continue
        start, end = weekday * 1440 + hour * 60, weekday * 1440 + hour * 60 + length
        works = any(
            d == weekday and h1 * 60 + m1 <= hour * 60 and hour * 60 + length <= h2 * 60 + m2
            for d, h1, m1, h2, m2 in hours
        )
        if works and busy.free(episode.pk, start, end) and busy.free(therapist.pk, start, end):
            busy.book(episode.pk, start, end)
            busy.book(therapist.pk, start, end)
            return {
                "kind": kind,
                "participant": str(episode.public_id),
                "clinician": str(therapist.public_id),
                "room": office,
                "day": rules.DAYS[weekday],
                "from": f"{hour:02d}:00",
                "to": f"{hour + length // 60:02d}:{length % 60:02d}",
            }
    return None


# ----------------------------------------------------------------------------- attendance


def _draw(rng: random.Random, session: Session) -> tuple[str, int | None]:
    roll = rng.random()
    length = session.minutes
    if roll < 0.78:
        return ("video" if session.is_virtual else "present"), None
    if roll < 0.86:
        return "late", length - min(rng.choice((10, 15, 20, 30)), length // 3)
    if roll < 0.91:
        return "left_early", length - min(rng.choice((30, 45, 60)), length // 2)
    if roll < 0.96:
        return "absent_excused", 0
    return "absent_unexcused", 0


def _attendance(program, week_of, today, rng: random.Random, missing: Episode | None) -> int:
    recorded = 0
    sessions = (
        Session.objects.filter(
            program=program, held_on__range=(week_of, week_of + timedelta(days=6))
        )
        .select_related("lead", "offering")
        .prefetch_related("attendees__episode__participant", "attendance")
        .order_by("held_on", "start_time", "kind", "offering__code", "id")
    )
    for session in sessions:
        places = sorted(session.attendees.all(), key=lambda a: a.participant.mrn)
        draws = [_draw(rng, session) for _place in places]
        if session.held_on >= today or session.attendance.all():
            continue
        entries = []
        for place, (status, minutes) in zip(places, draws, strict=True):
            if (
                missing is not None
                and place.episode_id == missing.pk
                and (today - session.held_on).days <= 8
            ):
                status, minutes = "absent_unexcused", 0
            elif status == "absent_unexcused" and place.episode.discharged_on is not None:
                status = "absent_excused"
            entries.append(services.AttendanceEntry(place.episode, status, minutes))
        services.attendance_record(session=session, entries=entries, actor=session.lead)
        recorded += len(entries)
    return recorded


# ----------------------------------------------------------------------------- load


def load(context: DemoContext) -> None:
    staff = context.data["staff"]
    staff_by_name = {user.full_name: user for users in staff.values() for user in users}
    director = staff[Role.PROGRAM_DIRECTOR][0]
    _rooms(context.data["site"])
    this_week = rules.week_start(context.today)
    weeks = [this_week + timedelta(weeks=n) for n in range(-PAST_WEEKS, 2)]
    saved = recorded = 0
    for population, program in context.data["programs"].items():
        tracks = _tracks(program, population)
        _staff_hours(program, staff_by_name)
        active = list(
            Episode.objects.filter(program=program, status="active")
            .select_related("participant", "primary_clinician")
            .order_by("participant__mrn")
        )
        former = list(  # discharged since, in care during the weeks built here
            Episode.objects.filter(
                program=program,
                status="discharged",
                admitted_on__isnull=False,
                discharged_on__gte=weeks[0],
            )
            .select_related("participant", "primary_clinician")
            .order_by("participant__mrn", "admitted_on")
        )
        _preferences(
            active + former, tracks, population, context.random_for(f"scheduling:{program.name}")
        )
        offerings = [o for _track, offers in tracks.values() for o in offers]
        missing = next(
            (e for e in active if e.schedule_preferences.preferred_track.name == "Evening"), None
        )
        for week_of in weeks:
            rng = context.random_for(f"scheduling:{program.name}:{week_of.isoformat()}")
            if not WeekSchedule.objects.filter(program=program, week_of=week_of).exists():
                week_end = week_of + timedelta(days=6)
                episodes = [
                    e
                    for e in _refresh(active + former)
                    if e.admitted_on <= week_end
                    and (e.discharged_on is None or week_of <= e.discharged_on)
                ]
                document = _week_document(program, week_of, episodes, offerings, staff_by_name)
                places, groups = _set_aside_former(document, episodes)
                exchange.schedule_save(
                    program=program, week_of=week_of, schedule=document, actor=director
                )
                _add_former_places(program, week_of, places, groups, offerings, staff_by_name)
                saved += 1
            recorded += _attendance(program, week_of, context.today, rng, missing)
    _time_off(staff_by_name, this_week)
    context.log(
        f"Scheduling: rooms, tracks, groups and staff hours; {saved} week schedules saved, "
        f"{recorded} attendance rows recorded."
    )


def _time_off(staff_by_name, this_week) -> None:
    """A Saturday off for the weekend lead three weeks ahead (after the weeks built here), so
    the staff hours page and the next builds show it."""
    user = staff_by_name.get("Elena Marquez")
    if user is not None:
        day = this_week + timedelta(weeks=3, days=5)
        ClinicianTimeOff.objects.get_or_create(
            user=user, starts_on=day, defaults={"ends_on": day, "reason": "training"}
        )


def _set_aside_former(document: dict, episodes: list[Episode]) -> tuple[list, list]:
    """Take the discharged-since episodes out of the week's document (it is saved for active
    episodes only). Returns their places in groups that still meet the minimum size with the
    active members, as (offering code, episode), and the groups that do not, taken out whole
    (the session and every member). Their individual and family sessions are left out: the
    reports count their group hours."""
    former = {str(e.public_id) for e in episodes if e.status != "active"}
    by_id = {str(e.public_id): e for e in episodes}
    places, groups, kept = [], [], []
    for session in document["sessions"]:
        if session["kind"] != "group":
            if session["participant"] not in former:
                kept.append(session)
            continue
        members = session["participants"]
        active = [p for p in members if p not in former]
        if len(active) == len(members):
            kept.append(session)
        elif len(active) >= 2:  # the groups' minimum size (see _tracks)
            places += [(session["offering"], by_id[p]) for p in members if p in former]
            kept.append({**session, "participants": active})
        else:
            groups.append((session, [by_id[p] for p in members]))
    document["sessions"] = kept
    return places, groups


def _add_former_places(program, week_of, places, groups, offerings, staff_by_name) -> None:
    """Write what _set_aside_former took out, as an import would: places on the saved groups,
    and the smaller groups as sessions of the week's schedule."""
    saved = WeekSchedule.objects.get(program=program, week_of=week_of)
    sessions = {
        session.offering.code: session
        for session in Session.objects.filter(week_schedule=saved, kind="group").select_related(
            "offering"
        )
    }
    offering_by_code = {offering.code: offering for offering in offerings}
    rooms = {room.code: room for room in Room.objects.filter(site=program.site_id)}
    leads = {str(user.public_id): user for user in staff_by_name.values()}
    for planned, members in groups:
        offering = offering_by_code[planned["offering"]]
        room = rooms[planned["room"]]
        session = Session(
            program=program,
            kind="group",
            offering=offering,
            topic=offering.topic,
            held_on=week_of + timedelta(days=offering.weekday),
            start_time=offering.start_time,
            end_time=offering.end_time,
            room=room,
            lead=leads[planned["lead"]],
            is_virtual=room.is_virtual,
            source="schedule",
            week_schedule=saved,
        )
        session.full_clean()
        session.save()
        sessions[offering.code] = session
        places += [(offering.code, episode) for episode in members]
    SessionAttendee.objects.bulk_create(
        SessionAttendee(
            session=sessions[code],
            episode=episode,
            participant_id=episode.participant_id,
            source="schedule",
        )
        for code, episode in places
    )


def _refresh(episodes: list[Episode]) -> list[Episode]:
    """The episodes with their scheduling preferences loaded (one query)."""
    return list(
        Episode.objects.filter(pk__in=[e.pk for e in episodes])
        .select_related("participant", "primary_clinician", "schedule_preferences")
        .order_by("participant__mrn")
    )
