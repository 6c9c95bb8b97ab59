"""The library's data model (Peewee).

One ``DatabaseProxy`` serves every model; :mod:`mydia_tui.db` binds it to SQLite or PostgreSQL.
Nothing here relies on SQLite-only behaviour: constraints are plain CHECK / UNIQUE / FOREIGN KEY
clauses that PostgreSQL enforces the same way.

Widgets and command output never hold these rows: services turn them into frozen dataclasses.
"""

from __future__ import annotations

import datetime as _dt

from peewee import (
    SQL,
    BigIntegerField,
    BooleanField,
    Check,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DoubleField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()


def utcnow() -> _dt.datetime:
    """Naive UTC: what every timestamp column stores."""
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


def to_local(moment: _dt.datetime | str) -> _dt.datetime:
    """A stored time (naive UTC, or its ISO text as ``--json`` gives it; an aware time is
    taken as it is) in the user's local time zone, for people to read."""
    if isinstance(moment, str):
        moment = _dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    return moment.astimezone()


# Kinds and states, as stored. Kept as plain strings (with CHECK constraints) so that the
# database stays readable from any SQL shell.
ROOT_KINDS = ("movies", "shows")
ITEM_KINDS = ("movie", "show")
DOWNLOAD_KINDS = ("movie", "episodes", "season")

#: A download in any of these states holds its target: nothing else may grab it.
ACTIVE_STATES = (
    "claimed",  # the guard accepted it; the client has not been called yet
    "sending",  # the client's add is under way
    "queued",
    "checking",
    "downloading",
    "paused",
    "seeding",  # seeding but not imported yet
    "moving",
    "completed",  # finished, waiting for import
    "importing",
    "import_failed",  # import gave up; the user can retry; the target stays taken
    "stalled",
    "unknown",  # Deluge unreachable: we do not know, so we hold
)
#: Of those, the client drives these: the download monitor's poll records what Deluge says
#: (:mod:`mydia_tui.lifecycle` groups the others by who drives them).
CLIENT_STATES = (
    "queued",
    "checking",
    "downloading",
    "paused",
    "seeding",
    "moving",
    "completed",
    "stalled",
    "unknown",
)
#: Only these end a download and free its target.
FINAL_STATES = ("imported", "failed", "removed")
DOWNLOAD_STATES = ACTIVE_STATES + FINAL_STATES

HISTORY_EVENTS = (
    "added",  # an item was added to the library
    "grabbed",
    "adopted",  # a torrent already in Deluge was taken over for a target
    "refused",
    "imported",
    "import_failed",
    "failed",
    "removed",
    "file_added",
    "file_deleted",
    "file_missing",
    "searched",
    "search_empty",
    "error",
)


def _in(column: str, values: tuple[str, ...]) -> Check:
    quoted = ", ".join(f"'{v}'" for v in values)
    return Check(f"{column} IN ({quoted})")


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Meta(BaseModel):
    """Key/value facts about the database itself: ``schema_version``, the chosen theme, ..."""

    key = TextField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "meta"

    @classmethod
    def put(cls, key: str, value: str) -> None:
        """Set ``key`` to ``value``: inserted, or its value replaced (SQLite and PostgreSQL
        alike, ``ON CONFLICT``)."""
        cls.insert(key=key, value=value).on_conflict(
            conflict_target=[cls.key], preserve=[cls.value]
        ).execute()


class QualityProfile(BaseModel):
    name = TextField(unique=True)
    #: JSON list of allowed qualities, worst first
    qualities = TextField(default="[]")
    cutoff = TextField(default="")
    upgrades_allowed = BooleanField(default=True)
    min_size_mb = FloatField(default=0)
    max_size_mb = FloatField(default=0)
    #: JSON lists of words
    blocked_words = TextField(default="[]")
    preferred_words = TextField(default="[]")


class LibraryRoot(BaseModel):
    path = TextField(unique=True)
    kind = TextField(constraints=[_in("kind", ROOT_KINDS)])


class MediaItem(BaseModel):
    """A film or a show."""

    kind = TextField(constraints=[_in("kind", ITEM_KINDS)])
    title = TextField()
    sort_title = TextField()
    #: normalised title, for "already in the library" checks (see :func:`library.title_key`)
    title_key = TextField()
    year = IntegerField(null=True)
    imdb_id = TextField(null=True, unique=True)
    tmdb_id = IntegerField(null=True, unique=True)
    tvdb_id = IntegerField(null=True, unique=True)
    tvmaze_id = IntegerField(null=True, unique=True)
    monitored = BooleanField(default=True)
    #: shows: monitor episodes that appear on refresh
    monitor_new = BooleanField(default=True)
    quality_profile = ForeignKeyField(QualityProfile, null=True, on_delete="SET NULL")
    root = ForeignKeyField(LibraryRoot, null=True, on_delete="SET NULL")
    #: folder under the root, relative ("Big Buck Bunny (2008)")
    folder = TextField(null=True)
    #: shows: Running, Ended, ... as the metadata source says
    status = TextField(default="")
    overview = TextField(default="")
    added_at = DateTimeField(default=utcnow)
    #: upgrades of this item are paused (an upgrade that was not better, see
    #: :mod:`mydia_tui.upgrades`): the fingerprint of the quality profile they were paused
    #: under; "" when not paused. A change of the profile, or the user, resumes them. Schema 6.
    upgrades_paused = TextField(default="")

    class Meta:
        indexes = ((("kind", "title_key", "year"), True), (("sort_title",), False))


class Episode(BaseModel):
    show = ForeignKeyField(MediaItem, backref="episodes", on_delete="CASCADE")
    season = IntegerField(constraints=[Check("season >= 0")])
    number = IntegerField(constraints=[Check("number >= 0")])
    title = TextField(default="")
    air_date = DateField(null=True)
    monitored = BooleanField(default=True)
    tvmaze_id = IntegerField(null=True)

    class Meta:
        indexes = ((("show", "season", "number"), True),)


class MediaFile(BaseModel):
    """A video file in the library. Its owner is exactly one film or one episode (the first
    episode of a multi-episode file); :class:`FileEpisode` lists every episode it covers."""

    movie = ForeignKeyField(MediaItem, null=True, backref="files", on_delete="CASCADE")
    episode = ForeignKeyField(Episode, null=True, on_delete="CASCADE")
    root = ForeignKeyField(LibraryRoot, on_delete="CASCADE")
    #: path relative to the root
    path = TextField()
    size = BigIntegerField(default=0)
    #: seconds since the epoch, as ``stat`` gives it: a double (PostgreSQL's REAL, four bytes,
    #: would round it, and every re-scan would take every file for changed)
    mtime = DoubleField(default=0)
    quality = TextField(default="")
    added_at = DateTimeField(default=utcnow)
    #: set when the file was found gone; the library should be corrected
    missing_since = DateTimeField(null=True)

    class Meta:
        table_name = "media_file"
        indexes = ((("root", "path"), True),)
        constraints = [
            Check("(movie_id IS NULL) <> (episode_id IS NULL)", name="media_file_one_owner")
        ]


class FileEpisode(BaseModel):
    """Every episode a file covers (one row for a single episode, several for S01E01E02)."""

    file = ForeignKeyField(MediaFile, backref="episode_links", on_delete="CASCADE")
    episode = ForeignKeyField(Episode, backref="file_links", on_delete="CASCADE")

    class Meta:
        table_name = "file_episode"
        indexes = ((("file", "episode"), True),)


class Download(BaseModel):
    """One torrent fetched for one target. Rows are never deleted: a finished download stays as
    history with its final state and timestamps."""

    kind = TextField(constraints=[_in("kind", DOWNLOAD_KINDS)])
    #: a film, or the show of an episode grab or a season pack
    item = ForeignKeyField(MediaItem, backref="downloads", on_delete="CASCADE")
    #: season packs: the season number
    season = IntegerField(null=True)
    info_hash = TextField(constraints=[Check("length(info_hash) = 40")])
    title = TextField()
    indexer = TextField(default="")
    guid = TextField(default="")
    #: magnet | torrent | url
    source = TextField(default="magnet")
    #: the magnet or the URL (secrets stripped)
    source_uri = TextField(default="")
    size = BigIntegerField(default=0)
    quality = TextField(default="")
    state = TextField(default="claimed", constraints=[_in("state", DOWNLOAD_STATES)])
    #: Deluge's own state and message, as last seen
    client_state = TextField(default="")
    progress = FloatField(default=0)
    download_rate = BigIntegerField(default=0)
    upload_rate = BigIntegerField(default=0)
    eta = BigIntegerField(null=True)
    ratio = FloatField(default=0)
    seeds = IntegerField(default=0)
    peers = IntegerField(default=0)
    total_done = BigIntegerField(default=0)
    save_path = TextField(default="")
    error_message = TextField(null=True)
    #: who claimed it ("host:pid"), for reconciliation
    claimed_by = TextField(default="")
    claimed_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    added_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)
    imported_at = DateTimeField(null=True)
    failed_at = DateTimeField(null=True)
    removed_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=utcnow)
    #: consecutive successful polls that did not list this torrent
    missing_polls = IntegerField(default=0)
    last_progress_at = DateTimeField(null=True)
    import_attempts = IntegerField(default=0)
    next_import_at = DateTimeField(null=True)
    #: who runs (or last ran) its import ("host:pid"), for taking over an import whose process
    #: died; empty before the first import. Schema 4.
    import_by = TextField(default="")
    #: when that import started (naive UTC). Schema 4.
    import_started_at = DateTimeField(null=True)
    #: the torrent's name, save path and files as Deluge last reported them (JSON of
    #: :meth:`mydia_tui.deluge.TorrentFiles.to_json`; "" until the poll first sees its metadata),
    #: so that a torrent that vanishes from Deluge can still be imported. Schema 6.
    content = TextField(default="")
    #: an upgrade: the quality of the file it replaces ("" for a first grab). Schema 7.
    upgrade_from = TextField(default="")
    #: an upgrade: the ``media_file`` it replaces (no foreign key: the file's row goes when the
    #: upgrade is imported, the download's record stays). Schema 7.
    upgrade_file = IntegerField(null=True)

    class Meta:
        indexes = ((("info_hash",), False), (("state",), False), (("item",), False))


class DownloadUnit(BaseModel):
    """One unit a download holds: a film ("m:ID"), an episode ("e:ID") or a season
    ("s:SHOW:N"). ``active_unit`` equals ``unit`` while the download is active and is NULL once
    it ends; its UNIQUE index is the database's own guarantee that no unit is held twice, on
    SQLite and PostgreSQL alike (NULLs never collide). Added in schema 2."""

    download = ForeignKeyField(Download, backref="units", on_delete="CASCADE")
    #: not indexed (schema 3 dropped the index: nothing looks units up by name once released)
    unit = TextField()
    active_unit = TextField(null=True, unique=True)
    #: the episode an "e:ID" unit names (NULL for films and seasons): a download's units are
    #: also the record of the episodes it covers (one for S01E03, two for S01E01E02, a season's
    #: at the time of the grab). Not indexed: lookups go from a download to its episodes, and
    #: the active ones by ``active_unit``. Schema 3 (it replaced the download_episode table).
    episode = ForeignKeyField(Episode, null=True, on_delete="CASCADE", index=False)

    @classmethod
    def held_episodes(cls):
        """A query of the episodes an active download holds (its active "e:" units)."""
        return cls.select(cls.episode).where(
            cls.active_unit.is_null(False) & cls.episode.is_null(False)
        )

    class Meta:
        table_name = "download_unit"


class Indexer(BaseModel):
    """A Torznab indexer. The config file names them; this table keeps their health and caps."""

    name = TextField(unique=True)
    url = TextField()
    api_key = TextField(default="")
    #: JSON list of category ids
    categories = TextField(default="[]")
    enabled = BooleanField(default=True)
    priority = IntegerField(default=25)
    failure_count = IntegerField(default=0)
    failing_since = DateTimeField(null=True)
    next_retry_at = DateTimeField(null=True)
    last_error = TextField(default="")
    #: the raw t=caps answer, and when it was read
    caps = TextField(default="")
    caps_fetched_at = DateTimeField(null=True)
    #: the earliest start of its next request, whoever asks (its ``min_interval`` after the
    #: last one, a ``Retry-After``): :mod:`mydia_tui.indexers.pacing`
    next_request_at = DateTimeField(null=True)
    #: when an RSS sync last read its feeds, whichever process did
    rss_read_at = DateTimeField(null=True)
    #: the newest publication time seen in each of its feeds (JSON: kind -> ISO time, UTC)
    rss_newest = TextField(default="{}")


class IndexerRequest(BaseModel):
    """A request to an indexer in the last hour, whichever process made it: its
    ``requests_per_hour`` is counted here (:mod:`mydia_tui.indexers.pacing`)."""

    indexer = ForeignKeyField(Indexer, on_delete="CASCADE", index=False)
    #: when it counts from: its start, then its end once it ended
    sent_at = DateTimeField()

    class Meta:
        table_name = "indexer_request"
        indexes = ((("indexer", "sent_at"), False),)


class Blocklist(BaseModel):
    info_hash = TextField(null=True, index=True)
    indexer = TextField(default="")
    guid = TextField(default="")
    title = TextField(default="")
    size = BigIntegerField(null=True)
    reason = TextField(default="")
    item = ForeignKeyField(MediaItem, null=True, on_delete="CASCADE")
    added_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("indexer", "guid"), False), (("indexer", "title"), False))


class History(BaseModel):
    at = DateTimeField(default=utcnow, index=True)
    event = TextField(constraints=[_in("event", HISTORY_EVENTS)])
    item = ForeignKeyField(MediaItem, null=True, backref="history", on_delete="CASCADE")
    episode = ForeignKeyField(Episode, null=True, on_delete="CASCADE")
    season = IntegerField(null=True)
    download = ForeignKeyField(Download, null=True, backref="history", on_delete="SET NULL")
    #: machine-readable reason (already_on_disk, in_flight, ...), empty for plain events
    reason = TextField(default="")
    message = TextField(default="")
    #: JSON with details (release title, indexer, paths)
    data = TextField(default="")


class ParsedName(BaseModel):
    """Persistent cache of parsed release and file names (guessit is slow)."""

    name = TextField(primary_key=True)
    #: the parser's version: entries of another version are parsed again
    version = IntegerField()
    data = TextField()

    class Meta:
        table_name = "parsed_name"


class SearchState(BaseModel):
    """Per wanted unit ("m:ID", "e:ID", "s:SHOW:SEASON"): when it was last searched, the
    cool-down after empty searches (it survives restarts), and a lease so that two monitors
    do not search the same item at the same moment."""

    key = TextField(unique=True)
    item = ForeignKeyField(MediaItem, on_delete="CASCADE")
    last_search_at = DateTimeField(null=True)
    empty_count = IntegerField(default=0)
    next_search_at = DateTimeField(null=True)
    lease_holder = TextField(default="")
    lease_until = DateTimeField(null=True)

    class Meta:
        table_name = "search_state"


class Lease(BaseModel):
    """A named lease held by one process until it expires (for example the search cycle)."""

    name = TextField(primary_key=True)
    holder = TextField()
    expires_at = DateTimeField()


class FolderState(BaseModel):
    """A folder as the last scan listed it: its modification time, when it was listed, and how
    many things in it the library does not account for (video files the scan could not match,
    subfolders or files it could not read). A folder whose modification time is still the
    recorded one has exactly the entries the scan saw (adding, removing or renaming an entry
    changes its folder's time), so the guard need not list it again to know that it holds no
    video the library has not scanned. Added in schema 3."""

    root = ForeignKeyField(LibraryRoot, on_delete="CASCADE", index=False)
    #: the first component of ``path``: the film's or show's folder (one index finds a whole
    #: item's folders by equality, which sorts the same under every collation)
    top = TextField()
    #: relative to the root, without a trailing slash ("" for the root itself)
    path = TextField()
    mtime_ns = BigIntegerField()
    #: wall-clock time just before the scan listed it
    listed_ns = BigIntegerField()
    loose = IntegerField(default=0)

    class Meta:
        table_name = "folder_state"
        indexes = ((("root", "top", "path"), True),)


#: the tables of schema 1 that are still there (schema 3 dropped download_episode)
SCHEMA_V1_MODELS = [
    Meta,
    QualityProfile,
    LibraryRoot,
    MediaItem,
    Episode,
    MediaFile,
    FileEpisode,
    Download,
    Indexer,
    Blocklist,
    History,
    ParsedName,
    SearchState,
    Lease,
]

#: Every model of the current schema, in creation order.
ALL_MODELS = [*SCHEMA_V1_MODELS, DownloadUnit, FolderState, IndexerRequest]

__all__ = [
    "SQL",
    "database",
    "utcnow",
    *[m.__name__ for m in ALL_MODELS],
]
