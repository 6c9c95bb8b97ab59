"""A Torznab client (Jackett, Prowlarr): caps, searches, feeds -> :class:`Release`.

Every indexer stands alone: one long-lived ``httpx.Client`` (its connections kept alive,
:func:`http_client`, closed by :func:`close_http_clients`), a total deadline per request (its
``timeout``, for connecting, the headers and the whole body: a server that drips its bytes is cut
there), a minimum gap between its requests, a request budget per hour
(``requests_per_hour``) and ``Retry-After`` honoured, kept in the database for every process
(:mod:`.pacing`), back-off after repeated failures (see :mod:`.health`), which a search the
user asks for does not wait for. Answers are decoded (gzip, deflate) and cut at ``max_bytes`` of *decoded*
bytes; XML is parsed with ``defusedxml`` and refused if it declares a DTD or entities; a web
page (a login or protection page answered with status 200) is named as such. An answer that
cannot be used is an :class:`~.health.IndexerError` for that indexer; an item with absurd values
is dropped (and counted), never the search.

API keys never appear in errors: every message goes through :func:`config.redact_text`.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import logging
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpcore
import httpx
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from ..config import IndexerConfig, redact_text
from ..models import Indexer, utcnow
from ..releases.release import Release, clean_text
from ..targets import Target
from ..torrent import BadTorrent, normalize_info_hash, parse_magnet, parse_torrent
from .health import (
    BackoffPolicy,
    IndexerAuthError,
    IndexerBadResponse,
    IndexerError,
    IndexerRateLimited,
    IndexerRequestError,
    IndexerSkipped,
    IndexerUnavailable,
    ensure_indexer,
    indexer_health,
    record_failure,
    record_success,
)
from .pacing import NotNow, hold, reserve, settle

#: cut an answer longer than this (bytes)
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
#: .torrent files larger than this are refused
MAX_TORRENT_BYTES = 10 * 1024 * 1024
CAPS_TTL = _dt.timedelta(days=7)
DEFAULT_MAX_PAGES = 3
#: a page shorter than asked and shorter than this is the last one (servers page by 20 or more)
SMALLEST_SERVER_PAGE = 20
#: sizes above this (1 PiB) are nonsense
MAX_SIZE = 1 << 50
MAX_COUNT = 10_000_000
USER_AGENT = "mydia-tui"

log = logging.getLogger(__name__)


class _RedactFilter(logging.Filter):
    """httpx logs every request URL at INFO, ``apikey=`` included: redact it there."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        record.msg, record.args = redact_text(message), ()
        return True


for _name in ("httpx", "httpcore"):
    _logger = logging.getLogger(_name)
    if not any(isinstance(f, _RedactFilter) for f in _logger.filters):
        _logger.addFilter(_RedactFilter())

MOVIE_CATEGORIES = (2000,)
TV_CATEGORIES = (5000,)


# ---------------------------------------------------------------------------------------------
# Capabilities


@dataclass(frozen=True)
class Caps:
    search: bool = True
    tv_search: bool = False
    movie_search: bool = False
    search_params: frozenset[str] = frozenset({"q"})
    tv_params: frozenset[str] = frozenset()
    movie_params: frozenset[str] = frozenset()
    limit_max: int = 100
    limit_default: int = 100
    #: (id, name), subcategories included
    categories: tuple[tuple[int, str], ...] = ()


def _params(el) -> frozenset[str]:
    raw = (el.get("supportedParams") or el.get("supportedparams") or "") if el is not None else ""
    return frozenset(p.strip().lower() for p in raw.split(",") if p.strip())


def _available(el) -> bool:
    return el is not None and (el.get("available") or "").lower() == "yes"


def _int(value, default: int | None = None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def parse_caps(root) -> Caps:
    """A :class:`Caps` from a parsed ``t=caps`` answer."""
    if root.tag != "caps":
        raise ValueError(f"expected <caps>, got <{_local(root.tag)}>")
    searching = root.find("searching")
    find = (lambda tag: searching.find(tag)) if searching is not None else (lambda tag: None)
    search, tv, movie = find("search"), find("tv-search"), find("movie-search")
    limits = root.find("limits")
    limit_max = _int(limits.get("max"), 100) if limits is not None else 100
    limit_default = _int(limits.get("default"), limit_max) if limits is not None else 100
    cats: list[tuple[int, str]] = []
    for cat in root.iter("category"):
        cid = _int(cat.get("id"))
        if cid is not None:
            cats.append((cid, clean_text(cat.get("name") or "")))
        for sub in cat.findall("subcat"):
            sid = _int(sub.get("id"))
            if sid is not None:
                cats.append((sid, clean_text(sub.get("name") or "")))
    return Caps(
        search=search is None or _available(search),
        tv_search=_available(tv),
        movie_search=_available(movie),
        search_params=_params(search) or frozenset({"q"}),
        tv_params=_params(tv),
        movie_params=_params(movie),
        limit_max=max(1, min(limit_max or 100, 1000)),
        limit_default=max(1, min(limit_default or 100, 1000)),
        categories=tuple(cats),
    )


# ---------------------------------------------------------------------------------------------
# Queries


@dataclass(frozen=True)
class Query:
    #: "search" | "tvsearch" | "movie"
    function: str
    params: tuple[tuple[str, str], ...] = ()
    categories: tuple[int, ...] = ()

    def describe(self) -> str:
        shown = " ".join(f"{k}={v}" for k, v in self.params)
        return f"t={self.function} {shown}".strip()


def _imdb_digits(value: str | None) -> str | None:
    digits = re.sub(r"\D", "", value or "")
    return digits.lstrip("0") and digits.zfill(7) if digits else None


def _categories_for(target: Target, configured: tuple[int, ...]) -> tuple[int, ...]:
    lo, hi, default = (
        (2000, 2999, MOVIE_CATEGORIES) if target.is_movie else (5000, 5999, TV_CATEGORIES)
    )
    chosen = tuple(c for c in configured if lo <= c <= hi)
    return chosen or default


def build_query(target: Target, caps: Caps, configured: tuple[int, ...] = ()) -> Query:
    """The best query the indexer supports for ``target``: by ids when the caps list them,
    else free text."""
    cats = _categories_for(target, configured)
    if target.is_movie:
        params: list[tuple[str, str]] = []
        if caps.movie_search:
            imdb = _imdb_digits(target.imdb_id)
            if imdb and "imdbid" in caps.movie_params:
                params.append(("imdbid", imdb))
            if target.tmdb_id and "tmdbid" in caps.movie_params:
                params.append(("tmdbid", str(target.tmdb_id)))
            if params:
                return Query("movie", tuple(params), cats)
            if "q" in caps.movie_params:
                return Query("movie", (("q", _movie_text(target)),), cats)
        return Query("search", (("q", _movie_text(target)),), cats)
    season = target.season if target.season is not None else 1
    episode = target.episodes[0].number if target.kind == "episodes" and target.episodes else None
    if caps.tv_search:
        params = []
        for param, value in (
            ("tvdbid", target.tvdb_id),
            ("tvmazeid", target.tvmaze_id),
            ("imdbid", _imdb_digits(target.imdb_id)),
            ("tmdbid", target.tmdb_id),
        ):
            if value and param in caps.tv_params:
                params.append((param, str(value)))
        if not params and "q" in caps.tv_params:
            params.append(("q", target.title))
        if params and "season" in caps.tv_params:
            params.append(("season", str(season)))
            if episode is not None and "ep" in caps.tv_params:
                params.append(("ep", str(episode)))
            return Query("tvsearch", tuple(params), cats)
    text = f"{target.title} S{season:02d}" + (f"E{episode:02d}" if episode is not None else "")
    return Query("search", (("q", text),), cats)


def recent_query(kind: str, caps: Caps, configured: tuple[int, ...] = ()) -> Query:
    """The indexer's recent releases ("RSS"): ``t=movie`` or ``t=tvsearch`` without a query
    (``kind``: "movie" or "show"), else ``t=search`` without a query."""
    lo, hi, default = (
        (2000, 2999, MOVIE_CATEGORIES) if kind == "movie" else (5000, 5999, TV_CATEGORIES)
    )
    cats = tuple(c for c in configured if lo <= c <= hi) or default
    if kind == "movie" and caps.movie_search:
        return Query("movie", (), cats)
    if kind != "movie" and caps.tv_search:
        return Query("tvsearch", (), cats)
    return Query("search", (), cats)


def _movie_text(target: Target) -> str:
    return f"{target.title} {target.year}" if target.year else target.title


# ---------------------------------------------------------------------------------------------
# Feeds


@dataclass(frozen=True)
class Feed:
    releases: tuple[Release, ...]
    #: items left out for absurd or missing values
    dropped: int = 0
    drop_reasons: tuple[str, ...] = ()
    #: the number of results the indexer says it has (``<newznab:response total>``), if it says
    total: int | None = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse_date(text: str | None) -> _dt.datetime | None:
    if not text:
        return None
    try:
        value = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        try:
            value = _dt.datetime.fromisoformat(text.strip())
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    value = value.astimezone(_dt.UTC)
    if not (1990 <= value.year <= utcnow().year + 1):
        return None
    return value


class _Drop(Exception):
    pass


def _count(value: str | None, what: str) -> int | None:
    if value is None or value == "":
        return None
    number = _int(value)
    if number is None:
        try:
            number = int(float(value))
        except (TypeError, ValueError, OverflowError):
            raise _Drop(f"{what} {value[:30]!r} is not a number") from None
    if number < 0 or number > (MAX_SIZE if what == "size" else MAX_COUNT):
        raise _Drop(f"{what} {number} is out of range")
    return number


_TEXT_SIZE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([kmgtp]?)(i?)b?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5}


def _size(*candidates: str | None) -> int | None:
    """The first usable size of ``candidates`` (bytes): a number, else a text such as
    ``"1.4 GB"`` or ``"700 MiB"`` (GB and GiB both read as powers of 1024, as indexers mean
    them); None when none is given; :class:`_Drop` when one is given but none is usable."""
    given = [c.strip() for c in candidates if c and c.strip()]
    for value in given:
        number = _int(value)
        if number is not None:
            return _count(value, "size")
    for value in given:
        m = _TEXT_SIZE.match(value)
        if m:
            amount = float(m.group(1).replace(",", "."))
            return _count(str(int(amount * 1024 ** _SIZE_UNITS[m.group(2).lower()])), "size")
    if given:
        raise _Drop(f"size {given[0][:30]!r} is not a number")
    return None


def _release(item, indexer: str, priority: int) -> Release:
    attrs: dict[str, list[str]] = {}
    fields: dict[str, str] = {}
    enclosure = None
    categories: list[int] = []
    for child in item:
        name = _local(child.tag)
        if name == "attr":
            attrs.setdefault((child.get("name") or "").lower(), []).append(child.get("value") or "")
        elif name == "enclosure":
            enclosure = child
        elif name == "category":
            cid = _int(child.text)
            if cid is not None:
                categories.append(cid)
        else:
            fields[name] = child.text or ""
    title = clean_text(fields.get("title", "")).strip()
    if not title:
        raise _Drop("an item has no title")

    def attr(key: str) -> str | None:
        values = attrs.get(key)
        return values[0].strip() if values else None

    size = _size(
        fields.get("size"),
        attr("size"),
        enclosure.get("length") if enclosure is not None else None,
    )
    seeders = _count(attr("seeders"), "seeders")
    peers = _count(attr("peers"), "peers")
    if peers is None and attr("leechers") is not None:
        leechers = _count(attr("leechers"), "leechers")
        peers = (leechers or 0) + (seeders or 0)
    for value in attrs.get("category", []):
        cid = _int(value)
        if cid is not None:
            categories.append(cid)
    link = (fields.get("link") or "").strip()
    enclosure_url = (enclosure.get("url") or "").strip() if enclosure is not None else ""
    magnet = attr("magneturl") or next(
        (u for u in (link, enclosure_url) if u.lower().startswith("magnet:")), None
    )
    download = next(
        (u for u in (link, enclosure_url) if u.lower().startswith(("http://", "https://"))), None
    )
    info_hash = None
    given_hash = attr("infohash")
    if given_hash:
        try:
            info_hash = normalize_info_hash(given_hash)
        except BadTorrent:
            info_hash = None
    if magnet:
        try:
            parsed = parse_magnet(magnet)
            info_hash = info_hash or parsed.info_hash
        except BadTorrent:
            magnet = None
    imdb = _int(attr("imdb") or attr("imdbid"))
    factor = attr("downloadvolumefactor")
    try:
        download_factor = float(factor) if factor is not None else None
    except ValueError:
        download_factor = None
    return Release(
        title=title,
        indexer=indexer,
        guid=clean_text(fields.get("guid", "") or link).strip(),
        size=size,
        seeders=seeders,
        peers=peers,
        published=_parse_date(fields.get("pubdate"))
        if "pubdate" in fields
        else _parse_date(fields.get("pubDate")),
        info_hash=info_hash,
        magnet=magnet,
        download_url=download,
        categories=tuple(dict.fromkeys(categories)),
        imdb_id=f"tt{imdb:07d}" if imdb and imdb > 0 else None,
        tmdb_id=_positive(attr("tmdbid") or attr("tmdb")),
        tvdb_id=_positive(attr("tvdbid") or attr("tvdb")),
        tvmaze_id=_positive(attr("tvmazeid") or attr("tvmaze")),
        indexer_priority=priority,
        download_factor=download_factor,
    )


def _positive(value: str | None) -> int | None:
    number = _int(value)
    return number if number and 0 < number < 1 << 40 else None


def parse_feed(root, indexer: str, priority: int = 25) -> Feed:
    """Releases from a parsed RSS answer; items with absurd values are dropped and counted."""
    if _local(root.tag) != "rss":
        raise ValueError(f"expected <rss>, got <{_local(root.tag)}>")
    channel = root.find("channel")
    items = channel.findall("item") if channel is not None else root.findall("item")
    # pubDate has a capital D in RSS; normalise field names
    releases: list[Release] = []
    reasons: list[str] = []
    total = None
    for child in channel if channel is not None else root:
        if _local(child.tag) == "response":
            total = _int(child.get("total"))
    for item in items:
        for child in item:
            if _local(child.tag) == "pubDate":
                child.tag = "pubdate"
        try:
            releases.append(_release(item, indexer, priority))
        except _Drop as exc:
            reasons.append(str(exc))
    return Feed(tuple(releases), len(reasons), tuple(reasons[:5]), total)


# ---------------------------------------------------------------------------------------------
# HTTP: one long-lived client per indexer, a total deadline per request

_DEADLINE = threading.local()


def _remaining(timeout: float | None) -> float | None:
    """``timeout`` shortened to what is left of this thread's request deadline."""
    deadline = getattr(_DEADLINE, "at", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write waits at most until the request's deadline
    (httpcore's own timeouts are per operation: one byte a second would never trip them)."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, _remaining(timeout))
        )

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = self._backend.connect_tcp(
            host, port, _remaining(timeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _DeadlineStream(
            self._backend.connect_unix_socket(path, _remaining(timeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _deadline_transport() -> httpx.HTTPTransport:
    """httpx's transport with connections that honour the request deadline. httpx has no
    parameter for httpcore's network backend: it is set on the pool httpx built."""
    transport = httpx.HTTPTransport(retries=0)
    pool = transport._pool
    pool._network_backend = _DeadlineBackend(pool._network_backend)
    return transport


_CLIENTS: dict[tuple[str, str], httpx.Client] = {}
_CLIENTS_LOCK = threading.Lock()


def http_client(config: IndexerConfig) -> httpx.Client:
    """The long-lived HTTP client of one indexer (by name and URL), created on first use:
    its connections are kept alive between requests, and its TLS context is built once.
    Thread-safe; closed by :func:`close_http_clients`."""
    key = (config.name, config.url)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None or client.is_closed:
            client = httpx.Client(
                transport=_deadline_transport(),
                headers={"User-Agent": USER_AGENT},
                max_redirects=3,
            )
            _CLIENTS[key] = client
        return client


def close_http_clients() -> None:
    """Close every indexer's HTTP client (the monitor's shutdown, the end of a command)."""
    with _CLIENTS_LOCK:
        clients = list(_CLIENTS.values())
        _CLIENTS.clear()
    for client in clients:
        client.close()


# ---------------------------------------------------------------------------------------------
# Client


@dataclass(frozen=True)
class ResolvedDownload:
    """What to hand to the torrent client for a release."""

    info_hash: str
    magnet: str | None = None
    torrent: bytes | None = None


@dataclass
class TorznabClient:
    config: IndexerConfig
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    #: results asked per page (capped by the caps' limit)
    page_size: int = 100
    caps_ttl: _dt.timedelta = CAPS_TTL
    #: None: the indexer's own ``backoff`` (its config) as the first back-off
    backoff: BackoffPolicy | None = None
    transport: httpx.BaseTransport | None = None
    #: called with (indexer name, Query) before each search, for logs
    on_request: Callable[[str, str], None] | None = None

    @property
    def name(self) -> str:
        return self.config.name

    # -- errors -------------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        return redact_text(text, [self.config.api_key])

    def _error(self, cls: type[IndexerError], message: str, **kw) -> IndexerError:
        return cls(self.name, self._redact(message), **kw)

    # -- public -------------------------------------------------------------------------------

    def check_backoff(self) -> None:
        health = indexer_health(self.name)
        if health.backing_off():
            raise self._error(
                IndexerSkipped,
                f"skipped until {health.next_retry_at:%H:%M:%S} UTC after "
                f"{health.failure_count} failures; the last: {health.last_error}",
            )

    def caps(self, *, refresh: bool = False) -> Caps:
        """The indexer's capabilities, from the ``indexer`` table when fresh enough.

        ``refresh=True`` (``doctor``) always asks, and an indexer that refuses ``t=caps`` is an
        error; otherwise such an indexer gets plain text search (:class:`Caps` defaults)."""
        row = ensure_indexer(self.config)
        if (
            not refresh
            and row.caps
            and row.caps_fetched_at
            and utcnow() - row.caps_fetched_at < self.caps_ttl
        ):
            try:
                return parse_caps(_parse_xml(row.caps.encode("utf-8")))
            except (IndexerBadResponse, ValueError):
                pass  # unreadable cache: ask again
        try:
            root = self._call({"t": "caps"})
        except IndexerRequestError:
            if refresh:
                raise
            # an indexer without t=caps: plain text search still works; not cached
            return Caps()
        try:
            caps = parse_caps(root)
        except ValueError as exc:
            raise self._error(IndexerBadResponse, f"t=caps answer is not usable: {exc}") from None
        # the t=caps answer as parsed (control characters gone), re-read on the next search
        raw = ET.tostring(root, encoding="unicode")
        Indexer.update(caps=raw, caps_fetched_at=utcnow()).where(Indexer.id == row.id).execute()
        return caps

    def search(self, query: Query, *, enough: Callable[[Feed], bool] | None = None) -> Feed:
        """Every page of ``query``, duplicates by guid removed: pages are asked by ``offset``
        until a page is empty, brings nothing new, reaches the ``total`` the indexer reports,
        makes ``enough(page)`` true, or ``max_pages`` were read. A page shorter than asked does
        not end it (servers serve fewer per page than their caps say), unless it holds fewer
        than :data:`SMALLEST_SERVER_PAGE` results and no total was given."""
        limit = self.page_size
        releases: list[Release] = []
        seen: set[str] = set()
        dropped = 0
        reasons: list[str] = []
        offset = 0
        total = None
        for _page in range(self.max_pages):
            params = {
                "t": query.function,
                **dict(query.params),
                "extended": "1",
                "offset": str(offset),
                "limit": str(limit),
            }
            if query.categories:
                params["cat"] = ",".join(str(c) for c in query.categories)
            if self.on_request:
                self.on_request(self.name, query.describe() + f" offset={offset}")
            root = self._call(params)
            try:
                feed = parse_feed(root, self.name, self.config.priority)
            except ValueError as exc:
                raise self._error(
                    IndexerBadResponse, f"search answer is not a feed: {exc}"
                ) from None
            dropped += feed.dropped
            reasons.extend(feed.drop_reasons)
            total = feed.total if feed.total is not None else total
            new = [r for r in feed.releases if (r.guid or r.title) not in seen]
            for r in new:
                seen.add(r.guid or r.title)
            releases.extend(new)
            served = len(feed.releases) + feed.dropped
            offset += served
            if not new or (total is not None and offset >= total):
                break
            if total is None and served < min(limit, SMALLEST_SERVER_PAGE):
                break  # a short page no server pages by: the last one (saves a request)
            if enough is not None and enough(feed):
                break
        return Feed(tuple(releases), dropped, tuple(reasons[:5]), total)

    def search_target(self, target: Target, *, manual: bool = False) -> Feed:
        """Back-off check, caps, the best query, every page; health recorded. ``manual``: a
        search the user asked for, which asks an indexer that backs off anyway (its answer
        clears the back-off; its failure does not lengthen it)."""
        return self._recorded(
            lambda caps: build_query(target, caps, self.config.categories), manual=manual
        )

    def recent(self, kind: str, since: _dt.datetime | None = None) -> Feed:
        """The newest releases of one kind ("movie" or "show"; the indexer's RSS feed),
        health recorded. With ``since`` (UTC), pages are read until a page holds a release
        published at or before it; without it (a first sync), every page; both within
        ``max_pages``."""

        def older(page: Feed) -> bool:
            return since is not None and any(
                r.published is not None and r.published <= since for r in page.releases
            )

        return self._recorded(
            lambda caps: recent_query(kind, caps, self.config.categories), enough=older
        )

    def _recorded(
        self,
        make_query: Callable[[Caps], Query],
        enough: Callable[[Feed], bool] | None = None,
        *,
        manual: bool = False,
    ) -> Feed:
        """Run the query ``make_query`` builds from the caps, recording the indexer's health;
        an indexer that backs off is skipped, unless ``manual`` (the user asked)."""
        backing_off = indexer_health(self.name).backing_off()
        if not manual:
            self.check_backoff()
        try:
            caps = self.caps()
            self.page_size = min(self.page_size, caps.limit_max)
            feed = self.search(make_query(caps), enough=enough)
        except IndexerError as exc:
            if not isinstance(exc, IndexerSkipped):
                record_failure(
                    self.name,
                    exc,
                    self.backoff or BackoffPolicy(base=self.config.backoff),
                    counted=not (manual and backing_off),
                )
            raise
        record_success(self.name)
        return feed

    def resolve(self, release: Release) -> ResolvedDownload:
        """The info-hash (and magnet or .torrent bytes) of a release: from its magnet, else by
        fetching its link, which may redirect to a magnet."""
        if release.magnet:
            try:
                return ResolvedDownload(
                    parse_magnet(release.magnet).info_hash, magnet=release.magnet
                )
            except BadTorrent:
                pass
        url = release.download_url
        if not url:
            raise self._error(IndexerBadResponse, f"{release.title!r} has neither magnet nor link")
        for _ in range(5):
            response_url, status, headers, body = self._get(
                url, None, limit=MAX_TORRENT_BYTES, follow=False
            )
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location", "")
                if location.lower().startswith("magnet:"):
                    try:
                        return ResolvedDownload(parse_magnet(location).info_hash, magnet=location)
                    except BadTorrent as exc:
                        raise self._error(
                            IndexerBadResponse, f"link redirects to a bad magnet: {exc}"
                        ) from None
                url = urljoin(response_url, location)
                continue
            self._raise_for_status(status, headers, body)
            try:
                torrent = parse_torrent(body)
            except BadTorrent as exc:
                raise self._error(
                    IndexerBadResponse, f"link for {release.title!r} did not give a torrent: {exc}"
                ) from None
            return ResolvedDownload(torrent.info_hash, torrent=torrent.data)
        raise self._error(IndexerBadResponse, "link redirects too many times")

    # -- HTTP ---------------------------------------------------------------------------------

    def _api_url(self) -> str:
        base = self.config.url.rstrip("/")
        return base if base.endswith("/api") else base + "/api"

    def _get(self, url: str, params: dict | None, *, limit: int, follow: bool = True):
        slot = reserve(self.config, max_wait=self.config.timeout + self.config.min_interval)
        if isinstance(slot, NotNow):
            raise self._error(IndexerSkipped, slot.why)
        delay = (slot.start_at - utcnow()).total_seconds()
        if delay > 0:
            time.sleep(delay)
        started = time.monotonic()
        try:
            return self._get_once(url, params, limit=limit, follow=follow, started=started)
        finally:
            settle(slot, self.config)

    def _get_once(self, url: str, params: dict | None, *, limit: int, follow: bool, started: float):
        timeout = self.config.timeout
        client = (
            http_client(self.config)
            if self.transport is None
            else httpx.Client(transport=self.transport, headers={"User-Agent": USER_AGENT})
        )
        _DEADLINE.at = started + timeout
        try:
            with client.stream(
                "GET",
                url,
                params=params,
                timeout=httpx.Timeout(timeout),
                follow_redirects=follow,
            ) as response:
                log.debug(
                    "%s: GET %s -> %s",
                    self.name,
                    self._redact(str(response.url)),
                    response.status_code,
                )
                declared = _int(response.headers.get("content-length"))
                encoded = response.headers.get("content-encoding", "identity").lower()
                if declared is not None and declared > limit and encoded in ("", "identity"):
                    raise self._error(
                        IndexerBadResponse,
                        f"answer of {declared:,} bytes is larger than the limit of {limit:,}",
                    )
                chunks: list[bytes] = []
                total = 0
                # decoded bytes (gzip, deflate): the limit holds on what the answer becomes
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > limit:
                        raise self._error(
                            IndexerBadResponse,
                            f"answer is larger than the limit of {limit:,} bytes (stopped reading)",
                        )
                    chunks.append(chunk)
                return str(response.url), response.status_code, response.headers, b"".join(chunks)
        except httpx.TimeoutException:
            if time.monotonic() - started >= timeout - 0.05:
                raise self._error(
                    IndexerUnavailable, f"no complete answer within {timeout:g} s"
                ) from None
            raise self._error(IndexerUnavailable, f"no answer within {timeout:g} s") from None
        except httpx.TooManyRedirects:
            raise self._error(IndexerUnavailable, "too many redirects") from None
        except httpx.DecodingError:
            raise self._error(
                IndexerBadResponse, "answer cannot be decompressed (bad gzip or deflate data)"
            ) from None
        except httpx.HTTPError as exc:
            log.debug("%s: %s", self.name, self._redact(repr(exc)))
            raise self._error(
                IndexerUnavailable, f"cannot connect to {self.config.url}: {exc}"
            ) from None
        finally:
            _DEADLINE.at = None
            if self.transport is not None:
                client.close()

    def _raise_for_status(self, status: int, headers, body: bytes) -> None:
        if status < 400:
            return
        if status == 429:
            retry = _retry_after(headers.get("retry-after"))
            if retry:
                hold(self.config, retry)
            shown = f"; asked to wait {retry:g} s" if retry else ""
            raise self._error(
                IndexerRateLimited, f"rate limited (HTTP 429){shown}", retry_after=retry
            )
        try:
            root = _parse_xml(body[:65536])
        except (IndexerBadResponse, ValueError):
            root = None
        if root is not None and _local(root.tag) == "error":
            self._raise_torznab_error(root)
        if status in (401, 403):
            raise self._error(
                IndexerAuthError,
                f"refused the API key (HTTP {status}): check api_key for this indexer",
            )
        if status >= 500:
            retry = _retry_after(headers.get("retry-after"))
            if retry:
                hold(self.config, retry)
            raise self._error(
                IndexerUnavailable, f"server error (HTTP {status})", retry_after=retry
            )
        raise self._error(IndexerRequestError, f"refused the request (HTTP {status})")

    def _raise_torznab_error(self, root) -> None:
        code = _int(root.get("code"), 0) or 0
        text = clean_text(root.get("description") or "")[:200]
        if 100 <= code < 200:
            raise self._error(
                IndexerAuthError,
                f"refused the API key (Torznab error {code}: {text}): check api_key for this indexer",
            )
        if code in (500, 501) or "limit" in text.lower():
            raise self._error(
                IndexerRateLimited, f"rate limited (Torznab error {code}: {text})", retry_after=None
            )
        raise self._error(IndexerRequestError, f"Torznab error {code}: {text}")

    def _call(self, params: dict):
        full = {**params}
        if self.config.api_key:
            full["apikey"] = self.config.api_key
        _url, status, headers, body = self._get(self._api_url(), full, limit=self.max_bytes)
        self._raise_for_status(status, headers, body)
        if _is_web_page(headers.get("content-type", ""), body):
            raise self._error(
                IndexerBadResponse,
                f"the indexer answered a web page (login or protection page?) with HTTP {status}:"
                " check its URL and API key, or open it in a browser",
            )
        try:
            root = _parse_xml(body)
        except IndexerBadResponse as exc:
            raise self._error(IndexerBadResponse, exc.detail) from None
        if _local(root.tag) == "error":
            self._raise_torznab_error(root)
        return root


_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html)", re.IGNORECASE)


def _is_web_page(content_type: str, body: bytes) -> bool:
    """An HTML page rather than a Torznab document (a Cloudflare challenge, a login form)."""
    return (
        "html" in content_type.lower()
        and b"<rss" not in body[:4096]
        or bool(_HTML_START.match(body[:1024]))
    )


_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_C0 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _parse_xml(body: bytes):
    """Parse an answer: UTF-8 checked, C0 control bytes removed, DTDs and entities refused."""
    if not body.strip():
        raise IndexerBadResponse("?", "answered with an empty body")
    m = _DECL_ENCODING.match(body)
    encoding = m.group(1).decode().lower() if m else "utf-8"
    if encoding in ("utf-8", "utf8"):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise IndexerBadResponse("?", f"answer is not valid UTF-8 (byte {exc.start})") from None
    if encoding in ("utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "windows-1252"):
        body = _C0.sub(b"", body)  # never inside a multi-byte character of these encodings
    try:
        return SafeET.fromstring(body, forbid_dtd=True)
    except DefusedXmlException:
        raise IndexerBadResponse(
            "?", "answer declares a DTD or entities (refused: possible entity-expansion attack)"
        ) from None
    except SafeET.ParseError as exc:
        raise IndexerBadResponse("?", f"answer is not well-formed XML ({exc})") from None
    except (LookupError, ValueError) as exc:
        raise IndexerBadResponse("?", f"answer cannot be decoded ({exc})") from None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    seconds = _int(value)
    if seconds is not None:
        return float(max(0, min(seconds, 24 * 3600)))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    return max(0.0, min((when - _dt.datetime.now(_dt.UTC)).total_seconds(), 24 * 3600.0))
