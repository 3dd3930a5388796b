"""AZ-8: privilege changes are audited with before and after; account creation validates."""

import pytest
from django.core.exceptions import ValidationError

from openiop.accounts.models import User
from openiop.accounts.roles import Role
from openiop.accounts.services import user_create, user_grant_role, user_revoke_role
from openiop.audit.models import AuditAction, AuditEvent, DataCategory


def test_granting_a_role_is_audited_with_before_and_after(director, front_desk):
    user_grant_role(actor=director, user=front_desk, role=Role.BILLING)

    assert sorted(front_desk.roles) == ["billing", "front_desk"]
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert event.actor == director
    assert (event.target_type, event.target_id) == ("accounts.user", str(front_desk.public_id))
    assert event.category == DataCategory.SECURITY
    assert event.details == {
        "role": "billing",
        "before": ["front_desk"],
        "after": ["billing", "front_desk"],
    }


def test_revoking_a_role_is_audited_with_before_and_after(director, clinician):
    assert clinician.has_perm("participants.view_participant")

    user_revoke_role(actor=director, user=clinician, role=Role.CLINICIAN)

    clinician = User.objects.get(pk=clinician.pk)  # fresh permission cache
    assert clinician.roles == []
    assert not clinician.has_perm("participants.view_participant")
    event = AuditEvent.objects.get(action=AuditAction.ROLE_REVOKED)
    assert event.actor == director
    assert event.target_id == str(clinician.public_id)
    assert event.details == {"role": "clinician", "before": ["clinician"], "after": []}


@pytest.mark.parametrize("service", [user_grant_role, user_revoke_role])
def test_an_unknown_role_raises_and_writes_nothing(director, clinician, service):
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as raised:
        service(actor=director, user=clinician, role="superuser")

    assert raised.value.code == "unknown_role"
    assert clinician.roles == ["clinician"]
    assert AuditEvent.objects.count() == before


def test_user_create_audits_the_account_and_each_role(director):
    user = user_create(
        actor=director,
        email=" New.Counselor@Example.org ",
        full_name="Noa Counselor",
        password="amber lantern quietly drifting",
        roles=[Role.COUNSELOR],
    )

    assert user.email == "new.counselor@example.org"
    assert user.check_password("amber lantern quietly drifting")
    actions = list(
        AuditEvent.objects.filter(target_id=str(user.public_id))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.USER_CREATED, AuditAction.ROLE_GRANTED]


def test_user_create_rejects_a_weak_password_and_writes_nothing(director):
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        user_create(
            actor=director, email="weak@example.org", full_name="W", password="password1234"
        )

    assert not User.objects.filter(email="weak@example.org").exists()
    assert AuditEvent.objects.count() == before


def test_user_create_refuses_a_duplicate_email_in_any_case(director, clinician):
    with pytest.raises(ValidationError) as raised:
        user_create(actor=director, email="CLINICIAN@example.org", full_name="Dup", password=None)

    assert "email" in raised.value.message_dict
    assert User.objects.filter(email__iexact="clinician@example.org").count() == 1
