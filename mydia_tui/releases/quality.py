"""Qualities (named as Sonarr and Radarr name them) and quality profiles.

A quality is a source at a resolution. :data:`QUALITIES` lists them worst first; the position
is the rank used for ranking and for the cutoff. Mapping rules (Sonarr's, simplified):

- REMUX is ``Remux-2160p`` at 2160p, else ``Remux-1080p``;
- Blu-ray (also BDRip/BRRip) is ``Bluray-{2160p,1080p,720p,576p}``, else ``Bluray-480p``;
- WEB-DL (a bare ``WEB`` counts as WEB-DL) and WEBRip (also HDRip) by resolution, else ``-480p``;
- HDTV by resolution; HDTV below 720p, PDTV, TVRip, DSR are ``SDTV``;
- DVD (also DVDRip, DVD-R) is ``DVD``;
- a resolution without a source is HDTV of that resolution (``SDTV`` below 720p);
- nothing but an XviD/DivX codec is ``SDTV``;
- CAM, TELESYNC, TELECINE, DVDSCR (screeners), WORKPRINT are their own low qualities;
- nothing known: ``Unknown``.

Profiles are :class:`mydia_tui.config.ProfileConfig` values: the built-in ones
(:data:`BUILTIN_PROFILES`) plus those of ``[quality] profiles`` in the config, which add to or
replace them by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import ProfileConfig, QualityConfig
from ..errors import ConfigError
from ..short_text import QUOTED_CELLS, shorten
from .parse import ParsedRelease, read_tags

QUALITIES: tuple[str, ...] = (
    "Unknown",
    "WORKPRINT",
    "CAM",
    "TELESYNC",
    "TELECINE",
    "DVDSCR",
    "SDTV",
    "WEBRip-480p",
    "WEBDL-480p",
    "DVD",
    "Bluray-480p",
    "Bluray-576p",
    "HDTV-720p",
    "WEBRip-720p",
    "WEBDL-720p",
    "Bluray-720p",
    "HDTV-1080p",
    "WEBRip-1080p",
    "WEBDL-1080p",
    "Bluray-1080p",
    "Remux-1080p",
    "HDTV-2160p",
    "WEBRip-2160p",
    "WEBDL-2160p",
    "Bluray-2160p",
    "Remux-2160p",
)
_RANK = {name: i for i, name in enumerate(QUALITIES)}


def quality_rank(name: str) -> int:
    """Position in :data:`QUALITIES` (higher is better); unknown names rank as ``Unknown``."""
    return _RANK.get(name, 0)


def quality_of(parsed: ParsedRelease) -> str:
    """The quality name of a parsed release (see the module's mapping rules)."""
    res = parsed.resolution
    src = parsed.source
    if src in ("cam", "telesync", "telecine", "workprint"):
        return {"cam": "CAM", "telesync": "TELESYNC", "telecine": "TELECINE"}.get(src, "WORKPRINT")
    if src == "screener":
        return "DVDSCR"
    if parsed.remux:
        return "Remux-2160p" if res == 2160 else "Remux-1080p"
    if src == "bluray":
        if res in (2160, 1080, 720, 576):
            return f"Bluray-{res}p"
        return "Bluray-480p"
    if src in ("webdl", "webrip"):
        prefix = "WEBDL" if src == "webdl" else "WEBRip"
        return f"{prefix}-{res}p" if res in (2160, 1080, 720) else f"{prefix}-480p"
    if src == "dvd":
        return "DVD"
    if src == "sdtv":
        return "SDTV"
    if src == "hdtv" or res:
        return f"HDTV-{res}p" if res in (2160, 1080, 720) else "SDTV"
    if parsed.codec in ("Xvid", "DivX"):
        return "SDTV"
    return "Unknown"


def quality_of_name(*names: str) -> str:
    """The quality a file's name shows (or its folders', tried in the order given): the release
    rules' :func:`quality_of` over the release parser's tags (:func:`~.parse.read_tags`), so a
    file and a release are read the same way. "Unknown" when no name shows one."""
    for name in names:
        quality = quality_of(read_tags(name))
        if quality != "Unknown":
            return quality
    return "Unknown"


@dataclass(frozen=True)
class FileQuality:
    """What a video file is: its quality name ("Unknown" when nothing tells) and its PROPER /
    REPACK count, with where the quality was read ("name", "container", "folder", "release")."""

    quality: str
    proper: int = 0
    source: str = "name"


def cutoff_unmet(profile: ProfileConfig, have: str) -> bool:
    """Whether a file of quality ``have`` is below ``profile``'s cutoff and the profile allows
    upgrades. A file of unknown quality ("" or "Unknown") is not: nothing says it is below the
    cutoff, and upgrading what cannot be compared would replace files blindly."""
    return bool(
        profile.upgrades_allowed
        and profile.cutoff
        and quality_rank(have) > 0
        and quality_rank(have) < quality_rank(profile.cutoff)
    )


def better(new: FileQuality, old: FileQuality) -> bool:
    """Whether ``new`` is strictly better than ``old``: a higher quality, or the same quality
    as a PROPER / REPACK where ``old`` is not one."""
    if quality_rank(new.quality) != quality_rank(old.quality):
        return quality_rank(new.quality) > quality_rank(old.quality)
    return new.proper > 0 and old.proper == 0


_STANDARD = tuple(q for q in QUALITIES if quality_rank(q) >= quality_rank("SDTV"))

BUILTIN_PROFILES: tuple[ProfileConfig, ...] = (
    ProfileConfig(name="Any", qualities=_STANDARD, cutoff="SDTV"),
    ProfileConfig(
        name="SD",
        qualities=("SDTV", "WEBRip-480p", "WEBDL-480p", "DVD", "Bluray-480p", "Bluray-576p"),
        cutoff="SDTV",
    ),
    ProfileConfig(
        name="HD-720p",
        qualities=("HDTV-720p", "WEBRip-720p", "WEBDL-720p", "Bluray-720p"),
        cutoff="HDTV-720p",
    ),
    ProfileConfig(
        name="HD-1080p",
        qualities=("HDTV-1080p", "WEBRip-1080p", "WEBDL-1080p", "Bluray-1080p"),
        cutoff="HDTV-1080p",
    ),
    ProfileConfig(
        name="HD - 720p/1080p",
        qualities=(
            "HDTV-720p",
            "WEBRip-720p",
            "WEBDL-720p",
            "Bluray-720p",
            "HDTV-1080p",
            "WEBRip-1080p",
            "WEBDL-1080p",
            "Bluray-1080p",
        ),
        cutoff="HDTV-720p",
    ),
    ProfileConfig(
        name="Ultra-HD",
        qualities=("HDTV-2160p", "WEBRip-2160p", "WEBDL-2160p", "Bluray-2160p", "Remux-2160p"),
        cutoff="HDTV-2160p",
    ),
)


_BUILTIN_NAMES = tuple(p.name for p in BUILTIN_PROFILES)


def all_profiles(quality: QualityConfig | None = None) -> dict[str, ProfileConfig]:
    """Built-in profiles (less those ``removed_profiles`` names), with the config's added or
    replacing them by name."""
    profiles = {p.name: p for p in BUILTIN_PROFILES}
    for index, name in enumerate(quality.removed_profiles if quality else ()):
        if profiles.pop(name, None) is None and name not in _BUILTIN_NAMES:
            problem = (
                f"names no built-in profile: {name!r} (built in are {', '.join(_BUILTIN_NAMES)})"
            )
            raise ConfigError(
                f"[quality] removed_profiles {problem}",
                key=f"quality.removed_profiles[{index}]",
                problem=problem,
            )
    for index, p in enumerate(quality.profiles if quality else ()):
        unknown = [q for q in p.qualities if q not in _RANK]
        if unknown:
            named = ", ".join(shorten(q, QUOTED_CELLS) for q in unknown)  # words, not a list
            problem = (
                f"names unknown qualities: {named}; use names like {', '.join(QUALITIES[12:20])}"
            )
            raise ConfigError(
                f"quality profile {p.name!r} {problem}",
                key=f"quality.profiles[{index}].qualities",
                problem=problem,
            )
        profiles[p.name] = p
    return profiles


def resolve_profile(name: str | None, quality: QualityConfig | None = None) -> ProfileConfig:
    """The profile called ``name`` (None: the config's default profile)."""
    quality = quality or QualityConfig()
    profiles = all_profiles(quality)
    wanted = name or quality.default_profile
    if wanted not in profiles:
        problem = f"is no quality profile: known are {', '.join(sorted(profiles))}"
        raise ConfigError(
            f"no quality profile named {wanted!r}: known are {', '.join(sorted(profiles))}",
            key="quality.default_profile" if name is None else None,
            problem=problem,
        )
    return profiles[wanted]


def check_quality(config: Any) -> None:
    """The quality rules a configuration must meet beyond its file's own validation: every
    profile names known qualities, and ``[quality] default_profile`` names a profile. Raises
    :class:`ConfigError` (with ``key`` and ``problem``). The settings screen checks a new
    configuration with it before saving."""
    resolve_profile(None, config.quality)
