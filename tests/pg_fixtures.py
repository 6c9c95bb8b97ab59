"""A real PostgreSQL server on loopback, for the tests that run on PostgreSQL too.

* ``pg_server``: one private cluster for the session (``initdb`` in a temporary folder, a free
  port on 127.0.0.1, trust authentication, durability off for speed), stopped at the end.
* ``pg_database``: a fresh, empty database on it for one test; its ``postgresql://`` URL.

The server's programs come from ``$MYDIA_PG_BIN`` (tests/provision_postgres.sh prints it) or
the usual Debian place (/usr/lib/postgresql/N/bin). PostgreSQL refuses to run as root: as root,
the server runs as the ``postgres`` user. No server available: these tests are skipped locally,
and FAIL under ``CI=true`` (CI provisions one).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from deluge_fixtures import _in_ci


def _unavailable(why: str) -> None:
    if _in_ci():
        pytest.fail(f"CI=true but no PostgreSQL server: {why}", pytrace=False)
    pytest.skip(f"no PostgreSQL server: {why}")


def find_pg_bin() -> Path | None:
    candidates = [os.environ.get("MYDIA_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for c in candidates:
        if c and (Path(c) / "postgres").is_file() and (Path(c) / "initdb").is_file():
            return Path(c)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    bin: Path
    root: Path
    port: int
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=timeout, check=False
        )

    def start(self) -> PgServer:
        init = self.run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        start = self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
            timeout=90,
        )
        if start.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pg_ctl start failed: {start.stderr.strip()}\n{log}")
        return self

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def create_database(self) -> str:
        import psycopg2

        name = f"t_{uuid.uuid4().hex[:12]}"
        conn = psycopg2.connect(self.url())
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        _unavailable("psycopg2 is not installed (pip install -e '.[test,postgres]')")
    pg_bin = find_pg_bin()
    if pg_bin is None:
        _unavailable("no postgres/initdb (tests/provision_postgres.sh installs them)")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="mydia-pg-"))
    if os.geteuid() == 0:  # the server will not run as root
        runuser = shutil.which("runuser")
        if runuser is None:
            _unavailable("running as root and there is no runuser to start it as postgres")
        as_user = [runuser, "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    server = PgServer(pg_bin, root, _free_port(), as_user)
    try:
        server.start()
    except (RuntimeError, subprocess.TimeoutExpired, LookupError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(str(exc))
    try:
        yield server
    finally:
        server.stop()
        for _ in range(50):  # the immediate stop returns before the last process is gone
            if not (server.data / "postmaster.pid").exists():
                break
            time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_database(pg_server: PgServer) -> str:
    """The URL of a new, empty database."""
    return pg_server.create_database()
