"""The garbage collector while the program starts (mydia_tui/startup.py): held off by the entry
point, on again when a command runs or once the TUI's first frame is drawn, and untouched by
anything that only imports the package."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
from test_tui import settle

from mydia_tui import startup
from mydia_tui.cli.main import main
from mydia_tui.tui.app import MydiaApp


@pytest.fixture(autouse=True)
def collector_restored():
    yield
    startup._held = False
    gc.enable()
    gc.unfreeze()


def test_held_then_started_collects_again_and_keeps_startup_objects_out():
    startup.hold()
    assert not gc.isenabled()
    kept = [object() for _ in range(1000)]
    startup.started()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)
    startup.started()  # a second call changes nothing
    assert gc.isenabled()


def test_started_leaves_alone_a_collector_it_did_not_hold():
    gc.disable()  # off for a reason of the caller's, not start-up's
    startup.started()
    assert not gc.isenabled()


def test_a_command_runs_with_the_collector_on(tmp_path, capsys):
    startup.hold()
    assert main(["--config", str(tmp_path / "none.toml"), "config", "path"]) == 0
    assert gc.isenabled()


async def test_the_tui_turns_the_collector_on_after_its_first_frame(db):
    startup.hold()
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.main.library.list.row_width > 0  # laid out and drawn
        assert gc.isenabled()


def test_importing_the_package_leaves_the_collector_on():
    code = (
        "import gc, mydia_tui, mydia_tui.__main__, mydia_tui.cli.main, mydia_tui.tui.app\n"
        "print(gc.isenabled())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
