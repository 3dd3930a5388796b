"""The child process of the reports benchmark: one database, named by OPENIOP_DATABASE_URL.

Migrates, fills the database unless it already holds this generator's data for the same
options, then times every report and returns the figures (the parent prints them as JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

MARKER_TABLE = "bench_reports_marker"
TARGET_SECONDS = 1.0
SLOW_SECONDS = 10.0  # a report whose warm-up takes longer is timed once, not --runs times
# (module under openiop.reports.selectors, function): reports timed when they exist
EXTRA_REPORTS = (("clinicians", "clinician_report"), ("episodes", "episode_list"))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def work(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openiop.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.reports.generator import GENERATOR_VERSION

    wanted = {
        "version": GENERATOR_VERSION,
        "participants": args.participants,
        "years": args.years,
        "seed": args.seed,
    }
    stored = read_marker()
    if stored is not None and {key: stored.get(key) for key in wanted} != wanted:
        stored = start_afresh(args.worker, stored)
    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    generation_seconds = None
    if stored is None:
        from django.utils import timezone

        from bench.reports.generator import generate

        refuse_foreign_data()
        today = timezone.localdate()
        log(f"generating {args.participants:,} participants over {args.years} years")
        began = time.monotonic()
        generate(
            participants=args.participants, years=args.years, seed=args.seed, today=today, log=log
        )
        analyze()
        generation_seconds = time.monotonic() - began
        stored = {**wanted, "today": today.isoformat()}
        write_marker(stored)
        log(f"generated in {generation_seconds:.0f} s")
    else:
        log(f"reusing the data generated for {stored['today']}")
        analyze()  # a migration may have added or filled columns since
    today = date.fromisoformat(stored["today"])
    return {
        "database": args.worker,
        "server_version": server_version(connection),
        "generation_seconds": generation_seconds,
        "rows": count_rows(),
        "today": stored["today"],
        "timings": time_reports(today, args.runs, args.years, explain=args.explain),
    }


# --- the marker: which generator, size and day the stored data was made for ----------------


def read_marker() -> dict | None:
    from django.db import connection

    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT marker FROM {MARKER_TABLE}")  # noqa: S608 (constant name)
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def write_marker(marker: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (marker TEXT NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608 (constant name)
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (marker) VALUES (%s)", [json.dumps(marker)])  # noqa: S608


def start_afresh(database: str, stored: dict) -> None:
    """Other options than the stored data's: SQLite starts a new file, a cluster of our own
    a new schema; a database given by OPENIOP_BENCH_PG_URL is never emptied by us."""
    from django.conf import settings
    from django.db import connection

    if database != "sqlite" and not os.environ.get("OPENIOP_BENCH_OWN_DATABASE"):
        raise SystemExit(
            f"The PostgreSQL database holds benchmark data made with other options ({stored}); "
            "give an empty database in OPENIOP_BENCH_PG_URL, or the same options."
        )
    log(f"stored data was made with other options ({stored}): starting afresh")
    if database == "sqlite":
        connection.close()
        path = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    return None


def refuse_foreign_data() -> None:
    from openiop.participants.models import Participant

    if Participant.objects.exists():
        raise SystemExit(
            "The database already holds participants that this benchmark did not write; "
            "give it an empty database."
        )


def analyze() -> None:
    """Planner statistics, as a database in service has them (autovacuum, PRAGMA optimize)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def server_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def count_rows() -> int:
    from django.apps import apps

    return sum(
        model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"contenttypes", "auth", "sessions", "axes"}
        and model._meta.managed
        and not model._meta.proxy
    )


# --- timing ---------------------------------------------------------------------------------


def reports() -> dict[str, Callable]:
    """Every report to time: the dashboard's tables, the extra reports that exist, and the
    whole dashboard."""
    from openiop.reports import selectors

    found: dict[str, Callable] = dict(selectors.DASHBOARD)
    for module_name, function_name in EXTRA_REPORTS:
        try:
            module = import_module(f"openiop.reports.selectors.{module_name}")
        except ModuleNotFoundError:
            continue
        function = getattr(module, function_name, None)
        if function is not None:
            found[function_name] = function
    found["dashboard (all tables)"] = selectors.dashboard
    return found


def time_reports(
    today: date, runs: int, years: int, *, explain: bool = False
) -> list[dict[str, Any]]:
    from bench.reports.generator import PROGRAM_NAME
    from openiop.programs.models import Program
    from openiop.reports.scope import ReportScope

    program_ids = tuple(Program.objects.filter(name=PROGRAM_NAME).values_list("pk", flat=True))
    scopes = {
        "12 weeks": today - timedelta(weeks=12) + timedelta(days=1),
        f"{years} years": today - timedelta(days=365 * years) + timedelta(days=1),
    }
    timings = []
    for label, start in scopes.items():
        scope = ReportScope(program_ids=program_ids, start=start, end=today, today=today)
        jobs = [(name, selector, scope) for name, selector in reports().items()]
        jobs += filtered_dashboards(scope)
        for name, selector, job_scope in jobs:
            timing = time_one(selector, job_scope, runs)
            slowest = timing.pop("slowest_sql", None)
            timings.append({"report": name, "scope": label, **timing})
            if explain and slowest and timing["median"] > TARGET_SECONDS:
                explain_query(name, label, slowest, timing["slowest_query"])
            if timing["error"]:
                log(f"  {name:<28} {label:>9}  error: {timing['error']}")
            else:
                log(
                    f"  {name:<28} {label:>9}  {timing['median']:7.3f} s  "
                    f"{timing['queries']:>3} queries"
                )
    return timings


def filtered_dashboards(scope) -> list[tuple[str, Callable, Any]]:
    """The whole dashboard as the filters narrow it: the site, each track, and the caseload of
    the clinician with the most episodes (what a clinician's own report covers)."""
    from dataclasses import replace

    from django.db.models import Count

    from openiop.participants.models import Episode
    from openiop.programs.models import Program
    from openiop.reports import selectors
    from openiop.scheduling.models import Track

    programs = Program.objects.filter(pk__in=scope.program_ids)
    jobs = []
    for site_id in sorted(set(programs.values_list("site_id", flat=True))):
        jobs.append(("dashboard, one site", replace(scope, site_id=site_id)))
    for track in Track.objects.filter(program__in=programs).order_by("pk"):
        jobs.append((f"dashboard, track {track.name}", replace(scope, track_id=track.pk)))
    busiest = (
        Episode.objects.filter(program__in=programs, primary_clinician__isnull=False)
        .values("primary_clinician")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if busiest:
        caseload = replace(scope, clinician_id=busiest["primary_clinician"])
        jobs.append((f"dashboard, a caseload ({busiest['n']} episodes)", caseload))
    return [(name, selectors.dashboard, job_scope) for name, job_scope in jobs]


def time_one(selector: Callable, scope, runs: int = 3) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            selector(scope)  # warm-up: caches, prepared plans; counts the queries
        if time.perf_counter() - began > SLOW_SECONDS:
            runs = 1  # far off the target already: one timed run says enough
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            selector(scope)
            times.append(time.perf_counter() - began)
    except Exception as error:  # one broken report must not hide the rest
        return {"median": None, "runs": [], "queries": None, "error": repr(error)[:300]}
    slowest = max(captured.captured_queries, key=lambda query: float(query["time"]), default=None)
    return {
        "median": statistics.median(times),
        "runs": times,
        "queries": len(captured.captured_queries),
        "slowest_query": float(slowest["time"]) if slowest else None,
        "slowest_sql": slowest["sql"] if slowest else None,
        "error": None,
    }


def explain_query(report: str, scope: str, sql: str, seconds: float) -> None:
    """Print the plan of a report's slowest query (as run, parameters inlined)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        prefix, fetch = "EXPLAIN (ANALYZE, BUFFERS) ", lambda row: row[0]
    else:
        prefix, fetch = "EXPLAIN QUERY PLAN ", lambda row: f"{row[1]:>4} {row[3]}"
    log(f"\n--- {report} ({scope}): slowest query {seconds:.3f} s\n{sql}\n--- plan:")
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                log(fetch(row))
    except Exception as error:  # the SQL as logged may not run back verbatim
        log(f"(could not explain it: {error!r})")
    log("---")
