"""Shared fixtures: a real database per test (a SQLite file; PostgreSQL too for the tests marked
``both_databases``), and the command line run as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: fixture modules shared by the suite
pytest_plugins = ["deluge_fixtures", "httpserver", "pg_fixtures", "torznab_server"]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user's config, data or log folders."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("MYDIA_TUI_CONFIG", raising=False)
    monkeypatch.delenv("MYDIA_TUI_DB", raising=False)


@pytest.fixture(autouse=True)
def _fresh_indexer_state():
    """Parse caches do not leak between tests (an indexer's pace is its database's)."""
    from mydia_tui.releases.parse import clear_memory_cache

    clear_memory_cache()
    yield


def pytest_generate_tests(metafunc):
    """Tests marked ``both_databases`` run twice: on a SQLite file and on a real PostgreSQL
    server (see pg_fixtures.py)."""
    if metafunc.definition.get_closest_marker("both_databases") and (
        "database_kind" in metafunc.fixturenames
    ):
        metafunc.parametrize("database_kind", ["sqlite", "postgresql"])


@pytest.fixture
def database_kind() -> str:
    return "sqlite"


@pytest.fixture
def db_path(tmp_path, database_kind, request) -> Path | str:
    """The test's database: a SQLite file (its path), or under ``both_databases`` also a new
    database on a real PostgreSQL server (its postgresql:// URL)."""
    if database_kind == "postgresql":
        return request.getfixturevalue("pg_database")
    return tmp_path / "library.sqlite3"


@pytest.fixture
def db(db_path):
    """A real database with the current schema, bound to the models: a SQLite file (or, under
    ``both_databases``, a PostgreSQL database too)."""
    from mydia_tui.db import open_database

    database = open_database(str(db_path))
    yield database
    database.close()


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


class Cli:
    """Runs ``python -m mydia_tui`` as a real process on a given database and config."""

    def __init__(self, db_path: Path, config_path: Path | None, env: dict[str, str]) -> None:
        self.db_path = db_path
        self.config_path = config_path
        self.env = env

    def __call__(self, *args: str, timeout: float = 60, input: str | None = None) -> CliResult:
        cmd = [sys.executable, "-m", "mydia_tui"]
        if self.config_path is not None:
            cmd += ["--config", str(self.config_path)]
        cmd += ["--db", str(self.db_path), *args]
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env,
            cwd=REPO,
            input=input,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli(tmp_path, db_path) -> Cli:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return Cli(db_path, None, env)
