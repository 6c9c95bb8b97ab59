"""The soak world (issue 20): "never twice" proved under chaos, on real parts.

One world, used by ``bench/soak.py`` (the long run, on demand) and ``tests/test_soak.py`` (the
short run in the suite). Everything in it is real: two private ``deluged`` (a seeder holding
every release's payload, and the client the product drives; tests/deluge_fixtures.py), a
loopback Torznab server with two indexers (tests/torznab_server.py), a loopback TVmaze
(tests/tvmaze_server.py) the shows are added from, a library of a few hundred films and shows
(a fifth of the films and some seasons on disk from the start, scanned) in a real database (a SQLite file, or a database on the tests' private
PostgreSQL server: tests/pg_fixtures.py), and one to three headless monitors, each a
``python -m mydia_tui monitor`` process on that database. The world's own process only builds,
injects faults, acts as the user (the real command line) and reads the database to check.

Simulated time is a sequence of days, one step each (``day_seconds`` of wall time). Each day:

* now and then a show's next episode is announced (TVmaze lists it, the show is refreshed as
  ``mydia-tui refresh`` does);
* releases "air": new films and episodes, season packs, PROPERs and better releases of what
  aired before, look-alikes (a sequel or a spin-off of a library title, never to be grabbed);
  some appear on both indexers under two names with one info-hash. Each is a small generated
  payload (``payload_bytes`` per file) seeded by the seeder, served as a .torrent link; the
  feeds (RSS sync) give the newest first, searches the releases whose name holds the query's
  words.
* faults are drawn from the seed (``random.Random(seed)``; the seed is printed, so a failure
  replays with the same schedule, though not the same interleaving of processes):

  - ``monitor_kill``: SIGKILL of a monitor at a random moment, restarted at once;
  - ``deluged_stop``: SIGSTOP of the client daemon for one to three days, then SIGCONT;
  - ``deluged_restart``: the client daemon killed (SIGKILL: a crash) or stopped (SIGTERM), and
    started again on the same ports and state;
  - ``indexer_error`` / ``indexer_slow``: an indexer answers HTTP 500, or waits longer than the
    configured timeout, for one to three days;
  - ``root_unmount``: a library root "unmounted" and "remounted". Without root this is
    simulated, not a real unmount: the root folder is renamed away and an empty folder left in
    its place (what an empty mount point looks like); at the remount whatever was written into
    that empty folder is moved aside (a real mount hides it) and the real folder renamed back;
  - ``file_delete``: an imported file deleted by hand (recorded: from then on its unit is not
    on disk);
  - ``client_remove``: a torrent removed in Deluge behind the product's back (with or without
    its data);
  - ``user_remove``: the user's "remove and blocklist" of an active download, through the real
    command line (``mydia-tui remove ID --blocklist``).

  Now and then the user also runs ``mydia-tui scan`` (not a fault: what a user does after
  deleting files by hand).

Invariants, checked after every day and at the end (``World.check``):

1. ``two_claims``: never two active downloads covering one film or episode (a season pack
   covers every episode of its season, read from the episode table);
2. ``grabbed_twice``: no info-hash grabbed (history ``grabbed`` / ``adopted``) by two downloads,
   nor one download recorded grabbed twice;
3. ``grabbed_on_disk``: nothing grabbed that was on disk at the time, by the world's own
   ledger (a unit is on disk from its import until the world deletes its file by hand);
   upgrades (claims recording the file they replace) are the one admitted exception;
4. ``not_final``: every download ends in a final state (imported, failed, removed) within the
   drain once the faults stop; the world retries ``import_failed`` ones as the user would;
5. ``file_lost``: every unit of the ledger has a recorded file that exists in the library (a
   root that is "unmounted" is skipped until it is back);
6. ``unaccounted_torrent``: the history accounts for every torrent in the client's Deluge: its
   info-hash is a download with a grab in the history (one in flight, ``claimed`` or
   ``sending``, is let be until the end);
7. ``lookalike_grabbed``: no look-alike release was grabbed;
8. ``crash``: no command the user runs ends in a traceback, no monitor exits on its own
   (it is restarted, and the violation recorded).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deluge_fixtures import Swarm
from monitor_helpers import Payload, make_payload, seed
from torznab_server import FakeIndexer, Reply, TorznabServer, caps_xml, feed_xml, item_xml
from tvmaze_server import FakeTVmaze, episode_json, show_json

from mydia_tui.config import (
    Config,
    IndexerConfig,
    LibraryConfig,
    MetadataConfig,
    MonitorConfig,
    write_config,
)
from mydia_tui.db import open_database
from mydia_tui.deluge_daemon import DaemonFailed, DelugeDaemon
from mydia_tui.library import add_movie, sync_roots
from mydia_tui.metadata import add_show_from_tvmaze, refresh_show
from mydia_tui.models import (
    ACTIVE_STATES,
    FINAL_STATES,
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    History,
    MediaFile,
    utcnow,
)
from mydia_tui.scanning import scan_library

REPO = Path(__file__).resolve().parent.parent

WORDS = (
    "amber falcon river silent golden harbor winter broken hidden secret empire shadow storm "
    "garden ocean mountain velvet glass paper stone machine dream signal echo orbit kingdom "
    "copper lantern meadow thunder crystal desert forest island marble north"
).split()

FAULT_KINDS = (
    "monitor_kill",
    "deluged_stop",
    "deluged_restart",
    "indexer_error",
    "indexer_slow",
    "root_unmount",
    "file_delete",
    "client_remove",
    "user_remove",
)

#: how often each kind is drawn, relative to the others: an indexer's failure sets off a
#: back-off of minutes of wall time (indexers/health.py), many simulated days of a short run
FAULT_WEIGHT = {"indexer_error": 0.4, "indexer_slow": 0.4}

INVARIANTS = (
    "two_claims",
    "grabbed_twice",
    "grabbed_on_disk",
    "not_final",
    "file_lost",
    "unaccounted_torrent",
    "lookalike_grabbed",
    "crash",
)


@dataclass
class Offer:
    """A release of the catalogue: its names per indexer, its payload, what it is for."""

    kind: str  # film, episode, pack, proper, better, lookalike
    names: dict[str, str]  # indexer -> the name it gives
    payload: Payload
    category: int
    aired: str  # RFC 2822, when it appeared
    #: the title words a search must ask for to find it (lowercase)
    words: frozenset[str]


@dataclass
class SoakSettings:
    seed: int
    days: int = 20
    #: wall seconds per simulated day
    day_seconds: float = 2.0
    films: int = 200
    shows: int = 12
    seasons: int = 2
    episodes_per_season: int = 4
    monitors: int = 2
    payload_bytes: int = 24_000
    #: chance of a fault on a given day
    fault_rate: float = 0.6
    #: the fault kinds drawn (all by default)
    faults: tuple[str, ...] = FAULT_KINDS
    #: wall seconds the drain may take once the faults stop
    drain_seconds: float = 60.0
    #: when set, the days end once this many wall seconds have passed (``days`` at most)
    budget_seconds: float = 0.0
    #: SQLite file when empty; else a postgresql:// URL
    database_url: str = ""


@dataclass
class Summary:
    seed: int
    days: int = 0
    grabs: int = 0
    imports: int = 0
    releases: int = 0
    new_episodes: int = 0
    faults: Counter = field(default_factory=Counter)
    checks: int = 0
    violations: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    drained: bool = False
    database: str = "sqlite"

    def lines(self) -> list[str]:
        faults = ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items())) or "none"
        out = [
            f"soak: seed {self.seed} ({self.database})",
            f"  simulated days   {self.days}",
            f"  releases aired   {self.releases}",
            f"  new episodes     {self.new_episodes}",
            f"  grabs            {self.grabs}",
            f"  imports          {self.imports}",
            f"  faults           {sum(self.faults.values())}: {faults}",
            f"  invariant checks {self.checks}",
            f"  violations       {len(self.violations)}",
            f"  drained          {'yes' if self.drained else 'NO'}",
            f"  wall time        {self.wall_seconds:.1f} s",
        ]
        out += [f"  VIOLATION {v}" for v in self.violations[:50]]
        out.append(f"  replay: .venv/bin/python bench/soak.py --seed {self.seed}")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def _rfc2822(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment.replace(tzinfo=dt.UTC))


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.split(r"[^a-z0-9]+", text.lower()) if w)


def _unqueued(daemon: DelugeDaemon) -> None:
    """No queue limits: every torrent active (Deluge's defaults queue all but a few, and a
    world of hundreds of torrents would wait on them; kept in core.conf across restarts)."""
    rpc = daemon.rpc()
    try:
        rpc.call(
            "core.set_config",
            {"max_active_limit": -1, "max_active_downloading": -1, "max_active_seeding": -1},
        )
    finally:
        rpc.disconnect()


class Catalogue:
    """What the two indexers offer, changing as days pass; each indexer's ``answer``."""

    def __init__(self, server: TorznabServer, names: tuple[str, ...]) -> None:
        self.offers: list[Offer] = []
        self.indexers: dict[str, FakeIndexer] = {}
        #: indexer -> "ok" / "error" / "slow"
        self.mode: dict[str, str] = {}
        self.slow_seconds = 6.0
        for name in names:
            fake = server.add(name)
            fake.answer = self._answer_for(name)
            self.indexers[name] = fake
            self.mode[name] = "ok"

    def publish(self, offer: Offer) -> None:
        for indexer in offer.names:
            fake = self.indexers[indexer]
            fake.downloads[offer.payload.info_hash] = Reply(
                body=offer.payload.torrent, headers={"Content-Type": "application/x-bittorrent"}
            )
        self.offers.append(offer)

    def _xml(self, indexer: str, offer: Offer) -> str:
        key = offer.payload.info_hash
        return item_xml(
            offer.names[indexer],
            guid=f"{indexer}-{key}",
            size=900_000_000,
            seeders=30,
            pub_date=offer.aired,
            link=f"{self.indexers[indexer].url}/dl/{key}",
            infohash=key,
            category=offer.category,
        )

    def _answer_for(self, indexer: str) -> Callable[[dict[str, str]], Reply | None]:
        def answer(params: dict[str, str]) -> Reply | None:
            mode = self.mode[indexer]
            if mode == "error":
                return Reply(status=500, body=b"internal error")
            delay = self.slow_seconds if mode == "slow" else 0.0
            if params.get("t") == "caps":
                return Reply(body=caps_xml().encode(), delay=delay)
            wanted = _words(params.get("q", ""))
            kind = params.get("t")
            cats = {"movie": (2040,), "tvsearch": (5040,)}.get(kind or "", (2040, 5040))
            found = [
                o
                for o in reversed(self.offers)  # newest first, as feeds are
                if indexer in o.names and o.category in cats and wanted <= o.words
            ]
            offset = int(params.get("offset", 0) or 0)
            limit = int(params.get("limit", 100) or 100)
            page = [self._xml(indexer, o) for o in found[offset : offset + limit]]
            return Reply(body=feed_xml(page, total=len(found), offset=offset).encode(), delay=delay)

        return answer


class MonitorProcess:
    """One headless ``mydia-tui monitor`` (a real process on the world's database)."""

    def __init__(self, world: World, number: int) -> None:
        self.world = world
        self.number = number
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        w = self.world
        log = open(w.root / f"monitor-{self.number}.log", "ab")  # noqa: SIM115 - the child's
        try:
            self.proc = subprocess.Popen(
                [*w.command, "monitor"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=w.env,
                cwd=REPO,
            )
        finally:
            log.close()
        self.starts += 1

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class World:
    """The soak world under ``root``; :meth:`run` plays ``settings.days`` days and returns the
    :class:`Summary`. Call :meth:`close` (or use it as a context manager) to stop every process
    it started."""

    def __init__(
        self, root: Path, settings: SoakSettings, deluged: Path, say: Callable[[str], None] = print
    ) -> None:
        self.root = root
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.say = say
        self.summary = Summary(
            seed=settings.seed,
            database="postgresql" if settings.database_url else "sqlite",
        )
        self.started = time.monotonic()
        root.mkdir(parents=True, exist_ok=True)
        self.src = root / "releases"
        self.src.mkdir(exist_ok=True)
        self.movies_root = root / "library" / "movies"
        self.shows_root = root / "library" / "tv"
        for r in (self.movies_root, self.shows_root):
            r.mkdir(parents=True, exist_ok=True)
        self.db_url = settings.database_url or str(root / "library.sqlite3")
        self.server = TorznabServer()
        self.tvmaze = FakeTVmaze()
        self.tvmaze.thread.start()
        self.catalogue = Catalogue(self.server, ("alpha", "beta"))
        self.seeder = DelugeDaemon(root / "seeder", deluged=deluged)
        self.client = DelugeDaemon(root / "client", deluged=deluged)
        self.seeder.start()
        self.client.start()
        for daemon in (self.seeder, self.client):
            _unqueued(daemon)
        self.swarm = Swarm(root, self.seeder, self.client)
        self.config = Config(
            deluge=self.client.config(timeout=3.0),
            indexers=tuple(
                IndexerConfig(
                    name=name,
                    url=fake.url,
                    api_key=fake.api_key,
                    min_interval=0.0,
                    timeout=3.0,
                    requests_per_hour=0,
                    # skipped for a simulated day or so, not the default 60 s: two failures
                    # in a row of both indexers (seed 91785) then outlasted the whole run
                    backoff=max(1.0, settings.day_seconds),
                )
                for name, fake in self.catalogue.indexers.items()
            ),
            library=LibraryConfig(movies=(str(self.movies_root),), shows=(str(self.shows_root),)),
            metadata=MetadataConfig(tvmaze_url=self.tvmaze.url, timeout=5.0),
            monitor=MonitorConfig(
                allow_short_intervals=True,  # the indexers are on loopback
                poll_interval=0.5,
                search_interval=2.0,
                rss_interval=1.5,
                search_cycle_deadline=8.0,
                searches_per_cycle=12,
                cooldown_base=6.0,
                cooldown_max=30.0,
                sending_timeout=10.0,
                missing_polls=3,
            ),
        )
        self.config_path = write_config(self.config, root / "config.toml")
        home = root / "home"
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = str(REPO) + os.pathsep + self.env.get("PYTHONPATH", "")
        for var, sub in (
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
        ):
            self.env[var] = str(home / sub)
        self.command = [
            sys.executable,
            "-m",
            "mydia_tui",
            "--config",
            str(self.config_path),
            "--db",
            self.db_url,
        ]
        self.database = open_database(self.db_url)
        sync_roots(self.config.library.movies, self.config.library.shows)
        #: the world's ledger: unit -> when it came on disk ("m:ID" / "e:ID")
        self.on_disk: dict[str, dt.datetime] = {}
        self._build_library()
        self.monitors = [MonitorProcess(self, n) for n in range(settings.monitors)]
        #: unit -> when the world deleted its file by hand (the latest)
        self.deleted: dict[str, dt.datetime] = {}
        self.lookalikes: set[str] = set()
        self.seeded: set[str] = set()
        #: (day due, what, undo)
        self.pending: list[tuple[int, str, Callable[[], None]]] = []
        self.unmounted: set[Path] = set()
        self.shadows = 0
        self.day = 0
        self.violations: set[str] = set()

    # -- the library ---------------------------------------------------------------------------

    def _titles(self, count: int) -> list[str]:
        pairs = [f"{a} {b}".title() for a in WORDS for b in WORDS if a != b]
        self.rng.shuffle(pairs)
        # no two titles share a word: nothing in the library is another title's look-alike
        used: set[str] = set()
        out = []
        for p in pairs:
            a, b = p.lower().split()
            if (a, b) in used or (b, a) in used:
                continue
            used.add((a, b))
            out.append(p)
            if len(out) == count:
                break
        return out

    def _build_library(self) -> None:
        s = self.settings
        titles = self._titles(s.films + s.shows)
        #: films not yet aired: (item id, title, year)
        self.films: list[tuple[int, str, int]] = []
        for title in titles[: s.films]:
            year = self.rng.randint(1970, 2024)
            self.films.append((add_movie(title, year).id, title, year))
        self.unaired_films = list(self.films)
        self.aired_films: list[tuple[int, str, int]] = []
        #: (show id, title, season, episode)
        self.unaired_episodes: list[tuple[int, str, int, int]] = []
        self.shows: list[tuple[int, str]] = []
        aired = (dt.date.today() - dt.timedelta(days=30)).isoformat()
        for n, title in enumerate(titles[s.films :], start=1):
            episodes = [
                episode_json(n * 1000 + season * 100 + number, season, number, f"E{number}", aired)
                for season in range(1, s.seasons + 1)
                for number in range(1, s.episodes_per_season + 1)
            ]
            self.tvmaze.add(show_json(n, title, "2020-01-06", "Net"), episodes)
            show = add_show_from_tvmaze(self.config, title, tvmaze_id=n)
            self.shows.append((show.id, title))
            for e in episodes:
                self.unaired_episodes.append((show.id, title, e["season"], e["number"]))
        self.aired_episodes: list[tuple[int, str, int, int]] = []
        self._files_on_disk()

    def _files_on_disk(self) -> None:
        """A library in use: a fifth of the films and the first season of a third of the shows
        are on disk already (small files named as the importer names them), scanned as
        ``mydia-tui scan`` does; their releases still air (the guard must refuse them)."""
        size = self.settings.payload_bytes
        for item_id, title, year in self.films[: len(self.films) // 5]:
            folder = self.movies_root / f"{title} ({year})"
            folder.mkdir()
            (folder / f"{title} ({year}) Bluray-1080p.mkv").write_bytes(os.urandom(size))
            self.on_disk[f"m:{item_id}"] = utcnow()
        for show_id, title in self.shows[: max(1, len(self.shows) // 3)]:
            folder = self.shows_root / title / "Season 01"
            folder.mkdir(parents=True)
            for ep in Episode.select().where((Episode.show == show_id) & (Episode.season == 1)):
                name = f"{title} - S01E{ep.number:02} Bluray-1080p.mkv"
                (folder / name).write_bytes(os.urandom(size))
                self.on_disk[f"e:{ep.id}"] = utcnow()
        time.sleep(1.1)  # files older than the scan's racy window
        report = scan_library(self.config)
        on_disk = utcnow()
        for unit in self.on_disk:
            self.on_disk[unit] = on_disk
        if not all(self._files_of(unit) for unit in self.on_disk):
            raise RuntimeError(f"the scan did not record the library's files: {report}")

    # -- the catalogue -------------------------------------------------------------------------

    def _offer(self, kind: str, name: str, files: dict[str, int], category: int, title: str):
        payload = make_payload(self.src, name, files)
        seed(self.swarm, payload)
        self.seeded.add(payload.info_hash)
        names = {"alpha": name}
        if self.rng.random() < 0.35:  # the same torrent on the other indexer, another name
            names["beta"] = name.replace(".", " ")
        elif self.rng.random() < 0.3:
            names = {"beta": name}
        offer = Offer(
            kind,
            names,
            payload,
            category,
            _rfc2822(dt.datetime.now(dt.UTC).replace(tzinfo=None)),
            _words(title),
        )
        self.catalogue.publish(offer)
        self.summary.releases += 1
        if kind == "lookalike":
            self.lookalikes.add(payload.info_hash)
        return offer

    def new_episode(self) -> None:
        """A show's next episode is announced and airs: TVmaze lists it (aired yesterday) and
        the show is refreshed from TVmaze (as ``mydia-tui refresh`` does); its release comes
        later, as any other."""
        show_id, title = self.rng.choice(self.shows)
        tvmaze_id = next(n for n, (i, _t) in enumerate(self.shows, start=1) if i == show_id)
        listed = self.tvmaze.episodes[tvmaze_id]
        last = max((e["season"], e["number"]) for e in listed)
        season, number = last if self.rng.random() < 0.8 else (last[0] + 1, 0)
        number += 1
        yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        listed.append(
            episode_json(tvmaze_id * 1000 + season * 100 + number, season, number, "New", yesterday)
        )
        refresh_show(self.config, show_id)
        self.unaired_episodes.append((show_id, title, season, number))
        self.summary.new_episodes += 1

    def air(self) -> None:
        """One day's releases: one to three, drawn from the seed."""
        size = self.settings.payload_bytes
        if self.shows and self.rng.random() < 0.15:
            self.new_episode()
        for _ in range(self.rng.choice((1, 2, 2, 3))):
            roll = self.rng.random()
            if roll < 0.4 and self.unaired_films:
                film = self.unaired_films.pop(self.rng.randrange(len(self.unaired_films)))
                self.aired_films.append(film)
                _, title, year = film
                name = f"{title.replace(' ', '.')}.{year}.1080p.WEB-DL.x264-GRP"
                self._offer("film", name, {f"{name}.mkv": size}, 2040, title)
            elif roll < 0.7 and self.unaired_episodes:
                ep = self.unaired_episodes.pop(0 if self.rng.random() < 0.7 else -1)
                self.aired_episodes.append(ep)
                _, title, season, number = ep
                name = f"{title.replace(' ', '.')}.S{season:02}E{number:02}.1080p.WEB-DL.x264-GRP"
                self._offer("episode", name, {f"{name}.mkv": size}, 5040, title)
            elif roll < 0.78 and self.shows:
                show_id, title = self.rng.choice(self.shows)
                season = self.rng.randint(1, self.settings.seasons)
                dotted = title.replace(" ", ".")
                name = f"{dotted}.S{season:02}.1080p.BluRay.x264-PACK"
                files = {
                    f"{dotted}.S{season:02}E{n:02}.1080p.BluRay.x264-PACK.mkv": size
                    for n in range(1, self.settings.episodes_per_season + 1)
                }
                if not any(o.names.get("alpha") == name for o in self.catalogue.offers):
                    self._offer("pack", name, files, 5040, title)
            elif roll < 0.86 and self.aired_films:
                _, title, year = self.rng.choice(self.aired_films)
                how = self.rng.choice(("PROPER.1080p.WEB-DL.x264-GRP", "1080p.BluRay.x264-HQ"))
                name = f"{title.replace(' ', '.')}.{year}.{how}"
                if not any(name in o.names.values() for o in self.catalogue.offers):
                    kind = "proper" if "PROPER" in how else "better"
                    self._offer(kind, name, {f"{name}.mkv": size}, 2040, title)
            elif self.films:
                _, title, year = self.rng.choice(self.films)
                word = self.rng.choice(("Returns", "Origins", "Reborn"))
                name = f"{title.replace(' ', '.')}.{word}.{year + 6}.1080p.WEB-DL.x264-GRP"
                if not any(name in o.names.values() for o in self.catalogue.offers):
                    self._offer("lookalike", name, {f"{name}.mkv": size}, 2040, title)

    # -- the client ----------------------------------------------------------------------------

    def session(self) -> dict[str, dict] | None:
        """The client daemon's torrents (hash -> state, progress), None when it does not answer."""
        if self.client.frozen or not self.client.running:
            return None
        try:
            rpc = self.client.rpc(timeout=3.0)
            try:
                got = rpc.call("core.get_torrents_status", {}, ["state", "progress"])
            finally:
                rpc.disconnect()
        except Exception:  # noqa: BLE001 - a daemon that does not answer: nothing known
            return None
        return {(k.decode() if isinstance(k, bytes) else k): v for k, v in got.items()}

    def dial(self) -> None:
        """Tell the client to dial the seeder for each unfinished torrent (no tracker, no DHT)."""
        session = self.session()
        if not session:
            return
        for info_hash, status in session.items():
            progress = status.get(b"progress", status.get("progress", 0))
            if info_hash in self.seeded and progress < 100:
                try:
                    self.swarm.connect(info_hash)
                except Exception:  # noqa: BLE001 - the next day dials again
                    pass

    # -- faults --------------------------------------------------------------------------------

    def _later(self, days: int, what: str, undo: Callable[[], None]) -> None:
        self.pending.append((self.day + days, what, undo))

    def _undo_due(self, everything: bool = False) -> None:
        keep = []
        for due, what, undo in self.pending:
            if everything or due <= self.day:
                undo()
            else:
                keep.append((due, what, undo))
        self.pending = keep

    def _busy(self, what: str) -> bool:
        return any(w == what for _, w, _ in self.pending)

    def inject(self, kind: str) -> bool:
        """Inject one fault of ``kind``; False when it does not apply today."""
        rng = self.rng
        if kind == "monitor_kill":
            m = rng.choice(self.monitors)
            time.sleep(rng.uniform(0, self.settings.day_seconds / 2))  # a random moment
            m.kill()
            m.start()
        elif kind == "deluged_stop":
            if self._busy("deluged"):
                return False
            self.client.freeze()
            self._later(rng.randint(1, 3), "deluged", self.client.thaw)
        elif kind == "deluged_restart":
            if self._busy("deluged"):
                return False
            if rng.random() < 0.5:
                self.client.kill()
            else:
                self.client.stop()
            self._start_client()
        elif kind in ("indexer_error", "indexer_slow"):
            name = rng.choice(list(self.catalogue.indexers))
            if self._busy(name):
                return False
            self.catalogue.mode[name] = "error" if kind == "indexer_error" else "slow"
            self._later(rng.randint(1, 3), name, lambda: self.catalogue.mode.update({name: "ok"}))
        elif kind == "root_unmount":
            root = rng.choice((self.movies_root, self.shows_root))
            if root in self.unmounted:
                return False
            self._unmount(root)
            self._later(rng.randint(1, 2), str(root), lambda: self._remount(root))
        elif kind == "file_delete":
            if not self._delete_a_file():
                return False
        elif kind == "client_remove":
            session = self.session()
            if not session:
                return False
            info_hash = rng.choice(sorted(session))
            rpc = self.client.rpc(timeout=5.0)
            try:
                rpc.call("core.remove_torrent", info_hash, rng.random() < 0.5)
            finally:
                rpc.disconnect()
        elif kind == "user_remove":
            active = [
                d.id
                for d in Download.select(Download.id).where(
                    Download.state.in_(("queued", "downloading", "paused", "stalled", "seeding"))
                )
            ]
            if not active:
                return False
            chosen = rng.choice(sorted(active))
            args = ["remove", str(chosen), "--blocklist"]
            if rng.random() < 0.5:
                args.append("--with-data")
            self.cli(*args)
        self.summary.faults[kind] += 1
        return True

    def _start_client(self) -> None:
        """Start the client daemon again (deluged right after a SIGKILL sometimes exits at
        once while its old state is archived: tried again, as a service manager would)."""
        for attempt in range(5):
            try:
                self.client.start()
                return
            except DaemonFailed:
                if attempt == 4:
                    raise
                time.sleep(1.0)

    def _unmount(self, root: Path) -> None:
        root.rename(root.with_name(root.name + ".away"))
        root.mkdir()  # the empty mount point
        self.unmounted.add(root)

    def _remount(self, root: Path) -> None:
        if any(root.iterdir()):  # written into the bare mount point: a mount hides it
            self.shadows += 1
            root.rename(root.with_name(f"{root.name}.hidden-{self.shadows}"))
        else:
            root.rmdir()
        root.with_name(root.name + ".away").rename(root)
        self.unmounted.discard(root)

    def _delete_a_file(self) -> bool:
        mounted = [u for u in sorted(self.on_disk) if self._root_of(u) not in self.unmounted]
        if not mounted:
            return False
        unit = self.rng.choice(mounted)
        paths = self._files_of(unit)
        if not paths:
            return False
        when = utcnow()
        for p in paths:
            p.unlink(missing_ok=True)
        self.deleted[unit] = when
        del self.on_disk[unit]
        return True

    def _root_of(self, unit: str) -> Path:
        return self.movies_root if unit.startswith("m:") else self.shows_root

    def _files_of(self, unit: str) -> list[Path]:
        """The library files recorded for ``unit`` that exist."""
        kind, _, ident = unit.partition(":")
        if kind == "m":
            rows = MediaFile.select().where(MediaFile.movie == int(ident))
        else:
            linked = FileEpisode.select(FileEpisode.file).where(FileEpisode.episode == int(ident))
            rows = MediaFile.select().where(
                (MediaFile.episode == int(ident)) | MediaFile.id.in_(linked)
            )
        root = self._root_of(unit)
        return [root / r.path for r in rows if (root / r.path).is_file()]

    # -- the invariants ------------------------------------------------------------------------

    def _units_of(self, d: Download) -> set[str]:
        """The film, or the episodes, ``d`` covers: for a season pack, the season's episodes
        when it was grabbed (its "e:" units; an episode announced later is not in the pack)."""
        if d.kind == "movie":
            return {f"m:{d.item_id}"}
        units = DownloadUnit.select(DownloadUnit.episode).where(
            (DownloadUnit.download == d.id) & DownloadUnit.episode.is_null(False)
        )
        return {f"e:{u.episode_id}" for u in units}

    def _learn_files(self) -> None:
        """The ledger learns of every film and episode whose recorded library file is on disk
        (an import, or a file the scan recorded): from the moment it was recorded, or, for a
        unit whose file the world deleted by hand, from now (the moment it is seen again)."""
        now = utcnow()
        links: dict[int, list[int]] = {}
        for fe in FileEpisode.select(FileEpisode.file, FileEpisode.episode):
            links.setdefault(fe.file_id, []).append(fe.episode_id)
        for f in MediaFile.select():
            units = [f"m:{f.movie_id}"] if f.movie_id else []
            episodes = set(links.get(f.id, [])) | ({f.episode_id} if f.episode_id else set())
            units += [f"e:{e}" for e in sorted(episodes)]
            new = [u for u in units if u not in self.on_disk]
            if not new or self._root_of(new[0]) in self.unmounted:
                continue
            if not (self._root_of(new[0]) / f.path).is_file():
                continue
            for unit in new:
                self.on_disk[unit] = now if unit in self.deleted else f.added_at

    def _violate(self, what: str) -> None:
        if what not in self.violations:
            self.violations.add(what)
            self.summary.violations.append(f"day {self.day}: {what}")
            self.say(f"VIOLATION (seed {self.settings.seed}) day {self.day}: {what}")

    def check(self, final: bool = False) -> None:
        """Every invariant once, over the database, the disk and the client's session."""
        self.summary.checks += 1
        # the session first: a torrent listed there was claimed before (the claim commits
        # before the add), so the downloads read next account for it
        session = self.session()
        downloads = list(Download.select())
        grabbed_events = list(
            History.select(History.download, History.event).where(
                History.event.in_(("grabbed", "adopted")) & History.download.is_null(False)
            )
        )
        per_download = Counter(h.download_id for h in grabbed_events)
        by_id = {d.id: d for d in downloads}
        self._learn_files()
        # 1. two active claims on one unit
        holders: dict[str, int] = {}
        for d in downloads:
            if d.state in ACTIVE_STATES:
                for unit in self._units_of(d):
                    if unit in holders:
                        self._violate(
                            f"two_claims: {unit} held by downloads {holders[unit]} and {d.id}"
                        )
                    holders[unit] = d.id
        # 2. an info-hash grabbed twice
        hashes: dict[str, set[int]] = {}
        for download_id, count in per_download.items():
            if count > 1:
                self._violate(
                    f"grabbed_twice: download {download_id} recorded grabbed {count} times"
                )
            d = by_id.get(download_id)
            if d is not None:
                hashes.setdefault(d.info_hash, set()).add(download_id)
        for info_hash, ids in hashes.items():
            if len(ids) > 1:
                self._violate(f"grabbed_twice: {info_hash} by downloads {sorted(ids)}")
        # 3. grabbed while on disk (upgrades admitted)
        for d in downloads:
            if d.upgrade_file is not None or d.id not in per_download:
                continue
            for unit in self._units_of(d):
                since = self.on_disk.get(unit)
                if since is not None and since < d.claimed_at:
                    self._violate(
                        f"grabbed_on_disk: download {d.id} ({d.title}) claimed {unit} at "
                        f"{d.claimed_at}, on disk since {since}"
                    )
        # 5. no file lost
        for unit in sorted(self.on_disk):
            if self._root_of(unit) in self.unmounted:
                continue
            if not self._files_of(unit):
                self._violate(f"file_lost: {unit} (on disk since {self.on_disk[unit]}) has no file")
        # 6. the history accounts for every torrent in Deluge
        if session is not None:
            known: dict[str, list[Download]] = {}
            for d in downloads:
                known.setdefault(d.info_hash, []).append(d)
            for info_hash in session:
                rows = known.get(info_hash, [])
                if any(r.id in per_download for r in rows):
                    continue
                if not final and any(r.state in ("claimed", "sending") for r in rows):
                    continue
                states = [r.state for r in rows] or ["no download"]
                self._violate(f"unaccounted_torrent: {info_hash} in Deluge ({', '.join(states)})")
        # 7. look-alikes
        for d in downloads:
            if d.info_hash in self.lookalikes and d.id in per_download:
                self._violate(f"lookalike_grabbed: download {d.id} ({d.title})")
        # 4. final states (at the end only)
        if final:
            for d in downloads:
                if d.state not in FINAL_STATES:
                    self._violate(f"not_final: download {d.id} ({d.title}) is {d.state}")

    # -- the run -------------------------------------------------------------------------------

    def user_scan(self) -> None:
        self.cli("scan")

    def cli(self, *args: str) -> int:
        """The user at the command line (``python -m mydia_tui ARGS``); its exit status. A
        traceback is a violation: every error must be one line (README: exit statuses)."""
        proc = subprocess.run(
            [*self.command, *args], env=self.env, cwd=REPO, capture_output=True, timeout=120
        )
        err = proc.stderr.decode(errors="replace")
        if "Traceback" in err:
            self._violate(f"crash: mydia-tui {' '.join(args)}: {err.strip().splitlines()[-1]}")
        return proc.returncode

    def run(self) -> Summary:
        s = self.settings
        self.say(
            f"soak: seed {s.seed}, {s.days} days of {s.day_seconds:g} s, "
            f"{s.films} films, {s.shows} shows, {s.monitors} monitor(s), "
            f"{self.summary.database}"
        )
        for m in self.monitors:
            m.start()
        for day in range(1, s.days + 1):
            if s.budget_seconds and time.monotonic() - self.started > s.budget_seconds:
                break
            self.day = day
            self._undo_due()
            self.air()
            if s.faults and self.rng.random() < s.fault_rate:
                self.inject(
                    self.rng.choices(s.faults, [FAULT_WEIGHT.get(k, 1.0) for k in s.faults])[0]
                )
            if day % 7 == 0 and not self.unmounted:
                self.user_scan()
            self.dial()
            time.sleep(s.day_seconds)
            for m in self.monitors:  # a monitor that died on its own is a finding, restarted
                if m.proc is not None and m.proc.poll() is not None:
                    self._violate(f"crash: monitor {m.number} exited with {m.proc.returncode}")
                    m.start()
            self.check()
            self.summary.days = day
            if day % 50 == 0:
                self._count()
                self.say(
                    f"  day {day}: {self.summary.grabs} grabs, {self.summary.imports} imports, "
                    f"{sum(self.summary.faults.values())} faults, "
                    f"{len(self.summary.violations)} violations"
                )
        self.drain()
        self.check(final=True)
        self._count()
        self.summary.wall_seconds = time.monotonic() - self.started
        return self.summary

    def drain(self) -> None:
        """The faults stop: undo the pending ones, and wait (dialling, retrying failed
        imports as the user) until every download is final or ``drain_seconds`` pass."""
        self._undo_due(everything=True)
        for m in self.monitors:
            if m.proc is None or m.proc.poll() is not None:
                m.start()
        deadline = time.monotonic() + self.settings.drain_seconds
        retried: set[int] = set()
        while time.monotonic() < deadline:
            self.dial()
            waiting = list(Download.select().where(Download.state.not_in(FINAL_STATES)))
            if not waiting:
                self.summary.drained = True
                return
            for d in waiting:
                if d.state == "import_failed" and d.id not in retried:
                    retried.add(d.id)
                    self.cli("retry-import", str(d.id))
            time.sleep(1.0)

    def _count(self) -> None:
        self.summary.grabs = (
            History.select().where(History.event.in_(("grabbed", "adopted"))).count()
        )
        self.summary.imports = History.select().where(History.event == "imported").count()

    def close(self) -> None:
        for m in self.monitors:
            m.stop()
        for root in list(self.unmounted):
            self._remount(root)
        for daemon in (self.client, self.seeder):
            if daemon.frozen:
                daemon.thaw()
            daemon.stop()
        self.server.close()
        self.tvmaze.httpd.shutdown()
        self.tvmaze.httpd.server_close()
        self.database.close()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_soak(root: Path, settings: SoakSettings, deluged: Path, say=print) -> Summary:
    """Build the world under ``root``, play it, print and return its summary."""
    with World(root, settings, deluged, say) as world:
        summary = world.run()
    for line in summary.lines():
        say(line)
    return summary


def clean(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
