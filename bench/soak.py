"""The soak run (issue 20): a simulated world with faults, checked by invariants.

    .venv/bin/python bench/soak.py [--minutes 30] [--seed N] [--monitors 2] [--postgresql]
                                   [--films 200] [--shows 12] [--day-seconds 3] [--keep DIR]

Builds the world of ``tests/soak_world.py`` (real seeder and client ``deluged``, a loopback
Torznab server with two indexers, a library of ``--films`` films and ``--shows`` shows, headless
``mydia-tui monitor`` processes on SQLite, or on a private PostgreSQL server with
``--postgresql``), plays as many simulated days as fit in ``--minutes`` (one day per
``--day-seconds`` of wall time, plus what its faults take), injecting the faults drawn from ``--seed`` (random when not
given; printed) until ``--minutes`` of wall time have passed (the world's set-up included; the
drain comes after), then stops the faults, drains, and prints the summary: simulated days,
releases, grabs, imports, faults by kind, invariant checks, violations (0 expected), the seed.
Exit status 1 when any invariant was violated. The world's folder is removed at the end unless
``--keep`` names one (its monitor logs and deluged logs help a replay).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from soak_world import FAULT_KINDS, SoakSettings, clean, run_soak  # noqa: E402

from mydia_tui.deluge_daemon import find_deluged  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--monitors", type=int, default=2, choices=(1, 2, 3))
    parser.add_argument("--films", type=int, default=200)
    parser.add_argument("--shows", type=int, default=12)
    parser.add_argument("--day-seconds", type=float, default=3.0)
    parser.add_argument("--fault-rate", type=float, default=0.6)
    parser.add_argument("--faults", default=",".join(FAULT_KINDS), help="kinds, comma-separated")
    parser.add_argument("--drain", type=float, default=120.0, help="seconds the drain may take")
    parser.add_argument("--postgresql", action="store_true", help="on a private PostgreSQL")
    parser.add_argument("--keep", type=Path, help="build the world here and keep it")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    faults = tuple(k for k in args.faults.split(",") if k)
    unknown = set(faults) - set(FAULT_KINDS)
    if unknown:
        parser.error(f"unknown fault kinds: {', '.join(sorted(unknown))}")
    days = max(1, int(args.minutes * 60 / args.day_seconds))  # at most: the minutes bound it
    root = args.keep or Path(tempfile.mkdtemp(prefix="mydia-soak-"))
    pg = None
    url = ""
    if args.postgresql:
        from pg_fixtures import PgServer, _free_port, find_pg_bin

        pg_bin = find_pg_bin()
        if pg_bin is None:
            parser.error("no PostgreSQL (tests/provision_postgres.sh installs it)")
        import os
        import shutil

        pg_root = Path(tempfile.mkdtemp(prefix="mydia-soak-pg-"))
        as_user: list[str] = []
        if os.geteuid() == 0:
            as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(pg_root, "postgres")
        pg = PgServer(pg_bin, pg_root, _free_port(), as_user).start()
        url = pg.create_database()
    settings = SoakSettings(
        seed=seed,
        days=days,
        day_seconds=args.day_seconds,
        films=args.films,
        shows=args.shows,
        monitors=args.monitors,
        fault_rate=args.fault_rate,
        faults=faults,
        drain_seconds=args.drain,
        budget_seconds=args.minutes * 60,
        database_url=url,
    )
    print(f"soak: seed {seed} (replay with --seed {seed}); world in {root}", flush=True)
    try:
        summary = run_soak(root, settings, find_deluged(), say=lambda s: print(s, flush=True))
    finally:
        if pg is not None:
            pg.stop()
        if args.keep is None:
            clean(root)
    return 1 if summary.violations else 0


if __name__ == "__main__":
    sys.exit(main())
