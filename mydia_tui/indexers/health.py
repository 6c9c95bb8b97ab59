"""Indexer errors, health and back-off, kept in the ``indexer`` table.

Each indexer fails alone. A failure is recorded with its time and message (secrets already
redacted); after :attr:`BackoffPolicy.free_failures` failures in a row the indexer is skipped
for an exponentially growing time (1 min, 2 min, 4 min, ... up to 24 h by default), or until
the ``Retry-After`` the server asked for, whichever is later. One success clears it all.
Each change of state is logged once (a warning when an indexer starts failing, with its
reason; an info line when it answers again), never once per request.

:class:`IndexerHealth` is the frozen view the TUI and ``doctor`` read.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import re
import threading
from dataclasses import dataclass

from ..config import IndexerConfig, redact_text
from ..errors import MydiaError
from ..models import Indexer, utcnow


class IndexerError(MydiaError):
    """One indexer could not answer; ``code`` says why, for people and for tests."""

    code = "error"

    def __init__(self, indexer: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"indexer {indexer}: {message}")
        self.indexer = indexer
        self.detail = message
        self.retry_after = retry_after


class IndexerAuthError(IndexerError):
    """Bad or missing API key, suspended account (Torznab codes 100-199, HTTP 401/403)."""

    code = "auth"


class IndexerRateLimited(IndexerError):
    """Too many requests (Torznab 500/501, HTTP 429)."""

    code = "rate_limited"


class IndexerUnavailable(IndexerError):
    """Connection refused, timeout, HTTP 5xx."""

    code = "unavailable"


class IndexerBadResponse(IndexerError):
    """The answer is not a usable Torznab document: bad XML, too large, wrong encoding, ..."""

    code = "bad_response"


class IndexerRequestError(IndexerError):
    """The indexer refused the request (Torznab 200-299: missing or bad parameter, ...)."""

    code = "request_refused"


class IndexerSkipped(IndexerError):
    """The indexer is backing off after failures: it was not asked."""

    code = "backing_off"


@dataclass(frozen=True)
class BackoffPolicy:
    #: first back-off, seconds
    base: float = 60.0
    maximum: float = 24 * 3600.0
    #: failures in a row that do not yet skip the indexer
    free_failures: int = 1

    def delay(self, failures: int) -> float:
        if failures <= self.free_failures:
            return 0.0
        return min(self.maximum, self.base * 2 ** (failures - self.free_failures - 1))


@dataclass(frozen=True)
class IndexerHealth:
    name: str
    ok: bool
    failure_count: int = 0
    failing_since: _dt.datetime | None = None
    next_retry_at: _dt.datetime | None = None
    last_error: str = ""
    caps_fetched_at: _dt.datetime | None = None

    def backing_off(self, now: _dt.datetime | None = None) -> bool:
        now = now or utcnow()
        return self.next_retry_at is not None and self.next_retry_at > now

    def describe(self) -> str:
        if self.ok:
            return f"{self.name}: ok"
        text = f"{self.name}: failing since {self.failing_since:%Y-%m-%d %H:%M} UTC ({self.failure_count} failures): {self.last_error}"
        if self.next_retry_at:
            text += f"; next try after {self.next_retry_at:%H:%M:%S} UTC"
        return text

    @property
    def reason(self) -> str:
        """Why it fails, in a few words (:func:`in_short`); "" when it answers."""
        return "" if self.ok else in_short(self.last_error, self.name)

    def line(self, now: _dt.datetime | None = None) -> str:
        """Its failure in one line (:func:`failing_line`), naming it once."""
        retry = self.next_retry_at if self.backing_off(now) else None
        return failing_line(self.name, self.reason, retry)


#: ``cannot connect to URL: [Errno 111] Connection refused``: what the system said
_CANNOT_CONNECT = re.compile(r"^cannot connect to \S+?: (?:\[[^]]*\] ?)*(?P<why>.+)$")
#: ``server error (HTTP 503)``: the status said after a comma instead of in brackets
_HTTP_STATUS = re.compile(r" \((HTTP \d{3})\)")
#: the first phrase: up to a bracket, a colon or a semicolon
_PHRASE = re.compile(r"^(.+?)(?: \(|: |; |$)")


def in_short(error: str, name: str = "") -> str:
    """An indexer's failure (an :class:`IndexerError`'s text, or ``last_error``) in a few
    words for one line, without its name and without brackets: ``connection refused``, ``no
    answer within 30 s``, ``server error, HTTP 503``, ``refused the API key, HTTP 401``. The
    whole text stays in ``last_error``, the log and ``doctor``."""
    text = " ".join(error.split())
    prefix = f"indexer {name}: "
    while name and text.startswith(prefix):
        text = text[len(prefix) :]
    connect = _CANNOT_CONNECT.match(text)
    if connect:
        text = connect["why"]
        text = text[:1].lower() + text[1:]
    text = _HTTP_STATUS.sub(r", \1", text)
    phrase = _PHRASE.match(text)
    return phrase[1] if phrase else text


def failing_line(name: str, reason: str, retry_at: _dt.datetime | None = None) -> str:
    """One indexer's failure in one line, naming it once, with no brackets inside brackets:
    ``demo-feed is failing (connection refused); retried at 11:21 UTC``. ``retry_at`` (naive
    UTC): when it is asked again (shown to the minute, rounded up). The one wording of an
    indexer's failure for the faces: a search's failure (the dialog, the toast, the history),
    the status bar's reasons."""
    text = f"{name} is failing" + (f" ({reason})" if reason else "")
    if retry_at is not None:
        minute = (retry_at + _dt.timedelta(seconds=59)).replace(second=0, microsecond=0)
        text += f"; retried at {minute:%H:%M} UTC"
    return text


def failure_line(error: IndexerError) -> str:
    """:func:`failing_line` for ``error``, as the indexer's recorded health has it: why it
    failed last (an indexer skipped while it backs off failed before) and when it is asked
    again; an indexer skipped for its request budget "is not asked"."""
    health = indexer_health(error.indexer)
    if isinstance(error, IndexerSkipped) and not health.backing_off():
        return f"{error.indexer} is not asked ({in_short(error.detail)})"
    cause = health.last_error if isinstance(error, IndexerSkipped) else error.detail
    retry = health.next_retry_at if health.backing_off() else None
    return failing_line(error.indexer, in_short(cause or error.detail, error.indexer), retry)


_LOCK = threading.Lock()

log = logging.getLogger(__name__)


def _health(row: Indexer) -> IndexerHealth:
    return IndexerHealth(
        name=row.name,
        ok=row.failure_count == 0,
        failure_count=row.failure_count,
        failing_since=row.failing_since,
        next_retry_at=row.next_retry_at,
        last_error=row.last_error,
        caps_fetched_at=row.caps_fetched_at,
    )


def ensure_indexer(cfg: IndexerConfig) -> Indexer:
    """The ``indexer`` row of ``cfg`` (created, or updated from the config). The API key is
    never stored, nor a secret inside the URL (``apikey=``, ``user:password@``: stored
    redacted, :func:`~mydia_tui.config.redact_text`): the config file holds them."""
    url = redact_text(cfg.url)
    with _LOCK:
        row = Indexer.get_or_none(Indexer.name == cfg.name)
        fields = {
            "url": url,
            "categories": json.dumps(list(cfg.categories)),
            "enabled": cfg.enabled,
            "priority": cfg.priority,
        }
        if row is None:
            row = Indexer.create(name=cfg.name, **fields)
        elif any(getattr(row, k) != v for k, v in fields.items()):
            if row.url != url:  # another server: its caps are not ours
                fields.update(caps="", caps_fetched_at=None)
            Indexer.update(**fields).where(Indexer.id == row.id).execute()
            row = Indexer.get_by_id(row.id)
        return row


def indexer_health(name: str) -> IndexerHealth:
    row = Indexer.get_or_none(Indexer.name == name)
    if row is None:
        return IndexerHealth(name=name, ok=True)
    return _health(row)


def health_of(configs: list[IndexerConfig] | tuple[IndexerConfig, ...]) -> list[IndexerHealth]:
    """The health of each configured indexer, in config order (never searched: ok)."""
    return [indexer_health(c.name) for c in configs]


def all_indexer_health() -> list[IndexerHealth]:
    return [_health(r) for r in Indexer.select().order_by(Indexer.priority, Indexer.name)]


def record_success(name: str) -> None:
    """The indexer answered: its failures are forgotten (logged once, when it was failing)."""
    cleared = (
        Indexer.update(failure_count=0, failing_since=None, next_retry_at=None, last_error="")
        .where((Indexer.name == name) & (Indexer.failure_count > 0))
        .execute()
    )
    if cleared:
        log.info("indexer %s answers again", name)


def record_failure(
    name: str, error: IndexerError, policy: BackoffPolicy | None = None, *, counted: bool = True
) -> IndexerHealth:
    """The indexer failed: one more failure, and its back-off from now. Not ``counted`` (a
    search the user asked for while it backs off): its error is recorded, its failures and
    back-off stay as they were."""
    policy = policy or BackoffPolicy()
    now = utcnow()
    with _LOCK:
        row = Indexer.get(Indexer.name == name)
        if not counted and row.failure_count:
            Indexer.update(last_error=error.detail[:500]).where(Indexer.id == row.id).execute()
            return _health(Indexer.get_by_id(row.id))
        failures = row.failure_count + 1
        delay = policy.delay(failures)
        if error.retry_after:
            delay = max(delay, min(error.retry_after, policy.maximum))
        next_retry = now + _dt.timedelta(seconds=delay) if delay else None
        Indexer.update(
            failure_count=failures,
            failing_since=row.failing_since or now,
            next_retry_at=next_retry,
            last_error=error.detail[:500],  # its name is the row's
        ).where(Indexer.id == row.id).execute()
        health = _health(Indexer.get_by_id(row.id))
    if failures == 1:  # a change of state: it was answering, it fails
        then = f"; not asked until {next_retry:%H:%M:%S} UTC" if next_retry else ""
        log.warning("%s%s", error, then)
    return health


def reset_health(name: str) -> None:
    """Forget failures (the user fixed the config, or ``doctor --retry``)."""
    Indexer.update(failure_count=0, failing_since=None, next_retry_at=None, last_error="").where(
        Indexer.name == name
    ).execute()
