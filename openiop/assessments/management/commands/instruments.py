"""``openiop instruments``: a program's own instruments from definition files.

    openiop instruments add --program "Adult IOP" sleep_check.json
    openiop instruments list [--program "Adult IOP"]

``--program`` takes the program's public id (a UUID) or its name. The file is checked exactly
as on the settings page; a problem is reported in one line, never as a traceback.
"""

from pathlib import Path
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from openiop.accounts.models import User
from openiop.assessments import selectors, services
from openiop.assessments.instruments import parse_definition_json
from openiop.assessments.models import DefinitionSource
from openiop.programs.models import Program

DIRECTOR_PERMISSION = "assessments.add_instrumentenablement"


def find_program(value: str) -> Program:
    """A program by public id or by name (a name several sites use must be given as an id)."""
    try:
        matches = list(Program.objects.filter(public_id=UUID(value)).select_related("site"))
    except ValueError:
        matches = list(Program.objects.filter(name=value).select_related("site"))
    if not matches:
        raise CommandError(f"No program with the public id or name {value!r}.")
    if len(matches) > 1:
        ids = ", ".join(f"{program.public_id} ({program.site.name})" for program in matches)
        raise CommandError(f"Several programs are named {value!r}; give one public id: {ids}.")
    return matches[0]


def find_staff(email: str) -> User:
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.has_perm(DIRECTOR_PERMISSION):
        raise CommandError(f"{email} is not an active account allowed to add instruments.")
    return user


class Command(BaseCommand):
    help = "Add a program's own instrument from a definition file, or list programs' own ones."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help="Add an instrument, or its next version")
        add.add_argument("--program", required=True, help="Program public id or name")
        add.add_argument("file", help="Definition file (JSON); see docs/instruments.md")
        add.add_argument(
            "--by",
            metavar="EMAIL",
            help="The staff member (a program director of that program) adding it; "
            "without it the audit trail records the command line",
        )
        add.add_argument(
            "--accept-licence",
            action="store_true",
            help="Accept the licence terms in the file (needed when it limits use)",
        )
        listing = commands.add_parser("list", help="List programs' own instruments")
        listing.add_argument("--program", help="Program public id or name")

    def handle(self, *args, action, **options):
        if action == "add":
            self.add(options)
        else:
            self.list(options)

    def add(self, options) -> None:
        program = find_program(options["program"])
        actor = find_staff(options["by"]) if options["by"] else None
        path = Path(options["file"])
        try:
            data = parse_definition_json(path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except ValueError as error:
            raise CommandError(f"{path}: {error}.") from None
        try:
            definition = services.instrument_definition_add(
                actor=actor,
                program=program,
                data=data,
                file_name=path.name,
                licence_acknowledged=options["accept_licence"],
                source=DefinitionSource.COMMAND,
            )
        except ValidationError as error:
            raise CommandError(f"{path}: {' '.join(error.messages)}") from None
        self.stdout.write(
            f"Added {definition.name} ({definition.code}) version {definition.version} "
            f"to {program.name}."
        )

    def list(self, options) -> None:
        programs = (
            [find_program(options["program"])]
            if options["program"]
            else list(Program.objects.order_by("name"))
        )
        for program, rows in selectors.own_instrument_rows(programs):
            self.stdout.write(f"{program.name} ({program.public_id})")
            for row in rows:
                latest = row.latest
                self.stdout.write(
                    f"  {latest.code}  {latest.name}  version {latest.version}  "
                    f"added {latest.created_at:%Y-%m-%d}"
                )
            if not rows:
                self.stdout.write("  (none)")
