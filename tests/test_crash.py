"""An unexpected error (a bug) in a command, in the TUI or in the demo: exit status 1, one line
on stderr saying what happened and which log file holds the traceback, secrets redacted."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from pty_process import PtyProcess, after_the_app, cli_argv, plain

from mydia_tui.config import Config, DelugeConfig, write_config
from mydia_tui.paths import log_dir

SECRET = "s3cret-deluge-pw"
LINE = re.compile(r"^mydia-tui: unexpected error in (\S+): (.+); the traceback is in (\S+\.log)$")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}


def _config(tmp_path: Path) -> Path:
    # a Deluge nobody listens on: the app starts offline, which is fine here
    deluge = DelugeConfig(port=1, password=SECRET, timeout=1.0)
    return write_config(Config(deluge=deluge), tmp_path / "config.toml")


def _patched_argv(tmp_path: Path, patch: str, *args: str) -> list[str]:
    """``mydia-tui ARGS`` (none: the TUI) with ``patch`` run first, on the test's config and
    library."""
    argv = ["--config", str(_config(tmp_path)), "--db", str(tmp_path / "library.sqlite3"), *args]
    return cli_argv(tmp_path, *argv, patch=patch)


def _run_patched(tmp_path: Path, patch: str, *args: str) -> subprocess.CompletedProcess[str]:
    """:func:`_patched_argv` run to its end, its output captured."""
    return subprocess.run(
        _patched_argv(tmp_path, patch, *args),
        capture_output=True,
        text=True,
        env=_env(),
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def _one_line_naming_the_log(lines: list[str], command: str, error: str) -> Path:
    assert len(lines) == 1, lines
    m = LINE.match(lines[0])
    assert m, lines[0]
    assert m.group(1) == command
    assert error in m.group(2) and SECRET not in lines[0]
    log = Path(m.group(3))
    assert log == log_dir() / f"{command}.log"
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and error in text
    assert SECRET not in text and "********" in text
    return log


def test_a_command_that_fails_unexpectedly_says_so_in_one_line_and_logs_the_traceback(
    tmp_path: Path,
):
    patch = (
        "import mydia_tui.cli.library as cli\n"
        "def broken(ctx):\n"
        f"    raise ValueError('boom in list, password {SECRET}')\n"
        "cli.cmd_list = broken"
    )
    proc = _run_patched(tmp_path, patch, "list")
    assert proc.returncode == 1, proc.stderr
    _one_line_naming_the_log(proc.stderr.splitlines(), "list", "ValueError: boom in list")


def test_a_widget_that_raises_ends_the_tui_with_one_line_naming_the_log(tmp_path: Path):
    patch = (
        "from mydia_tui.tui.widgets.statusbar import StatusBar\n"
        "def broken(self, *args, **kwargs):\n"
        f"    raise RuntimeError('boom in the status bar, password {SECRET}')\n"
        "StatusBar.set_monitor = broken"
    )
    argv = _patched_argv(tmp_path, patch)
    with PtyProcess(argv, _env(), on_tty=("stderr",)) as tui:
        code = tui.wait(60)
        screen = tui.screen()
    assert code == 1, screen[-2000:]
    assert "\x1b[?1049h" in screen, "the app never drew its screen"
    # Textual's own report (a traceback with local variables) is not shown
    lines = after_the_app(screen)
    _one_line_naming_the_log(lines, "tui", "RuntimeError: boom in the status bar")


def test_a_monitor_error_in_the_tui_is_a_toast_and_a_log_never_text_over_the_screen(
    tmp_path: Path,
):
    """A new user's report: a monitor phase that failed (a database locked for longer than the
    busy timeout) wrote its traceback to stderr, where Textual draws: it landed in the middle
    of the frame. It is a toast on the screen and a traceback in tui.log, secrets redacted."""
    patch = (
        "from mydia_tui.monitor.downloads import DownloadMonitor\n"
        "def broken(self, *args, **kwargs):\n"
        f"    raise RuntimeError('boom in the poll, password {SECRET}')\n"
        "DownloadMonitor.poll = broken"
    )
    argv = _patched_argv(tmp_path, patch)
    with PtyProcess(argv, _env(), on_tty=("stderr",)) as tui:
        tui.expect("boom in the poll", timeout=60)  # the toast
        tui.send("q")
        code = tui.wait(60)
        screen = plain(tui.screen())
    assert code == 0, screen[-2000:]
    assert "Traceback" not in screen and "RuntimeError" not in screen, screen[-3000:]
    assert SECRET not in screen
    text = (log_dir() / "tui.log").read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom in the poll" in text
    assert SECRET not in text


def test_a_failing_phase_of_the_headless_monitor_is_one_line_in_peoples_words_once(
    tmp_path: Path,
):
    """A new user's report: on a full disk the headless monitor printed a whole traceback to
    stderr at every poll (12 in 10 s), worded "cannot rollback - no transaction is active"
    (the rollback's error, raised while handling the full disk's). A database failure is one
    line naming what happened, said once while it lasts; the traceback is in monitor.log."""
    patch = (
        "import peewee\n"
        "from mydia_tui.monitor.downloads import DownloadMonitor\n"
        "def full(self, *args, **kwargs):\n"
        "    try:\n"
        "        raise peewee.OperationalError('database or disk is full')\n"
        "    except peewee.OperationalError:\n"
        "        raise peewee.OperationalError('cannot rollback - no transaction is active')\n"
        "DownloadMonitor.poll = full"
    )
    db_path = tmp_path / "library.sqlite3"
    proc = _run_patched(tmp_path, patch, "monitor", "--once")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    failed = [
        line
        for line in proc.stderr.splitlines()
        if "download monitor:" in line and "monitor --once:" not in line
    ]
    # the two polls of --once fail alike: said once (and counted in the summary line)
    assert len(failed) == 1, proc.stderr
    assert f"the database {db_path} cannot be written: no space left on its disk" in failed[0]
    assert "cannot rollback" not in failed[0]
    text = (log_dir() / "monitor.log").read_text()
    assert "Traceback (most recent call last)" in text and SECRET not in text


@pytest.mark.deluge
def test_a_demo_that_fails_unexpectedly_stops_everything_and_names_its_log(
    tmp_path: Path, deluged_path: Path
):
    patch = (
        "from mydia_tui.demo import Demo\n"
        "def broken(self):\n"
        f"    raise KeyError('boom in the demo, password {SECRET}')\n"
        "Demo.add_films = broken"
    )
    env = {**_env(), "MYDIA_DELUGED": str(deluged_path)}
    # the demo's own config holds no secret of the user's: the user's config here does
    env["MYDIA_TUI_CONFIG"] = str(_config(tmp_path))
    proc = subprocess.run(
        cli_argv(tmp_path, "demo", "--no-tui", patch=patch),
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    _one_line_naming_the_log(proc.stderr.splitlines(), "demo", "KeyError")
    root = re.search(r"removed (\S+)", proc.stdout).group(1)
    assert not Path(root).exists()
