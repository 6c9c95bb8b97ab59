"""Items added while other threads write to the same SQLite library (the TUI: a film added
while the first one's search records its history and the monitor writes). A transaction that
reads before it writes must take the write lock first: a deferred one that read, then found
another connection's commit newer than its snapshot, fails at once with "database is locked"
(SQLite's SQLITE_BUSY_SNAPSHOT: no busy wait applies), as a new user saw adding two films a
fifth of a second apart."""

from __future__ import annotations

import threading

from mydia_tui.history import record
from mydia_tui.library import add_movie
from mydia_tui.models import MediaItem


def test_films_added_by_several_threads_while_another_writes_are_all_added(db):
    """Each thread has its own connection to the one database (as the TUI's workers do)."""
    failures: list[BaseException] = []
    stop = threading.Event()

    def writer() -> None:
        try:
            while not stop.is_set():
                record("error", "another connection writing")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    def adder(n: int) -> None:
        try:
            for i in range(25):
                add_movie(f"Film {n} {i}", 2000 + i)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    background = threading.Thread(target=writer)
    background.start()
    adders = [threading.Thread(target=adder, args=(n,)) for n in range(4)]
    for t in adders:
        t.start()
    for t in adders:
        t.join(120)
    stop.set()
    background.join(30)
    assert not failures, failures[:3]
    assert MediaItem.select().count() == 100
