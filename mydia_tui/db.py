"""Opening the database: SQLite by default (WAL), PostgreSQL through a URL.

``open_database`` binds :data:`mydia_tui.models.database` and brings the schema up to date
(see :mod:`mydia_tui.migrations`). Peewee gives each thread its own connection.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlparse

from peewee import (
    Database,
    ImproperlyConfigured,
    PostgresqlDatabase,
    SqliteDatabase,
)
from peewee import DatabaseError as PeeweeDatabaseError
from peewee import __exception_wrapper__ as _peewee_errors

from . import paths
from .errors import DatabaseError, UsageError
from .migrations import migrate as run_migrations
from .models import database

#: milliseconds a connection waits for another writer before giving up
BUSY_TIMEOUT_MS = 30_000

#: WAL pages before SQLite checkpoints inside a committing write (the default is 1,000). A grab
#: whose commit pays for a checkpoint (fsync included) waits milliseconds; the long-running
#: monitor checkpoints between polls instead (see :func:`checkpoint`), and SQLite checkpoints when
#: the last connection closes.
WAL_AUTOCHECKPOINT = 10_000

#: bytes the WAL file is cut back to when SQLite starts it again after a full checkpoint.
#: Without a limit it keeps the size of its busiest moment (tens of MB under a long-running
#: monitor), and the first connection of every launch reads all of it before its first query
#: (SQLite's WAL recovery): 92 MB cost the TUI's launch about 60 ms at 50,000 items.
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024

#: milliseconds :func:`close_database` waits for another writer before leaving the WAL as it is
CLOSE_CHECKPOINT_WAIT_MS = 250

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "wal_autocheckpoint": WAL_AUTOCHECKPOINT,
    "journal_size_limit": JOURNAL_SIZE_LIMIT,
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    "synchronous": "normal",
}


def resolve_target(explicit: str | None = None, configured: str = "") -> str:
    """``--db``, then ``$MYDIA_TUI_DB``, then the config file's ``database``, then the default."""
    return explicit or os.environ.get(paths.DB_ENV) or configured or str(paths.default_db_path())


def describe_target(target: str) -> str:
    """The target with any password removed, for messages."""
    if "://" not in target:
        return target
    parsed = urlparse(target)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":********@")
        return parsed._replace(netloc=netloc).geturl()
    return target


def bound_target() -> str:
    """Where the database the models are bound to is: the SQLite file's path, or a
    ``postgresql://user@host:port/name`` URL (no password); for messages and doctor."""
    db = database.obj
    if db is None:
        return ""
    if isinstance(db, SqliteDatabase):
        return str(db.database)
    params = getattr(db, "connect_params", {}) or {}
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host', '')}{port}/{db.database}"


def make_database(target: str) -> Database:
    """A Peewee database for ``target`` (a file path, ``sqlite:///path`` or ``postgresql://``)."""
    if "://" in target:
        scheme = urlparse(target).scheme
        if scheme.startswith("sqlite"):
            # sqlite:///relative/path or sqlite:////absolute/path, as peewee and SQLAlchemy
            _, _, rest = target.partition(":///")
            if not rest:
                raise UsageError(f"no file in database URL {target}: use sqlite:///PATH")
            return _sqlite(Path(rest).expanduser())
        if scheme.startswith("postgres"):
            try:
                # loaded for a URL only: it brings psycopg2 and the pool (~15 ms)
                from playhouse.db_url import connect as connect_url

                db = connect_url(target)
            except Exception as exc:  # a URL peewee cannot use
                raise UsageError(
                    f"cannot use database URL {describe_target(target)}: {exc}"
                ) from None
            if not isinstance(db, PostgresqlDatabase):
                raise UsageError(f"unsupported database URL {describe_target(target)}")
            return db
        raise UsageError(
            f"unsupported database URL {describe_target(target)}: use a file path, "
            "sqlite:///PATH or postgresql://USER@HOST/NAME"
        )
    return _sqlite(Path(target).expanduser())


def _sqlite(path: Path) -> SqliteDatabase:
    if not os.path.lexists(path.parent) and path != paths.default_db_path():
        # a path the user gave (--db, $MYDIA_TUI_DB, ``database``) in a folder that is not
        # there is most likely mistyped: made silently, it was a new empty library and
        # "the library is empty" (a new user's report); only the default's folder is made
        raise UsageError(
            f"the database folder {path.parent} does not exist: create it, or correct the "
            f"database path (--db, ${paths.DB_ENV} or `database` in config.toml)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the database folder {path.parent}: {exc.strerror or exc}"
        ) from None
    if path.exists() and path.is_dir():
        raise DatabaseError(f"cannot open database {path}: it is a directory")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise DatabaseError(f"cannot open database {path}: not writable")
    wait_ms = busy_timeout_ms()
    return SqliteDatabase(
        str(path),
        pragmas={**SQLITE_PRAGMAS, "busy_timeout": wait_ms},
        timeout=wait_ms / 1000,
        check_same_thread=False,
    )


def busy_timeout_ms() -> int:
    """Milliseconds a connection waits for another writer: ``$MYDIA_TUI_BUSY_TIMEOUT``
    (seconds, 0.1 to 3600) or :data:`BUSY_TIMEOUT_MS`. Raises :class:`UsageError` for a value
    that is not a number in that range."""
    raw = os.environ.get(paths.BUSY_TIMEOUT_ENV, "").strip()
    if not raw:
        return BUSY_TIMEOUT_MS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not 0.1 <= seconds <= 3600:
        raise UsageError(
            f"${paths.BUSY_TIMEOUT_ENV} must be a number of seconds between 0.1 and 3600, "
            f"not {raw[:40]!r}"
        )
    return int(seconds * 1000)


def open_database(
    target: str | None = None, *, configured: str = "", migrate: bool = True
) -> Database:
    """Open (creating or upgrading as needed) the database and bind the models to it."""
    resolved = resolve_target(target, configured)
    db = make_database(resolved)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if migrate:
            run_migrations(db, write_transaction)
    except ImproperlyConfigured:
        db.close()
        raise DatabaseError(
            f"cannot open database {describe_target(resolved)}: PostgreSQL needs the postgres "
            "extra (pip install 'mydia-tui[postgres]'), or use a SQLite file"
        ) from None
    except Exception as exc:
        explained = explain_failure(exc, resolved)
        if explained is None:
            raise
        db.close()
        raise explained from None
    return db


#: (words in the database's message, what it means and what to do), first match wins
_FAILURES = (
    (
        ("database is locked", "database table is locked", "lock timeout"),
        "is locked: another process (a scan, the monitor or the TUI) kept writing longer than "
        f"this command waits (${paths.BUSY_TIMEOUT_ENV} seconds, {BUSY_TIMEOUT_MS // 1000} by "
        "default); try again when it is done",
    ),
    (
        ("file is not a database", "malformed", "corrupt"),
        "is damaged ({error}): restore a backup, or move the file away to start an empty "
        "library (`mydia-tui doctor` checks it)",
    ),
    (
        ("database or disk is full", "no space left", "disk full"),
        "cannot be written: no space left on its disk ({error}); free some space and run the "
        "command again",
    ),
    (
        ("readonly database", "read-only"),
        "is read-only ({error}): make the file and its folder writable for this user",
    ),
    (
        ("disk i/o error",),
        "cannot be read or written: disk I/O error; check its disk (is it full? still mounted?)",
    ),
    (
        ("unable to open database file",),
        "cannot be opened ({error}): check that its folder exists and is writable",
    ),
)


def explain_failure(exc: BaseException, target: str) -> DatabaseError | None:
    """The database failure behind ``exc`` as a one-line :class:`DatabaseError` naming the
    database (password hidden), what happened and what to do; ``None`` when ``exc`` (and
    every exception it was raised from or while handling) is not a database failure.

    SQLite's errors (through Peewee or ``sqlite3``), PostgreSQL's (``psycopg2``) and a full
    disk (``ENOSPC``) are recognised; another ``OperationalError`` is reported with the
    database's own words; any other error (a bug) is not explained. The deepest known cause wins: a full disk that made a
    rollback fail is reported as a full disk, not as "cannot rollback"."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    where = f"the database {describe_target(target)}"
    fallback: DatabaseError | None = None
    for failure in reversed(chain):
        text = " ".join(str(failure).split())
        if isinstance(failure, OSError) and failure.errno == errno.ENOSPC:
            text = f"database or disk is full: {failure.strerror}"
        elif not _is_database_error(failure):
            continue
        lowered = text.lower()
        for words, meaning in _FAILURES:
            if any(word in lowered for word in words):
                return DatabaseError(f"{where} {meaning.format(error=text)}")
        if fallback is None and type(failure).__name__ == "OperationalError":
            fallback = DatabaseError(f"{where} failed: {text or type(failure).__name__}")
    return fallback


def _is_database_error(exc: BaseException) -> bool:
    return isinstance(exc, PeeweeDatabaseError | sqlite3.Error) or type(exc).__module__.startswith(
        "psycopg"
    )


def integrity_problems(db: Database | None = None) -> list[str]:
    """What is wrong with the database's file: SQLite's ``PRAGMA quick_check`` (its lines,
    empty when "ok"); on PostgreSQL a round trip (``SELECT 1``). A check that cannot run at
    all is one problem, in the database's words."""
    target = db if db is not None else database.obj
    try:
        if isinstance(target, SqliteDatabase):
            rows = target.execute_sql("PRAGMA quick_check").fetchall()
            return [str(r[0]) for r in rows if r and r[0] != "ok"]
        target.execute_sql("SELECT 1").fetchall()
    except Exception as exc:  # noqa: BLE001 - a damaged file fails in many ways
        return [" ".join(str(exc).split()) or type(exc).__name__]
    return []


def checkpoint(db: Database | None = None) -> None:
    """Fold the WAL back into the database without waiting for readers (SQLite only)."""
    target = db if db is not None else database.obj
    if isinstance(target, SqliteDatabase):
        target.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")


def close_database(db: Database) -> None:
    """Close this thread's connection to ``db``. On SQLite the WAL is folded into the database
    and emptied first (``wal_checkpoint(TRUNCATE)``): SQLite does that itself only when the
    last connection closes, and the TUI's worker threads keep theirs open to the end, so the
    next launch would read the WAL through before its first query. A writer still busy after
    :data:`CLOSE_CHECKPOINT_WAIT_MS` leaves it as it is (nothing is lost: the next connection
    reads it); so does any error of the checkpoint's."""
    if isinstance(db, SqliteDatabase) and not db.is_closed():
        try:
            db.execute_sql(f"PRAGMA busy_timeout = {CLOSE_CHECKPOINT_WAIT_MS}")
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except PeeweeDatabaseError:
            pass
    db.close()


def is_sqlite(db: Database | None = None) -> bool:
    target = db if db is not None else database.obj
    return isinstance(target, SqliteDatabase)


def write_transaction(db: Database | None = None):
    """A transaction that takes the write lock at once (SQLite ``BEGIN IMMEDIATE``), so that a
    read-then-write decision cannot be raced by another connection. On PostgreSQL a plain
    transaction; callers lock the rows they decide on."""
    target = db if db is not None else database.obj
    if isinstance(target, SqliteDatabase):
        return target.atomic("IMMEDIATE")
    return target.atomic()


@lru_cache(maxsize=256)
def _sql_for(text: str, param: str) -> str:
    return text if param == "?" else text.replace("?", param)


def run_sql(text: str, params: Sequence[Any] = ()):
    """Run one statement written with ``?`` placeholders (turned into the database's own) on
    this thread's connection and return the cursor. The hot paths (the guard's rules and
    claim) use it: it skips the query builder and Peewee's per-statement bookkeeping, and still
    raises Peewee's exceptions (``IntegrityError``, ``OperationalError``, ...)."""
    db = database.obj
    conn = db.connection()
    with _peewee_errors:
        if db.param == "?":
            return conn.execute(text, params)
        cursor = conn.cursor()
        cursor.execute(_sql_for(text, db.param), params)
        return cursor


class _InsertPlan(NamedTuple):
    sql: str
    #: every column but the primary key, in the statement's order
    fields: tuple
    #: column index by field name
    column: dict[str, int]
    #: each column's default, already converted; None where it must be computed per row
    template: tuple
    #: (index, field) of the defaults computed per row (callables such as ``utcnow``)
    computed: tuple[tuple[int, Any], ...]


@lru_cache(maxsize=16)
def _insert_plan(model: Any, returning: bool) -> _InsertPlan:
    fields = tuple(f for f in model._meta.sorted_fields if not f.primary_key)
    sql = (
        f'INSERT INTO "{model._meta.table_name}" '
        f"({', '.join(f'{chr(34)}{f.column_name}{chr(34)}' for f in fields)}) "
        f"VALUES ({', '.join(['?'] * len(fields))})"
    ) + (" RETURNING id" if returning else "")
    template = tuple(None if callable(f.default) else f.db_value(f.default) for f in fields)
    computed = tuple((i, f) for i, f in enumerate(fields) if callable(f.default))
    return _InsertPlan(sql, fields, {f.name: i for i, f in enumerate(fields)}, template, computed)


def insert_row(model: type, **values: Any) -> int:
    """One INSERT of every column, as Peewee's ``Model.insert`` writes it (defaults filled in
    and converted by each field), from a statement and defaults prepared once per model;
    returns the new id."""
    returning = isinstance(database.obj, PostgresqlDatabase)
    plan = _insert_plan(model, returning)
    params = list(plan.template)
    for i, f in plan.computed:
        if f.name not in values:
            params[i] = f.db_value(f.default())
    index, fields = plan.column, plan.fields
    for name, value in values.items():
        i = index[name]
        params[i] = fields[i].db_value(value)
    cursor = run_sql(plan.sql, params)
    return cursor.fetchone()[0] if returning else cursor.lastrowid


def bulk_insert(model, fields: list, rows: list[tuple], *, ignore_conflicts: bool = False) -> None:
    """Insert many rows fast: peewee writes the statement once, the driver binds every row
    (``executemany``). ``fields`` are the model's fields, ``rows`` tuples in that order. Building
    one statement per row through the query builder costs more than the database's own work
    when a scan records tens of thousands of files. Call it inside a transaction."""
    if not rows:
        return
    order = sorted(range(len(fields)), key=lambda i: fields[i]._sort_key)
    fields = [fields[i] for i in order]
    query = model.insert({f: f.db_value(rows[0][i]) for f, i in zip(fields, order, strict=True)})
    if ignore_conflicts:
        query = query.on_conflict_ignore()
    sql, params = query.sql()
    values = [tuple(f.db_value(row[i]) for f, i in zip(fields, order, strict=True)) for row in rows]
    if list(params) != list(values[0]):  # the builder chose another column order: be safe
        for row in values:
            model.insert(dict(zip(fields, row, strict=True))).on_conflict_ignore(
                ignore_conflicts
            ).execute()
        return
    cursor = model._meta.database.cursor()
    for start in range(0, len(values), 1000):
        cursor.executemany(sql, values[start : start + 1000])
