"""`mydia-tui demo` on a machine without deluged: it offers to install a private one.

Every case runs the real command line in a process whose only way to a deluged is the user's
data folder (this checkout's .deluge-venv is hidden, $MYDIA_DELUGED unset, PATH empty), and
reads what a person would see:

- no terminal, no ``--yes``: one line saying how to install, nothing installed;
- on a terminal: the question, and "n" installs nothing;
- ``--yes`` without a terminal: no question, a real virtual environment and a real pip run,
  here against an empty package source (offline, a few seconds), which fails with one line;
- "y" on a terminal: pip's real install of the pins from the registry (about 15 s and 130 MB),
  then the demo on that daemon, and ``find_deluged`` finds it there. This one runs under CI
  (``CI=true``) or with ``MYDIA_TEST_INSTALL=1``, and is skipped otherwise.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from pty_process import REPO, PtyProcess, cli_argv

from mydia_tui import deluge_daemon
from mydia_tui.deluge_daemon import DELUGE_PINS, DelugedNotFound, find_deluged, private_venv

PROMPT = r"Install a private Deluge 2\.2\.0 .* into (\S+)\? \[y/N\]"


@pytest.fixture
def no_deluged(tmp_path: Path, monkeypatch) -> dict[str, str]:
    """An environment (here and for child processes) that has no deluged anywhere."""
    hidden = tmp_path / "no-checkout"
    hidden.mkdir()
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    monkeypatch.setattr(deluge_daemon, "_REPO_ROOT", hidden)
    monkeypatch.delenv("MYDIA_DELUGED", raising=False)
    monkeypatch.setenv("PATH", str(empty_bin))
    with pytest.raises(DelugedNotFound):
        find_deluged()
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _demo(tmp_path: Path, *args: str) -> list[str]:
    return cli_argv(tmp_path / "no-checkout", "demo", *args)


def test_pins_are_those_of_the_test_provisioning_script():
    script = (REPO / "tests" / "provision_deluge.sh").read_text()
    assert tuple(re.findall(r'"([A-Za-z-]+(?:==|<)[0-9.]+)"', script)) == DELUGE_PINS


def test_without_a_terminal_it_says_how_to_install_and_installs_nothing(tmp_path, no_deluged):
    r = subprocess.run(
        _demo(tmp_path), env=no_deluged, capture_output=True, text=True, input="", timeout=60
    )
    assert r.returncode == 1
    (line,) = r.stderr.splitlines()
    assert "`mydia-tui demo --yes` installs" in line and str(private_venv()) in line
    assert not private_venv().exists()


def test_on_a_terminal_it_asks_and_no_installs_nothing(tmp_path, no_deluged):
    with PtyProcess(_demo(tmp_path), no_deluged, on_tty=("stdout",)) as demo:
        asked = demo.expect(PROMPT)
        assert asked.group(1) == str(private_venv())
        demo.send("n\r")
        assert demo.wait(30) == 1
        (line,) = demo.out("stderr").splitlines()
    assert "nothing installed" in line and "answer y" in line
    assert not private_venv().exists()


def test_yes_installs_without_asking_and_a_failing_pip_is_one_line(tmp_path, no_deluged):
    empty = tmp_path / "no-packages"
    empty.mkdir()
    env = {
        **no_deluged,
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(empty),
    }
    r = subprocess.run(
        _demo(tmp_path, "--yes"), env=env, capture_output=True, text=True, input="", timeout=180
    )
    assert r.returncode == 1
    assert "[y/N]" not in r.stdout
    assert f"creating a virtual environment in {private_venv()}" in r.stdout
    assert "deluge==2.2.0" in r.stdout  # pip's own output, shown as it runs
    (line,) = r.stderr.splitlines()
    assert line.startswith("mydia-tui: pip could not install Deluge into")
    # a half-made environment is never taken for an installed daemon
    assert (private_venv() / "bin" / "python").exists()
    with pytest.raises(DelugedNotFound):
        find_deluged()


def _real_install_allowed() -> bool:
    flags = (os.environ.get("CI", ""), os.environ.get("MYDIA_TEST_INSTALL", ""))
    return any(f.strip().lower() in ("1", "true", "yes") for f in flags)


@pytest.mark.skipif(
    not _real_install_allowed(),
    reason="installs Deluge from PyPI (about 15 s, 130 MB): runs under CI=true or MYDIA_TEST_INSTALL=1",
)
def test_yes_at_the_prompt_installs_the_pinned_daemon_and_the_demo_runs_on_it(tmp_path, no_deluged):
    argv = _demo(tmp_path, "--no-tui", "--timeout", "150")
    with PtyProcess(argv, no_deluged, on_tty=("stdout",)) as demo:
        demo.expect(PROMPT)
        demo.send("y\r")
        demo.expect(r"Successfully installed .*deluge-2\.2\.0", timeout=400)
        demo.expect(r"installed \S+/deluge-venv/bin/deluged", timeout=60)
        code = demo.wait(300)
        screen = demo.screen()
    assert code == 0, screen[-3000:] + demo.out("stderr")
    assert demo.out("stderr") == ""
    assert screen.count("on_disk") >= 4
    assert find_deluged() == private_venv() / "bin" / "deluged"
