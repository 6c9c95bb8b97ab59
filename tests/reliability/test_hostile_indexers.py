"""The hostile indexer matrix, served from loopback: an indexer answering with an entity bomb,
an external entity, a body of tens of megabytes, a redirect loop, a ``file://`` redirect, a
login page, garbage, a server error, silence past its timeout, titles carrying terminal
controls, absurd values. A search beside it still finds the good indexer's release, never
hangs, and keeps nothing unsafe; a release link that is hostile is a bad torrent."""

from __future__ import annotations

import threading

import pytest
from torznab_server import BOMB, Reply, feed_xml, huge_body, item_xml

from mydia_tui.config import Config, IndexerConfig
from mydia_tui.deluge import TorrentFetchError, prepare_url
from mydia_tui.library import add_movie, movie_target
from mydia_tui.torrent import BadTorrent, bencode
from mydia_tui.untrusted import UNSAFE

GOOD = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GOOD"
MAGNET = "magnet:?xt=urn:btih:" + "cd" * 20

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>"""


def _answers() -> dict[str, Reply | str]:
    hostile_title = "Big.Buck.Bunny.2008.1080p\u202e.BluRay\u0007-EVIL\u009b2J"
    return {
        "entity bomb": Reply(body=BOMB),
        "external entity": Reply(body=XXE),
        "30 MB body": Reply(body=huge_body(30 * 1024 * 1024)),
        "redirect loop": Reply(302, headers={"Location": "/bad/api?t=search"}),
        "file redirect": Reply(302, headers={"Location": "file:///etc/passwd"}),
        "login page": Reply(
            body=b"<html><body>Please log in</body></html>", headers={"Content-Type": "text/html"}
        ),
        "garbage": Reply(body=bytes(range(256)) * 100),
        "server error": Reply(500, b"Internal Server Error"),
        "silence": Reply(delay=4.0, body=feed_xml([]).encode()),
        "terminal controls": feed_xml([item_xml(hostile_title, raw_title=True, magnet=MAGNET)]),
        "absurd values": feed_xml(
            [
                item_xml(
                    "Big.Buck.Bunny.2008.720p.BluRay-ABSURD",
                    size="-5",
                    seeders="1" * 40,
                    peers="x",
                    pub_date="yesterday-ish",
                    magnet=MAGNET,
                )
            ]
        ),
        "not utf-8": Reply(
            body=b'<?xml version="1.0" encoding="utf-8"?><rss><channel><item>'
            b"<title>\xff\xfe</title></item></channel></rss>"
        ),
    }


@pytest.mark.parametrize("kind", sorted(_answers()))
def test_a_hostile_indexer_beside_a_good_one(db, torznab, kind):
    answer = _answers()[kind]
    good = torznab.add("good", items=[item_xml(GOOD, magnet="magnet:?xt=urn:btih:" + "ab" * 20)])

    def hostile(params: dict[str, str]) -> Reply | None:
        if params.get("t") == "caps":
            return None
        return answer if isinstance(answer, Reply) else Reply(body=answer.encode())

    bad = torznab.add("bad", answer=hostile)
    config = Config(
        indexers=tuple(
            IndexerConfig(name=f.name, url=f.url, api_key=f.api_key, min_interval=0, timeout=2)
            for f in (good, bad)
        )
    )
    film = add_movie("Big Buck Bunny", 2008)
    result: dict = {}

    def run() -> None:
        from mydia_tui.item_search import search

        try:
            result["outcome"] = search(config, movie_target(film.id))
        except BaseException as exc:  # noqa: BLE001 - the probe reports what escaped
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the search hung"
    assert "error" not in result, repr(result.get("error"))
    outcome = result["outcome"]
    titles = [d.release.title for d in outcome.candidates + outcome.rejected]
    assert GOOD in titles, titles
    for report in outcome.indexers:
        assert not UNSAFE.search(report.message or ""), report.message
    if kind == "terminal controls":  # kept, cleaned
        assert "Big.Buck.Bunny.2008.1080p.BluRay-EVIL2J" in titles, titles
    for title in titles:
        assert not UNSAFE.search(title), repr(title)
        assert "root:" not in title  # no file was read through an entity


PIECES = b"\x00" * 20


@pytest.mark.parametrize(
    "kind",
    ["file redirect", "redirect loop", "oversized", "malformed", "v2 only", "html", "empty"],
)
def test_a_hostile_release_link_is_a_bad_torrent(http_server, kind):
    if kind == "file redirect":
        url = http_server.redirect("/t", "file:///etc/passwd")
    elif kind == "redirect loop":
        url = http_server.redirect("/t", "/t")
    elif kind == "oversized":
        url = http_server.add("/t", b"d" + b"0" * (11 * 1024 * 1024), send_length=False)
    elif kind == "malformed":
        info = {"name": 5, "piece length": 16384, "pieces": PIECES, "files": [1, 2]}
        url = http_server.add("/t", bencode({"info": info}))
    elif kind == "v2 only":
        info = {"name": "x", "piece length": 16384, "meta version": 2, "file tree": {}}
        url = http_server.add("/t", bencode({"info": info}))
    elif kind == "html":
        url = http_server.add("/t", b"<!DOCTYPE html><html>login</html>", content_type="text/html")
    else:
        url = http_server.add("/t", b"")
    with pytest.raises((BadTorrent, TorrentFetchError)):
        prepare_url(url, timeout=5)
