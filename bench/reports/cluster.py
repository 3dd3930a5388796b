"""A throw-away PostgreSQL cluster for the benchmark, started the way .ci/run starts one.

``initdb`` into a temporary directory, ``pg_ctl start`` on a free loopback port (as the
postgres user when we run as root: PostgreSQL refuses to run as root), one database, and on
leaving: stop and remove the directory (or, asked to keep it, leave it stopped for the next
run, whose data the benchmark then reuses). Durability is off (fsync, synchronous_commit,
full_page_writes) because the data is thrown away; it speeds up loading, not the reads timed.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DATABASE = "openiop_bench"


class ClusterUnavailable(Exception):
    """PostgreSQL's server programs are not installed, or the cluster did not start."""


def _bin_dir() -> Path:
    def version(path: str) -> tuple[int, ...]:
        number = Path(path).parent.parent.name
        return tuple(int(part) for part in number.split(".") if part.isdigit())

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ClusterUnavailable(
        "initdb not found (install postgresql, or set OPENIOP_BENCH_PG_URL to a database)"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def throwaway_cluster(keep: Path | None = None) -> Iterator[str]:
    """Start a cluster; yield the URL of its database; stop it and remove its directory.
    With ``keep``, the cluster lives in that directory instead and stays there, stopped, for
    the next run (made on first use)."""
    pgbin = _bin_dir()
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    exists = keep is not None and (keep / "PG_VERSION").exists()
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        data = str(keep)
    else:
        data = tempfile.mkdtemp(prefix="openiop-bench-pg.")
    if as_root:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            if keep is None:
                shutil.rmtree(data)
            raise ClusterUnavailable("running as root and there is no postgres user") from None
        os.chown(data, owner.pw_uid, owner.pw_gid)
        os.chmod(data, 0o700)
    port = _free_port()

    def run(*command: str) -> None:
        subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    started = False
    try:
        if not exists:
            run(str(pgbin / "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = (
            f"-h 127.0.0.1 -p {port} -k {data} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        run(str(pgbin / "pg_ctl"), "-D", data, "-o", options, "-l", f"{data}/log", "-w", "start")
        started = True
        if not exists:
            run(
                str(pgbin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                DATABASE,
            )
        yield f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"
    except subprocess.CalledProcessError as error:
        raise ClusterUnavailable(f"{Path(error.cmd[len(prefix)]).name} failed") from error
    finally:
        if started:
            subprocess.run(  # noqa: S603 (PostgreSQL's own programs)
                [*prefix, str(pgbin / "pg_ctl"), "-D", data, "-m", "fast", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
            )
        if keep is None:
            shutil.rmtree(data, ignore_errors=True)
