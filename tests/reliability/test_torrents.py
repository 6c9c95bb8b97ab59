"""Hostile .torrent files and magnets: the project's "bad torrent" error in one line, never a
traceback, never unbounded memory, never a hang; BitTorrent v2-only refused as such."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest
from probes import Mydia, one_line

from mydia_tui.torrent import BadTorrent, bencode, parse_magnet, parse_torrent

PIECES = b"\x00" * 20


def _torrent(info: dict) -> bytes:
    return bencode({"announce": "http://t/a", "info": info})


MALFORMED = {
    "file entry not a dictionary": {
        "name": "x",
        "piece length": 16384,
        "pieces": PIECES,
        "files": [5],
    },
    "file list not a list": {"name": "x", "piece length": 16384, "pieces": PIECES, "files": 7},
    "name an integer": {"name": 12, "piece length": 16384, "pieces": PIECES, "length": 3},
    "path an integer": {
        "name": "x",
        "piece length": 16384,
        "pieces": PIECES,
        "files": [{"length": 3, "path": 9}],
    },
    "path part an integer": {
        "name": "x",
        "piece length": 16384,
        "pieces": PIECES,
        "files": [{"length": 3, "path": [9]}],
    },
    "length a string": {"name": "x", "piece length": 16384, "pieces": PIECES, "length": "big"},
    "length negative": {"name": "x", "piece length": 16384, "pieces": PIECES, "length": -1},
    "file length a list": {
        "name": "x",
        "piece length": 16384,
        "pieces": PIECES,
        "files": [{"length": [1], "path": ["a"]}],
    },
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_torrent_is_a_bad_torrent(case):
    with pytest.raises(BadTorrent, match="not a torrent file"):
        parse_torrent(_torrent(MALFORMED[case]))


V2_INFO = {
    "name": "x",
    "piece length": 16384,
    "meta version": 2,
    "file tree": {"a.mkv": {"": {"length": 3, "pieces root": b"\x00" * 32}}},
}


def test_a_v2_only_torrent_is_refused_as_v2():
    with pytest.raises(BadTorrent, match="v2-only"):
        parse_torrent(_torrent(V2_INFO))


def test_a_btmh_magnet_is_refused_as_v2():
    with pytest.raises(BadTorrent, match="v2-only"):
        parse_magnet("magnet:?xt=urn:btmh:1220" + "ab" * 32 + "&dn=x")


@pytest.fixture
def film(mydia: Mydia, tmp_path: Path) -> Mydia:
    mydia.configure("[deluge]\nport = 1\ntimeout = 1.0\n")
    assert mydia("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    return mydia


def _capped_memory() -> None:
    limit = 1024**3  # 1 GiB of address space: reading /dev/zero whole would pass it
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_grab_torrent_dev_zero_is_refused_without_reading_it(film: Mydia):
    run = film(
        "grab", "--movie", "1", "--torrent", "/dev/zero", timeout=30, preexec_fn=_capped_memory
    )
    one_line(run, 1, "/dev/zero", "device")


def test_grab_torrent_from_a_fifo_does_not_hang(film: Mydia, tmp_path: Path):
    fifo = tmp_path / "release.torrent"
    os.mkfifo(fifo)
    one_line(film("grab", "--movie", "1", "--torrent", str(fifo), timeout=30), 1, "FIFO")


def test_grab_torrent_larger_than_the_cap_is_refused(film: Mydia, tmp_path: Path):
    big = tmp_path / "big.torrent"
    with open(big, "wb") as fh:
        fh.truncate(11 * 1024 * 1024)
    one_line(film("grab", "--movie", "1", "--torrent", str(big)), 1, "larger than")


@pytest.mark.parametrize(
    "case", ["file entry not a dictionary", "name an integer", "length a string"]
)
def test_grab_a_malformed_torrent_file_is_one_line(film: Mydia, tmp_path: Path, case):
    path = tmp_path / "bad.torrent"
    path.write_bytes(_torrent(MALFORMED[case]))
    one_line(film("grab", "--movie", "1", "--torrent", str(path)), 1, "not a torrent file")


def test_grab_a_v2_only_torrent_file_says_v2(film: Mydia, tmp_path: Path):
    path = tmp_path / "v2.torrent"
    path.write_bytes(_torrent(V2_INFO))
    one_line(film("grab", "--movie", "1", "--torrent", str(path)), 1, "v2-only")


@pytest.mark.parametrize("magnet", ["garbage", "magnet:?dn=nohash", "magnet:?xt=urn:btih:zz"])
def test_grab_a_garbage_magnet_is_one_line_exit_1(film: Mydia, magnet):
    one_line(film("grab", "--movie", "1", "--magnet", magnet), 1)


def test_grab_a_btmh_magnet_says_v2(film: Mydia):
    magnet = "magnet:?xt=urn:btmh:1220" + "ab" * 32
    one_line(film("grab", "--movie", "1", "--magnet", magnet), 1, "v2-only")
