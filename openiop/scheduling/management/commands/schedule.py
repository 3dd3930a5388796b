"""``openiop schedule``: the week-schedule solver from the command line.

    openiop schedule solve PROBLEM.json [--time-limit S] [--seed N] > SCHEDULE.json
    openiop schedule export --program P --week 2026-W48 > PROBLEM.json

``PROBLEM.json`` is an ``openiop-week/1`` document (``-`` reads standard input); the
``openiop-schedule/1`` answer goes to standard output. A file that cannot be read, is not
JSON or breaks the format stops with a one-line message naming the element at fault.

Each subcommand is a :class:`Subcommand` in ``SUBCOMMANDS``: its arguments and its handler,
so another (e.g. ``export``) is one more entry.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openiop.scheduling.solver import problem_from_json, solve


@dataclass(frozen=True)
class Subcommand:
    help: str
    add_arguments: Callable[[ArgumentParser], None]
    handle: Callable[[BaseCommand, dict[str, Any]], None]


def read_json(path: str, what: str) -> object:
    """The JSON document at ``path`` (``-``: standard input), or a CommandError in words."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CommandError(f"cannot read {what} {path}: {reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{what} {path} is not valid JSON: {error.msg} at line {error.lineno} "
            f"column {error.colno}"
        ) from None


def _solve_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("problem", metavar="PROBLEM.json", help="openiop-week/1 file, - for stdin")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds to search (default 30)",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="random seed")
    parser.add_argument(
        "--workers", type=int, default=2, metavar="W", help="search workers, at least 2 (default 2)"
    )
    parser.add_argument(
        "--hint",
        metavar="SCHEDULE.json",
        help="last schedule: warm start, kept stable unless --no-stability",
    )
    parser.add_argument(
        "--no-stability",
        action="store_true",
        help="use --hint only as a warm start; do not hold its sessions in place",
    )


def _solve(command: BaseCommand, options: dict[str, Any]) -> None:
    path = options["problem"]
    label = "standard input" if path == "-" else path
    if not options["time_limit"] > 0:
        raise CommandError("--time-limit must be a positive number of seconds")
    try:
        problem = problem_from_json(read_json(path, "problem"))
    except ValueError as error:
        raise CommandError(f"{label}: {error}") from None
    hint = read_json(options["hint"], "hint") if options.get("hint") else None
    if hint is not None and not isinstance(hint, dict):
        raise CommandError(f"hint {options['hint']}: a schedule must be a JSON object")
    try:
        schedule = solve(
            problem,
            time_limit=options["time_limit"],
            seed=options["seed"],
            workers=max(2, options["workers"]),
            hint=hint,
            stability=not options["no_stability"],
        )
    except ValueError as error:
        raise CommandError(f"{label}: {error}") from None
    command.stdout.write(json.dumps(schedule, indent=2))


def _export_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--program", required=True, help="the program's public id or exact name")
    parser.add_argument("--week", required=True, help="ISO week, e.g. 2026-W48")


def _export(command: BaseCommand, options: dict[str, Any]) -> None:
    from openiop.scheduling.exchange import export_command

    try:
        command.stdout.write(export_command(options["program"], options["week"]), ending="")
    except ValueError as error:
        raise CommandError(str(error)) from None


SUBCOMMANDS: dict[str, Subcommand] = {
    "solve": Subcommand(
        "solve a week: PROBLEM.json in, schedule JSON out", _solve_arguments, _solve
    ),
    "export": Subcommand(
        "write the week's problem the database holds (openiop-week/1)", _export_arguments, _export
    ),
}


class Command(BaseCommand):
    help = "Week schedules: solve an openiop-week/1 problem into an openiop-schedule/1 answer."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        for name, subcommand in SUBCOMMANDS.items():
            subcommand.add_arguments(subparsers.add_parser(name, help=subcommand.help))

    def handle(self, *args: Any, **options: Any) -> None:
        SUBCOMMANDS[options["subcommand"]].handle(self, options)
