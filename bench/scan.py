"""Measure the library scan on a library made by bench/make_library.py.

    python bench/scan.py [FOLDER]

Prints, in one run: a bare ``os.scandir`` + ``stat`` walk of the same tree, the first scan (on
a fresh copy of FOLDER/library.sqlite3), and an unchanged re-scan. Targets: first scan under
60 s; unchanged re-scan within 2x of the bare walk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mydia_tui.config import Config, LibraryConfig  # noqa: E402
from mydia_tui.db import open_database  # noqa: E402
from mydia_tui.scanning import scan_library  # noqa: E402


def bare_walk(roots: list[str]) -> int:
    files = 0
    for root in roots:
        stack = [root]
        while stack:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    if entry.is_dir():
                        stack.append(entry.path)
                    else:
                        entry.stat()
                        files += 1
    return files


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(HERE / ".data"))
    parser.add_argument("--repeat", type=int, default=3, help="re-scans and walks to time")
    args = parser.parse_args()
    folder = Path(args.folder)
    pristine = folder / "library.sqlite3"
    if not pristine.exists():
        sys.exit(f"{pristine} not found: run bench/make_library.py {folder} first")
    work = folder / "scan.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(pristine, work)
    roots = [str(folder / "movies"), str(folder / "tv")]
    config = Config(library=LibraryConfig(movies=(roots[0],), shows=(roots[1],)))

    walk_runs = []
    t, files = timed(lambda: bare_walk(roots))
    walk_runs.append(t)
    db = open_database(str(work))
    first_t, first = timed(lambda: scan_library(config))
    # the machine is shared and noisy: alternate the two and keep the best of each
    again_runs = []
    for _ in range(args.repeat):
        t, again = timed(lambda: scan_library(config))
        again_runs.append(t)
        t, _ = timed(lambda: bare_walk(roots))
        walk_runs.append(t)
    db.close()
    walk, again_t = min(walk_runs), min(again_runs)

    print(f"files on disk:        {files}")
    runs = ", ".join(f"{r:.2f}" for r in walk_runs)
    print(f"bare walk:            {walk:7.2f} s  (scandir + stat; best of {runs})")
    print(
        f"first scan:           {first_t:7.2f} s  ({first.added} added, {len(first.unmatched)} "
        f"unmatched, {first.parsed} parsed; target < 60 s)"
    )
    print(
        f"unchanged re-scan:    {again_t:7.2f} s  ({again.unchanged} unchanged, {again.parsed} "
        f"parsed) = {again_t / walk:.2f}x the bare walk (target <= 2x; best of "
        + ", ".join(f"{r:.2f}" for r in again_runs)
        + ")"
    )
    if first.unmatched:
        for u in first.unmatched[:5]:
            print(f"  unmatched: {u.path}: {u.reason}")


if __name__ == "__main__":
    main()
