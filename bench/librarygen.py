"""A generated library for benchmarks: many films and shows, episodes, files and downloads.

python bench/librarygen.py PATH [--items 50000] [--episodes 200000] [--downloads 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.library import sort_title, title_key  # noqa: E402
from mydia_tui.models import (  # noqa: E402
    ACTIVE_STATES,
    Download,
    Episode,
    LibraryRoot,
    MediaFile,
    MediaItem,
    database,
)

WORDS = (
    "star night river city iron silent last lost golden dark winter summer broken hidden "
    "secret wild blue red empire shadow storm garden ocean mountain fire glass paper stone "
    "machine dream signal echo harbor orbit kingdom voyage"
).split()
QUALITIES = ("SDTV", "WEBDL-720p", "Bluray-720p", "WEBDL-1080p", "Bluray-1080p", "WEBDL-2160p")
LIVE_STATES = ("downloading", "seeding", "paused", "queued", "checking", "importing", "stalled")


def info_hash(n: int) -> str:
    return hashlib.sha1(f"bench-{n}".encode()).hexdigest()


def generate(path: str, items: int, episodes: int, downloads: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    db = open_database(path)
    shows = max(1, items // 5)
    films = items - shows
    per_show = max(1, episodes // shows)
    base = dt.datetime(2020, 1, 1)
    with database.atomic():
        movies_root = LibraryRoot.create(path="/media/movies", kind="movies")
        shows_root = LibraryRoot.create(path="/media/tv", kind="shows")
        rows = []
        for n in range(items):
            kind = "movie" if n < films else "show"
            title = " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(1, 4)))
            title = f"{title} {n}"
            rows.append(
                {
                    "kind": kind,
                    "title": title,
                    "sort_title": sort_title(title),
                    "title_key": title_key(title),
                    "year": rng.randint(1950, 2025),
                    "monitored": rng.random() > 0.1,
                    "root": (movies_root if kind == "movie" else shows_root).id,
                    "folder": title,
                    "added_at": base + dt.timedelta(minutes=n),
                    "tvmaze_id": n if kind == "show" else None,
                }
            )
        for start in range(0, len(rows), 2000):
            MediaItem.insert_many(rows[start : start + 2000]).execute()
        film_ids = [
            i for (i,) in MediaItem.select(MediaItem.id).where(MediaItem.kind == "movie").tuples()
        ]
        show_ids = [
            i for (i,) in MediaItem.select(MediaItem.id).where(MediaItem.kind == "show").tuples()
        ]
        files = [
            {
                "movie": movie_id,
                "root": movies_root.id,
                "path": f"film-{movie_id}/film.mkv",
                "size": 4_000_000_000,
                "quality": rng.choice(QUALITIES),
            }
            for movie_id in film_ids
            if rng.random() < 0.6
        ]
        for start in range(0, len(files), 2000):
            MediaFile.insert_many(files[start : start + 2000]).execute()
        eps = []
        day = dt.date(2010, 1, 1)
        for show_id in show_ids:
            for k in range(per_show):
                eps.append(
                    {
                        "show": show_id,
                        "season": 1 + k // 10,
                        "number": 1 + k % 10,
                        "title": f"Episode {k + 1}",
                        "air_date": day + dt.timedelta(days=7 * k),
                        "monitored": True,
                    }
                )
        for start in range(0, len(eps), 5000):
            Episode.insert_many(eps[start : start + 5000]).execute()
        downs = []
        for n in range(downloads):
            movie_id = film_ids[n % len(film_ids)]
            state = LIVE_STATES[n % len(LIVE_STATES)]
            downs.append(
                {
                    "kind": "movie",
                    "item": movie_id,
                    "info_hash": info_hash(n),
                    "title": f"Bench.Release.{n}.2019.1080p.WEB-DL.x264-GRP",
                    "indexer": "bench",
                    "size": 2_000_000_000 + n,
                    "quality": "WEBDL-1080p",
                    "state": state,
                    "client_state": state.title(),
                    "progress": rng.random(),
                    "claimed_at": base + dt.timedelta(seconds=n),
                }
            )
        for start in range(0, len(downs), 2000):
            Download.insert_many(downs[start : start + 2000]).execute()
    assert all(s in ACTIVE_STATES for s in LIVE_STATES)
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--episodes", type=int, default=200_000)
    parser.add_argument("--downloads", type=int, default=2_000)
    args = parser.parse_args()
    generate(args.path, args.items, args.episodes, args.downloads)


if __name__ == "__main__":
    main()
