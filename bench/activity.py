"""Benchmark of the activity screen on a large history, driven headless with run_test.

    .venv/bin/python bench/activity.py [--events 50000] [--items 2000] [--runs 7]

Makes a SQLite file (bench/.data/activity-EVENTS-ITEMS.sqlite3, kept for the next run) with
``--items`` films and ``--events`` history events spread over them and over the kinds, then
prints, median of ``--runs``:

* the core reads behind the screen (ids for the filters, counts by kind, the first page);
* ``A`` pressed to the screen drawn with its rows (the worker's reads included);
* ``f`` (next kind) and a ``/`` keystroke to the list drawn again;
* ``G`` (the last row: its page read on first draw) to the repaint.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DATA = REPO / "bench" / ".data"

KIND_EVENTS = [
    ("grabbed", ""),
    ("imported", ""),
    ("imported", "upgraded"),
    ("refused", "already_on_disk"),
    ("refused", "blocklisted"),
    ("failed", ""),
    ("removed", ""),
    ("searched", ""),
    ("search_empty", ""),
    ("error", ""),
]


def ensure_db(events: int, items: int) -> Path:
    from mydia_tui.db import bulk_insert, open_database
    from mydia_tui.models import History, MediaItem, database

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"activity-{events}-{items}.sqlite3"
    if path.exists():
        open_database(str(path))
        return path
    open_database(str(path))
    rng = random.Random(5)
    t0 = dt.datetime(2024, 1, 1)
    with database.atomic():
        bulk_insert(
            MediaItem,
            [
                MediaItem.kind,
                MediaItem.title,
                MediaItem.sort_title,
                MediaItem.title_key,
                MediaItem.year,
                MediaItem.folder,
            ],
            [
                (
                    "movie",
                    f"Film {n}",
                    f"film {n}",
                    f"film {n}",
                    1950 + n % 70,
                    f"Film {n} ({1950 + n % 70})",
                )
                for n in range(items)
            ],
        )
    item_ids = [i for (i,) in MediaItem.select(MediaItem.id).tuples()]
    rows = []
    for n in range(events):
        event, reason = KIND_EVENTS[rng.randrange(len(KIND_EVENTS))]
        item = rng.choice(item_ids)
        rows.append(
            (
                t0 + dt.timedelta(seconds=37 * n),
                event,
                item,
                reason,
                f"{event} Film.{item}.2010.1080p.BluRay.x264-GRP {reason}".strip(),
                "",
            )
        )
    with database.atomic():
        bulk_insert(
            History,
            [
                History.at,
                History.event,
                History.item,
                History.reason,
                History.message,
                History.data,
            ],
            rows,
        )
    return path


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms"


def core_reads(runs: int) -> None:
    from mydia_tui import history

    for label, kwargs in (
        ("all", {}),
        ("kind refused", {"kind": "refused"}),
        ("text 'Film.17'", {"text": "Film.17"}),
    ):
        ids_t, counts_t, page_t = [], [], []
        for _ in range(runs):
            t = time.perf_counter()
            ids = history.history_ids(**kwargs)
            ids_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            history.history_counts(text=kwargs.get("text", ""))
            counts_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            history.history_by_ids(ids[:100])
            page_t.append(time.perf_counter() - t)
        print(
            f"core {label:<16} {len(ids):>6} ids: ids {median_ms(ids_t)}, counts "
            f"{median_ms(counts_t)}, first page of 100 {median_ms(page_t)}"
        )


async def screen_run() -> dict[str, float]:
    from mydia_tui.tui.app import MydiaApp
    from mydia_tui.tui.screens.activity import ActivityScreen

    app = MydiaApp()
    out: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("3")  # from the downloads: every item's history

        async def until_loaded(key: str, *more: str) -> float:
            screen = app.screen
            if isinstance(screen, ActivityScreen):
                screen.loaded = False
            t = time.perf_counter()
            await pilot.press(key, *more)
            while not (isinstance(app.screen, ActivityScreen) and app.screen.loaded):
                await asyncio.sleep(0.001)
            await pilot.pause()  # drawn
            return time.perf_counter() - t

        t = time.perf_counter()
        await pilot.press("x")  # a key bound to nothing: what a key press costs here
        await pilot.pause()
        out["noop"] = time.perf_counter() - t
        marks: dict[str, float] = {}

        async def watch() -> None:
            # the moments the screen first shows rows, then has every id (the press itself
            # returns only once the app is idle)
            while "open" not in marks:
                screen = app.screen
                if isinstance(screen, ActivityScreen) and screen.ids:
                    marks.setdefault("first", time.perf_counter())
                    if screen.loaded:
                        marks["open"] = time.perf_counter()
                await asyncio.sleep(0.0005)

        watcher = asyncio.create_task(watch())
        t = time.perf_counter()
        await pilot.press("A")
        await watcher
        out["first"] = marks["first"] - t
        out["open"] = marks["open"] - t
        await pilot.pause()
        out["kind"] = await until_loaded("f")
        await pilot.press("F")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        out["filter"] = await until_loaded("slash", "7")
        await until_loaded("escape")  # the text cleared: every event again
        t = time.perf_counter()
        await pilot.press("G")
        await pilot.pause()
        out["last"] = time.perf_counter() - t
        assert len(app.screen.ids) > 0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    t = time.perf_counter()
    path = ensure_db(args.events, args.items)
    print(f"database {path.name} ready in {time.perf_counter() - t:.1f} s")
    core_reads(args.runs)
    runs = [asyncio.run(screen_run()) for _ in range(args.runs)]
    for key, label in (
        ("noop", "an unbound key to the repaint (the harness's cost)"),
        ("first", "A to the activity screen drawn with its first rows"),
        ("open", "A to every id and count read"),
        ("kind", "f (next kind) to the list drawn again"),
        ("filter", "/ and one character to the list drawn again"),
        ("last", "G (last row, its page read) to the repaint"),
    ):
        print(f"{label}: {median_ms([r[key] for r in runs])}")


if __name__ == "__main__":
    main()
