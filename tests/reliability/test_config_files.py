"""The configuration file: written through a symlink (dotfiles), mode 0600, comments kept;
``$MYDIA_TUI_CONFIG`` naming a file not written yet means the defaults; a world-readable file
is warned about once; every numeric setting is bounded (NaN, infinities, negatives, absurd)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from probes import Mydia, one_line

from mydia_tui.config import load_config, update_config_value
from mydia_tui.paths import config_path


def test_saving_through_a_symlink_writes_the_target_keeps_the_link_comments_and_0600(
    tmp_path: Path,
):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "mydia.toml"
    real.write_text('# my theme\n[tui]\ntheme = "nord"  # dark\n')
    real.chmod(0o600)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    update_config_value(link, "tui", "theme", "gruvbox")
    assert link.is_symlink() and link.resolve() == real
    text = real.read_text()
    assert 'theme = "gruvbox"' in text and "# my theme" in text and "# dark" in text
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert load_config(link).tui.theme == "gruvbox"


def test_a_config_env_naming_a_file_not_written_yet_means_defaults(
    mydia: Mydia, tmp_path, monkeypatch
):
    future = tmp_path / "later" / "config.toml"
    env = {"MYDIA_TUI_CONFIG": str(future)}
    run = mydia("config", "show", env=env)
    assert run.code == 0 and "defaults" in run.out, run.err
    run = mydia("doctor", env=env)
    assert "Traceback" not in run.err and "no such configuration file" not in run.out + run.err
    assert "[ok  ] config" in run.out
    assert mydia("config", "path", env=env).out.strip() == str(future)
    monkeypatch.setenv("MYDIA_TUI_CONFIG", str(future))
    assert load_config().source is None  # the defaults
    update_config_value(config_path(None), "tui", "theme", "nord")  # what the TUI saves to
    assert future.exists() and load_config().tui.theme == "nord"


def test_a_world_readable_config_holding_a_secret_is_warned_about_once(mydia: Mydia, tmp_path):
    mydia.configure('[deluge]\nport = 1\npassword = "pw-of-deluge"\n').chmod(0o644)
    run = mydia("list")
    assert run.code == 0
    assert [line for line in run.lines if "readable by others" in line] == run.lines
    assert len(run.lines) == 1
    doctor = mydia("doctor")
    assert (doctor.out + doctor.err).count("readable by others") == 1


NUMERIC = [
    ("monitor", "search_interval"),
    ("monitor", "rss_interval"),
    ("monitor", "poll_interval"),
    ("monitor", "stalled_after"),
    ("monitor", "cooldown_base"),
    ("monitor", "cooldown_max"),
    ("monitor", "sending_timeout"),
    ("monitor", "season_pack_share"),
    ("monitor", "searches_per_cycle"),
    ("monitor", "searches_per_show"),
    ("monitor", "missing_polls"),
    ("monitor", "import_retries"),
    ("deluge", "timeout"),
    ("deluge", "port"),
    ("library", "vanish_threshold"),
    ("quality", "min_seeders"),
    ("metadata", "timeout"),
]
BAD = {"inf": "inf", "nan": "nan", "negative": "-1", "absurd": "1e300", "huge int": "10" * 20}


@pytest.mark.parametrize("value", sorted(BAD))
@pytest.mark.parametrize(("section", "key"), NUMERIC, ids=[f"{s}.{k}" for s, k in NUMERIC])
def test_every_numeric_setting_is_bounded(tmp_path: Path, section, key, value):
    from mydia_tui.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text(f"[{section}]\n{key} = {BAD[value]}\n")
    with pytest.raises(ConfigError, match=key):
        load_config(path)


INDEXER = 'name = "x"\nurl = "http://127.0.0.1:1/api"\n'


@pytest.mark.parametrize(
    "line",
    [
        "timeout = inf",
        "min_interval = nan",
        "min_interval = 1e300",
        "priority = -5",
        "categories = [-1]",
        "priority = 100000000000000000000",
    ],
)
def test_every_indexer_number_is_bounded(tmp_path: Path, line):
    from mydia_tui.errors import ConfigError

    path = tmp_path / "config.toml"
    path.write_text(f"[[indexers]]\n{INDEXER}{line}\n")
    with pytest.raises(ConfigError):
        load_config(path)


def test_search_interval_inf_is_one_line_exit_2(mydia: Mydia, tmp_path: Path):
    mydia.configure("[monitor]\nsearch_interval = inf\n")
    one_line(mydia("monitor", "--once"), 2, "search_interval")


@pytest.mark.parametrize("key", ["search_interval", "rss_interval"])
def test_indexers_asked_every_half_second_is_one_line_exit_2(mydia: Mydia, tmp_path: Path, key):
    """A new user's report: 0.5 s was accepted, and the indexers asked that often."""
    mydia.configure(f"[monitor]\n{key} = 0.5\n")
    one_line(mydia("monitor", "--once"), 2, key)


@pytest.mark.parametrize(
    "make",
    ["fifo", "device", "symlink loop", "directory", "too large", "not utf-8"],
)
def test_an_odd_config_file_is_one_line_and_never_hangs(mydia: Mydia, tmp_path: Path, make):
    path = tmp_path / "config.toml"
    if make == "fifo":
        os.mkfifo(path)
    elif make == "device":
        path = Path("/dev/zero")
    elif make == "symlink loop":
        path.symlink_to(tmp_path / "loop2")
        (tmp_path / "loop2").symlink_to(path)
    elif make == "directory":
        path.mkdir()
    elif make == "too large":
        with open(path, "wb") as fh:
            fh.truncate(64 * 1024 * 1024)
    else:
        path.write_bytes(b'[tui]\ntheme = "\xff\xfe"\n')
    mydia.config = path
    one_line(mydia("list", timeout=30), 2, str(path))
