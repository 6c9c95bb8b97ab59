"""Generate a synthetic library for the scan benchmark.

    python bench/make_library.py [FOLDER] [--films 10000] [--episodes 40000]

(--episodes counts episode files; about 3 % of them are double episodes, S01E01E02.)

Creates FOLDER/movies and FOLDER/tv with SPARSE video files (the size is set with truncate; no
data is written) under realistic names, and FOLDER/library.sqlite3 holding the matching films,
shows and episodes, so that the scan has something to match. FOLDER defaults to bench/.data/
(gitignored). An existing FOLDER is replaced.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.library import movie_folder, safe_name, sort_title, title_key  # noqa: E402
from mydia_tui.models import Episode, MediaItem, database  # noqa: E402

WORDS = """amber arrow autumn black blue broken city cold crimson dark dawn dead deep desert
dream echo edge empire fall fire first forest frozen ghost glass gold green grey hidden
hollow iron island king last light lost midnight moon night north ocean old pale quiet
rain red river road salt secret shadow silent silver sky snow stone storm summer sun
tide time tower twilight under valley violet war water white wild wind winter wolf""".split()
QUALITIES = [
    "Bluray-1080p",
    "WEBDL-1080p",
    "WEBRip-720p",
    "HDTV-720p",
    "Bluray-2160p",
    "Remux-1080p",
]
SCENE = ["1080p.BluRay.x264-GRP", "2160p.UHD.BluRay.REMUX.HEVC-GRP", "720p.WEB-DL.DDP5.1.H.264-GRP"]
GB = 1024**3


def _titles(rng: random.Random, count: int, words: int) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < count:
        title = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(1, words)))
        if len(seen) > count // 2 and rng.random() < 0.5:
            title = f"{title} {rng.randint(2, 9)}"
        key = title_key(title)
        if key in seen:
            continue
        seen.add(key)
        out.append(title)
    return out


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.truncate(size)


def make(folder: Path, films: int, episodes: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    if folder.exists():
        shutil.rmtree(folder)
    movies, tv = folder / "movies", folder / "tv"
    movies.mkdir(parents=True)
    tv.mkdir()
    open_database(str(folder / "library.sqlite3"))

    started = time.monotonic()
    film_rows = []
    for i, title in enumerate(_titles(rng, films, 4)):
        year = rng.randint(1950, 2024)
        film_rows.append(
            {
                "kind": "movie",
                "title": title,
                "sort_title": sort_title(title),
                "title_key": title_key(title),
                "year": year,
                "folder": movie_folder(title, year),
                "imdb_id": f"tt{1000000 + i:07d}",
            }
        )
        folder_name = movie_folder(title, year)
        if i % 10 == 0:  # some folders carry the id
            folder_name += f" {{imdb-tt{1000000 + i:07d}}}"
        d = movies / folder_name
        d.mkdir()
        if i % 4 == 0:  # a scene name
            name = f"{title.replace(' ', '.')}.{year}.{rng.choice(SCENE)}.mkv"
        else:
            name = f"{title} ({year}) [{rng.choice(QUALITIES)}].mkv"
        _sparse(d / name, rng.randint(2 * GB, 30 * GB))

    shows = max(1, episodes // 100)
    show_rows = []
    layout = []
    for title in _titles(rng, shows, 3):
        year = rng.randint(1990, 2024)
        show_rows.append(
            {
                "kind": "show",
                "title": title,
                "sort_title": sort_title(title),
                "title_key": title_key(title),
                "year": year,
                "folder": safe_name(title),
            }
        )
        layout.append((title, year))
    with database.atomic():
        for start in range(0, len(film_rows), 500):
            MediaItem.insert_many(film_rows[start : start + 500]).execute()
        for start in range(0, len(show_rows), 500):
            MediaItem.insert_many(show_rows[start : start + 500]).execute()
    ids = {
        (t, y): i
        for i, t, y in MediaItem.select(MediaItem.id, MediaItem.title, MediaItem.year)
        .where(MediaItem.kind == "show")
        .tuples()
    }
    made = 0
    ep_rows = []
    per_show = -(-episodes // shows)
    for title, year in layout:
        show_dir = tv / f"{title} ({year})"
        seasons = max(1, per_show // 10)
        left = min(per_show, episodes - made)
        if left <= 0:
            break
        for season in range(1, seasons + 1):
            season_dir = show_dir / f"Season {season:02d}"
            season_dir.mkdir(parents=True)
            files_here = min(10, left) if season < seasons else left
            number = 1
            for _ in range(files_here):
                ep_rows.append({"show": ids[(title, year)], "season": season, "number": number})
                if rng.random() < 0.03:  # a double episode
                    ep_rows.append(
                        {"show": ids[(title, year)], "season": season, "number": number + 1}
                    )
                    name = f"{title} - S{season:02d}E{number:02d}E{number + 1:02d} - Two Parts"
                    step = 2
                elif rng.random() < 0.1:
                    name = (
                        f"{title.replace(' ', '.')}.S{season:02d}E{number:02d}.720p.HDTV.x264-GRP"
                    )
                    step = 1
                else:
                    name = f"{title} - S{season:02d}E{number:02d} - Episode {number} [{rng.choice(QUALITIES)}]"
                    step = 1
                _sparse(season_dir / f"{name}.mkv", rng.randint(300 * 1024**2, 4 * GB))
                made += 1
                left -= 1
                number += step
    with database.atomic():
        for start in range(0, len(ep_rows), 500):
            Episode.insert_many(ep_rows[start : start + 500]).execute()
    database.close()
    files = sum(1 for p in folder.rglob("*.mkv"))
    print(
        f"{folder}: {len(film_rows)} films, {len(show_rows)} shows, {len(ep_rows)} episodes, "
        f"{files} files in {time.monotonic() - started:.1f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(HERE / ".data"))
    parser.add_argument("--films", type=int, default=10_000)
    parser.add_argument("--episodes", type=int, default=40_000, help="episode files")
    args = parser.parse_args()
    make(Path(args.folder), args.films, args.episodes)


if __name__ == "__main__":
    main()
