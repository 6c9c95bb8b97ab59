"""Torrent identity: one info-hash however it is written."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest
import torf

from mydia_tui.torrent import (
    BadTorrent,
    bencode,
    make_magnet,
    make_torrent,
    normalize_info_hash,
    parse_magnet,
    parse_torrent,
)

RAW = bytes(range(20))


@pytest.mark.parametrize(
    "written",
    [
        RAW.hex(),
        RAW.hex().upper(),
        base64.b32encode(RAW).decode(),
        base64.b32encode(RAW).decode().lower(),
    ],
)
def test_every_spelling_normalises_to_lowercase_hex(written):
    assert normalize_info_hash(written) == RAW.hex()


@pytest.mark.parametrize("bad", ["", "xyz", "a" * 39, "a" * 41, "g" * 40, "1" * 32])
def test_bad_hashes_are_refused(bad):
    with pytest.raises(BadTorrent):
        normalize_info_hash(bad)


def test_magnet_parsing():
    b32 = base64.b32encode(RAW).decode()
    m = parse_magnet(f"magnet:?xt=urn:btih:{b32}&dn=Big+Buck+Bunny&tr=udp%3A%2F%2Ft")
    assert m.info_hash == RAW.hex() and m.name == "Big Buck Bunny" and m.trackers == ("udp://t",)
    assert parse_magnet(make_magnet(RAW.hex(), "x y")).name == "x y"
    for bad in ("http://x/y.torrent", "magnet:?dn=nohash", "magnet:?xt=urn:btih:zzz"):
        with pytest.raises(BadTorrent):
            parse_magnet(bad)


def test_torrent_hash_is_sha1_of_the_info_dict(tmp_path):
    folder = tmp_path / "Release"
    folder.mkdir()
    (folder / "a.mkv").write_bytes(os.urandom(300_000))
    t = torf.Torrent(path=folder, private=False, created_by=None, creation_date=None)
    t.generate()
    parsed = parse_torrent(t.dump())
    assert parsed.info_hash == t.infohash.lower()
    assert parsed.name == "Release" and parsed.files == (("a.mkv", 300_000),)


def test_made_torrent_matches_torf(tmp_path):
    folder = tmp_path / "Rel"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.mkv").write_bytes(os.urandom(700_000))
    (folder / "sub" / "b.txt").write_bytes(b"x" * 10)
    mine = make_torrent(folder)
    t = torf.Torrent(
        path=folder, piece_size=256 * 1024, created_by=None, creation_date=None, private=False
    )
    t.generate()
    info = dict(t.metainfo["info"])
    info.pop("private", None)
    expected = hashlib.sha1(
        bencode({k: (bytes(v) if k == "pieces" else v) for k, v in info.items()})
    ).hexdigest()
    assert mine.info_hash == expected
    assert mine.files == (("a.mkv", 700_000), ("sub/b.txt", 10))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html>nope</html>",
        b"d4:infoi1ee",
        b"d4:infod",
        b"d" * 10_000,
        b"d4:info" + b"l" * 500 + b"e" * 500 + b"e",
        b"d99999:x",
    ],
)
def test_hostile_torrent_bytes_are_a_clear_error(data):
    with pytest.raises(BadTorrent):
        parse_torrent(data)
