"""Racers for tests/test_guard_races.py: threads, and processes started with the ``spawn`` method
(which import this module by name, so it lives outside the test module and imports no pytest).

Every racer tries every target with an info-hash of its own, through :meth:`Guard.grab` with a
client that accepts at once, and reports ``(item_id, accepted, reason, download_id)`` per try.
An exception in a racer is reported as a formatted traceback, never swallowed.
"""

from __future__ import annotations

import hashlib
import random
import threading
import traceback
from typing import Any

from mydia_tui.config import QualityConfig
from mydia_tui.deluge import AddResult
from mydia_tui.guard import GrabRequest, Guard
from mydia_tui.library import movie_target
from mydia_tui.models import database
from mydia_tui.targets import Target

Result = tuple[int, bool, str, int | None]


def release_for(racer: str, item_id: int) -> GrabRequest:
    info_hash = hashlib.sha1(f"{racer}/{item_id}".encode()).hexdigest()
    return GrabRequest(info_hash, f"Film {item_id} 1080p {racer}")


def race(
    targets: list[Target],
    racer: str,
    start: threading.Barrier | None,
    results: list[Result],
    errors: list[str],
    quality: QualityConfig | None = None,
) -> None:
    """One racer: try every target once, in an order of its own (``quality``: the guard admits
    upgrades of files on disk, see :class:`Guard`)."""
    guard = Guard(claimed_by=racer, quality=quality)
    order = list(targets)
    random.Random(racer).shuffle(order)
    try:
        if start is not None:
            start.wait(timeout=60)
        for target in order:
            release = release_for(racer, target.item_id)
            outcome = guard.grab(target, release, lambda r=release: AddResult(r.info_hash))
            results.append((target.item_id, outcome.accepted, outcome.reason, outcome.download_id))
    except BaseException:
        errors.append(f"{racer}: {traceback.format_exc()}")
    finally:
        database.close()


def race_in_threads(
    targets: list[Target], threads: int, prefix: str, quality: QualityConfig | None = None
) -> tuple[list, list]:
    """``threads`` racers on the database already bound in this process, started together."""
    start = threading.Barrier(threads)
    results: list[Result] = []
    errors: list[str] = []
    workers = [
        threading.Thread(
            target=race,
            args=(targets, f"{prefix}t{n}", start, results, errors, quality),
            daemon=True,
        )
        for n in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
        if w.is_alive():
            errors.append(f"{w.name} did not finish in 120 s")
    return results, errors


def process_main(
    db_path: str,
    item_ids: list[int],
    name: str,
    threads: int,
    ready: Any,
    go: Any,
    out: Any,
    upgrades_per_day: int = 0,
) -> None:
    """Entry point of a racing process: open the file, wait for the start, race, report
    (``upgrades_per_day`` > 0: the racers' guards admit upgrades, that many a day)."""
    try:
        from mydia_tui.db import open_database

        db = open_database(db_path)
        targets = [movie_target(i) for i in item_ids]
        db.close()
        ready.put(name)
        if not go.wait(timeout=60):
            raise TimeoutError("never told to start")
        quality = QualityConfig(upgrades_per_day=upgrades_per_day) if upgrades_per_day else None
        results, errors = race_in_threads(targets, threads, name, quality)
    except BaseException:
        results, errors = [], [f"{name}: {traceback.format_exc()}"]
    out.put({"name": name, "results": results, "errors": errors})
