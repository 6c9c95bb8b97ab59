"""`mydia-tui demo`: the whole loop with nothing configured, then everything removed.

Three ways in: ``--no-tui`` as a process; the TUI under Pilot on the very functions
``mydia-tui demo`` runs (:func:`started_demo`, :func:`mydia_tui.tui.launch.tui_app`); and the command
itself in a pseudo-terminal, as a person runs it, quitting with ``q``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from deluge_fixtures import wait_for
from pty_process import (
    LEAVE_ALT_SCREEN,
    REPO,
    PtyProcess,
    after_the_app,
    cli_argv,
    plain,
    processes_mentioning,
)
from test_tui_health import open_health

from mydia_tui.demo import FILMS, Demo, started_demo
from mydia_tui.services import Services
from mydia_tui.tui.launch import tui_app
from mydia_tui.views import list_items

pytestmark = pytest.mark.deluge

TITLES = {title for title, _, _ in FILMS}


def test_demo_finds_grabs_downloads_and_imports_every_film(cli, deluged_path, monkeypatch):
    cli.env["MYDIA_DELUGED"] = str(deluged_path)
    r = cli("demo", "--no-tui", "--timeout", "150", timeout=240)
    assert r.code == 0, r.out + r.err
    lines = r.out.strip().splitlines()
    final = lines[-2]
    assert final.count("on_disk") == 4, lines
    assert "Big Buck Bunny: on_disk" in final and "Elephants Dream: on_disk" in final
    root = re.search(r"removed (\S+)", lines[-1]).group(1)
    assert not Path(root).exists()


def _all_imported() -> bool:
    rows = list_items()
    return {r.title for r in rows} == TITLES and all(r.status == "on_disk" for r in rows)


async def test_demo_tui_imports_every_film_and_q_leaves_nothing_running(deluged_path):
    demo = Demo(deluged=deluged_path)
    with started_demo(demo):
        pids = [demo.seeder.pid, demo.client.pid]
        assert len(processes_mentioning(str(demo.root))) == 2
        with tui_app(demo.config(), str(demo.config_path)) as app:
            # what `mydia-tui` offers is there: the real services (search, grab, pause, remove)
            assert isinstance(app.services.loaded(), Services)
            async with app.run_test(size=(120, 36)) as pilot:
                deadline = time.monotonic() + 150
                while not _all_imported():
                    assert app.is_running, app.crash
                    assert time.monotonic() < deadline, [(r.title, r.status) for r in list_items()]
                    await pilot.pause(0.2)
                # the health checks name the demo's config file, which the settings save to
                # (they said "no config file (defaults)")
                screen = await open_health(pilot)
                config_line = next(f.message for f in screen.findings if f.area == "config")
                assert config_line == f"read {demo.config_path}", config_line
                await pilot.press("escape", "q")
            assert app.return_code == 0 and app.crash is None
    assert not demo.root.exists()
    assert processes_mentioning(str(demo.root)) == []
    assert all(not Path(f"/proc/{pid}").exists() for pid in pids)
    assert not demo._dialer.is_alive() and not demo.feed.thread.is_alive()


def _films(db: Path) -> dict[str, str]:
    """The demo library's films and their status, read by the command line."""
    r = subprocess.run(
        [sys.executable, "-m", "mydia_tui", "--db", str(db), "list", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return (
        {row["title"]: row["status"] for row in json.loads(r.stdout)} if r.returncode == 0 else {}
    )


def test_demo_in_a_terminal_until_every_film_is_imported_then_q(tmp_path, deluged_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "MYDIA_DELUGED": str(deluged_path)}
    with PtyProcess(cli_argv(tmp_path, "demo"), env, on_tty=("stderr",)) as demo:
        root = Path(demo.expect(r"everything lives in (\S+)", where="stdout").group(1))
        deadline = time.monotonic() + 150
        while (films := _films(root / "library.sqlite3")) != dict.fromkeys(TITLES, "on_disk"):
            assert demo.proc.poll() is None, demo.screen()[-3000:]
            assert time.monotonic() < deadline, films
            time.sleep(0.5)  # polls a subprocess that takes longer than this itself
        assert len(processes_mentioning(str(root))) == 2
        assert "Tears of Steel" in plain(demo.screen())  # the TUI is up, showing the library
        demo.send("q")
        code = demo.wait(30)
        out = demo.out("stdout")
        stderr_lines = after_the_app(demo.screen())
    assert code == 0, (out, stderr_lines)
    assert stderr_lines == []
    assert f"stopped the daemons and removed {root}" in out
    assert not root.exists()
    assert processes_mentioning(str(root)) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_the_demo_ended_by_a_signal_still_cleans_up(tmp_path, deluged_path, signum):
    """SIGTERM, or SIGHUP when the terminal closes, ends the demo as q does: the terminal is
    given back, the daemons stop and the folder goes (before, the folder stayed behind)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "MYDIA_DELUGED": str(deluged_path)}
    with PtyProcess(cli_argv(tmp_path, "demo"), env, on_tty=("stderr",)) as demo:
        root = Path(demo.expect(r"everything lives in (\S+)", where="stdout").group(1))
        demo.expect("Tears of Steel", timeout=60)  # the TUI is up
        assert len(processes_mentioning(str(root))) == 2
        demo.proc.send_signal(signum)
        code = demo.wait(30)
        out = demo.out("stdout")
        screen = demo.screen()
    assert code == 0, (out, screen[-2000:])
    assert LEAVE_ALT_SCREEN in screen  # the terminal was restored
    assert f"stopped the daemons and removed {root}" in out
    assert not root.exists()
    assert processes_mentioning(str(root)) == []


def test_a_demo_killed_outright_is_cleaned_up_by_the_next_one(tmp_path, deluged_path):
    """A new user's report: a demo killed with SIGKILL (it cannot clean up) left its 94 MB
    folder in /tmp for ever, and later demos removed only their own. The next demo removes
    a folder whose demo process is gone, says so, and leaves a running demo's alone."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "MYDIA_DELUGED": str(deluged_path),
        "TMPDIR": str(tmp_path),
    }
    with PtyProcess(cli_argv(tmp_path, "demo"), env, on_tty=("stderr",)) as demo:
        root = Path(demo.expect(r"everything lives in (\S+)", where="stdout").group(1))
        demo.expect("Tears of Steel", timeout=60)  # the TUI is up
        demo.proc.send_signal(signal.SIGKILL)
        demo.wait(30)
    assert root.exists() and root.parent == tmp_path
    wait_for(lambda: processes_mentioning(str(root)) == [], 30, what="its daemons to go")
    running = tmp_path / "mydia-demo-running"  # a demo of a live process (this one)
    running.mkdir()
    (running / "demo.pid").write_text(f"{os.getpid()}\n")
    argv = cli_argv(tmp_path, "demo", "--no-tui", "--timeout", "1")
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert f"mydia-tui demo: removed {root}, left by a demo that was killed" in done.stdout
    assert not root.exists()
    assert running.exists()
