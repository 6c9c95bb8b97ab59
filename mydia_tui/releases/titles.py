"""Title normalisation: when are two titles "the same title"?

Used by release matching and by the library ("already in the library"). The rules: case,
diacritics and punctuation do not count, "&" equals "and", apostrophes vanish ("Marvel's" ->
"marvels"), and a leading "The" is dropped. Nothing else is forgiven: "The Matrix Reloaded" is
not "The Matrix", "Aliens" is not "Alien".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def normalize_title(title: str) -> str:
    """A comparison key: ``"The Lord of the Rings: The Two Towers"`` -> ``"lord of the rings
    the two towers"``, ``"Amélie"`` -> ``"amelie"``, ``"Law & Order"`` -> ``"law and order"``."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("ß", "ss").replace("æ", "ae").replace("ø", "o")
    text = text.replace("œ", "oe").replace("ð", "d").replace("þ", "th").replace("ł", "l")
    text = text.replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    words = _NON_ALNUM.sub(" ", text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def same_title(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` name the same title after :func:`normalize_title`."""
    ka, kb = normalize_title(a), normalize_title(b)
    return bool(ka) and ka == kb


def title_keys(title: str) -> frozenset[str]:
    """Every key a target title may appear under in release names: itself and, for a title
    ending in a year in parentheses (``"Doctor Who (2005)"``), the title without it."""
    keys = {normalize_title(title)}
    stripped = re.sub(r"\s*\((\d{4})\)\s*$", "", title)
    if stripped != title:
        keys.add(normalize_title(stripped))
    return frozenset(k for k in keys if k)
