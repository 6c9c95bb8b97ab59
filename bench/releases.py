"""Parse, validate and rank 1,000 varied release names, cold and warm.

    .venv/bin/python bench/releases.py [--count 1000] [--db PATH]

Cold: empty in-memory cache and a new database (so nothing is cached anywhere). Warm: the same
names again (in-memory cache). "Persisted": a fresh process state but the parse cache in the
database, as after a restart of the monitor. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mydia_tui.config import QualityConfig  # noqa: E402
from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.indexers.release_search import judge  # noqa: E402
from mydia_tui.releases import parse  # noqa: E402
from mydia_tui.releases.decide import Policy  # noqa: E402
from mydia_tui.releases.quality import resolve_profile  # noqa: E402
from mydia_tui.releases.release import Release  # noqa: E402
from mydia_tui.targets import EpisodeRef, Target  # noqa: E402

MOVIES = [
    ("The Matrix", 1999),
    ("The Matrix Reloaded", 2003),
    ("Alien", 1979),
    ("Aliens", 1986),
    ("Big Buck Bunny", 2008),
    ("Blade Runner 2049", 2017),
    ("2001 A Space Odyssey", 1968),
    ("Amélie", 2001),
    ("Fast & Furious", 2009),
    ("Dune", 2021),
    ("1917", 2019),
    ("Léon The Professional", 1994),
    ("Spirited Away", 2001),
    ("Parasite", 2019),
]
SHOWS = [
    "The Expanse",
    "Breaking Bad",
    "Law and Order",
    "The Office",
    "Doctor Who",
    "Game of Thrones",
    "Severance",
    "Better Call Saul",
]
ANIME = ["Jujutsu Kaisen", "Frieren", "One Piece", "Spy x Family"]
QUALITY_TAGS = [
    "1080p.BluRay.x264",
    "720p.WEB-DL.DD5.1.H.264",
    "2160p.UHD.BluRay.REMUX.HDR.HEVC",
    "1080p.WEBRip.x265",
    "720p.HDTV.x264",
    "DVDRip.XviD",
    "1080p.AMZN.WEB-DL.DDP5.1.H.264",
    "2160p.WEB-DL.DV.HDR.H.265",
    "CAM.x264",
    "480p.HDTV.x264",
    "1080p.BluRay.REMUX.AVC",
]
GROUPS = ["SPARKS", "NTb", "FLUX", "EVO", "RARBG", "GalaxyRG", "KILLERS", "DIMENSION", "YIFY"]
EXTRAS = ["", "", "", "PROPER.", "REPACK.", "EXTENDED.", "iNTERNAL."]


def names(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct names, as one indexer's results would be."""
    seen: dict[str, None] = {}
    while len(seen) < count:
        out: list[str] = []
        kind = rng.random()
        q, g, x = rng.choice(QUALITY_TAGS), rng.choice(GROUPS), rng.choice(EXTRAS)
        if kind < 0.45:
            title, year = rng.choice(MOVIES)
            year += rng.choice([0, 0, 0, 1, 5])
            sep = rng.choice([".", ".", " "])
            out.append(
                sep.join(f"{title} {year} {x}{q}-{g}".replace(".", " ").split()).replace("  ", " ")
                if sep == " "
                else f"{title.replace(' ', '.')}.{year}.{x}{q}-{g}"
            )
        elif kind < 0.85:
            show = rng.choice(SHOWS).replace(" ", ".")
            s, e = rng.randint(1, 5), rng.randint(1, 12)
            form = rng.random()
            if form < 0.6:
                out.append(f"{show}.S{s:02d}E{e:02d}.{x}{q}-{g}")
            elif form < 0.75:
                out.append(f"{show}.S{s:02d}E{e:02d}E{e + 1:02d}.{q}-{g}")
            elif form < 0.9:
                out.append(f"{show}.S{s:02d}.{q}-{g}")
            else:
                out.append(f"{show}.Season.{s}.Complete.{q}-{g}")
        elif kind < 0.94:
            anime = rng.choice(ANIME)
            out.append(
                f"[{rng.choice(['SubsPlease', 'Erai-raws', 'Judas'])}] {anime} - "
                f"{rng.randint(1, 30):02d} ({rng.choice(['720p', '1080p'])}) [{rng.randrange(16**8):08X}].mkv"
            )
        else:
            # shapes the fast path leaves to guessit: no year, 1x05, multi-season, specials
            title, year = rng.choice(MOVIES)
            show = rng.choice(SHOWS)
            out.append(
                rng.choice(
                    [
                        f"{title.replace(' ', '.')}.GERMAN.DL.{q}-{g}",
                        f"{show} {rng.randint(1, 5)}x{rng.randint(1, 12):02d} {q.replace('.', ' ')}",
                        f"{show.replace(' ', '.')}.S01-S0{rng.randint(2, 6)}.{q}-{g}",
                        f"{show.replace(' ', '.')}.Complete.Series.{q}-{g}",
                        f"[{rng.choice(GROUPS)}] {rng.choice(ANIME)} S2 - {rng.randint(1, 24):02d} [1080p][Multi-Subs]",
                        f"{title} ({year}) [{q.split('.')[0]}] [{rng.choice(['YTS.MX', 'YIFY'])}] {rng.randint(1, 999)}",
                    ]
                )
            )
        seen.update(dict.fromkeys(out))
    return list(seen)


def releases_for(all_names: list[str], rng: random.Random) -> list[Release]:
    return [
        Release(
            title=n,
            indexer=rng.choice(["jackett", "prowlarr"]),
            guid=f"g{i}",
            size=rng.randint(200, 60_000) * 1024 * 1024,
            seeders=rng.choice([0, 1, 3, 12, 80, 400]),
        )
        for i, n in enumerate(all_names)
    ]


TARGETS = [
    Target(kind="movie", item_id=1, title="The Matrix", year=1999),
    Target(kind="movie", item_id=2, title="Big Buck Bunny", year=2008),
    Target(
        kind="episodes", item_id=3, title="The Expanse", season=2, episodes=(EpisodeRef(1, 2, 3),)
    ),
    Target(
        kind="season",
        item_id=4,
        title="Breaking Bad",
        season=2,
        episodes=tuple(EpisodeRef(10 + n, 2, n) for n in range(1, 14)),
    ),
]


def run(releases: list[Release], policy: Policy) -> tuple[float, int]:
    """Every release judged once: four searches of a quarter of the names each."""
    started = time.perf_counter()
    accepted = 0
    for i, target in enumerate(TARGETS):
        candidates, _ = judge(releases[i :: len(TARGETS)], target, policy)
        accepted += len(candidates)
    return time.perf_counter() - started, accepted


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--db", default="")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    all_names = names(args.count, rng)
    releases = releases_for(all_names, rng)
    policy = Policy.from_config(resolve_profile("Any"), QualityConfig())

    # guessit builds its rule set on first use (~0.2 s): not part of a per-search figure
    t = time.perf_counter()
    parse.parse_name_uncached("Warm.Up.2001.1080p.BluRay.x264-GRP", fast=False)
    setup = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as tmp:
        open_database(args.db or str(Path(tmp) / "bench.sqlite"))
        parse.clear_memory_cache()
        cold, accepted = run(releases, policy)
        warm, _ = run(releases, policy)
        parse.clear_memory_cache()
        persisted, _ = run(releases, policy)

    by_parser: dict[str, int] = {}
    for n in all_names:
        p = parse.parse(n)
        by_parser[p.parser] = by_parser.get(p.parser, 0) + 1
    print(
        f"{len(all_names)} names, each judged once against one of {len(TARGETS)} targets ({accepted} accepted)"
    )
    print(f"  parsers: {by_parser}")
    print(f"  guessit setup (once per process): {setup * 1000:.0f} ms")
    print(f"  cold (parse + store + validate + rank):  {cold * 1000:8.1f} ms")
    print(f"  warm (in-memory cache):                   {warm * 1000:8.1f} ms")
    print(f"  after restart (parse cache in database):  {persisted * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
