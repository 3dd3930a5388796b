"""Note pages: access matrix (AZ-2) with the state afterwards, audit of every read (AUD-1)."""

import pytest
from django.urls import get_resolver, reverse

from conftest import PERSONAS
from openiop.audit.models import AuditAction, AuditEvent
from openiop.notes.models import (
    GroupNote,
    GroupNoteAddendum,
    GroupNoteCosignature,
    ProgressNote,
    ProgressNoteAddendum,
    ProgressNoteCosignature,
)
from openiop.notes.tests.helpers import draft, group_draft, signed_group, signed_note


@pytest.fixture
def notes(clinician, counselor, program, episode, counselor_episode):
    """Every object a note page is about, written by the clinician unless said otherwise."""
    return {
        "participant": episode.participant,
        "signed": signed_note(clinician, episode),
        "draft": draft(clinician, episode),
        "counselor_note": signed_note(counselor, counselor_episode),
        "group_draft": group_draft(clinician, program, [episode]),
        "group": signed_group(clinician, program, [episode]),
        "counselor_group": signed_group(counselor, program, [counselor_episode]),
    }


def _section(notes):
    return notes["group"].attendees.get()


# Personas in conftest.PERSONAS order: anonymous, director, clinician (care team, author),
# counselor (same program, not on the team), front desk, billing, auditor, other clinician,
# participant, family. The co-sign rows use notes by the counselor on a second participant
# whose team includes both; the clinician supervises the counselor.
# fmt: off
MATRIX = {
    "notes:chart_tab":      ("get",  "participant",     (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:new":            ("post", "participant",     (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:detail":         ("get",  "signed",          (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:print":          ("get",  "signed",          (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:edit":           ("get",  "draft",           (302, 404, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:autosave":       ("post", "draft",           (302, 404, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:discard":        ("post", "draft",           (302, 404, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:addendum":       ("post", "signed",          (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:cosign":         ("post", "counselor_note",  (302, 403, 302, 403, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:mine":           ("get",  None,              (302, 200, 200, 200, 403, 403, 403, 200, 403, 403)),  # noqa: E501
    "notes:cosign_queue":   ("get",  None,              (302, 200, 200, 200, 403, 403, 403, 200, 403, 403)),  # noqa: E501
    "notes:settings":       ("get",  None,              (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)),  # noqa: E501
    "notes:group_new":      ("get",  None,              (302, 200, 200, 200, 403, 403, 403, 200, 403, 403)),  # noqa: E501
    "notes:group_edit":     ("get",  "group_draft",     (302, 404, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:group_autosave": ("post", "group_draft",     (302, 404, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:group_discard":  ("post", "group_draft",     (302, 404, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:group_detail":   ("get",  "group",           (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:group_addendum": ("post", "group",           (302, 302, 302, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:group_cosign":   ("post", "counselor_group", (302, 403, 302, 403, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:section":        ("get",  "section",         (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
    "notes:section_print":  ("get",  "section",         (302, 200, 200, 404, 403, 403, 403, 404, 403, 403)),  # noqa: E501
}
# fmt: on
# What a successful POST changes, and who may make it.
CHANGES = {
    ("notes:new", "director"),
    ("notes:new", "clinician"),
    ("notes:autosave", "clinician"),
    ("notes:discard", "clinician"),
    ("notes:addendum", "director"),
    ("notes:addendum", "clinician"),
    ("notes:cosign", "clinician"),
    ("notes:group_autosave", "clinician"),
    ("notes:group_discard", "clinician"),
    ("notes:group_addendum", "director"),
    ("notes:group_addendum", "clinician"),
    ("notes:group_cosign", "clinician"),
}


def _object(notes, name):
    return _section(notes) if name == "section" else notes[name]


def _post_data(route, obj):
    if route == "notes:new":
        return {"format": "dap"}
    if route in ("notes:addendum", "notes:group_addendum"):
        return {"text": "Late entry: called the pharmacy.", "attested": "on"}
    if route == "notes:autosave":
        return {
            "version": obj.version,
            "service_type": "individual",
            "service_on": obj.service_on.isoformat(),
            "delivery": "in_person",
            "location": "Room 4",
        }
    if route == "notes:group_autosave":
        return {
            "version": obj.version,
            "service_on": obj.service_on.isoformat(),
            "delivery": "in_person",
            "topic": "Sleep and recovery",
            "attendees": [str(a.episode.public_id) for a in obj.attendees.all()],
        }
    return {"version": getattr(obj, "version", "")}


def _state():
    return (
        list(ProgressNote.objects.order_by("pk").values_list("pk", "version", "location")),
        list(GroupNote.objects.order_by("pk").values_list("pk", "version", "topic")),
        ProgressNoteAddendum.objects.count(),
        GroupNoteAddendum.objects.count(),
        ProgressNoteCosignature.objects.count(),
        GroupNoteCosignature.objects.count(),
    )


@pytest.mark.parametrize(
    ("route", "persona", "expected"),
    [
        pytest.param(route, persona, statuses[i], id=f"{route.split(':')[1]}-{persona}")
        for route, (_m, _o, statuses) in MATRIX.items()
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_matrix(client, as_persona, notes, route, persona, expected):
    method, obj_name, _statuses = MATRIX[route]
    obj = _object(notes, obj_name) if obj_name else None
    url = reverse(route, args=[obj.public_id]) if obj else reverse(route)
    as_persona(persona)
    before = _state()
    post = method == "post"
    response = client.post(url, _post_data(route, obj)) if post else client.get(url)
    assert response.status_code == expected
    assert (_state() != before) is ((route, persona) in CHANGES)


def test_every_notes_route_is_in_the_matrix():
    reverse_dict = get_resolver().namespace_dict["notes"][1].reverse_dict
    from openiop.notes.tests.test_from_session import FROM_SESSION_MATRIX

    routes = {f"notes:{n}" for n in reverse_dict if isinstance(n, str)}
    assert routes == set(MATRIX) | set(FROM_SESSION_MATRIX)


PARTICIPANT_PAGES = [
    (route, obj) for route, (method, obj, _s) in MATRIX.items() if method == "get" and obj
]


@pytest.mark.parametrize(
    ("route", "obj_name"), PARTICIPANT_PAGES, ids=[r for r, _o in PARTICIPANT_PAGES]
)
def test_every_note_page_audits_the_read(client, clinician, notes, route, obj_name):
    obj = _object(notes, obj_name)
    participant = notes["participant"]
    client.force_login(clinician)
    before = AuditEvent.objects.filter(participant=participant, actor=clinician).count()
    response = client.get(reverse(route, args=[obj.public_id]), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    events = AuditEvent.objects.filter(participant=participant, actor=clinician)
    assert events.count() == before + 1
    event = events.latest("id")
    assert (event.action, event.category, event.ip_address) == (
        AuditAction.PARTICIPANT_VIEWED,
        "sud_record",
        "203.0.113.7",
    )


def test_a_denied_look_is_audited_as_a_denial(client, other_clinician, notes):
    client.force_login(other_clinician)
    assert client.get(reverse("notes:detail", args=[notes["signed"].public_id])).status_code == 404
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.outcome, event.participant) == (
        AuditAction.ACCESS_DENIED,
        "denied",
        notes["participant"],
    )


def test_the_queues_audit_the_participants_they_list(client, clinician, notes):
    client.force_login(clinician)
    client.get(reverse("notes:mine"))
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=notes["participant"], actor=clinician
    ).exists()


def test_audit_rows_hold_no_note_text(client, clinician, notes):
    marker = "MARKER-note-text-5521"
    client.force_login(clinician)
    note = notes["draft"]
    client.post(
        reverse("notes:autosave", args=[note.public_id]),
        _post_data("notes:autosave", note) | {"data": marker},
    )
    assert marker in str(ProgressNote.objects.get(pk=note.pk).content)
    assert not any(
        marker in str(row) for row in AuditEvent.objects.values_list("details", flat=True)
    )


def test_server_owned_fields_cannot_be_posted(client, clinician, director, notes):
    note = notes["draft"]
    client.force_login(clinician)
    client.post(
        reverse("notes:autosave", args=[note.public_id]),
        _post_data("notes:autosave", note)
        | {"status": "signed", "author": director.pk, "signed_by": director.pk, "cosigner": 1},
    )
    stored = ProgressNote.objects.get(pk=note.pk)
    assert (stored.status, stored.author, stored.signed_by, stored.cosigner) == (
        "draft",
        clinician,
        None,
        None,
    )
    assert stored.location == "Room 4"


def test_the_print_view_has_no_navigation_and_carries_the_part2_notice(client, clinician, notes):
    client.force_login(clinician)
    page = client.get(reverse("notes:print", args=[notes["signed"].public_id])).content.decode()
    assert "navbar" not in page
    assert "42 CFR part 2 prohibits unauthorized use or disclosure of these records." in page
    assert (
        "@media print"
        in open(  # noqa: SIM115
            __import__("pathlib").Path(__file__).parents[1] / "static/notes/notes.css"
        ).read()
    )
