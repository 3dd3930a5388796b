"""Weekly hours with controlled dates: the chart's Schedule tab, the caseload badges, and the
week pages' query counts."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory
from openiop.scheduling import selectors
from openiop.scheduling.models import AttendanceRecord, ParticipantPreferences
from openiop.scheduling.tests.factories import SessionFactory, attend, evening_program

pytestmark = pytest.mark.django_db

D = datetime.date
ADMITTED = D(2026, 3, 2)
# (day, status, minutes) for a Mon/Tue/Thu evening track, 180 minutes a session
HISTORY = [
    (D(2026, 3, 2), "present", 180),
    (D(2026, 3, 3), "late", 150),
    (D(2026, 3, 5), "absent_unexcused", 0),
    (D(2026, 3, 9), "absent_unexcused", 0),  # the second in a row
    (D(2026, 3, 10), "present", 180),  # 6 days without a session since the 3rd
    (D(2026, 3, 12), "present", 180),
    (D(2026, 3, 16), "present", 180),
]


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 12), tick=False):
        yield


@pytest.fixture
def history(program, clinician, episode):
    episode.referred_on = episode.admitted_on = ADMITTED
    episode.save()
    for day, status, minutes in HISTORY:
        session = attend(SessionFactory(program=program, held_on=day, lead=clinician), episode)
        AttendanceRecord.objects.create(
            session=session,
            participant=episode.participant,
            episode=episode,
            status=status,
            minutes=minutes,
            recorded_by=clinician,
        )
    attend(SessionFactory(program=program, held_on=D(2026, 3, 19), lead=clinician), episode)
    return episode


def test_weekly_hours_add_up_attended_scheduled_and_target(history):
    history.program.refresh_from_db()
    weeks = [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16)]
    rows = selectors.hours_by_episode([history], weeks=weeks, today=D(2026, 3, 18))[history.pk]
    summary = [
        (r.attended_minutes, r.scheduled_minutes, r.target_minutes, r.days_attended, r.flags)
        for r in rows
    ]
    assert summary == [
        (330, 540, 720, 2, ("under_target", "few_days")),
        (360, 540, 720, 2, ("under_target", "few_days", "long_gap", "unexcused_twice")),
        (180, 360, 720, 1, ()),  # this week, so far: judged on Sunday
    ]


def test_the_schedule_tab_shows_hours_and_flags(client, clinician, history):
    client.force_login(clinician)
    response = client.get(reverse("scheduling:schedule", args=[history.participant.public_id]))
    page = response.content.decode()
    assert "Weekly hours in Evening IOP" in page
    rows = response.context["schedule_episodes"][0].hours
    assert [r.week_of for r in rows][:3] == [D(2026, 3, 16), D(2026, 3, 9), D(2026, 3, 2)]
    assert "5.5 h" in page and "9 h" in page and "12 h" in page
    for label in (
        "Under target",
        "Too few days",
        "More than 3 days between sessions",
        "2 unexcused absences in a row",
    ):
        assert label in page
    assert "this week, so far" in page
    # this week's sessions, with what was recorded
    assert "Present · 180 min" in page and "not recorded" in page


def test_an_override_changes_the_target_with_its_reason(client, clinician, history):
    ParticipantPreferences.objects.create(
        episode=history, target_minutes_override=360, target_override_reason="Night shifts"
    )
    client.force_login(clinician)
    page = client.get(
        reverse("scheduling:schedule", args=[history.participant.public_id])
    ).content.decode()
    assert "360 min a week · Night shifts" in page
    assert "Under target" not in page.split("Sessions, week")[0].split("2026-03-09")[1][:400]


def test_the_caseload_shows_last_weeks_flags(client, clinician, history):
    client.force_login(clinician)
    page = client.get(reverse("participants:caseload")).content.decode()
    for label in ("Under target", "Too few days", "2 unexcused absences in a row"):
        assert label in page


def test_roles_without_schedules_see_no_hours_badges(client, history, billing):
    from openiop.participants.selectors import caseload_alerts

    assert selectors.caseload_alerts(billing, [history.participant_id]) == {}
    assert caseload_alerts(billing, [history.participant_id]) == {}


def test_caseload_badges_cost_the_same_queries_for_one_or_many(program, clinician, history):
    def queries():
        ids = list(program.episodes.values_list("participant_id", flat=True))
        with CaptureQueriesContext(connection) as context:
            selectors.caseload_alerts(clinician, ids)
        return len(context)

    queries()  # the user's permissions are loaded once
    one = queries()
    for _ in range(4):
        other = EpisodeFactory(program=program, active=True, referred_on=ADMITTED)
        CareTeamMemberFactory(episode=other, user=clinician)
        attend(SessionFactory(program=program, held_on=D(2026, 3, 10)), other)
    assert queries() == one == 3


def test_the_program_week_query_count_does_not_grow_with_sessions(
    client, director, program, clinician, episode, django_assert_num_queries
):
    rooms = evening_program(program)["rooms"]
    url = reverse("scheduling:program_week") + "?week=2026-W12"
    client.force_login(director)
    client.get(url)

    def add(day):
        attend(
            SessionFactory(program=program, held_on=day, lead=clinician, room=rooms["group"]),
            episode,
        )

    add(D(2026, 3, 16))
    with django_assert_num_queries(11):
        client.get(url)
    for offset in range(1, 5):
        add(D(2026, 3, 16) + datetime.timedelta(days=offset))
    with django_assert_num_queries(11):
        response = client.get(url)
    cells = [s for _room, days in response.context["grid"].rows() for day in days for s in day]
    assert len(cells) == 5
