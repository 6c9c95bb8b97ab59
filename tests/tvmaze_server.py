"""A fake TVmaze on loopback: a stdlib ThreadingHTTPServer answering in TVmaze's documented JSON
shapes (https://www.tvmaze.com/api) from shows registered by the test. No test reaches the
internet: the config's ``[metadata] tvmaze_url`` points here."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def show_json(
    tvmaze_id: int,
    name: str,
    premiered: str | None,
    network: str | None = None,
    *,
    imdb: str | None = None,
    tvdb: int | None = None,
    status: str = "Running",
) -> dict:
    return {
        "id": tvmaze_id,
        "url": f"https://www.tvmaze.com/shows/{tvmaze_id}",
        "name": name,
        "type": "Scripted",
        "language": "English",
        "genres": ["Drama"],
        "status": status,
        "premiered": premiered,
        "network": {"id": 1, "name": network, "country": {"code": "US"}} if network else None,
        "webChannel": None,
        "externals": {"tvrage": None, "thetvdb": tvdb, "imdb": imdb},
        "summary": f"<p><b>{name}</b> is a show &amp; more.</p>",
    }


def episode_json(
    episode_id: int, season: int, number: int | None, name: str, airdate: str = ""
) -> dict:
    return {
        "id": episode_id,
        "name": name,
        "season": season,
        "number": number,
        "type": "regular" if number is not None else "significant_special",
        "airdate": airdate,
        "airtime": "21:00",
        "runtime": 60,
    }


class FakeTVmaze:
    def __init__(self) -> None:
        self.shows: dict[int, dict] = {}
        self.episodes: dict[int, list[dict]] = {}
        self.requests: list[str] = []
        self.fail_with: int | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                fake.requests.append(self.path)
                status, body = fake.answer(parts.path, parse_qs(parts.query))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, show: dict, episodes: list[dict]) -> None:
        self.shows[show["id"]] = show
        self.episodes[show["id"]] = episodes

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, object]:
        if self.fail_with:
            return self.fail_with, {"name": "Error", "status": self.fail_with}
        not_found = {"name": "Not Found", "message": "", "code": 0, "status": 404}
        if path == "/search/shows":
            words = (query.get("q") or [""])[0].lower().split()
            hits = [
                {"score": 0.9 - 0.1 * i, "show": s}
                for i, s in enumerate(
                    s for s in self.shows.values() if all(w in s["name"].lower() for w in words)
                )
            ]
            return 200, hits
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and parts[0] == "shows" and parts[1].isdigit():
            show_id = int(parts[1])
            if show_id not in self.shows:
                return 404, not_found
            if len(parts) == 2:
                return 200, self.shows[show_id]
            if parts[2:] == ["episodes"]:
                specials = (query.get("specials") or ["0"])[0] == "1"
                return 200, [
                    e for e in self.episodes[show_id] if specials or e["number"] is not None
                ]
        return 404, not_found

    def config_file(self, folder: Path, extra: str = "") -> Path:
        path = folder / "config.toml"
        path.write_text(f'[metadata]\ntvmaze_url = "{self.url}"\ntimeout = 5.0\n{extra}')
        return path


@contextmanager
def running_tvmaze() -> Iterator[FakeTVmaze]:
    fake = FakeTVmaze()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.httpd.shutdown()
        fake.httpd.server_close()


def standard_shows(fake: FakeTVmaze) -> None:
    """The Expanse (one match) and two shows called The Office (an ambiguous title)."""
    fake.add(
        show_json(1825, "The Expanse", "2015-12-14", "Syfy", imdb="tt3230854", tvdb=280619),
        [
            episode_json(100, 1, 1, "Dulcinea", "2015-12-14"),
            episode_json(101, 1, 2, "The Big Empty", "2015-12-15"),
            episode_json(102, 1, 3, "Remember the Cant", "2015-12-22"),
            episode_json(199, 1, None, "Behind the scenes", "2015-12-30"),
            episode_json(110, 2, 1, "Safe", "2017-02-01"),
        ],
    )
    fake.add(
        show_json(526, "The Office", "2005-03-24", "NBC", imdb="tt0386676"),
        [episode_json(300, 1, 1, "Pilot", "2005-03-24")],
    )
    fake.add(
        show_json(530, "The Office", "2001-07-09", "BBC Two", imdb="tt0290978"),
        [episode_json(400, 1, 1, "Downsize", "2001-07-09")],
    )
