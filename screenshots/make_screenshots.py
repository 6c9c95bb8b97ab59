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
    screenshots/search.svg        interactive search, the refused releases with why (the real
                                  rules, on a loopback Torznab indexer at port 9117)
    screenshots/settings.svg      the settings screen
    screenshots/health.svg        the health screen (Deluge is not running here: it says so)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import tui_data  # noqa: E402
from torznab_server import TorznabServer, item_xml  # noqa: E402

from mydia_tui import events  # noqa: E402
from mydia_tui.config import (  # noqa: E402
    Config,
    DelugeConfig,
    IndexerConfig,
    LibraryConfig,
    load_config,
    write_config,
)
from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.services import Services  # noqa: E402
from mydia_tui.tui.app import MydiaApp  # noqa: E402

SHOTS = {
    "main.svg": ((140, 42), ()),
    "show-details.svg": ((140, 42), ("slash", *"pioneer", "enter", "enter", "j", "j", "j", "j")),
    "downloads.svg": ((160, 26), ("3", "a", "z")),
    "queue-marks.svg": ((140, 26), ("3", "space", "space", "j", "space", "z")),
    "activity.svg": ((140, 36), ("3", "A")),
    "blocklist.svg": ((140, 20), ("L",)),
    # interactive search on the film highlighted: real releases from a loopback indexer, ranked
    # and judged by the real rules (the refused ones with why)
    "search.svg": ((140, 30), ("slash", *"tears", "enter", "escape", "i")),
    "settings.svg": ((120, 36), ("O",)),
    "health.svg": ((120, 30), ("H",)),
}

#: what the loopback indexer offers for "Tears of Steel (2012)"
TEARS = [
    ("Tears.of.Steel.2012.1080p.BluRay.x264-BLENDER", 2_400_000_000, 310),
    ("Tears.of.Steel.2012.2160p.WEB-DL.DDP5.1.H.265-BLENDER", 9_800_000_000, 92),
    ("Tears.of.Steel.2012.720p.WEB-DL.x264-VODO", 1_100_000_000, 41),
    ("Tears.of.Steel.2012.HDCAM.x264-NOPE", 700_000_000, 530),
    ("Tears.of.Steel.2012.1080p.BluRay.x264-BLENDER.sample", 40_000_000, 12),
    ("Tears.of.the.Sun.2003.1080p.BluRay.x264-AMIABLE", 2_200_000_000, 77),
    ("Tears.of.Steel.2011.Fan.Edit.1080p.WEB-DL", 1_900_000_000, 3),
]


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


def picture_config(indexer_url: str) -> Config:
    """A realistic configuration with fixed values (no temporary paths, no random ports)."""
    return Config(
        deluge=DelugeConfig(host="127.0.0.1", port=58846, username="mydia", password="secret"),
        indexers=(
            IndexerConfig(name="jackett", url=indexer_url, api_key="0123456789abcdef"),
            IndexerConfig(
                name="prowlarr",
                url="http://127.0.0.1:9696/2/api",
                api_key="fedcba9876543210",
                enabled=False,
            ),
        ),
        library=LibraryConfig(movies=("/media/movies",), shows=("/media/tv",)),
    )


async def shoot(
    name: str,
    size: tuple[int, int],
    keys: tuple[str, ...],
    config: Config,
    config_path: Path,
) -> None:
    services = Services(config) if name == "search.svg" else None
    app = MydiaApp(config=config, config_path=str(config_path), services=services)
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
        if services is not None:
            services.client.close()
    print(HERE / name)


def main() -> None:
    here = os.getcwd()
    torznab = TorznabServer(port=9117)  # Jackett's port, so the pictures do not change
    torznab.add(
        "jackett",
        items=[item_xml(t, size=n, seeders=s) for t, n, s in TEARS],
        api_key="0123456789abcdef",
    )
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # paths shown relative: the same in every picture
        try:
            config_path = write_config(picture_config(f"{torznab.base}/jackett"), "config.toml")
            config = load_config(config_path)
            db = open_database("library.sqlite3")
            tui_data.add_blocklist(tui_data.populate(hostile=False))
            for name, (size, keys) in SHOTS.items():
                asyncio.run(shoot(name, size, keys, config, config_path))
            db.close()
        finally:
            os.chdir(here)
            torznab.close()


if __name__ == "__main__":
    main()
