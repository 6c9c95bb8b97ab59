"""The reliability probes: hostile input and faults, each tried on the real product.

Every probe is a test in this folder; the areas are its files (hostile indexers, secrets,
torrents, terminal escapes, configuration, database faults, file-system oddities, command-line
bounds, kills). At the end of a run that collected any of them, a table says per area how
many probes were tried, passed, failed and skipped, and names the failed ones; a failed probe
fails the run like any test.

The helpers (``probes.py``) run ``python -m mydia_tui`` as a real process (the ``mydia``
fixture) and check the shape every error must have: one line on stderr, ``mydia-tui: ...``,
with the exit status the README names (``one_line``).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from probes import Mydia

HERE = Path(__file__).resolve().parent

_results: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = Path(str(report.fspath)).resolve()
    if path.parent != HERE:
        return
    area = path.stem.removeprefix("test_")
    if report.when == "call" or (report.when == "setup" and not report.passed):
        outcome = "skipped" if report.skipped else ("passed" if report.passed else "failed")
        _results[area][outcome].append(report.nodeid.split("::", 1)[-1])
    elif report.when == "teardown" and report.failed:
        _results[area]["failed"].append(report.nodeid.split("::", 1)[-1] + " (teardown)")


def pytest_terminal_summary(terminalreporter) -> None:
    if not _results:
        return
    write = terminalreporter.write_line
    write("")
    write("reliability probes")
    write(f"  {'area':<22} {'tried':>5} {'passed':>6} {'failed':>6} {'skipped':>7}")
    totals = [0, 0, 0, 0]
    for area in sorted(_results):
        r = _results[area]
        row = [sum(len(v) for v in r.values()), len(r["passed"]), len(r["failed"])]
        row.append(len(r["skipped"]))
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        write(f"  {area:<22} {row[0]:>5} {row[1]:>6} {row[2]:>6} {row[3]:>7}")
    write(f"  {'total':<22} {totals[0]:>5} {totals[1]:>6} {totals[2]:>6} {totals[3]:>7}")
    for area in sorted(_results):
        for name in _results[area]["failed"]:
            write(f"  FAILED {area}: {name}")
        for name in _results[area]["skipped"]:
            write(f"  skipped {area}: {name}")


@pytest.fixture
def mydia(tmp_path: Path) -> Mydia:
    return Mydia(tmp_path)
