"""Render the README's screenshots (SVG) from a generated, realistic library.

    .venv/bin/python screenshots/make_screenshots.py

Uses the library of the TUI tests (real open films and series, fixed dates; the hostile test
titles replaced by open films, tui_data.SHOWCASE) in a
temporary SQLite file, drives the app headless and saves:

    screenshots/main.svg          the main screen
    screenshots/show-details.svg  a show's seasons and episodes
    screenshots/downloads.svg     the downloads pane, maximised, every state
    screenshots/queue-marks.svg   the queue with three rows marked for a bulk action
    screenshots/activity.svg      the activity screen: the history, newest first
    screenshots/blocklist.svg     the blocklist screen
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import tui_data  # noqa: E402

from mydia_tui import events  # noqa: E402
from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.tui.app import MydiaApp  # noqa: E402

SHOTS = {
    "main.svg": ((140, 42), ()),
    "show-details.svg": ((140, 42), ("slash", *"pioneer", "enter", "enter", "j", "j", "j", "j")),
    "downloads.svg": ((160, 26), ("3", "a", "z")),
    "queue-marks.svg": ((140, 26), ("3", "space", "space", "j", "space", "z")),
    "activity.svg": ((140, 36), ("3", "A")),
    "blocklist.svg": ((140, 20), ("L",)),
}


async def settle(app, pilot) -> None:
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main
        if (
            main.is_mounted
            and main.library.complete
            and main.details.details is not None
            and not main.details._timer_pending()
            and not [w for w in app.workers if w.is_running]
        ):
            return


async def shoot(name: str, size: tuple[int, int], keys: tuple[str, ...]) -> None:
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        # what a running monitor would report (fixed, so the pictures do not change)
        app.post_core_event(events.MonitorState("searching", 'searching "One Step Beyond S02"'))
        app.post_core_event(events.DelugeHealth(True, version="2.2.0", host="127.0.0.1"))
        app.post_core_event(events.IndexerHealthSummary(ok=2, failing=1))
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        await settle(app, pilot)
        app.main.status.monitor_enabled = True
        app.main.status.redraw()
        await pilot.pause()
        app.save_screenshot(name, str(HERE))
    print(HERE / name)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(str(Path(tmp) / "demo.sqlite3"))
        tui_data.add_blocklist(tui_data.populate(hostile=False))
        for name, (size, keys) in SHOTS.items():
            asyncio.run(shoot(name, size, keys))
        db.close()


if __name__ == "__main__":
    main()
