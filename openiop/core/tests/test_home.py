import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("persona", "lands_on"),
    [
        ("director", "participants:caseload"),
        ("clinician", "participants:caseload"),
        ("front_desk", "participants:caseload"),
        ("auditor", "audit:events"),
    ],
)
def test_each_role_lands_on_its_own_starting_page(client, as_persona, persona, lands_on):
    as_persona(persona)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(lands_on)


@pytest.mark.parametrize("persona", ["billing", "participant_user", "family_member"])
def test_roles_without_pages_get_a_welcome_not_an_error(client, as_persona, persona):
    user = as_persona(persona)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Your account has no pages yet" in response.content.decode()
    assert user.full_name in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
