"""The naming patterns of imported files: Sonarr's and Radarr's tokens, checked when the
configuration is read (``[naming]``) and filled in by the importer.

Tokens (written as Sonarr and Radarr document them):

* films: ``{Movie Title}``, ``{Release Year}``, ``{Quality Full}``;
* episodes: ``{Series Title}``, ``{season}`` / ``{season:00}``, ``{episode}`` /
  ``{episode:00}`` (several episodes of one file: ``01E02``), ``{Episode Title}``,
  ``{Quality Full}``.

A token with no value (an episode without a title, no quality) is left out with the separator
before it (``Show - S01E02 - {Episode Title}`` becomes ``Show - S01E02``), as Sonarr does. The
result is a file name without its extension; :func:`mydia_tui.library.safe_name` makes it safe.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Radarr's documented default file name of a film
DEFAULT_MOVIE = "{Movie Title} ({Release Year}) {Quality Full}"
#: Sonarr's documented default ("Standard Episode Format") file name of an episode
DEFAULT_EPISODE = "{Series Title} - S{season:00}E{episode:00} - {Episode Title} {Quality Full}"

MOVIE_TOKENS = frozenset({"Movie Title", "Release Year", "Quality Full"})
EPISODE_TOKENS = frozenset({"Series Title", "season", "episode", "Episode Title", "Quality Full"})
_NUMBERS = frozenset({"season", "episode"})
_TOKEN = re.compile(r"\{([^{}]*)\}")


def pattern_problem(pattern: str, kind: str) -> str | None:
    """What is wrong with a naming ``pattern`` for ``kind`` ("movie" or "episode"), for a
    person, or None when it is usable: unknown tokens, unbalanced braces, a folder separator,
    or a pattern that could give two files one name (a film's without ``{Movie Title}``, an
    episode's without ``{season}`` and ``{episode}``)."""
    known = MOVIE_TOKENS if kind == "movie" else EPISODE_TOKENS
    if "/" in pattern or "\\" in pattern:
        return "must be a file name: no / or \\ (folders are not configurable)"
    if _TOKEN.sub("", pattern).count("{") or _TOKEN.sub("", pattern).count("}"):
        return "has an unbalanced { or }"
    used = set()
    for m in _TOKEN.finditer(pattern):
        name, _colon, padding = m.group(1).partition(":")
        if name not in known or (padding and (name not in _NUMBERS or set(padding) != {"0"})):
            shown = ", ".join("{" + t + "}" for t in sorted(known))
            padded = ", {season:00}, {episode:00}" if kind == "episode" else ""
            return f"has the unknown token {m.group(0)} (known: {shown}{padded})"
        used.add(name)
    needed = {"Movie Title"} if kind == "movie" else {"season", "episode"}
    missing = needed - used
    if missing:
        return "must contain " + " and ".join("{" + t + "}" for t in sorted(missing))
    return None


def render(pattern: str, values: Mapping[str, str | int | tuple[int, ...] | None]) -> str:
    """Fill ``pattern`` (checked by :func:`pattern_problem`) with ``values`` by token name
    (``season`` an int, ``episode`` an int or a tuple of ints, the others text; None or "" for
    none). Tokens without a value are left out with the separator before them."""

    def fill(m: re.Match[str]) -> str:
        name, _colon, padding = m.group(1).partition(":")
        value = values.get(name)
        if value is None or value == "":
            return "\x00"  # marks an empty token, cleaned below
        width = len(padding)
        if isinstance(value, tuple):
            return "E".join(f"{n:0{width}d}" for n in value)
        if isinstance(value, int):
            return f"{value:0{width}d}"
        return str(value)

    text = _TOKEN.sub(fill, pattern)
    text = re.sub(r"[ ._]*-?[ ._]*\x00", "", text)  # " - {Episode Title}" without a title
    text = re.sub(r"\s*(\(\s*\)|\[\s*\])", "", text.replace("\x00", ""))  # "()", "[]" left empty
    return re.sub(r"\s{2,}", " ", text).strip(" -._")
