"""Demo staff: one account per person (AUTH-1), one role each, a shared demo password.

Leaves ``context.data["staff"]`` (role -> list of users, in cast order), ``["logins"]``
(e-mail, role label) and ``["password"]`` for the loaders and the command after it.
"""

from typing import TYPE_CHECKING, NamedTuple

from openiop.accounts.models import User
from openiop.accounts.roles import Role
from openiop.accounts.services import user_create

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

DEMO_PASSWORD = "Recovery-demo-2026"  # noqa: S105 (published on purpose: demo accounts only)
DEMO_EMAIL_DOMAIN = "demo.openiop.org"


class DemoStaff(NamedTuple):
    full_name: str
    role: str
    credentials: str = ""
    supervisor: str = ""  # the supervisor's full name, earlier in the cast
    requires_cosignature: bool = False

    @property
    def email(self) -> str:
        return f"{self.full_name.lower().replace(' ', '.')}@{DEMO_EMAIL_DOMAIN}"


DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("Elena Marquez", Role.PROGRAM_DIRECTOR, "LCSW, LCADC"),
    DemoStaff("Samuel Okafor", Role.CLINICIAN, "LCSW"),
    DemoStaff("Priya Natarajan", Role.CLINICIAN, "LPC"),
    DemoStaff(
        "Jordan Blake",
        Role.COUNSELOR,
        "CADC",
        supervisor="Samuel Okafor",
        requires_cosignature=True,
    ),
    DemoStaff("Helen Brandt", Role.PRESCRIBER, "MD"),
    DemoStaff("Tomas Rivera", Role.NURSE_TECHNICIAN, "RN"),
    DemoStaff("Keisha Moore", Role.FRONT_DESK),
    DemoStaff("Dale Hoffman", Role.BILLING),
    DemoStaff("Ruth Abernathy", Role.COMPLIANCE_AUDITOR),
)


def _get_or_create(person: DemoStaff, by_name: dict[str, User]) -> tuple[User, bool]:
    existing = User.objects.filter(email__iexact=person.email).first()
    if existing is not None:
        return existing, False
    user = user_create(
        actor=None,
        email=person.email,
        full_name=person.full_name,
        password=DEMO_PASSWORD,
        roles=[person.role],
        credentials=person.credentials,
        requires_cosignature=person.requires_cosignature,
        supervisor=by_name.get(person.supervisor),
    )
    return user, True


def load(context: "DemoContext") -> None:
    by_name: dict[str, User] = {}
    staff: dict[str, list[User]] = {role: [] for role in Role.values}
    created = 0
    for person in DEMO_STAFF:
        user, is_new = _get_or_create(person, by_name)
        created += is_new
        by_name[person.full_name] = user
        staff[person.role].append(user)
    context.data["staff"] = staff
    context.data["logins"] = [(person.email, str(Role(person.role).label)) for person in DEMO_STAFF]
    context.data["password"] = DEMO_PASSWORD
    context.log(f"Staff: {len(DEMO_STAFF)} accounts ({created} new).")
