"""The real ``mydia-tui`` started in a pseudo-terminal: the first frame the terminal shows is
the whole main screen, with the headings it keeps.

The frames are read as a terminal shows them (``bench/launch.py``: the app's output fed into
``pyte``, a frame per synchronized update). Regressions this guards: the first frame drawn
with only the widgets changed since Textual's start-up batch (no borders, no status bar), the
headings made for a width of 0 then redrawn, the key hints composed a frame later, and an
empty library shown as "loading…" before its hint. Times are the benchmark's business, not
this test's.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import launch as terminal  # noqa: E402  (bench/launch.py)


def library(folder: Path, items: int) -> Path:
    """An empty library, or a generated one (bench/librarygen.py: films, shows, downloads in
    every state), made once and kept in bench/.data."""
    if not items:
        return terminal.empty_db(folder)
    return terminal.ensure_db(items, items * 4, 40)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("items", [0, 400], ids=["empty", "400-items"])
def test_the_first_frame_is_the_whole_main_screen(tmp_path, items, size):
    db = library(tmp_path, items)
    config = tmp_path / "config.toml"
    config.write_text("")
    # a frame is one write; on a loaded machine its pieces may arrive some milliseconds apart
    _start, frames = terminal.launch(db, config, size, write_gap=0.010)
    drawn = [(at, lines) for at, lines in frames if any(line.strip() for line in lines)]
    assert drawn, "the app drew nothing"
    first_at, first = drawn[0]
    final = terminal.parts(frames[-1][1])
    seen = terminal.parts(first)
    shown = "\n".join(first)
    # every part of the screen is in the first frame, each heading as the settled app has it
    assert all(seen.values()), (seen, shown)
    assert seen["library"] == final["library"] and seen["downloads"] == final["downloads"], shown
    assert seen["keys"] == final["keys"], shown
    # the details pane shows the highlighted item already (read before the first frame)
    assert seen["details"] == final["details"], shown
    # the tabs' first groups (their counts change once the monitor finds Deluge is not there;
    # the offline tab comes once it counts something, and at 80 columns the tabs out of sight
    # are counted, "2 more ›")
    assert seen["tabs"].split()[0] == final["tabs"].split()[0] == "all", shown
    # the panes' borders and titles are there (not only the widgets changed since start-up)
    assert first[0].startswith("╭─ Library"), shown
    assert any(line.startswith("╭─ Downloads") for line in first), shown
    if items:
        # the first row, read before the first frame: its title and year (its state column
        # changes once the monitor finds Deluge is not there: "downloading 24%", then
        # "offline 24%", seen in CI on 765c16c)
        title_and_year = re.compile(r".*?\b(?:19|20)\d\d\b")
        seen_row, final_row = (
            title_and_year.match(seen["rows"]),
            title_and_year.match(final["rows"]),
        )
        assert seen_row and final_row and seen_row.group(0) == final_row.group(0), shown
    else:
        assert seen["rows"].startswith("the library is empty"), shown
    # and no frame, before or after, shows a heading other than the settled one
    _complete, _first, wrong = terminal.judge(frames)
    assert wrong == 0


def test_quitting_leaves_no_write_ahead_log_for_the_next_launch_to_read(tmp_path):
    """The next launch's first connection reads the whole WAL the last one left before its
    first query (SQLite's recovery): the app folds it into the database when it quits, though
    its worker threads' connections are still open (SQLite removes it only when the last
    connection closes)."""
    db = tmp_path / "library.sqlite3"
    with closing(sqlite3.connect(library(tmp_path, 400))) as source:
        with closing(sqlite3.connect(db)) as copy:
            source.backup(copy)  # with what its own WAL holds
    config = tmp_path / "config.toml"
    config.write_text("")
    _start, frames = terminal.launch(db, config, (80, 24), write_gap=0.010)
    assert frames, "the app drew nothing"
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, wal.stat().st_size


#: what the first screen needs of the app's screens: the main screen and the help screen (the
#: app binds its key); any other screen's module loaded before the first paint is launch time
#: spent for nothing (the settings screen alone brings Textual's text area)
FIRST_SCREEN_MODULES = {
    "mydia_tui.tui.screens",
    "mydia_tui.tui.screens.main",
    "mydia_tui.tui.screens.help",
    "mydia_tui.tui.screens.dialog",  # the help screen's base class
}

LOADED_AT_FIRST_PAINT = """
import asyncio, sys
from mydia_tui.config import load_config
from mydia_tui.db import open_database
from mydia_tui.tui.launch import tui_app

open_database(sys.argv[1])
config = load_config(sys.argv[2])  # an empty file, as a new user has

async def main():
    with tui_app(config, sys.argv[2]) as app:
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(200):
                await pilot.pause()
                pane = app.main.library
                drawn = " ".join(pane.list.render_line(y).text for y in range(4))
                if pane.complete and "library is empty" in drawn:
                    break
            else:
                raise SystemExit("the empty library's hint was never drawn")
            print(" ".join(sorted(m for m in sys.modules if m.startswith("mydia_tui.tui.screens"))))

asyncio.run(main())
"""


def test_the_empty_librarys_first_screen_loads_no_other_screen(tmp_path):
    """The empty library's hint names its keys (``a`` adds a film...): finding them must not
    load every screen of the app (:func:`mydia_tui.tui.keys.catalog`), which made the empty
    library the slowest launch (430 ms against 358 ms at 50,000 items, issue 18)."""
    import subprocess

    db = terminal.empty_db(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text("")
    done = subprocess.run(
        [sys.executable, "-c", LOADED_AT_FIRST_PAINT, str(db), str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "mydia_tui.tui.screens.main" in loaded  # the probe saw the app
    assert loaded <= FIRST_SCREEN_MODULES, sorted(loaded - FIRST_SCREEN_MODULES)
