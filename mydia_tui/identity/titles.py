"""Title keys: when does a title written in a name mean a film or show of the library?

One comparison for the release rules, the scanner, the guard's on-disk check and the
"already in the library" check. A title is reduced to a :class:`TitleKey`:

* ``words``: case, accents, punctuation and separators do not count; ``&`` is ``and``;
  apostrophes vanish (``Marvel's`` -> ``marvels``); letters written as an abbreviation are one
  word whether dotted or not (``S.H.I.E.L.D.``, ``S H I E L D`` and ``SHIELD`` are ``shield``;
  ``Magnum P.I.`` and ``Magnum.PI`` are ``magnum pi``); roman sequel numbers are arabic
  (``Rocky III`` and ``Rocky 3``; ``Part III``, ``Part Three`` and ``Part.3``); a trailing
  ``, The`` moves to the front (``Matrix, The``). Articles are compared, never dropped: a
  reboot titled ``Equalizer`` is not ``The Equalizer`` (Sonarr issue 1823 and others: dropping
  "the" matched the wrong show).
* ``country``: a trailing country code is a qualifier, not a title word (``The Office US``,
  ``The Office (UK)``, ``Shameless (US)``). Two keys with different countries never match; a
  key without one matches either (indexers write ``The.Office.US`` for TVmaze's "The Office").
* ``year``: a year in parentheses at the end of a title (``Doctor Who (2005)``) qualifies it.

:func:`match_title` compares a name's title and year with an item's: a number or year that
belongs to the title (``Space: 1999`` read from ``Space.1999.S01E01``, ``Doctor.Who.2005``
for "Doctor Who (2005)") is matched either way, and says whether the year was the title's.

Pure functions of strings: no database, no I/O; cached (titles repeat).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: the years a film or show may be given (``add movie --year``, its refusal and its help):
#: from the first films on to far enough ahead for any announced one
PLAUSIBLE_YEARS = range(1870, 2201)

#: trailing words taken for a country qualifier (as indexers and TVmaze write them)
COUNTRY_CODES = frozenset({"us", "uk", "au", "nz", "ca", "gb", "ie"})

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
#: what separates words: anything but a letter or a digit of any script ("千と千尋の神隠し",
#: "Брат" are words)
_NON_ALNUM = re.compile(r"[\W_]+")
_TRAILING_ARTICLE = re.compile(r"^(.*\S)\s*,\s*(the|a|an)\s*$", re.I)
_PAREN_TAIL = re.compile(r"\s*[(\[]\s*([A-Za-z]{2}|\d{4})\s*[)\]]\s*$")
_ROMAN = {
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "xi": 11,
    "xii": 12,
    "xiii": 13,
    "xiv": 14,
    "xv": 15,
    "xvi": 16,
    "xvii": 17,
    "xviii": 18,
    "xix": 19,
    "xx": 20,
}
_SINGLE_ROMAN = {"i": 1, "v": 5, "x": 10}
#: abbreviations written either way in titles ("Kill Bill: Vol. 1", "Kill.Bill.Volume.1")
_SYNONYMS = {"vol": "volume", "pt": "part", "ep": "episode", "chap": "chapter"}
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_ARTICLES = frozenset({"the", "a", "an"})
#: words after which a single roman letter or a number word is a sequel number
_SEQUEL_WORDS = frozenset({"part", "pt", "chapter", "vol", "volume", "book", "episode"})


@dataclass(frozen=True)
class TitleKey:
    """What identifies a title. ``words`` is the comparison string ("" when the title has no
    letters or digits); ``country`` a lower-case code from :data:`COUNTRY_CODES` or None;
    ``year`` a year written in parentheses at the end, or None."""

    words: str
    country: str | None = None
    year: int | None = None

    def __bool__(self) -> bool:
        return bool(self.words)

    def conflicts(self, other: TitleKey) -> bool:
        """Same words but qualified differently: two countries, or two years."""
        return bool(
            (self.country and other.country and self.country != other.country)
            or (self.year and other.year and self.year != other.year)
        )


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("ß", "ss").replace("æ", "ae").replace("ø", "o")
    text = text.replace("œ", "oe").replace("ð", "d").replace("þ", "th").replace("ł", "l")
    return text


def _words(text: str) -> list[str]:
    """Normalised words: abbreviations joined, sequel numbers arabic."""
    text = _fold(text).replace("&", " and ").replace("+", " and ")
    text = _APOSTROPHES.sub("", text)
    raw = _NON_ALNUM.sub(" ", text).split()
    words: list[str] = []
    run: list[str] = []  # consecutive single letters: an abbreviation (s h i e l d)

    def flush() -> None:
        if len(run) > 1:
            words.append("".join(run))
        else:
            words.extend(run)
        run.clear()

    for word in raw:
        if len(word) == 1 and word.isalpha() and not (words and words[-1] in _SEQUEL_WORDS):
            run.append(word)
            continue
        flush()
        words.append(word)
    flush()
    out: list[str] = []
    words = [_SYNONYMS.get(w, w) for w in words]
    for i, word in enumerate(words):
        after_sequel_word = i > 0 and words[i - 1] in _SEQUEL_WORDS
        if word in _ROMAN and i > 0:
            word = str(_ROMAN[word])
        elif after_sequel_word and word in _SINGLE_ROMAN:
            word = str(_SINGLE_ROMAN[word])
        elif after_sequel_word and word in _NUMBER_WORDS:
            word = str(_NUMBER_WORDS[word])
        out.append(word)
    return out


@lru_cache(maxsize=65536)
def title_key(title: str) -> TitleKey:
    """The :class:`TitleKey` of a title as a person or an indexer writes it.

    ``"The Office (US)"`` -> ``TitleKey("the office", "us")``; ``"Doctor Who (2005)"`` ->
    ``TitleKey("doctor who", year=2005)``; ``"Marvel's Agents of S.H.I.E.L.D."`` ->
    ``TitleKey("marvels agents of shield")``; ``"Matrix, The"`` -> ``TitleKey("the matrix")``.
    """
    text = title or ""
    country: str | None = None
    year: int | None = None
    while True:
        m = _PAREN_TAIL.search(text)
        if not m:
            break
        value = m.group(1).lower()
        if value.isdigit() and year is None:
            year = int(value)
        elif value in COUNTRY_CODES and country is None:
            country = value
        else:
            break
        text = text[: m.start()]
    m = _TRAILING_ARTICLE.match(text)
    if m:
        text = f"{m.group(2)} {m.group(1)}"
    words = _words(text)
    if country is None and len(words) > 1 and words[-1] in COUNTRY_CODES:
        country = words.pop()
    return TitleKey(" ".join(words), country, year)


def key_words(title: str) -> str:
    """Only the words of :func:`title_key`: what the library stores in ``media_item.title_key``
    for "already in the library" checks (qualifiers included as words, so that "The Office
    (US)" and "The Office (UK)" are two shows)."""
    key = title_key(title)
    return " ".join(w for w in (key.words, key.country, str(key.year) if key.year else "") if w)


@dataclass(frozen=True)
class TitleMatch:
    """How a name's title matched an item's. ``year_in_title``: the name's year is part of the
    title (``Space.1999``), so it says nothing about the item's year."""

    year_in_title: bool = False


def match_title(
    name_title: str,
    name_year: int | None,
    item_title: str,
    item_year: int | None = None,
    *,
    alt_title: str | None = None,
    taken_countries: tuple[str, ...] = (),
) -> TitleMatch | None:
    """Whether a title read from a name (with the year read after it, if any) names the item
    titled ``item_title`` (of ``item_year``); None when it does not.

    Matched, in order: the same words with no conflicting qualifier; the name's title with its
    year (``Space`` + 1999 is "Space: 1999"); the item's title with its year (``Doctor Who
    2005`` is "Doctor Who" of 2005); the name's title with its alternative title.
    """
    item = title_key(item_title)
    if not item:
        return None
    candidates = [(title_key(name_title), False)]
    if alt_title:
        candidates.append((title_key(f"{name_title} {alt_title}"), False))
    if name_year:
        candidates.append((title_key(f"{name_title} {name_year}"), True))
    item_years = {y for y in (item.year, item_year) if y}
    for name, year_in_title in candidates:
        if not name or name.conflicts(item):
            continue
        if name.country and not item.country and name.country in taken_countries:
            continue
        if name.words == item.words:
            if year_in_title and name_year in item_years:
                return TitleMatch(False)  # "Doctor.Who.2005" for "Doctor Who (2005)"
            return TitleMatch(year_in_title)
        if any(name.words == f"{item.words} {y}" for y in item_years):
            return TitleMatch(False)
    # a leading article left out ("Matrix.1999" for "The Matrix" of 1999) only with the year
    # to confirm it: without one, "Equalizer" is a reboot, not "The Equalizer"
    name = candidates[0][0]
    if (
        name_year in item_years
        and not name.conflicts(item)
        and without_article(name.words) == without_article(item.words)
    ):
        return TitleMatch(False)
    return None


def without_article(words: str) -> str:
    """``words`` (a key's words) without a leading article."""
    first, _, rest = words.partition(" ")
    return rest if rest and first in _ARTICLES else words


def same_title(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` name the same title (:func:`match_title` without years)."""
    return match_title(a, None, b) is not None
