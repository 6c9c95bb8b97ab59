"""The soak run, short (issue 20): "never twice" under chaos, on real parts.

The world of ``soak_world.py`` (real seeder and client deluged, two loopback Torznab indexers,
a library of a few hundred films and episodes, two headless ``mydia-tui monitor`` processes)
plays two simulated weeks with a fault on most days (monitors SIGKILLed, deluged stopped and
restarted, indexers failing or slow, a library root "unmounted", files deleted by hand,
torrents removed in Deluge, the user's remove-and-blocklist), then drains; every invariant is
checked after every day and at the end. Once with a fixed seed on SQLite, once with a random
seed (printed in the output and in the assertion message: ``bench/soak.py --seed N`` replays
its schedule) on the private PostgreSQL server. The long run is ``bench/soak.py --minutes 30``.
"""

from __future__ import annotations

import random

import pytest
from soak_world import SoakSettings, run_soak

pytestmark = pytest.mark.deluge

FIXED_SEED = 20


def _short(seed: int, database_url: str = "") -> SoakSettings:
    return SoakSettings(
        seed=seed,
        days=14,
        day_seconds=2.0,
        films=150,
        shows=8,
        monitors=2,
        fault_rate=0.85,
        drain_seconds=50.0,
        database_url=database_url,
    )


def _play(tmp_path, deluged_path, settings: SoakSettings) -> None:
    summary = run_soak(tmp_path / "world", settings, deluged_path)
    report = summary.text()
    assert summary.days == settings.days, report
    assert summary.grabs > 0 and summary.imports > 0, report
    assert summary.checks == settings.days + 1, report
    assert summary.violations == [], f"invariants violated (seed {settings.seed}):\n{report}"
    assert summary.drained, f"not every download ended (seed {settings.seed}):\n{report}"


def test_soak_with_a_fixed_seed_on_sqlite_violates_no_invariant(tmp_path, deluged_path):
    _play(tmp_path, deluged_path, _short(FIXED_SEED))


def test_soak_with_a_random_seed_on_postgresql_violates_no_invariant(
    tmp_path, deluged_path, pg_database
):
    seed = random.SystemRandom().randrange(1_000_000)
    print(f"soak seed {seed} (replay: .venv/bin/python bench/soak.py --seed {seed})")
    _play(tmp_path, deluged_path, _short(seed, pg_database))
