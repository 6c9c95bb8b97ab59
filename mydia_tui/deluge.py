"""The Deluge adapter: the daemon's RPC (``deluge-client``) behind a small, typed, thread-safe API.

Adding a release is two steps so that the dedup guard decides before anything reaches Deluge:

* :func:`prepare` turns a magnet, ``.torrent`` bytes or a URL into a :class:`PreparedTorrent`
  whose ``info_hash`` is known. It is pure (no daemon); URLs are fetched here with ``httpx``.
* :meth:`DelugeClient.add` sends it. "Torrent already in session" is not a failure: the answer
  carries the hash with ``already_present=True`` so the guard adopts the torrent.

Every call is bounded by ``[deluge] timeout``: waiting for the lock, reconnecting and the RPC
itself all share one deadline, so a hung daemon never holds a worker thread longer than that.
After the connection is lost the adapter reconnects by itself on the next call, with back-off
(calls made while backing off fail at once with the last error, without touching the network).
:attr:`DelugeClient.health` says "connected" or "offline since" without making a call.

Widgets never see raw dicts: statuses are frozen :class:`TorrentStatus` records.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx
from deluge_client import DelugeRPCClient
from deluge_client.client import RemoteException

from .config import CHECK_DELUGE_IN_FILE, DelugeConfig, deluge_not_configured, redact_text
from .errors import MydiaError
from .torrent import BadTorrent, b64, make_magnet, parse_magnet, parse_torrent

log = logging.getLogger(__name__)

Kind = Literal["movies", "shows"]

# ---------------------------------------------------------------------------------------------
# Errors


class DelugeError(MydiaError):
    """Talking to Deluge failed. ``where`` is "host:port"; messages never hold the password."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where


class DelugeUnreachable(DelugeError):
    """No connection: refused, unknown host, network down, or the connection was lost."""


class DelugeTimeout(DelugeError):
    """The daemon did not answer within the timeout (hung, or overloaded)."""


class DelugeAuthError(DelugeError):
    """The daemon refused the login."""


class DelugeUnknownUser(DelugeAuthError):
    """The user name is not in the daemon's auth file."""


class DelugeBadPassword(DelugeAuthError):
    """The user exists but the password does not match."""


class DelugeAddError(DelugeError):
    """The daemon refused to add a torrent (other than "already in session")."""


class DelugeTorrentNotFound(DelugeError):
    """The info-hash is not in the daemon's session."""


class DelugeRemoteError(DelugeError):
    """Any other error raised inside the daemon."""


class TorrentFetchError(MydiaError):
    """A release URL could not be fetched (network, HTTP status, too large)."""


# ---------------------------------------------------------------------------------------------
# Preparing a release: magnet / .torrent bytes / URL -> info-hash, before anything is added


MAX_TORRENT_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class PreparedTorrent:
    """A release ready to add: its normalised info-hash and either a magnet or .torrent bytes."""

    info_hash: str
    name: str
    magnet: str | None = None
    data: bytes | None = None
    #: total size from the .torrent (None for a magnet: unknown before metadata)
    total_size: int | None = None
    #: where it came from, for logs and messages (URLs with secrets redacted)
    source: str = ""

    @property
    def is_magnet(self) -> bool:
        return self.data is None

    def __repr__(self) -> str:  # keep megabytes of torrent data out of logs
        size = f"{len(self.data)} bytes" if self.data is not None else "magnet"
        return f"PreparedTorrent({self.info_hash}, {self.name!r}, {size})"


def prepare_magnet(uri: str, source: str = "") -> PreparedTorrent:
    """A magnet link (hex or base32 ``btih``); anything else is :class:`BadTorrent`."""
    magnet = parse_magnet(uri)
    return PreparedTorrent(
        info_hash=magnet.info_hash,
        name=magnet.name,
        magnet=magnet.uri,
        source=source or "magnet",
    )


def prepare_torrent(data: bytes, source: str = "") -> PreparedTorrent:
    """The bytes of a .torrent file; anything else is :class:`BadTorrent`."""
    markup = _markup_kind(data)
    if markup:
        raise BadTorrent(f"{source or 'the file'} is {markup}, not a torrent ({_HINTS[markup]})")
    parsed = parse_torrent(bytes(data))
    return PreparedTorrent(
        info_hash=parsed.info_hash,
        name=parsed.name,
        data=parsed.data,
        total_size=parsed.total_size,
        source=source or "torrent file",
    )


def prepare_url(
    url: str,
    *,
    http: httpx.Client | None = None,
    timeout: float = 15.0,
    max_bytes: int = MAX_TORRENT_BYTES,
    secrets: Iterable[str] = (),
) -> PreparedTorrent:
    """Fetch a release URL: a .torrent, or a redirect (any depth) to a ``magnet:`` URI.

    Redirects are followed here, not by httpx, because httpx cannot follow one to ``magnet:``.
    The body is read in a stream and abandoned past ``max_bytes``; the whole fetch (redirects
    included) must end within ``timeout`` seconds, even when a server sends slowly.
    """
    secrets = tuple(secrets)
    own = http is None
    client = http or httpx.Client(timeout=timeout, headers={"User-Agent": "mydia-tui"})
    deadline = time.monotonic() + timeout  # for the whole fetch, redirects included
    try:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            shown = redact_text(current, secrets)
            if current.lower().startswith("magnet:"):
                return prepare_magnet(current, source=redact_text(url, secrets))
            scheme = urlsplit(current).scheme.lower()
            if scheme not in ("http", "https"):
                raise BadTorrent(f"cannot fetch {shown!r}: not an http(s) or magnet link")
            try:
                with client.stream("GET", current, follow_redirects=False) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("location", "")
                        if not location:
                            raise TorrentFetchError(f"{shown}: redirect without a Location")
                        current = (
                            location
                            if location.lower().startswith("magnet:")
                            else urljoin(current, location)
                        )
                        continue
                    if resp.status_code >= 400:
                        raise TorrentFetchError(
                            f"{shown}: HTTP {resp.status_code} {resp.reason_phrase}"
                        )
                    declared = resp.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise TorrentFetchError(
                            f"{shown}: {int(declared)} bytes is more than a torrent file may be "
                            f"({max_bytes} bytes)"
                        )
                    body = bytearray()
                    for chunk in resp.iter_bytes():
                        body += chunk
                        if time.monotonic() > deadline:
                            raise httpx.ReadTimeout("too slow")
                        if len(body) > max_bytes:
                            raise TorrentFetchError(
                                f"{shown}: more than {max_bytes} bytes, not a torrent file"
                            )
                    data = bytes(body)
                    content_type = resp.headers.get("content-type", "")
            except httpx.TimeoutException:
                raise TorrentFetchError(f"{shown}: no answer within {timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise TorrentFetchError(
                    f"{shown}: {redact_text(str(exc), secrets) or type(exc).__name__}"
                ) from None
            text_start = data[:64].lstrip().lower()
            if text_start.startswith(b"magnet:?"):  # some indexers answer with the magnet text
                return prepare_magnet(data.decode("utf-8", "replace").strip(), source=shown)
            markup = _markup_kind(data)
            try:
                if markup is None:
                    return prepare_torrent(data, source=shown)
            except BadTorrent as exc:
                # not a torrent: its Content-Type may say what it is (a torrent served as
                # text/html is still taken)
                markup = _markup_kind(data, content_type)
                if markup is None:
                    raise BadTorrent(f"{shown}: {exc}") from None
            raise BadTorrent(f"{shown} returned {markup}, not a torrent ({_HINTS[markup]})")
        raise TorrentFetchError(f"{redact_text(url, secrets)}: more than {MAX_REDIRECTS} redirects")
    finally:
        if own:
            client.close()


def prepare(
    source: str | bytes,
    *,
    http: httpx.Client | None = None,
    timeout: float = 15.0,
    max_bytes: int = MAX_TORRENT_BYTES,
    secrets: Iterable[str] = (),
) -> PreparedTorrent:
    """Magnet, bare info-hash, http(s) URL or .torrent bytes -> :class:`PreparedTorrent`."""
    if isinstance(source, bytes | bytearray | memoryview):
        return prepare_torrent(bytes(source))
    text = source.strip()
    if text.lower().startswith("magnet:"):
        return prepare_magnet(text)
    if text.lower().startswith(("http://", "https://")):
        return prepare_url(text, http=http, timeout=timeout, max_bytes=max_bytes, secrets=secrets)
    if re.fullmatch(r"[0-9A-Fa-f]{40}|[A-Za-z2-7]{32}", text):
        return prepare_magnet(make_magnet(text))
    raise BadTorrent(f"not a magnet link, URL or info-hash: {text[:60]!r}")


#: what a markup answer is, and what to check, by :func:`_markup_kind`
_HINTS = {
    "an HTML page": "a login page or an error page: check the indexer's URL and API key",
    "an RSS feed": "an indexer's search or feed: grab --url takes one release's download link",
}


def _markup_kind(data: bytes, content_type: str = "") -> str | None:
    """What an answer that is markup, not a torrent, is (a key of :data:`_HINTS`), or None: an
    RSS or Atom feed (its root element, or a ``Content-Type`` saying so), else an HTML page
    (a page or any other markup, or a ``Content-Type`` saying ``html``)."""
    head = bytes(data[:512]).lstrip().lower()
    kind = content_type.lower()
    if head.startswith(b"<"):
        return "an RSS feed" if b"<rss" in head or b"<feed" in head else "an HTML page"
    if "rss" in kind or "atom" in kind:
        return "an RSS feed"
    return "an HTML page" if "html" in kind else None


# ---------------------------------------------------------------------------------------------
# What the adapter returns


@dataclass(frozen=True)
class AddResult:
    """What a client's add answered (the guard reads ``info_hash`` and ``already_present``)."""

    info_hash: str
    name: str = ""
    #: the torrent was already in Deluge's session: adopt it, nothing was added
    already_present: bool = False
    #: the label set, or "" (no label configured, or the Label plugin is not enabled)
    label: str = ""
    #: a non-fatal problem (e.g. the label could not be set)
    warning: str = ""


#: our states; a finished torrent is "completed" (also when paused or stopped at its ratio)
STATES = ("queued", "checking", "downloading", "seeding", "paused", "error", "moving", "completed")


@dataclass(frozen=True)
class TorrentStatus:
    info_hash: str
    name: str
    #: ours: one of :data:`STATES`
    state: str
    #: Deluge's own state: Queued, Checking, Allocating, Downloading, Seeding, Paused, Error, Moving
    client_state: str
    #: Deluge's message (the error text for state "error"; "OK" otherwise)
    message: str
    #: 0..1
    progress: float
    download_rate: int
    upload_rate: int
    #: seconds; 0 when unknown or finished (Deluge's convention)
    eta: int
    ratio: float
    seeds: int
    peers: int
    #: bytes wanted (the selected files); 0 for a magnet without metadata yet
    total_size: int
    total_done: int
    save_path: str
    label: str
    is_finished: bool
    #: Unix time
    time_added: float

    @property
    def is_complete(self) -> bool:
        """All wanted data is there (ready to import), whatever Deluge is doing with it."""
        return self.state in ("completed", "seeding")


@dataclass(frozen=True)
class TorrentFiles:
    info_hash: str
    name: str
    save_path: str
    #: (path relative to save_path, size in bytes)
    files: tuple[tuple[str, int], ...]
    #: the save path as Deluge reported it, before ``[[deluge.path_mappings]]`` ("" when the
    #: same as ``save_path`` or unknown)
    remote_save_path: str = ""

    def to_json(self) -> str:
        """What is needed to find these files again without Deluge: name, both save paths,
        files (as written to ``download.content``)."""
        return json.dumps(
            {
                "name": self.name,
                "save_path": self.save_path,
                "remote_save_path": self.remote_save_path,
                "files": [list(f) for f in self.files],
            }
        )

    @classmethod
    def from_json(cls, info_hash: str, text: str) -> TorrentFiles | None:
        """The files :meth:`to_json` recorded, or None when nothing (or nothing readable) is."""
        try:
            data = json.loads(text) if text else None
            if not isinstance(data, dict):
                return None
            files = tuple((str(p), int(n)) for p, n in data.get("files") or ())
            return cls(
                info_hash,
                str(data.get("name") or ""),
                str(data.get("save_path") or ""),
                files,
                str(data.get("remote_save_path") or ""),
            )
        except (ValueError, TypeError):
            return None


@dataclass(frozen=True)
class ConnectionHealth:
    """The client's connection to the daemon as last seen (:attr:`DelugeClient.health`). The
    monitor reports it to the faces as the event :class:`mydia_tui.events.DelugeHealth`."""

    connected: bool
    #: daemon version when connected ("" otherwise)
    version: str
    #: when the current state began (UTC)
    since: _dt.datetime
    #: the last error, as a person reads it ("" when none)
    last_error: str
    where: str
    #: the daemon answered but refused the login (user or password): not "offline"
    login_refused: bool = False

    @property
    def text(self) -> str:
        if self.connected:
            return f"Deluge {self.version} at {self.where}"
        stamp = self.since.strftime("%H:%M:%S")
        reason = f": {self.last_error}" if self.last_error else f" ({self.where})"
        return f"Deluge offline since {stamp} UTC{reason}"


#: the keys one poll asks for (never "files": see the module doc)
STATUS_KEYS = (
    "name",
    "state",
    "message",
    "progress",
    "download_payload_rate",
    "upload_payload_rate",
    "eta",
    "ratio",
    "num_seeds",
    "num_peers",
    "total_wanted",
    "total_done",
    "save_path",
    "label",
    "is_finished",
    "time_added",
    "move_completed",
    "move_completed_path",
)

_STATE_MAP = {
    "Queued": "queued",
    "Checking": "checking",
    "Allocating": "checking",
    "Downloading": "downloading",
    "Seeding": "seeding",
    "Paused": "paused",
    "Error": "error",
    "Moving": "moving",
}


def map_state(client_state: str, is_finished: bool, progress: float) -> str:
    """Deluge's state -> ours. A finished torrent is "completed", unless it is being checked,
    moved or is in error: a torrent paused at 100 % (seed ratio reached) is not "paused"."""
    ours = _STATE_MAP.get(client_state, "queued")
    if ours in ("error", "checking", "moving"):
        return ours
    if is_finished or progress >= 1.0:
        return "completed"
    return ours


def move_pending(raw: dict[str, Any]) -> bool:
    """A torrent (Deluge's raw status) whose ``move_completed`` is on and whose save path is
    not yet its ``move_completed_path``: Deluge has still to move (or is moving) its files, so
    it is not ready to import even when finished."""
    if not raw.get("move_completed"):
        return False
    target = str(raw.get("move_completed_path") or "").rstrip("/\\")
    return bool(target) and str(raw.get("save_path") or "").rstrip("/\\") != target


def status_from_dict(
    info_hash: str, raw: dict[str, Any], local_path: Callable[[str], str] | None = None
) -> TorrentStatus:
    """One torrent's raw status (Deluge's keys) as ours; ``local_path`` translates the save
    path Deluge reports to this machine's (:meth:`DelugeConfig.local_path`)."""
    save_path = str(raw.get("save_path") or "")
    client_state = str(raw.get("state") or "")
    progress = max(0.0, min(1.0, float(raw.get("progress") or 0.0) / 100.0))
    is_finished = bool(raw.get("is_finished"))
    total = int(raw.get("total_wanted") or 0)
    state = map_state(client_state, is_finished, progress if total else 0.0)
    if state == "completed" and move_pending(raw):
        state = "moving"  # finished, but Deluge has not moved it to move_completed_path yet
    return TorrentStatus(
        info_hash=info_hash,
        name=str(raw.get("name") or ""),
        state=state,
        client_state=client_state,
        message=str(raw.get("message") or ""),
        progress=progress,
        download_rate=int(raw.get("download_payload_rate") or 0),
        upload_rate=int(raw.get("upload_payload_rate") or 0),
        eta=max(0, int(raw.get("eta") or 0)),
        ratio=float(raw.get("ratio") or 0.0),
        seeds=int(raw.get("num_seeds") or 0),
        peers=int(raw.get("num_peers") or 0),
        total_size=total,
        total_done=int(raw.get("total_done") or 0),
        save_path=local_path(save_path) if local_path else save_path,
        label=str(raw.get("label") or ""),
        is_finished=is_finished,
        time_added=float(raw.get("time_added") or 0.0),
    )


# ---------------------------------------------------------------------------------------------
# The socket under deluge-client, bounded by one deadline per public call


class _DeadlineSocket:
    """Wraps the client's TLS socket: each blocking operation gets only the time left."""

    def __init__(self, sock: Any, deadline: float) -> None:
        self._sock = sock
        self.deadline = deadline
        # deluge-client writes a 5-byte header and the body separately: with Nagle's algorithm
        # and delayed ACKs every call would wait ~40 ms for the body to leave
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):
            pass

    def _arm(self) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline reached")
        self._sock.settimeout(left)

    def connect(self, address: Any) -> None:
        self._arm()
        self._sock.connect(address)

    def send(self, data: bytes) -> int:
        self._arm()
        self._sock.sendall(data)
        return len(data)

    def recv(self, size: int) -> bytes:
        self._arm()
        # deluge-client reads a message 10 bytes at a time (slow for a poll of thousands of
        # torrents); reading more is safe: one request is in flight at a time and nothing else
        # is sent to us (no event subscriptions). Reads of 1 byte (version sniffing) stay exact.
        return self._sock.recv(size if size < 10 else 256 * 1024)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


# ---------------------------------------------------------------------------------------------
# The adapter


_TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (OSError, ssl.SSLError)


class DelugeClient:
    """Thread-safe adapter for one Deluge daemon (one connection, one lock).

    Create it once and share it; call it from worker threads, never from the UI thread.
    ``rpc_calls`` counts the RPCs made (connecting not included), for tests and benchmarks.
    ``diff`` (default on): polls ask Deluge only for what changed since the last poll on this
    connection, so a poll of thousands of idle torrents decodes almost nothing.
    """

    def __init__(
        self,
        config: DelugeConfig,
        *,
        backoff_base: float = 0.5,
        backoff_max: float = 15.0,
        client_factory: Callable[..., Any] | None = None,
        diff: bool = True,
        check: str = CHECK_DELUGE_IN_FILE,
        configured: bool = True,
    ) -> None:
        self.config = config
        #: what an error tells the user to check, ``{keys}`` the settings: the file's words
        #: (:data:`~mydia_tui.config.CHECK_DELUGE_IN_FILE`) or the app's settings screen
        self.check = check
        #: whether Deluge was set up at all (:attr:`~mydia_tui.config.Config.deluge_configured`):
        #: if not, nothing answering at the default address says so, not "refused"
        self.configured = configured
        self.where = f"{config.host}:{config.port}"
        self.timeout = float(config.timeout)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.rpc_calls = 0
        #: connections made to the daemon so far (a new one after a restart of the daemon)
        self.connections = 0
        self._factory = client_factory
        self._lock = threading.Lock()
        self._client: Any = None
        self._version = ""
        self._failures = 0
        self._retry_at = 0.0
        self._last_error: DelugeError | None = None
        self._plugins: tuple[str, ...] | None = None
        #: ask Deluge for status changes only (``diff=True``), merged into a per-connection cache
        self.diff = diff
        self._diff_owner: Any = None
        self._raw_cache: dict[str, dict[str, Any]] = {}
        self._status_cache: dict[str, TorrentStatus] = {}
        self._health = ConnectionHealth(False, "", _utcnow(), "not connected yet", self.where)

    # -- health --------------------------------------------------------------------------------

    @property
    def health(self) -> ConnectionHealth:
        """The connection state as last seen; reading it makes no call."""
        return self._health

    @property
    def is_connected(self) -> bool:
        return self._health.connected

    # -- connection ----------------------------------------------------------------------------

    def connect(self) -> str:
        """Connect now (ignoring back-off) and return the daemon's version."""
        with self._locked(time.monotonic() + self.timeout) as deadline:
            self._retry_at = 0.0
            self._ensure_connected(deadline)
            return self._version

    def close(self) -> None:
        with self._lock:
            self._drop()
            self._health = ConnectionHealth(False, "", _utcnow(), "closed", self.where)

    def version(self) -> str:
        """The daemon's version (``daemon.info``), e.g. "2.2.0"."""
        version = str(self._call("daemon.info"))
        self._version = version
        return version

    # -- adding --------------------------------------------------------------------------------

    def add(
        self,
        prepared: PreparedTorrent,
        kind: Kind = "movies",
        *,
        paused: bool | None = None,
        location: str | None = None,
        label: str | None = None,
    ) -> AddResult:
        """Add a prepared release; an info-hash already in the session is adopted, not an error.

        ``location`` defaults to ``movies_location`` / ``shows_location`` (by ``kind``; empty:
        the daemon's default), ``paused`` to ``add_paused``, ``label`` to ``[deluge] label``.
        """
        if kind not in ("movies", "shows"):
            raise ValueError(f"kind must be 'movies' or 'shows', not {kind!r}")
        cfg = self.config
        options: dict[str, Any] = {"add_paused": cfg.add_paused if paused is None else bool(paused)}
        where = (
            location
            if location is not None
            else (cfg.movies_location if kind == "movies" else cfg.shows_location)
        )
        if where:
            options["download_location"] = where
        try:
            if prepared.is_magnet:
                answer = self._call("core.add_torrent_magnet", prepared.magnet, options)
            else:
                filename = f"{prepared.name or prepared.info_hash}.torrent"
                answer = self._call(
                    "core.add_torrent_file", filename, b64(prepared.data or b""), options
                )
        except DelugeAddError as exc:
            if "already in session" not in str(exc).lower():
                raise
            log.info("Deluge already has %s (%s): adopting it", prepared.info_hash, prepared.name)
            return AddResult(prepared.info_hash, prepared.name, already_present=True)
        got = str(answer or "").lower()
        if not got and self.status(prepared.info_hash) is None:
            raise DelugeAddError(
                f"Deluge at {self.where} did not add {prepared.name or prepared.info_hash!r} "
                "and gave no reason (see the daemon's log)",
                self.where,
            )
        if got and got != prepared.info_hash:
            # cannot happen for a correct torrent; say so loudly rather than track a wrong hash
            raise DelugeAddError(
                f"Deluge at {self.where} added {prepared.name!r} as {got}, "
                f"but its info-hash is {prepared.info_hash}",
                self.where,
            )
        wanted_label = cfg.label if label is None else label
        set_label, warning = self._apply_label(prepared.info_hash, wanted_label)
        return AddResult(prepared.info_hash, prepared.name, False, set_label, warning)

    def _apply_label(self, info_hash: str, label: str) -> tuple[str, str]:
        label = label.strip().lower()
        if not label:
            return "", ""
        try:
            if "Label" not in self.enabled_plugins():
                return "", ""
            if label not in [str(x) for x in self._call("label.get_labels")]:
                try:
                    self._call("label.add", label)
                except DelugeRemoteError as exc:
                    if "already exists" not in str(exc).lower():
                        raise
            self._call("label.set_torrent", info_hash, label)
            return label, ""
        except (DelugeRemoteError, DelugeAddError) as exc:
            warning = f"could not set label {label!r}: {exc}"
            log.warning("Deluge at %s: %s", self.where, warning)
            return "", warning

    def enabled_plugins(self, refresh: bool = False) -> tuple[str, ...]:
        if self._plugins is None or refresh:
            self._plugins = tuple(str(p) for p in self._call("core.get_enabled_plugins"))
        return self._plugins

    # -- status --------------------------------------------------------------------------------

    def statuses(self, info_hashes: Iterable[str]) -> dict[str, TorrentStatus]:
        """Status of the given torrents in ONE call; hashes not in the session are absent."""
        wanted = sorted({h.lower() for h in info_hashes})
        if not wanted:  # an empty id filter would mean "all torrents" to some callers
            return {}
        return self._poll({"id": wanted})

    def status(self, info_hash: str) -> TorrentStatus | None:
        return self.statuses([info_hash]).get(info_hash.lower())

    def session(self) -> dict[str, TorrentStatus]:
        """Every torrent in the daemon (for reconciliation), in one call, same keys as a poll."""
        return self._poll({})

    def session_hashes(self) -> frozenset[str]:
        """Just the info-hashes in the daemon (``core.get_session_state``): the cheapest listing."""
        return frozenset(str(h).lower() for h in self._call("core.get_session_state") or ())

    def _poll(self, filter_dict: dict[str, Any]) -> dict[str, TorrentStatus]:
        keys = list(STATUS_KEYS)
        if not self.diff:
            raw = self._call("core.get_torrents_status", filter_dict, keys)
            return {
                str(h): status_from_dict(str(h), d, self.config.local_path)
                for h, d in (raw or {}).items()
                if d
            }
        full_listing = not filter_dict
        for _ in (1, 2):
            result = self._call(
                "core.get_torrents_status",
                filter_dict,
                keys,
                True,
                then=lambda raw: self._merge_diff(raw, full_listing),
            )
            if result is not None:
                return result
        raise DelugeRemoteError(  # pragma: no cover - needs a daemon that forgets its diffs twice
            f"Deluge at {self.where} sent status changes for torrents never seen", self.where
        )

    def _merge_diff(
        self, raw: dict[str, Any], full_listing: bool
    ) -> dict[str, TorrentStatus] | None:
        """Apply a ``diff=True`` answer to the cache of this connection (the lock is held).

        Deluge remembers, per RPC session, what it last sent for each torrent and then sends only
        the keys whose values changed ({} for an unchanged torrent). The cache therefore belongs
        to one connection: a new connection (a new session on the daemon) starts it afresh, and
        any failure during a diff call drops the connection (see :meth:`_call`). None: the answer
        does not fit the cache (cannot happen unless Deluge forgot); the connection is dropped
        and the caller asks again on a new one, which answers in full.
        """
        if self._diff_owner is not self._client:
            self._diff_owner = self._client
            self._raw_cache = {}
            self._status_cache = {}
        out: dict[str, TorrentStatus] = {}
        for key, changes in (raw or {}).items():
            info_hash = str(key)
            before = self._raw_cache.get(info_hash)
            if before is None:
                if "time_added" not in (changes or {}):  # a partial answer for an unseen torrent
                    self._drop()
                    return None
                merged = dict(changes)
            elif not changes:
                out[info_hash] = self._status_cache[info_hash]
                continue
            else:
                merged = {**before, **changes}
            self._raw_cache[info_hash] = merged
            out[info_hash] = self._status_cache[info_hash] = status_from_dict(
                info_hash, merged, self.config.local_path
            )
        if full_listing:  # forget torrents that left the session
            for gone in set(self._raw_cache) - set(out):
                del self._raw_cache[gone]
                self._status_cache.pop(gone, None)
        return out

    def files(self, info_hash: str) -> TorrentFiles:
        """Files of one torrent (for import): paths relative to ``save_path``, sizes.
        ``save_path`` is this machine's (``[[deluge.path_mappings]]`` applied), ``remote_save_path``
        the one Deluge reported. Raises :class:`DelugeTorrentNotFound` when it is not in the
        session."""
        info_hash = info_hash.lower()
        raw = self._call("core.get_torrent_status", info_hash, ["name", "save_path", "files"])
        if not raw:
            raise DelugeTorrentNotFound(
                f"Deluge at {self.where} has no torrent {info_hash}", self.where
            )
        files = tuple(
            (str(f.get("path", "")), int(f.get("size", 0)))
            for f in sorted(raw.get("files") or (), key=lambda f: f.get("index", 0))
        )
        reported = str(raw.get("save_path", ""))
        return TorrentFiles(
            info_hash, str(raw.get("name", "")), self.config.local_path(reported), files, reported
        )

    # -- actions -------------------------------------------------------------------------------

    def pause(self, info_hashes: Iterable[str]) -> None:
        self._each("core.pause_torrents", info_hashes)

    def resume(self, info_hashes: Iterable[str]) -> None:
        self._each("core.resume_torrents", info_hashes)

    def recheck(self, info_hashes: Iterable[str]) -> None:
        self._each("core.force_recheck", info_hashes)

    def queue_up(self, info_hashes: Iterable[str]) -> None:
        self._each("core.queue_up", info_hashes)

    def queue_down(self, info_hashes: Iterable[str]) -> None:
        self._each("core.queue_down", info_hashes)

    def queue_top(self, info_hashes: Iterable[str]) -> None:
        self._each("core.queue_top", info_hashes)

    def queue_bottom(self, info_hashes: Iterable[str]) -> None:
        self._each("core.queue_bottom", info_hashes)

    def remove(self, info_hash: str, *, delete_data: bool = False) -> bool:
        """Remove one torrent (and its data if asked). False: it was not in the session."""
        try:
            return bool(self._call("core.remove_torrent", info_hash.lower(), bool(delete_data)))
        except DelugeTorrentNotFound:
            return False

    def _each(self, method: str, info_hashes: Iterable[str]) -> None:
        ids = [h.lower() for h in ([info_hashes] if isinstance(info_hashes, str) else info_hashes)]
        if not ids:  # Deluge reads an empty list as "every torrent"
            return
        self._call(method, ids)

    # -- the one way to make a call ------------------------------------------------------------

    def _call(self, method: str, *args: Any, then: Callable[[Any], Any] | None = None) -> Any:
        """One RPC under the lock, within one deadline; reconnects when needed.

        ``then(result)`` runs under the same lock, on the answer of the connection that is
        current; a call with ``then`` that fails in any way drops the connection (its session
        state on the daemon, such as status diffs, can no longer be trusted).
        """
        with self._locked(time.monotonic() + self.timeout) as deadline:
            fresh = self._ensure_connected(deadline)
            for attempt in (1, 2):
                self._client._socket.deadline = deadline
                self.rpc_calls += 1
                try:
                    result = self._client.call(method, *args)
                    return then(result) if then is not None else result
                except Exception as exc:
                    err = self._map(exc, during=method)
                    if not isinstance(err, DelugeUnreachable | DelugeTimeout):
                        if then is not None:
                            self._drop()
                        raise err from None  # the daemon answered: the connection is fine
                    self._drop()
                    # a connection that was fine before may only be stale (daemon restarted):
                    # one immediate reconnect, unless the time is up or it was a hang
                    if attempt == 1 and not fresh and isinstance(err, DelugeUnreachable):
                        try:
                            self._retry_at = 0.0
                            self._ensure_connected(deadline)
                            continue
                        except DelugeError as again:
                            raise again from None
                    self._went_offline(err)
                    raise err from None
            raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _locked(self, deadline: float) -> Iterator[float]:
        """Hold the lock, waiting for it no longer than the call's deadline allows."""
        if not self._lock.acquire(timeout=max(deadline - time.monotonic(), 0.0)):
            raise DelugeTimeout(
                f"Deluge at {self.where} did not answer within {self.timeout:g} s "
                "(another call is still waiting for it)",
                self.where,
            )
        try:
            yield deadline
        finally:
            self._lock.release()

    def _ensure_connected(self, deadline: float) -> bool:
        """Connect if needed (lock held). True when a new connection was made."""
        if self._client is not None:
            return False
        now = time.monotonic()
        if now < self._retry_at and self._last_error is not None:
            raise type(self._last_error)(
                # what is tried again is the connection, not the caller's action (a user's
                # pause said "retrying" and was never retried: a new user's report)
                f"{self._last_error} (not tried: the next connection attempt is in "
                f"{self._retry_at - now:.1f} s)",
                self.where,
            )
        cfg = self.config
        client = None
        try:
            client = self._new_client()
            client._socket = _DeadlineSocket(client._socket, deadline)
            client.connect()
            if not isinstance(client._socket, _DeadlineSocket):  # re-created by a TLS fallback
                client._socket = _DeadlineSocket(client._socket, deadline)
            client._socket.deadline = deadline
            version = str(client.call("daemon.info"))
        except Exception as exc:
            if client is not None:
                _close_quietly(client)
            err = self._map(exc, during="login")
            self._went_offline(err)
            raise err from None
        self._client = client
        self._version = version
        self._failures = 0
        self._retry_at = 0.0
        self._last_error = None
        if not self._health.connected:
            log.info("connected to Deluge %s at %s as %r", version, self.where, cfg.username)
        self._health = ConnectionHealth(True, version, _utcnow(), "", self.where)
        self._plugins = None
        self.connections += 1
        return True

    def _new_client(self) -> Any:
        cfg = self.config
        if self._factory is not None:
            return self._factory(cfg)
        return DelugeRPCClient(
            cfg.host,
            cfg.port,
            cfg.username,
            cfg.password,
            decode_utf8=True,
            automatic_reconnect=False,  # ours has a deadline and back-off
            timeout=self.timeout,
        )

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            _close_quietly(client)

    def _went_offline(self, err: DelugeError) -> None:
        self._failures += 1
        delay = min(self.backoff_max, self.backoff_base * 2 ** (self._failures - 1))
        self._retry_at = time.monotonic() + delay
        self._last_error = err
        if self._health.connected or self._failures == 1:
            log.warning("%s", err)
            since = _utcnow()
        else:  # keep "offline since" at the first failure; refresh the reason only
            since = self._health.since
        refused = isinstance(err, DelugeAuthError)
        self._health = ConnectionHealth(False, "", since, str(err), self.where, refused)

    # -- error mapping -------------------------------------------------------------------------

    def _map(self, exc: BaseException, during: str) -> DelugeError:
        """deluge-client / socket exception -> our error; never carries the password."""
        where = self.where
        user = self.config.username
        name = type(exc).__name__
        text = redact_text(str(exc), [self.config.password]).strip()
        first = text.splitlines()[0] if text else name
        if isinstance(exc, DelugeError):
            return exc
        if name in ("BadLoginError", "AuthenticationRequired"):
            low = text.lower()
            if "username does not exist" in low:
                return DelugeUnknownUser(
                    f"Deluge at {where} has no user {user!r}: "
                    f"{self.check.format(keys='username')} (and the daemon's auth file)",
                    where,
                )
            if "password" in low:
                return DelugeBadPassword(
                    f"Deluge at {where} refused the login for user {user!r}: "
                    + self.check.format(keys="username/password"),
                    where,
                )
            return DelugeAuthError(
                f"Deluge at {where} refused the login for user {user!r} ({name}): "
                + self.check.format(keys="username/password"),
                where,
            )
        if name == "AddTorrentError":
            return DelugeAddError(f"Deluge at {where} did not add the torrent: {first}", where)
        if name == "InvalidTorrentError":
            return DelugeTorrentNotFound(f"Deluge at {where}: {first}", where)
        if name in ("CallTimeoutException",) or isinstance(exc, TimeoutError | socket.timeout):
            return DelugeTimeout(
                f"Deluge at {where} did not answer within {self.timeout:g} s ({during}): "
                "is the daemon hung or overloaded?",
                where,
            )
        if isinstance(exc, ConnectionRefusedError) and not self.configured:
            return DelugeUnreachable(deluge_not_configured(where), where)
        if isinstance(exc, ConnectionRefusedError):
            return DelugeUnreachable(
                f"Deluge at {where} refused the connection: is deluged running? "
                + self.check.format(keys="host/port"),
                where,
            )
        if isinstance(exc, socket.gaierror):
            return DelugeUnreachable(
                f"Deluge at {where}: unknown host {self.config.host!r}: "
                + self.check.format(keys="host"),
                where,
            )
        if name in ("ConnectionLostException", "FailedToReconnectException") or isinstance(
            exc, _TRANSPORT_ERRORS
        ):
            detail = first if first != name else "connection closed"
            return DelugeUnreachable(
                f"Deluge at {where}: connection lost ({detail}): is deluged running?", where
            )
        if name == "InvalidHeaderException":
            return DelugeUnreachable(
                f"Deluge at {where} does not speak Deluge 2's protocol: is this a deluged RPC port?",
                where,
            )
        missing = _missing_torrent(exc, first)
        if missing:
            return DelugeTorrentNotFound(
                f"the torrent {missing} is no longer in Deluge at {where}", where
            )
        if _is_remote(exc):
            return DelugeRemoteError(f"Deluge at {where}: {name}: {first}", where)
        return DelugeUnreachable(f"Deluge at {where}: {name}: {first}", where)


def daemon_version(config: DelugeConfig, check: str = CHECK_DELUGE_IN_FILE) -> str:
    """Connect once to the daemon ``config`` names, log in, and return its version (e.g.
    "2.1.1"); the connection is closed again. Bounded by ``config.timeout`` (seconds).
    Raises :class:`DelugeError` with the exact reason (:class:`DelugeUnreachable`,
    :class:`DelugeTimeout`, :class:`DelugeUnknownUser`, :class:`DelugeBadPassword`, ...); the
    password is never in the message, and what to check is said in ``check``'s words
    (:class:`DelugeClient`). The settings screen's "test connection"."""
    client = DelugeClient(config, check=check)
    try:
        return client.connect()
    finally:
        client.close()


def _close_quietly(client: Any) -> None:
    try:
        client._socket.close()
    except Exception:  # noqa: BLE001 - closing a dead socket may fail any way
        pass


def _is_remote(exc: BaseException) -> bool:
    return isinstance(exc, RemoteException)


#: Deluge 2's answer to an action on a torrent not in its session (pause, resume, recheck, a
#: queue move: ``torrentmanager[torrent_id]``): the KeyError of the info-hash, wrapped, as
#: deluge-client words it: ``'1180b4...', KeyError, Traceback (most recent call last):``
_MISSING_TORRENT = re.compile(r"""^['"]?([0-9a-f]{40})['"]?, KeyError,""")


def _missing_torrent(exc: BaseException, first: str) -> str:
    """The info-hash of a torrent the daemon says is not in its session ("" when ``exc`` says
    something else)."""
    found = _MISSING_TORRENT.match(first) if _is_remote(exc) else None
    return found.group(1) if found else ""


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


__all__ = [
    "MAX_TORRENT_BYTES",
    "STATES",
    "STATUS_KEYS",
    "AddResult",
    "DelugeAddError",
    "DelugeAuthError",
    "DelugeBadPassword",
    "DelugeClient",
    "DelugeError",
    "ConnectionHealth",
    "DelugeRemoteError",
    "DelugeTimeout",
    "DelugeTorrentNotFound",
    "DelugeUnknownUser",
    "DelugeUnreachable",
    "PreparedTorrent",
    "TorrentFetchError",
    "TorrentFiles",
    "TorrentStatus",
    "map_state",
    "prepare",
    "prepare_magnet",
    "prepare_torrent",
    "prepare_url",
    "status_from_dict",
]
