"""Configuration: a TOML file read with ``tomllib``, written with ``tomlkit`` (mode 0600).

Every section is a frozen dataclass. Loading checks every key against the dataclass: an
unknown key, a wrong type or a value out of range is a :class:`ConfigError` naming the file,
the key and what is wrong. A missing file gives the defaults, so the app always starts.

Secrets (the Deluge password, indexer API keys) are redacted by :func:`redacted` and by
:func:`redact_text`; nothing that prints configuration or errors shows them.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import math
import os
import re
import stat
import tomllib
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import naming, paths
from .errors import ConfigError
from .files import MAX_CONFIG_BYTES, UnreadableFile, read_capped
from .short_text import QUOTED_CELLS, quoted, shorten
from .units import human_duration
from .untrusted import UNSAFE, for_terminal

if TYPE_CHECKING:
    import tomlkit

REDACTED = "********"
HOUR = 3600.0
DAY = 24 * HOUR
#: the largest size limit of a profile: 10 TiB, in MiB
MAX_SIZE_MB = 10 * 1024 * 1024
#: the longest text setting (a URL, a folder, a name)
MAX_SETTING_CHARS = 4096
SECRET_KEYS = frozenset({"password", "api_key"})


@dataclass(frozen=True)
class PathMapping:
    """One ``[[deluge.path_mappings]]`` entry: the folder Deluge reports (``remote``, as the
    daemon sees it: in its container, on the NAS, on the seedbox) and the same folder as this
    machine sees it (``local``, absolute). Both are folder paths; ``remote`` may be a Windows
    path (``D:\\Downloads``) since it is only compared, never opened."""

    remote: str
    local: str

    def validate(self, where: str) -> None:
        _check(bool(self.remote.strip()), where, "remote", "must not be empty")
        _check_folder(self.local, where, "local")
        for key in ("remote", "local"):
            _check_text(getattr(self, key), where, key)


#: one label of a host name (RFC 1123 section 2.1): letters, digits and hyphens, 1 to 63 of
#: them, neither first nor last a hyphen
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


#: the longest host name (RFC 1123 section 2.1), without its final dot
_MAX_HOST_CHARS = 253


def _host_problem(host: str) -> str | None:
    """What is wrong with ``host`` as Deluge's host, or None: an IPv4 address (``ipaddress``;
    without a port) or a host name as RFC 1123 has it: at most 253 characters, dot-separated
    labels (:data:`_HOST_LABEL`: at most 63 characters each), a final dot allowed, the last
    label not all digits (``999.1.1.1`` is a mistyped address, not a name). Not an IPv6
    address: deluge-client opens IPv4 sockets only (``AF_INET``, its ``client.py``), so ``::1``
    could never connect. A name too long is refused for its length, the reason (a new user's
    report: 70 letters were told to be "letters, digits, '-' and '.'")."""
    try:
        if ipaddress.ip_address(host).version == 4:
            return None
        return (
            "must be an IPv4 address or a host name; deluge-client cannot connect over IPv6, "
            f"not {quoted(host)}"
        )
    except ValueError:
        pass
    name = host.removesuffix(".")
    labels = name.split(".")
    if len(name) > _MAX_HOST_CHARS:
        return (
            f"is too long: a host name may have at most {_MAX_HOST_CHARS} characters, "
            f"not {quoted(host)}"
        )
    if any(len(label) > 63 for label in labels):
        return (
            f"is too long: a part between dots may have at most 63 characters, not {quoted(host)}"
        )
    if name and all(_HOST_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit():
        return None
    return (
        f"must be a host name (letters, digits, '-' and '.') or an IPv4 address, not {quoted(host)}"
    )


#: a label Deluge's Label plugin takes, once lowercased as it and :class:`DelugeClient` do:
#: its ``RE_VALID`` (``deluge_label/core.py``: ``[a-z0-9_\-\.]*``; its refusal says
#: ``Invalid label, valid characters:[a-z0-9_-]``)
_DELUGE_LABEL = re.compile(r"[a-z0-9_.-]*")


def _url_problem(url: str) -> str | None:
    """What is wrong with ``url`` as an HTTP server's address (an indexer's, TVmaze's), or
    None: it starts with ``http://`` or ``https://`` and names a host (``http://`` alone was
    saved, then its test said it lacked ``http://``; a new user's report)."""
    if not url.startswith(("http://", "https://")):
        return f"must start with http:// or https://, not {quoted(redact_text(url))}"
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not host or any(c.isspace() for c in host):
        return f"names no host (e.g. http://127.0.0.1:9117/api), not {quoted(redact_text(url))}"
    try:
        port = urlsplit(url).port  # a port past 65535, or not a number, raises
    except ValueError:
        port = 0
    if port == 0:
        return f"names a port that is not one (1 to 65535), not {quoted(redact_text(url))}"
    return None


def _path_parts(path: str) -> list[str]:
    """A path's components, ``/`` and ``\\`` alike, empty ones dropped."""
    return [p for p in re.split(r"[/\\]+", path) if p]


@dataclass(frozen=True)
class DelugeConfig:
    host: str = "127.0.0.1"
    port: int = 58846
    username: str = "localclient"
    password: str = ""
    #: seconds every RPC call may take before it counts as failed
    timeout: float = 5.0
    #: download location for films; empty: the daemon's default
    movies_location: str = ""
    #: download location for series; empty: the daemon's default
    shows_location: str = ""
    #: label set on our torrents when the Label plugin is enabled; empty: no label
    label: str = "mydia"
    add_paused: bool = False
    #: remote path mappings: the folders Deluge reports, as this machine sees them
    path_mappings: tuple[PathMapping, ...] = ()

    def local_path(self, reported: str) -> str:
        """The path Deluge reports (a save path or a file under it) as this machine sees it:
        the longest ``remote`` of :attr:`path_mappings` that is a whole-component prefix of
        ``reported`` is replaced by its ``local``; no mapping applies: ``reported`` unchanged.
        The one translation of every path Deluge reports (``DelugeClient`` applies it)."""
        if not reported or not self.path_mappings:
            return reported
        parts = _path_parts(reported)
        best: PathMapping | None = None
        best_len = -1
        for m in self.path_mappings:
            prefix = _path_parts(m.remote)
            absolute = m.remote.startswith(("/", "\\")) == reported.startswith(("/", "\\"))
            if absolute and parts[: len(prefix)] == prefix and len(prefix) > best_len:
                best, best_len = m, len(prefix)
        if best is None:
            return reported
        return os.path.join(best.local, *parts[best_len:])

    def not_found_here(self, reported: str) -> str:
        """One line for a folder or file Deluge reports (``reported``, as Deluge wrote it) that is
        not found on this machine, naming the mapping that would find it."""
        local = self.local_path(reported)
        if local != reported:
            return (
                f"Deluge reports {reported}, mapped to {local}, which is not found here: check "
                "the local folder of that [[deluge.path_mappings]] entry in config.toml"
            )
        return (
            f"Deluge reports {reported}, which is not found here: if Deluge sees its folders "
            "under another path (a container, a NAS, a seedbox), add a [[deluge.path_mappings]] "
            f'entry with remote = "{reported}" and local = the same folder as this machine sees '
            "it, in config.toml"
        )

    def validate(self, where: str) -> None:
        _check(1 <= self.port <= 65535, where, "port", "must be between 1 and 65535")
        remotes = [tuple(_path_parts(m.remote)) for m in self.path_mappings]
        _check(
            len(set(remotes)) == len(remotes),
            where,
            "path_mappings",
            "must not map one remote folder twice",
        )
        _seconds(self.timeout, 0, 300, where, "timeout", zero=False)
        _check(bool(self.host.strip()), where, "host", "must not be empty")
        for key in ("host", "username", "movies_location", "shows_location", "label"):
            _check_text(getattr(self, key), where, key)
        host = _host_problem(self.host)
        _check(host is None, where, "host", host or "")
        _check(
            _DELUGE_LABEL.fullmatch(self.label.strip().lower()) is not None,
            where,
            "label",
            "must hold only letters a-z, digits, '_', '-' and '.' (Deluge's Label plugin "
            f"refuses any other, and keeps labels lowercase), not {quoted(self.label)}",
        )


@dataclass(frozen=True)
class IndexerConfig:
    name: str
    url: str
    api_key: str = ""
    categories: tuple[int, ...] = (2000, 5000)
    enabled: bool = True
    #: lower numbers are asked first and win ties
    priority: int = 25
    #: seconds one request may take
    timeout: float = 15.0
    #: minimum seconds between two requests to this indexer
    min_interval: float = 2.0
    #: requests this indexer may receive in any hour (RSS sync and backlog search together;
    #: 0: no budget). The backlog search is paced by it.
    requests_per_hour: int = 100
    #: seconds this indexer is skipped after its second failure in a row, doubled at each
    #: further failure up to a day (``Retry-After`` and a success end it sooner or later)
    backoff: float = 60.0

    def validate(self, where: str) -> None:
        _check(bool(self.name.strip()), where, "name", "must not be empty")
        url = _url_problem(self.url)
        _check(url is None, where, "url", url or "")
        _seconds(self.timeout, 0, 600, where, "timeout", zero=False)
        _seconds(self.min_interval, 0, HOUR, where, "min_interval")
        _between(self.priority, 0, 1000, where, "priority")
        for i, category in enumerate(self.categories):
            _between(category, 0, 999_999, where, f"categories[{i}]")
        _check_text(self.name, where, "name")
        _check_text(self.url, where, "url")
        _between(self.requests_per_hour, 0, 1_000_000, where, "requests_per_hour")
        _seconds(self.backoff, 1, DAY, where, "backoff")


@dataclass(frozen=True)
class LibraryConfig:
    #: folders holding films, one film per folder
    movies: tuple[str, ...] = ()
    #: folders holding series: Show/Season NN/files
    shows: tuple[str, ...] = ()
    #: when more than this share of a root's files vanish at once, nothing is removed
    vanish_threshold: float = 0.2
    #: where files replaced by an upgrade go (never deleted outright); "": the hidden folder
    #: ``.mydia-recycle`` inside the library folder
    recycle: str = ""

    def validate(self, where: str) -> None:
        _check(
            0 < self.vanish_threshold <= 1,
            where,
            "vanish_threshold",
            "must be a share between 0 and 1",
        )
        for key in ("movies", "shows"):
            for i, folder in enumerate(getattr(self, key)):
                _check_text(folder, where, f"{key}[{i}]")
                _check_folder(folder, where, f"{key}[{i}]")
        _check_text(self.recycle, where, "recycle")


#: the shortest backlog search interval: every cycle asks the indexers again (its default)
MIN_SEARCH_INTERVAL = 15 * 60.0
#: the shortest RSS sync interval: Sonarr's and Radarr's minimum
MIN_RSS_INTERVAL = 10 * 60.0
#: the shortest Deluge poll interval: a poll reads every torrent's status (a new user's
#: report: 0.001 s was taken, and kept a core busy on an empty library)
MIN_POLL_INTERVAL = 1.0
#: the shortest interval of any of the three even with ``allow_short_intervals`` (a demo, a
#: test on loopback): below it a monitor only spins
MIN_SHORT_INTERVAL = 0.1
#: what lifts those minimums, said once after an interval's refusal, naming what it is for:
#: the search intervals ask the indexers, the poll asks Deluge
_SHORT_HINT = "[monitor] allow_short_intervals = true lifts the minimum (for a test {} only)"


@dataclass(frozen=True)
class MonitorConfig:
    #: seconds between two backlog search cycles (at least :data:`MIN_SEARCH_INTERVAL`)
    search_interval: float = 900.0
    #: seconds between two RSS syncs (every enabled indexer's recent releases; at least
    #: :data:`MIN_RSS_INTERVAL`); 0 turns RSS sync off (Sonarr's and Radarr's 0 too): only the
    #: backlog search and the searches asked for then grab
    rss_interval: float = 900.0
    #: seconds one backlog search cycle may last (it ends after the search under way)
    search_cycle_deadline: float = 600.0
    #: seconds between two polls of Deluge (at least :data:`MIN_POLL_INTERVAL`)
    poll_interval: float = 5.0
    #: at most this many searches in one backlog cycle (0: as many as the indexers' budgets,
    #: ``requests_per_hour``, and the cycle's deadline allow)
    searches_per_cycle: int = 0
    searches_per_show: int = 5
    #: search a season pack first when at least this share of the season's aired episodes is wanted
    season_pack_share: float = 0.7
    include_specials: bool = False
    #: polls a torrent may be absent from a listed session before its download counts as removed
    missing_polls: int = 3
    #: seconds without progress before a download is flagged as stalled
    stalled_after: float = 3600.0
    #: first cool-down after an empty search, doubled each time, up to cooldown_max
    cooldown_base: float = 3600.0
    cooldown_max: float = 7 * 24 * 3600.0
    #: seconds a claim may stay "sending" with no torrent in Deluge before it is released
    sending_timeout: float = 300.0
    import_retries: int = 5
    #: lifts the minimums of ``search_interval``, ``rss_interval`` and ``poll_interval`` (to
    #: :data:`MIN_SHORT_INTERVAL`): for a demo or a test against an indexer on loopback, never
    #: a real one (it would throttle or ban the user)
    allow_short_intervals: bool = False

    def validate(self, where: str) -> None:
        short = self.allow_short_intervals
        for key, least, most, asked in (
            ("search_interval", MIN_SEARCH_INTERVAL, 30 * DAY, "indexer"),
            ("rss_interval", MIN_RSS_INTERVAL, 30 * DAY, "indexer"),
            ("poll_interval", MIN_POLL_INTERVAL, HOUR, "Deluge"),
        ):
            hint = None if short else _SHORT_HINT.format(asked)
            least = MIN_SHORT_INTERVAL if short else least
            off = key == "rss_interval"
            _seconds(getattr(self, key), least, most, where, key, hint=hint, off=off)
        for key, most in (
            ("search_cycle_deadline", DAY),
            ("stalled_after", 365 * DAY),
            ("cooldown_base", 365 * DAY),
            ("cooldown_max", 365 * DAY),
            ("sending_timeout", DAY),
        ):
            _seconds(getattr(self, key), 0, most, where, key, zero=False)
        for key, most in (("searches_per_show", 1_000), ("missing_polls", 1_000)):
            _between(getattr(self, key), 1, most, where, key)
        # 0: no fixed cap (the indexers' request budgets pace the backlog search)
        _between(self.searches_per_cycle, 0, 10_000, where, "searches_per_cycle")
        _between(self.import_retries, 0, 100, where, "import_retries")
        _check(
            0 < self.season_pack_share <= 1,
            where,
            "season_pack_share",
            "must be a share between 0 and 1",
        )


@dataclass(frozen=True)
class ProfileConfig:
    name: str
    #: allowed qualities, worst first, e.g. "HDTV-1080p", "WEBDL-1080p", "Bluray-1080p"
    qualities: tuple[str, ...]
    #: the quality at which upgrades stop
    cutoff: str = ""
    upgrades_allowed: bool = True
    #: size limits for one film or one episode, in MiB (0: no limit)
    min_size_mb: float = 0.0
    max_size_mb: float = 0.0
    blocked_words: tuple[str, ...] = ()
    preferred_words: tuple[str, ...] = ()

    def validate(self, where: str) -> None:
        _check(bool(self.name.strip()), where, "name", "must not be empty")
        _check(bool(self.qualities), where, "qualities", "must list at least one quality")
        _check(
            not self.cutoff or self.cutoff in self.qualities,
            where,
            "cutoff",
            f"{quoted(self.cutoff)} is not one of the profile's qualities",
        )
        _between(self.min_size_mb, 0, MAX_SIZE_MB, where, "min_size_mb", "MiB")
        _between(self.max_size_mb, 0, MAX_SIZE_MB, where, "max_size_mb", "MiB")
        _check(
            not self.max_size_mb or self.max_size_mb >= self.min_size_mb,
            where,
            "max_size_mb",
            "must not be below min_size_mb",
        )


@dataclass(frozen=True)
class QualityConfig:
    #: profile given to new films and shows
    default_profile: str = "HD-1080p"
    #: releases with fewer seeders are refused; a release whose indexer gives no seeder count
    #: is "unknown": accepted (ranked below known counts) unless ``require_seeders``
    min_seeders: int = 1
    #: refuse releases whose indexer gives no seeder count
    require_seeders: bool = False
    #: words refused in every profile
    blocked_words: tuple[str, ...] = ("CAM", "HDCAM", "TS", "TELESYNC", "TC", "sample")
    #: profiles defined by the user; they add to (or replace, by name) the built-in ones
    profiles: tuple[ProfileConfig, ...] = ()
    #: at most this many upgrades claimed per film or episode in any 24 hours
    upgrades_per_day: int = 1
    #: built-in profiles removed (:func:`mydia_tui.profiles.remove_profile` adds to it); an
    #: entry of ``profiles`` of the same name defines it again
    removed_profiles: tuple[str, ...] = ()

    def validate(self, where: str) -> None:
        _between(self.min_seeders, 0, 1_000_000, where, "min_seeders")
        _between(self.upgrades_per_day, 1, 100, where, "upgrades_per_day")


@dataclass(frozen=True)
class MetadataConfig:
    #: TVmaze's public API; configurable for tests and mirrors
    tvmaze_url: str = "https://api.tvmaze.com"
    timeout: float = 15.0

    def validate(self, where: str) -> None:
        url = _url_problem(self.tvmaze_url)
        _check(url is None, where, "tvmaze_url", url or "")
        _seconds(self.timeout, 0, 600, where, "timeout", zero=False)


@dataclass(frozen=True)
class TuiConfig:
    theme: str = "textual-dark"
    #: binding id -> keys, e.g. {"library.filter" = "/,ctrl+f"}
    keys: dict[str, str] = field(default_factory=dict)

    def validate(self, where: str) -> None:
        for key, value in self.keys.items():
            _check(isinstance(value, str), where, f"keys.{key}", "must be a string of keys")


@dataclass(frozen=True)
class NamingConfig:
    """File names of imported films and episodes (:mod:`mydia_tui.naming`: Sonarr's and
    Radarr's tokens and documented defaults); folders stay ``Title (Year)/`` and
    ``Show/Season NN/``."""

    movie_file: str = naming.DEFAULT_MOVIE
    episode_file: str = naming.DEFAULT_EPISODE

    def validate(self, where: str) -> None:
        for key, kind in (("movie_file", "movie"), ("episode_file", "episode")):
            value = getattr(self, key)
            _check_text(value, where, key)
            problem = naming.pattern_problem(value, kind)
            _check(problem is None, where, key, f"{problem}: {quoted(value)}")


@dataclass(frozen=True)
class Config:
    deluge: DelugeConfig = field(default_factory=DelugeConfig)
    indexers: tuple[IndexerConfig, ...] = ()
    library: LibraryConfig = field(default_factory=LibraryConfig)
    monitor: MonitorConfig = field(default_factory=MonitorConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    metadata: MetadataConfig = field(default_factory=MetadataConfig)
    tui: TuiConfig = field(default_factory=TuiConfig)
    naming: NamingConfig = field(default_factory=NamingConfig)
    #: where this configuration was read from (None: defaults, no file)
    source: Path | None = field(default=None, compare=False)
    #: database URL or path from the file (``--db`` and ``$MYDIA_TUI_DB`` win over it)
    database: str = ""
    #: the sections the file gave (``deluge``, ``indexers``, ...), for "not configured yet"
    sections: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def enabled_indexers(self) -> tuple[IndexerConfig, ...]:
        """The indexers that are searched (``enabled``); none means nothing can be found."""
        return tuple(i for i in self.indexers if i.enabled)

    @property
    def deluge_configured(self) -> bool:
        """Whether Deluge was set up at all: a ``[deluge]`` table in the file, or settings
        other than the defaults (the demo builds its config in code)."""
        return "deluge" in self.sections or self.deluge != DelugeConfig()

    def validate(self, where: str) -> None:
        names = [i.name for i in self.indexers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        _check(not dupes, where, "indexers", f"indexer names must be unique (repeated: {dupes})")


#: fields of :class:`Config` that say where it came from, never written to or read from a file
NOT_IN_FILE = frozenset({"source", "sections"})

#: how to add an indexer, in the command line's words (the TUI names its settings' key)
ADD_INDEXER_IN_FILE = "add [[indexers]] to config.toml"

#: what to check when Deluge refuses or cannot be reached, in the command line's words:
#: ``{keys}`` is the settings to check ("host/port", "username/password"); the TUI names its
#: settings screen instead (:class:`mydia_tui.deluge.DelugeClient`'s ``check``)
CHECK_DELUGE_IN_FILE = "check [deluge] {keys} in config.toml"


def deluge_not_configured(where: str) -> str:
    """Why Deluge cannot be reached when it was never set up (not
    :attr:`Config.deluge_configured`): ``doctor``, and the client's error the monitor logs,
    rather than "refused the connection" at a default address the user never chose."""
    return (
        "Deluge is not configured: add a [deluge] section to the config file (or press O in "
        f"the app); no daemon answers at the default {where}"
    )


def no_indexers(how: str = ADD_INDEXER_IN_FILE) -> str:
    """Why nothing can be searched (no indexer is enabled: :attr:`Config.enabled_indexers`),
    with ``how`` to add one in the words of the face that asks: the file for the command
    line, the settings' key for the TUI."""
    return f"no indexers configured: {how}"


def _check(ok: bool, where: str, key: str, what: str, hint: str | None = None) -> None:
    if not ok:
        then = f"; {hint}" if hint else ""
        raise ConfigError(f"{where}: key '{key}' {what}{then}", key=key, problem=what, hint=hint)


def _check_folder(folder: str, where: str, key: str) -> None:
    """A folder this machine opens is absolute: a relative one (``"~"`` included: it is not
    expanded) would be relative to wherever mydia-tui happened to be started."""
    _check(
        os.path.isabs(folder),
        where,
        key,
        f"must be an absolute folder on this machine, not {quoted(folder)}",
    )


def _between(value: float, least: float, most: float, where: str, key: str, unit: str = "") -> None:
    """``value`` within ``[least, most]`` (NaN and infinities never are)."""
    shown = f" {unit}" if unit else ""
    _check(least <= value <= most, where, key, f"must be between {least:g} and {most:g}{shown}")


def _seconds(
    value: float,
    least: float,
    most: float,
    where: str,
    key: str,
    *,
    zero: bool = True,
    hint: str | None = None,
    off: bool = False,
) -> None:
    """A duration in seconds within ``[least, most]`` (``zero=False``: ``least`` itself, 0, is
    refused), the range said in seconds, the unit of the file and of the settings' fields,
    then in people's units: "must be between 600 and 2,592,000 s (10 min to 30 days)". The one
    check of every duration setting, so the command line and the settings screen say the
    same; ``hint`` (:class:`ConfigError`'s) follows the refusal. With ``off``, 0 is taken too
    (the setting turned off), and the refusal says so."""
    if off and value == 0:
        return
    people = " to ".join(human_duration(b) for b in (least, most) if b and b % 60 == 0)
    low, high = (f"{int(b):,}" if float(b).is_integer() else f"{b:,}" for b in (least, most))
    range_ = f"{low} and {'at most ' if not zero else ''}{high} s" + (
        f" ({people})" if people else ""
    )
    if zero:
        ok, what = least <= value <= most, f"must be between {range_}"
    else:
        ok, what = least < value <= most, f"must be more than {range_}"
    if off:
        what = what.replace("must be ", "must be 0 (off) or ", 1)
    _check(ok, where, key, what, hint)


def _check_text(value: str, where: str, key: str) -> None:
    """A setting's text holds no control character and is not absurdly long."""
    _check(
        len(value) <= MAX_SETTING_CHARS,
        where,
        key,
        f"must be at most {MAX_SETTING_CHARS} characters",
    )
    _check(not UNSAFE.search(value), where, key, "must not hold control characters")


# ---------------------------------------------------------------------------------------------
# Reading


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the config file (``--config``, ``$MYDIA_TUI_CONFIG`` or the default place).

    A missing file gives the defaults (``$MYDIA_TUI_CONFIG`` naming a file not written yet
    included: saving writes it there); a missing file named with ``--config`` is an error.
    The file is read with a cap of :data:`~mydia_tui.files.MAX_CONFIG_BYTES` (a FIFO or a
    device is refused, never waited on). Raises :class:`ConfigError` naming the file.
    """
    cfg_path = paths.config_path(path)
    try:
        raw = read_capped(cfg_path, MAX_CONFIG_BYTES, "configuration file")
    except FileNotFoundError:
        if path is not None:
            raise ConfigError(f"{cfg_path}: no such configuration file") from None
        return Config()
    except UnreadableFile as exc:
        raise ConfigError(str(exc)) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{cfg_path}: the configuration file is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{cfg_path}: not valid TOML: {exc}") from None
    return config_from_dict(data, source=cfg_path)


def permission_warning(cfg: Config) -> str | None:
    """A warning when the file ``cfg`` was read from holds a secret (the Deluge password, an
    API key, a secret inside a URL) and can be read by other users: "<path> is readable by
    others (mode 644): chmod 600 it"; ``None`` otherwise (no file, no secret, or mode 0600)."""
    urls = [i.url for i in cfg.indexers] + [cfg.database, cfg.metadata.tvmaze_url]
    holds_secret = bool(secrets_of(cfg)) or any(redact_text(u) != u for u in urls)
    if cfg.source is None or not holds_secret:
        return None
    try:
        mode = cfg.source.stat().st_mode & 0o777
    except OSError:
        return None
    if not mode & 0o077:
        return None
    return f"{cfg.source} is readable by others (mode {mode:o}): chmod 600 it"


def config_from_dict(data: dict[str, Any], source: Path | None = None) -> Config:
    where = str(source) if source else "configuration"
    known = {f.name for f in dataclasses.fields(Config)} - NOT_IN_FILE
    for key in data:
        if key not in known:
            raise ConfigError(
                f"{where}: unknown section or key '{key}'", key=key, problem="is not a setting"
            )
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(Config):
        if f.name in NOT_IN_FILE or f.name not in data:
            continue
        kwargs[f.name] = _convert(_hints(Config)[f.name], data[f.name], where, f.name)
    cfg = Config(source=source, sections=frozenset(data), **kwargs)
    _validate_tree(cfg, where, "")
    return cfg


def _validate_tree(obj: Any, where: str, prefix: str) -> None:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        label = f"{where} [{prefix}]" if prefix else where
        section: Any = obj  # every section dataclass has validate()
        try:
            section.validate(label)
        except ConfigError as exc:
            if exc.key is not None and prefix:
                exc.key = f"{prefix}.{exc.key}"  # the key's whole path: "deluge.port"
            raise
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            child = f"{prefix}.{f.name}" if prefix else f.name
            if dataclasses.is_dataclass(value):
                _validate_tree(value, where, child)
            elif isinstance(value, tuple):
                for i, item in enumerate(value):
                    if dataclasses.is_dataclass(item):
                        _validate_tree(item, where, f"{child}[{i}]")


_HINTS_CACHE: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS_CACHE:
        _HINTS_CACHE[cls] = typing.get_type_hints(cls)
    return _HINTS_CACHE[cls]


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is tuple:
        return f"a list of {_type_name(typing.get_args(tp)[0])}"
    if origin is dict:
        return "a table"
    if dataclasses.is_dataclass(tp):
        return "a table"
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}.get(
        tp, str(tp)
    )


def _convert(tp: Any, value: Any, where: str, key: str) -> Any:
    origin = typing.get_origin(tp)
    secret = key.rsplit(".", 1)[-1] in SECRET_KEYS
    # redacted whole, then shortened: a cut never leaves part of a secret without its name
    shown = REDACTED if secret else shorten(redact_text(repr(value)), QUOTED_CELLS)
    problem = f"must be {_type_name(tp)}, not {shown}"
    wrong = ConfigError(f"{where}: key '{key}' {problem}", key=key, problem=problem)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise wrong
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        for k in value:
            if k not in names:
                raise ConfigError(
                    f"{where}: unknown key '{key}.{k}'",
                    key=f"{key}.{k}",
                    problem="is not a setting",
                )
        kwargs = {k: _convert(hints[k], v, where, f"{key}.{k}") for k, v in value.items()}
        missing = [
            f.name
            for f in dataclasses.fields(tp)
            if f.name not in kwargs
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        ]
        if missing:
            raise ConfigError(
                f"{where}: key '{key}.{missing[0]}' is required",
                key=f"{key}.{missing[0]}",
                problem="is required",
            )
        return tp(**kwargs)
    if origin is tuple:
        if not isinstance(value, list):
            raise wrong
        (item_tp, *_rest) = typing.get_args(tp)
        return tuple(_convert(item_tp, v, where, f"{key}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise wrong
        return {str(k): v for k, v in value.items()}
    if tp is bool:
        if not isinstance(value, bool):
            raise wrong
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong
        if not math.isfinite(value):
            problem = f"must be a finite number, not {value!r}"
            raise ConfigError(f"{where}: key '{key}' {problem}", key=key, problem=problem)
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise wrong
        return value
    raise wrong


# ---------------------------------------------------------------------------------------------
# Showing and writing


def config_to_dict(cfg: Config, *, redact: bool = True) -> dict[str, Any]:
    """The configuration as plain TOML-ready data; secrets replaced unless ``redact=False``."""

    def plain(obj: Any, key: str = "") -> Any:
        if dataclasses.is_dataclass(obj):
            return {
                f.name: plain(getattr(obj, f.name), f.name)
                for f in dataclasses.fields(obj)
                if f.name not in NOT_IN_FILE
            }
        if isinstance(obj, tuple):
            return [plain(v) for v in obj]
        if isinstance(obj, dict):
            return dict(obj)
        if redact and key in SECRET_KEYS and obj:
            return REDACTED
        if redact and isinstance(obj, str):
            return redact_text(obj)
        return obj

    return plain(cfg)


def redacted(cfg: Config) -> dict[str, Any]:
    return config_to_dict(cfg, redact=True)


def dumps(cfg: Config, *, redact: bool = True) -> str:
    import tomlkit  # loaded when a file is written: not before the TUI's first paint

    return tomlkit.dumps(config_to_dict(cfg, redact=redact))


def write_config(cfg: Config, path: str | os.PathLike[str]) -> Path:
    """Write ``cfg`` (secrets included) to ``path`` with mode 0600, atomically; a symlink is
    followed (its target is written, the link stays)."""
    return _write_file(Path(path), dumps(cfg, redact=False))


#: where a change goes in the file: section and key names, and indexes into a list of tables,
#: e.g. ``("deluge", "port")``, ``("indexers", 0, "priority")``, ``("indexers", 2)``
KeyPath = tuple[str | int, ...]


def update_config_value(path: str | os.PathLike[str], section: str, key: str, value: Any) -> None:
    """Set one key in the file, keeping the user's comments and layout (tomlkit round trip);
    the file is written as :func:`write_config` writes (through a symlink, mode 0600). The
    value is not validated (the TUI saves its theme with it). Raises :class:`ConfigError`
    when the file cannot be read or is not valid TOML."""
    import tomlkit  # loaded when a file is written: not before the TUI's first paint

    target = Path(os.path.realpath(path))
    doc = _read_document(target)
    _apply_changes(doc, {(section, key): value})
    _write_file(target, tomlkit.dumps(doc))


#: a further check of a whole new configuration, raising :class:`ConfigError` (the quality
#: profiles' own rules live with the qualities: :func:`mydia_tui.releases.quality.check_quality`)
ConfigCheck = Callable[[Config], object]


def preview_config(
    path: str | os.PathLike[str], changes: Mapping[KeyPath, Any], check: ConfigCheck | None = None
) -> Config:
    """The configuration the file at ``path`` would hold with ``changes`` applied (see
    :func:`save_config`), validated exactly as :func:`load_config` validates what it reads
    (then by ``check``); nothing is written. Raises :class:`ConfigError` (with its ``key`` and
    ``problem``) for a wrong value, or when the file cannot be read or is not valid TOML."""
    return _edited(path, changes, check)[0]


def save_config(
    path: str | os.PathLike[str], changes: Mapping[KeyPath, Any], check: ConfigCheck | None = None
) -> Config:
    """Apply ``changes`` to the configuration file in one round trip and return the new
    configuration (``source`` is ``path``).

    ``changes`` maps a :data:`KeyPath` to its new value: a string, number, bool or list sets
    the key (a missing table is created); ``None`` removes the key (or the list entry); a
    dict is merged into the table there (only its keys are set); at a list index one past
    the end, a dict adds a new table (``[[indexers]]``). A list of dicts given for a list of
    tables updates its entries in place, key by key. Keys whose value does not change are not
    touched, so the user's comments and the formatting of every other line stay as they were.

    The result is validated first, exactly as :func:`load_config` validates (one set of
    rules), then by ``check`` when given; an invalid value raises :class:`ConfigError` and
    nothing is written. The file is written as :func:`write_config` writes: atomically,
    mode 0600, through a symlink (its target is written, the link stays)."""
    cfg, text, target = _edited(path, changes, check)
    _write_file(target, text)
    return cfg


def _edited(
    path: str | os.PathLike[str], changes: Mapping[KeyPath, Any], check: ConfigCheck | None
) -> tuple[Config, str, Path]:
    """(the validated new configuration, the new file text, the file to write)."""
    import tomlkit  # loaded when a file is written: not before the TUI's first paint

    target = Path(os.path.realpath(path))
    doc = _read_document(target)
    _apply_changes(doc, changes)
    text = tomlkit.dumps(doc)
    try:
        data = tomllib.loads(text)  # what load_config will read back
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - tomlkit writes valid TOML
        raise ConfigError(f"{path}: the edited file would not be valid TOML: {exc}") from None
    cfg = config_from_dict(data, source=Path(path))
    if check is not None:
        check(cfg)
    return cfg, text, target


def _read_document(target: Path) -> tomlkit.TOMLDocument:
    """The file as a tomlkit document (an empty one when it does not exist yet)."""
    import tomlkit  # loaded when a file is written: not before the TUI's first paint
    import tomlkit.exceptions

    try:
        text = read_capped(target, MAX_CONFIG_BYTES, "configuration file").decode("utf-8")
        return tomlkit.parse(text)
    except FileNotFoundError:
        return tomlkit.document()
    except UnreadableFile as exc:
        raise ConfigError(str(exc)) from None
    except (UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise ConfigError(f"{target}: cannot update it: {exc}") from None


def _apply_changes(doc: Any, changes: Mapping[KeyPath, Any]) -> None:
    import tomlkit  # loaded when a file is written: not before the TUI's first paint

    for keypath, value in changes.items():
        container = doc
        for i, part in enumerate(keypath[:-1]):
            if isinstance(part, int):
                container = container[part]
                continue
            if part not in container:
                new = tomlkit.aot() if isinstance(keypath[i + 1], int) else tomlkit.table()
                if i == 0:
                    _end_with_blank_line(doc)
                container[part] = new
            container = container[part]
        _set(container, keypath[-1], value)


def _set(container: Any, key: str | int, value: Any) -> None:
    """Set ``container[key]`` to ``value`` touching only what changes (see save_config)."""
    import tomlkit  # loaded when a file is written: not before the TUI's first paint
    import tomlkit.items

    if isinstance(key, int):
        if value is None:
            del container[key]
        elif key == len(container):
            container.append(_new_table(value) if isinstance(value, dict) else value)
        elif isinstance(value, dict):
            for k, v in value.items():
                _set(container[key], k, v)
        else:
            container[key] = value
        return
    if value is None:
        if key in container:
            del container[key]
        return
    old = container.get(key)
    if isinstance(value, dict) and isinstance(old, dict):
        for k, v in value.items():
            _set(old, k, v)
        return
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) for v in value)
        and isinstance(old, tomlkit.items.AoT)
    ):
        for i, entry in enumerate(value):
            if i < len(old):
                for k in [k for k in old[i] if k not in entry]:
                    del old[i][k]
            _set(old, i, entry)
        while len(old) > len(value):
            del old[len(old) - 1]
        return
    if old is not None and _plain(old) == value:
        return  # unchanged: the line keeps its formatting and comment
    container[key] = _new_table(value) if isinstance(value, dict) else value


def _end_with_blank_line(doc: Any) -> None:
    """End what the file holds with a blank line, before a table is added after it (a fresh
    install's ``[deluge]`` ran into the ``[[indexers]]`` added after it; a new user's report)."""
    import tomlkit  # loaded when a file is written: not before the TUI's first paint
    import tomlkit.items

    if not doc.body:
        return
    last = doc.body[-1][1]
    if isinstance(last, tomlkit.items.AoT):
        last = last[-1] if len(last) else None
    if isinstance(last, tomlkit.items.Table):
        body = last.value.body
        if body and not isinstance(body[-1][1], tomlkit.items.Whitespace):
            last.add(tomlkit.nl())
    elif last is not None and not isinstance(last, tomlkit.items.Whitespace):
        doc.add(tomlkit.nl())


def _new_table(value: dict[str, Any]) -> Any:
    """A table holding ``value``, ending with a blank line (an entry added to a list of
    tables is set apart from what follows it, as a person writes it)."""
    import tomlkit  # loaded when a file is written: not before the TUI's first paint

    table = tomlkit.table()
    for k, v in value.items():
        table[k] = v
    table.add(tomlkit.nl())
    return table


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def _write_file(path: Path, text: str) -> Path:
    """Write ``text`` to the file ``path`` names (the target of a symlink, the link kept) with
    mode 0600, atomically (a temporary file beside it, then a rename)."""
    target = Path(os.path.realpath(path))
    try:
        read_only = not target.stat().st_mode & stat.S_IWUSR
    except FileNotFoundError:
        read_only = False
    if read_only:
        # its owner made it so (the write bit is checked, not access(): root may write
        # anything): a save would replace it, mode and all (a new user's report)
        raise ConfigError(f"{target} is read-only: not changed (make it writable to save)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Path(path)


#: a query parameter (or ``name=value`` in free text) whose name says it holds a secret:
#: apikey, api_key, passkey, password, token, secret, auth, sig, pwd, and any name containing them
_SECRET_PARAMETER = re.compile(
    r"(?i)(?<![\w-])([\w-]*(?:key|token|pass|secret|auth|sig|pwd)[\w-]*=)"
    # a value redacted already is only the mark: what follows it (the ": " of a message
    # redacted twice, by the code that raised and by the error boundary) is not the secret
    r"(\*{8}|[^&;\s\"'<>#]+)"
)
#: the password of ``scheme://user:password@host``
_URL_PASSWORD = re.compile(r"(?i)(://[^:/@\s]*:)([^@\s/]+)(@)")


def redact_text(text: str, secrets: typing.Iterable[str] = ()) -> str:
    """``text`` with every secret replaced by ``********``: the values in ``secrets`` (from
    :func:`secrets_of`), the value of every query parameter named like a secret (``apikey=``,
    ``api_key=``, ``passkey=``, ``token=``, ``password=``, ``secret=``, ...), and the password
    of ``user:password@`` in a URL. The one redaction of every output: ``config show``,
    ``doctor``, errors, logs and crash logs."""
    out = text
    for secret in secrets:
        if secret and len(secret) >= 3:
            out = out.replace(secret, REDACTED)
    out = _SECRET_PARAMETER.sub(lambda m: f"{m.group(1)}{REDACTED}", out)
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", out)


def unredact_parameters(shown: str, original: str) -> str:
    """``shown`` (a URL the user saw through :func:`redact_text`, maybe edited) with each
    ``name=********`` put back to ``original``'s value of that parameter, so a form can show
    a URL without its secrets and save it without losing them. A redacted parameter that
    ``original`` does not have stays as it is (the configuration's check then refuses it)."""
    values = {m.group(1).casefold(): m.group(2) for m in _SECRET_PARAMETER.finditer(original)}

    def back(m: re.Match[str]) -> str:
        if m.group(2) == REDACTED and m.group(1).casefold() in values:
            return m.group(1) + values[m.group(1).casefold()]
        return m.group(0)

    return _SECRET_PARAMETER.sub(back, shown)


class RedactingFilter(logging.Filter):
    """A logging filter that passes every record's message through :func:`redact_text` and
    makes its control characters and line breaks visible (:func:`~mydia_tui.untrusted.for_terminal`):
    what a server or a release title puts in a log line never reaches a terminal raw, nor
    starts a line of its own."""

    def __init__(self, secrets: typing.Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = list(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = for_terminal(redact_text(record.getMessage(), self.secrets))
        record.args = ()
        if record.exc_info:
            # the traceback is text too: an exception's message may hold a secret (a URL with
            # its key); formatted once here, redacted, and kept as the record's exc_text
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact_text(text, self.secrets)
            record.exc_info = None
        return True


def secrets_of(cfg: Config) -> list[str]:
    """Every secret value in ``cfg``, for :func:`redact_text`."""
    values = [cfg.deluge.password] + [i.api_key for i in cfg.indexers]
    return [v for v in values if v]
