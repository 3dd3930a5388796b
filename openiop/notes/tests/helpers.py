"""Build notes through the services, as a clinician would."""

import datetime

from openiop.notes import group_services, services
from openiop.notes.models import GroupNote, ProgressNote

START, END = datetime.time(10, 0), datetime.time(10, 50)
CONTENT = {
    "dap": {
        "data": "Reports three days without use; slept poorly.",
        "assessment": "Engaged; cravings lower than last week.",
        "plan": "Practise urge surfing; next session Thursday.",
    },
    "birp": {
        "behavior": "Arrived on time, calm.",
        "intervention": "Reviewed the relapse prevention plan.",
        "response": "Named two new coping strategies.",
        "plan": "Continue weekly.",
    },
    "soap": {
        "subjective": "Feels steadier.",
        "objective": "Alert, oriented, good eye contact.",
        "assessment": "Improving.",
        "plan": "Continue the plan.",
    },
    "narrative": {"narrative": "Phone call to confirm the transport for Tuesday."},
}


def draft(author, episode, *, format: str = "dap", **changes) -> ProgressNote:
    """A draft with service times (not signed)."""
    note = services.progress_note_create(
        actor=author, participant=episode.participant, episode=episode, format=format
    )
    values = {"start_time": START, "end_time": END, "content": CONTENT[format]} | changes
    return services.progress_note_save(actor=author, note=note, version=note.version, **values)


def signed_note(author, episode, *, format: str = "dap", **changes) -> ProgressNote:
    note = draft(author, episode, format=format, **changes)
    return services.progress_note_sign(actor=author, note=note, version=note.version)


def section(**values) -> dict:
    return {"participation": "active", "response": "Shared a recent trigger.", **values}


def group_draft(facilitator, program, episodes, **fields) -> GroupNote:
    """A complete group note draft for ``episodes``, one section each."""
    note = group_services.group_note_create(actor=facilitator, program=program, attendees=episodes)
    values = {
        "topic": "Coping with cravings",
        "curriculum_unit": "Relapse prevention, unit 3",
        "start_time": datetime.time(18, 0),
        "end_time": datetime.time(19, 30),
        "group_process": "Members shared triggers; a peer offered support to another.",
        "interventions": ["relapse", "cbt"],
        "sections": {episode.pk: section() for episode in episodes},
    } | fields
    return group_services.group_note_save(
        actor=facilitator, group_note=note, version=note.version, **values
    )


def signed_group(facilitator, program, episodes, **fields) -> GroupNote:
    note = group_draft(facilitator, program, episodes, **fields)
    return group_services.group_note_sign(actor=facilitator, group_note=note, version=note.version)


def team_up(episode, user, role="counselor"):
    """Put ``user`` on ``episode``'s care team."""
    return episode.care_team.create(user=user, role=role)
