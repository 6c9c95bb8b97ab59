"""Benchmark of the TUI on a large generated library, driven headless with run_test.

    .venv/bin/python bench/tui.py [--items 50000] [--episodes 200000] [--downloads 2000]

Prints: start to first complete paint, key press to repaint (p50/p95/max) while moving
through the library, "/" filter keystroke to updated list, CPU while every download changes
each second (the writer is a separate process, like the monitor's database writes would be
on another thread; the app reads and repaints), CPU when idle, and resident memory.

A "paint" is the moment the screen's compositor hands an update to the driver (the headless
driver discards it; the rendering work is done and, here, also turned into segments).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DATA = REPO / "bench" / ".data"

WRITER = r"""
import random, sys, time
sys.path.insert(0, {repo!r})
from mydia_tui.db import open_database
from mydia_tui.models import Download, database, ACTIVE_STATES, utcnow
open_database({path!r})
ids = [i for (i,) in Download.select(Download.id).where(Download.state.in_(ACTIVE_STATES)).tuples()]
rng = random.Random(1)
print("ready", flush=True)
for line in sys.stdin:
    with database.atomic():
        for download_id in ids:
            Download.update(progress=rng.random(), download_rate=rng.randrange(10**7),
                            upload_rate=rng.randrange(10**6), eta=rng.randrange(10**5),
                            peers=rng.randrange(50), seeds=rng.randrange(50),
                            updated_at=utcnow()).where(
                Download.id == download_id).execute()
    print("done", flush=True)
"""


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def ensure_db(items: int, episodes: int, downloads: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"bench-{items}-{episodes}-{downloads}.sqlite3"
    if not path.exists():
        print(f"generating {path.name} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(REPO / "bench" / "librarygen.py"),
                str(path),
                "--items",
                str(items),
                "--episodes",
                str(episodes),
                "--downloads",
                str(downloads),
            ],
            check=True,
        )
    return path


async def run(path: Path, seconds: float) -> None:
    import_start = time.perf_counter()
    from textual import events as tevents

    from mydia_tui import events
    from mydia_tui.db import open_database
    from mydia_tui.tui.app import MydiaApp

    imported = time.perf_counter() - import_start
    open_database(str(path))

    paints: list[float] = []
    painted = asyncio.Event()
    first_full: list[float] = []

    t0 = time.perf_counter()
    app = MydiaApp()
    original = app._display

    def display(screen, renderable) -> None:
        original(screen, renderable)
        if renderable is None:
            return
        if hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)  # the work a real terminal write needs
        now = time.perf_counter()
        paints.append(now)
        painted.set()
        main = app.main
        if (
            not first_full
            and main.is_mounted
            and (main.library.view or main.library.complete)
            and (main.downloads.view or not main.downloads.counts["all"])
            and not main.query("#curtain")
        ):
            first_full.append(now)

    app._display = display  # type: ignore[method-assign]

    async with app.run_test(size=(200, 60)) as pilot:
        while not first_full:
            await asyncio.sleep(0.001)
        first_paint = first_full[0] - t0
        while not app.main.library.complete:
            await asyncio.sleep(0.005)
        full_load = time.perf_counter() - t0
        await pilot.pause()
        await pilot.pause(0.3)

        no_change = 0

        async def key_to_paint(key: str, char: str | None) -> float | None:
            """Seconds from the key to the repaint it caused; None when it changed nothing
            on the screen (``j`` on the last row of a small library): no repaint comes."""
            nonlocal no_change
            painted.clear()
            start = time.perf_counter()
            event = tevents.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # as the terminal driver would
            try:
                await asyncio.wait_for(painted.wait(), timeout=1.0)
            except TimeoutError:
                no_change += 1
                return None
            return paints[-1] - start

        # moving through the library, at a key-repeat rate
        moves = []
        pages = []
        pattern = ["j"] * 60 + ["pagedown"] * 20 + ["k"] * 60 + ["pageup"] * 10 + ["j"] * 50
        for key in pattern:
            char = key if len(key) == 1 else None
            took = await key_to_paint(key, char)
            if took is not None:
                (pages if key.startswith("page") else moves).append(took)
            await asyncio.sleep(0.03)
        await pilot.pause(0.3)

        # live filter
        filt = [await key_to_paint("slash", "/") or 0.0]
        typing = []
        for ch in "star":
            await asyncio.sleep(0.05)
            took = await key_to_paint(ch, ch)
            if took is not None:
                typing.append(took)
        typing = typing or [0.0]
        shown = len(app.main.library.view)
        await asyncio.sleep(0.05)
        clear = await key_to_paint("escape", None) or 0.0
        await pilot.pause(0.3)

        # CPU while 2,000 downloads change every second
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER.format(repo=str(REPO), path=str(path))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout.readline().strip() == "ready"
        updates = 0
        stop = threading.Event()

        def feed() -> None:
            nonlocal updates
            while not stop.is_set():
                tick = time.monotonic()
                writer.stdin.write("go\n")
                writer.stdin.flush()
                writer.stdout.readline()
                updates += 1
                # as the monitor's poll reports it: the torrents it updated, named
                app.post_core_event(events.DownloadsChanged(polled))
                stop.wait(max(0.0, 1.0 - (time.monotonic() - tick)))

        n_downloads = len(app.main.downloads.lines)
        polled = tuple(app.main.downloads.lines)
        feeder = threading.Thread(target=feed, daemon=True)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        feeder.start()
        await asyncio.sleep(seconds)
        stop.set()
        cpu_busy = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
        feeder.join()
        writer.stdin.close()
        writer.wait()
        await pilot.pause(0.5)

        # CPU when nothing changes
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.sleep(min(seconds, 5.0))
        cpu_idle = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
        rss = rss_mb()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        n_items = len(app.main.library.entries)

    print(f"library: {n_items:,} items; downloads in the pane: {n_downloads:,}")
    print(f"import of textual + app modules:        {imported * 1000:7.0f} ms (not counted below)")
    print(f"start to first complete paint:          {first_paint * 1000:7.0f} ms   (target < 500)")
    print(f"start to whole library loaded:          {full_load * 1000:7.0f} ms")
    both = moves + pages
    if no_change:
        print(f"keys that changed nothing on the screen (no repaint to time): {no_change}")
    for label, values in (("j/k", moves), ("page up/down", pages), ("all moves", both)):
        if not values:
            continue
        print(
            f"key to repaint, {len(values):3d} {label:>12}: p50 {statistics.median(values) * 1000:5.1f} ms, "
            f"p95 {pct(values, 0.95) * 1000:5.1f} ms, max {max(values) * 1000:5.1f} ms"
            "   (target p95 < 30)"
        )
    print(
        f"'/' filter: open {filt[0] * 1000:5.1f} ms; per keystroke p50 "
        f"{statistics.median(typing) * 1000:5.1f} ms, max {max(typing) * 1000:5.1f} ms "
        f"({shown:,} shown for 'star'); clear {clear * 1000:5.1f} ms   (target < 100)"
    )
    print(
        f"CPU while {n_downloads:,} downloads change every second ({updates} updates in "
        f"{seconds:.0f} s): {cpu_busy * 100:5.1f} % of one core   (target < 10)"
    )
    print(f"CPU when nothing changes:               {cpu_idle * 100:5.1f} % of one core")
    print(f"resident memory: {rss:6.0f} MB now, {peak:6.0f} MB peak   (target < 250)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--episodes", type=int, default=200_000)
    parser.add_argument("--downloads", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the CPU runs")
    args = parser.parse_args()
    path = ensure_db(args.items, args.episodes, args.downloads)
    print(f"database: {path} ({os.path.getsize(path) / 1e6:.0f} MB)")
    asyncio.run(run(path, args.seconds))


if __name__ == "__main__":
    main()
