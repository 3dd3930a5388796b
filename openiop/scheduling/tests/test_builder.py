"""The week-schedule builder: the page builds the problem the database holds, solves it,
saves the answer and shows it; pinned places survive a re-solve."""

import datetime

import pytest
from django.urls import reverse

from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants.tests.factories import EpisodeFactory
from openiop.scheduling import exchange, rules, services
from openiop.scheduling.models import SessionAttendee, WeekSchedule
from openiop.scheduling.tests.factories import clinician_hours, evening_program

pytestmark = pytest.mark.django_db

NEXT_WEEK = rules.week_start(datetime.date.today()) + datetime.timedelta(days=7)


@pytest.fixture
def week(program, clinician, episode):
    pytest.importorskip("openiop.scheduling.solver")
    evening_program(program)
    clinician_hours(clinician, program)
    others = [
        EpisodeFactory(program=program, active=True, primary_clinician=clinician) for _ in range(2)
    ]
    return [episode, *others]


def _url(program, week_of=NEXT_WEEK):
    week = rules.iso_week(week_of)
    return f"{reverse('scheduling:builder')}?program={program.public_id}&week={week}"


def test_building_a_week_from_the_page_saves_what_the_solver_answers(
    client, director, program, week
):
    client.force_login(director)
    response = client.post(_url(program))
    assert response.status_code == 302
    saved = WeekSchedule.objects.get()
    assert saved.week_of == NEXT_WEEK and saved.saved_by == director
    assert saved.problem["format"] == "openiop-week/1"
    assert exchange.sessions_for_week(program, NEXT_WEEK) == sorted(
        saved.schedule["sessions"], key=exchange.session_sort_key
    )
    page = client.get(response.url).content.decode()
    assert "Schedule built and saved." in page
    for episode in week:
        assert episode.participant.display_name in page
    assert AuditEvent.objects.filter(
        action=AuditAction.PARTICIPANT_LISTED, participant=week[0].participant
    ).exists()


def test_a_pinned_place_survives_solving_again(client, director, program, week):
    services.schedule_build(program=program, week_of=NEXT_WEEK, actor=director, time_limit=5)
    place = SessionAttendee.objects.filter(session__kind="group").first()
    assert place is not None, "the solver opened a group"
    offering = place.session.offering
    client.force_login(director)
    client.post(
        reverse("scheduling:pin", args=[place.session.public_id]),
        {"episode": str(place.episode.public_id), "pinned": "1"},
    )
    place.refresh_from_db()
    assert place.is_locked
    pinned = exchange.pinned_for_week(program, NEXT_WEEK)
    assert pinned and str(place.episode.public_id) in pinned[0]["participants"]

    client.post(_url(program))

    assert WeekSchedule.objects.count() == 2
    kept = SessionAttendee.objects.get(episode=place.episode, session__offering=offering)
    assert kept.is_locked
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_PIN_CHANGED).count() == 1


def test_a_bad_episode_id_in_a_pin_is_404(client, director, program, week):
    services.schedule_build(program=program, week_of=NEXT_WEEK, actor=director, time_limit=5)
    session = SessionAttendee.objects.first().session
    client.force_login(director)
    url = reverse("scheduling:pin", args=[session.public_id])
    assert client.post(url, {"episode": "not-a-uuid", "pinned": "1"}).status_code == 404


def _capacity_url(program, week_of=NEXT_WEEK):
    week = rules.iso_week(week_of)
    return f"{reverse('scheduling:capacity')}?program={program.public_id}&week={week}"


def test_capacity_shows_demand_against_supply_and_then_what_was_placed(
    client, director, program, week
):
    client.force_login(director)
    before = client.get(_capacity_url(program))
    rows = {row.part: row for row in before.context["rows"]}
    assert set(rows) == {"morning", "afternoon", "evening", "weekend"}
    # the evening track's offerings give seats in the evening; three participants need time
    assert rows["evening"].offered_seat_hours > 0
    assert sum(row.demand_hours for row in rows.values()) > 0
    assert "No schedule saved for this week" in before.content.decode()
    client.post(_url(program))
    after = client.get(_capacity_url(program))
    assert after.context["with_schedule"]
    placed = sum(row.scheduled_hours or 0 for row in after.context["rows"])
    saved = WeekSchedule.objects.get()
    expected = sum(p["scheduled_minutes"] for p in saved.schedule["participants"]) / 60
    assert abs(placed - expected) < 0.5
    page = after.content.decode()
    main = page[page.index("<main") :]  # the navigation's "Change password" may hold a name
    for episode in week:  # aggregates only: nobody is named
        participant = episode.participant
        assert participant.legal_last_name not in main
        assert f"{participant.legal_first_name} {participant.legal_last_name}" not in page


def test_capacity_marks_the_evenings_when_there_are_no_clinician_hours(client, director, program):
    evening_program(program)
    for _ in range(4):
        EpisodeFactory(program=program, active=True)
    client.force_login(director)
    rows = {row.part: row for row in client.get(_capacity_url(program)).context["rows"]}
    assert rows["evening"].clinician_hours_available == 0
    assert "clinicians" in rows["evening"].bottleneck
