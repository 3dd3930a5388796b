"""The unsigned-notes queue and the co-sign queue: ages on a controlled clock, flagged past
24 hours, overdue past 72 (per program), and a fixed number of queries however long."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from openiop.notes import services
from openiop.notes.models import NotePolicy
from openiop.notes.selectors import awaiting_my_cosignature, unsigned_for
from openiop.notes.tests.helpers import draft, group_draft, signed_group, signed_note, team_up
from openiop.participants.tests.factories import EpisodeFactory

ZONE = ZoneInfo("America/New_York")
SERVICE_DAY = datetime.date(2026, 3, 2)
ENDED = datetime.datetime(2026, 3, 2, 10, 50, tzinfo=ZONE)  # helpers' END on SERVICE_DAY


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=ZONE), tick=False)
    return time_machine


@pytest.fixture
def old_episode(episode):
    """``episode`` referred well before the service day."""
    episode.referred_on = episode.admitted_on = datetime.date(2026, 2, 1)
    episode.save()
    return episode


@pytest.mark.parametrize(
    ("hours_later", "state", "age"),
    [(1, "On time", "1 hour"), (23, "On time", "23 hours"), (25, "Flagged", "25 hours"),
     (73, "Overdue", "3 days 1 h")],
)  # fmt: skip
def test_a_drafts_age_runs_from_the_end_of_the_service(
    client, clock, clinician, old_episode, hours_later, state, age
):
    draft(clinician, old_episode, service_on=SERVICE_DAY)
    clock.move_to(ENDED + datetime.timedelta(hours=hours_later), tick=False)
    client.force_login(clinician)
    page = client.get(reverse("notes:mine")).content.decode()
    assert f">{state}</span>" in page
    assert f'<td data-label="Hours since the service">{age}</td>' in page


def test_a_programs_own_thresholds_apply(clock, clinician, old_episode, program):
    draft(clinician, old_episode, service_on=SERVICE_DAY)
    NotePolicy.objects.create(program=program, flag_after_hours=2, overdue_after_hours=5)
    clock.move_to(ENDED + datetime.timedelta(hours=3), tick=False)
    assert [
        row.urgency for row in unsigned_for(clinician, ENDED + datetime.timedelta(hours=3))
    ] == ["flagged"]
    assert unsigned_for(clinician, ENDED + datetime.timedelta(hours=6))[0].urgency == "overdue"


def test_a_draft_without_an_end_time_ages_from_when_it_was_started(clock, clinician, old_episode):
    draft(clinician, old_episode, service_on=SERVICE_DAY, start_time=None, end_time=None)
    started = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=ZONE)
    assert unsigned_for(clinician, started + datetime.timedelta(hours=30))[0].hours == 30


def test_signed_notes_leave_the_queue_and_group_drafts_join_it(
    clock, clinician, old_episode, program
):
    note = draft(clinician, old_episode, service_on=SERVICE_DAY)
    group_draft(clinician, program, [old_episode], service_on=SERVICE_DAY)
    now = ENDED + datetime.timedelta(hours=2)
    assert [row.kind for row in unsigned_for(clinician, now)] == ["progress", "group"]
    services.progress_note_sign(actor=clinician, note=note, version=note.version)
    assert [row.kind for row in unsigned_for(clinician, now)] == ["group"]


def test_the_cosign_queue_ages_from_the_authors_signature(
    client, clock, clinician, counselor, counselor_episode
):
    counselor_episode.referred_on = datetime.date(2026, 2, 1)
    counselor_episode.save()
    note = signed_note(counselor, counselor_episode, service_on=datetime.date(2026, 2, 20))
    clock.move_to(datetime.datetime(2026, 3, 5, 13, 0, tzinfo=ZONE), tick=False)  # 73 h later
    rows = awaiting_my_cosignature(clinician, datetime.datetime(2026, 3, 5, 13, 0, tzinfo=ZONE))
    assert [(row.document, row.urgency) for row in rows] == [(note, "overdue")]
    assert awaiting_my_cosignature(counselor, ENDED) == []
    client.force_login(clinician)
    page = client.get(reverse("notes:cosign_queue")).content.decode()
    assert counselor_episode.participant.display_name in page and ">Overdue</span>" in page
    services.progress_note_cosign(actor=clinician, note=note)
    assert awaiting_my_cosignature(clinician, ENDED) == []
    page = client.get(reverse("notes:cosign_queue")).content.decode()
    assert "Nothing to co-sign." in page


def _more_participants(program, clinician, counselor, count):
    episodes = []
    for _ in range(count):
        episode = EpisodeFactory(program=program, active=True, primary_clinician=clinician)
        team_up(episode, clinician, role="primary_therapist")
        team_up(episode, counselor)
        episodes.append(episode)
    return episodes


def test_queues_keep_a_fixed_query_count(
    client, clinician, counselor, program, django_assert_num_queries
):
    def add(count):
        for episode in _more_participants(program, clinician, counselor, count):
            draft(clinician, episode)
            signed_note(counselor, episode)
            group_draft(clinician, program, [episode])

    client.force_login(clinician)
    add(2)
    for name, queries in (("notes:mine", 12), ("notes:cosign_queue", 11)):
        client.get(reverse(name))
        with django_assert_num_queries(queries):
            client.get(reverse(name))
    add(8)
    with django_assert_num_queries(12):
        page = client.get(reverse("notes:mine")).content.decode()
    assert page.count("Group note</a>") == 10
    with django_assert_num_queries(11):
        page = client.get(reverse("notes:cosign_queue")).content.decode()
    assert page.count("DAP · Individual counseling</a>") == 10


def test_the_chart_notes_tab_keeps_a_fixed_query_count(
    client, clinician, counselor, program, episode, participant, django_assert_num_queries
):
    team_up(episode, counselor)

    def add(count):
        for _ in range(count):
            signed_note(clinician, episode)
            note = signed_note(counselor, episode)
            services.progress_note_add_addendum(
                actor=clinician, note=note, text="Late entry.", attested=True
            )
            signed_group(clinician, program, [episode])

    client.force_login(clinician)
    url = reverse("notes:chart_tab", args=[participant.public_id])
    add(1)
    client.get(url)
    with django_assert_num_queries(17):
        client.get(url)
    add(5)
    with django_assert_num_queries(17):
        page = client.get(url).content.decode()
    assert page.count("Group: Coping with cravings") == 6
    assert page.count("Signed, awaiting co-signature") == 6
