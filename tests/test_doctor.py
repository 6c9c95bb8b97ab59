"""`mydia-tui doctor` against a real deluged: what works, what does not, and what to fix."""

from __future__ import annotations

import pytest

from mydia_tui.config import Config, LibraryConfig, write_config
from mydia_tui.torrent import make_magnet

pytestmark = pytest.mark.deluge


def test_doctor_reports_each_area_and_untracked_labelled_torrents(cli, deluged, tmp_path):
    movies = tmp_path / "movies"
    movies.mkdir()
    cfg = Config(
        deluge=deluged.config(label="mydia"),
        library=LibraryConfig(movies=(str(movies),), shows=(str(tmp_path / "nope"),)),
    )
    cli.config_path = write_config(cfg, tmp_path / "config.toml")
    rpc = deluged.rpc()
    try:
        rpc.call("core.enable_plugin", "Label")
        h = rpc.call(
            "core.add_torrent_magnet",
            make_magnet("c" * 40, "Someone.Elses.Torrent"),
            {"add_paused": True},
        )
        rpc.call("label.add", "mydia")
        rpc.call("label.set_torrent", h, "mydia")
    finally:
        rpc.disconnect()
    r = cli("doctor", "--json")
    assert r.code == 1  # the shows folder is missing
    messages = [f["message"] for f in r.json()["findings"]]
    assert any("Deluge 2.2.0" in m and "1 torrent(s)" in m for m in messages), messages
    assert any("untracked torrent with our label" in m and "c" * 40 in m for m in messages)
    assert any("does not exist (is the disk mounted?)" in m for m in messages)
    assert deluged.password not in r.out


def test_doctor_with_deluge_down_says_how_to_fix(cli, deluged, tmp_path):
    cli.config_path = write_config(Config(deluge=deluged.config()), tmp_path / "config.toml")
    deluged.stop()
    r = cli("doctor")
    assert r.code == 1
    assert "[FAIL] deluge" in r.out and "refused the connection: is deluged running?" in r.out
