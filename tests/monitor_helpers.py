"""Helpers for tests of the automatic loop against real daemons."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torf

from mydia_tui.config import Config, LibraryConfig, MonitorConfig
from mydia_tui.guard import Outcome
from mydia_tui.library import sync_roots
from mydia_tui.torrent import parse_torrent


@dataclass(frozen=True)
class Payload:
    name: str
    location: Path  # the seeder's download_location
    torrent: bytes
    magnet: str
    info_hash: str


def make_payload(root: Path, name: str, files: dict[str, int | bytes]) -> Payload:
    """A release folder ``name`` holding ``files`` (relative name -> a size of random bytes,
    or the bytes themselves)."""
    location = root / f"src-{name}"
    folder = location / name
    for rel, size in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(size) if isinstance(size, int) else size)
    t = torf.Torrent(path=folder, private=False, created_by=None, creation_date=None)
    t.generate()
    data = t.dump()
    return Payload(
        name,
        location,
        data,
        str(t.magnet(name=True, size=False, trackers=False)),
        parse_torrent(data).info_hash,
    )


def monitor_config(tmp_path: Path, deluge, **monitor) -> Config:
    movies = tmp_path / "library" / "movies"
    shows = tmp_path / "library" / "tv"
    movies.mkdir(parents=True, exist_ok=True)
    shows.mkdir(parents=True, exist_ok=True)
    cfg = Config(
        deluge=deluge,
        library=LibraryConfig(movies=(str(movies),), shows=(str(shows),)),
        monitor=MonitorConfig(
            **{
                "allow_short_intervals": True,  # the indexers are on loopback
                "poll_interval": 0.2,
                "search_interval": 0.5,
                **monitor,
            }
        ),
    )
    sync_roots(cfg.library.movies, cfg.library.shows)
    return cfg


def seed(swarm, payload: Payload) -> None:
    """Seed ``payload`` on the swarm's seeder (set-up through the raw RPC)."""
    from mydia_tui.torrent import b64

    rpc = swarm.seeder.rpc()
    try:
        got = rpc.call(
            "core.add_torrent_file",
            f"{payload.name}.torrent",
            b64(payload.torrent),
            {"download_location": str(payload.location), "seed_mode": True},
        )
    finally:
        rpc.disconnect()
    assert got == payload.info_hash


def nudge_into_error(client, info_hash: str) -> None:
    """A torrent whose folder is blocked by a file usually turns Error at once; sometimes the
    daemon leaves it Paused at 0 % instead, and resuming it makes libtorrent hit the error."""
    status = client.status(info_hash)
    if status is not None and status.client_state == "Paused":
        client.resume([info_hash])


class Grabs:
    """A grabber that accepts every candidate it is offered and records it (for tests of the
    search and the RSS sync; the guard and Deluge are tested elsewhere)."""

    def __init__(self):
        self.taken: list[tuple[str, str]] = []

    def __call__(self, target, candidate) -> Outcome:
        self.taken.append((target.label(), candidate.release.title))
        return Outcome(True, message="grabbed")
