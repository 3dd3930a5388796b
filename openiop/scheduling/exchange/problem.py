"""The ``openiop-week/1`` problem a program's week holds, and reading the week back."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from openiop.participants.models import Episode, EpisodeStatus
from openiop.programs.models import Program
from openiop.scheduling import rules
from openiop.scheduling.exchange.common import (
    PROBLEM_FORMAT,
    check_monday,
    hhmm,
    window,
)
from openiop.scheduling.models import (
    AttendanceRecord,
    ClinicianSchedule,
    ClinicianTimeOff,
    GroupEnrollment,
    GroupOffering,
    ParticipantPreferences,
    Room,
    Session,
    SessionAttendee,
    SessionKind,
    SessionSource,
)
from openiop.scheduling.selectors import episode_targets, last_individual_dates

# ----------------------------------------------------------------------------- the problem


def problem_for_week(program: Program, week_of: date, *, today: date | None = None) -> dict:
    """The ``openiop-week/1`` problem of ``program``'s week starting on Monday ``week_of``.

    Pinned sessions (see ``pinned_for_week``) ride along under the ``pinned`` key, an OpenIOP
    extension the solver reads, when there are any.
    """
    check_monday(week_of)
    today = today or timezone.localdate()
    clinicians = _clinicians(program, week_of)
    clinician_ids = {c["id"] for c in clinicians}
    problem = {
        "format": PROBLEM_FORMAT,
        "week_of": week_of.isoformat(),
        "rooms": _rooms(program),
        "clinicians": clinicians,
        "offerings": _offerings(program),
        "participants": _participants(program, week_of, today, clinician_ids),
    }
    pinned = _valid_pins(problem, pinned_for_week(program, week_of))
    if pinned:
        problem["pinned"] = pinned
    return problem


def _rooms(program: Program) -> list[dict]:
    rooms = Room.objects.filter(site=program.site_id, is_active=True).order_by("code")
    return [
        {"id": r.code, "capacity": r.capacity, "uses": r.uses, "virtual": r.is_virtual}
        for r in rooms
    ]


def _clinicians(program: Program, week_of: date) -> list[dict]:
    week_end = week_of + timedelta(days=6)
    schedules = (
        ClinicianSchedule.objects.filter(
            program=program, user__is_active=True, user__program_memberships__program=program
        )
        .select_related("user")
        .prefetch_related("availability")
        .order_by("user__public_id")
    )
    away: dict[int, set[int]] = defaultdict(set)
    for off in ClinicianTimeOff.objects.filter(starts_on__lte=week_end, ends_on__gte=week_of):
        for offset in range(7):
            if off.starts_on <= week_of + timedelta(days=offset) <= off.ends_on:
                away[off.user_id].add(offset)
    return [
        {
            "id": str(s.user.public_id),
            "max_minutes": s.max_minutes_per_week,
            "leads": sorted(s.leads),
            "available": [
                window(w) for w in s.availability.all() if w.weekday not in away[s.user_id]
            ],
        }
        for s in schedules
    ]


def _offerings(program: Program) -> list[dict]:
    offerings = GroupOffering.objects.filter(
        program=program, is_active=True, track__is_active=True
    ).order_by("weekday", "start_time", "code")
    return [
        {
            "id": o.code,
            "topic": o.topic,
            **window(o),
            "min_size": o.min_size,
            "max_size": o.max_size,
            "virtual": o.is_virtual,
        }
        for o in offerings
    ]


def scheduled_episodes(program: Program, week_of: date):
    """Episodes a week is scheduled for: active and admitted by the week's end."""
    return Episode.objects.filter(
        program=program,
        status=EpisodeStatus.ACTIVE,
        admitted_on__lte=week_of + timedelta(days=6),
    )


def _participants(program, week_of, today, clinician_ids) -> list[dict]:
    episodes = list(
        scheduled_episodes(program, week_of)
        .select_related("primary_clinician", "current_phase", "schedule_preferences")
        .prefetch_related("unavailability", "family_availability")
        .order_by("public_id")
    )
    targets = episode_targets(program, episodes, [week_of], today=today)
    last_individual = last_individual_dates(episodes, before=week_of)
    previous = _previous_offerings(episodes, week_of)
    preferred = _preferred_offerings(program, episodes, week_of)
    rows = []
    for episode in episodes:
        prefs = _preferences(episode)
        therapist = episode.primary_clinician and str(episode.primary_clinician.public_id)
        due = rules.individual_due(
            last_individual_on=last_individual.get(episode.pk),
            week_of=week_of,
            every_weeks=prefs.individual_every_weeks,
        )
        rows.append(
            {
                "id": str(episode.public_id),
                "target_minutes": targets[episode.pk][week_of],
                "max_minutes": rules.hours_to_minutes(program.maximum_weekly_hours),
                "min_days": program.minimum_days_per_week,
                "therapist": therapist if therapist in clinician_ids else None,
                "individual_minutes": prefs.individual_minutes if due else 0,
                "virtual_ok": prefs.is_virtual_ok,
                "unavailable": _before_admission(episode, week_of)
                + [window(w, reason=w.kind) for w in episode.unavailability.all()],
                "family": _family(episode, prefs),
                "previous": previous.get(episode.pk, []),
                "preferred": preferred.get(episode.pk, []),
            }
        )
    return rows


def _before_admission(episode: Episode, week_of: date) -> list[dict]:
    """Whole days of the admission week before the admission day."""
    return [
        {"day": rules.DAYS[offset], "from": "00:00", "to": "24:00", "reason": "not_admitted"}
        for offset in range(7)
        if week_of + timedelta(days=offset) < episode.admitted_on
    ]


def _preferences(episode: Episode) -> ParticipantPreferences:
    try:
        return episode.schedule_preferences
    except ParticipantPreferences.DoesNotExist:
        return ParticipantPreferences(episode=episode)


def _family(episode: Episode, prefs: ParticipantPreferences) -> dict | None:
    if not prefs.family_minutes:
        return None
    return {
        "minutes": prefs.family_minutes,
        "available": [window(w) for w in episode.family_availability.all()],
    }


def _previous_offerings(episodes, week_of: date) -> dict[int, list[str]]:
    """Offerings each participant attended last week; where nothing was recorded for them
    last week, the groups they were scheduled in."""
    last_week = (week_of - timedelta(days=7), week_of - timedelta(days=1))
    places = SessionAttendee.objects.filter(
        episode__in=episodes,
        session__held_on__range=last_week,
        session__is_cancelled=False,
        session__offering__isnull=False,
    ).values_list("episode_id", "session__offering__code", "session_id")
    records = {
        (episode_id, session_id): status
        for episode_id, session_id, status in AttendanceRecord.objects.filter(
            episode__in=episodes, session__held_on__range=last_week
        ).values_list("episode_id", "session_id", "status")
    }
    recorded = {episode_id for episode_id, _session in records}
    previous: dict[int, set[str]] = defaultdict(set)
    for episode_id, code, session_id in places:
        status = records.get((episode_id, session_id))
        if episode_id not in recorded or status in rules.ATTENDED_STATUSES:
            previous[episode_id].add(code)
    return {episode_id: sorted(codes) for episode_id, codes in previous.items()}


def _preferred_offerings(program, episodes, week_of: date) -> dict[int, list[str]]:
    """Groups a participant is enrolled in this week, and their preferred track's groups."""
    week_end = week_of + timedelta(days=6)
    preferred: dict[int, set[str]] = defaultdict(set)
    enrolled = GroupEnrollment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=week_of),
        episode__in=episodes,
        starts_on__lte=week_end,
        offering__is_active=True,
    ).values_list("episode_id", "offering__code")
    for episode_id, code in enrolled:
        preferred[episode_id].add(code)
    by_track: dict[int, list[str]] = defaultdict(list)
    for track_id, code in GroupOffering.objects.filter(program=program, is_active=True).values_list(
        "track_id", "code"
    ):
        by_track[track_id].append(code)
    for episode in episodes:
        track_id = _preferences(episode).preferred_track_id
        if track_id:
            preferred[episode.pk].update(by_track.get(track_id, []))
    return {episode_id: sorted(codes) for episode_id, codes in preferred.items()}


# ----------------------------------------------------------------------------- reading back


def _week_sessions(program: Program, week_of: date):
    return (
        Session.objects.filter(
            program=program,
            held_on__range=(week_of, week_of + timedelta(days=6)),
            is_cancelled=False,
        )
        .select_related("offering", "room", "lead")
        .prefetch_related(
            Prefetch("attendees", queryset=SessionAttendee.objects.select_related("episode"))
        )
        .order_by("held_on", "start_time", "id")
    )


def session_json(session: Session, episodes: list[Episode]) -> dict | None:
    """One session in schedule format, with ``episodes`` as its participants; None when the
    format cannot say it (a one-off group has no offering; a session without room or lead)."""
    if session.room is None or session.lead is None:
        return None
    ids = sorted(str(e.public_id) for e in episodes)
    if session.kind == SessionKind.GROUP:
        if session.offering is None:
            return None
        return {
            "kind": "group",
            "offering": session.offering.code,
            "room": session.room.code,
            "lead": str(session.lead.public_id),
            "participants": ids,
        }
    if len(ids) != 1:
        return None
    return {
        "kind": session.kind,
        "participant": ids[0],
        "clinician": str(session.lead.public_id),
        "room": session.room.code,
        "day": rules.DAYS[session.held_on.weekday()],
        "from": hhmm(session.start_time),
        "to": hhmm(session.end_time),
    }


def sessions_for_week(program: Program, week_of: date) -> list[dict]:
    """The week's sessions in schedule format (those the format can say), in a stable order."""
    check_monday(week_of)
    found = []
    for session in _week_sessions(program, week_of):
        item = session_json(session, [a.episode for a in session.attendees.all()])
        if item is not None:
            found.append(item)
    return sorted(found, key=session_sort_key)


def session_sort_key(item: dict) -> tuple:
    if item["kind"] == "group":
        return ("group", item["offering"])
    return (item["kind"], item["participant"], item["day"], item["from"])


def pinned_for_week(program: Program, week_of: date) -> list[dict]:
    """What a re-solve must keep, in schedule format: every place in a session whose
    attendance is recorded or that staff added by hand, and the places staff pinned."""
    check_monday(week_of)
    recorded = set(
        Session.objects.filter(
            program=program, held_on__range=(week_of, week_of + timedelta(days=6))
        )
        .filter(attendance__isnull=False)
        .values_list("pk", flat=True)
    )
    pins = []
    for session in _week_sessions(program, week_of):
        fixed = session.pk in recorded or session.source == SessionSource.MANUAL
        places = [a.episode for a in session.attendees.all() if fixed or a.is_locked]
        item = session_json(session, places) if places else None
        if item is not None:
            pins.append(item)
    return sorted(pins, key=session_sort_key)


def _valid_pins(problem: dict, pins: list[dict]) -> list[dict]:
    """Pins whose room, offering and clinician are in the problem, with only the problem's
    participants (someone discharged since is left out)."""
    ids = {key: {item["id"] for item in problem[key]} for key in ("rooms", "clinicians")}
    offerings = {item["id"] for item in problem["offerings"]}
    people = {item["id"] for item in problem["participants"]}
    valid = []
    for pin in pins:
        clinician = pin.get("lead") or pin.get("clinician")
        if pin["room"] not in ids["rooms"] or clinician not in ids["clinicians"]:
            continue
        if pin["kind"] == "group":
            members = [p for p in pin["participants"] if p in people]
            if pin["offering"] in offerings and members:
                valid.append({**pin, "participants": members})
        elif pin["participant"] in people:
            valid.append(pin)
    return valid
