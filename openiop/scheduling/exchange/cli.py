"""``openiop schedule export``: arguments to a program, a week and its problem."""

from __future__ import annotations

import json
import uuid

from openiop.programs.models import Program
from openiop.scheduling import rules
from openiop.scheduling.exchange.problem import problem_for_week


def find_program(text: str) -> Program:
    """A program by public id or exact name; ValueError with a clear message otherwise."""
    programs = Program.objects.select_related("site")
    try:
        public_id = uuid.UUID(text.strip())
    except (AttributeError, ValueError):
        matches = list(programs.filter(name=text))
    else:
        matches = list(programs.filter(public_id=public_id))
    if not matches:
        raise ValueError(f"No program has the public id or exact name {text!r}.")
    if len(matches) > 1:
        raise ValueError(
            f"{len(matches)} programs are named {text!r} (at different sites): "
            "give the program's public id instead."
        )
    return matches[0]


def export_command(program: str, week: str) -> str:
    """``openiop schedule export --program P --week 2026-W48``: the week's problem as JSON."""
    found = find_program(program)
    week_of = rules.parse_iso_week(week)
    return json.dumps(problem_for_week(found, week_of), indent=2) + "\n"
