"""``openiop drugtests``: drug testing from the command line.

    openiop drugtests import-hl7 PATH [--program NAME] [--user EMAIL]

``PATH`` is one file or a directory (its ``*.hl7``, ``*.txt`` and ``*.oru`` files, sorted by
name). Every message is kept: matched ones record their results, the others wait in the
reconciliation queue with the reason. Importing the same message again changes nothing.
Prints one line per message and a summary.
"""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

SUFFIXES = {".hl7", ".txt", ".oru"}


@dataclass(frozen=True)
class Subcommand:
    help: str
    add_arguments: Callable[[ArgumentParser], None]
    handle: Callable[[BaseCommand, dict[str, Any]], None]


def _import_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="an HL7 file or a directory of them")
    parser.add_argument("--program", metavar="NAME", help="match only this program's orders")
    parser.add_argument("--user", metavar="EMAIL", help="the staff member importing (audit)")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if path.is_file():
        return [path]
    raise CommandError(f"{path} is neither a file nor a directory.")


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _import(command: BaseCommand, options: dict[str, Any]) -> None:
    from openiop.accounts.models import User
    from openiop.drugtests import services
    from openiop.programs.models import Program

    program = None
    if options.get("program"):
        program = Program.objects.filter(name=options["program"]).first()
        if program is None:
            raise CommandError(f"No program is named {options['program']!r}.")
    actor = None
    if options.get("user"):
        actor = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user has the e-mail {options['user']!r}.")
    counts = {"matched": 0, "queued": 0, "already": 0}
    for path in _files(Path(options["path"])):
        try:
            text = _read(path)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        for message, created in services.lab_import_text(
            text=text, actor=actor, source=f"file:{path.name}", program=program
        ):
            if not created:
                counts["already"] += 1
                state = "already imported"
            elif message.is_open:
                counts["queued"] += 1
                state = f"to reconcile: {message.reason}"
            else:
                counts["matched"] += 1
                state = "matched"
            command.stdout.write(f"{path.name} {message.control_id or '-'}: {state}")
    command.stdout.write(
        f"{counts['matched']} matched, {counts['queued']} to reconcile, "
        f"{counts['already']} already imported."
    )


SUBCOMMANDS: dict[str, Subcommand] = {
    "import-hl7": Subcommand(
        "import laboratory results (HL7 v2 ORU^R01) from a file or a directory",
        _import_arguments,
        _import,
    ),
}


class Command(BaseCommand):
    help = "Drug testing: import laboratory results."

    def add_arguments(self, parser: ArgumentParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        for name, subcommand in SUBCOMMANDS.items():
            subcommand.add_arguments(subparsers.add_parser(name, help=subcommand.help))

    def handle(self, *args: Any, **options: Any) -> None:
        SUBCOMMANDS[options["subcommand"]].handle(self, options)
