"""Who may open which session's roster. Participant scope stays in participants/access.py.

A roster names every attendee, so it is open to the session's lead and to roles that see
every participant of the program (director, front desk), in programs the user works in. A
session's time, room and size (no names) are program information every member may see on
the week views. Anything else answers 404 with an audited denial, like a record that does
not exist.
"""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from openiop.audit.models import AuditAction, AuditOutcome
from openiop.audit.services import audit_record
from openiop.scheduling.models import Session


def sessions_in_my_programs(user) -> QuerySet[Session]:
    if not user.is_authenticated:
        return Session.objects.none()
    return Session.objects.filter(program__memberships__user=user)


def rosters_visible_to(user) -> QuerySet[Session]:
    """Sessions whose roster (with names) the user may open."""
    sessions = sessions_in_my_programs(user)
    if user.has_perm("participants.view_program_participants"):
        return sessions
    return sessions.filter(Q(lead=user))


def access_session_roster(user, public_id: UUID | str) -> Session:
    """The session, if ``user`` may open its roster; otherwise 404 and an audited denial.

    The caller audits the participants the roster shows (audit_record_listing)."""
    session = (
        rosters_visible_to(user)
        .filter(public_id=public_id)
        .select_related("program", "room", "lead", "offering")
        .first()
    )
    if session is None:
        audit_record(
            actor=user,
            action=AuditAction.ACCESS_DENIED,
            outcome=AuditOutcome.DENIED,
            target_id=str(public_id),
            details={"object": "scheduling.session"},
        )
        raise Http404
    return session
