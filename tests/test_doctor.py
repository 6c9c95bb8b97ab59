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
    assert any("Deluge 2.2.0" in m and m.endswith(", 1 torrent") for m in messages), messages
    assert not any("(s)" in m for m in messages), messages
    assert any("untracked torrent with our label" in m and "c" * 40 in m for m in messages)
    assert any("does not exist (is the disk mounted?)" in m for m in messages)
    assert deluged.password not in r.out


def test_doctor_with_deluge_down_says_how_to_fix(cli, deluged, tmp_path):
    cli.config_path = write_config(Config(deluge=deluged.config()), tmp_path / "config.toml")
    deluged.stop()
    r = cli("doctor")
    assert r.code == 1
    assert "[FAIL] deluge" in r.out and "refused the connection: is deluged running?" in r.out


def test_doctor_checks_path_mappings_and_names_the_missing_one(cli, deluged, tmp_path):
    """A finished torrent whose folder Deluge reports under a path this machine does not have:
    doctor names the mapping to add; with the mapping, the file is found; a mapped local folder
    that does not exist is named too. The Label plugin off: doctor says labels are not set."""
    from mydia_tui.config import PathMapping

    nas = tmp_path / "nas"
    payload = nas / "Film.2010"
    payload.mkdir(parents=True)
    (payload / "Film.2010.mkv").write_bytes(b"x" * 40_000)
    view = tmp_path / "daemon-view"
    view.symlink_to(nas, target_is_directory=True)
    import torf

    t = torf.Torrent(path=payload, private=False, created_by=None, creation_date=None)
    t.generate()
    rpc = deluged.rpc()
    try:
        from mydia_tui.torrent import b64

        rpc.call(
            "core.add_torrent_file",
            "Film.2010.torrent",
            b64(t.dump()),
            {"download_location": str(view), "seed_mode": True, "add_paused": True},
        )
    finally:
        rpc.disconnect()
    view.unlink()  # the daemon's path exists for the daemon only (a container, a NAS)

    cli.config_path = write_config(Config(deluge=deluged.config()), tmp_path / "config.toml")
    r = cli("doctor", "--json")
    messages = [f["message"] for f in r.json()["findings"] if not f["ok"]]
    assert r.code == 1
    assert any(f'[[deluge.path_mappings]] entry with remote = "{view}"' in m for m in messages), (
        messages
    )

    mappings = (PathMapping(str(view), str(nas)), PathMapping("/elsewhere", str(tmp_path / "no")))
    cfg = Config(deluge=deluged.config(path_mappings=mappings))
    cli.config_path = write_config(cfg, tmp_path / "config.toml")
    r = cli("doctor", "--json")
    findings = {f["message"]: f for f in r.json()["findings"]}
    found = f"the files Deluge reports are found here ({payload / 'Film.2010.mkv'})"
    assert findings[found]["ok"]
    missing = f"path mapping /elsewhere -> {tmp_path / 'no'}: the local folder does not exist"
    assert not findings[missing]["ok"]
    labels = [m for m in findings if "the Label plugin is off in Deluge" in m]
    assert labels and "labels are not set" in labels[0]


def test_doctor_says_whether_downloads_and_library_share_a_file_system(cli, tmp_path):
    """One file system: imports are hardlinks; another (a tmpfs here): a warning that imports
    are copies. The same finding the TUI's health screen shows (one check)."""
    import os
    import tempfile

    if not os.path.isdir("/dev/shm") or os.stat("/dev/shm").st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs /dev/shm on another file system than the test's folder")
    movies = tmp_path / "movies"
    shows = tmp_path / "shows"
    for folder in (movies, shows):
        folder.mkdir()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with tempfile.TemporaryDirectory(dir="/dev/shm") as elsewhere:
        from mydia_tui.config import DelugeConfig

        cfg = Config(
            deluge=DelugeConfig(port=1, movies_location=str(downloads), shows_location=elsewhere),
            library=LibraryConfig(movies=(str(movies),), shows=(str(shows),)),
        )
        cli.config_path = write_config(cfg, tmp_path / "config.toml")
        r = cli("doctor")
    assert (
        f"[ok  ] library   movies downloads {downloads} and folder {movies} are on one file "
        "system: imports are hardlinks (no second copy)"
    ) in r.out, r.out
    assert (
        f"[warn] library   shows downloads {elsewhere} and folder {shows} are on different file "
        "systems: imports are copies"
    ) in r.out, r.out


def test_doctor_without_a_deluge_section_says_deluge_is_not_configured(cli, tmp_path):
    """As the status bar says it: not a refused connection to a daemon nobody set up."""
    cli.config_path = tmp_path / "config.toml"
    cli.config_path.write_text("# nothing set up yet\n")
    r = cli("doctor")
    assert "[FAIL] deluge" in r.out
    assert "Deluge is not configured: add a [deluge] section" in r.out, r.out
    assert "refused the connection" not in r.out
