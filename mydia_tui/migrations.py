"""Schema versions and the migrations between them (``playhouse.migrate``).

A new database gets the current schema at once. An older one is upgraded on open, one step
at a time, inside one write transaction, so that two processes opening the same file at the
same moment cannot both upgrade it. Each step uses frozen copies of the tables it touches,
never the live models, so that later changes to the models cannot change what an old step does.

Adding a step: bump :data:`LATEST`, write ``_to_N(db, migrator)`` and register it in
:data:`STEPS`, and extend ``tests/test_migrations.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from peewee import (
    BigIntegerField,
    Database,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TextField,
)

from .errors import DatabaseError
from .identity.titles import key_words
from .models import ALL_MODELS, Meta

if TYPE_CHECKING:  # loaded only when a schema changes (playhouse.migrate brings its dialects)
    from playhouse.migrate import SchemaMigrator

LATEST = 10
SCHEMA_KEY = "schema_version"


def schema_version(db: Database) -> int | None:
    """The version recorded in the database, or None when it has no ``meta`` table."""
    if "meta" not in db.get_tables():
        return None
    row = db.execute_sql(f"SELECT value FROM meta WHERE key = {db.param}", (SCHEMA_KEY,)).fetchone()
    return int(row[0]) if row else None


def _set_version(db: Database, version: int) -> None:
    Meta.put(SCHEMA_KEY, str(version))


def _migrator(db: Database) -> SchemaMigrator:
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

    if isinstance(db, PostgresqlDatabase):
        return PostgresqlMigrator(db)
    return SqliteMigrator(db)


def migrate(db: Database, write_transaction: Callable[[Database], Any]) -> int:
    """Create or upgrade the schema of ``db`` inside one ``write_transaction(db)`` (the
    caller's, :func:`mydia_tui.db.write_transaction`: opening the database runs this); returns
    the version the database is at afterwards."""
    with write_transaction(db):
        if isinstance(db, PostgresqlDatabase):
            # serialise concurrent first opens on one server
            db.execute_sql("SELECT pg_advisory_xact_lock(7231900)")
        version = schema_version(db)
        if version is None:
            if "media_item" in db.get_tables():
                raise DatabaseError("the database has mydia-tui tables but no schema version")
            db.create_tables(ALL_MODELS)
            count_changes(db)
            _set_version(db, LATEST)
            return LATEST
        if version > LATEST:
            raise DatabaseError(
                f"the database was made by a newer mydia-tui (schema {version}; this version "
                f"knows up to {LATEST}): upgrade mydia-tui"
            )
        if version == LATEST:
            return LATEST
        migrator = _migrator(db)
        for target in range(version + 1, LATEST + 1):
            STEPS[target](db, migrator)
            _set_version(db, target)
    return LATEST


# ---------------------------------------------------------------------------------------------
# Steps


def _to_2(db: Database, migrator: SchemaMigrator) -> None:
    """Schema 2: the ``download_unit`` claim table behind the dedup guard, filled from the
    downloads that are still active."""

    class _Download(Model):
        kind = TextField()
        item = IntegerField(column_name="item_id")
        season = IntegerField(null=True)
        state = TextField()

        class Meta:
            database = db
            table_name = "download"

    class _DownloadUnit(Model):
        download = ForeignKeyField(_Download, on_delete="CASCADE")
        unit = TextField(index=True)
        active_unit = TextField(null=True, unique=True)

        class Meta:
            database = db
            table_name = "download_unit"

    db.create_tables([_DownloadUnit])
    final = ("imported", "failed", "removed")
    cursor = db.execute_sql(
        "SELECT d.id, d.kind, d.item_id, d.season, d.state FROM download d ORDER BY d.id"
    )
    taken: set[str] = set()
    for download_id, kind, item_id, season, state in list(cursor.fetchall()):
        units: list[str] = []
        if kind == "movie":
            units.append(f"m:{item_id}")
        else:
            if kind == "season":
                units.append(f"s:{item_id}:{season}")
            rows = db.execute_sql(
                f"SELECT episode_id FROM download_episode WHERE download_id = {db.param}",
                (download_id,),
            ).fetchall()
            units.extend(f"e:{episode_id}" for (episode_id,) in rows)
        for unit in units:
            active = state not in final and unit not in taken
            if active:
                taken.add(unit)
            _DownloadUnit.insert(
                download=download_id, unit=unit, active_unit=unit if active else None
            ).execute()


def _to_3(db: Database, migrator: SchemaMigrator) -> None:
    """Schema 3, fewer writes for a claim and a folder record for the guard:

    - ``folder_state``: what the last scan saw of each folder, so that the guard need not list
      an unchanged folder again;
    - ``download_unit.episode_id`` replaces the ``download_episode`` table: a download's "e:ID"
      units already named the episodes it covers, and a claim wrote both (with five indexes);
    - ``download_unit.unit`` loses its index (nothing looks a unit up by name once released);
    - ``media_file.mtime`` is a double on PostgreSQL (a REAL rounded file times: every re-scan
      took every file for changed).
    """

    class _Root(Model):
        class Meta:
            database = db
            table_name = "library_root"

    class _FolderState(Model):
        root = ForeignKeyField(_Root, on_delete="CASCADE", index=False)
        top = TextField()
        path = TextField()
        mtime_ns = BigIntegerField()
        listed_ns = BigIntegerField()
        loose = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "folder_state"
            indexes = ((("root", "top", "path"), True),)

    db.create_tables([_FolderState])
    db.execute_sql(
        "ALTER TABLE download_unit ADD COLUMN episode_id INTEGER "
        "REFERENCES episode (id) ON DELETE CASCADE"
    )
    db.execute_sql(
        "UPDATE download_unit SET episode_id = (SELECT de.episode_id FROM download_episode de "
        "WHERE de.download_id = download_unit.download_id "
        "AND 'e:' || de.episode_id = download_unit.unit) WHERE unit LIKE 'e:%'"
    )
    db.execute_sql("DROP TABLE download_episode")
    if isinstance(db, PostgresqlDatabase):  # on SQLite both are REAL, eight bytes
        db.execute_sql("ALTER TABLE media_file ALTER COLUMN mtime TYPE DOUBLE PRECISION")
    # a database that schema 2 upgraded from schema 1 named its download_unit indexes after
    # the step's frozen model ("_downloadunit_unit"); a fresh schema 2 after the table
    for index in ("download_unit_unit", "_downloadunit_unit"):
        db.execute_sql(f'DROP INDEX IF EXISTS "{index}"')


def _to_4(db: Database, migrator: SchemaMigrator) -> None:
    """Schema 4: ``download.import_by`` and ``download.import_started_at``, who runs a
    download's import and since when, so that an import whose process died is done again
    instead of staying "importing" for ever. A download left "importing" by an older version
    has no importer recorded (an empty ``import_by``): the download monitor imports it again."""
    timestamp = "TIMESTAMP" if isinstance(db, PostgresqlDatabase) else "DATETIME"
    db.execute_sql("ALTER TABLE download ADD COLUMN import_by TEXT NOT NULL DEFAULT ''")
    db.execute_sql(f"ALTER TABLE download ADD COLUMN import_started_at {timestamp}")


def _to_5(db: Database, migrator: SchemaMigrator) -> None:
    """Schema 5: ``media_item.title_key`` recomputed by :mod:`mydia_tui.identity.titles` (the one
    title comparison: articles kept, abbreviations and sequel numbers normalised, qualifiers
    kept as words), and ``parsed_name`` emptied (its parses predate the one episode parser).
    Two items whose new keys collide (the same title, written two ways, and the same year)
    keep their old keys: both stay, and the user sees both."""
    rows = db.execute_sql("SELECT id, kind, title, title_key, year FROM media_item").fetchall()
    taken = {(kind, key, year) for _, kind, _, key, year in rows}
    for item_id, kind, title, old, year in rows:
        new = key_words(title)
        if new == old or (kind, new, year) in taken:
            continue
        taken.discard((kind, old, year))
        taken.add((kind, new, year))
        db.execute_sql(
            f"UPDATE media_item SET title_key = {db.param} WHERE id = {db.param}", (new, item_id)
        )
    db.execute_sql("DELETE FROM parsed_name")


def _to_6(db: Database, migrator: SchemaMigrator) -> None:
    """Schema 6: ``download.content``, the torrent's files as Deluge last reported them, so that
    a torrent that vanishes from Deluge (removed at its stop ratio, or by the user) is imported
    from where Deluge put it instead of being grabbed again. Downloads of older versions have
    none recorded ("": the next poll that sees them records it)."""
    db.execute_sql("ALTER TABLE download ADD COLUMN content TEXT NOT NULL DEFAULT ''")


def _to_7(db: Database, migrator: SchemaMigrator) -> None:
    """Schema 7: quality upgrades. ``download.upgrade_from`` and ``download.upgrade_file`` (the
    quality and the ``media_file`` an upgrade replaces; "" and NULL for a first grab, as every
    earlier download was), ``media_item.upgrades_paused`` ("": not paused). A column already
    there (a database an earlier step's test rewound) is kept."""
    for table, column, sql_type in (
        ("download", "upgrade_from", "TEXT NOT NULL DEFAULT ''"),
        ("download", "upgrade_file", "INTEGER"),
        ("media_item", "upgrades_paused", "TEXT NOT NULL DEFAULT ''"),
    ):
        if column not in {c.name for c in db.get_columns(table)}:
            db.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")


def _to_8(db: Database, migrator: SchemaMigrator) -> None:
    """Schema 8: the change counters of :func:`count_changes` (an open app sees what another
    process changed without counting 200,000 episodes each time something was written)."""
    count_changes(db)


def _to_9(db: Database, migrator: SchemaMigrator) -> None:
    """Schema 9: every update of an item, an episode or a file is counted too (schema 8
    counted only adds, deletions and (un)monitoring: a refresh's new titles and air dates, and
    a scan's changed file, never reached an open app: a new user's report)."""
    count_changes(db)


def _to_10(db: Database, migrator: SchemaMigrator) -> None:
    """Schema 10: how often an indexer is asked, shared by every process on the library (each
    process counted its own ``requests_per_hour`` and its own ``rss_interval``: five cron
    ``monitor --once`` runs asked an indexer allowing 3 requests an hour 11 times, a new user's
    report): ``indexer.next_request_at``, ``indexer.rss_read_at``, ``indexer.rss_newest`` and
    the ``indexer_request`` table. A column already there is kept."""
    timestamp = "TIMESTAMP" if isinstance(db, PostgresqlDatabase) else "DATETIME"
    have = {c.name for c in db.get_columns("indexer")}
    for column, sql_type in (
        ("next_request_at", timestamp),
        ("rss_read_at", timestamp),
        ("rss_newest", "TEXT NOT NULL DEFAULT '{}'"),
    ):
        if column not in have:
            db.execute_sql(f"ALTER TABLE indexer ADD COLUMN {column} {sql_type}")

    class _Indexer(Model):
        class Meta:
            database = db
            table_name = "indexer"

    class _IndexerRequest(Model):
        indexer = ForeignKeyField(_Indexer, on_delete="CASCADE", index=False)
        sent_at = DateTimeField()

        class Meta:
            database = db
            table_name = "indexer_request"
            indexes = ((("indexer", "sent_at"), False),)

    db.create_tables([_IndexerRequest])


#: What an open app must see another process change (:func:`mydia_tui.views.change_stamp`):
#: table -> the writes counted. Items, episodes and files added, deleted or changed in any
#: column (a toggle, a refresh's titles and air dates, a scan's changed file, an import).
COUNTED_CHANGES: dict[str, tuple[str, ...]] = {
    "media_item": ("INSERT", "DELETE", "UPDATE"),
    "episode": ("INSERT", "DELETE", "UPDATE"),
    "media_file": ("INSERT", "DELETE", "UPDATE"),
}


def count_changes(db: Database) -> None:
    """Make the database count the writes of :data:`COUNTED_CHANGES` itself, by triggers, so
    that every writer (this process, the command line, another monitor, a hand-made SQL
    statement) is counted and reading the counts costs one small query.

    SQLite: a ``change_count`` table (one row per table, ``n``) bumped by a row trigger per
    write kind; SQLite has one writer at a time, so the bump cannot deadlock. PostgreSQL: a
    sequence per table (``<table>_changes``) advanced by a row trigger: ``nextval`` takes
    no row lock, so two monitors writing at once never wait for, or deadlock on, a counter."""
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION mydia_count_change() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN PERFORM nextval(TG_ARGV[0]::regclass); RETURN NULL; END $$"
        )
        for table, writes in COUNTED_CHANGES.items():
            db.execute_sql(f"CREATE SEQUENCE IF NOT EXISTS {table}_changes")
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_counted ON {table}")
            db.execute_sql(
                f"CREATE TRIGGER {table}_counted AFTER {' OR '.join(writes)} ON {table} "
                f"FOR EACH ROW EXECUTE PROCEDURE mydia_count_change('{table}_changes')"
            )
        return
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS change_count (name TEXT NOT NULL PRIMARY KEY, "
        "n INTEGER NOT NULL)"
    )
    for table, writes in COUNTED_CHANGES.items():
        db.execute_sql(
            f"INSERT INTO change_count (name, n) VALUES ({db.param}, 0) ON CONFLICT DO NOTHING",
            (table,),
        )
        for write in writes:
            name = f"{table}_counted_{write.split()[0].lower()}"
            db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")  # an older schema's definition
            db.execute_sql(
                f"CREATE TRIGGER {name} AFTER {write} ON {table} BEGIN "
                f"UPDATE change_count SET n = n + 1 WHERE name = '{table}'; END"
            )


STEPS: dict[int, Callable[[Database, SchemaMigrator], None]] = {
    2: _to_2,
    3: _to_3,
    4: _to_4,
    5: _to_5,
    6: _to_6,
    7: _to_7,
    8: _to_8,
    9: _to_9,
    10: _to_10,
}
