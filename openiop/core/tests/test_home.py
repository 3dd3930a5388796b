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


@pytest.mark.parametrize("kind", ["participant", "family"])
def test_portal_accounts_land_in_the_portal(client, participant, episode, clinician, kind):
    from openiop.accounts.tests.factories import UserFactory
    from openiop.participants.models import PortalAccount
    from openiop.portal.tests.conftest import link_family, make_consent

    user = UserFactory(email=f"{kind}.portal@example.org")
    if kind == "participant":
        PortalAccount.objects.create(user=user, participant=participant, kind="participant")
    else:
        link_family(user, participant, make_consent(participant, episode, clinician))
    client.force_login(user)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == reverse("portal:home")
    assert "Your account has no pages yet" not in response.content.decode()
    assert "My caseload" not in response.content.decode()
