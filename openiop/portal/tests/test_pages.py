"""What participants and family see and do in the portal, through its forms."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from openiop.assessments.models import Administration, AdministrationSource, ClinicalAlert
from openiop.assessments.services import administration_submit
from openiop.audit.models import AuditAction, AuditEvent
from openiop.participants import portal_services
from openiop.plans.tests.helpers import signed_plan
from openiop.recovery.models import JournalEntry, PortalSettings, RelapsePreventionPlan
from openiop.scheduling.models import AttendanceRecord, SessionKind, Topic
from openiop.scheduling.tests.factories import RoomFactory, SessionFactory, T, attend

pytestmark = pytest.mark.django_db


def _day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def sessions(program, episode, other_episode, clinician):
    room = RoomFactory(site=program.site, name="Group room A")
    group = attend(
        SessionFactory(program=program, held_on=_day(1), room=room, lead=clinician), episode
    )
    video = attend(
        SessionFactory(
            program=program,
            kind=SessionKind.INDIVIDUAL,
            topic="",
            held_on=_day(2),
            is_virtual=True,
            lead=clinician,
        ),
        episode,
    )
    family = attend(
        SessionFactory(
            program=program, kind=SessionKind.FAMILY, topic="", held_on=_day(3), room=room
        ),
        episode,
    )
    workshop = SessionFactory(
        program=program,
        topic=Topic.FAMILY,
        held_on=_day(4),
        room=room,
        start_time=T(10),
        end_time=T(12),
    )
    not_mine = attend(
        SessionFactory(program=other_episode.program, held_on=_day(1), room=None), other_episode
    )
    return {
        "group": group,
        "video": video,
        "family": family,
        "workshop": workshop,
        "other": not_mine,
    }


# ----------------------------------------------------------------------------- today, schedule


def test_today_shows_next_sessions_with_place_video_link_and_what_to_bring(
    client, participant_user, program, sessions
):
    PortalSettings.objects.create(
        program=program, video_link="https://video.example.org/iop", what_to_bring="Your workbook"
    )
    client.force_login(participant_user)
    page = client.get(reverse("portal:today")).content.decode()

    assert "Group room A" in page
    assert "https://video.example.org/iop" in page
    assert "Your workbook" in page
    assert page.count("card-body") == 3  # group, video, family: not the other participant's


def test_the_private_calendar_link_carries_no_clinical_detail(client, participant_user, sessions):
    client.force_login(participant_user)
    page = client.post(reverse("portal:calendar_link")).content.decode()
    feed_path = page.split('value="http://testserver')[1].split('"')[0]

    client.logout()
    feed = client.get(feed_path).content.decode()

    assert feed.count("BEGIN:VEVENT") == 3  # group, video, family: their own places
    assert "Process" not in feed and "Family" not in feed
    assert "SUMMARY:Appointment" in feed


def test_a_new_calendar_link_stops_the_old_one(client, participant_user, sessions):
    client.force_login(participant_user)
    first = client.post(reverse("portal:calendar_link")).content.decode()
    client.post(reverse("portal:calendar_link"))
    old_path = first.split('value="http://testserver')[1].split('"')[0]
    assert client.get(old_path).status_code == 404


# ----------------------------------------------------------------------------- questionnaires


def test_a_phq9_self_completed_is_scored_like_a_staff_entry_and_raises_its_alert(
    client, participant_user, participant
):
    client.force_login(participant_user)
    assert "PHQ-9" in client.get(reverse("portal:questionnaires")).content.decode()
    answers = {f"item_{n}": "1" for n in range(1, 10)}

    response = client.post(
        reverse("portal:questionnaire", args=["phq9"]),
        {**answers, "administered_on": "2001-01-01"},  # server-owned: ignored
    )

    assert response.status_code == 302
    given = Administration.objects.get(participant=participant, instrument="phq9")
    assert (given.source, given.total, given.band) == (AdministrationSource.PORTAL, 9, "mild")
    assert given.administered_on == timezone.localdate()
    assert given.administered_by == participant_user
    assert ClinicalAlert.objects.get(administration=given).code == "suicide_risk"  # item 9 > 0


def test_an_unanswered_item_is_refused_and_nothing_saved(client, participant_user):
    client.force_login(participant_user)
    answers = {f"item_{n}": "0" for n in range(1, 9)}
    response = client.post(reverse("portal:questionnaire", args=["phq9"]), answers)
    assert response.status_code == 400
    assert not Administration.objects.exists()


def test_a_questionnaire_not_due_is_404(client, participant_user, participant, episode):
    administration_submit(
        actor=participant_user,
        participant=participant,
        episode=episode,
        instrument="phq9",
        answers=[0] * 9,
        administered_on=timezone.localdate(),
    )
    client.force_login(participant_user)
    assert client.get(reverse("portal:questionnaire", args=["phq9"])).status_code == 404
    assert client.get(reverse("portal:questionnaire", args=["cssrs"])).status_code == 404
    assert client.get(reverse("portal:questionnaire", args=["nope"])).status_code == 404


# ----------------------------------------------------------------------------- goals


def test_goals_show_the_signed_plan_in_the_participants_words(
    client, participant_user, episode, clinician
):
    version = signed_plan(episode, clinician)
    goal = version.goals.first()
    client.force_login(participant_user)
    page = client.get(reverse("portal:goals")).content.decode()
    assert goal.statement in page
    assert "steps met" in page


# ----------------------------------------------------------------------------- journal


def test_journal_entries_are_private_until_shared(client, participant_user, clinician, participant):
    client.force_login(participant_user)
    client.post(reverse("portal:journal"), {"title": "Hard day", "body": "Only for me"})
    entry = JournalEntry.objects.get()
    chart = reverse("recovery:check_ins", args=[participant.public_id])

    client.force_login(clinician)
    assert "Only for me" not in client.get(chart).content.decode()

    client.force_login(participant_user)
    client.post(
        reverse("portal:journal_entry", args=[entry.public_id]),
        {"title": "Hard day", "body": "Only for me", "is_shared": "on", "expected_version": "1"},
    )
    client.force_login(clinician)
    assert "Only for me" in client.get(chart).content.decode()


def test_an_empty_entry_is_refused(client, participant_user):
    client.force_login(participant_user)
    response = client.post(reverse("portal:journal"), {"title": "x", "body": "   "})
    assert response.status_code == 400
    assert not JournalEntry.objects.exists()


def test_a_stale_journal_edit_conflicts_and_keeps_the_newer_text(client, participant_user):
    client.force_login(participant_user)
    client.post(reverse("portal:journal"), {"body": "First"})
    entry = JournalEntry.objects.get()
    url = reverse("portal:journal_entry", args=[entry.public_id])
    client.post(url, {"body": "From the phone", "expected_version": "1"})

    response = client.post(url, {"body": "From the laptop", "expected_version": "1"})

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    entry.refresh_from_db()
    assert entry.body == "From the phone"


def test_audit_rows_never_hold_the_journal_text(client, participant_user):
    client.force_login(participant_user)
    client.post(reverse("portal:journal"), {"body": "MARKER-TEXT-1234"})
    assert not AuditEvent.objects.filter(details__icontains="MARKER-TEXT").exists()


# ----------------------------------------------------------------------------- relapse plan


def test_the_participant_adds_to_the_plan_without_replacing_the_counselors_words(
    client, participant_user, clinician, participant
):
    client.force_login(clinician)
    client.post(
        reverse("recovery:relapse_plan", args=[participant.public_id]),
        {"expected_version": "0", "triggers": "Payday", "people_to_call": "Sponsor Ann"},
    )
    client.force_login(participant_user)
    page = client.get(reverse("portal:relapse_plan")).content.decode()
    assert "Payday" in page and "Sponsor Ann" in page

    client.post(reverse("portal:relapse_plan"), {"expected_version": "1", "triggers": "Fridays"})

    plan = RelapsePreventionPlan.objects.get()
    assert plan.triggers == "Payday\nFridays"
    assert plan.people_to_call == "Sponsor Ann"
    assert plan.updated_by == participant_user


def test_resources_list_meetings_and_the_crisis_line(client, participant_user):
    client.force_login(participant_user)
    page = client.get(reverse("portal:resources")).content.decode()
    assert "Alcoholics Anonymous" in page
    assert "SMART Recovery" in page
    assert "tel:988" in page


# ----------------------------------------------------------------------------- family


def test_family_with_consent_sees_family_sessions_and_workshops_only(
    client, family_member, sessions, participant
):
    client.force_login(family_member)
    page = client.get(reverse("portal:family")).content.decode()

    assert "Family sessions and workshops" in page
    assert page.count("card-body") == 2  # the family session and the workshop
    assert sessions["workshop"].held_on.strftime("%-d") in page
    for clinical in ("Process group", "Individual", "diagnos", "drug test", "note"):
        assert clinical not in page
    # P2-4: every disclosure carries the redisclosure notice and the consent's purpose
    assert "42 CFR part 2 prohibits unauthorized use or disclosure of these records." in page
    assert "To support recovery and join family sessions" in page


def test_family_sees_the_attendance_summary_only_when_consented(
    client, family_member, narrow_family, sessions, episode, clinician
):
    sessions["group"].held_on = timezone.localdate()  # held today, before attendance is taken
    sessions["group"].save()
    AttendanceRecord.objects.create(
        session=sessions["group"],
        participant=episode.participant,
        episode=episode,
        status="present",
        minutes=180,
        recorded_by=clinician,
    )
    client.force_login(narrow_family)
    narrow = client.get(reverse("portal:family")).content.decode()
    assert "1 sessions attended, 0 missed" in narrow
    assert "Family sessions and workshops" not in narrow


def test_revoking_the_consent_ends_family_access_on_the_next_request(
    client, family_member, consent, clinician
):
    client.force_login(family_member)
    assert client.get(reverse("portal:family")).status_code == 200

    portal_services.consent_revoke(actor=clinician, consent=consent, expected_version=1)

    assert client.get(reverse("portal:family")).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.CONSENT_REVOKED).exists()


def test_the_consent_expires_at_the_end_of_its_last_day(client, family_member, consent):
    import time_machine

    last_day = datetime.datetime.combine(consent.expires_on, datetime.time(23, 50))
    with time_machine.travel(timezone.make_aware(last_day), tick=False) as clock:
        client.force_login(family_member)
        assert client.get(reverse("portal:family")).status_code == 200
        clock.shift(datetime.timedelta(minutes=11))  # past midnight, same session
        assert client.get(reverse("portal:family")).status_code == 404


# ----------------------------------------------------------------------------- after discharge


def test_after_discharge_the_participant_keeps_their_journal_but_cannot_check_in(
    client, participant_user, episode
):
    episode.status, episode.discharged_on = "discharged", timezone.localdate()
    episode.save()
    client.force_login(participant_user)

    assert client.get(reverse("portal:today")).status_code == 200
    assert client.get(reverse("portal:journal")).status_code == 200
    response = client.get(reverse("portal:check_in"), follow=True)
    assert "open while you are in the program" in response.content.decode()


# ----------------------------------------------------------------------------- query counts


def test_today_keeps_a_fixed_query_count(client, participant_user, program, episode, clinician):
    client.force_login(participant_user)
    client.get(reverse("portal:today"))  # warm the session

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("portal:today")).status_code == 200
        return len(queries)

    few = count()
    for offset in range(1, 8):
        attend(SessionFactory(program=program, held_on=_day(offset), lead=clinician), episode)
    assert count() == few
