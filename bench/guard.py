"""Benchmark of the dedup guard's decision (Guard.claim) on a library of realistic size.

    .venv/bin/python bench/guard.py [--data DIR] [--rebuild] [--n 2000] [--profile PATH]
                                       [--manual-checkpoint]

Builds (once, in ``--data``, default bench/.data/guard/; ``--rebuild`` forces it) a template
database of 10,000 films, 2,000 shows x 100 episodes, 100,000 historical downloads (final ones
with their ``download_unit`` rows released, 3,000 active ones holding theirs), 5,000 blocklist
entries, 100,000 history rows, and real (empty) files on disk for 4,000 films and for 50
episodes of each of 500 shows; then the library is scanned (``scan_library``, as ``mydia-tui
scan`` does), two seconds after the last file was written, which records what it saw of every
folder. Each run works on a fresh copy of the template.

Then it times ``Guard.claim`` on the accepted path (fresh films; fresh episodes of a show whose
folder holds 50 files) and the refused paths (in_flight, already_on_disk through the file rows,
same_torrent, blocklisted), the throughput of 4 threads, and, on the same database and
connection, a plain transaction (BEGIN IMMEDIATE; one indexed SELECT on download.info_hash;
one INSERT into history; COMMIT), and prints p50 / p99 and the guard / plain ratio. The plain
transaction runs interleaved with each path (one guard call, one plain transaction, ...), so
that both meet the same machine: each path's ratio is to the plain transactions run alongside
it. Targets: guard p99 under 2 ms and within 3x of the plain transaction.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import random
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mydia_tui.config import Config, LibraryConfig  # noqa: E402
from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.guard import GrabRequest, Guard  # noqa: E402
from mydia_tui.library import episode_by_number, movie_target  # noqa: E402
from mydia_tui.models import (  # noqa: E402
    Blocklist,
    Download,
    DownloadUnit,
    Episode,
    FileEpisode,
    FolderState,
    History,
    LibraryRoot,
    MediaFile,
    MediaItem,
    database,
    utcnow,
)
from mydia_tui.scanning import scan_library  # noqa: E402
from mydia_tui.targets import Target  # noqa: E402

MOVIES = 10_000
SHOWS = 2_000
SEASONS, EPISODES = 5, 20  # 100 episodes a show
HISTORICAL = 100_000
BLOCKED = 5_000
HISTORY_ROWS = 100_000
# films by role (ids are 1-based, in this order)
FRESH = range(1, 4001)  # no file, no active download (old failed/removed ones, yes)
WITH_FILE = range(4001, 8001)  # a file on disk and its row
IN_FLIGHT = range(8001, 10001)  # an active download
# shows: the first 500 have files for episodes 1-10 of every season, on disk
SHOWS_WITH_FILES = 500
ACTIVE_EPISODE_SHOWS = range(1501, 2001)  # episode 1x01 of these shows is downloading
CHUNK = 2_000


def ihash(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


def bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start : start + CHUNK]).execute()


def build(path: Path, library: Path) -> None:
    t0 = time.perf_counter()
    if path.exists():
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.rmtree(library, ignore_errors=True)
    db = open_database(str(path))
    rnd = random.Random(7)
    now = utcnow()
    with db.atomic():
        movies_root = LibraryRoot.create(path=str(library / "movies"), kind="movies")
        shows_root = LibraryRoot.create(path=str(library / "shows"), kind="shows")
        bulk(
            MediaItem,
            [
                {
                    "id": i,
                    "kind": "movie",
                    "title": f"Film {i}",
                    "sort_title": f"film {i}",
                    "title_key": f"film {i}",
                    "year": 1950 + i % 70,
                    "root": movies_root.id,
                    "folder": f"Film {i} ({1950 + i % 70})",
                }
                for i in range(1, MOVIES + 1)
            ],
        )
        bulk(
            MediaItem,
            [
                {
                    "id": MOVIES + s,
                    "kind": "show",
                    "title": f"Show {s}",
                    "sort_title": f"show {s}",
                    "title_key": f"show {s}",
                    "root": shows_root.id,
                    "folder": f"Show {s}",
                }
                for s in range(1, SHOWS + 1)
            ],
        )
        episode_rows, episode_id = [], {}
        next_id = 1
        for s in range(1, SHOWS + 1):
            for season in range(1, SEASONS + 1):
                for number in range(1, EPISODES + 1):
                    episode_id[(s, season, number)] = next_id
                    episode_rows.append(
                        {"id": next_id, "show": MOVIES + s, "season": season, "number": number}
                    )
                    next_id += 1
        bulk(Episode, episode_rows)

        # files: real empty files on disk, and their rows
        file_rows, link_rows = [], []
        for i in WITH_FILE:
            rel = f"Film {i} ({1950 + i % 70})/Film {i} ({1950 + i % 70}) 1080p.mkv"
            file_rows.append(
                {"id": len(file_rows) + 1, "movie": i, "root": movies_root.id, "path": rel}
            )
        for s in range(1, SHOWS_WITH_FILES + 1):
            for season in range(1, SEASONS + 1):
                for number in range(1, 11):
                    rel = f"Show {s}/Season {season:02d}/Show {s} - S{season:02d}E{number:02d}.mkv"
                    fid = len(file_rows) + 1
                    eid = episode_id[(s, season, number)]
                    file_rows.append(
                        {"id": fid, "episode": eid, "root": shows_root.id, "path": rel}
                    )
                    link_rows.append({"file": fid, "episode": eid})
        for row in file_rows:
            root = library / ("movies" if row.get("movie") else "shows")
            p = root / row["path"]
            p.parent.mkdir(parents=True, exist_ok=True)
            p.touch()
            row["mtime"] = p.stat().st_mtime  # as a scan records it
        bulk(MediaFile, file_rows)
        bulk(FileEpisode, link_rows)

        # downloads: 3,000 active (2,000 films + 500 single episodes + 500 season packs of
        # shows without files), the rest final, spread over every film and episode
        downloads, units = [], []

        def add(kind, item, state, season=None, unit_ids=()):
            did = len(downloads) + 1
            downloads.append(
                {
                    "id": did,
                    "kind": kind,
                    "item": item,
                    "season": season,
                    "info_hash": ihash("hist", did),
                    "title": f"release {did}",
                    "state": state,
                    "claimed_at": now,
                    "updated_at": now,
                }
            )
            active = state not in ("imported", "failed", "removed")
            for u in unit_ids:
                units.append(
                    {
                        "download": did,
                        "unit": u,
                        "active_unit": u if active else None,
                        "episode": int(u[2:]) if u.startswith("e:") else None,
                    }
                )

        for i in IN_FLIGHT:
            add("movie", i, "downloading", unit_ids=[f"m:{i}"])
        for s in ACTIVE_EPISODE_SHOWS:
            e = episode_id[(s, 1, 1)]
            add("episodes", MOVIES + s, "queued", unit_ids=[f"e:{e}"])
        for s in range(1001, 1501):
            eps = [episode_id[(s, 2, n)] for n in range(1, EPISODES + 1)]
            add(
                "season",
                MOVIES + s,
                "seeding",
                season=2,
                unit_ids=[f"s:{MOVIES + s}:2", *(f"e:{e}" for e in eps)],
            )
        while len(downloads) < HISTORICAL:
            state = rnd.choice(("imported", "failed", "failed", "removed"))
            if rnd.random() < 0.6:
                i = rnd.randint(1, MOVIES)
                add("movie", i, state, unit_ids=[f"m:{i}"])
            else:
                s, season, number = (
                    rnd.randint(1, SHOWS),
                    rnd.randint(1, SEASONS),
                    rnd.randint(1, EPISODES),
                )
                e = episode_id[(s, season, number)]
                add("episodes", MOVIES + s, state, unit_ids=[f"e:{e}"])
        bulk(Download, downloads)
        bulk(DownloadUnit, units)
        bulk(
            Blocklist,
            [
                {"info_hash": ihash("blocked", b), "title": f"bad {b}", "reason": "fake"}
                for b in range(BLOCKED)
            ],
        )
        bulk(
            History,
            [
                {"at": now, "event": "searched", "message": f"searched {h}"}
                for h in range(HISTORY_ROWS)
            ],
        )
    # the library is scanned, as a user would after setting it up; not within the same second
    # as its last change (a folder changed just before it was listed is not trusted)
    time.sleep(2.1)
    t_scan = time.perf_counter()
    report = scan_library(
        Config(library=LibraryConfig(movies=(movies_root.path,), shows=(shows_root.path,)))
    )
    if report.errors or report.unmatched or report.files_seen != len(file_rows):
        raise SystemExit(
            f"the scan did not see the library as built: {report.files_seen} files, "
            f"{len(report.unmatched)} unmatched, {len(report.errors)} errors"
        )
    print(
        f"scanned {report.files_seen:,} files in {time.perf_counter() - t_scan:.1f} s "
        f"({FolderState.select().count():,} folders recorded)"
    )
    db.execute_sql("ANALYZE")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"built {path} in {time.perf_counter() - t0:.1f} s")


# ---------------------------------------------------------------------------------------------
# Measuring


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed_with(
    calls: list[Callable[[], object]], beside: Callable[[], object]
) -> tuple[list[float], list[float]]:
    """Milliseconds per call, each call followed by one call of ``beside`` (timed too)."""
    out, other = [], []
    for call in calls:
        t0 = time.perf_counter_ns()
        call()
        t1 = time.perf_counter_ns()
        beside()
        other.append((time.perf_counter_ns() - t1) / 1e6)
        out.append((t1 - t0) / 1e6)
    return out, other


def line(name: str, ms: list[float]) -> tuple[float, float]:
    p50, p99 = percentile(ms, 0.50), percentile(ms, 0.99)
    print(
        f"  {name:<44} n={len(ms):>5}  p50 {p50:7.3f} ms  p99 {p99:7.3f} ms  "
        f"mean {statistics.fmean(ms):7.3f} ms"
    )
    return p50, p99


def claim_calls(guard: Guard, cases: list[tuple[Target, str]], expect: str):
    def make(target: Target, info_hash: str):
        def call():
            outcome = guard.claim(target, GrabRequest(info_hash, f"bench {info_hash[:8]}"))
            if (outcome.reason or "accepted") != expect:
                raise AssertionError(f"expected {expect}, got {outcome}")

        return call

    return [make(t, h) for t, h in cases]


def plain_transaction(n: int) -> Callable[[], None]:
    conn = database.connection()
    counter = iter(range(10**9))

    def call():
        k = next(counter)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "SELECT id, state FROM download WHERE info_hash = ?", (ihash("hist", 1 + k % n),)
        ).fetchone()
        conn.execute(
            "INSERT INTO history (at, event, item_id, reason, message, data) "
            "VALUES (?, 'searched', ?, '', ?, '')",
            (utcnow(), 1 + k % MOVIES, f"plain {k}"),
        )
        conn.execute("COMMIT")

    return call


def in_threads(threads: int, work: list[list[Callable[[], object]]]) -> tuple[float, int]:
    """Run each list of calls in its own thread, started together: (seconds, calls)."""
    start = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def run(calls):
        try:
            start.wait()
            for c in calls:
                c()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            database.close()

    ts = [threading.Thread(target=run, args=(w,)) for w in work]
    for t in ts:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in ts:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return elapsed, sum(len(w) for w in work)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(REPO / "bench" / ".data" / "guard"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--n", type=int, default=2000, help="decisions per path")
    parser.add_argument("--profile", help="write a cProfile of the accepted path here")
    parser.add_argument(
        "--manual-checkpoint",
        action="store_true",
        help="wal_autocheckpoint=0 on every connection, and a checkpoint between the measured "
        "phases (what a background checkpointer would do): shows the WAL checkpoint's share "
        "of the tail",
    )
    args = parser.parse_args()
    n = args.n
    assert n <= 2000, "the template has 2,000 fresh films for the accepted path"

    data = Path(args.data).resolve()
    data.mkdir(parents=True, exist_ok=True)
    template, library = data / "template.sqlite3", data / "library"
    if args.rebuild or not template.exists():
        build(template, library)
    work = data / "run.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, work)
    if args.manual_checkpoint:
        import mydia_tui.db as mydia_db

        mydia_db.SQLITE_PRAGMAS["wal_autocheckpoint"] = 0
    db = open_database(str(work))

    def checkpoint() -> None:
        if args.manual_checkpoint:
            db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")

    print(
        f"database: {MediaItem.select().count():,} items, {Episode.select().count():,} episodes, "
        f"{Download.select().count():,} downloads "
        f"({DownloadUnit.select().where(DownloadUnit.active_unit.is_null(False)).count():,} "
        f"active units), {MediaFile.select().count():,} files, "
        f"{History.select().count():,} history rows; SQLite {db.server_version}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    autockpt = db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]
    print(f"wal_autocheckpoint={autockpt}" + (" (manual checkpoints)" if not autockpt else ""))
    guard = Guard(claimed_by="bench")
    rnd = random.Random(11)

    # warm up: the page cache and peewee's query machinery
    for i in list(FRESH)[-50:]:
        guard.check(movie_target(i), GrabRequest(ihash("warm", i), "warm"))

    fresh = list(FRESH)
    accepted_films = fresh[:n]
    spare_films = fresh[2000:]  # for the refused paths (they never claim)
    active_hashes = [ihash("hist", d) for d in range(1, len(IN_FLIGHT) + 1)]
    show_ids = list(range(1, SHOWS_WITH_FILES + 1))
    episode_cases = [
        (episode_by_number(MOVIES + s, season, number), ihash("ep", s, season, number))
        for s, season, number in rnd.sample(
            [
                (s, se, num)
                for s in show_ids
                for se in range(1, SEASONS + 1)
                for num in range(11, EPISODES + 1)
            ],
            n,
        )
    ]
    cases = {
        "accepted: fresh film": (
            [(movie_target(i), ihash("acc", i)) for i in accepted_films],
            "accepted",
        ),
        "accepted: episode, 50 files in show folder": (episode_cases, "accepted"),
        "refused: in_flight (film downloading)": (
            [(movie_target(rnd.choice(IN_FLIGHT)), ihash("if", k)) for k in range(n)],
            "in_flight",
        ),
        "refused: already_on_disk (file row + file)": (
            [(movie_target(rnd.choice(WITH_FILE)), ihash("od", k)) for k in range(n)],
            "already_on_disk",
        ),
        "refused: same_torrent (hash of active dl)": (
            [(movie_target(rnd.choice(spare_films)), rnd.choice(active_hashes)) for k in range(n)],
            "same_torrent",
        ),
        "refused: blocklisted (hash blocklisted)": (
            [
                (movie_target(rnd.choice(spare_films)), ihash("blocked", rnd.randrange(BLOCKED)))
                for k in range(n)
            ],
            "blocklisted",
        ),
    }

    print(
        f"\nGuard.claim, one thread, {n} decisions per path, each followed by one plain "
        "transaction\n(BEGIN IMMEDIATE; SELECT download by info_hash; INSERT history; COMMIT) "
        "on the same database:"
    )
    results: dict[str, tuple[float, float, float, float]] = {}
    all_plain: list[float] = []
    plain_call = plain_transaction(HISTORICAL)
    profiler = cProfile.Profile() if args.profile else None
    for name, (items, expect) in cases.items():
        calls = claim_calls(guard, items, expect)
        checkpoint()
        if profiler and name == "accepted: fresh film":
            profiler.enable()
        ms, plain_ms = timed_with(calls, plain_call)
        if profiler:
            profiler.disable()
        p50, p99 = line(name, ms)
        results[name] = (p50, p99, percentile(plain_ms, 0.50), percentile(plain_ms, 0.99))
        all_plain += plain_ms
    plain_p50, plain_p99 = line("plain transaction (all of the above)", all_plain)

    print("\nthroughput, 4 threads (each its own connection), started together:")
    remaining = [i for i in spare_films]
    per = len(remaining) // 4
    acc_work = [
        claim_calls(
            guard,
            [(movie_target(i), ihash("thr", i)) for i in remaining[t * per : (t + 1) * per]],
            "accepted",
        )
        for t in range(4)
    ]
    checkpoint()
    secs, calls = in_threads(4, acc_work)
    print(
        f"  {'accepted (fresh films)':<44} {calls / secs:8.0f} decisions/s ({calls} in {secs:.2f} s)"
    )
    ref_work = [
        claim_calls(
            guard,
            [(movie_target(rnd.choice(IN_FLIGHT)), ihash("thr-if", t, k)) for k in range(per)],
            "in_flight",
        )
        for t in range(4)
    ]
    checkpoint()
    secs, calls = in_threads(4, ref_work)
    print(f"  {'refused in_flight':<44} {calls / secs:8.0f} decisions/s ({calls} in {secs:.2f} s)")
    plain_work = [[_ThreadPlain()] * per for _ in range(4)]
    checkpoint()
    secs, calls = in_threads(4, plain_work)
    print(
        f"  {'plain transaction':<44} {calls / secs:8.0f} transactions/s ({calls} in {secs:.2f} s)"
    )

    print(
        "\nsummary (targets: guard p99 < 2 ms, guard p99 <= 3x the p99 of the plain "
        "transactions run alongside):"
    )
    print(f"  plain transaction: p50 {plain_p50:.3f} ms, p99 {plain_p99:.3f} ms")
    ok = True
    for name, (p50, p99, beside_p50, beside_p99) in results.items():
        under = p99 < 2.0
        within = p99 <= 3 * beside_p99
        ok &= under and within
        print(
            f"  {name:<44} p99 {p99:6.3f} ms  {'OK  ' if under else 'MISS'} <2 ms   "
            f"ratio p50 {p50 / beside_p50:5.1f}x  p99 {p99 / beside_p99:5.1f}x  "
            f"{'OK' if within else 'MISS'} <=3x"
        )
    print(f"\n{'all targets met' if ok else 'targets missed'}")
    if profiler:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(30)
    db.close()
    return 0


class _ThreadPlain:
    """A plain transaction on the calling thread's own connection."""

    def __init__(self) -> None:
        self.local = threading.local()

    def __call__(self) -> None:
        call = getattr(self.local, "call", None)
        if call is None:
            call = self.local.call = plain_transaction(HISTORICAL)
        call()


if __name__ == "__main__":
    raise SystemExit(main())
