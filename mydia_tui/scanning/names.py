"""Fast parsing of the names found in a library: ``Title (Year) {imdb-tt...}`` folders,
``Show - S01E02 - Title [WEBDL-1080p].mkv`` files, ``Season 01`` folders, ``1x02`` and
multi-episode forms, quality words.

A library holds tens of thousands of files, so this is a few compiled regexes and no more
(a few microseconds a name). Names it cannot read fall back to the shared release parser
(:func:`fallback_parse`), which is slower but knows far more shapes.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

#: file extensions of video files
VIDEO_EXTENSIONS = frozenset(
    "mkv mp4 avi m4v ts m2ts mts wmv mov webm mpg mpeg mpe vob ogv ogm flv divx iso 3gp rmvb".split()
)

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

# S01E02, S01E02E03, S01E02-E03, S01E02-03, s01.e02
_SXXEYY = re.compile(
    r"(?<![0-9A-Za-z])S(\d{1,3})[ ._-]?E(\d{1,4})((?:[ ._-]?E\d{1,4}|-E?\d{1,4}(?![0-9pPiI]))*)(?![0-9])",
    re.I,
)
# 1x02, 1x02x03, 1x02-03
_NXNN = re.compile(r"(?<![0-9A-Za-z])(\d{1,2})x(\d{2,3})((?:[x-]\d{2,3})*)(?![0-9A-Za-z])", re.I)
# Season 1 Episode 4, s1 ep4
_SEASON_EPISODE_WORDS = re.compile(
    r"(?<![0-9A-Za-z])(?:Season|S)[ ._-]*(\d{1,3})[ ._-]*(?:Episode|Ep)[ ._-]*(\d{1,4})(?![0-9])",
    re.I,
)
_MORE_EPISODES = re.compile(r"\d{1,4}")
_DATE = re.compile(r"(?<![0-9])((?:19|20)\d\d)[.\-_ ](\d\d)[.\-_ ](\d\d)(?![0-9])")
# episode number inside a season folder: "E05", "Episode 5", "05 - Title"
_EPISODE_ONLY = re.compile(r"(?:^|(?<![0-9A-Za-z]))(?:E|Ep|Episode)[ ._-]?(\d{1,4})(?![0-9])", re.I)
_LEADING_NUMBER = re.compile(r"^(\d{1,3})(?:[ ._]*-[ ._]*|[ ._]+|$)")
_SEASON_FOLDER = re.compile(r"^(?:season|series|saison|staffel|s)[ ._-]*(\d{1,4})$", re.I)
_SPECIALS_FOLDER = re.compile(r"^(?:specials?|season[ ._-]*0+)$", re.I)

_QUALITY_TOKEN = re.compile(
    r"(?<![0-9A-Za-z])(2160p|1080p|1080i|720p|576p|480p|4k|uhd|bd-?remux|remux|blu-?ray|bdrip|"
    r"brrip|web-?dl|webdl|web-?rip|web|hdtv|pdtv|sdtv|dsr|tvrip|dvd-?rip|dvd|hdrip|xvid|divx)"
    r"(?![0-9A-Za-z])",
    re.I,
)
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
    title, year = _title_and_year(text)
    return NameInfo(title=title, year=year, ids=ids)


def _expand(first: int, rest: str) -> tuple[int, ...]:
    """Episode numbers of ``E01E02``, ``E01-E03`` (a range), ``E01-03``."""
    numbers = [first]
    if rest:
        for m in _MORE_EPISODES.finditer(rest):
            n = int(m.group(0))
            before = rest[: m.start()]
            if before.endswith("-") or before.endswith("-E") or before.endswith("-e"):
                if n > numbers[-1] and n - numbers[-1] <= 50:
                    numbers.extend(range(numbers[-1] + 1, n + 1))
                    continue
            if n > numbers[-1]:
                numbers.append(n)
    return tuple(numbers)


def parse_file(stem: str) -> NameInfo | None:
    """An episode or film file name without its extension. None when the fast path cannot
    read it (the caller may try :func:`fallback_parse`)."""
    ids = name_ids(stem)
    m = _SXXEYY.search(stem)
    if m is None:
        m2 = _NXNN.search(stem)
        m3 = _SEASON_EPISODE_WORDS.search(stem) if m2 is None else None
        if m2 is not None:
            season, first, rest, start = int(m2.group(1)), int(m2.group(2)), m2.group(3), m2.start()
        elif m3 is not None:
            season, first, rest, start = int(m3.group(1)), int(m3.group(2)), "", m3.start()
        else:
            season = None
    else:
        season, first, rest, start = int(m.group(1)), int(m.group(2)), m.group(3), m.start()
    if season is not None:
        title = _clean(_BRACKETS.sub(" ", stem[:start]))
        return NameInfo(title=title, season=season, episodes=_expand(first, rest), ids=ids)
    d = _DATE.search(stem)
    if d is not None:
        try:
            date = _dt.date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
        except ValueError:
            date = None
        if date is not None:
            return NameInfo(title=_clean(stem[: d.start()]), air_date=date, ids=ids)
    text = _BRACKETS.sub(" ", stem) if "[" in stem or "{" in stem else stem
    title, year = _title_and_year(text)
    if title and year:
        return NameInfo(title=title, year=year, ids=ids)
    return None


def episode_in_season_folder(stem: str) -> tuple[int, ...]:
    """``"E05"``, ``"Episode 5"``, ``"05 - Title"`` inside a season folder."""
    m = _EPISODE_ONLY.search(stem)
    if m:
        return (int(m.group(1)),)
    m = _LEADING_NUMBER.match(stem)
    if m:
        return (int(m.group(1)),)
    return ()


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
    if not parsed.title and not parsed.episodes:
        return None
    return NameInfo(
        title=parsed.title,
        year=parsed.year,
        season=parsed.season,
        episodes=tuple(parsed.episodes),
    )


# ---------------------------------------------------------------------------------------------
# Quality


@lru_cache(maxsize=4096)
def _quality_of_tokens(tokens: frozenset[str]) -> str:
    from ..releases.parse import ParsedRelease
    from ..releases.quality import quality_of

    resolution = None
    for res in ("2160", "1080", "720", "576", "480"):
        if any(t.startswith(res) for t in tokens):
            resolution = int(res)
            break
    if resolution is None and tokens & {"4k", "uhd"}:
        resolution = 2160
    source = None
    if tokens & {"bluray", "bdrip", "brrip"}:
        source = "bluray"
    elif tokens & {"webrip", "hdrip"}:
        source = "webrip"
    elif tokens & {"webdl", "web"}:
        source = "webdl"
    elif "hdtv" in tokens:
        source = "hdtv"
    elif tokens & {"pdtv", "sdtv", "dsr", "tvrip"}:
        source = "sdtv"
    elif tokens & {"dvdrip", "dvd"}:
        source = "dvd"
    remux = bool(tokens & {"remux", "bdremux"})
    codec = "Xvid" if "xvid" in tokens else ("DivX" if "divx" in tokens else None)
    parsed = ParsedRelease(
        name="", title="", resolution=resolution, source=source, remux=remux, codec=codec
    )
    quality = quality_of(parsed)
    return "" if quality == "Unknown" else quality


def quality_from_names(*names: str) -> str:
    """The quality a file's name (or its folder's) shows, named as the release parser names
    qualities ("WEBDL-1080p", "Bluray-2160p", "Remux-1080p", ...); "" when none is shown."""
    for name in names:
        found = _QUALITY_TOKEN.findall(name)
        if found:
            tokens = frozenset(t.lower().replace("-", "") for t in found)
            quality = _quality_of_tokens(tokens)
            if quality:
                return quality
    return ""
