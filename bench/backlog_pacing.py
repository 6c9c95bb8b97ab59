"""Benchmark of the backlog search's pacing: 5,000 wanted films against a loopback indexer.

    .venv/bin/python bench/backlog_pacing.py [--films 5000] [--budget 60] [--hour 10]
                                            [--run 40] [--deadline 5]

Builds a fresh SQLite library of ``--films`` wanted films and a loopback Torznab server
(``tests/torznab_server.py``) that answers every search with one page of 3 releases. Then:

1. planning: :meth:`SearchMonitor.plan` (everything wanted, oldest-searched first), timed and
   its SQL statements counted;
2. pacing: backlog cycles, one after the other for ``--run`` seconds, with the indexer's
   ``requests_per_hour = --budget``. An hour is scaled to ``--hour`` seconds (the budget's
   window, ``pacing.BUDGET_WINDOW``) so that the run shows several windows; every request the
   server received is timed, and the most requests seen in any window is printed next to the
   budget;
3. deadline: one cycle with no budget and ``search_cycle_deadline = --deadline`` seconds, its
   wall time printed next to the deadline.

A grabber that accepts nothing (every film stays wanted) stands for the guard and Deluge.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from peewee import Database  # noqa: E402
from torznab_server import TorznabServer, item_xml  # noqa: E402

from mydia_tui.config import Config, IndexerConfig, MonitorConfig  # noqa: E402
from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.guard import Outcome  # noqa: E402
from mydia_tui.indexers import pacing  # noqa: E402
from mydia_tui.library import sort_title, title_key  # noqa: E402
from mydia_tui.models import IndexerRequest, LibraryRoot, MediaItem, database  # noqa: E402
from mydia_tui.monitor.backlog_search import SearchMonitor, make_searcher  # noqa: E402


def build(films: int) -> None:
    with database.atomic():
        root = LibraryRoot.create(path="/media/movies", kind="movies")
        rows = [
            {
                "kind": "movie",
                "title": f"Bench Film {n}",
                "sort_title": sort_title(f"Bench Film {n}"),
                "title_key": title_key(f"Bench Film {n}"),
                "year": 1950 + n % 70,
                "monitored": True,
                "root": root.id,
                "folder": f"Bench Film {n}",
                "added_at": dt.datetime(2020, 1, 1) + dt.timedelta(minutes=n),
            }
            for n in range(films)
        ]
        for start in range(0, len(rows), 2000):
            MediaItem.insert_many(rows[start : start + 2000]).execute()


def refuse_all(target, candidate) -> Outcome:
    return Outcome(False, reason="already_on_disk", message="bench: nothing is grabbed")


def most_in_a_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    return max(
        (bisect.bisect_left(stamps, t + window) - i for i, t in enumerate(stamps)), default=0
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--films", type=int, default=5000)
    parser.add_argument("--budget", type=int, default=60, help="requests per (scaled) hour")
    parser.add_argument("--hour", type=float, default=10.0, help="seconds standing for an hour")
    parser.add_argument("--run", type=float, default=40.0, help="seconds of backlog cycles")
    parser.add_argument("--deadline", type=float, default=5.0, help="a cycle's deadline (s)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mydia-bench-backlog-"))
    open_database(str(folder / "library.db"))
    build(args.films)
    server = TorznabServer()
    fake = server.add(
        "bench",
        items=[item_xml(f"Unrelated.Release.{k}.2019.1080p.WEB-DL.x264-NOPE") for k in range(3)],
    )
    pacing.BUDGET_WINDOW = dt.timedelta(seconds=args.hour)

    def config(budget: int, deadline: float) -> Config:
        indexer = IndexerConfig(
            name="bench",
            url=fake.url,
            api_key=fake.api_key,
            min_interval=0,
            timeout=10,
            requests_per_hour=budget,
        )
        return Config(
            indexers=(indexer,),
            monitor=MonitorConfig(search_cycle_deadline=deadline, cooldown_base=1e6),
        )

    try:
        # 1. planning
        paced = config(args.budget, 3600.0)
        monitor = SearchMonitor(paced, make_searcher(paced), refuse_all)
        statements = []
        original = Database.execute_sql

        def counting(self, sql, params=None, *a, **kw):
            statements.append(sql)
            return original(self, sql, params, *a, **kw)

        Database.execute_sql = counting  # type: ignore[method-assign]
        started = time.perf_counter()
        tasks = monitor.plan()
        planning = time.perf_counter() - started
        Database.execute_sql = original  # type: ignore[method-assign]
        print(
            f"planning: {len(tasks):,} wanted films planned in {planning * 1000:.0f} ms, "
            f"{len(statements)} SQL statements"
        )

        # 2. pacing: cycles back to back for --run seconds
        ends = time.monotonic() + args.run
        cycles = searched = 0
        while time.monotonic() < ends:
            report = monitor.run_cycle()
            cycles += 1
            searched += len(report.searched)
            if report.paused:
                # a request of the budget ends its window about every hour / budget seconds
                wait = args.hour / max(1, args.budget)
                time.sleep(min(max(wait, 0.05), max(0.0, ends - time.monotonic())))
        stamps = [float(r["_at"]) for r in fake.requests]
        worst = most_in_a_window(stamps, args.hour)
        rate = len(stamps) / args.run * (3600 / args.hour)
        print(
            f"pacing: {cycles} cycles in {args.run:g} s, {searched:,} films searched, "
            f"{len(stamps):,} requests; most in any {args.hour:g} s window (one 'hour'): "
            f"{worst} (budget {args.budget}); mean {rate:,.0f} per scaled hour"
        )

        # 3. the cycle's deadline, with no budget
        IndexerRequest.delete().execute()  # the budget's window starts afresh
        free = config(0, args.deadline)
        monitor = SearchMonitor(free, make_searcher(free), refuse_all)
        started = time.monotonic()
        report = monitor.run_cycle()
        wall = time.monotonic() - started
        print(
            f"deadline: one cycle without a budget searched {len(report.searched):,} films "
            f"and ended after {wall:.2f} s (deadline {args.deadline:g} s)"
        )
        per_item = (len(stamps) / max(searched, 1)) or 1
        print(
            f"at {args.budget} requests per hour and {per_item:.2f} requests per film, "
            f"{args.films:,} films are searched once in {args.films * per_item / args.budget:,.0f} h"
        )
    finally:
        server.close()


if __name__ == "__main__":
    main()
