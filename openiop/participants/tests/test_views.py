"""What a user sees on the participant pages, including bad input."""

import datetime

import pytest
from django.urls import reverse

from openiop.participants.models import Episode, EpisodeStatus, Participant
from openiop.participants.tests.factories import EpisodeFactory


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 15, 0), tick=False)


def _registration(program, **overrides):
    data = {
        "legal_first_name": "Casey",
        "legal_last_name": "Morgan",
        "date_of_birth": "1988-06-15",
        "sex_assigned_at_birth": "female",
        "primary_language": "English",
        "program": program.pk,
        "referral_source": "detox",
        "referred_on": "2026-11-20",
    }
    return data | overrides


def test_register_then_land_on_the_chart(client, front_desk, program):
    client.force_login(front_desk)
    response = client.post(reverse("participants:register"), _registration(program), follow=True)
    participant = Participant.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "participants:chart", args=[participant.public_id]
    )
    page = response.content.decode()
    assert f"registered with MRN {participant.mrn}" in page
    assert "Withdrawal management (detox)" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2027-01-01", "This date cannot be in the future."),
        ("date_of_birth", "not-a-date", "Enter a valid date."),
        ("referred_on", "2026-12-01", "The referral date cannot be in the future."),
        ("legal_last_name", "", "This field is required."),
        ("referral_source", "aliens", "Select a valid choice."),
        ("email", "casey@", "Enter a valid email address."),
    ],
)
def test_bad_registration_input_is_explained_and_nothing_is_saved(
    client, front_desk, program, field, value, message
):
    client.force_login(front_desk)
    response = client.post(
        reverse("participants:register"), _registration(program, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Participant.objects.exists()


def test_a_program_outside_the_users_programs_is_not_a_valid_choice(
    client, front_desk, program, other_program
):
    client.force_login(front_desk)
    response = client.post(
        reverse("participants:register"), _registration(program) | {"program": other_program.pk}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Participant.objects.exists()


def test_possible_duplicate_asks_for_confirmation_then_registers(client, front_desk, program):
    client.force_login(front_desk)
    client.post(reverse("participants:register"), _registration(program))
    again = client.post(reverse("participants:register"), _registration(program))
    page = again.content.decode()
    assert "already registered" in page
    assert "this is a different person" in page
    assert Participant.objects.count() == 1
    confirmed = client.post(
        reverse("participants:register"),
        _registration(program, confirm_not_duplicate="on"),
    )
    assert confirmed.status_code == 302
    assert Participant.objects.count() == 2


def test_extra_posted_fields_cannot_set_server_owned_values(client, front_desk, program):
    client.force_login(front_desk)
    client.post(
        reverse("participants:register"),
        _registration(program, mrn="000000000", version="99", status="active"),
    )
    participant = Participant.objects.get()
    assert participant.mrn != "000000000"
    assert participant.version == 1
    assert participant.episodes.get().status == EpisodeStatus.REFERRED


def test_editing_a_stale_version_shows_a_conflict_and_keeps_the_newer_data(
    client, clinician, participant
):
    client.force_login(clinician)
    url = reverse("participants:edit", args=[participant.public_id])
    data = {
        "legal_first_name": participant.legal_first_name,
        "legal_last_name": participant.legal_last_name,
        "date_of_birth": participant.date_of_birth.isoformat(),
        "sex_assigned_at_birth": participant.sex_assigned_at_birth,
        "primary_language": "English",
        "version": participant.version,
    }
    assert client.post(url, data | {"phone": "555-0111"}).status_code == 302
    response = client.post(url, data | {"phone": "555-0222"})
    assert "Someone else changed this record" in response.content.decode()
    participant.refresh_from_db()
    assert participant.phone == "555-0111"


def test_admit_before_referral_date_is_explained(client, clinician, program):
    referral = EpisodeFactory(program=program, referred_on=datetime.date(2026, 11, 20))
    referral.care_team.create(user=clinician, role="primary_therapist")
    client.force_login(clinician)
    url = reverse("participants:admit", args=[referral.public_id])
    response = client.post(
        url,
        {"admitted_on": "2026-11-19", "primary_clinician": clinician.pk, "version": 1},
    )
    assert "cannot be before the referral date (2026-11-20)" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == EpisodeStatus.REFERRED

    response = client.post(
        url, {"admitted_on": "2026-11-23", "primary_clinician": clinician.pk, "version": 1}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.primary_clinician) == (EpisodeStatus.ACTIVE, clinician)


def test_refer_to_a_program_with_an_open_episode_is_explained(
    client, director, participant, program
):
    client.force_login(director)
    response = client.post(
        reverse("participants:refer", args=[participant.public_id]),
        {"program": program.pk, "referral_source": "self", "referred_on": "2026-11-23"},
    )
    assert "already has an open episode" in response.content.decode()
    assert Episode.objects.filter(participant=participant).count() == 1


def test_history_shows_field_level_before_and_after(client, director, participant):
    client.force_login(director)
    url = reverse("participants:edit", args=[participant.public_id])
    client.post(
        url,
        {
            "legal_first_name": participant.legal_first_name,
            "legal_last_name": participant.legal_last_name,
            "date_of_birth": participant.date_of_birth.isoformat(),
            "sex_assigned_at_birth": participant.sex_assigned_at_birth,
            "primary_language": "Spanish",
            "version": participant.version,
        },
    )
    page = client.get(reverse("participants:history", args=[participant.public_id]))
    html = page.content.decode()
    assert "primary language" in html
    assert "<del>English</del>" in html and "<ins>Spanish</ins>" in html
    assert director.full_name in html


def test_caseload_query_count_does_not_grow_with_participants(
    client, clinician, program, django_assert_num_queries
):
    def add_participants(count):
        for _ in range(count):
            episode = EpisodeFactory(program=program, active=True, primary_clinician=clinician)
            episode.care_team.create(user=clinician, role="primary_therapist")

    client.force_login(clinician)
    add_participants(2)
    client.get(reverse("participants:caseload"))  # warm the session
    # Fixed, whatever the row count; each alert provider adds a fixed number (scheduling: 3).
    with django_assert_num_queries(15):
        small = client.get(reverse("participants:caseload"))
    add_participants(20)
    with django_assert_num_queries(15):
        large = client.get(reverse("participants:caseload"))
    assert small.content.decode().count("/participants/") < large.content.decode().count(
        "/participants/"
    )


def test_caseload_filters_by_status_with_htmx(client, director, episode, program):
    EpisodeFactory(program=program)  # a referral
    client.force_login(director)
    response = client.get(
        reverse("participants:caseload"), {"status": "referred"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html  # a fragment for htmx
    assert episode.participant.mrn not in html
    assert "1 participant" in html


def test_search_finds_by_name_or_mrn_and_keeps_names_out_of_the_url(
    client, clinician, participant, other_participant
):
    client.force_login(clinician)
    by_name = client.post(reverse("participants:search"), {"q": participant.legal_last_name})
    by_mrn = client.post(
        reverse("participants:search"), {"q": participant.mrn[:5]}, HTTP_HX_REQUEST="true"
    )
    assert participant.display_name in by_name.content.decode()
    assert participant.display_name in by_mrn.content.decode()
    assert "<html" not in by_mrn.content.decode()
    assert by_name.wsgi_request.get_full_path() == reverse("participants:search")
    page = client.get(reverse("participants:caseload")).content.decode()
    assert 'role="search" action="/participants/search/" method="post"' in page
    assert 'hx-post="/participants/search/"' in page


def test_a_chart_page_is_never_stored_by_the_browser(client, clinician, participant):
    client.force_login(clinician)
    response = client.get(reverse("participants:chart", args=[participant.public_id]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_page_titles_name_the_mrn_not_the_person(client, clinician, participant):
    client.force_login(clinician)
    html = client.get(reverse("participants:chart", args=[participant.public_id])).content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    assert participant.mrn in title
    assert participant.legal_last_name not in title


def test_closing_a_referral_without_a_reason_is_explained_and_changes_nothing(
    client, clinician, program
):
    referral = EpisodeFactory(program=program, referred_on=datetime.date(2026, 11, 20))
    referral.care_team.create(user=clinician, role="primary_therapist")
    client.force_login(clinician)
    url = reverse("participants:close", args=[referral.public_id])
    response = client.post(url, {"reason": "", "version": referral.version})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == EpisodeStatus.REFERRED

    done = client.post(
        url, {"reason": "declined", "detail": "", "version": referral.version}, follow=True
    )
    assert "Referral closed." in done.content.decode()
    assert "Person declined services" in done.content.decode()


def test_the_close_form_preselects_no_reason(client, clinician, program):
    referral = EpisodeFactory(program=program, referred_on=datetime.date(2026, 11, 20))
    referral.care_team.create(user=clinician, role="primary_therapist")
    client.force_login(clinician)
    html = client.get(reverse("participants:close", args=[referral.public_id])).content.decode()
    assert '<option value="" selected>' in html


def test_history_keeps_the_order_of_saves_made_in_the_same_instant(director, participant):
    """Two saves can share a timestamp (a coarse clock): before/after still pair up in the
    order the saves happened."""
    import time_machine

    from openiop.participants import services
    from openiop.participants.selectors import participant_change_history

    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        for language in ["Spanish", "French", "Portuguese"]:
            participant.refresh_from_db()
            services.participant_update(
                actor=director,
                participant=participant,
                version=participant.version,
                primary_language=language,
            )
    pairs = {
        (old, new)
        for change in participant_change_history(participant, director)
        for _field, old, new in change.fields
        if _field == "primary language"
    }
    assert pairs == {("English", "Spanish"), ("Spanish", "French"), ("French", "Portuguese")}
