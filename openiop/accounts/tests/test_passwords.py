"""AUTH-5: length >= 12, common and all-numeric passwords rejected, no composition rules;
changing one's own password is audited and the old one stops working."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from openiop.accounts.tests.helpers import assert_signed_in, audit_rows, sign_in
from openiop.audit.models import AuditAction, AuditOutcome

PASSPHRASE = "violet canyon morning ledger"

REJECTED = [
    pytest.param("tulip-stone", "password_too_short", id="too-short"),
    pytest.param("password1234", "password_too_common", id="common"),
    pytest.param("918273645501928374", "password_entirely_numeric", id="all-numeric"),
]


def _codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list}


@pytest.mark.parametrize(("candidate", "code"), REJECTED)
def test_validators_reject(candidate, code):
    with pytest.raises(ValidationError) as raised:
        validate_password(candidate)
    assert code in _codes(raised.value)


def test_validators_accept_a_long_passphrase_without_composition_rules():
    validate_password(PASSPHRASE)  # lower case letters and spaces only: no rule against that


def test_validators_reject_a_password_like_the_users_email(clinician):
    with pytest.raises(ValidationError) as raised:
        validate_password("clinician@example.org", clinician)
    assert "password_too_similar" in _codes(raised.value)


@given(st.text(max_size=11))
def test_every_password_shorter_than_twelve_characters_is_rejected(candidate):
    with pytest.raises(ValidationError) as raised:
        validate_password(candidate)
    assert "password_too_short" in _codes(raised.value)


@given(st.text(alphabet=st.characters(categories=["L"]), min_size=12, max_size=40))
def test_length_alone_is_enough_for_uncommon_letter_passwords(candidate):
    """No composition rule: twelve or more letters pass unless the string is a common one."""
    try:
        validate_password(candidate)
    except ValidationError as error:
        assert _codes(error) == {"password_too_common"}


def _change(client, old, new, confirm=None):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": confirm or new},
    )


def test_password_change_page_shows_labelled_fields(client, clinician):
    client.force_login(clinician)

    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 200
    html = response.content.decode()
    for field in ("id_old_password", "id_new_password1", "id_new_password2"):
        assert f'<label class="form-label" for="{field}">' in html
    assert 'aria-describedby="id_new_password1_helptext"' in html
    assert "no-store" in response["Cache-Control"]


def test_password_change_requires_sign_in(client, db):
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("candidate", "code"), REJECTED)
def test_password_change_page_rejects_weak_passwords(client, clinician, password, candidate, code):
    client.force_login(clinician)

    response = _change(client, password, candidate)

    assert response.status_code == 200
    form = response.context["form"]
    assert code in {e.code for e in form.errors.as_data()["new_password2"]}
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_new_password2_error id_new_password2_helptext"' in html
    clinician.refresh_from_db()
    assert clinician.check_password(password)
    assert not audit_rows(AuditAction.PASSWORD_CHANGED).exists()


def test_password_change_refuses_a_wrong_old_password(client, clinician, password):
    client.force_login(clinician)

    response = _change(client, "not-my-password-at-all", PASSPHRASE)

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    clinician.refresh_from_db()
    assert clinician.check_password(password)
    assert not audit_rows(AuditAction.PASSWORD_CHANGED).exists()


def test_password_change_is_audited_and_the_old_password_stops_working(client, clinician, password):
    assert_signed_in(client, clinician, sign_in(client, clinician.email, password))

    response = _change(client, password, PASSPHRASE)

    assert response.status_code == 302
    assert response.url == reverse("home")
    clinician.refresh_from_db()
    assert clinician.check_password(PASSPHRASE)
    assert not clinician.check_password(password)
    event = audit_rows(AuditAction.PASSWORD_CHANGED).get()
    assert (event.actor, event.outcome) == (clinician, AuditOutcome.ALLOWED)
    assert password not in repr(event.details) and PASSPHRASE not in repr(event.details)
    # This session stays signed in ...
    assert client.get(reverse("accounts:password_change")).status_code == 200
    # ... the old password is refused, the new one works.
    fresh = Client()
    assert sign_in(fresh, clinician.email, password).status_code == 200
    assert "_auth_user_id" not in fresh.session
    assert audit_rows(AuditAction.LOGIN_FAILED).count() == 1
    assert_signed_in(fresh, clinician, sign_in(fresh, clinician.email, PASSPHRASE))


def test_password_change_signs_out_the_users_other_sessions(client, clinician, password):
    other_device = Client()
    assert_signed_in(other_device, clinician, sign_in(other_device, clinician.email, password))
    assert_signed_in(client, clinician, sign_in(client, clinician.email, password))

    assert _change(client, password, PASSPHRASE).status_code == 302

    response = other_device.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
