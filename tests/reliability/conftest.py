"""The reliability probes: hostile input and faults, each tried on the real product.

Every probe is a test in this folder; the areas are its files (hostile indexers, secrets,
torrents, terminal escapes, configuration, database faults, file-system oddities, command-line
bounds, kills). At the end of a run that collected any of them, a table says per area how
many probes were tried, passed, failed and skipped, and names the failed ones; a failed probe
fails the run like any test.

Helpers here run ``python -m mydia_tui`` as a real process (``mydia``) and check the shape
every error must have: one line on stderr, ``mydia-tui: ...``, with the exit status the README
names (``one_line``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
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


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


class Mydia:
    """``python -m mydia_tui`` as a real process, with this test's config and database."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.db: str | Path = tmp_path / "library.sqlite3"
        self.config: Path | None = None
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = str(REPO) + os.pathsep + self.env.get("PYTHONPATH", "")

    def configure(self, text: str) -> Path:
        """Use a config file holding ``text`` (mode 0600, as the app writes it)."""
        path = self.tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        self.config = path
        return path

    def argv(self, *args: str) -> list[str]:
        cmd = [sys.executable, "-m", "mydia_tui"]
        if self.config is not None:
            cmd += ["--config", str(self.config)]
        if self.db is not None:
            cmd += ["--db", str(self.db)]
        return [*cmd, *args]

    def popen(self, *args: str, **kw) -> subprocess.Popen:
        """The command started, not waited for (to kill it, or signal it)."""
        return subprocess.Popen(self.argv(*args), env=self.env, cwd=REPO, **kw)

    def __call__(
        self, *args: str, timeout: float = 60, env: dict[str, str] | None = None, **kw
    ) -> Run:
        proc = subprocess.run(
            self.argv(*args),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            env={**self.env, **(env or {})},
            cwd=self.tmp_path,
            **kw,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def mydia(tmp_path: Path) -> Mydia:
    return Mydia(tmp_path)


def one_line(run: Run, code: int, *words: str) -> str:
    """Assert the README's shape of an error: exit ``code``, exactly one line on stderr,
    starting ``mydia-tui:``, no traceback, holding each of ``words``; returns that line."""
    assert run.code == code, (run.code, run.err)
    assert len(run.lines) == 1, run.err
    line = run.lines[0]
    assert line.startswith("mydia-tui"), (
        line
    )  # "mydia-tui: ..." or argparse's "mydia-tui CMD: error: ..."
    assert "Traceback" not in run.err and "unexpected error" not in line, line
    for word in words:
        assert word in line, (word, line)
    return line
