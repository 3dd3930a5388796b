"""Alumni keep portal access to their alumni events only when they opted in (issue 8)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from openiop.audit.models import AuditEvent, AuditOutcome
from openiop.discharge.models import AlumniEvent, AlumniGroup, AlumniMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(program):
    return AlumniGroup.objects.create(program=program, name="Alumni circle")


@pytest.fixture
def events(group, program):
    today = timezone.localdate()
    other_group = AlumniGroup.objects.create(program=program, name="Another circle")
    return {
        "coming": AlumniEvent.objects.create(
            group=group, title="Summer picnic", held_on=today + datetime.timedelta(days=5)
        ),
        "past": AlumniEvent.objects.create(
            group=group, title="Spring walk", held_on=today - datetime.timedelta(days=5)
        ),
        "elsewhere": AlumniEvent.objects.create(
            group=other_group, title="Other group's night", held_on=today
        ),
    }


def _member(group, participant, opted_in):
    return AlumniMembership.objects.create(
        group=group,
        participant=participant,
        joined_on=timezone.localdate(),
        has_portal_opt_in=opted_in,
    )


def test_an_opted_in_alumna_sees_her_groups_coming_events(
    client, participant, participant_user, group, events
):
    _member(group, participant, opted_in=True)
    client.force_login(participant_user)
    today = client.get(reverse("portal:today")).content.decode()
    assert reverse("portal:alumni") in today
    page = client.get(reverse("portal:alumni"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Summer picnic" in html
    assert "Spring walk" not in html
    assert "Other group's night" not in html
    event = AuditEvent.objects.filter(actor=participant_user).latest("id")
    assert (event.participant, event.outcome) == (participant, AuditOutcome.ALLOWED)


def test_without_the_opt_in_the_alumni_page_is_not_theirs(
    client, participant, participant_user, group, events
):
    _member(group, participant, opted_in=False)
    client.force_login(participant_user)
    assert reverse("portal:alumni") not in client.get(reverse("portal:today")).content.decode()
    assert client.get(reverse("portal:alumni")).status_code == 404
    event = AuditEvent.objects.filter(actor=participant_user).latest("id")
    assert event.outcome == AuditOutcome.DENIED


@pytest.mark.parametrize(
    "persona", ["family_member", "director", "clinician", "unlinked_family", "other_portal_user"]
)
def test_nobody_else_sees_an_alumnas_events(
    client, request, participant, participant_user, group, events, persona
):
    _member(group, participant, opted_in=True)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("portal:alumni"))
    assert response.status_code == 404
    assert "Summer picnic" not in response.content.decode()
