"""Report selectors timed on a large synthetic program, on SQLite and on PostgreSQL.

    python -m bench reports [--participants 5000] [--years 2] [--seed 2026]
                            [--database sqlite,postgres] [--runs 3] [--keep-postgres]
                            [--explain]

The data: ``bench.reports.generate()`` (generator/) writes one site and one adult IOP with
three phases and three tracks of recurring groups, about 25 clinicians, and ``--years`` of
episodes for ``--participants`` people (about 50 admissions a week at the default size; stays
of 2 to 16 weeks; discharges across the TEDS reasons with signed discharge summaries; some
readmissions; some referrals never admitted), with group sessions three or four days a week
per track and their rosters, attendance and group notes, PHQ-9 and GAD-7 every two to four
weeks, a drug test at admission and a random one each week with results, weekly individual
progress notes signed after realistic delays, treatment plan versions at admission and about
monthly reviews, and follow-up contacts 30, 90 and 180 days after discharge: 1.6 million rows
at the default size, written in five or six minutes per database on a busy 2-core machine. It
is written straight to the tables (``bulk_create``, and COPY or ``executemany`` for the big
tables) and bypasses the services on purpose: no audit or history rows. The same seed and day
give the same rows.

The databases: SQLite is a file, var/bench/reports.sqlite3, kept with a marker of the
generator version, size, seed and day it was made for, so that a second run with the same
options only times. PostgreSQL is ``OPENIOP_BENCH_PG_URL`` when set (an empty database, or
one this benchmark filled before), otherwise a throw-away cluster started like .ci/run does
(``initdb`` into a temporary directory, run as the postgres user when we are root, fsync off)
and removed afterwards; ``--keep-postgres`` keeps it stopped in var/bench/postgres instead, so
that the next run reuses its data as it does SQLite's. Each database is migrated, filled,
``ANALYZE``d and timed in a child process of its own (``--worker``), which prints its timings
as JSON.

The timings: every entry of ``openiop.reports.selectors.DASHBOARD``, the clinician and
episode-list reports when they exist, and the whole ``dashboard(scope)``, each for the whole
program over the last 12 weeks and over the full range; then the whole dashboard again for the
site, for each track and for the caseload of the clinician with the most episodes (the
filters a director and a clinician use), over both ranges: one warm-up run (its queries are
counted and the slowest noted), then the median of ``--runs`` runs (one run when the warm-up
took over 10 s). Target: every dashboard under 1 second on PostgreSQL on a 2-core machine;
anything slower is flagged, and ``--explain`` prints its slowest query's plan (EXPLAIN
ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
SQLITE_PATH = ROOT / "var" / "bench" / "reports.sqlite3"
KEPT_CLUSTER = ROOT / "var" / "bench" / "postgres"
TARGET_SECONDS = 1.0
DATABASES = ("sqlite", "postgres")
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def generate(*, participants: int = 5000, years: int = 2, seed: int = 2026, **options: Any):
    """Fill the configured (migrated) database with the synthetic program; see generator.py.
    Django must be set up first."""
    from bench.reports.generator import generate as generate_program

    return generate_program(participants=participants, years=years, seed=seed, **options)


def parser() -> argparse.ArgumentParser:
    arguments = argparse.ArgumentParser(
        prog="python -m bench reports",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    arguments.add_argument("--participants", type=int, default=5000)
    arguments.add_argument("--years", type=int, default=2)
    arguments.add_argument("--seed", type=int, default=2026)
    arguments.add_argument("--runs", type=int, default=3, help="timed runs after the warm-up")
    arguments.add_argument(
        "--database", default="sqlite,postgres", help="sqlite, postgres or both, comma separated"
    )
    arguments.add_argument(
        "--keep-postgres",
        action="store_true",
        help=f"keep the PostgreSQL cluster (in {KEPT_CLUSTER.relative_to(ROOT)}) for the next run",
    )
    arguments.add_argument(
        "--explain",
        action="store_true",
        help="print the plan of the slowest query of every report over the target",
    )
    arguments.add_argument("--worker", choices=DATABASES, help=argparse.SUPPRESS)
    return arguments


def main(argv: list[str]) -> None:
    args = parser().parse_args(argv)
    if args.worker:
        from bench.reports.worker import work

        print(json.dumps(work(args)), flush=True)
        return
    databases = [name.strip() for name in args.database.split(",") if name.strip()]
    unknown = [name for name in databases if name not in DATABASES]
    if unknown:
        raise SystemExit(f"unknown database {unknown[0]!r}; choose from {', '.join(DATABASES)}")
    print(
        f"reports benchmark: {args.participants:,} participants, {args.years} years, "
        f"seed {args.seed}, median of {args.runs} runs after a warm-up"
    )
    results = {}
    for database in databases:
        result = run_database(database, args)
        if result is not None:
            results[database] = result
    if results:
        print()
        print(table(results, args.runs))
        print()
        print(verdict(results))


def run_database(database: str, args: argparse.Namespace) -> dict | None:
    print(f"\n== {LABELS[database]}", flush=True)
    if database == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        return run_worker(database, f"sqlite:///{SQLITE_PATH}", args)
    url = os.environ.get("OPENIOP_BENCH_PG_URL")
    if url:
        return run_worker(database, url, args)
    from bench.reports.cluster import ClusterUnavailable, throwaway_cluster

    try:
        with throwaway_cluster(KEPT_CLUSTER if args.keep_postgres else None) as url:
            return run_worker(database, url, args, own=True)
    except ClusterUnavailable as error:
        print(f"PostgreSQL skipped: {error}")
        return None


def run_worker(
    database: str, url: str, args: argparse.Namespace, *, own: bool = False
) -> dict | None:
    """Run the worker on one database; ``own``: a database of ours, which it may empty."""
    command = [
        sys.executable,
        "-m",
        "bench",
        "reports",
        "--worker",
        database,
        f"--participants={args.participants}",
        f"--years={args.years}",
        f"--seed={args.seed}",
        f"--runs={args.runs}",
        *(["--explain"] if args.explain else []),
    ]
    environment = {
        **os.environ,
        "OPENIOP_DATABASE_URL": url,
        "OPENIOP_DEBUG": "0",  # no query log kept in memory while timing
        "OPENIOP_SECRET_KEY": secrets.token_urlsafe(32),
        "OPENIOP_ALLOWED_HOSTS": "localhost",
        "OPENIOP_BENCH_OWN_DATABASE": "1" if own or database == "sqlite" else "",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    finished = subprocess.run(  # noqa: S603 (this same program, our own arguments)
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True, check=False
    )
    if finished.returncode != 0:
        print(f"{LABELS[database]} worker failed (exit {finished.returncode})")
        return None
    return json.loads(finished.stdout.strip().splitlines()[-1])


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def table(results: dict[str, dict], runs: int = 3) -> str:
    """One row per report and scope; a column of seconds (and queries) per database. A star
    marks a report timed once because its warm-up alone took over 10 seconds."""
    databases = list(results)
    by_key = {
        database: {(t["report"], t["scope"]): t for t in result["timings"]}
        for database, result in results.items()
    }
    keys = list(dict.fromkeys(key for timings in by_key.values() for key in timings))
    header = ["report", "range"]
    for database in databases:
        header += [f"{LABELS[database]} s", "queries"]
    lines = [header]
    for key in keys:
        row = list(key)
        flagged = False
        for database in databases:
            other = by_key[database].get(key)
            if other is None:
                row += ["-", ""]
                continue
            if other["error"]:
                row += ["error", ""]
                continue
            star = "*" if len(other["runs"]) < runs else ""
            row += [seconds(other["median"]) + star, str(other["queries"])]
            flagged |= database == "postgres" and other["median"] > TARGET_SECONDS
        if flagged:
            row.append(f"<-- over {TARGET_SECONDS:g} s on PostgreSQL")
        lines.append(row)
    widths = [max(len(line[i]) for line in lines if i < len(line)) for i in range(len(header))]
    out = []
    for line in lines:
        cells = [
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) if i < len(widths) else cell
            for i, cell in enumerate(line)
        ]
        out.append("  ".join(cells).rstrip())
    out.insert(1, "-" * len(out[0]))
    footer = []
    if any(len(t["runs"]) < runs for r in results.values() for t in r["timings"] if not t["error"]):
        footer.append("* timed once: its warm-up alone took over 10 s")
    for database, result in results.items():
        made = result["generation_seconds"]
        how = f"generated in {made:.0f} s" if made is not None else "reused"
        footer.append(
            f"{LABELS[database]} {result['server_version']}: {how}, "
            f"{result['rows']:,} rows, data up to {result['today']}"
        )
        footer += [
            f"  error in {t['report']} ({t['scope']}): {t['error']}"
            for t in result["timings"]
            if t["error"]
        ]
    return "\n".join([*out, "", *footer])


def verdict(results: dict[str, dict]) -> str:
    if "postgres" not in results:
        return "Target not checked: PostgreSQL was not timed."
    slow = [
        f"{timing['report']} ({timing['scope']}, {timing['median']:.2f} s)"
        for timing in results["postgres"]["timings"]
        if not timing["error"] and timing["median"] > TARGET_SECONDS
    ]
    failed = [t["report"] for t in results["postgres"]["timings"] if t["error"]]
    if slow or failed:
        return (
            f"Target missed: over {TARGET_SECONDS:g} s on PostgreSQL: {', '.join(slow) or 'none'}"
            + (f"; failed: {', '.join(failed)}" if failed else "")
        )
    return f"Target met: every report and dashboard under {TARGET_SECONDS:g} s on PostgreSQL."
