"""iCalendar (RFC 5545) feeds, written by hand: VEVENTs in UTC, escaped and folded.

A clinician's feed holds the sessions they lead (topic or kind, and room: never a
participant's name). A participant's feed holds their appointments with times and rooms
only: no topic, no program, no clinician, nothing clinical.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from openiop.participants.models import EpisodeStatus
from openiop.scheduling.models import CalendarFeed, Session

PAST_DAYS = 28
FUTURE_DAYS = 84


def feed_is_live(feed: CalendarFeed) -> bool:
    if feed.user is not None:
        return feed.user.is_active
    return feed.episode.status in (EpisodeStatus.ACTIVE, EpisodeStatus.ON_HOLD)


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(day: date, moment, zone: ZoneInfo) -> str:
    local = datetime.combine(day, moment, tzinfo=zone)
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(session: Session, summary: str, location: str, stamp: str) -> list[str]:
    zone = ZoneInfo(session.program.site.time_zone)
    return [
        "BEGIN:VEVENT",
        f"UID:{session.public_id}@openiop",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(session.held_on, session.start_time, zone)}",
        f"DTEND:{_utc(session.held_on, session.end_time, zone)}",
        f"SUMMARY:{escape(summary)}",
        *([f"LOCATION:{escape(location)}"] if location else []),
        f"STATUS:{'CANCELLED' if session.is_cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def _location(session: Session) -> str:
    if session.is_virtual:
        return _("Video")
    return session.room.name if session.room else ""


def feed_sessions(feed: CalendarFeed, today: date):
    window = (today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS))
    sessions = Session.objects.filter(held_on__range=window).select_related("room", "program__site")
    if feed.user is not None:
        return sessions.filter(lead=feed.user, program__memberships__user=feed.user)
    return sessions.filter(attendees__episode=feed.episode)


def feed_text(feed: CalendarFeed, *, today: date, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//OpenIOP//Schedule//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(_('OpenIOP sessions') if feed.user else _('Appointments'))}",
    ]
    for session in feed_sessions(feed, today).order_by("held_on", "start_time"):
        if feed.user is not None:
            summary = session.title
        else:
            summary = _("Video appointment") if session.is_virtual else _("Appointment")
        lines.extend(_event(session, summary, _location(session), stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
