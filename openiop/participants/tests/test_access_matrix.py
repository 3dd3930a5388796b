"""AZ-2: the role x page table for participant pages (docs/access-matrix.md shows it).

Each row: a route, how to call it, and the status every persona gets, in PERSONAS order:
anonymous, director, clinician (on the care team), counselor (same program, not on the team),
front desk, billing, auditor, other_clinician (another program), participant, family member.
302 for anonymous is the login redirect. Writes also check the state afterwards.
"""

import datetime
import uuid

import pytest
from django.urls import get_resolver, reverse

from conftest import PERSONAS
from openiop.audit.models import AuditAction, AuditEvent, AuditOutcome
from openiop.participants.models import EpisodeStatus
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory

# route name: (method, object, statuses per persona)
MATRIX = {
    "participants:caseload": ("get", None, (302, 200, 200, 200, 200, 403, 403, 200, 403, 403)),
    "participants:search": ("get", None, (302, 200, 200, 200, 200, 403, 403, 200, 403, 403)),
    "participants:register": ("get", None, (302, 200, 200, 403, 200, 403, 403, 200, 403, 403)),
    "participants:chart": (
        "get",
        "participant",
        (302, 200, 200, 404, 200, 403, 403, 404, 403, 403),
    ),
    "participants:edit": ("get", "participant", (302, 200, 200, 404, 200, 403, 403, 404, 403, 403)),
    "participants:refer": (
        "get",
        "participant",
        (302, 200, 200, 403, 200, 403, 403, 404, 403, 403),
    ),
    "participants:history": (
        "get",
        "participant",
        (302, 200, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    "participants:admit": ("get", "referral", (302, 200, 200, 403, 403, 403, 403, 404, 403, 403)),
    "participants:care_team": (
        "get",
        "episode",
        (302, 200, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    "participants:status": ("post", "episode", (302, 302, 302, 403, 403, 403, 403, 404, 403, 403)),
    "participants:close": ("get", "referral", (302, 200, 200, 403, 403, 403, 403, 404, 403, 403)),
}
CELLS = [
    pytest.param(route, persona, statuses[index], id=f"{route.split(':')[1]}-{persona}")
    for route, (_method, _obj, statuses) in MATRIX.items()
    for index, persona in enumerate(PERSONAS)
]


@pytest.fixture
def referral(program, clinician):
    episode = EpisodeFactory(program=program, referred_on=datetime.date.today())
    CareTeamMemberFactory(episode=episode, user=clinician)
    return episode


def _url(route, obj, request):
    if obj is None:
        return reverse(route)
    target = request.getfixturevalue(obj)
    return reverse(route, args=[target.public_id])


@pytest.mark.parametrize(("route", "persona", "expected"), CELLS)
def test_access_matrix(client, as_persona, request, route, persona, expected, episode):
    method, obj, _statuses = MATRIX[route]
    url = _url(route, obj, request)
    as_persona(persona)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, {"status": "on_hold", "version": episode.version})
    assert response.status_code == expected
    if expected == 302 and persona == "anonymous":
        assert response.url.startswith(reverse("accounts:login"))
    if route == "participants:status":
        episode.refresh_from_db()
        changed = persona in ("director", "clinician")
        assert episode.status == (EpisodeStatus.ON_HOLD if changed else EpisodeStatus.ACTIVE)


def test_every_participant_route_is_in_the_matrix():
    resolver = get_resolver()
    names = {
        f"participants:{name}"
        for name in resolver.namespace_dict["participants"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == set(MATRIX)


def test_edit_by_someone_out_of_scope_changes_nothing(client, other_clinician, participant):
    client.force_login(other_clinician)
    url = reverse("participants:edit", args=[participant.public_id])
    response = client.post(url, {"legal_first_name": "Changed", "version": participant.version})
    assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.legal_first_name != "Changed"


def test_lists_never_include_participants_out_of_scope(
    client, clinician, other_clinician, participant, other_participant
):
    client.force_login(other_clinician)
    caseload = client.get(reverse("participants:caseload")).content.decode()
    found = client.post(
        reverse("participants:search"), {"q": participant.legal_last_name}
    ).content.decode()
    assert "No participant matches" in found
    assert other_participant.mrn in caseload
    assert participant.mrn not in caseload
    assert participant.mrn not in found

    client.force_login(clinician)
    caseload = client.get(reverse("participants:caseload")).content.decode()
    assert participant.mrn in caseload and other_participant.mrn not in caseload


def test_forbidden_and_missing_look_the_same(client, other_clinician, participant):
    client.force_login(other_clinician)
    forbidden = client.get(reverse("participants:chart", args=[participant.public_id]))
    missing = client.get(reverse("participants:chart", args=[uuid.uuid4()]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_a_denied_look_at_a_record_is_audited(client, other_clinician, participant):
    client.force_login(other_clinician)
    client.get(reverse("participants:chart", args=[participant.public_id]))
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.actor, event.participant, event.outcome) == (
        other_clinician,
        participant,
        AuditOutcome.DENIED,
    )
