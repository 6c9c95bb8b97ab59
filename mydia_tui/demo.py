"""``mydia-tui demo``: try the whole loop on this machine with nothing configured.

It starts two private ``deluged`` (a seeder and your client), a local Torznab feed offering
releases of four Creative-Commons open films (Big Buck Bunny, Sintel, Tears of Steel, Elephants
Dream; the payloads are small generated placeholders, labelled as such, not the films), a
temporary library where those films are wanted, and opens the TUI exactly as ``mydia-tui``
does (``mydia_tui.cli.tui.run_tui``) with the monitor running: they are found, grabbed,
downloaded and imported, and never grabbed again. Everything it started is stopped and removed
on exit.

With no ``deluged`` on this machine it offers to install a private one first
(:func:`ensure_deluged`).
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .config import Config, DelugeConfig, IndexerConfig, LibraryConfig, MonitorConfig, write_config
from .deluge_daemon import (
    DELUGED_ENV,
    DelugeDaemon,
    DelugedNotFound,
    find_deluged,
    install_deluged,
    private_venv,
)
from .torrent import TorrentFile, make_magnet, make_torrent

log = logging.getLogger(__name__)

#: (title, year, imdb id) of open films released under Creative Commons by the Blender Foundation
FILMS = (
    ("Big Buck Bunny", 2008, "tt1254207"),
    ("Sintel", 2010, "tt1727587"),
    ("Tears of Steel", 2012, "tt2285752"),
    ("Elephants Dream", 2006, "tt0807840"),
)

PLACEHOLDER_NOTE = (
    "This is a generated placeholder made by `mydia-tui demo`, not the film itself.\n"
    "{title} ({year}) is an open film by the Blender Foundation, released under a Creative\n"
    "Commons licence; the real film is available from the Blender Foundation.\n"
)


@dataclass
class DemoRelease:
    title: str
    seeders: int
    imdb: str
    torrent: TorrentFile | None = None
    location: Path | None = None
    #: seeded by the demo's seeder
    seeded: bool = False

    @property
    def info_hash(self) -> str:
        assert self.torrent is not None
        return self.torrent.info_hash


def _dotted(title: str) -> str:
    return title.replace(" ", ".")


def demo_releases() -> list[tuple[str, int, str, bool]]:
    """(release name, seeders, imdb id, seeded) for the feed: for each film a good release
    (seeded), a lesser one, and one look-alike that must never be grabbed."""
    out = []
    for title, year, imdb in FILMS:
        out.append((f"{_dotted(title)}.{year}.1080p.BluRay.x264-DEMO", 42, imdb, True))
        out.append((f"{_dotted(title)}.{year}.720p.WEB-DL.x264-DEMO", 3, imdb, False))
    out.append(("Big.Buck.Bunny.2.2015.1080p.BluRay.x264-DEMO", 99, "", False))
    return out


# ---------------------------------------------------------------------------------------------
# The feed


class TorznabFeed:
    """A small Torznab server on loopback serving the demo's releases."""

    def __init__(self, releases: list[DemoRelease], api_key: str = "mydia-demo-key") -> None:
        self.releases = releases
        self.api_key = api_key
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                feed._answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="demo-feed", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> TorznabFeed:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        if parts.path.startswith("/download/"):
            info_hash = parts.path.rsplit("/", 1)[-1].removesuffix(".torrent")
            for r in self.releases:
                if r.torrent is not None and r.info_hash == info_hash:
                    return self._send(h, 200, r.torrent.data, "application/x-bittorrent")
            return self._send(h, 404, b"not found", "text/plain")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if query.get("apikey") != self.api_key:
            return self._send(
                h,
                200,
                b'<?xml version="1.0"?><error code="100" description="Invalid API Key"/>',
                "application/xml",
            )
        if query.get("t") == "caps":
            return self._send(h, 200, CAPS.encode(), "application/xml")
        words = [w for w in (query.get("q") or "").lower().replace(".", " ").split() if w]
        imdb = query.get("imdbid", "")
        items = []
        for r in self.releases:
            name = r.title.lower().replace(".", " ").split()
            if imdb:
                if r.imdb.removeprefix("tt") != imdb.removeprefix("tt"):
                    continue
            elif words and not all(w in name for w in words):
                continue
            items.append(self._item(r))
        body = RSS.format(items="".join(items))
        self._send(h, 200, body.encode(), "application/rss+xml")

    def _item(self, r: DemoRelease) -> str:
        t = r.torrent
        assert t is not None
        link = f"{self.url}/download/{t.info_hash}.torrent"
        magnet = make_magnet(t.info_hash, r.title)
        imdb = f'<torznab:attr name="imdb" value="{r.imdb.removeprefix("tt")}"/>' if r.imdb else ""
        return ITEM.format(
            title=html.escape(r.title),
            guid=html.escape(f"{self.url}/details/{t.info_hash}"),
            link=html.escape(link),
            size=t.total_size,
            seeders=r.seeders,
            peers=r.seeders + 2,
            info_hash=t.info_hash,
            magnet=html.escape(magnet),
            imdb=imdb,
        )

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


CAPS = """<?xml version="1.0" encoding="UTF-8"?>
<caps>
  <server title="mydia-tui demo feed"/>
  <limits max="100" default="100"/>
  <searching>
    <search available="yes" supportedParams="q"/>
    <tv-search available="no" supportedParams="q"/>
    <movie-search available="yes" supportedParams="q,imdbid"/>
  </searching>
  <categories><category id="2000" name="Movies"><subcat id="2040" name="Movies/HD"/></category></categories>
</caps>
"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed">
<channel><title>mydia-tui demo feed</title>{items}</channel></rss>
"""

ITEM = """
<item>
  <title>{title}</title>
  <guid>{guid}</guid>
  <link>{link}</link>
  <pubDate>Tue, 04 Nov 2025 10:00:00 +0000</pubDate>
  <size>{size}</size>
  <enclosure url="{link}" length="{size}" type="application/x-bittorrent"/>
  <torznab:attr name="category" value="2040"/>
  <torznab:attr name="seeders" value="{seeders}"/>
  <torznab:attr name="peers" value="{peers}"/>
  <torznab:attr name="infohash" value="{info_hash}"/>
  <torznab:attr name="magneturl" value="{magnet}"/>
  {imdb}
</item>
"""


# ---------------------------------------------------------------------------------------------
# The whole demo


#: a demo's folders: ``mydia-demo-*`` in the temporary folder
DEMO_PREFIX = "mydia-demo-"
#: the file in a demo's folder naming the process that runs it
OWNER_FILE = "demo.pid"


def remove_abandoned_demos(base: Path | None = None) -> list[Path]:
    """Remove the folders of demos whose process is gone without cleaning up (killed with
    SIGKILL, a crash, a power cut: 94 MB each, a new user's report): ``mydia-demo-*`` folders of
    ``base`` (the temporary folder) owned by this user whose :data:`OWNER_FILE` names no running
    process. A folder without that file, or of a running demo, is left alone. Returns the
    folders removed."""
    removed: list[Path] = []
    root = base or Path(tempfile.gettempdir())
    for folder in sorted(root.glob(f"{DEMO_PREFIX}*")):
        try:
            if folder.stat().st_uid != os.getuid():
                continue
            pid = int((folder / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        except PermissionError:
            continue  # another user's process holds that pid now
    return removed


@dataclass
class Demo:
    """Everything the demo runs, under one temporary folder; a context manager."""

    payload_mib: int = 8
    #: the deluged to run (default: :func:`find_deluged`)
    deluged: Path | None = None
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix=DEMO_PREFIX)))
    seeder: DelugeDaemon | None = None
    client: DelugeDaemon | None = None
    feed: TorznabFeed | None = None
    releases: list[DemoRelease] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _dialer: threading.Thread | None = None

    @property
    def db_path(self) -> Path:
        return self.root / "library.sqlite3"

    @property
    def config_path(self) -> Path:
        return self.root / "config.toml"

    def __enter__(self) -> Demo:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> Demo:
        # who runs it: a later demo removes this folder if this process dies without doing so
        (self.root / OWNER_FILE).write_text(f"{os.getpid()}\n")
        deluged = self.deluged or find_deluged()
        self._make_releases()
        self.seeder = DelugeDaemon(self.root / "seeder", deluged=deluged).start()
        self.client = DelugeDaemon(self.root / "client", deluged=deluged).start()
        self._seed()
        self.feed = TorznabFeed(self.releases).start()
        self._dialer = threading.Thread(target=self._dial_peers, name="demo-dialer", daemon=True)
        self._dialer.start()
        return self

    def config(self) -> Config:
        assert self.client is not None and self.feed is not None
        library = self.root / "library"
        return Config(
            deluge=self.client.config(timeout=5.0, label=""),
            indexers=(
                IndexerConfig(
                    name="demo-feed",
                    url=f"{self.feed.url}/api",
                    api_key=self.feed.api_key,
                    categories=(2000,),
                    min_interval=0.0,
                    timeout=10.0,
                ),
            ),
            library=LibraryConfig(movies=(str(library / "movies"),), shows=(str(library / "tv"),)),
            # its feed is on loopback: searching every 20 s asks no real indexer
            monitor=MonitorConfig(
                search_interval=20.0, poll_interval=1.0, allow_short_intervals=True
            ),
            database=str(self.db_path),
            # the file :meth:`write_config` writes it to: the settings screen saves there, and
            # the health checks name it (not "no config file")
            source=self.config_path,
        )

    def write_config(self) -> Path:
        cfg = self.config()
        for root in (*cfg.library.movies, *cfg.library.shows):
            Path(root).mkdir(parents=True, exist_ok=True)
        return write_config(cfg, self.config_path)

    def add_films(self) -> None:
        from .library import add_movie

        for title, year, imdb in FILMS:
            add_movie(title, year, imdb_id=imdb)

    def stop(self) -> None:
        self._stop.set()
        if self._dialer is not None:
            self._dialer.join(timeout=5)
        if self.feed is not None:
            self.feed.stop()
        for daemon in (self.client, self.seeder):
            if daemon is not None:
                daemon.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- internals ---------------------------------------------------------------------------

    def _make_releases(self) -> None:
        films = {f"{_dotted(t)}.{y}": (t, y) for t, y, _ in FILMS}
        for name, seeders, imdb, seeded in demo_releases():
            folder = self.root / "payloads" / name / name
            folder.mkdir(parents=True)
            with open(folder / f"{name}.mkv", "wb") as fh:
                fh.write(os.urandom(self.payload_mib * 1024 * 1024))
            key = next((k for k in films if name.startswith(k + ".")), "")
            title, year = films.get(key, ("a film", 0))
            (folder / "PLACEHOLDER.txt").write_text(PLACEHOLDER_NOTE.format(title=title, year=year))
            self.releases.append(
                DemoRelease(name, seeders, imdb, make_torrent(folder), folder.parent, seeded)
            )

    def _seed(self) -> None:
        from .torrent import b64

        assert self.seeder is not None
        rpc = self.seeder.rpc()
        try:
            for r in self.releases:
                if r.seeded and r.torrent is not None:
                    rpc.call(
                        "core.add_torrent_file",
                        f"{r.title}.torrent",
                        b64(r.torrent.data),
                        {"download_location": str(r.location), "seed_mode": True},
                    )
        finally:
            rpc.disconnect()

    def _dial_peers(self) -> None:
        """Peers find each other through no tracker here: tell the client to dial the seeder
        for every unfinished torrent it has (the reference's connect_peer)."""
        assert self.client is not None and self.seeder is not None
        seeded = {r.info_hash for r in self.releases if r.seeded}
        while not self._stop.wait(1.0):
            try:
                rpc = self.client.rpc(timeout=3.0)
            except Exception:  # noqa: BLE001 - the client may be restarting
                continue
            try:
                status = rpc.call("core.get_torrents_status", {}, ["is_finished"])
                for info_hash, st in status.items():
                    if info_hash in seeded and not st.get("is_finished"):
                        rpc.call(
                            "core.connect_peer",
                            info_hash,
                            "127.0.0.1",
                            int(self.seeder.listen_port or 0),
                        )
            except Exception as exc:  # noqa: BLE001
                log.debug("demo dialer: %s", exc)
            finally:
                try:
                    rpc.disconnect()
                except Exception:  # noqa: BLE001
                    pass


def _say(line: str) -> None:
    print(line, flush=True)


@contextmanager
def started_demo(demo: Demo) -> Iterator[Demo]:
    """``demo`` running: daemons, feed, config file and a library with the films wanted, open
    as this process's library. Everything is stopped and removed when the block ends."""
    from .library import open_library

    with demo:
        demo.write_config()
        db = open_library(demo.config(), str(demo.db_path))
        try:
            demo.add_films()
            yield demo
        finally:
            db.close()


def ensure_deluged(*, yes: bool, say: Callable[[str], None] = _say) -> Path:
    """A ``deluged`` for the demo: the one :func:`find_deluged` finds, or else a private one
    installed into the user's data folder when the user agrees (``yes``, or "y" at the prompt
    on a terminal). Without a terminal and without ``yes``, the error says how to install."""
    try:
        return find_deluged()
    except DelugedNotFound:
        if os.environ.get(DELUGED_ENV, "").strip():
            raise  # the user named one: say what is wrong with it, install nothing
    where = private_venv()
    offer = f"a private Deluge 2.2.0 from PyPI (about 130 MB, no root) into {where}"
    if not yes:
        if not sys.stdin.isatty():
            raise DelugedNotFound(
                f"the demo needs a deluged and none was found: `mydia-tui demo --yes` installs "
                f"{offer}, or install Debian's 'deluged', or name one with ${DELUGED_ENV}"
            )
        say("The demo needs a Deluge daemon (deluged) and none was found on this machine.")
        # the question on stdout (input() would put it on stderr when no readline is loaded)
        print(f"Install {offer}? [y/N] ", end="", flush=True)
        try:
            answer = input()
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            raise DelugedNotFound(
                "no deluged, nothing installed: run `mydia-tui demo` again and answer y, "
                f"or install Debian's 'deluged', or name one with ${DELUGED_ENV}"
            )
    return install_deluged(where, say=lambda line: say(f"mydia-tui demo: {line}"))


__all__ = [
    "DelugeConfig",
    "Demo",
    "FILMS",
    "TorznabFeed",
    "ensure_deluged",
    "started_demo",
]
