"""Start and stop a private ``deluged`` on loopback (for the tests and ``mydia-tui demo``).

The daemon gets its own config directory, a loopback-only ``core.conf`` and an ``auth`` file
written before its first launch, a free RPC port and a free BitTorrent port. It runs in a new
session and is sent SIGTERM when its parent dies (Linux ``PR_SET_PDEATHSIG``), and every daemon
still running at interpreter exit is stopped, so none outlives the process that started it.

Linux sends the parent-death signal when the *thread* that started the daemon ends: start it
from the main thread, or from a thread that lives as long as the daemon should.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import weakref
from dataclasses import replace
from pathlib import Path

from .config import DelugeConfig
from .errors import MydiaError

DELUGED_ENV = "MYDIA_DELUGED"
_REPO_ROOT = Path(__file__).resolve().parent.parent
_PR_SET_PDEATHSIG = 1


class DelugedNotFound(MydiaError):
    """No ``deluged`` program could be found."""


class DaemonFailed(MydiaError):
    """A private ``deluged`` did not start, or did not become ready in time."""


def find_deluged() -> Path:
    """``$MYDIA_DELUGED``, then ``<repo>/.deluge-venv/bin/deluged``, then ``deluged`` on PATH."""
    env = os.environ.get(DELUGED_ENV, "").strip()
    if env:
        path = Path(env)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise DelugedNotFound(
            f"${DELUGED_ENV} names {env!r}, which is not an executable file: "
            "run tests/provision_deluge.sh and export the path it prints"
        )
    venv = _REPO_ROOT / ".deluge-venv" / "bin" / "deluged"
    if venv.is_file() and os.access(venv, os.X_OK):
        return venv
    found = shutil.which("deluged")
    if found:
        return Path(found)
    raise DelugedNotFound(
        "no deluged found (looked at $MYDIA_DELUGED, "
        f"{venv} and PATH): run tests/provision_deluge.sh to install one without root "
        "(Deluge 2.2.0 in .deluge-venv), or install Debian's 'deluged' package"
    )


def free_port() -> int:
    """A loopback port free for both TCP and UDP right now (libtorrent listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port
    raise DaemonFailed("no free loopback port found")


def write_core_conf(confdir: Path, listen_port: int, download_location: Path) -> None:
    """A ``core.conf`` that keeps the daemon on loopback: no DHT, LSD, UPnP, NAT-PMP, PEX."""
    config = {
        "dht": False,
        "lsd": False,
        "upnp": False,
        "natpmp": False,
        "utpex": False,
        "new_release_check": False,
        "send_info": False,
        "random_port": False,
        "listen_interface": "127.0.0.1",
        "outgoing_interface": "",
        "allow_remote": False,
        "listen_ports": [listen_port, listen_port],
        "download_location": str(download_location),
        "move_completed_path": str(download_location),
        "torrentfiles_location": str(download_location),
    }
    text = json.dumps({"file": 1, "format": 1}, indent=2) + json.dumps(config, indent=2)
    (confdir / "core.conf").write_text(text, encoding="utf-8")


def write_auth(confdir: Path, username: str, password: str) -> None:
    path = confdir / "auth"
    path.write_text(f"{username}:{password}:10\n", encoding="utf-8")
    path.chmod(0o600)


def _preexec_die_with_parent(parent_pid: int) -> None:  # runs in the child, before exec
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except OSError:
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


_RUNNING: weakref.WeakSet[DelugeDaemon] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for daemon in list(_RUNNING):
        daemon.stop()


class DelugeDaemon:
    """One private ``deluged`` under ``root``: ``root/config``, ``root/downloads``, a log file.

    Ports are chosen on the first :meth:`start` and kept, so :meth:`restart` comes back on the
    same ports with the same state.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        username: str = "mydia",
        password: str = "mydia-test-password",
        rpc_port: int | None = None,
        listen_port: int | None = None,
        deluged: str | os.PathLike[str] | None = None,
        log_level: str = "warning",
    ) -> None:
        self.root = Path(root)
        self.confdir = self.root / "config"
        self.download_location = self.root / "downloads"
        self.log_file = self.root / "deluged.log"
        self.username = username
        self.password = password
        self.rpc_port = rpc_port
        self.listen_port = listen_port
        self.deluged = Path(deluged) if deluged else None
        self.log_level = log_level
        self.proc: subprocess.Popen[bytes] | None = None
        self.version = ""
        self.frozen = False

    # -- life cycle ----------------------------------------------------------------------------

    def __enter__(self) -> DelugeDaemon:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def start(self, timeout: float = 20.0) -> DelugeDaemon:
        """Launch and wait until the daemon answers ``daemon.info``."""
        if self.running:
            return self
        deluged = self.deluged or find_deluged()
        self.confdir.mkdir(parents=True, exist_ok=True)
        self.download_location.mkdir(parents=True, exist_ok=True)
        if self.rpc_port is None:
            self.rpc_port = free_port()
        if self.listen_port is None:
            self.listen_port = free_port()
        if not (self.confdir / "core.conf").exists():
            write_core_conf(self.confdir, self.listen_port, self.download_location)
        if not (self.confdir / "auth").exists():
            write_auth(self.confdir, self.username, self.password)
        args = [
            str(deluged),
            "-d",
            "-c", str(self.confdir),
            "-p", str(self.rpc_port),
            "-L", self.log_level,
            "-l", str(self.log_file),
        ]  # fmt: skip
        parent = os.getpid()
        with open(self.root / "deluged.stderr", "ab") as stderr:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
                preexec_fn=lambda: _preexec_die_with_parent(parent),
            )
        self.frozen = False
        _RUNNING.add(self)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 20.0, expect_torrents: int = 0) -> None:
        """Retry connect + ``daemon.info`` every 0.1 s; optionally wait for persisted torrents.

        After a restart the RPC port answers about 0.3 s before the saved torrents are loaded:
        pass ``expect_torrents`` to wait until at least that many are back.
        """
        deadline = time.monotonic() + timeout
        last: BaseException | None = None
        while time.monotonic() < deadline:
            if not self.running:
                raise DaemonFailed(f"deluged exited at start: {self._log_tail()}")
            try:
                client = self.rpc(timeout=1.0)
                try:
                    self.version = str(client.call("daemon.info"))
                    if expect_torrents and len(client.call("core.get_session_state")) < (
                        expect_torrents
                    ):
                        raise TimeoutError("torrents not reloaded yet")
                    listen = client.call("core.get_listen_port")
                    if listen:
                        self.listen_port = int(listen)
                    return
                finally:
                    client.disconnect()
            except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
                last = exc
            time.sleep(0.1)
        raise DaemonFailed(
            f"deluged on 127.0.0.1:{self.rpc_port} not ready after {timeout:.0f} s "
            f"({type(last).__name__}: {last}); {self._log_tail()}"
        )

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM, then SIGKILL if the daemon has not exited within ``timeout``."""
        proc = self.proc
        if proc is None:
            return
        _RUNNING.discard(self)
        if proc.poll() is None:
            if self.frozen:
                self._signal(signal.SIGCONT)
            self._signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                proc.wait(5)
        self.frozen = False

    def kill(self) -> None:
        """SIGKILL at once (a crash, as far as the daemon's state file is concerned)."""
        if self.proc and self.proc.poll() is None:
            self._signal(signal.SIGKILL)
            self.proc.wait(5)
        _RUNNING.discard(self)

    def restart(self, timeout: float = 20.0, expect_torrents: int = 0) -> DelugeDaemon:
        """Stop and start again on the same ports with the same config and state."""
        self.stop()
        self.start(timeout)
        if expect_torrents:
            self.wait_ready(timeout, expect_torrents=expect_torrents)
        return self

    def freeze(self) -> None:
        """SIGSTOP: the daemon keeps its sockets but answers nothing (a hung daemon)."""
        self._signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)
        self.frozen = False

    def _signal(self, sig: int) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            self.proc.send_signal(sig)

    # -- talking to it -------------------------------------------------------------------------

    def config(self, **overrides: object) -> DelugeConfig:
        """A :class:`DelugeConfig` that reaches this daemon with its test user."""
        base = DelugeConfig(
            host="127.0.0.1",
            port=int(self.rpc_port or 0),
            username=self.username,
            password=self.password,
            timeout=3.0,
            movies_location=str(self.download_location / "movies"),
            shows_location=str(self.download_location / "shows"),
        )
        return replace(base, **overrides)  # type: ignore[arg-type]

    def rpc(self, timeout: float = 5.0):  # -> deluge_client.DelugeRPCClient
        """A raw, connected ``deluge_client`` for test set-up (not the adapter under test)."""
        from deluge_client import DelugeRPCClient

        client = DelugeRPCClient(
            "127.0.0.1",
            int(self.rpc_port or 0),
            self.username,
            self.password,
            decode_utf8=True,
            automatic_reconnect=False,
            timeout=timeout,
        )
        client.connect()
        return client

    def _log_tail(self, lines: int = 15) -> str:
        parts = []
        for path in (self.log_file, self.root / "deluged.stderr"):
            try:
                text = path.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                continue
            if text:
                parts.append(f"{path.name}: " + " | ".join(text.splitlines()[-lines:]))
        return "; ".join(parts) or "no log output"

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<DelugeDaemon 127.0.0.1:{self.rpc_port} bt={self.listen_port} {state}>"


__all__ = [
    "DELUGED_ENV",
    "DaemonFailed",
    "DelugeDaemon",
    "DelugedNotFound",
    "find_deluged",
    "free_port",
    "write_auth",
    "write_core_conf",
]
