"""Benchmark of one RSS sync cycle against a large wanted list.

    .venv/bin/python bench/rss_sync.py [--films 10000] [--shows 400] [--feed 1000]

Builds a fresh SQLite library in a temporary folder: ``--films`` wanted films and ``--shows``
shows of 4 seasons x 25 episodes (400 shows: 40,000 wanted episodes), every one monitored,
aired and without a file. A loopback Torznab server (``tests/torznab_server.py``) serves a
feed of ``--feed`` releases, newest first: a third name wanted films, a third wanted episodes,
a third nothing in the library. Then it runs :class:`mydia_tui.monitor.rss_sync.RssSync`
twice with a grabber that accepts every candidate and counts them (the guard and Deluge are
measured by ``bench/guard.py``): the first sync parses every name (cold parse cache), the
second reads the names the first persisted. It prints, for each: wall and CPU seconds, the
planning time (the index of everything wanted), releases read, matched and grabbed.

Targets (issue 15): a sync under 2 s wall, planning under 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from torznab_server import TorznabServer, item_xml  # noqa: E402

from mydia_tui.config import Config, IndexerConfig  # noqa: E402
from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.guard import Outcome  # noqa: E402
from mydia_tui.indexers.health import ensure_indexer  # noqa: E402
from mydia_tui.library import sort_title, title_key  # noqa: E402
from mydia_tui.models import Episode, Indexer, LibraryRoot, MediaItem, database  # noqa: E402
from mydia_tui.monitor.rss_sync import RssSync  # noqa: E402

WORDS = (
    "star night river city iron silent last lost golden dark winter summer broken hidden "
    "secret wild blue red empire shadow storm garden ocean mountain fire glass paper stone"
).split()


def title_of(n: int) -> str:
    return f"{WORDS[n % len(WORDS)].title()} {WORDS[(n // len(WORDS)) % len(WORDS)].title()} {n}"


def build(films: int, shows: int) -> None:
    added = dt.datetime(2020, 1, 1)
    with database.atomic():
        movies_root = LibraryRoot.create(path="/media/movies", kind="movies")
        shows_root = LibraryRoot.create(path="/media/tv", kind="shows")
        rows = []
        for n in range(films + shows):
            kind = "movie" if n < films else "show"
            title = title_of(n)
            rows.append(
                {
                    "kind": kind,
                    "title": title,
                    "sort_title": sort_title(title),
                    "title_key": title_key(title),
                    "year": 1950 + n % 70 if kind == "movie" else None,
                    "monitored": True,
                    "root": (movies_root if kind == "movie" else shows_root).id,
                    "folder": title,
                    "added_at": added + dt.timedelta(minutes=n),
                }
            )
        for start in range(0, len(rows), 2000):
            MediaItem.insert_many(rows[start : start + 2000]).execute()
        show_ids = [
            i for (i,) in MediaItem.select(MediaItem.id).where(MediaItem.kind == "show").tuples()
        ]
        eps = [
            {"show": show, "season": season, "number": number, "monitored": True}
            for show in show_ids
            for season in range(1, 5)
            for number in range(1, 26)
        ]
        for start in range(0, len(eps), 5000):
            Episode.insert_many(eps[start : start + 5000]).execute()


def feed(films: int, shows: int, size: int) -> list[str]:
    items = []
    for k in range(size):
        minute = size - k  # newest first
        date = (dt.datetime(2025, 11, 4, tzinfo=dt.UTC) + dt.timedelta(minutes=minute)).strftime(
            "%a, %d %b %Y %H:%M:%S +0000"
        )
        if k % 3 == 0:
            n = (k * 7) % films
            name = f"{title_of(n)}.{1950 + n % 70}.1080p.BluRay.x264-GRP".replace(" ", ".")
        elif k % 3 == 1:
            n = films + (k * 11) % shows
            name = f"{title_of(n)}.S0{1 + k % 4}E{1 + k % 25:02d}.1080p.WEB-DL.x264-GRP"
            name = name.replace(" ", ".")
        else:
            name = f"Unrelated.Release.{k}.2019.1080p.WEB-DL.x264-NOPE"
        items.append(item_xml(name, guid=f"g{k}", pub_date=date, seeders=10 + k % 50))
    return items


class CountingGrabber:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, target, candidate) -> Outcome:
        self.count += 1
        return Outcome(True, message="grabbed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--films", type=int, default=10_000)
    parser.add_argument("--shows", type=int, default=400)
    parser.add_argument("--feed", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mydia-bench-rss-"))
    open_database(str(folder / "library.db"))
    started = time.monotonic()
    build(args.films, args.shows)
    print(
        f"library: {args.films:,} wanted films + {args.shows * 100:,} wanted episodes "
        f"(built in {time.monotonic() - started:.1f} s)"
    )
    items = feed(args.films, args.shows, args.feed)
    server = TorznabServer()
    fake = server.add("bench", items=items)  # paged by offset and limit

    config = Config(
        indexers=(
            IndexerConfig(
                name="bench", url=fake.url, api_key=fake.api_key, min_interval=0, timeout=30
            ),
        )
    )
    try:
        for run in ("first (cold parse cache)", "second (parsed names read back)"):
            grabber = CountingGrabber()
            sync = RssSync(config, grabber, max_pages=args.feed // 100 + 1)
            # every page is read (the last sync saw nothing newer than 2000), and now
            old = dt.datetime(2000, 1, 1, tzinfo=dt.UTC).isoformat()
            ensure_indexer(config.indexers[0])
            Indexer.update(
                rss_read_at=None, rss_newest=json.dumps({"movie": old, "show": old})
            ).execute()
            cpu, wall = time.process_time(), time.monotonic()
            report = sync.run()
            wall, cpu = time.monotonic() - wall, time.process_time() - cpu
            print(
                f"{run}: wall {wall:.2f} s, CPU {cpu:.2f} s, planning "
                f"{report.planning_seconds * 1000:.0f} ms ({report.wanted:,} wanted); "
                f"{sum(report.fetched.values()):,} releases read, {report.matched:,} matched, "
                f"{len(report.grabbed):,} grabbed"
            )
    finally:
        server.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB; targets: wall < 2 s, planning < 100 ms")


if __name__ == "__main__":
    main()
