import io

import pytest
from django.core.management import CommandError, call_command

from openiop.accounts.models import User
from openiop.audit.models import AuditAction, AuditEvent


def _create(monkeypatch, password, **options):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("createstaff", password_stdin=True, stdout=out, **options)
    return out.getvalue()


def test_creates_an_account_with_its_role_and_programs(monkeypatch, program):
    output = _create(
        monkeypatch,
        "a long enough passphrase 93",
        email="New.Clinician@Example.org",
        name="Nia Clinician",
        role="clinician",
        program=[program.name],
    )
    user = User.objects.get(email="new.clinician@example.org")
    assert "Created new.clinician@example.org" in output
    assert user.roles == ["clinician"]
    assert user.check_password("a long enough passphrase 93")
    assert list(user.program_memberships.values_list("program__name", flat=True)) == [program.name]
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_GRANTED, target_id=str(user.public_id))


@pytest.mark.parametrize(
    ("password", "options", "message"),
    [
        ("short", {}, "too short"),
        ("a long enough passphrase 93", {"program": ["Nowhere"]}, "No program named"),
    ],
)
def test_bad_input_creates_nothing(monkeypatch, db, password, options, message):
    with pytest.raises(CommandError, match=message):
        _create(monkeypatch, password, email="x@example.org", name="X", role="billing", **options)
    assert not User.objects.filter(email="x@example.org").exists()
