"""Fast parsing of the names found in a library: ``Title (Year) {imdb-tt...}`` folders,
``Show - S01E02 - Title [WEBDL-1080p].mkv`` files, ``Season 01`` folders, quality words.
Episode numbers in every spelling are read by :mod:`mydia_tui.identity.episodes`, the one
episode parser, and titles compared by :mod:`mydia_tui.identity.titles`.

A library holds tens of thousands of files, so this is a few compiled regexes and no more
(a few microseconds a name). Names it cannot read fall back to the shared release parser
(:func:`fallback_parse`), which is slower but knows far more shapes.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

from ..identity.episodes import read_episodes

_MAX_YEAR = _dt.date.today().year + 2

# ids written into folder or file names: {imdb-tt1254207} [imdbid-tt1254207] {tvdb-12345} ...
_ID = re.compile(
    r"[\[{](imdb|tmdb|tvdb|tvmaze)(?:id)?[-=: ](tt\d{5,10}|\d{1,10})[\]}]",
    re.I,
)
_BRACKETS = re.compile(r"\[[^\]]*\]|\{[^}]*\}")
_SEP = re.compile(r"[\s._]+")
_YEAR_PAREN = re.compile(r"\((\d{4})\)")
_YEAR_WORD = re.compile(r"(?<![0-9A-Za-z])(19\d\d|20\d\d)(?![0-9A-Za-z])")

_SEASON_FOLDER = re.compile(r"^(?:season|series|saison|staffel|s)[ ._-]*(\d{1,4})$", re.I)
_SPECIALS_FOLDER = re.compile(r"^(?:specials?|season[ ._-]*0+)$", re.I)

# words that end a title in a scene-style name
_TITLE_STOP = re.compile(
    r"(?<![0-9A-Za-z])(2160p|1080p|1080i|720p|576p|480p|4k|uhd|remux|blu-?ray|bdrip|brrip|"
    r"web-?dl|webdl|web-?rip|hdtv|pdtv|dvd-?rip|dvdrip|x26[45]|h\.?26[45]|hevc|xvid|proper|"
    r"repack|extended|unrated|directors[ ._]cut|remastered|imax)(?![0-9A-Za-z])",
    re.I,
)


@dataclass(frozen=True, slots=True)
class NameInfo:
    """What one name says. Every field may be empty: a season folder has only a season."""

    title: str = ""
    year: int | None = None
    #: ids written in the name: {"imdb": "tt...", "tmdb": 1, "tvdb": 2, "tvmaze": 3}
    ids: tuple[tuple[str, str | int], ...] = ()
    season: int | None = None
    episodes: tuple[int, ...] = ()
    air_date: _dt.date | None = None
    #: absolute episode numbers (anime) when the name gives no season
    absolute: tuple[int, ...] = ()


def name_ids(name: str) -> tuple[tuple[str, str | int], ...]:
    if "{" not in name and "[" not in name:
        return ()
    out = []
    for kind, value in _ID.findall(name):
        kind = kind.lower()
        if kind == "imdb":
            if value.lower().startswith("tt"):
                out.append(("imdb", value.lower()))
            elif value.isdigit():
                out.append(("imdb", f"tt{int(value):07d}"))
        elif value.isdigit():
            out.append((kind, int(value)))
    return tuple(out)


def _clean(text: str) -> str:
    return _SEP.sub(" ", text).strip(" -([{")


def _title_and_year(text: str) -> tuple[str, int | None]:
    """``"Big Buck Bunny (2008)"`` -> ("Big Buck Bunny", 2008); ``"2001 A Space Odyssey
    (1968)"`` keeps its leading number; scene names stop at the first quality word."""
    stop = _TITLE_STOP.search(text)
    head = text[: stop.start()] if stop else text
    paren = None
    for m in _YEAR_PAREN.finditer(head):
        year = int(m.group(1))
        if 1870 <= year <= _MAX_YEAR:
            paren = m
    if paren is not None:
        return _clean(head[: paren.start()]), int(paren.group(1))
    bare = None
    for m in _YEAR_WORD.finditer(head):
        if m.start() > 0 and int(m.group(1)) <= _MAX_YEAR:
            bare = m
    if bare is not None:
        title = _clean(head[: bare.start()])
        if title:
            return title, int(bare.group(1))
    return _clean(head), None


@lru_cache(maxsize=8192)
def parse_folder(name: str) -> NameInfo:
    """A film or show folder: title, year and ids (cached: many files share one folder)."""
    ids = name_ids(name)
    text = _BRACKETS.sub(" ", name) if ids or "[" in name or "{" in name else name
    season = _SEASON_FOLDER.match(text.strip())
    if season:
        return NameInfo(season=int(season.group(1)))
    if _SPECIALS_FOLDER.match(text.strip()):
        return NameInfo(season=0)
    numbers = read_episodes(text)
    if numbers and numbers.start > 0 and not numbers.bare:
        # a release folder ("Zoo.S02E05.1080p.WEB-DL-GRP"): the title is written before the marker
        text = text[: numbers.start]
    title, year = _title_and_year(text)
    return NameInfo(title=title, year=year, ids=ids)


def parse_file(stem: str) -> NameInfo | None:
    """An episode or film file name without its extension. Episode numbers, air dates and
    absolute numbers are the one episode parser's (:func:`mydia_tui.identity.episodes.read_episodes`);
    a film needs a title and a year. None when the name gives neither (the caller may try
    :func:`fallback_parse`)."""
    ids = name_ids(stem)
    numbers = read_episodes(stem)
    if numbers.pairs() and not (numbers.bare and _YEAR_PAREN.search(stem)):
        title, year = _title_and_year(_BRACKETS.sub(" ", stem[: numbers.start]))
        return NameInfo(
            title=title, year=year, season=numbers.season, episodes=numbers.episodes, ids=ids
        )
    if numbers.air_date is not None:
        return NameInfo(
            title=_clean(_BRACKETS.sub(" ", stem[: numbers.start])),
            air_date=numbers.air_date,
            ids=ids,
        )
    if numbers.absolute:
        head = stem[: numbers.start]
        if head.startswith("["):
            head = head[head.find("]") + 1 :]
        return NameInfo(title=_clean(_BRACKETS.sub(" ", head)), absolute=numbers.absolute, ids=ids)
    text = _BRACKETS.sub(" ", stem) if "[" in stem or "{" in stem else stem
    title, year = _title_and_year(text)
    if title and year:
        return NameInfo(title=title, year=year, ids=ids)
    return None


def fallback_parse(name: str) -> NameInfo | None:
    """The shared release parser, for names the fast path cannot read (slow: a guessit call
    when its own fast path fails; its results are cached in memory and in ``parsed_name``,
    so a file that stays unmatched costs that once).

    The one place the scan reaches for the release parser: swap it here."""
    from ..parsed_names import parse_name

    try:
        parsed = parse_name(name)
    except Exception:  # a name is never worth a crash
        return None
    if not parsed.title and not parsed.episodes and not parsed.absolute:
        return None
    return NameInfo(
        title=parsed.title,
        year=parsed.year,
        season=parsed.season,
        episodes=tuple(parsed.episodes),
        absolute=parsed.absolute,
    )


# ---------------------------------------------------------------------------------------------
# Quality


def quality_from_names(*names: str) -> str:
    """The quality a file's name (or its folder's) shows, read as a release's is
    (:func:`mydia_tui.releases.quality.quality_of_name`): "WEBDL-1080p", "Bluray-2160p",
    "Remux-1080p", ...; "" when none is shown."""
    from ..releases.quality import quality_of_name

    quality = quality_of_name(*names)
    return "" if quality == "Unknown" else quality
