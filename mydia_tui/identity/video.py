"""Which files are a film's or an episode's video, and which names are bonus material.

One list for the scanner, the guard's on-disk check and the importer (before, the importer
and the guard knew 13 extensions and the scanner 22, so an ``.iso`` or a ``.vob`` was a film for
the scan only, and the guard grabbed again what the scan had recorded).

* :func:`is_video`: a video extension and not a sample, trailer or other extra, by its name.
* :data:`EXTRAS_DIRS` / :data:`SYSTEM_DIRS`: folders whose files are never the main video.
* :func:`bonus_words`: words in a release's name that make it bonus material (featurette,
  making-of, deleted scenes, trailer, ...), which the release rules refuse (Radarr issues
  about "Title 2012 Featurette 1080p" grabbed as the film).
"""

from __future__ import annotations

import re

#: extensions of video files, lower case without the dot. ``.ts`` is here: a file on disk named
#: ``x.ts`` is a transport stream (in a release *name* "TS" is TeleSync; that is the parser's).
VIDEO_EXTENSIONS = frozenset(
    "mkv mp4 avi m4v ts m2ts mts wmv mov webm mpg mpeg mpe vob ogv ogm flv divx iso 3gp rmvb "
    "asf f4v".split()
)
#: side files that go with a video (subtitles, chapters)
SUBTITLE_EXTENSIONS = frozenset("srt ass ssa sub idx sup vtt smi".split())

#: archives (and the parts of split ones: ``.r00``, ``.001``) a release may hold instead of its
#: video; mydia-tui never extracts them
ARCHIVE_EXTENSIONS = frozenset("rar zip 7z tar gz bz2 xz".split())
_ARCHIVE_PART = re.compile(r"^(?:r\d{2}|s\d{2}|\d{3})$")

#: folders never entered (NAS and OS litter)
SYSTEM_DIRS = frozenset(
    {"@eadir", "#recycle", "#snapshot", "$recycle.bin", "lost+found", ".trash", "@recycle"}
)
#: folders of extras inside a film or show folder (Plex, Jellyfin and Kodi name them so)
EXTRAS_DIRS = frozenset(
    {
        "extras",
        "extra",
        "featurettes",
        "behind the scenes",
        "deleted scenes",
        "interviews",
        "scenes",
        "shorts",
        "trailers",
        "other",
        "others",
        "sample",
        "samples",
        "subs",
        "subtitles",
    }
)
_SAMPLE = re.compile(r"(?<![a-z])sample(?![a-z])")
#: Plex's and Jellyfin's suffixes for extras beside the film: "Title (2010)-trailer.mkv"
EXTRA_SUFFIXES = (
    "-trailer",
    "-featurette",
    "-behindthescenes",
    "-deleted",
    "-interview",
    "-scene",
    "-short",
    "-other",
    "-extra",
)


def video_extension(name: str) -> str | None:
    """The lower-case extension of ``name`` when it is a video's, else None."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return None
    ext = ext.lower()
    return ext if ext in VIDEO_EXTENSIONS else None


def is_extra_stem(stem: str) -> bool:
    """A sample or an extra by its name without extension. The Plex suffixes are matched as
    Plex writes them, in lower case: ``Film (2010)-trailer`` is an extra, a release of the group
    ``OTHER`` (``Film.2010.1080p.WEB-DL.x264-OTHER``) is not."""
    lower = stem.lower()
    if "sample" in lower and _SAMPLE.search(lower):
        return True
    return "-" in stem and stem.endswith(EXTRA_SUFFIXES)


def is_archive(name: str) -> bool:
    """An archive or a part of a split one, by the extension of the file name ``name``
    (:data:`ARCHIVE_EXTENSIONS`, ``.r00``-``.r99``, ``.s00``-``.s99``, ``.001``-``.999``)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return False
    ext = ext.lower()
    return ext in ARCHIVE_EXTENSIONS or bool(_ARCHIVE_PART.match(ext))


def in_extras_folder(relative: str) -> bool:
    """Whether a file's path inside a release (``/`` or ``\\`` separated) goes through an
    extras or system folder (:data:`EXTRAS_DIRS`, :data:`SYSTEM_DIRS`): never the main video."""
    folders = re.split(r"[/\\]+", relative)[:-1]
    return any(f.lower() in EXTRAS_DIRS or f.lower() in SYSTEM_DIRS for f in folders)


def is_video(name: str) -> bool:
    """A file that is a film's or an episode's video: a video extension (:data:`VIDEO_EXTENSIONS`),
    not a sample, a trailer or another extra. ``name`` is a file name, not a path."""
    if video_extension(name) is None:
        return False
    return not is_extra_stem(name.rpartition(".")[0])


# ---------------------------------------------------------------------------------------------
# Bonus material in release names

#: single words that mark bonus material
_BONUS_WORDS = frozenset(
    {
        "featurette",
        "featurettes",
        "trailer",
        "trailers",
        "teaser",
        "extras",
        "bonus",
        "bts",
        "bloopers",
        "outtakes",
        "interview",
        "interviews",
        "makingof",
        "promo",
        "commentary",
    }
)
#: phrases (word sequences) that mark bonus material
_BONUS_PHRASES = (
    ("making", "of"),
    ("deleted", "scenes"),
    ("behind", "the", "scenes"),
    ("gag", "reel"),
    ("special", "features"),
)
_WORD = re.compile(r"[a-z0-9]+")
# "+ Extras", "with Extras", "incl. Bonus": the release holds the show and its extras
_INCLUDED = re.compile(r"(?:\+|\band|\bwith|\bincl\w*|\bplus|&)[ ._]*(?:the[ ._]+)?$")


def bonus_words(name: str, title: str = "") -> str | None:
    """The words in a release ``name`` that make it bonus material rather than the film or
    episode itself, or None. Words that are part of the item's own ``title`` do not count
    ("The Making of ..." is a film; "Trailer Park Boys" is a show)."""
    lower = name.lower()
    own = set(_WORD.findall(title.lower()))
    own_text = " " + " ".join(_WORD.findall(title.lower())) + " "
    for m in _WORD.finditer(lower):
        if (
            m.group(0) in _BONUS_WORDS
            and m.group(0) not in own
            and not _INCLUDED.search(lower[: m.start()])
        ):
            return m.group(0)
    words = _WORD.findall(lower)
    joined = " " + " ".join(words) + " "
    for phrase in _BONUS_PHRASES:
        text = " " + " ".join(phrase) + " "
        if text in joined and text not in own_text:
            at = lower.find(phrase[0])
            if at < 0 or not _INCLUDED.search(lower[:at]):
                return " ".join(phrase)
    return None
