"""Who may open which session's roster. Participant scope stays in participants/access.py.

A roster names every attendee, so it is open to the session's lead and to roles that see
every participant of the program (director, front desk), in programs the user works in. A
session's time, room and size (no names) are program information every member may see on
the week views. Anything else answers 404 with an audited denial, like a record that does
not exist.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from openiop.audit.models import AuditAction, AuditOutcome
from openiop.audit.services import audit_record
from openiop.scheduling.models import Room, Session


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


# ----------------------------------------------------------------------------- setup

# A program's scheduling setup (tracks, groups, rooms at its site, staff hours) is reached
# only in programs the user works in; anything else is 404 with an audited denial.


def _denied(user, public_id, label: str):
    audit_record(
        actor=user,
        action=AuditAction.ACCESS_DENIED,
        outcome=AuditOutcome.DENIED,
        target_id=str(public_id),
        details={"object": label},
    )
    raise Http404


def setup_program(user, public_id: UUID | str | None):
    """The program asked for (its public id), else the user's first; 404 when out of reach."""
    from openiop.programs.selectors import programs_for

    programs = programs_for(user).order_by("name")
    if not public_id:
        program = programs.first()
    else:
        try:
            program = programs.filter(public_id=public_id).first()
        except ValidationError:
            program = None
    if program is None:
        _denied(user, public_id or "", "programs.program")
    return program


def access_setup_object(user, model, public_id: UUID | str):
    """A track, recurring group or room of a program the user works in (rooms: at its site)."""
    from openiop.programs.selectors import programs_for

    programs = programs_for(user)
    if model is Room:
        found = Room.objects.filter(site__programs__in=programs)
    else:
        found = model.objects.filter(program__in=programs).select_related("program")
    item = found.filter(public_id=public_id).distinct().first()
    if item is None:
        _denied(user, public_id, model._meta.label_lower)
    return item


def access_staff_member(user, program, public_id: UUID | str):
    """A staff member of ``program`` (whose hours are set up there)."""
    from openiop.accounts.models import User

    member = User.objects.filter(
        public_id=public_id, program_memberships__program=program, is_active=True
    ).first()
    if member is None:
        _denied(user, public_id, "accounts.user")
    return member
