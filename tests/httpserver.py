"""A small loopback HTTP server for tests: register routes, get URLs, see what was asked.

    server.add("/t/1.torrent", body=data, content_type="application/x-bittorrent")
    server.redirect("/t/2", "magnet:?xt=urn:btih:...")
    server.add("/api", handler=lambda req: Response(200, b"<rss/>"))  # dynamic answers
    url = server.url("/t/1.torrent")

Routes match the path without the query string; ``server.requests`` records every request.
Generic on purpose: any test that needs a web server on 127.0.0.1 can use it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/octet-stream"
    #: False: no Content-Length; the body is written and the connection closed
    send_length: bool = True


Handler = Callable[[Request], Response]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that hung up early (size caps, timeouts) is not a server bug
        super().handle_error(request, client_address)


class LoopbackHTTPServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with server._lock:
                    server.requests.append(request)
                    route = server.routes.get(parts.path)
                response = (
                    route(request) if route else Response(404, b"not found", {}, "text/plain")
                )
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                for key, value in response.headers.items():
                    self.send_header(key, value)
                if response.send_length:
                    self.send_header("Content-Length", str(len(response.body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(response.body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client gave up (e.g. a size cap): fine

            do_GET = do_POST = do_HEAD = _serve

        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- routes ----------------------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        content_type: str = "application/octet-stream",
        headers: dict[str, str] | None = None,
        send_length: bool = True,
        handler: Handler | None = None,
    ) -> str:
        """Serve ``body`` (or ``handler(request)``) at ``path``; returns its URL."""
        if handler is None:
            fixed = Response(status, body, dict(headers or {}), content_type, send_length)

            def handler(_request: Request) -> Response:
                return fixed

        with self._lock:
            self.routes[path] = handler
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        """Answer ``path`` with a redirect to ``location`` (any URI, ``magnet:`` included)."""
        return self.add(path, b"", status=status, headers={"Location": location})

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- life cycle ------------------------------------------------------------------------------

    def start(self) -> LoopbackHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)

    def __enter__(self) -> LoopbackHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture
def http_server() -> Iterator[LoopbackHTTPServer]:
    """A :class:`LoopbackHTTPServer` on a free 127.0.0.1 port, stopped after the test."""
    with LoopbackHTTPServer() as server:
        yield server
