"""Database faults: a corrupt or truncated file, a read-only file or folder, a write lock held
by another process, a full disk (a small tmpfs, where this machine may mount one), PostgreSQL
without its driver. Each is one line saying what to do, exit 1 (never 2, the usage status),
nothing lost; ``doctor`` never calls a damaged database fine."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from probes import Mydia, one_line


def _library(mydia: Mydia, films: int = 1) -> Path:
    for i in range(films):
        assert mydia("add", "movie", f"Film {i}", "--year", "2008").code == 0
    return Path(mydia.db)


def test_a_file_that_is_not_a_database_is_one_line(mydia: Mydia, tmp_path: Path):
    Path(mydia.db).write_bytes(b"this is not SQLite\n" * 100)
    one_line(mydia("list"), 1, "damaged", "doctor")


def test_a_truncated_database_is_one_line(mydia: Mydia):
    db = _library(mydia, 3)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2 + 100])
    run = mydia("list")
    if run.code == 0:  # SQLite may still read what is left; doctor must then see the damage
        run = mydia("doctor")
        assert run.code == 1 and "damaged" in run.out, run.out
    else:
        one_line(run, 1, "damaged")


def _damage_pages(db: Path) -> None:
    """Overwrite the middle pages of a database (its header intact), as a bad disk would."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.seek(4096 * 2)
        fh.write(os.urandom(max(0, size - 4096 * 3)))


def test_doctor_does_not_call_a_damaged_database_fine(mydia: Mydia):
    db = _library(mydia, 40)
    _damage_pages(db)
    run = mydia("doctor")
    assert run.code == 1, run.out + run.err
    assert "[FAIL] database" in run.out, run.out
    assert "Traceback" not in run.err


def test_doctor_says_quick_check_ok_on_a_sound_database(mydia: Mydia):
    _library(mydia)
    assert "quick_check ok" in mydia("doctor").out


def _read_only(path: Path) -> None:
    """Make ``path`` (a file or a folder) read-only for everyone, root included: a read-only
    bind mount over it (as root), or its mode otherwise."""
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return
    for args in (["--bind", str(path), str(path)], ["-o", "remount,ro,bind", str(path)]):
        done = subprocess.run(["mount", *args], capture_output=True, text=True)
        if done.returncode:
            pytest.skip(f"cannot make {path} read-only here: {done.stderr.strip()}")


def _release(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)
    path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_database_file_is_one_line_and_nothing_lost(mydia: Mydia):
    db = _library(mydia)
    _read_only(db)
    try:
        one_line(mydia("add", "movie", "Other", "--year", "2001"), 1, "not writable")
    finally:
        _release(db)
    assert "Film 0" in mydia("list").out


def test_a_read_only_database_folder_is_one_line(mydia: Mydia, tmp_path: Path):
    folder = tmp_path / "ro"
    folder.mkdir()
    mydia.db = folder / "library.sqlite3"
    _read_only(folder)
    try:
        one_line(mydia("list"), 1, "not writable")
    finally:
        _release(folder)


HOLD = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_held_write_lock_is_one_line_exit_1_and_loses_nothing(mydia: Mydia, tmp_path: Path):
    db = _library(mydia)
    mydia.env["MYDIA_TUI_BUSY_TIMEOUT"] = "1"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), "60"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        run = mydia("add", "movie", "Other", "--year", "2001", timeout=90)
        one_line(run, 1, "locked", "try again")
    finally:
        holder.kill()
        holder.wait()
    listed = mydia("list")
    assert "Film 0" in listed.out and "Other" not in listed.out


def test_postgresql_without_its_driver_is_one_line(mydia: Mydia, tmp_path: Path):
    blocker = tmp_path / "nodriver"
    blocker.mkdir()
    (blocker / "psycopg2.py").write_text("raise ImportError('no psycopg2 here')\n")
    mydia.env["PYTHONPATH"] = f"{blocker}{os.pathsep}{mydia.env['PYTHONPATH']}"
    mydia.db = "postgresql://mydia@127.0.0.1:1/library"
    one_line(mydia("list"), 1, "postgres extra")


class SmallDisk:
    """A 1.2 MB tmpfs mounted for one probe; :meth:`fill` leaves it almost no room."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"

    def fill(self, leave: int = 200_000) -> None:
        with open(self.filler, "wb") as fh:
            try:
                while True:
                    fh.write(b"\0" * 65536)
            except OSError:
                pass
        os.truncate(self.filler, max(0, self.filler.stat().st_size - leave))

    def free(self) -> None:
        self.filler.unlink()


@pytest.fixture
def small_disk(tmp_path: Path):
    path = tmp_path / "small"
    path.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(path)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield SmallDisk(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_full_disk_during_scan_is_one_line_and_the_database_survives(
    mydia: Mydia, tmp_path: Path, small_disk: SmallDisk
):
    mydia.db = small_disk.path / "library.sqlite3"
    movies = tmp_path / "Movies"
    for i in range(2000):
        folder = movies / f"A Film Number {i} With A Long Title ({1950 + i % 70})"
        folder.mkdir(parents=True)
        (folder / f"A.Film.Number.{i}.With.A.Long.Title.{1950 + i % 70}.1080p.mkv").touch()
    mydia.configure(f'[library]\nmovies = ["{movies}"]\n')
    assert mydia("list").code == 0
    small_disk.fill()
    one_line(mydia("scan", timeout=120), 1, "no space left")
    small_disk.free()
    assert mydia("list").code == 0
    assert "quick_check ok" in mydia("doctor").out


def test_monitor_once_exits_1_when_its_monitors_failed_on_a_full_disk(
    mydia: Mydia, tmp_path: Path, small_disk: SmallDisk, deluged
):
    """A real Deluge answers, the indexer does not, and the database's disk is full: the
    search monitor cannot even record its failure."""
    from mydia_tui.config import Config, IndexerConfig, write_config

    mydia.db = small_disk.path / "library.sqlite3"
    _library(mydia, 20)
    indexer = IndexerConfig(name="down", url="http://127.0.0.1:1/api", timeout=1.0)
    mydia.config = write_config(
        Config(deluge=deluged.config(timeout=3.0), indexers=(indexer,)), tmp_path / "c.toml"
    )
    small_disk.fill(leave=100000)
    run = mydia("monitor", "--once", timeout=120)
    assert run.code == 1, run.err
    summary = [line for line in run.lines if re.search(r"\d+ parts? failed", line)]
    assert summary and "disk is full" in summary[0], run.err
    small_disk.free()
    assert "quick_check ok" in mydia("doctor").out


def test_monitor_once_exits_1_when_a_search_failed(mydia: Mydia, tmp_path: Path, deluged):
    """A real Deluge answers, the only indexer does not: the cycle's search failed."""
    from mydia_tui.config import Config, IndexerConfig, write_config

    _library(mydia)
    indexer = IndexerConfig(name="down", url="http://127.0.0.1:1/api", timeout=1.0)
    mydia.config = write_config(
        Config(deluge=deluged.config(timeout=3.0), indexers=(indexer,)), tmp_path / "c.toml"
    )
    run = mydia("monitor", "--once", timeout=90)
    assert run.code == 1, run.err
    assert "monitor --once: 1 part failed" in run.err and "Film 0" in run.err


def test_monitor_once_exits_1_when_deluge_does_not_answer_and_nothing_is_downloading(
    mydia: Mydia, tmp_path: Path
):
    """Found by a new user: with nothing to poll, a Deluge that refused the connection went
    unnoticed and ``monitor --once`` exited 0."""
    from mydia_tui.config import Config, DelugeConfig, write_config

    _library(mydia)
    mydia.config = write_config(
        Config(deluge=DelugeConfig(host="127.0.0.1", port=1, timeout=1.0)), tmp_path / "c.toml"
    )
    run = mydia("monitor", "--once", timeout=60)
    assert run.code == 1, run.err
    assert "Deluge did not answer" in run.err and "refused the connection" in run.err


def test_monitor_once_counts_both_polls():
    """``monitor --once`` polls twice (before and after its search): its summary adds both."""
    from mydia_tui.monitor.downloads import PollReport

    first = PollReport(called=True, imported=[1], updated=["a"])
    second = PollReport(called=True, ok=False, error="offline", imported=[2], removed=[3])
    both = first.plus(second)
    assert both.imported == [1, 2] and both.updated == ["a"] and both.removed == [3]
    assert both.called and not both.ok and both.error == "offline"
