"""The app ends when its terminal goes away, even when no SIGHUP comes (an SSH connection that
dies, a pseudo-terminal whose other end is closed): Textual's driver left it running for ever,
a core's worth of CPU in its input thread and the event loop blocked on its dead writer's full
queue, with the monitor still searching (``mydia_tui.tui.terminal``)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mydia_tui.tui.terminal import HUNG_UP_STATUS

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import launch as terminal  # noqa: E402  (bench/launch.py: the app started as a user does)


class _Screen(threading.Thread):
    """Reads what the app writes until the terminal is closed."""

    def __init__(self, fd: int) -> None:
        super().__init__(daemon=True)
        self.fd, self.data, self.lock = fd, bytearray(), threading.Lock()

    def run(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.data += chunk

    def shows(self, text: str) -> bool:
        with self.lock:
            return text.encode() in self.data


def _start(tmp_path: Path) -> tuple[subprocess.Popen, int, _Screen]:
    """The app in a pseudo-terminal that is not its controlling terminal (closing the
    terminal sends it no SIGHUP), once it has drawn its library pane."""
    config = tmp_path / "config.toml"
    config.write_text("")
    proc, master = terminal.spawn(tmp_path / "db", config, (80, 24))
    screen = _Screen(master)
    screen.start()
    deadline = time.monotonic() + 60
    while not screen.shows("Library"):
        assert proc.poll() is None, f"the app ended at start: {proc.returncode}"
        assert time.monotonic() < deadline, "the app drew no library pane within 60 s"
        time.sleep(0.05)
    return proc, master, screen


def test_the_app_ends_when_its_terminal_is_closed_without_a_sighup(tmp_path):
    proc, master, screen = _start(tmp_path)
    try:
        time.sleep(0.5)  # drawn and idle: the hang-up alone must end it
        os.close(master)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            code = None
        assert code == HUNG_UP_STATUS, (
            f"the app did not end within 20 s of its terminal closing (status {code})"
        )
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_a_line_said_to_a_terminal_that_hung_up_is_dropped_not_a_crash():
    """The demo says goodbye once the app has ended; with its terminal closed that write
    failed (EIO) and was reported as an unexpected error with a traceback."""
    from mydia_tui.cli.main import say

    master, slave = os.openpty()
    os.close(master)  # the terminal goes away
    with pytest.raises(OSError):  # a plain write to it fails: the case is real
        os.write(slave, b"x")
    with open(slave, "w", encoding="utf-8", closefd=True) as gone:
        say("mydia-tui demo: stopped the daemons", file=gone, flush=True)
        say("and a second line", file=gone)
    # closed (its buffer flushed) without an error
