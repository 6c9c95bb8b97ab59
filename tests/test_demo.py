"""`mydia-tui demo --no-tui`: the whole loop with nothing configured, then everything removed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.deluge


def test_demo_finds_grabs_downloads_and_imports_every_film(cli, deluged_path, monkeypatch):
    cli.env["MYDIA_DELUGED"] = str(deluged_path)
    r = cli("demo", "--no-tui", "--timeout", "150", timeout=240)
    assert r.code == 0, r.out + r.err
    lines = r.out.strip().splitlines()
    final = lines[-2]
    assert final.count("on_disk") == 4, lines
    assert "Big Buck Bunny: on_disk" in final and "Elephants Dream: on_disk" in final
    root = re.search(r"removed (\S+)", lines[-1]).group(1)
    assert not Path(root).exists()
