"""Torrent identity: info-hashes, magnets and .torrent files.

One torrent has one info-hash written many ways: 40 hex characters in either case or 32
base32 characters in magnets, and, for a .torrent file, the SHA-1 of the bencoded ``info``
dictionary. Everything here normalises to 40 lowercase hex characters.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import MydiaError

_HEX40 = re.compile(r"^[0-9a-fA-F]{40}$")
_B32 = re.compile(r"^[A-Za-z2-7]{32}$")


class BadTorrent(MydiaError):
    """A magnet, info-hash or .torrent that is not valid."""


def normalize_info_hash(value: str) -> str:
    """40 lowercase hex characters from a hex (any case) or base32 info-hash."""
    text = (value or "").strip()
    if _HEX40.match(text):
        return text.lower()
    if _B32.match(text):
        return base64.b32decode(text.upper()).hex()
    raise BadTorrent(f"not an info-hash: {text[:60]!r}")


@dataclass(frozen=True)
class Magnet:
    info_hash: str
    name: str
    trackers: tuple[str, ...]
    uri: str


def parse_magnet(uri: str) -> Magnet:
    """Parse a ``magnet:?xt=urn:btih:...`` URI; anything else is :class:`BadTorrent`."""
    text = (uri or "").strip()
    if not text.lower().startswith("magnet:?"):
        raise BadTorrent(f"not a magnet link: {text[:60]!r}")
    query = parse_qs(urlsplit(text).query)
    hashes = [
        xt[len("urn:btih:") :] for xt in query.get("xt", []) if xt.lower().startswith("urn:btih:")
    ]
    if not hashes:
        if any(xt.lower().startswith("urn:btmh:") for xt in query.get("xt", [])):
            raise BadTorrent(V2_ONLY.format(what="magnet link (urn:btmh)"))
        raise BadTorrent("magnet link has no urn:btih info-hash")
    info_hash = normalize_info_hash(hashes[0])
    name = (query.get("dn") or [""])[0]
    return Magnet(info_hash, name, tuple(query.get("tr", [])), text)


def make_magnet(info_hash: str, name: str = "", trackers: tuple[str, ...] = ()) -> str:
    from urllib.parse import quote

    uri = f"magnet:?xt=urn:btih:{normalize_info_hash(info_hash)}"
    if name:
        uri += f"&dn={quote(name)}"
    for tr in trackers:
        uri += f"&tr={quote(tr, safe='')}"
    return uri


# ---------------------------------------------------------------------------------------------
# Bencode (decoding only what a .torrent needs), and the info-hash of a .torrent


class _Bdecoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.info_span: tuple[int, int] | None = None
        self.depth = 0

    def fail(self, what: str) -> BadTorrent:
        return BadTorrent(f"not a torrent file ({what} at byte {self.pos})")

    def decode(self, top: bool = False):
        if self.pos >= len(self.data):
            raise self.fail("truncated")
        self.depth += 1
        if self.depth > 64:
            raise self.fail("nested too deeply")
        try:
            c = self.data[self.pos : self.pos + 1]
            if c == b"i":
                end = self.data.index(b"e", self.pos)
                raw = self.data[self.pos + 1 : end]
                if not re.fullmatch(rb"-?\d+", raw):
                    raise self.fail("bad integer")
                self.pos = end + 1
                return int(raw)
            if c == b"l":
                self.pos += 1
                out = []
                while self.data[self.pos : self.pos + 1] != b"e":
                    out.append(self.decode())
                self.pos += 1
                return out
            if c == b"d":
                self.pos += 1
                table: dict[bytes, Any] = {}
                while self.data[self.pos : self.pos + 1] != b"e":
                    key = self.decode()
                    if not isinstance(key, bytes):
                        raise self.fail("dictionary key is not a string")
                    start = self.pos
                    table[key] = self.decode()
                    if top and key == b"info" and self.depth == 1:
                        self.info_span = (start, self.pos)
                self.pos += 1
                return table
            if c.isdigit():
                colon = self.data.index(b":", self.pos)
                length = int(self.data[self.pos : colon])
                start = colon + 1
                if start + length > len(self.data):
                    raise self.fail("truncated string")
                self.pos = start + length
                return self.data[start : self.pos]
            raise self.fail("unexpected byte")
        except ValueError:
            raise self.fail("malformed") from None
        finally:
            self.depth -= 1


@dataclass(frozen=True)
class TorrentFile:
    info_hash: str
    name: str
    total_size: int
    files: tuple[tuple[str, int], ...]
    data: bytes


def parse_torrent(data: bytes) -> TorrentFile:
    """Decode a .torrent; the info-hash is the SHA-1 of the raw bencoded ``info`` dict.

    Anything that is not a well-formed v1 (or hybrid) torrent raises :class:`BadTorrent` with
    one line saying what is wrong (wrong types included: a file entry that is not a
    dictionary, a name or path that is not a string, a length that is not a whole number);
    a v2-only torrent is refused as such (:data:`V2_ONLY`)."""
    if not data or data[:1] != b"d":
        raise BadTorrent("not a torrent file (does not start with a bencoded dictionary)")
    decoder = _Bdecoder(data)
    top = decoder.decode(top=True)
    if not isinstance(top, dict) or decoder.info_span is None:
        raise BadTorrent("not a torrent file (no info dictionary)")
    info = top[b"info"]
    if not isinstance(info, dict):
        raise BadTorrent("not a torrent file (info is not a dictionary)")
    if b"pieces" not in info and (info.get(b"meta version") == 2 or b"file tree" in info):
        raise BadTorrent(V2_ONLY.format(what="torrent file"))
    if b"piece length" not in info or b"pieces" not in info:
        raise BadTorrent("not a torrent file (info dictionary lacks pieces)")
    start, end = decoder.info_span
    info_hash = hashlib.sha1(data[start:end]).hexdigest()
    name = _text(info.get(b"name.utf-8") or info.get(b"name") or b"", "name")
    files: list[tuple[str, int]] = []
    if b"files" in info:
        entries = info[b"files"]
        if not isinstance(entries, list):
            raise BadTorrent("not a torrent file (its file list is not a list)")
        for entry in entries:
            if not isinstance(entry, dict):
                raise BadTorrent("not a torrent file (a file entry is not a dictionary)")
            parts = entry.get(b"path.utf-8") or entry.get(b"path") or []
            if not isinstance(parts, list):
                raise BadTorrent("not a torrent file (a file's path is not a list)")
            path = "/".join(_text(p, "path") for p in parts)
            files.append((path, _length(entry.get(b"length", 0))))
    else:
        files.append((name, _length(info.get(b"length", 0))))
    return TorrentFile(info_hash, name, sum(s for _, s in files), tuple(files), data)


#: the refusal of a torrent that has only a BitTorrent v2 (SHA-256) info-hash
V2_ONLY = (
    "a BitTorrent v2-only {what}: not supported (only v1 and hybrid torrents are; ask the "
    "indexer for a v1 or hybrid torrent)"
)


def _text(raw: object, what: str) -> str:
    if not isinstance(raw, bytes):
        raise BadTorrent(f"not a torrent file (a {what} is not a string)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _length(raw: object) -> int:
    if not isinstance(raw, int) or raw < 0:
        raise BadTorrent("not a torrent file (a file length is not a whole number of bytes)")
    return raw


def info_hash_of_torrent(data: bytes) -> str:
    return parse_torrent(data).info_hash


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


__all__ = [
    "BadTorrent",
    "Magnet",
    "TorrentFile",
    "b64",
    "info_hash_of_torrent",
    "make_magnet",
    "normalize_info_hash",
    "parse_magnet",
    "parse_torrent",
]


# ---------------------------------------------------------------------------------------------
# Making a .torrent (for the demo's generated payloads)


def bencode(value) -> bytes:
    if isinstance(value, bool):
        raise TypeError("bencode has no booleans")
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list | tuple):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    if isinstance(value, dict):
        items = sorted(
            (k.encode("utf-8") if isinstance(k, str) else k, v) for k, v in value.items()
        )
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
    raise TypeError(f"cannot bencode {type(value).__name__}")


def make_torrent(folder, piece_length: int = 256 * 1024) -> TorrentFile:
    """A trackerless .torrent of every file under ``folder`` (a multi-file torrent named after
    the folder), with SHA-1 piece hashes."""
    from pathlib import Path

    root = Path(folder)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    if not files:
        raise BadTorrent(f"nothing to put in a torrent under {root}")
    pieces = bytearray()
    buffer = bytearray()
    entries = []
    for path in files:
        entries.append({"length": path.stat().st_size, "path": list(path.relative_to(root).parts)})
        with path.open("rb") as fh:
            while chunk := fh.read(piece_length):
                buffer += chunk
                while len(buffer) >= piece_length:
                    pieces += hashlib.sha1(bytes(buffer[:piece_length])).digest()
                    del buffer[:piece_length]
    if buffer:
        pieces += hashlib.sha1(bytes(buffer)).digest()
    info = {
        "name": root.name,
        "piece length": piece_length,
        "pieces": bytes(pieces),
        "files": entries,
    }
    return parse_torrent(bencode({"info": info}))
