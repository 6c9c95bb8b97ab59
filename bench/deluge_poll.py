"""Benchmark: one status poll of 2,000 torrents through the Deluge adapter.

Starts a private deluged (see tests/provision_deluge.sh), adds N torrents paused from generated
.torrent files, then times ``DelugeClient.statuses(all hashes)`` and counts the RPC calls each
poll makes. Target: one call, under 100 ms.

Deluge answers from a cache when the previous status request is less than 1.5 s old, and asks
libtorrent afresh otherwise. The monitor polls every few seconds, so "cold" polls (1.6 s apart)
are the realistic figure; "warm" polls (back to back) are shown for comparison. Each is run with
the adapter's default (``diff=True``: only changed values travel) and with full answers.

    .venv/bin/python bench/deluge_poll.py [--torrents 2000] [--polls 20]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mydia_tui.deluge import DelugeClient, prepare_torrent  # noqa: E402
from mydia_tui.deluge_daemon import DelugeDaemon  # noqa: E402


def bencode(value: object) -> bytes:
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    if isinstance(value, dict):
        items = sorted((k.encode() if isinstance(k, str) else k, v) for k, v in value.items())
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
    raise TypeError(type(value))


def fake_torrent(i: int) -> bytes:
    """A valid single-file .torrent for a 16 KiB payload that does not exist (added paused)."""
    piece = 16 * 1024
    payload_digest = hashlib.sha1(os.urandom(piece)).digest()
    info = {
        "name": f"Bench.Film.{i:05d}.1080p.mkv",
        "length": piece,
        "piece length": piece,
        "pieces": payload_digest,
    }
    return bencode({"info": info, "created by": "mydia-tui bench"})


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed_polls(client: DelugeClient, hashes: list[str], polls: int, gap: float) -> tuple:
    times, calls = [], []
    for _ in range(polls):
        if gap:
            time.sleep(gap)
        before = client.rpc_calls
        started = time.perf_counter()
        statuses = client.statuses(hashes)
        times.append((time.perf_counter() - started) * 1000)
        calls.append(client.rpc_calls - before)
        assert len(statuses) == len(hashes), (len(statuses), len(hashes))
    return times, calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torrents", type=int, default=2000)
    parser.add_argument("--polls", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mydia-bench-") as root:
        daemon = DelugeDaemon(root).start()
        try:
            client = DelugeClient(daemon.config(timeout=30.0))
            print(f"deluged {daemon.version} on 127.0.0.1:{daemon.rpc_port}")

            started = time.perf_counter()
            prepared = [prepare_torrent(fake_torrent(i)) for i in range(args.torrents)]
            made = time.perf_counter() - started
            started = time.perf_counter()
            hashes = [client.add(p, "movies", paused=True).info_hash for p in prepared]
            added = time.perf_counter() - started
            print(
                f"made {len(prepared)} .torrent files in {made:.2f} s; "
                f"added them paused in {added:.2f} s ({added / len(hashes) * 1000:.2f} ms each)"
            )
            assert len(client.session()) == args.torrents

            plain = DelugeClient(daemon.config(timeout=30.0), diff=False)
            runs = (
                ("diff, cold (1.6 s apart, as the monitor polls)", client, 1.6),
                ("diff, warm (back to back)", client, 0.0),
                ("full answers (diff=False), cold", plain, 1.6),
                ("full answers (diff=False), warm", plain, 0.0),
            )
            for label, who, gap in runs:
                times, calls = timed_polls(who, hashes, args.polls, gap)
                print(
                    f"poll of {len(hashes)} torrents, {label}: "
                    f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
                    f"max {max(times):.1f} ms; RPC calls per poll: {sorted(set(calls))}"
                )
            before = client.rpc_calls
            started = time.perf_counter()
            session = client.session()
            print(
                f"session listing ({len(session)} torrents): "
                f"{(time.perf_counter() - started) * 1000:.1f} ms, "
                f"{client.rpc_calls - before} RPC call(s)"
            )
        finally:
            daemon.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
