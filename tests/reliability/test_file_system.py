"""File-system oddities in the library folders: FIFOs, device nodes, symlink loops, names that
are not UTF-8, 255-byte names. A scan finishes (no hang, no traceback), records what it can
and says what it skipped; the output stays printable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from probes import Mydia

from mydia_tui.untrusted import UNSAFE


@pytest.fixture
def odd_library(mydia: Mydia, tmp_path: Path) -> Mydia:
    movies = tmp_path / "Movies"
    good = movies / "Big Buck Bunny (2008)"
    good.mkdir(parents=True)
    (good / "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP.mkv").write_bytes(b"x" * 1000)
    odd = movies / "Sintel (2010)"
    odd.mkdir()
    os.mkfifo(odd / "Sintel.2010.1080p.mkv")
    loop = movies / "Loop (2001)"
    loop.mkdir()
    (loop / "a.mkv").symlink_to(loop / "b.mkv")
    (loop / "b.mkv").symlink_to(loop / "a.mkv")
    (loop / "self").symlink_to(loop)
    if os.geteuid() == 0:
        os.mknod(movies / "Tears of Steel (2012).mkv", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    raw = os.fsencode(movies) + b"/Caf\xe9 \x1b[31m(1999)"
    os.mkdir(raw)
    with open(raw + b"/Caf\xe9.1999.1080p.mkv", "wb") as fh:
        fh.write(b"x" * 10)
    long_name = "L" * 240 + " (2005)"
    assert len(long_name.encode()) <= 255
    (movies / long_name).mkdir()
    (movies / long_name / ("L" * 245 + ".mkv")).write_bytes(b"x")
    mydia.configure(f'[library]\nmovies = ["{movies}"]\n')
    assert mydia("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    assert mydia("add", "movie", "Sintel", "--year", "2010").code == 0
    return mydia


def test_a_scan_of_odd_files_finishes_and_prints_safely(odd_library: Mydia):
    run = odd_library("scan", timeout=60)
    assert run.code in (0, 1), run.err
    assert "Traceback" not in run.err and "unexpected error" not in run.err, run.err
    assert not UNSAFE.search((run.out + run.err).replace("\n", "")), run.out + run.err


def test_a_scan_of_odd_files_records_the_good_one(odd_library: Mydia):
    import json

    odd_library("scan", timeout=60)
    run = odd_library("list", "--json")
    status = {item["title"]: item["status"] for item in json.loads(run.out)}
    assert status["Big Buck Bunny"] == "on_disk", status
    assert status["Sintel"] != "on_disk", status  # a FIFO is not a film


def test_a_scan_json_of_odd_names_is_valid_json(odd_library: Mydia):
    import json

    run = odd_library("scan", "--json", timeout=60)
    json.loads(run.out)
    assert not UNSAFE.search(run.out.replace("\n", ""))
