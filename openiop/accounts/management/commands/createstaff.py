"""``openiop createstaff``: give a person their own account, with a role and programs."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from openiop.accounts.roles import Role
from openiop.accounts.services import user_create
from openiop.programs.models import Program
from openiop.programs.services import program_membership_add


class Command(BaseCommand):
    help = "Create a staff account with a role, optionally in one or more programs."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--credentials", default="", help="e.g. LCSW")
        parser.add_argument(
            "--program", action="append", default=[], help="Program name (repeatable)"
        )
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input"
        )

    def handle(self, *args, **options):
        programs = []
        for name in options["program"]:
            matches = list(Program.objects.filter(name=name).select_related("site"))
            if not matches:
                raise CommandError(f"No program named {name!r}.")
            if len(matches) > 1:
                sites = ", ".join(program.site.name for program in matches)
                raise CommandError(f"Several programs are named {name!r} (sites: {sites}).")
            programs.append(matches[0])
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            with transaction.atomic():
                user = user_create(
                    actor=None,
                    email=options["email"],
                    full_name=options["name"],
                    password=password,
                    roles=[options["role"]],
                    credentials=options["credentials"],
                )
                for program in programs:
                    program_membership_add(actor=None, user=user, program=program)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Created {user.email} ({Role(options['role']).label}).")
