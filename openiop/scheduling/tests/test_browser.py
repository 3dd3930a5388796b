"""A group leader records a group of 15 from the keyboard, adds a walk-in, and the program
week shows the sessions; a director adds a recurring group in the schedule setup and builds
the week with it: in Debian's chromium, by labels and roles."""

import datetime
import time

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from openiop.participants.tests.factories import CareTeamMemberFactory, EpisodeFactory
from openiop.scheduling import rules
from openiop.scheduling.models import AttendanceRecord, SessionAttendee, Topic
from openiop.scheduling.tests.factories import SessionFactory, attend, evening_program

pytestmark = pytest.mark.browser

T = datetime.time


@pytest.fixture
def week(program, clinician, counselor):
    """Today's process group of 15 led by the clinician, and a week of other sessions."""
    today = datetime.date.today()
    monday = rules.week_start(today)
    setup = evening_program(program)
    rooms = setup["rooms"]
    people = [EpisodeFactory(program=program, active=True) for _ in range(15)]
    group = attend(
        SessionFactory(
            program=program,
            offering=setup["offerings"]["mon"] if today.weekday() == 0 else None,
            held_on=today,
            lead=clinician,
            room=rooms["group"],
        ),
        *people,
    )
    plan = [
        (0, T(9), T(12), "group", Topic.PSYCHOEDUCATION, counselor, 9),
        (1, T(18), T(21), "group", Topic.SKILLS, clinician, 11),
        (2, T(9), T(12), "group", Topic.RELAPSE_PREVENTION, counselor, 8),
        (2, T(17), T(18), "office", "", clinician, 1),
        (3, T(18), T(21), "group", Topic.LIFE_SKILLS, clinician, 12),
        (3, T(13), T(14), "video", "", counselor, 1),
        (5, T(9), T(13), "group", Topic.HOLISTIC, counselor, 6),
    ]
    for offset, start, end, room, topic, lead, size in plan:
        day = monday + datetime.timedelta(days=offset)
        if day == today and start == T(18):
            continue
        attend(
            SessionFactory(
                program=program,
                kind="group" if topic else "individual",
                topic=topic,
                held_on=day,
                start_time=start,
                end_time=end,
                lead=lead,
                room=rooms[room],
                is_virtual=room == "video",
            ),
            *people[:size],
        )
    walk_in = EpisodeFactory(program=program, active=True)
    CareTeamMemberFactory(episode=walk_in, user=clinician)  # the leader may see them
    return group, people, walk_in


def _sign_in(page, live_server, user, password):
    page.goto(live_server.url)
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_recording_a_group_of_15_from_the_keyboard(
    browser, live_server, director, clinician, week, password
):
    group, people, walk_in = week
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    _sign_in(page, live_server, clinician, password)
    page.goto(f"{live_server.url}/schedule/week/")
    expect(page.get_by_role("heading", name="Evening IOP")).to_be_visible()
    screenshot(page, "scheduling-program-week")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Weeks")).to_be_hidden()
    screenshot(page, "scheduling-program-week-print")
    page.emulate_media(media="screen")
    page.get_by_role("link", name=f"Attendance Process group {group.held_on:%a} 18:00").click()
    expect(page.get_by_role("heading", name="Attendance: Process group")).to_be_visible()

    ordered = sorted(
        people, key=lambda e: (e.participant.legal_last_name, e.participant.legal_first_name)
    )
    late, absent, video = ordered[3], ordered[7], ordered[11]
    page.get_by_label(f"Attendance of {ordered[0].participant.display_name}").focus()
    began = time.monotonic()
    for episode in ordered:
        if episode is late:
            page.keyboard.type("l")
            page.keyboard.press("Tab")
            page.keyboard.press("Control+a")
            page.keyboard.type("150")
            page.keyboard.press("Tab")
            continue
        page.keyboard.type({absent.pk: "absent, e", video.pk: "b"}.get(episode.pk, "p"))
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
    screenshot(page, "scheduling-roster-filled")
    page.get_by_role("button", name="Save attendance").press("Enter")
    expect(page.get_by_text("Attendance saved.")).to_be_visible()
    assert time.monotonic() - began < 60

    statuses = dict(AttendanceRecord.objects.values_list("episode_id", "status"))
    assert len(statuses) == 15
    assert (statuses[late.pk], statuses[absent.pk], statuses[video.pk]) == (
        "late",
        "absent_excused",
        "video",
    )
    assert AttendanceRecord.objects.get(episode=late).minutes == 150
    assert AttendanceRecord.objects.get(episode=absent).minutes == 0

    page.get_by_label("Add a walk-in").select_option(label=walk_in.participant.display_name)
    page.get_by_role("button", name="Add walk-in").click()
    row_label = f"Attendance of {walk_in.participant.display_name}"
    page.get_by_label(row_label).select_option(label="Present")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved.")).to_be_visible()
    expect(page.get_by_label(row_label)).to_have_value("present")
    screenshot(page, "scheduling-roster-saved")
    assert SessionAttendee.objects.get(episode=walk_in).source == "walk_in"

    page.goto(f"{live_server.url}/participants/{walk_in.participant.public_id}/")
    page.get_by_role("link", name="Schedule", exact=True).click()
    hours = page.get_by_role("table", name="Attended, scheduled and target hours by week")
    expect(hours).to_contain_text("3 h")
    expect(page.get_by_role("table", name="The participant's sessions this week")).to_contain_text(
        "Present · 180 min"
    )
    screenshot(page, "scheduling-schedule-tab")


def test_building_a_week_and_pinning_a_place(
    browser, live_server, director, clinician, program, episode, password
):
    pytest.importorskip("openiop.scheduling.solver")
    from openiop.scheduling.tests.factories import clinician_hours

    evening_program(program)
    clinician_hours(clinician, program)
    for _ in range(3):
        EpisodeFactory(program=program, active=True, primary_clinician=clinician)
    next_week = rules.iso_week(rules.week_start(datetime.date.today()) + datetime.timedelta(7))
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(30_000)
    _sign_in(page, live_server, director, password)
    page.goto(f"{live_server.url}/schedule/builder/?week={next_week}")
    page.get_by_role("link", name="Schedule setup").click()
    page.get_by_role("link", name="Add a recurring group").click()
    page.get_by_label("Track").select_option(label="Evening")
    page.get_by_label("Code").fill("wed-pm-process")
    page.get_by_label("Topic").select_option(label="Process group")
    page.get_by_label("Day").select_option(label="Wednesday")
    page.get_by_label("Starts").fill("18:00")
    page.get_by_label("Ends").fill("21:00")
    page.get_by_label("Minimum size").fill("1")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_role("table", name="Recurring groups of Evening")).to_contain_text(
        "Wednesday 18:00"
    )
    screenshot(page, "scheduling-setup")
    page.goto(f"{live_server.url}/schedule/builder/?week={next_week}")
    page.get_by_role("button", name="Build and save the schedule").click()
    expect(page.get_by_text("Schedule built and saved.")).to_be_visible()
    name = episode.participant.display_name
    place = page.get_by_role("button", name=f"{name}: press to pin").first
    place.click()
    expect(page.get_by_role("button", name=f"{name}: pinned, press to unpin").first).to_be_visible()
    screenshot(page, "scheduling-builder")
    page.get_by_role("button", name="Solve again and save").click()
    expect(page.get_by_text("Schedule built and saved.")).to_be_visible()
    expect(page.get_by_role("button", name=f"{name}: pinned, press to unpin").first).to_be_visible()
    assert SessionAttendee.objects.filter(episode=episode, is_locked=True).exists()
    assert SessionAttendee.objects.filter(session__offering__code="wed-pm-process").exists()
