"""A real PostgreSQL cluster for tests: made with initdb, run with pg_ctl, gone afterwards.

The cluster lives in a fresh folder under /tmp, listens on a free loopback
port (and a unix socket in that folder), trusts local connections and runs
without fsync (a test cluster, thrown away). initdb refuses to run as root,
so as root the cluster belongs to `nobody` and the commands run through
`runuser`. Debian keeps the binaries in /usr/lib/postgresql/VERSION/bin.

CI sets BRIEFING_REQUIRE_POSTGRES=1, which turns a missing PostgreSQL or
psycopg into a failure; elsewhere the tests that need it skip with the reason.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servetools import free_port

REQUIRED = os.environ.get("BRIEFING_REQUIRE_POSTGRES") == "1"
USER = "postgres"
UNPRIVILEGED = "nobody"


def postgres_bin() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres (Debian's newest, else PATH)."""
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version)
    if debian:
        return debian[-1].parent
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    return None


def _version(path: Path) -> tuple[int, ...]:
    name = path.parent.parent.name
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def missing() -> str | None:
    """Why a real PostgreSQL cannot be used here, or None."""
    reasons = []
    if postgres_bin() is None:
        reasons.append("PostgreSQL's initdb and pg_ctl (apt-get install postgresql)")
    for module, package in (("psycopg", "psycopg[binary]"), ("psycopg_pool", "psycopg-pool")):
        if importlib.util.find_spec(module) is None:
            reasons.append(f"{package} (pip install -e '.[postgres]')")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        reasons.append("runuser (to run initdb as an unprivileged user)")
    return f"not installed: {', '.join(reasons)}" if reasons else None


def require_postgres() -> None:
    reason = missing()
    if reason is None:
        return
    if REQUIRED:
        pytest.fail(f"BRIEFING_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


class PostgresCluster:
    """One cluster: start, stop (as a crash would look to clients), restart, new databases."""

    def __init__(self, max_connections: int = 200) -> None:
        binaries = postgres_bin()
        assert binaries is not None
        self.bin = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        self.max_connections = max_connections
        self._numbers = itertools.count(1)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(UNPRIVILEGED)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        os.chmod(self.folder, 0o700)
        self._run("initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip
        self.start()

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        argv = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", UNPRIVILEGED, "--", *argv]
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=120, cwd=self.folder,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed:\n{done.stdout}\n{done.stderr}\n{self._log()}")
        return done

    def _log(self) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-4000:]
        return ""

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   f"-c fsync=off -c max_connections={self.max_connections}")  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; `immediate` drops every client as a crash or a lost host would."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database (its own schema): its URL."""
        import psycopg

        name = f"test_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url(name)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("fast")
        shutil.rmtree(self.folder, ignore_errors=True)


def running_cluster() -> Iterator[PostgresCluster]:
    """For a fixture: a cluster for the module's tests, or a skip (a failure in CI)."""
    require_postgres()
    cluster = PostgresCluster()
    try:
        yield cluster
    finally:
        cluster.close()
