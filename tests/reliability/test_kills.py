"""Kills: a scan killed with SIGKILL again and again leaves a sound database (``doctor``'s
quick_check), and the next scan finishes the work; the monitor stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, Mydia

FILMS = 1500


def test_a_scan_killed_three_times_leaves_a_sound_database(mydia: Mydia, tmp_path: Path):
    movies = tmp_path / "Movies"
    for i in range(FILMS):
        folder = movies / f"Film Number {i} ({1950 + i % 70})"
        folder.mkdir(parents=True)
        (folder / f"Film.Number.{i}.{1950 + i % 70}.1080p.mkv").write_bytes(b"x")
    config = tmp_path / "config.toml"
    config.write_text(f'[library]\nmovies = ["{movies}"]\n')
    config.chmod(0o600)
    mydia.config = config
    assert mydia("list").code == 0  # the database exists before the first kill
    cmd = [
        sys.executable,
        "-m",
        "mydia_tui",
        "--config",
        str(config),
        "--db",
        str(mydia.db),
        "scan",
    ]
    for delay in (0.3, 0.6, 0.9):
        proc = subprocess.Popen(
            cmd, env=mydia.env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    doctor = mydia("doctor")
    assert "quick_check ok" in doctor.out, doctor.out + doctor.err
    run = mydia("scan", "--json", timeout=120)
    assert run.code in (0, 1), run.err
    import json

    report = json.loads(run.out)
    assert sum(r["files_seen"] for r in report["roots"]) == FILMS, report["roots"]


def test_the_monitor_stops_on_sigterm(mydia: Mydia, tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text("[deluge]\nport = 1\ntimeout = 1.0\n")
    config.chmod(0o600)
    cmd = [
        sys.executable,
        "-m",
        "mydia_tui",
        "--config",
        str(config),
        "--db",
        str(mydia.db),
        "monitor",
    ]
    proc = subprocess.Popen(
        cmd, env=mydia.env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    assert proc.stderr is not None
    for line in proc.stderr:
        if "monitor started" in line or time.monotonic() > deadline:
            break
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the monitor did not stop on SIGTERM") from None
    assert proc.returncode == 0
