"""Helpers of the reliability probes: the command line run as a real process (:class:`Mydia`)
and the shape every error must have (:func:`one_line`)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


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
