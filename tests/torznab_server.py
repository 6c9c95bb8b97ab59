"""A real Torznab server on loopback for tests (stdlib ``ThreadingHTTPServer`` in a thread).

Each test adds fake indexers (``torznab.add("name", items=[...])``); each answers under
``/name/api``: ``t=caps`` with its caps, searches with its items (paged by offset/limit), or
whatever its ``answer`` callable returns (errors, 429, slow or hostile bodies). Requests are
logged per indexer. ``/name/dl/KEY`` serves ``downloads[KEY]`` (a .torrent or a redirect).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

import pytest


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: seconds to wait before answering
    delay: float = 0.0
    #: seconds between bytes: the whole answer (status line and headers included) is sent one
    #: byte at a time (a server that drips its headers)
    drip: float = 0.0


def caps_xml(
    *,
    tv_params: str = "q,season,ep,tvdbid,tvmazeid,imdbid",
    movie_params: str = "q,imdbid,tmdbid",
    tv: bool = True,
    movie: bool = True,
    limit_max: int = 100,
) -> str:
    yes = {True: "yes", False: "no"}
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<caps>
  <server title="Fake Jackett"/>
  <limits max="{limit_max}" default="{min(limit_max, 50)}"/>
  <searching>
    <search available="yes" supportedParams="q"/>
    <tv-search available="{yes[tv]}" supportedParams="{tv_params}"/>
    <movie-search available="{yes[movie]}" supportedParams="{movie_params}"/>
  </searching>
  <categories>
    <category id="2000" name="Movies"><subcat id="2040" name="Movies/HD"/></category>
    <category id="5000" name="TV"><subcat id="5040" name="TV/HD"/></category>
  </categories>
</caps>"""


def item_xml(
    title: str,
    *,
    guid: str | None = None,
    size: int | str | None = 1_500_000_000,
    seeders: int | str | None = 10,
    peers: int | str | None = None,
    pub_date: str | None = "Tue, 04 Nov 2025 10:00:00 +0000",
    link: str | None = None,
    infohash: str | None = None,
    magnet: str | None = None,
    category: int = 2040,
    attrs: dict[str, str] | None = None,
    raw_title: bool = False,
) -> str:
    guid = guid or f"https://indexer.example/details/{abs(hash(title))}"
    parts = [
        f"<title>{title if raw_title else escape(title)}</title>",
        f"<guid>{escape(guid)}</guid>",
    ]
    if link:
        parts.append(f"<link>{escape(link)}</link>")
    if pub_date is not None:
        parts.append(f"<pubDate>{escape(pub_date)}</pubDate>")
    if size is not None:
        parts.append(f"<size>{size}</size>")
    all_attrs = {"category": str(category)}
    if seeders is not None:
        all_attrs["seeders"] = str(seeders)
    if peers is not None:
        all_attrs["peers"] = str(peers)
    if infohash:
        all_attrs["infohash"] = infohash
    if magnet:
        all_attrs["magneturl"] = magnet
    all_attrs.update(attrs or {})
    for k, v in all_attrs.items():
        parts.append(f"<torznab:attr name={quoteattr(k)} value={quoteattr(v)}/>")
    return "<item>" + "".join(parts) + "</item>"


def feed_xml(items: Iterable[str], *, total: int | None = None, offset: int = 0) -> str:
    """An RSS answer; ``total``: the ``<newznab:response offset total>`` element servers send."""
    response = f'<newznab:response offset="{offset}" total="{total}"/>' if total is not None else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed"'
        ' xmlns:newznab="http://www.newznab.com/DTD/2010/feeds/attributes/">'
        "<channel><title>fake</title>" + response + "".join(items) + "</channel></rss>"
    )


def error_xml(code: int, description: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<error code="{code}" description={quoteattr(description)}/>'


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><item><title>&lol9;</title></item></channel></rss>"""


def huge_body(total: int = 50 * 1024 * 1024) -> Iterator[bytes]:
    """A well-formed-looking feed of ``total`` bytes, generated as it is sent."""
    yield b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
    chunk = (item_xml("Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP") * 100).encode()
    sent = 0
    while sent < total:
        yield chunk
        sent += len(chunk)
    yield b"</channel></rss>"


@dataclass
class FakeIndexer:
    name: str
    server: TorznabServer
    items: list[str] = field(default_factory=list)
    caps: str = field(default_factory=caps_xml)
    #: replaces the default behaviour for API calls when set
    answer: Callable[[dict[str, str]], Reply | None] | None = None
    downloads: dict[str, Reply] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    api_key: str = "secretkey123"

    @property
    def url(self) -> str:
        return f"{self.server.base}/{self.name}"

    def searches(self) -> list[dict[str, str]]:
        return [r for r in self.requests if r.get("t") != "caps"]

    def reply(self, params: dict[str, str]) -> Reply:
        if self.answer is not None:
            custom = self.answer(params)
            if custom is not None:
                return custom
        if self.api_key and params.get("apikey") != self.api_key:
            return Reply(body=error_xml(100, "Invalid API Key").encode())
        if params.get("t") == "caps":
            return Reply(body=self.caps.encode())
        offset = int(params.get("offset", 0))
        limit = int(params.get("limit", 100))
        return Reply(body=feed_xml(self.items[offset : offset + limit]).encode())


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeTorznab/1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        fake_server: TorznabServer = self.server.fake  # type: ignore[attr-defined]
        split = urlsplit(self.path)
        parts = split.path.strip("/").split("/")
        indexer = fake_server.indexers.get(parts[0]) if parts else None
        if indexer is None:
            return self._send(Reply(404, b"no such indexer"))
        params = {k: v[0] for k, v in parse_qs(split.query).items()}
        if len(parts) >= 3 and parts[1] == "dl":
            return self._send(indexer.downloads.get(parts[2], Reply(404, b"no such file")))
        if parts[1:] != ["api"]:
            return self._send(Reply(404, b"not found"))
        indexer.requests.append({**params, "_at": str(time.monotonic())})
        self._send(indexer.reply(params))

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drip:
            return self._drip(reply)
        try:
            self.send_response(reply.status)
            body = reply.body
            if isinstance(body, bytes):
                self.send_header("Content-Length", str(len(body)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            if "Content-Type" not in reply.headers:
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.end_headers()
            if isinstance(body, bytes):
                self.wfile.write(body)
            else:
                for chunk in body:
                    self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _drip(self, reply: Reply) -> None:
        body = reply.body if isinstance(reply.body, bytes) else b"".join(reply.body)
        head = f"HTTP/1.1 {reply.status} OK\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items()) + "\r\n"
        try:
            for byte in head.encode() + body:
                self.wfile.write(bytes([byte]))
                time.sleep(reply.drip)
        except (BrokenPipeError, ConnectionResetError):
            pass


class TorznabServer:
    def __init__(self, port: int = 0) -> None:
        """On ``port`` of loopback (0: a free one)."""
        self.indexers: dict[str, FakeIndexer] = {}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.fake = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def add(self, name: str, **kwargs) -> FakeIndexer:
        fake = FakeIndexer(name=name, server=self, **kwargs)
        self.indexers[name] = fake
        return fake

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def torznab() -> Iterator[TorznabServer]:
    server = TorznabServer()
    try:
        yield server
    finally:
        server.close()
