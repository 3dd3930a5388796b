"""A large synthetic program for the reports benchmark, written straight to the database.

``generate(participants=5000, years=2, seed=2026)`` fills the configured database (migrated,
and holding no other program's data it would be confused with) with one site, one adult IOP
of three phases and three tracks, about 25 clinicians, and two years of episodes, group
sessions and attendance, PHQ-9 and GAD-7 administrations, drug tests, progress and group
notes, plan versions, discharges and follow-up contacts. The same seed and ``today`` give
the same rows.

It bypasses the services on purpose: no audit rows, no history rows, no validation beyond
the database's own constraints; ``bulk_create`` in batches, and for the big tables nothing
refers to (attendance, rosters, results...) COPY on PostgreSQL or ``executemany`` on SQLite,
so that 1.6 million rows load in minutes. Timestamps (``created_at``, ``signed_at``...) are
set to when the thing would have happened, not to the moment of loading. Nothing here is a
pattern for application code, which writes through ``services.py``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from datetime import time as clock

from django.db import transaction
from django.utils import timezone

from bench.reports.generator.data import GENERATOR_VERSION, PROGRAM_NAME, SITE_NAME
from bench.reports.generator.program import ProgramGenerator
from bench.reports.generator.writing import historical_timestamps
from openiop.drugtests.services import collection_summaries_refresh
from openiop.scheduling import attendance_weeks

__all__ = ["GENERATOR_VERSION", "PROGRAM_NAME", "SITE_NAME", "generate"]


def generate(
    *,
    participants: int = 5000,
    years: int = 2,
    seed: int = 2026,
    today: date | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Write the synthetic program; return the number of rows written per model.

    The database must be migrated. Everything is written in one transaction."""
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (repeatable synthetic data, not secret)
    generator = ProgramGenerator(rng, participants, years, today, log)
    with historical_timestamps(generator.moment(today, clock(8))), transaction.atomic():
        generator.run()
        # Derived tables the models keep as they save, written here in one pass.
        log("summing attendance per week")
        generator.counts["scheduling.AttendanceWeek"] = attendance_weeks.rebuild()
        log("summing drug-test results per collection")
        collection_summaries_refresh()
    return dict(generator.counts)
