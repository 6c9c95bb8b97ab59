"""Run the command line as a person does: in a pseudo-terminal, reading what it shows.

:class:`PtyProcess` starts ``python -c RUN_CLI ...`` with the pty as its terminal (stdin and
the streams asked for), collects what it writes, and waits on what appears, never on fixed
sleeps. ``RUN_CLI`` is ``mydia-tui`` with one change: a checkout's ``.deluge-venv`` is looked for
under the folder given first (an empty one hides this checkout's test daemon).
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

RUN_CLI = (
    "import pathlib, sys\n"
    "import mydia_tui.deluge_daemon as d\n"
    "d._REPO_ROOT = pathlib.Path(sys.argv.pop(1))\n"
    "{patch}\n"
    "from mydia_tui.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)

#: CSI, OSC and the two-character escapes a terminal app writes
_ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>=!]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78NOc]"
)
#: Textual leaves the alternate screen with this when the app ends
LEAVE_ALT_SCREEN = "\x1b[?1049l"


def cli_argv(repo_root: Path, *args: str, patch: str = "") -> list[str]:
    """``python -c`` running the command line with ``args`` (``patch``: code run first)."""
    return [sys.executable, "-c", RUN_CLI.format(patch=patch), str(repo_root), *args]


def plain(text: str) -> str:
    """``text`` without escape sequences and carriage returns."""
    return _ESCAPES.sub("", text).replace("\r", "")


class _Reader(threading.Thread):
    def __init__(self, fd: int) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.data = bytearray()
        self.changed = threading.Condition()

    def run(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the other side of the pty is closed
                chunk = b""
            with self.changed:
                if not chunk:
                    self.changed.notify_all()
                    return
                self.data += chunk
                self.changed.notify_all()

    def text(self) -> str:
        with self.changed:
            return self.data.decode("utf-8", errors="replace")


class PtyProcess:
    """A process whose stdin (and ``on_tty`` streams) is a pseudo-terminal of ``size``;
    the other streams are pipes, read as they come."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        *,
        on_tty: tuple[str, ...] = ("stdout", "stderr"),
        size: tuple[int, int] = (120, 36),
    ) -> None:
        master, slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        streams = {
            name: (slave if name in on_tty else subprocess.PIPE) for name in ("stdout", "stderr")
        }
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)},
            cwd=REPO,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
            **streams,
        )
        os.close(slave)
        self.master = master
        self.tty = _Reader(master)
        self.tty.start()
        self.pipes = {
            name: _Reader(getattr(self.proc, name).fileno())
            for name in ("stdout", "stderr")
            if name not in on_tty
        }
        for reader in self.pipes.values():
            reader.start()

    def screen(self) -> str:
        return self.tty.text()

    def out(self, name: str) -> str:
        return self.pipes[name].text()

    def expect(self, pattern: str, *, where: str = "tty", timeout: float = 30.0) -> re.Match:
        """Wait until ``pattern`` (a regex) appears in the terminal or a pipe, plain text."""
        reader = self.tty if where == "tty" else self.pipes[where]
        deadline = time.monotonic() + timeout
        with reader.changed:
            while True:
                found = re.search(pattern, plain(reader.data.decode("utf-8", errors="replace")))
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (not reader.is_alive() and self.proc.poll() is not None):
                    raise AssertionError(
                        f"{pattern!r} did not appear in {where} within {timeout} s; it shows:\n"
                        + plain(reader.data.decode("utf-8", errors="replace"))[-3000:]
                    )
                reader.changed.wait(min(left, 0.5))

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait(self, timeout: float = 60.0) -> int:
        try:
            code = self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(5)
        for reader in (self.tty, *self.pipes.values()):
            reader.join(5)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        try:
            os.close(self.master)
        except OSError:
            pass

    def __enter__(self) -> PtyProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def after_the_app(screen: str) -> list[str]:
    """The non-empty lines written to the terminal after the app left the alternate screen."""
    tail = screen.rsplit(LEAVE_ALT_SCREEN, 1)[-1]
    return [line for line in plain(tail).splitlines() if line.strip()]


def processes_mentioning(text: str) -> list[int]:
    """Pids of the processes whose command line contains ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found
