"""Fixtures for tests against real ``deluged`` daemons on loopback.

* ``deluged``: one isolated daemon (tmp dirs, free ports, a test user), stopped at teardown.
* ``deluge``: a :class:`DelugeClient` connected to it.
* ``swarm``: a seeder and a client daemon, with :meth:`Swarm.make_release` (payload, .torrent
  with torf, magnet), :meth:`Swarm.seed` (seed_mode on the seeder) and :meth:`Swarm.connect`.

No deluged available: these tests are skipped locally, and FAIL under ``CI=true`` (CI must
provision one with tests/provision_deluge.sh). Daemons never outlive the test process: they are
stopped at teardown, at exit, and get SIGTERM from the kernel if the process dies.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import torf

from mydia_tui.deluge import DelugeClient
from mydia_tui.deluge_daemon import DelugeDaemon, DelugedNotFound, find_deluged
from mydia_tui.torrent import b64

T = TypeVar("T")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def deluged_path() -> Path:
    """The deluged to run; skip (locally) or fail (CI=true) when there is none."""
    try:
        return find_deluged()
    except DelugedNotFound as exc:
        if _in_ci():
            pytest.fail(f"CI=true but no deluged: {exc}", pytrace=False)
        pytest.skip(f"no deluged: {exc}")


def start_daemon(root: Path, deluged: Path, **kwargs: Any) -> DelugeDaemon:
    return DelugeDaemon(root, deluged=deluged, **kwargs).start()


@pytest.fixture
def deluged(tmp_path: Path, deluged_path: Path) -> Iterator[DelugeDaemon]:
    daemon = start_daemon(tmp_path / "deluged", deluged_path)
    try:
        yield daemon
    finally:
        daemon.stop()


@pytest.fixture
def deluge(deluged: DelugeDaemon) -> Iterator[DelugeClient]:
    client = DelugeClient(deluged.config(timeout=3.0), backoff_base=0.2, backoff_max=1.0)
    client.connect()
    try:
        yield client
    finally:
        client.close()


def wait_for(
    check: Callable[[], T | None], timeout: float = 30.0, interval: float = 0.1, what: str = ""
) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:g} s waiting for {what or check} (last: {last!r})")


# ---------------------------------------------------------------------------------------------
# Releases and a two-daemon swarm


@dataclass(frozen=True)
class Release:
    name: str
    #: the folder holding the payload folder (what the seeder's download_location must be)
    location: Path
    payload: Path
    torrent: bytes
    magnet: str
    info_hash: str


def make_release(root: Path, name: str, size: int = 256 * 1024, files: int = 1) -> Release:
    """A payload folder of ``files`` random files, its .torrent (torf) and magnet."""
    location = root / f"src-{name}"
    payload = location / name
    payload.mkdir(parents=True)
    for i in range(files):
        (payload / f"{name}.part{i}.mkv").write_bytes(os.urandom(size))
    t = torf.Torrent(path=payload, private=False, created_by=None, creation_date=None)
    t.generate()
    return Release(
        name=name,
        location=location,
        payload=payload,
        torrent=t.dump(),
        magnet=str(t.magnet(name=True, size=False, trackers=False)),
        info_hash=t.infohash.lower(),
    )


def add_seeding(daemon: DelugeDaemon, release: Release, paused: bool = False) -> str:
    """Add ``release`` to ``daemon`` in seed_mode over its own data (raw RPC, set-up only)."""
    rpc = daemon.rpc()
    try:
        got = rpc.call(
            "core.add_torrent_file",
            f"{release.name}.torrent",
            b64(release.torrent),
            {"download_location": str(release.location), "seed_mode": True, "add_paused": paused},
        )
    finally:
        rpc.disconnect()
    assert got == release.info_hash
    return got


def session_of(daemon: DelugeDaemon) -> set[str]:
    """The info-hashes in ``daemon``'s session (through the raw RPC)."""
    rpc = daemon.rpc()
    try:
        return set(rpc.call("core.get_session_state"))
    finally:
        rpc.disconnect()


class Swarm:
    def __init__(self, root: Path, seeder: DelugeDaemon, client: DelugeDaemon) -> None:
        self.root = root
        self.seeder = seeder
        self.client = client

    def make_release(self, name: str, size: int = 256 * 1024, files: int = 1) -> Release:
        return make_release(self.root, name, size, files)

    def seed(self, release: Release) -> None:
        add_seeding(self.seeder, release)

        def seeding() -> bool:
            rpc = self.seeder.rpc()
            try:
                st = rpc.call("core.get_torrent_status", release.info_hash, ["state"])
            finally:
                rpc.disconnect()
            return st.get("state") == "Seeding"

        wait_for(seeding, 15, what=f"{release.name} seeding on the seeder")

    def connect(self, info_hash: str) -> None:
        """Tell the client daemon to dial the seeder for ``info_hash`` (no tracker, no DHT)."""
        rpc = self.client.rpc()
        try:
            rpc.call("core.connect_peer", info_hash, "127.0.0.1", int(self.seeder.listen_port or 0))
        finally:
            rpc.disconnect()


@pytest.fixture
def swarm(tmp_path: Path, deluged_path: Path) -> Iterator[Swarm]:
    seeder = start_daemon(tmp_path / "seeder", deluged_path)
    try:
        client = start_daemon(tmp_path / "client", deluged_path)
        try:
            yield Swarm(tmp_path, seeder, client)
        finally:
            client.stop()
    finally:
        seeder.stop()
