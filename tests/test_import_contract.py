"""The core never imports Textual: the headless monitor and the CLI run without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import mydia_tui

PACKAGE = Path(mydia_tui.__file__).parent


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if "tui" in parts[1:2] or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def test_core_imports_without_textual():
    modules = core_modules()
    assert "mydia_tui.cli" in modules and "mydia_tui.models" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(PACKAGE.parent))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"core modules imported Textual: {proc.stdout}"


def test_cli_help_does_not_load_textual():
    code = (
        "import sys\n"
        "from mydia_tui.cli.parser import build_parser\n"
        "build_parser().format_help()\n"
        "print('textual' in sys.modules)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(PACKAGE.parent))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.stdout.strip() == "False", proc.stderr
