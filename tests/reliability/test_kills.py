"""Kills: a scan killed with SIGKILL again and again leaves a sound database (``doctor``'s
quick_check), and the next scan finishes the work; the monitor stops on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from probes import Mydia

FILMS = 1500


def test_a_scan_killed_three_times_leaves_a_sound_database(mydia: Mydia, tmp_path: Path):
    movies = tmp_path / "Movies"
    for i in range(FILMS):
        folder = movies / f"Film Number {i} ({1950 + i % 70})"
        folder.mkdir(parents=True)
        (folder / f"Film.Number.{i}.{1950 + i % 70}.1080p.mkv").write_bytes(b"x")
    mydia.configure(f'[library]\nmovies = ["{movies}"]\n')
    assert mydia("list").code == 0  # the database exists before the first kill
    for delay in (0.3, 0.6, 0.9):  # killed at three moments of its work
        proc = mydia.popen("scan", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    doctor = mydia("doctor")
    assert "quick_check ok" in doctor.out, doctor.out + doctor.err
    run = mydia("scan", "--json", timeout=120)
    assert run.code in (0, 1), run.err
    report = json.loads(run.out)
    assert sum(r["files_seen"] for r in report["roots"]) == FILMS, report["roots"]


def test_the_monitor_stops_on_sigterm(mydia: Mydia, tmp_path: Path):
    mydia.configure("[deluge]\nport = 1\ntimeout = 1.0\n")
    proc = mydia.popen("monitor", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
