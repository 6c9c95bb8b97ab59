"""Episode references in names: which seasons, episodes, absolute numbers or air date a
release name or a file name covers, and whether it is a pack.

The one episode parser. The release parser (:mod:`mydia_tui.releases.parse`, fast path and
guessit alike), the scanner (:mod:`mydia_tui.scanning.names`), the guard's on-disk check and
the importer all read episode numbers here; before, three parsers disagreed, and with
``The Expanse - S01E01-02 - Title.mkv`` on disk the guard refused S01E01 but grabbed S01E02.

Spellings read (case-insensitive, any of ``. _ -`` or space as separator):

* ``S01E02``; several: ``S01E01E02``, ``S01E01-E02``, ``S01E01-02`` (a range), ``S01E01.E02``,
  ``S02E03-04-05``; ``1x02``, ``1x02x03``, ``1x02-03``; ``Season 1 Episode 2``, ``S1 Ep2``;
* season packs ``S02``, ``Season 2``; partial packs ``S04.Part.1``, ``S04.Vol.2``,
  ``Season 4 Part 1``; multi-season packs ``S01-S03``, ``S01-03``, ``Seasons 1-3``,
  ``S01.S02``; ``Complete Series``;
* daily shows by air date: ``2024.03.05``, ``2024-03-05``;
* absolute numbers (anime), only in names shaped like anime releases:
  ``[Group] One Piece - 1004 [1080p]``, ``[Group] One Piece 1004 [ABCD1234]``,
  ``Title - 05 (1080p)``; ranges ``01-12``.

Everything here is a pure function of a string: no database, no I/O.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar

#: pack kinds: "" (not a pack), "season", "partial_season", "multi_season", "complete_series"
PACK_KINDS = ("", "season", "partial_season", "multi_season", "complete_series")

_B = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"
_S = r"[ ._-]*"

# S01E02 with more episodes: E03, -E03, -03, .E03 (not "-1080p")
_SXXEYY = re.compile(
    _B
    + r"S(\d{1,2}|(?:19|20)\d\d)[ ._-]?E(\d{1,5})"
    + r"((?:[ ._-]?E\d{1,5}|[-+]E?\d{1,5}(?![0-9pPiI]))*)(?![0-9])",
    re.I,
)
_SEASON_WORD = r"(?:Season|Saison|Seizoen|Temporada|Staffel|Stagione|Series)"
_WORDS = re.compile(
    _B
    + r"(?:"
    + _SEASON_WORD
    + r"|S)"
    + _S
    + r"(\d{1,3})"
    + _S
    + r"(?:Episodes?|Ep|E)"
    + _S
    + r"(\d{1,5})((?:"
    + _S
    + r"(?:-|to|&|and)"
    + _S
    + r"(?:Episode|Ep|E)?"
    + _S
    + r"\d{1,5})*)"
    + r"(?![0-9])",
    re.I,
)
_NXNN = re.compile(
    _B + r"(\d{1,2}|(?:19|20)\d\d)x(\d{1,3})((?:(?:[x_]|-(?:\d{1,4}x)?)\d{1,3})*)" + _E, re.I
)
# the same episode marker again right after the first: "S03E01.S03E02", "2x04.2x05",
# "S07E22 - 7x23", "2x9-2x10"
_REPEAT = re.compile(
    r"^[ ._+&-]*(?:-[ ._]*)?(?:S(\d{1,4})[ ._-]?E(\d{1,5})|(\d{1,4})x(\d{1,3}))" + _E, re.I
)
# where the quality and format tags begin: a bare number is read only before them
_TAGS = re.compile(
    _B
    + r"(?:\d{3,4}[pi]|hdtv|pdtv|sdtv|web|webrip|web-?dl|bluray|bdrip|dvdrip|x26[45]|h\.?26[45]|"
    + r"xvid|hevc|avc|aac|ac3|dts|dd[p+]?\d|proper|repack|internal)"
    + _E,
    re.I,
)
# "Show.416.hdtv", "the.100.110.hdtv": three digits after the title, season and episode
_BARE = re.compile(r"(?<=[ ._])([1-9])(\d\d)(?=[ ._-]|$)")
_YEAR_LATER = re.compile(r"(?<![0-9])\(?(?:19|20)\d\d\)?(?![0-9])")
# "Open Season 2 (2008)": a season word followed by a year is a title
_YEAR_AFTER = re.compile(r"[ ._]*\(?(?:19|20)\d\d\)?(?![0-9])")
# "Season 1, 2, 3 & 4", "(Season 1 2 3 4 5)"
_SEASON_LIST = re.compile(r"(?:[ ,&._]+(?:and[ ._]+)?\d{1,2}(?![0-9]))+")
# an episode word anywhere, with a season marker elsewhere in the name
_EPISODE_WORD = re.compile(
    _B + r"(?:Episode|Ep)[ ._]*(\d{1,4})((?:[ ._]*-[ ._]*(?:Episode|Ep)?[ ._]*\d{1,4})?)(?![0-9])",
    re.I,
)
# "Cap.103": Spanish releases, season 1 episode 3
_CAP = re.compile(_B + r"Cap[ ._]?(\d{1,2})(\d\d)" + _E, re.I)
# "5of9": a mini-series' episode 5 of 9
_OF = re.compile(_B + r"(\d{1,2})[ ._]?of[ ._]?(\d{1,2})" + _E, re.I)
_VOLUME = re.compile(_B + r"Vol(?:ume)?[ ._]*(\d{1,2})(?:[ ._]*-[ ._]*(\d{1,2}))?" + _E, re.I)
# the absolute numbers some anime write beside SxxEyy
_ABSOLUTE_AFTER = re.compile(r"^[ ._-]+(\d{2,4})(?:-(\d{2,4}))?(?:v\d)?[ ._]*$")
_ABSOLUTE_BEFORE = re.compile(r"[ ._](\d{2,4})(?:-(\d{2,4}))?[ ._]+$")
_MULTI_SEASON = re.compile(
    _B
    + r"(?:S|Seasons?"
    + _S
    + r")(\d{1,2})"
    + r"((?:"
    + _S
    + r"(?:-|to|&)"
    + _S
    + r"(?:S|Season"
    + _S
    + r")?\d{1,2})+)"
    + _E,
    re.I,
)
_SEASON = re.compile(_B + r"(?:S|" + _SEASON_WORD + _S + r")(\d{1,3})" + _E, re.I)
_EXTRAS_AFTER = re.compile(
    r"^[ ._-]*(?:DVD[ ._-]*)?(?:extras|bonus|special[ ._-]*features)" + _E, re.I
)
# "Season 3 - 11 (1080p)": anime write the episode after a dash
_SEASON_DASH_EPISODE = re.compile(r"^\s+-\s+(\d{1,4})(?:v\d)?(?=\s|$|[\[(])")
_PARTIAL = re.compile(
    r"^" + _S + r"(?:Part|Pt|Vol|Volume|Disc|Disk|DVD|CD)" + _S + r"(\d{1,2})(?![0-9])", re.I
)
_COMPLETE = re.compile(
    _B
    + r"(?:(?:the"
    + _S
    + r")?complete|full)"
    + _S
    + r"(?:series|collection)"
    + _E
    + r"|"
    + _B
    + r"complete"
    + _E
    + r"(?=.*(?:season|\bS\d))",
    re.I,
)
_DATE = re.compile(r"(?<![0-9])((?:19|20)\d\d)[._ -](\d\d)[._ -](\d\d)(?![0-9])")
_MORE = re.compile(r"\d{1,4}")
_RANGE_CONNECTOR = re.compile(r"[ _]*(?:-|to)[ _]*(?:e|ep|episode)?[ _]*")
_LIST_CONNECTOR = re.compile(r"[ _+&]*(?:e|ep|x|episode|_|\+|&)?")
_SEASON_PREFIX = re.compile(r"\d{1,4}x$")

# anime: "[Group] Title - 05 [tags]", "[Group] Title 1004 [CRC]", "Title - 05 (1080p)"
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
# the number must end the name or come before brackets or " - Episode Title": in "Fairy Tail -
# 100 Years Quest - 05" the 100 is the title's
_ABSOLUTE_DASH = re.compile(
    r"\s-\s+(?:E|EP|#)?(\d{1,4})(?:-(\d{1,4}))?(?:v\d)?(?=\s*$|\s+-\s|\s*[\[(]|\s+END\b)",
    re.I,
)
# "[Group] Title 01 - 119 [Batch]": a batch starts at 1 or is written with a leading zero
# ("Eyeshield 21 - 101" is episode 101 of "Eyeshield 21")
_ABSOLUTE_RANGE = re.compile(r"[ ._](0\d{1,3}|1)\s*-\s*(\d{1,4})(?=[ ._]|$)")
_ABSOLUTE_WORD = re.compile(
    r"(?<![0-9A-Za-z])(?:Episode|Ep|#)[ .]?(\d{1,4})(?:-(\d{1,4}))?(?:v\d)?(?![0-9])", re.I
)
# "[Group] Title 01 Episode Title [CRC]", "[Group]Title-01[...]": the first bare number
_ABSOLUTE_MID = re.compile(r"(?:[ .]|(?<=[A-Za-z])-)(\d{1,4})(?:-(\d{1,4}))?(?:v\d)?(?=[ .]|$)")
_ABSOLUTE_TAIL = re.compile(r"[ ._](\d{1,4})(?:-(\d{1,4}))?(?:v\d)?\s*$", re.I)
_RESOLUTIONS = {480, 576, 720, 1080, 2160}
_VIDEO_EXT = re.compile(r"\.(?:mkv|mp4|avi|m4v|ts|webm|wmv|mov)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class EpisodeNumbers:
    """What a name says about episodes. Everything may be empty (a film, or no marker).

    ``seasons``: every season covered (one, or several for a multi-season pack);
    ``episodes``: episode numbers within ``seasons[0]``; ``absolute``: absolute episode
    numbers when the name gives no season (anime); ``air_date``: a daily show's episode;
    ``pack``: one of :data:`PACK_KINDS`; ``part``: the part of a partial season pack;
    ``start``/``end``: where the marker is in the name (-1 when there is none): the title
    is written before ``start``; ``bare``: read from a bare three-digit number."""

    seasons: tuple[int, ...] = ()
    episodes: tuple[int, ...] = ()
    absolute: tuple[int, ...] = ()
    air_date: _dt.date | None = None
    pack: str = ""
    part: int | None = None
    start: int = -1
    end: int = -1
    #: read from a bare number ("Show.416.hdtv"): the least certain reading
    bare: bool = False

    def __bool__(self) -> bool:
        return bool(self.seasons or self.episodes or self.absolute or self.air_date or self.pack)

    @property
    def season(self) -> int | None:
        return self.seasons[0] if self.seasons else None

    def pairs(self) -> frozenset[tuple[int, int]]:
        """(season, episode) pairs: empty for packs, dates and absolute numbers."""
        if not self.seasons or not self.episodes:
            return frozenset()
        return frozenset((self.seasons[0], e) for e in self.episodes)


NONE = EpisodeNumbers()


def expand(first: int, rest: str) -> tuple[int, ...]:
    """Episode numbers of ``E01E02``, ``E01-E03`` (a range), ``E01-03``, ``x02x03``, ``E01+02``,
    ``x01_02``, ``2x09-2x10``: ``first`` and the marker's tail ``rest``. A range spans at most 50
    episodes; a number that is neither a range's end nor a listed episode ends the list."""
    numbers = [first]
    at = 0
    for m in _MORE.finditer(rest or ""):
        if rest[m.end() : m.end() + 1] in ("x", "X") and rest[at : m.start()].endswith("-"):
            continue  # the season of "2x09-2x10"
        connector = _SEASON_PREFIX.sub("", rest[at : m.start()].lower()).strip(" .")
        at = m.end()
        n = int(m.group(0))
        if _RANGE_CONNECTOR.fullmatch(connector):
            if numbers[-1] < n <= numbers[-1] + 50:
                numbers.extend(range(numbers[-1] + 1, n + 1))
                continue
            break
        if n > numbers[-1] and _LIST_CONNECTOR.fullmatch(connector):
            numbers.append(n)
            continue
        break
    return tuple(numbers)


def _more_markers(
    name: str, season: int, numbers: tuple[int, ...], end: int
) -> tuple[tuple[int, ...], int]:
    """Episodes of the same season written again right after a marker ("S03E01.S03E02")."""
    found = list(numbers)
    while True:
        m = _REPEAT.match(name[end:])
        if m is None:
            break
        s, e = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if int(s) != season or int(e) <= found[-1]:
            break
        n = int(e)
        if n - found[-1] <= 50:
            found.extend(range(found[-1] + 1, n + 1))
        end += m.end()
    return tuple(found), end


_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
# 2024.03.05, 2024-03-05, 20240305 (compact, only as a word of its own)
_DATE_COMPACT = re.compile(r"(?<![0-9])((?:19|20)\d\d)(\d\d)(\d\d)(?![0-9])")
# 04.28.2014 (US order), 16.02.2012 (day first: only when the first cannot be a month)
_DATE_YEAR_LAST = re.compile(r"(?<![0-9])(\d\d)[._-](\d\d)[._-]((?:19|20)\d\d)(?![0-9])")
# 9th Dec 2019, 22 October 2016, 16-Feb-2017
_DATE_WORDS = re.compile(
    r"(?<![0-9A-Za-z])(\d{1,2})(?:st|nd|rd|th)?[ ._-]+([A-Za-z]{3,9})\.?[ ._-]+((?:19|20)\d\d)(?![0-9])"
)


def _date(year: int, month: int, day: int) -> _dt.date | None:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def _air_date(text: str) -> tuple[_dt.date, re.Match[str]] | None:
    """The first air date written in ``text``, with where it is: ``YYYY.MM.DD`` (or
    ``YYYY.DD.MM`` when the month cannot be the middle number), ``YYYYMMDD``, ``MM.DD.YYYY``
    (``DD.MM.YYYY`` when the first number cannot be a month; both ambiguous: none), and
    ``9th Dec 2019`` / ``22 October 2016``."""
    for m in _DATE.finditer(text):
        y, a, b = int(m.group(1)), int(m.group(2)), int(m.group(3))
        date = _date(y, a, b) or (_date(y, b, a) if a > 12 else None)
        if date is not None:
            return date, m
    for m in _DATE_COMPACT.finditer(text):
        date = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if date is not None:
            return date, m
    for m in _DATE_YEAR_LAST.finditer(text):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12:
            date = _date(y, b, a)
        elif b > 12:
            date = _date(y, a, b)
        else:
            date = None  # 04.05.2014: April or May?
        if date is not None:
            return date, m
    for m in _DATE_WORDS.finditer(text):
        month = _MONTHS.get(m.group(2).lower())
        date = _date(int(m.group(3)), month, int(m.group(1))) if month else None
        if date is not None:
            return date, m
    return None


def looks_like_anime(name: str) -> bool:
    """Names shaped like anime releases: a leading ``[Group]``, ``Title - 05`` with spaces, or
    ``Title Episode 56``."""
    text = name.lstrip()
    if text.startswith("["):
        return True
    body = _VIDEO_EXT.sub("", _BRACKETED.sub(" ", text).replace("_", " "))
    return bool(_ABSOLUTE_DASH.search(body) or _ABSOLUTE_WORD.search(body))


def _absolute(name: str) -> EpisodeNumbers:
    text = name
    offset = 0
    if text.startswith("["):
        close = text.find("]")
        if close > 0:
            offset = close + 1
    body = _BRACKETED.sub(lambda m: " " * len(m.group(0)), text[offset:]).replace("_", " ")
    body = _VIDEO_EXT.sub("", body)
    m = (
        _ABSOLUTE_RANGE.search(body)
        or _ABSOLUTE_DASH.search(body)
        or _ABSOLUTE_WORD.search(body)
        or _ABSOLUTE_TAIL.search(body.rstrip())
        or _ABSOLUTE_MID.search(body)
    )
    if not m:
        return NONE
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else first
    if first in _RESOLUTIONS or (1900 <= first <= 2100 and last == first) or last < first:
        return NONE
    numbers = tuple(range(first, last + 1)) if last - first <= 200 else (first,)
    return EpisodeNumbers(absolute=numbers, start=offset + m.start(), end=offset + m.end())


@lru_cache(maxsize=65536)
def read_episodes(name: str) -> EpisodeNumbers:
    """The episodes ``name`` (a release name, a file name with or without its extension, or a
    folder name) covers. :data:`NONE` (falsy) when it names none."""
    anime = looks_like_anime(name)
    m = _SXXEYY.search(name) or _NXNN.search(name)
    if m is not None:
        season = int(m.group(1))
        episodes, end = _more_markers(name, season, expand(int(m.group(2)), m.group(3)), m.end())
        dated = _air_date(name[end:]) or _air_date(name[: m.start()])
        absolute: tuple[int, ...] = ()
        if anime or _ABSOLUTE_AFTER.match(name[end:]):
            # "[K-F] One Piece S10E14 214", "Bleach s16e03-04 - 313-314": both numberings
            extra = _ABSOLUTE_AFTER.match(name[end:]) or _ABSOLUTE_BEFORE.search(name[: m.start()])
            if extra is not None:
                first = int(extra.group(1))
                last = int(extra.group(2)) if extra.group(2) else first
                if (
                    first not in _RESOLUTIONS
                    and not 1900 <= first <= 2100
                    and first <= last <= first + 50
                ):
                    absolute = tuple(range(first, last + 1))
        return EpisodeNumbers(
            seasons=(season,),
            episodes=episodes,
            absolute=absolute,
            air_date=dated[0] if dated else None,
            start=m.start(),
            end=end,
        )
    m = _WORDS.search(name) or _CAP.search(name)
    if m is not None:
        return EpisodeNumbers(
            seasons=(int(m.group(1)),),
            episodes=expand(int(m.group(2)), m.group(3) if m.re is _WORDS else ""),
            start=m.start(),
            end=m.end(),
        )
    m = _OF.search(name)
    if m is not None and int(m.group(1)) <= int(m.group(2)):
        # "Ken.Burns.The.Civil.War.5of9": a mini-series, its only season
        return EpisodeNumbers(
            seasons=(1,), episodes=(int(m.group(1)),), start=m.start(), end=m.end()
        )
    complete = _COMPLETE.search(name)
    m = _MULTI_SEASON.search(name)
    if m is not None and re.match(r"\s+-\s+\d", m.group(2)) and not complete:
        m = None  # "Season 3 - 11": season 3, episode 11 (anime), not seasons 3 to 11
    if m is not None:
        first = int(m.group(1))
        rest = [int(n) for n in re.findall(r"\d{1,2}", m.group(2))]
        last = max(rest)
        if last > first:
            covered = tuple(range(first, last + 1)) if last - first <= 50 else (first, *rest)
            pack = "complete_series" if complete else "multi_season"
            return EpisodeNumbers(seasons=covered, pack=pack, start=m.start(), end=m.end())
    hits = [s for s in _SEASON.finditer(name) if not _YEAR_AFTER.match(name[s.end() :])]
    if hits:
        found = sorted({int(s.group(1)) for s in hits})
        first_hit = hits[0]
        listed = _SEASON_LIST.match(name[first_hit.end() :])
        if listed is not None:
            found = sorted({*found, *(int(n) for n in re.findall(r"\d{1,2}", listed.group(0)))})
        if len(found) > 1:
            return EpisodeNumbers(
                seasons=tuple(found),
                pack="complete_series" if complete else "multi_season",
                start=first_hit.start(),
                end=max(hits[-1].end(), first_hit.end() + (listed.end() if listed else 0)),
            )
        word = _EPISODE_WORD.search(name)
        if word is not None:
            # "The Expanse - Ep. 5 (Season 1)", "Mind Field S2 (Ep 6)"
            return EpisodeNumbers(
                seasons=tuple(found),
                episodes=expand(int(word.group(1)), word.group(2) or ""),
                start=min(first_hit.start(), word.start()),
                end=max(first_hit.end(), word.end()),
            )
        if _EXTRAS_AFTER.match(name[first_hit.end() :]):
            # "Acropolis Now S05 EXTRAS": the season's bonus discs, not the season
            return EpisodeNumbers(
                seasons=tuple(found), start=first_hit.start(), end=first_hit.end()
            )
        dashed = _SEASON_DASH_EPISODE.match(name[first_hit.end() :])
        if dashed is not None:
            return EpisodeNumbers(
                seasons=tuple(found),
                episodes=(int(dashed.group(1)),),
                start=first_hit.start(),
                end=first_hit.end() + dashed.end(),
            )
        part = _PARTIAL.match(name[first_hit.end() :])
        if part is not None:
            return EpisodeNumbers(
                seasons=tuple(found),
                pack="partial_season",
                part=int(part.group(1)),
                start=first_hit.start(),
                end=first_hit.end() + part.end(),
            )
        return EpisodeNumbers(
            seasons=tuple(found), pack="season", start=first_hit.start(), end=first_hit.end()
        )
    dated = _air_date(name)
    if dated is not None:
        date, m = dated
        return EpisodeNumbers(air_date=date, start=m.start(), end=m.end())
    if complete is not None:
        return EpisodeNumbers(pack="complete_series", start=complete.start(), end=complete.end())
    if anime:
        volume = _VOLUME.search(name)
        if volume is not None:
            # "[MTBB] Cross Game - Volume 1-3": a disc release, part of a season
            return EpisodeNumbers(
                pack="partial_season",
                part=int(volume.group(1)),
                start=volume.start(),
                end=volume.end(),
            )
        return _absolute(name)
    return _bare(name)


def _bare(name: str) -> EpisodeNumbers:
    """``Show.416.hdtv-lol``: a three-digit number after the title is season 4 episode 16, as
    scene releases of the 2000s wrote it; never at the start (a title "300"), never an
    episode 0, never right before a year or a resolution."""
    tags = _TAGS.search(name)
    head = name[: tags.start()] if tags else name
    tokens = list(_BARE.finditer(head))
    i = 0
    for i, m in enumerate(tokens):  # noqa: B007 (the token found is used after the loop)
        if m.start() == 0 or int(m.group(2)) == 0:
            continue  # a title "300"; "The.100": episode 0 is the title's number
        if _YEAR_LATER.search(name[m.end() :]):
            return NONE  # "Fahrenheit 451 (2018)", "Room.237.2012": a film's title
        break
    else:
        return NONE
    season, first = int(m.group(1)), int(m.group(2))
    episodes = [first]
    end = m.end()
    for more in tokens[i + 1 :]:
        if int(more.group(1)) != season or int(more.group(2)) != episodes[-1] + 1:
            break
        if head[end : more.start()].strip(" ._"):
            break
        episodes.append(int(more.group(2)))
        end = more.end()
    return EpisodeNumbers(
        seasons=(season,), episodes=tuple(episodes), start=m.start(), end=end, bare=True
    )


_EPISODE_ONLY = re.compile(r"(?:^|(?<![0-9A-Za-z]))(?:E|Ep|Episode)[ ._-]*(\d{1,4})(?![0-9])", re.I)
_LEADING_NUMBER = re.compile(r"^(\d{1,3})(?:[ ._]*-[ ._]*|[ ._]+|$)")


def episode_in_season_folder(stem: str) -> tuple[int, ...]:
    """Episode numbers of a file inside a season folder whose name gives no season: ``E05``,
    ``Episode 5``, ``05 - Title`` (the folder says which season)."""
    m = _EPISODE_ONLY.search(stem)
    if m:
        return (int(m.group(1)),)
    m = _LEADING_NUMBER.match(stem)
    if m:
        return (int(m.group(1)),)
    return ()


class EpisodeLike(Protocol):
    """An episode of the library as the matching below needs it (a
    :class:`mydia_tui.targets.EpisodeRef`, an ``Episode`` row)."""

    @property
    def season(self) -> int: ...
    @property
    def number(self) -> int: ...
    @property
    def absolute(self) -> int | None: ...
    @property
    def air_date(self) -> _dt.date | None: ...


_T = TypeVar("_T", bound=EpisodeLike)


def episodes_named(
    numbers: EpisodeNumbers, episodes: Iterable[_T], *, folder_season: int | None = None
) -> list[_T]:
    """The ``episodes`` (of one show) that a name reading covers: by season and episode, by
    absolute number (the show's own order, for anime), by air date (dailies), or every episode
    of the seasons of a pack. A number without a season inside a season folder
    (``folder_season``) is that season's episode. Order of ``episodes`` is kept."""
    episodes = list(episodes)
    if numbers.pairs():
        pairs = numbers.pairs()
        return [e for e in episodes if (e.season, e.number) in pairs]
    if numbers.air_date is not None:
        return [e for e in episodes if e.air_date == numbers.air_date]
    if numbers.absolute:
        wanted = set(numbers.absolute)
        if folder_season is not None:
            return [e for e in episodes if e.season == folder_season and e.number in wanted]
        return [e for e in episodes if e.absolute in wanted]
    if numbers.pack in ("season", "multi_season"):
        seasons = set(numbers.seasons)
        return [e for e in episodes if e.season in seasons]
    return []
