"""Find, install, start and stop a private ``deluged`` on loopback (for the tests and
``mydia-tui demo``).

:func:`install_deluged` puts the pinned daemon (:data:`DELUGE_PINS`) in its own virtual
environment under the user's data folder, where :func:`find_deluged` looks for it.

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
import venv
import weakref
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .config import DelugeConfig
from .errors import MydiaError
from .paths import data_dir

DELUGED_ENV = "MYDIA_DELUGED"
#: bytes read from the end of the daemon's log when its start fails
LOG_TAIL_BYTES = 64 * 1024
_REPO_ROOT = Path(__file__).resolve().parent.parent
_PR_SET_PDEATHSIG = 1

#: Deluge 2.2.0 with libtorrent 2.1.1 from PyPI. They resolve only when every pin is given in ONE
#: ``pip install`` into a FRESH virtual environment (shared/reference/deluge.md says why each
#: pin); tests/provision_deluge.sh installs the same (a test checks they agree).
DELUGE_PINS = (
    "deluge==2.2.0",
    "libtorrent==2.1.1",
    "pyOpenSSL==24.2.1",
    "cryptography==43.0.3",
    "service-identity==24.2.0",
    "Twisted==25.5.0",
    "setuptools<81",
)
#: written into a private venv once its deluged has run: a half-done install is not used
_INSTALLED_MARK = "mydia-installed"


class DelugedNotFound(MydiaError):
    """No ``deluged`` program could be found."""


class DaemonFailed(MydiaError):
    """A private ``deluged`` did not start, or did not become ready in time."""


def private_venv() -> Path:
    """Where :func:`install_deluged` puts the daemon: ``<data dir>/deluge-venv``."""
    return data_dir() / "deluge-venv"


def find_deluged() -> Path:
    """``$MYDIA_DELUGED``, then ``<repo>/.deluge-venv`` (a checkout's test daemon), then the
    private one :func:`install_deluged` made, then ``deluged`` on PATH."""
    env = os.environ.get(DELUGED_ENV, "").strip()
    if env:
        path = Path(env)
        if _executable(path):
            return path
        raise DelugedNotFound(
            f"${DELUGED_ENV} names {env!r}, which is not an executable file: "
            "run tests/provision_deluge.sh and export the path it prints"
        )
    checkout = _REPO_ROOT / ".deluge-venv" / "bin" / "deluged"
    if _executable(checkout):
        return checkout
    private = private_venv()
    if (private / _INSTALLED_MARK).is_file() and _executable(private / "bin" / "deluged"):
        return private / "bin" / "deluged"
    found = shutil.which("deluged")
    if found:
        return Path(found)
    raise DelugedNotFound(
        f"no deluged found (looked at ${DELUGED_ENV}, {checkout}, {private} and PATH): "
        "`mydia-tui demo` offers to install one without root, or install Debian's 'deluged'"
    )


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _say(line: str) -> None:
    print(line, flush=True)  # before pip's own output, which goes straight to the terminal


def install_deluged(target: Path | None = None, *, say: Callable[[str], None] = _say) -> Path:
    """Install the pinned daemon into a fresh virtual environment ``target`` (default
    :func:`private_venv`) and return its ``deluged``.

    pip prints its own progress (each package collected, downloaded and installed); ``say``
    gets one line per step. An existing ``target`` is replaced. Raises :class:`DaemonFailed`
    when pip fails or the installed daemon does not run.
    """
    target = target or private_venv()
    deluged = target / "bin" / "deluged"
    say(f"creating a virtual environment in {target}")
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(target)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise DaemonFailed(f"could not create a virtual environment in {target}: {exc}") from None
    say(f"installing {', '.join(DELUGE_PINS)} with pip (about 130 MB)")
    pip = [str(target / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    # pip's messages, its errors too, are progress here: all on stdout, in order
    done = subprocess.run([*pip, *DELUGE_PINS], stdin=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise DaemonFailed(
            f"pip could not install Deluge into {target} (exit status {done.returncode}, its "
            "output is above): check the network, or install Debian's 'deluged'"
        )
    say("checking that the installed deluged runs")
    check = subprocess.run(
        [str(deluged), "--version"], stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    if check.returncode != 0:
        tail = " | ".join((check.stderr or check.stdout).strip().splitlines()[-3:])
        raise DaemonFailed(f"{deluged} was installed but does not run: {tail}")
    (target / _INSTALLED_MARK).write_text("\n".join(DELUGE_PINS) + "\n", encoding="utf-8")
    say(f"installed {deluged}")
    return deluged


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
                with open(path, "rb") as fh:  # only its end: a daemon's log can be large
                    fh.seek(max(0, fh.seek(0, os.SEEK_END) - LOG_TAIL_BYTES))
                    text = fh.read().decode("utf-8", "replace").strip()
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
    "DELUGE_PINS",
    "DaemonFailed",
    "DelugeDaemon",
    "DelugedNotFound",
    "find_deluged",
    "free_port",
    "install_deluged",
    "private_venv",
    "write_auth",
    "write_core_conf",
]
