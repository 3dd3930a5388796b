"""``openiop demo``: load a synthetic demo program (fictional people only).

Each OpenIOP app may have a ``demo`` module with ``load(context)``; they run in INSTALLED_APPS
order inside one transaction, so a later app finds what earlier ones left in
``context.data`` (``staff``, ``programs``, ...). Loaders look things up by natural keys
(site name, program name, e-mail, MRN) before creating them, and draw every random choice
whether or not the object already exists: a second run changes nothing, and the same
``--today`` gives the same data.
"""

import random
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

DEMO_SEED = 2026


@dataclass
class DemoContext:
    """What every app's ``demo.load(context)`` receives."""

    today: date
    random: random.Random
    stdout: OutputWrapper
    data: dict[str, Any] = field(default_factory=dict)
    seed: int = DEMO_SEED

    def random_for(self, label: str) -> random.Random:
        """A generator of its own for ``label``: its draws do not shift when other apps
        add or remove draws, so e.g. MRNs stay stable as the demo grows."""
        return random.Random(f"{self.seed}:{label}")  # noqa: S311 (repeatable, not secret)

    def log(self, message: str) -> None:
        self.stdout.write(message)


def demo_loaders() -> list[tuple[str, Any]]:
    """(app name, load function) for each OpenIOP app with a ``demo`` module, in order."""
    loaders = []
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("openiop."):
            continue
        if module_has_submodule(app_config.module, "demo"):
            module = import_module(f"{app_config.name}.demo")
            loaders.append((app_config.name, module.load))
    return loaders


def _parse_today(value: date | str | None) -> date:
    local_today = timezone.localdate()
    if value is None:
        return local_today
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from None
    if value > local_today:
        raise CommandError(
            f"--today {value.isoformat()} is in the future (today is {local_today.isoformat()}); "
            "recorded dates may not be in the future."
        )
    return value


class Command(BaseCommand):
    help = (
        "Load a synthetic demo program: a site, two programs, a staff cast and about 60 "
        "fictional participants. Safe to run again. Development and demonstration only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="The date the demo is built around, YYYY-MM-DD (default: today's local date).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Never use this on a production database.",
        )

    def handle(self, *args, today=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data: DEBUG is off, so this may be a production "
                "database. Set OPENIOP_DEBUG=1 for a development database, or pass --force "
                "if you are sure this database is for demonstration only."
            )
        rng = random.Random(DEMO_SEED)  # noqa: S311 (repeatable demo data, not secret)
        context = DemoContext(today=_parse_today(today), random=rng, stdout=self.stdout)
        self.stdout.write(f"Loading the OpenIOP demo for {context.today.isoformat()}.")
        with transaction.atomic():
            for _name, load in demo_loaders():
                load(context)
        self._print_logins(context)

    def _print_logins(self, context: DemoContext) -> None:
        logins: list[tuple[str, str]] = context.data.get("logins", [])
        if not logins:
            return
        width = max(len(email) for email, _role in logins)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins"))
        self.stdout.write(f"  {'E-mail'.ljust(width)}  Role")
        for email, role in logins:
            self.stdout.write(f"  {email.ljust(width)}  {role}")
        self.stdout.write(f"Password for every demo account: {context.data['password']}")
        self.stdout.write(
            self.style.WARNING(
                "These are demo accounts with a published password and fictional participants: "
                "for demonstration only, never on a system holding real patient data."
            )
        )
