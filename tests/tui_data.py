"""A small, realistic library with fixed dates, for TUI tests, snapshots and screenshots.

Titles are real open (Blender Open Movie / public-domain) films and series. Every date is
fixed and air dates are far in the past or far in the future, so what is shown does not
depend on today.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from mydia_tui import library
from mydia_tui.history import record
from mydia_tui.library import NewEpisode, add_movie, add_show
from mydia_tui.models import (
    ACTIVE_STATES,
    DOWNLOAD_STATES,
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    History,
    LibraryRoot,
    MediaFile,
    MediaItem,
    database,
)

T0 = dt.datetime(2024, 3, 1, 12, 0, 0)

FILMS = [
    # title, year, quality of the file on disk ("" none), monitored
    ("Big Buck Bunny", 2008, "Bluray-1080p", True),
    ("Sintel", 2010, "Bluray-2160p", True),
    ("Tears of Steel", 2012, "", True),
    ("Elephants Dream", 2006, "WEBDL-720p", True),
    ("Cosmos Laundromat", 2015, "", True),
    ("Spring", 2019, "", False),
    ("Agent 327: Operation Barbershop", 2017, "WEBDL-1080p", True),
    ("Caminandes: Llamigos", 2016, "", True),
    ("Night of the Living Dead", 1968, "Bluray-1080p", True),
    ("Charade", 1963, "", True),
    ("His Girl Friday", 1940, "DVD", True),
    ("Nosferatu", 1922, "", True),
    ("The General", 1926, "Bluray-720p", True),
    ("Plan 9 from Outer Space", 1957, "", False),
    ("Sita Sings the Blues", 2008, "WEBDL-1080p", True),
    ("[bold red]x[/]", 2001, "", True),
    ("\x1b[31mred", 2002, "", True),
]


def _hash(n: int) -> str:
    return hashlib.sha1(f"demo-{n}".encode()).hexdigest()


def _episodes(seasons: dict[int, int], first_air: dt.date, titles: dict | None = None):
    out = []
    for season, count in seasons.items():
        for number in range(1, count + 1):
            index = (season - 1) * 20 + number
            title = (titles or {}).get((season, number), f"Chapter {number}")
            out.append(NewEpisode(season, number, title, first_air + dt.timedelta(days=7 * index)))
    return out


#: for pictures (the README's screenshots): the two hostile titles above replaced by open films
SHOWCASE = {
    "[bold red]x[/]": ("Metropolis", 1927, "Metropolis.1927.Restored.1080p.BluRay.x264-UFA"),
    "\x1b[31mred": ("The Kid", 1921, "The.Kid.1921.1080p.BluRay.x264-CHAPLIN"),
}


def populate(*, hostile: bool = True) -> dict[str, int]:
    """Fill the bound database; returns ids by name for tests (the hostile titles under
    their own names, as tests ask for them, even when ``hostile`` is False: pictures get
    :data:`SHOWCASE`'s open films in their places)."""
    ids: dict[str, int] = {}
    films = (
        FILMS
        if hostile
        else [(*SHOWCASE[f[0]][:2], *f[2:]) if f[0] in SHOWCASE else f for f in FILMS]
    )
    movies_root = LibraryRoot.create(path="/media/movies", kind="movies")
    tv_root = LibraryRoot.create(path="/media/tv", kind="shows")
    for n, (title, year, quality, monitored) in enumerate(films):
        if "\x1b" in title:
            # add_movie refuses control characters (issue 19); a database written before
            # that may still hold one: the TUI must show it safely. Made as add_movie makes it.
            with database.atomic():
                item = library._create_item(
                    "movie",
                    title,
                    year,
                    ids={},
                    monitored=monitored,
                    folder=library.movie_folder(title, year),
                )
                record("added", f"added film {item.title}", item=item.id)
            info = library._info(item)
        else:
            info = add_movie(title, year, monitored=monitored)
        ids[title if hostile else FILMS[n][0]] = info.id
        if quality:
            MediaFile.create(
                movie=info.id,
                root=movies_root,
                path=f"{info.folder}/{info.folder}.{quality}.mkv",
                size=1_400_000_000 + n * 97_000_000,
                quality=quality,
                added_at=T0,
            )
    pioneer = add_show(
        "Pioneer One",
        _episodes(
            {1: 6},
            dt.date(2010, 6, 1),
            {
                (1, 1): "Earthfall",
                (1, 2): "The Man from Mars",
                (1, 3): "Alone in the Night",
                (1, 4): "Triangular Diplomacy",
                (1, 5): "Sea of Tranquility",
                (1, 6): "War Is Over",
            },
        ),
        year=2010,
        tvmaze_id=1001,
    )
    sherlock = add_show(
        "Sherlock Holmes", _episodes({1: 8}, dt.date(1954, 10, 1)), year=1954, tvmaze_id=1002
    )
    flash = add_show(
        "Flash Gordon",
        _episodes({1: 6}, dt.date(1954, 9, 1)),
        year=1954,
        tvmaze_id=1003,
        monitored=False,
    )
    beyond = add_show(
        "One Step Beyond", _episodes({1: 5, 2: 5}, dt.date(1959, 1, 1)), year=1959, tvmaze_id=1004
    )
    future = add_show(
        "The Far Future", _episodes({1: 4}, dt.date(2099, 1, 1)), year=2099, tvmaze_id=1005
    )
    for name, info in (
        ("Pioneer One", pioneer),
        ("Sherlock Holmes", sherlock),
        ("Flash Gordon", flash),
        ("One Step Beyond", beyond),
        ("The Far Future", future),
    ):
        ids[name] = info.id

    def give_files(show_id: int, folder: str, which) -> None:
        for e in Episode.select().where(Episode.show == show_id).order_by(Episode.id):
            if which(e):
                f = MediaFile.create(
                    episode=e.id,
                    root=tv_root,
                    path=f"{folder}/Season {e.season:02d}/{folder} S{e.season:02d}E{e.number:02d}.mkv",
                    size=350_000_000,
                    quality="WEBDL-720p",
                    added_at=T0,
                )
                FileEpisode.create(file=f, episode=e.id)

    give_files(pioneer.id, "Pioneer One", lambda e: e.number <= 3)
    give_files(sherlock.id, "Sherlock Holmes", lambda e: True)
    give_files(beyond.id, "One Step Beyond", lambda e: e.season == 1)
    Episode.update(monitored=False).where(
        (Episode.show == beyond.id) & (Episode.season == 2) & (Episode.number > 3)
    ).execute()

    # one download in every state, with fixed values
    targets = {
        "claimed": ("movie", ids["Charade"]),
        "sending": ("movie", ids["Nosferatu"]),
        "queued": ("movie", ids["Cosmos Laundromat"]),
        "checking": ("movie", ids["Caminandes: Llamigos"]),
        "downloading": ("movie", ids["Tears of Steel"]),
        "paused": ("movie", ids["[bold red]x[/]"]),
        "seeding": ("episodes", pioneer.id),
        "moving": ("movie", ids["\x1b[31mred"]),
        "completed": ("season", beyond.id),
        "importing": ("movie", ids["Big Buck Bunny"]),
        "import_failed": ("movie", ids["Sintel"]),
        "stalled": ("movie", ids["Spring"]),
        "unknown": ("movie", ids["Plan 9 from Outer Space"]),
        "imported": ("movie", ids["Elephants Dream"]),
        "failed": ("movie", ids["His Girl Friday"]),
        "removed": ("movie", ids["The General"]),
    }
    releases = {
        "claimed": "Charade.1963.1080p.BluRay.x264-CLASSiC",
        "sending": "Nosferatu.1922.Restored.720p.BluRay.x264-SiLENT",
        "queued": "Cosmos.Laundromat.2015.1080p.WEB-DL.x264-BLENDER",
        "checking": "Caminandes.Llamigos.2016.2160p.WEB-DL.x265-BLENDER",
        "downloading": "Tears.of.Steel.2012.1080p.BluRay.x264-BLENDER",
        "paused": "[bold red]x[/].2001.720p.WEB-DL",
        "seeding": "Pioneer.One.S01E04.720p.WEB-DL.x264-VODO",
        "moving": "\x1b[31mred.2002.1080p.WEB-DL",
        "completed": "One.Step.Beyond.S02.480p.DVDRip.XviD-PD",
        "importing": "Big.Buck.Bunny.2008.2160p.WEB-DL.x265-BLENDER",
        "import_failed": "Sintel.2010.1080p.BluRay.x264-BLENDER",
        "stalled": "Spring.2019.1080p.WEB-DL.x264-BLENDER",
        "unknown": "Plan.9.from.Outer.Space.1957.720p.BluRay.x264-ED",
        "imported": "Elephants.Dream.2006.720p.WEB-DL.x264-ORANGE",
        "failed": "His.Girl.Friday.1940.1080p.BluRay.x264-SCREWBALL",
        "removed": "The.General.1926.720p.BluRay.x264-KEATON",
    }
    progress = {
        "claimed": 0.0,
        "sending": 0.0,
        "queued": 0.0,
        "checking": 0.37,
        "downloading": 0.62,
        "paused": 0.18,
        "seeding": 1.0,
        "moving": 1.0,
        "completed": 1.0,
        "importing": 1.0,
        "import_failed": 1.0,
        "stalled": 0.44,
        "unknown": 0.71,
        "imported": 1.0,
        "failed": 0.05,
        "removed": 0.9,
    }
    if not hostile:
        releases["paused"] = SHOWCASE["[bold red]x[/]"][2]
        releases["moving"] = SHOWCASE["\x1b[31mred"][2]
    assert set(targets) == set(DOWNLOAD_STATES)
    pioneer_e4 = Episode.get((Episode.show == pioneer.id) & (Episode.number == 4))
    for n, state in enumerate(DOWNLOAD_STATES):
        kind, item_id = targets[state]
        running = state in ("downloading", "checking", "stalled")
        d = Download.create(
            kind=kind,
            item=item_id,
            season=2 if kind == "season" else None,
            info_hash=_hash(n),
            title=releases[state],
            indexer="jackett",
            size=700_000_000 + n * 123_000_000,
            quality="WEBDL-1080p",
            state=state,
            client_state=state.title(),
            progress=progress[state],
            download_rate=2_400_000 if running else 0,
            upload_rate=310_000 if state in ("downloading", "seeding") else 0,
            eta=1_260 + n * 60 if running else None,
            ratio=1.37 if state == "seeding" else 0.12 * (n % 3),
            seeds=12 + n if running or state == "seeding" else 0,
            peers=3 + n % 5 if running or state == "seeding" else 0,
            error_message="disk full: /downloads" if state == "import_failed" else None,
            claimed_at=T0 + dt.timedelta(minutes=n),
            updated_at=T0,
        )
        # the units an active download holds; an "e:" unit also records the episode covered
        covered = []
        if kind == "episodes":
            covered = [pioneer_e4]
        if kind == "season":
            unit = f"s:{beyond.id}:2"
            active = unit if state in ACTIVE_STATES else None
            DownloadUnit.create(download=d, unit=unit, active_unit=active)
            covered = list(
                Episode.select().where((Episode.show == beyond.id) & (Episode.season == 2))
            )
        for e in covered:
            unit = f"e:{e.id}"
            active = unit if state in ACTIVE_STATES else None
            DownloadUnit.create(download=d, unit=unit, active_unit=active, episode=e)
    # fixed dates everywhere
    MediaItem.update(added_at=T0).execute()
    with database.atomic():
        for n, item in enumerate(MediaItem.select().order_by(MediaItem.id)):
            MediaItem.update(added_at=T0 + dt.timedelta(hours=n)).where(
                MediaItem.id == item.id
            ).execute()
    History.update(at=T0).execute()
    History.insert(
        at=T0 + dt.timedelta(days=1),
        event="grabbed",
        item=pioneer.id,
        message="grabbed Pioneer.One.S01E04.720p.WEB-DL.x264-VODO from jackett",
    ).execute()
    History.insert(
        at=T0 + dt.timedelta(days=1, minutes=5),
        event="refused",
        reason="already_on_disk",
        item=pioneer.id,
        message="refused Pioneer.One.S01E01.1080p: already have a file: Pioneer One/Season 01/"
        "Pioneer One S01E01.mkv",
    ).execute()
    History.insert(
        at=T0 + dt.timedelta(days=2),
        event="imported",
        item=ids["Big Buck Bunny"],
        message="imported Big.Buck.Bunny.2008.1080p.BluRay.x264 to Big Buck Bunny (2008)",
    ).execute()
    return ids


def add_blocklist(ids: dict[str, int]) -> list[int]:
    """Three blocklist entries with fixed dates (newest last in the list returned)."""
    from mydia_tui.guard import blocklist
    from mydia_tui.models import Blocklist

    made = []
    for n, (title, item, reason, size) in enumerate(
        [
            (
                "Charade.1963.1080p.BluRay.x264-FAKE",
                "Charade",
                "removed by the user",
                1_900_000_000,
            ),
            (
                "His.Girl.Friday.1940.1080p.BluRay.x264-SCREWBALL",
                "His Girl Friday",
                "Deluge: tracker: torrent not registered",
                2_300_000_000,
            ),
            ("[red]Sintel[/red].2010.720p.WEB-DL", "Sintel", "no video: archives only", None),
        ]
    ):
        entry = blocklist(
            info_hash=_hash(100 + n),
            title=title,
            indexer="jackett",
            size=size,
            reason=reason,
            item_id=ids[item],
        )
        Blocklist.update(added_at=T0 + dt.timedelta(days=4 + n)).where(
            Blocklist.id == entry
        ).execute()
        made.append(entry)
    return made
