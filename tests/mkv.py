"""A minimal Matroska file with one video track of a given picture size (EBML written by hand,
as mkvmerge writes the headers), for tests that read a container's resolution."""

from __future__ import annotations


def _size(n: int) -> bytes:
    return b"\x01" + n.to_bytes(7, "big")  # an 8-byte EBML size


def _el(element_id: bytes, payload: bytes) -> bytes:
    return element_id + _size(len(payload)) + payload


def _uint(v: int) -> bytes:
    return v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")


def mkv_bytes(width: int, height: int, padding: int = 0) -> bytes:
    """A Matroska file whose one video track is ``width`` x ``height`` pixels, followed by
    ``padding`` bytes of a Void element (to give it a size)."""
    header = _el(
        b"\x1a\x45\xdf\xa3",
        _el(b"\x42\x86", _uint(1))
        + _el(b"\x42\xf7", _uint(1))
        + _el(b"\x42\xf2", _uint(4))
        + _el(b"\x42\xf3", _uint(8))
        + _el(b"\x42\x82", b"matroska")
        + _el(b"\x42\x87", _uint(4))
        + _el(b"\x42\x85", _uint(2)),
    )
    video = _el(b"\xe0", _el(b"\xb0", _uint(width)) + _el(b"\xba", _uint(height)))
    track = _el(
        b"\xae",
        _el(b"\xd7", _uint(1))
        + _el(b"\x73\xc5", _uint(1))
        + _el(b"\x83", _uint(1))
        + _el(b"\x86", b"V_MPEG4/ISO/AVC")
        + video,
    )
    info = _el(b"\x15\x49\xa9\x66", _el(b"\x2a\xd7\xb1", _uint(1_000_000)))
    void = _el(b"\xec", b"\x00" * padding) if padding else b""
    segment = _el(b"\x18\x53\x80\x67", info + _el(b"\x16\x54\xae\x6b", track) + void)
    return header + segment
