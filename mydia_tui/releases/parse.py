"""Release and file names -> :class:`ParsedRelease`.

``guessit`` is the authority, but it costs 10-15 ms a name on a small machine. Three things
keep parsing cheap:

1. a strict fast path (:func:`_fast_parse`) for the common scene shape
   ``Title.Year.tags-GROUP`` / ``Title.S01E02.tags-GROUP`` / ``Title.S02.tags``; anything it is
   not sure about (brackets, a title without a year or episode marker, two years in a row,
   unknown words between the year and the tags, ...) goes to guessit. A test checks that the
   fast path agrees with guessit on the fields we use for the whole test corpus;
2. an in-memory LRU of parsed names (:func:`parse`);
3. the ``parsed_name`` table, which :mod:`mydia_tui.parsed_names` keeps: these rules never
   touch the database themselves.

Episode numbers, packs, absolute numbers and air dates are read by the one episode parser,
:func:`mydia_tui.identity.episodes.read_episodes`, on both paths: guessit gives the title, the
year and the quality; what episodes a name covers is ours. The library scanner parses file and
folder names with the same code.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, replace

from ..identity.episodes import EpisodeNumbers, read_episodes
from ..identity.video import video_extension

#: bump when parsing changes: cached parses of older versions are ignored
PARSER_VERSION = 3

SOURCES = (
    "bluray",
    "webdl",
    "webrip",
    "hdtv",
    "sdtv",
    "dvd",
    "cam",
    "telesync",
    "telecine",
    "screener",
    "workprint",
)


@dataclass(frozen=True)
class ParsedRelease:
    name: str
    title: str
    year: int | None = None
    #: every season the name covers (one for S01E02 or S02; several for S01-S03)
    seasons: tuple[int, ...] = ()
    #: episode numbers (several for S01E01E02); empty for a season pack or a film
    episodes: tuple[int, ...] = ()
    #: a season (or several, or part of one) without episode numbers
    is_season_pack: bool = False
    #: "Complete Series" style: a show without season or episode numbers
    is_complete_series: bool = False
    #: 480, 576, 720, 1080, 2160; None when not given
    resolution: int | None = None
    #: one of :data:`SOURCES`, or None
    source: str | None = None
    remux: bool = False
    codec: str | None = None
    group: str | None = None
    #: PROPER / REPACK count (a revision, as Sonarr calls it)
    proper: int = 0
    #: "movie" or "episode"
    kind: str = "movie"
    #: a second title some names carry ("Frieren - Beyond Journey's End")
    alt_title: str | None = None
    #: which parser answered: "fast" or "guessit"
    parser: str = "guessit"
    #: absolute episode numbers (anime) when the name gives no season
    absolute: tuple[int, ...] = ()
    #: a daily show's episode: its air date, ISO ``YYYY-MM-DD``
    air_date: str | None = None
    #: one of :data:`mydia_tui.identity.episodes.PACK_KINDS` ("" when not a pack)
    pack: str = ""

    @property
    def season(self) -> int | None:
        return self.seasons[0] if self.seasons else None

    @property
    def numbers(self) -> EpisodeNumbers:
        """The episode reading as :func:`mydia_tui.identity.episodes.read_episodes` gives it."""
        return EpisodeNumbers(
            seasons=self.seasons,
            episodes=self.episodes,
            absolute=self.absolute,
            air_date=_dt.date.fromisoformat(self.air_date) if self.air_date else None,
            pack=self.pack,
        )

    @property
    def is_episode(self) -> bool:
        """Names an episode, episodes or a pack (numbered or not)."""
        return self.kind == "episode" or bool(self.numbers)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> ParsedRelease:
        raw = json.loads(data)
        raw["seasons"] = tuple(raw.get("seasons") or ())
        raw["episodes"] = tuple(raw.get("episodes") or ())
        raw["absolute"] = tuple(raw.get("absolute") or ())
        return cls(**raw)


# ---------------------------------------------------------------------------------------------
# Fast path

_SEP = r"[ ._]"
_B = r"(?<![A-Za-z0-9])"  # word start
_E = r"(?![A-Za-z0-9])"  # word end
_MAX_YEAR = _dt.date.today().year + 1

# not ".ts": in release names it is far more often TeleSync than a transport stream
_EXT = re.compile(r"\.(mkv|mp4|avi|m4v|wmv|mov|webm|m2ts|torrent)$", re.I)
_SAFE = re.compile(r"^[\w .\-'&!,+()]+$")
_GROUP = re.compile(r"-([A-Za-z0-9]{2,20})$")
_YEAR = re.compile(_B + r"\(?((?:19|20)\d\d)\)?" + _E)
_RESOLUTION = re.compile(
    _B + r"(2160|1080|720|576|480)[pi]" + _E + r"|" + _B + r"(4K|UHD)" + _E, re.I
)
_PROPER = re.compile(_B + r"(PROPER|REPACK|RERIP|REAL)" + _E, re.I)
_REMUX = re.compile(_B + r"(?:BD)?REMUX" + _E, re.I)
_CODEC = re.compile(_B + r"(x\.?264|h\.?264|AVC|x\.?265|h\.?265|HEVC|XviD|DivX|AV1|VP9)" + _E, re.I)
_SOURCE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (source, re.compile(_B + r"(?:" + pattern + r")" + _E, re.I))
    for source, pattern in (
        ("bluray", r"Blu-?Ray|BDRip|BRRip|BDRemux|BD25|BD50|UHD-?BD"),
        ("webrip", r"WEB-?Rip|WEB-?Cap|HDRip"),
        ("webdl", r"WEB-?DL|WEBDL|WEB"),
        ("hdtv", r"HDTV|HDTVRip"),
        ("sdtv", r"SDTV|PDTV|TVRip|DSR|DSRip|SATRip"),
        ("screener", r"DVDSCR|BDSCR|SCR|SCREENER"),
        ("dvd", r"DVD-?Rip|DVD-?R|DVD5|DVD9|DVD|NTSC|PAL"),
        ("cam", r"CAM|HDCAM|CAMRip"),
        ("telesync", r"TS|HDTS|TELESYNC|PDVD"),
        ("telecine", r"TC|HDTC|TELECINE"),
        ("workprint", r"WORKPRINT"),
    )
)
#: words a film's name may carry between its year and its quality tags
_MOVIE_TAGS = frozenset(
    """extended unrated uncut directors director's cut dc theatrical remastered limited
    internal repack proper rerip real readnfo imax hybrid criterion special edition
    multi multisubs dual audio subbed dubbed vostfr french german truefrench italian spanish
    english hindi korean japanese nordic swedish danish finnish norwegian dutch polish russian
    hdr hdr10 dv dovi sdr 10bit 8bit hfr 3d sbs ou hsbs hou open matte restored
    amzn nf dsnp hmax atvp pcok hulu stan ma web dl""".split()
)
_LANGUAGE_WORDS = frozenset(
    """german french truefrench multi multisubs vostfr ita italian spanish castellano latino
    dubbed subbed nordic swedish danish finnish norwegian dutch polish russian hindi korean
    japanese english eng ger fre""".split()
)
_QUALITY_WORD = re.compile(
    _B
    + r"(2160p|1080p|1080i|720p|576p|480p|4K|UHD|Blu-?Ray|BDRip|BRRip|WEB-?DL|WEBDL|WEB-?Rip|"
    + r"WEB|HDTV|SDTV|PDTV|DVD-?Rip|DVD|x\.?264|x\.?265|h\.?264|h\.?265|HEVC|XviD|REMUX|CAM|"
    + r"HDCAM|TS|TELESYNC|HDRip)"
    + _E,
    re.I,
)


_ANIME = re.compile(
    r"^\[(?P<group>[A-Za-z0-9][A-Za-z0-9 ._-]{0,30})\]\s*(?P<title>[^\[\]()]+?)\s+-\s+"
    r"(?P<ep>\d{1,4})\s*(?P<rest>(?:[\[(][^\[\]()]*[\])]\s*)*)$"
)
_ANIME_TAG = re.compile(
    r"(?i)^(?:(?P<res>2160|1080|720|576|480)p|[0-9A-F]{8}|HEVC|x26[45]|AVC|10-?bit|8-?bit|AAC|"
    r"(?:1080|720)p[ ._](?:HEVC|x26[45])|HEVC[ ._]x265(?:[ ._]10bit)?)$"
)
_ANIME_TITLE_BAD = re.compile(r"(?i)(?:\bS\d+\b|season|part|cour|\d+(?:st|nd|rd|th)\b|\d$| - )")


def _fast_anime(name: str, text: str) -> ParsedRelease | None:
    """``[Group] Title - 05 (1080p) [ABCD1234]``: absolute episode numbers, no season."""
    m = _ANIME.match(text)
    if not m:
        return None
    title = m.group("title").strip()
    if not title or _ANIME_TITLE_BAD.search(title) or _QUALITY_WORD.search(title):
        return None
    numbers = read_episodes(text)
    if numbers.absolute != (int(m.group("ep")),):
        return None
    resolution = None
    for tag in re.findall(r"[\[(]([^\[\]()]*)[\])]", m.group("rest")):
        t = _ANIME_TAG.match(tag.strip())
        if not t:
            return None
        if t.group("res"):
            resolution = int(t.group("res"))
    c = _CODEC.search(m.group("rest"))
    return ParsedRelease(
        name=name,
        title=title,
        absolute=numbers.absolute,
        resolution=resolution,
        codec=_codec_name(c.group(1)) if c else None,
        group=m.group("group").strip(),
        kind="episode",
        parser="fast",
    )


def _fast_parse(name: str) -> ParsedRelease | None:
    """The scene shape, or None when the name needs guessit."""
    text = _EXT.sub("", name.strip())
    if text.startswith("["):
        return _fast_anime(name, text)
    if not text or not _SAFE.match(text) or text.count("(") != text.count(")"):
        return None
    group = None
    m = _GROUP.search(text)
    if (
        m
        and not _QUALITY_WORD.fullmatch(m.group(1))
        and m.group(1).upper() not in {"DL", "RIP"}
        and not m.group(1).isdigit()
        and not re.fullmatch(r"(?i)E\d+|\d+x\d+", m.group(1))
    ):
        group = m.group(1)
        text = text[: m.start()]

    numbers = read_episodes(text)
    if numbers.absolute or numbers.pack == "complete_series":
        return None  # absolute numbers outside the anime shape, whole series: guessit
    year_hits = [y for y in _YEAR.finditer(text) if int(y.group(1)) <= _MAX_YEAR]
    year_hits = [y for y in year_hits if y.start() > 0]
    year_hit = year_hits[0] if year_hits else None
    if year_hit is not None and numbers and numbers.start <= year_hit.start():
        year_hit = None  # the marker comes first (a daily's date starts with its year)
    if numbers:
        start = numbers.start if year_hit is None else year_hit.start()
    elif year_hit is not None:
        start = year_hit.start()
    else:
        return None
    title = re.sub(r"[ ._]+", " ", text[:start]).strip(" -")
    if not title or _QUALITY_WORD.search(title) or "(" in title or ")" in title:
        return None
    if re.search(
        r"(?i)" + _B + r"(complete|season|seasons|series|episode|part|vol|s\d+)" + _E, title
    ):
        return None
    if _LANGUAGE_WORDS.intersection(title.lower().split()):
        return None  # "The.Matrix.German.1999": guessit knows languages
    complete = list(re.finditer(r"(?i)" + _B + r"complete" + _E, text))
    if complete and not (
        numbers.pack == "season" and len(complete) == 1 and complete[0].start() == numbers.end + 1
    ):
        return None  # "Complete" somewhere else: guessit

    year = None
    if year_hit is not None:
        year = int(year_hit.group(1))
        after = text[year_hit.end() :]
        if _YEAR.match(after.lstrip(" ._-")):
            return None  # two years in a row: which one is the title's?
        if numbers:
            if text[year_hit.end() : numbers.start].strip(" ._-"):
                return None  # words between the year and the episode marker
        else:
            # a film: only known tags between the year and the quality words
            q = _QUALITY_WORD.search(after)
            between = after[: q.start()] if q else after
            for word in re.split(r"[ ._\-]+", between):
                if word and word.lower() not in _MOVIE_TAGS:
                    return None
    rest = text[numbers.end if numbers else start :]
    return _with_numbers(
        ParsedRelease(
            name=name,
            title=title,
            year=year,
            resolution=_resolution(rest),
            source=_source(rest),
            remux=bool(_REMUX.search(rest)),
            codec=_codec(rest),
            group=group,
            proper=len(_PROPER.findall(rest)),
            parser="fast",
        ),
        numbers,
    )


#: where a name's title ends: its year, or its first episode marker (the tags follow)
_TITLE_END = re.compile(
    r"(?i)(?<![0-9a-z])(?:(?:19|20)\d\d|s\d{1,4}e\d{1,4}|\d{1,2}x\d{2,3})(?![0-9a-z])"
)


def read_tags(name: str) -> ParsedRelease:
    """The quality tags of a release or file name (resolution, source, REMUX, codec, PROPER /
    REPACK count), read by the same patterns as the release parser's, after the title (its
    year or first episode marker) when the name has one, so that a title word ("Pal Joey")
    is not taken for a tag; no title, no episodes. Cheap: no guessit."""
    end = _TITLE_END.search(name)
    rest = name[end.end() :] if end else name
    return ParsedRelease(
        name=name,
        title="",
        resolution=_resolution(rest),
        source=_source(rest),
        remux=bool(_REMUX.search(rest)),
        codec=_codec(rest),
        proper=len(_PROPER.findall(rest)),
    )


def _resolution(text: str) -> int | None:
    r = _RESOLUTION.search(text)
    if r is None:
        return None
    return 2160 if r.group(2) else int(r.group(1))


def _source(text: str) -> str | None:
    for candidate, pattern in _SOURCE_PATTERNS:
        if pattern.search(text):
            return candidate
    return None


def _codec(text: str) -> str | None:
    c = _CODEC.search(text)
    return _codec_name(c.group(1)) if c else None


_EDITION_TAIL = re.compile(
    r"(?i)(?:[ ._-]+(?:extended|unrated|uncut|remastered|theatrical|imax)(?:[ ._-]+(?:cut|edition))?"
    r"|[ ._-]+(?:\d+(?:st|nd|rd|th)[ ._-]+)?(?:director'?s|special|collector'?s|anniversary)"
    r"[ ._-]+(?:cut|edition))+$"
)
#: words that continue a title past where guessit cuts it ("Guardians of the Galaxy Vol 3")
_TITLE_CONTINUES = re.compile(r"(?i)^(?:vol(?:ume)?|part|chapter|book|season|episode|\d+$)\b")


def _without_edition(title: str) -> str:
    """A title without the edition words some names put before the year ("World War Z
    EXTENDED 2013", "Rango EXTENDED CUT"): they are not the film's title."""
    stripped = _EDITION_TAIL.sub("", title)
    return stripped if stripped.strip() else title


def _with_numbers(parsed: ParsedRelease, numbers: EpisodeNumbers) -> ParsedRelease:
    """``parsed`` with the episodes, packs, absolute numbers and air date of ``numbers`` (the
    one episode parser's reading): a name with any of them is an episode. Edition words at the
    end of the title are dropped."""
    if parsed.title != _without_edition(parsed.title):
        parsed = replace(parsed, title=_without_edition(parsed.title))
    if not numbers:
        return parsed
    return replace(
        parsed,
        seasons=numbers.seasons,
        episodes=numbers.episodes if numbers.seasons else (),
        absolute=numbers.absolute,
        air_date=numbers.air_date.isoformat() if numbers.air_date else None,
        pack=numbers.pack,
        is_season_pack=bool(numbers.pack) and numbers.pack != "complete_series",
        is_complete_series=numbers.pack == "complete_series",
        kind="episode",
    )


def _codec_name(raw: str) -> str:
    key = raw.lower().replace(".", "")
    if key in {"x264", "h264", "avc"}:
        return "H.264"
    if key in {"x265", "h265", "hevc"}:
        return "H.265"
    return {"xvid": "Xvid", "divx": "DivX", "av1": "AV1", "vp9": "VP9"}.get(key, raw)


# ---------------------------------------------------------------------------------------------
# guessit

_GUESSIT_LOCK = threading.Lock()
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_GUESSIT_OPTIONS = {
    # properties we never read and whose rules do not shape the ones we do (checked on the
    # test corpus: same results with and without); guessit skips their rules, about 30% of
    # its time. "includes" was tried too: it loses release groups and episode titles.
    "excludes": [
        "country",
        "website",
        "streaming_service",
        "bit_rate",
        "audio_bit_rate",
        "video_bit_rate",
        "frame_rate",
        "aspect_ratio",
        "uuid",
        "size",
        "audio_profile",
        "video_profile",
        "video_api",
        "mimetype",
        "cd",
        "disc",
        "version",
        "week",
        "bonus",
        "film",
        "episode_count",
        "season_count",
    ],
}

_GUESSIT_SOURCES = {
    "blu-ray": "bluray",
    "ultra hd blu-ray": "bluray",
    "hd-dvd": "bluray",
    "web": "webdl",
    "hdtv": "hdtv",
    "ultra hdtv": "hdtv",
    "analog hdtv": "hdtv",
    "dvd": "dvd",
    "tv": "sdtv",
    "digital tv": "sdtv",
    "satellite": "sdtv",
    "pay-per-view": "sdtv",
    "video on demand": "webdl",
    "camera": "cam",
    "hd camera": "cam",
    "telesync": "telesync",
    "hd telesync": "telesync",
    "telecine": "telecine",
    "hd telecine": "telecine",
    "workprint": "workprint",
}


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _guessit_parse(name: str) -> ParsedRelease:
    from guessit import guessit

    # a release name is never a path: guessit would read "Title (Forgotten/Missing)" as a
    # folder and a file
    flat = name.replace("/", " ").replace("\\", " ")
    with _GUESSIT_LOCK:
        try:
            g = dict(guessit(flat, _GUESSIT_OPTIONS))
        except Exception:  # guessit raises on odd input; a name is never worth a crash
            g = {}
    other = {str(o).lower() for o in _as_list(g.get("other"))}
    raw_source = str(_as_list(g.get("source"))[0]).lower() if g.get("source") else ""
    source = _GUESSIT_SOURCES.get(raw_source)
    if source == "webdl" and "rip" in other:
        source = "webrip"
    if "screener" in other and source in (None, "dvd", "bluray"):
        source = "screener"
    # episodes are the one episode parser's, not guessit's (it reads "Final.Cut" as an
    # episode title and a bare "104" as S01E04); guessit's "Complete" still makes a pack
    numbers = read_episodes(name)
    complete = not numbers and g.get("type") == "episode" and "complete" in other
    kind = "episode" if numbers or complete else "movie"
    size = str(_as_list(g.get("screen_size"))[0]) if g.get("screen_size") else ""
    m = re.match(r"(\d{3,4})[pi]", size)
    resolution = int(m.group(1)) if m else (2160 if size.lower() == "4k" else None)
    codec = _as_list(g.get("video_codec"))
    group = g.get("release_group")
    title = g.get("title")
    if isinstance(title, list):
        title = title[0]
    year = g.get("year")
    if isinstance(year, list):
        year = year[0]
    if title and not numbers:
        # "Dune.Part.Two.2024", "Open Season 2 (2008)", "The Godfather Part III.mkv": guessit
        # cuts the title at what it takes for a part or a season; a film's title is every word
        # before its year (or before its quality words when it has none)
        title = _words_before_year(flat, str(title), year if isinstance(year, int) else None)
    alt = g.get("alternative_title")
    if isinstance(alt, list):
        alt = alt[0]
    if numbers.start > 0 and (
        not title or numbers.absolute or _fold(str(title)) not in _fold(name[: numbers.start])
    ):
        # the title is written before the episode marker: guessit's is not there ("24 Season
        # 1-8 Complete with Subtitles"), or drops an anime title's own number ("Eyeshield 21 -
        # 101"): ours is the words before the marker
        head = name[: numbers.start]
        if head.startswith("[") and "]" in head:
            head = head[head.index("]") + 1 :]
        ours = re.sub(r"[ ._]+", " ", _BRACKETS.sub(" ", head)).strip(" -")
        if ours:
            title = ours
    if numbers.air_date is not None and year == numbers.air_date.year:
        year = None  # a daily's date is not the show's year
    parsed = ParsedRelease(
        name=name,
        title=str(title or ""),
        year=int(year) if isinstance(year, int) else None,
        is_complete_series=complete,
        pack="complete_series" if complete else "",
        resolution=resolution,
        source=source,
        remux="remux" in other,
        codec=_codec_name(str(codec[0])) if codec else None,
        group=str(group) if group else None,
        proper=int(g.get("proper_count") or 0),
        kind=kind,
        alt_title=str(alt) if alt else None,
        parser="guessit",
    )
    return _with_numbers(parsed, numbers)


def _fold(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def _words_before_year(name: str, title: str, year: int | None) -> str:
    """The words of ``name`` before its ``year`` (or before its first quality word), when they
    are guessit's ``title`` continued by a part, volume or season word guessit took for its
    own; else ``title``."""
    text = name.rpartition(".")[0] if video_extension(name) else name
    at = text.find(str(year), 1) if year else -1  # a title may begin with its year ("2001")
    if at <= 0:
        q = _QUALITY_WORD.search(text)
        at = q.start() if q else len(text)
    raw = re.sub(r"[ ._]+", " ", text[:at]).strip(" -([")
    folded, cut = _fold(raw), _fold(title)
    if raw == title or not folded.startswith(cut):
        return title
    return raw if _TITLE_CONTINUES.match(folded[len(cut) :].strip()) else title


def parse_name_uncached(name: str, *, fast: bool = True) -> ParsedRelease:
    """Parse without any cache (``fast=False``: guessit only)."""
    if fast:
        parsed = _fast_parse(name)
        if parsed is not None:
            return parsed
    return _guessit_parse(name)


# ---------------------------------------------------------------------------------------------
# Caches


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[str, ParsedRelease] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> ParsedRelease | None:
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key: str, value: ParsedRelease) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


_MEMORY = _LRU(50_000)


def clear_memory_cache() -> None:
    """Forget in-memory parses (tests and the benchmark's cold run)."""
    _MEMORY.clear()


def recall(name: str) -> ParsedRelease | None:
    """The in-memory parse of ``name``, if it was parsed lately."""
    return _MEMORY.get(name)


def parse(name: str) -> ParsedRelease:
    """Parse one name, remembering it in memory (no database: see
    :func:`mydia_tui.parsed_names.parse_name`, which also keeps parses across runs)."""
    parsed = _MEMORY.get(name)
    if parsed is None:
        parsed = parse_name_uncached(name)
        _MEMORY.put(name, parsed)
    return parsed


def remember(parsed: ParsedRelease) -> None:
    """Keep a parse read back from elsewhere (the ``parsed_name`` table) in memory."""
    _MEMORY.put(parsed.name, parsed)
