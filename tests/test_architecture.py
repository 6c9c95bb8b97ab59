"""The rules that keep the code base what ARCHITECTURE.md says, checked by the tools that own
them, each a real process on the checkout: the import contracts (import-linter, configured in
pyproject.toml), the core's types (mypy), the formatting and the lint (ruff). A broken rule
fails the suite, and so CI, with the tool's own report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    tool = BIN / name if (BIN / name).exists() else shutil.which(name)
    if tool is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return subprocess.run([str(tool), *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_import_contracts_hold():
    proc = run_tool("lint-imports")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_the_core_type_checks():
    proc = run_tool("mypy")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_the_tree_is_formatted_and_lint_free():
    fmt = run_tool("ruff", "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout[-4000:] + fmt.stderr[-2000:]
    lint = run_tool("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout[-4000:] + lint.stderr[-2000:]


def test_a_core_module_importing_the_command_line_breaks_a_contract(tmp_path):
    """The contracts are not decoration: a copy of the package where the guard imports the
    command line (and one where the release rules import the models) is refused."""
    for module, line in (
        ("guard.py", "from .cli import main  # a core module reaching up\n"),
        ("releases/decide.py", "from ..models import Download  # rules touching the database\n"),
    ):
        copy = tmp_path / module.replace("/", "_")
        shutil.copytree(REPO / "mydia_tui", copy / "mydia_tui")
        shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
        target = copy / "mydia_tui" / module
        text = target.read_text()
        head, sep, rest = text.partition("from __future__ import annotations\n")
        target.write_text(head + sep + "\n" + line + rest)
        tool = BIN / "lint-imports" if (BIN / "lint-imports").exists() else "lint-imports"
        proc = subprocess.run(
            [str(tool)],
            cwd=copy,
            capture_output=True,
            text=True,
            timeout=600,
            env={"PATH": str(BIN), "PYTHONPATH": str(copy)},
        )
        assert proc.returncode != 0, proc.stdout
        assert "BROKEN" in proc.stdout, proc.stdout
