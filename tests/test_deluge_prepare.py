"""prepare() and the pure parts of the Deluge adapter: no daemon needed."""

from __future__ import annotations

import base64
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from deluge_fixtures import make_release
from httpserver import LoopbackHTTPServer, Response

from mydia_tui.config import DelugeConfig
from mydia_tui.deluge import (
    ConnectionHealth,
    DelugeClient,
    DelugeUnreachable,
    TorrentFetchError,
    map_state,
    prepare,
    prepare_url,
    status_from_dict,
)
from mydia_tui.deluge_daemon import DELUGED_ENV, DelugedNotFound, find_deluged, free_port
from mydia_tui.torrent import BadTorrent

HEX = "c9e15763f722f23e98a29decdfae341b98d53056"
B32 = base64.b32encode(bytes.fromhex(HEX)).decode()


@pytest.fixture
def release(tmp_path: Path):
    return make_release(tmp_path, "Big.Buck.Bunny.2008.1080p", size=40_000)


def test_prepare_hex_magnet():
    p = prepare(f"magnet:?xt=urn:btih:{HEX.upper()}&dn=Some.Film.2020")
    assert (p.info_hash, p.name, p.is_magnet, p.data) == (HEX, "Some.Film.2020", True, None)


def test_prepare_base32_magnet_gives_the_hex_hash():
    p = prepare(f"magnet:?xt=urn:btih:{B32}&dn=x")
    assert p.info_hash == HEX
    assert p.magnet and B32 in p.magnet


def test_prepare_bare_info_hash():
    assert prepare(B32.lower()).info_hash == HEX
    assert prepare(HEX).magnet == f"magnet:?xt=urn:btih:{HEX}"


@pytest.mark.parametrize(
    "bad",
    [
        "magnet:?dn=no-hash",
        "magnet:?xt=urn:btih:1234",
        "magnet:?xt=urn:btih:" + "z" * 40,
        "magnet:?xt=urn:sha1:" + HEX,
        "not a link",
        "ftp://example.invalid/x.torrent",
        "",
    ],
)
def test_prepare_refuses_bad_magnets(bad: str):
    with pytest.raises(BadTorrent):
        prepare(bad)


def test_prepare_torrent_bytes_hash_is_sha1_of_info(release):
    p = prepare(release.torrent)
    assert p.info_hash == release.info_hash
    assert p.name == release.name
    assert p.data == release.torrent and not p.is_magnet
    assert p.total_size == 40_000
    assert "bytes" in repr(p) and str(release.torrent[:20]) not in repr(p)


@pytest.mark.parametrize(
    "junk",
    [b"", b"hello world", b"d4:spam4:eggse", b"d4:infod3:foo3:baree", b"\x00" * 100, b"d" * 10],
)
def test_prepare_refuses_bytes_that_are_not_a_torrent(junk: bytes):
    with pytest.raises(BadTorrent):
        prepare(junk)


def test_prepare_refuses_html_bytes():
    with pytest.raises(BadTorrent, match="HTML"):
        prepare(b"<!DOCTYPE html><html><body>Please log in</body></html>")


# -- URLs ------------------------------------------------------------------------------------


def test_url_serving_a_torrent(http_server: LoopbackHTTPServer, release):
    url = http_server.add("/dl/1", release.torrent, content_type="application/x-bittorrent")
    p = prepare(url)
    assert p.info_hash == release.info_hash and p.data == release.torrent


def test_url_redirect_chain_to_a_torrent(http_server: LoopbackHTTPServer, release):
    http_server.add("/files/x.torrent", release.torrent)
    http_server.redirect("/b", "/files/x.torrent", status=301)
    url = http_server.redirect("/a", http_server.url("/b"))
    assert prepare(url).info_hash == release.info_hash


def test_url_redirect_to_a_magnet(http_server: LoopbackHTTPServer):
    url = http_server.redirect("/dl/2", f"magnet:?xt=urn:btih:{B32}&dn=Redirected")
    p = prepare(url)
    assert (p.info_hash, p.name, p.is_magnet) == (HEX, "Redirected", True)


def test_url_answering_with_magnet_text(http_server: LoopbackHTTPServer):
    url = http_server.add("/m", f"magnet:?xt=urn:btih:{HEX}\n".encode(), content_type="text/plain")
    assert prepare(url).info_hash == HEX


def test_url_size_cap_with_content_length(http_server: LoopbackHTTPServer):
    url = http_server.add("/big", b"d" + b"x" * 300_000)
    with pytest.raises(TorrentFetchError, match="more than"):
        prepare_url(url, max_bytes=100_000)


def test_url_size_cap_without_content_length(http_server: LoopbackHTTPServer):
    url = http_server.add("/stream", b"d" + b"x" * 300_000, send_length=False)
    with pytest.raises(TorrentFetchError, match="more than 100000 bytes"):
        prepare_url(url, max_bytes=100_000)


def test_url_serving_html_instead_of_a_torrent(http_server: LoopbackHTTPServer):
    url = http_server.add(
        "/login", b"<html><body>Login required</body></html>", content_type="text/html"
    )
    with pytest.raises(BadTorrent, match="HTML page"):
        prepare(url)


def test_url_serving_garbage(http_server: LoopbackHTTPServer):
    url = http_server.add("/garbage", b"this is not bencode at all")
    with pytest.raises(BadTorrent, match="not a torrent"):
        prepare(url)


def test_url_http_error_redacts_the_api_key(http_server: LoopbackHTTPServer):
    http_server.add("/api", b"nope", status=403)
    url = http_server.url("/api?t=get&id=1&apikey=SECRETKEY123")
    with pytest.raises(TorrentFetchError, match="HTTP 403") as info:
        prepare(url, secrets=["SECRETKEY123"])
    assert "SECRETKEY123" not in str(info.value)


def test_url_redirect_loop(http_server: LoopbackHTTPServer):
    http_server.redirect("/loop", "/loop")
    with pytest.raises(TorrentFetchError, match="redirects"):
        prepare(http_server.url("/loop"))


def test_url_slow_server_times_out(http_server: LoopbackHTTPServer):
    def slow(_request):
        time.sleep(2)
        return Response(200, b"too late")

    url = http_server.add("/slow", handler=slow)
    with pytest.raises(TorrentFetchError, match="no answer within 0.5 s"):
        prepare(url, timeout=0.5)


def test_url_nobody_listening():
    with pytest.raises(TorrentFetchError):
        prepare(f"http://127.0.0.1:{free_port()}/x.torrent", timeout=2)


# -- states and statuses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client_state", "finished", "progress", "ours"),
    [
        ("Downloading", False, 0.5, "downloading"),
        ("Queued", False, 0.0, "queued"),
        ("Paused", False, 0.3, "paused"),
        ("Paused", True, 1.0, "completed"),  # stopped at its seed ratio: not "paused"
        ("Queued", True, 1.0, "completed"),
        ("Seeding", True, 1.0, "completed"),
        ("Checking", True, 1.0, "checking"),
        ("Allocating", False, 0.0, "checking"),
        ("Error", True, 1.0, "error"),
        ("Moving", True, 1.0, "moving"),
        ("Seeding", False, 0.2, "seeding"),
    ],
)
def test_map_state(client_state: str, finished: bool, progress: float, ours: str):
    assert map_state(client_state, finished, progress) == ours


def test_status_from_dict_converts_units():
    st = status_from_dict(
        HEX,
        {
            "name": "x",
            "state": "Error",
            "message": "No space left on device",
            "progress": 42.0,
            "total_wanted": 1000,
            "eta": -1,
            "is_finished": False,
        },
    )
    assert (st.state, st.message, st.progress, st.eta) == (
        "error",
        "No space left on device",
        0.42,
        0,
    )
    assert st.label == "" and not st.is_complete


@pytest.mark.parametrize(
    ("save_path", "move_completed", "state", "ours"),
    [
        # finished, the move to /done not started yet (Deluge still reports the old folder)
        ("/dl", True, "Seeding", "moving"),
        ("/dl", True, "Paused", "moving"),
        ("/dl", True, "Moving", "moving"),
        ("/done/", True, "Seeding", "completed"),  # moved: ready
        ("/dl", False, "Seeding", "completed"),  # move_completed off
    ],
)
def test_a_finished_torrent_waits_for_its_move_completed(save_path, move_completed, state, ours):
    st = status_from_dict(
        HEX,
        {
            "state": state,
            "progress": 100.0,
            "total_wanted": 1000,
            "is_finished": True,
            "save_path": save_path,
            "move_completed": move_completed,
            "move_completed_path": "/done",
        },
    )
    assert st.state == ours and st.is_complete == (ours == "completed")


def test_health_text():
    since = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    up = ConnectionHealth(True, "2.2.0", since, "", "127.0.0.1:58846")
    down = ConnectionHealth(False, "", since, "refused", "127.0.0.1:58846")
    assert up.text == "Deluge 2.2.0 at 127.0.0.1:58846"
    assert down.text == "Deluge offline since 03:04:05 UTC: refused"


# -- connection errors without a daemon -------------------------------------------------------


def test_refused_connection_is_a_clear_error():
    port = free_port()
    client = DelugeClient(DelugeConfig(port=port, password="hunter22", timeout=2))
    with pytest.raises(DelugeUnreachable, match="refused the connection") as info:
        client.connect()
    assert f"127.0.0.1:{port}" in str(info.value) and "hunter22" not in str(info.value)
    assert not client.is_connected and "refused" in client.health.last_error
    # while backing off, calls fail at once with the same kind of error, without a new attempt
    # (worded so a user's action is not thought to be retried: a new user's report)
    with pytest.raises(DelugeUnreachable, match=r"not tried: the next connection attempt is in"):
        client.statuses([HEX])


def test_unknown_host_is_a_clear_error():
    client = DelugeClient(DelugeConfig(host="no-such-host.invalid", timeout=2))
    with pytest.raises(DelugeUnreachable, match="no-such-host.invalid"):
        client.connect()


def test_empty_lists_make_no_call():
    client = DelugeClient(DelugeConfig(port=free_port(), timeout=1))
    assert client.statuses([]) == {}
    client.pause([])
    client.resume([])
    assert client.rpc_calls == 0


# -- launcher and headlessness -----------------------------------------------------------------


def test_find_deluged_with_a_wrong_env_says_what_to_do(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(DELUGED_ENV, str(tmp_path / "nothing"))
    with pytest.raises(DelugedNotFound, match="provision_deluge.sh"):
        find_deluged()


def _run_a_daemon_test(env_extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update({DELUGED_ENV: str(tmp_path / "no-deluged"), **env_extra})
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"]
    target = "tests/test_deluge_daemon.py::test_one_rpc_call_per_poll"
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [*args, target], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_missing_deluged_skips_locally(tmp_path: Path):
    run = _run_a_daemon_test({}, tmp_path)
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout and "provision_deluge.sh" in run.stdout


def test_missing_deluged_fails_under_ci(tmp_path: Path):
    run = _run_a_daemon_test({"CI": "true"}, tmp_path)
    assert run.returncode != 0
    assert "CI=true but no deluged" in run.stdout and "skipped" not in run.stdout


def test_the_adapter_does_not_import_textual():
    code = (
        "import sys, mydia_tui.deluge, mydia_tui.deluge_daemon; "
        "sys.exit(1 if any(m.split('.')[0] == 'textual' for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_url_serving_an_rss_feed_is_called_a_feed_not_an_html_page(
    http_server: LoopbackHTTPServer, cli
):
    """An indexer's feed given to ``grab --url`` (breaker11b): it is a feed, not a page."""
    feed = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel></channel></rss>'
    url = http_server.add("/api", feed, content_type="application/rss+xml")
    with pytest.raises(BadTorrent, match="an RSS feed, not a torrent") as info:
        prepare(url)
    assert "HTML" not in str(info.value)
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    r = cli("grab", "--movie", "1", "--url", url + "?t=movie")
    assert r.code == 1 and "an RSS feed, not a torrent" in r.err, r.err


def test_a_refused_url_keeps_the_separator_after_its_redacted_key(
    http_server: LoopbackHTTPServer, cli
):
    """``...apikey=********: more than ...``: the error boundary redacts the message again, and
    that second pass took the ``:`` for part of the key (breaker11b)."""
    url = http_server.add("/big", b"d" + b"x" * (10 * 1024 * 1024 + 10), send_length=False)
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    r = cli("grab", "--movie", "1", "--url", url + "?t=get&apikey=SECRETKEY123")
    assert r.code == 1, r.err
    assert "apikey=********: more than" in r.err and "SECRETKEY123" not in r.err, r.err
