"""Configuration: defaults without a file, clear errors for a wrong one, secrets never shown."""

from __future__ import annotations

import os
import stat

import pytest

from mydia_tui.config import (
    REDACTED,
    Config,
    DelugeConfig,
    IndexerConfig,
    config_from_dict,
    dumps,
    load_config,
    redact_text,
    write_config,
)
from mydia_tui.errors import ConfigError


def test_missing_default_file_gives_defaults():
    cfg = load_config()
    assert cfg == Config()
    assert cfg.deluge.port == 58846
    assert cfg.source is None


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "nope.toml")


def test_env_var_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "c.toml"
    path.write_text("[deluge]\nport = 1234\n")
    monkeypatch.setenv("MYDIA_TUI_CONFIG", str(path))
    assert load_config().deluge.port == 1234


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[deluge\n", "not valid TOML"),
        ("[deluge]\nport = 'x'\n", "key 'deluge.port' must be a whole number"),
        ("[deluge]\nport = 70000\n", "key 'port' must be between 1 and 65535"),
        ("[deluge]\nprot = 1\n", "unknown key 'deluge.prot'"),
        ("[nonsense]\n", "unknown section or key 'nonsense'"),
        ("[[indexers]]\nname = 'a'\n", "key 'indexers[0].url' is required"),
        ("[[indexers]]\nname = 'a'\nurl = 'ftp://x'\n", "key 'url' must start with http"),
        ("[monitor]\nseason_pack_share = 2\n", "key 'season_pack_share' must be a share"),
        ("[deluge]\nadd_paused = 'yes'\n", "must be true or false"),
    ],
)
def test_wrong_file_names_file_key_and_problem(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"[deluge]\nhost = '\xff'\n")
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load_config(path)


def test_a_wrong_secret_is_not_echoed(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[deluge]\npassword = 123456789\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "123456789" not in str(info.value)


def test_written_with_mode_0600_and_round_trips(tmp_path):
    cfg = Config(
        deluge=DelugeConfig(password="hunter22"),
        indexers=(IndexerConfig(name="jackett", url="http://127.0.0.1:9117/api", api_key="k3y"),),
    )
    path = write_config(cfg, tmp_path / "sub" / "config.toml")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = load_config(path)
    assert again.deluge.password == "hunter22"
    assert again.indexers[0].api_key == "k3y"


def test_show_redacts_secrets():
    cfg = config_from_dict(
        {
            "deluge": {"password": "hunter22"},
            "indexers": [{"name": "j", "url": "http://x", "api_key": "k3y"}],
        }
    )
    text = dumps(cfg)
    assert "hunter22" not in text and "k3y" not in text
    assert REDACTED in text


def test_the_log_redacts_secrets_in_a_traceback_as_in_the_message(tmp_path):
    """An exception's message is text from outside too (an indexer's URL with its key): the
    headless monitor's log (``log.exception``) wrote its traceback whole, secret included."""
    import logging

    from mydia_tui.cli.main import log_handler

    path = tmp_path / "monitor.log"
    handler = log_handler(logging.FileHandler(path), ["k3y-secret"])
    log = logging.getLogger("mydia_tui.test_redaction")
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError("GET http://idx/api?apikey=k3y-secret&t=search failed")
        except RuntimeError:
            log.exception("RSS sync failed for key %s", "k3y-secret")
    finally:
        log.removeHandler(handler)
        handler.close()
    text = path.read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError: GET http://idx" in text
    assert "k3y-secret" not in text


def test_redact_text_strips_urls_and_known_values():
    text = "GET http://user:pw@host/api?t=caps&apikey=abcdef&q=x failed; key abcdef"
    out = redact_text(text, ["abcdef"])
    assert "abcdef" not in out and ":pw@" not in out
    assert "t=caps" in out


# -- save_config: several changes in one round trip, only what changes is touched --------------

EDITED = """\
# top comment
[deluge]
host = "nas.local"   # the NAS
port   =   58846     # odd spacing

[[deluge.path_mappings]]
remote = "/data"  # as the NAS sees it
local = "/mnt/data"

[[indexers]]
name = "one"  # first
url = "http://127.0.0.1:9117/one"

[tui]
theme = "nord"
"""


def test_save_config_sets_several_keys_and_tables_in_one_round_trip(tmp_path):
    from mydia_tui.config import save_config

    path = tmp_path / "config.toml"
    path.write_text(EDITED)
    cfg = save_config(
        path,
        {
            ("deluge", "password"): "pw",
            ("deluge", "path_mappings"): [
                {"remote": "/data", "local": "/mnt/data2"},
                {"remote": "/more", "local": "/mnt/more"},
            ],
            ("indexers", 0, "priority"): 3,
            ("indexers", 1): {"name": "two", "url": "http://127.0.0.1:9117/two"},
            ("monitor", "poll_interval"): 10,
            ("tui", "theme"): "nord",  # unchanged: the line is not rewritten
        },
    )
    text = path.read_text()
    for kept in (
        "# top comment",
        'host = "nas.local"   # the NAS',
        "port   =   58846     # odd spacing",
        'remote = "/data"  # as the NAS sees it',
        'name = "one"  # first',
    ):
        assert kept in text
    assert 'local = "/mnt/data2"' in text and 'remote = "/more"' in text
    assert cfg == load_config(path)
    assert cfg.source == path
    assert cfg.deluge.password == "pw" and cfg.monitor.poll_interval == 10.0
    assert [(i.name, i.priority) for i in cfg.indexers] == [("one", 3), ("two", 25)]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # None removes a key, a list entry, or (an empty list of tables) the whole list
    cfg = save_config(
        path,
        {("deluge", "password"): None, ("indexers", 1): None, ("deluge", "path_mappings"): None},
    )
    assert cfg.deluge.password == "" and len(cfg.indexers) == 1 and not cfg.deluge.path_mappings
    assert "# top comment" in path.read_text()


def test_save_config_refuses_an_invalid_value_naming_its_key_and_writes_nothing(tmp_path):
    from mydia_tui.config import preview_config, save_config

    path = tmp_path / "config.toml"
    path.write_text(EDITED)
    before = path.read_bytes()
    cases = [
        ({("deluge", "port"): 0}, "deluge.port", "must be between 1 and 65535"),
        ({("deluge", "port"): "abc"}, "deluge.port", "must be a whole number, not 'abc'"),
        ({("indexers", 0, "url"): "ftp://x"}, "indexers[0].url", "must start with http://"),
        (
            {("deluge", "path_mappings", 0, "local"): "relative"},
            "deluge.path_mappings[0].local",
            "must be an absolute folder",
        ),
        # a library folder relative to wherever mydia-tui was started (or "~", which is not
        # expanded) would have films imported into a folder of that name under the cwd
        (
            {("library", "movies"): ["~/Films"]},
            "library.movies[0]",
            "must be an absolute folder on this machine, not '~/Films'",
        ),
        (
            {("library", "shows"): ["/srv/tv", "TV"]},
            "library.shows[1]",
            "must be an absolute folder on this machine, not 'TV'",
        ),
        ({("indexers", 1): {"name": "one", "url": "http://x"}}, "indexers", "must be unique"),
        ({("deluge", "pasword"): "x"}, "deluge.pasword", "is not a setting"),
    ]
    for changes, key, problem in cases:
        for call in (save_config, preview_config):
            with pytest.raises(ConfigError) as caught:
                call(path, changes)
            assert caught.value.key == key, caught.value
            assert caught.value.problem.startswith(problem) or problem in caught.value.problem
    assert path.read_bytes() == before


def test_save_config_runs_a_further_check_before_writing(tmp_path):
    from mydia_tui.config import save_config
    from mydia_tui.releases.quality import check_quality

    path = tmp_path / "config.toml"
    path.write_text(EDITED)
    before = path.read_bytes()
    with pytest.raises(ConfigError) as caught:
        save_config(path, {("quality", "default_profile"): "Nope"}, check_quality)
    assert caught.value.key == "quality.default_profile"
    with pytest.raises(ConfigError) as caught:
        save_config(
            path,
            {("quality", "profiles", 0): {"name": "Mine", "qualities": ["Bluray-9000p"]}},
            check_quality,
        )
    assert caught.value.key == "quality.profiles[0].qualities"
    assert path.read_bytes() == before
    cfg = save_config(path, {("quality", "default_profile"): "HD-720p"}, check_quality)
    assert cfg.quality.default_profile == "HD-720p"


def test_a_new_config_file_is_created_by_save_config(tmp_path):
    from mydia_tui.config import save_config

    path = tmp_path / "new" / "config.toml"
    cfg = save_config(path, {("deluge", "host"): "h", ("deluge", "port"): 5})
    assert (cfg.deluge.host, cfg.deluge.port) == ("h", 5) and cfg.deluge_configured
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_config_file_made_read_only_is_not_rewritten(tmp_path):
    """A new user's report: ``profiles remove`` rewrote a config.toml its owner had made
    read-only (0444), and left it 0600 (as root, which the mode does not stop). A file
    without its owner's write bit is refused, naming it, and kept as it was."""
    from mydia_tui.config import save_config

    path = tmp_path / "config.toml"
    path.write_text('[deluge]\nhost = "h"\n')
    path.chmod(0o444)
    with pytest.raises(ConfigError, match="is read-only") as info:
        save_config(path, {("deluge", "host"): "other"})
    assert str(path) in str(info.value)
    assert path.read_text() == '[deluge]\nhost = "h"\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_every_table_a_save_adds_is_set_apart_by_a_blank_line(tmp_path):
    """A new user's report: the file the settings screen wrote on a fresh install ran
    ``[deluge]``'s keys straight into the ``[[indexers]]`` added after them."""
    from mydia_tui.config import save_config

    path = tmp_path / "config.toml"
    save_config(
        path,
        {
            ("deluge", "host"): "127.0.0.1",
            ("deluge", "port"): 58846,
            ("indexers", 0): {"name": "one", "url": "http://127.0.0.1:9117/one"},
            ("library", "movies"): ["/media/Films"],
        },
    )
    save_config(path, {("indexers", 1): {"name": "two", "url": "http://127.0.0.1:9117/two"}})
    text = path.read_text()
    assert "\n\n[[indexers]]\n" in text and "\n\n[library]\n" in text
    headers = [line for line in text.splitlines() if line.startswith("[")]
    assert len(headers) == 4 and text.count("\n\n[") == 3  # no blank line at the top
    # a user's file that runs its tables together keeps its own layout: only what is added
    # is set apart
    path.write_text(
        '# mine\ndatabase = "sqlite:///x.db"\n[deluge]\nhost = "h"\n[tui]\ntheme = "nord"\n'
    )
    save_config(path, {("monitor", "poll_interval"): 10})
    assert path.read_text() == (
        '# mine\ndatabase = "sqlite:///x.db"\n[deluge]\nhost = "h"\n[tui]\ntheme = "nord"\n'
        "\n[monitor]\npoll_interval = 10\n"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # 0 is refused, as are absurd values: one range, in people's units
        (
            "[monitor]\nsearch_interval = 0\n",
            "must be between 900 and 2,592,000 s (15 min to 30 days)",
        ),
        (
            "[monitor]\nrss_interval = 99999999999999999999999\n",
            "must be 0 (off) or between 600 and 2,592,000 s (10 min to 30 days)",
        ),
        ("[monitor]\npoll_interval = 7200\n", "must be between 1 and 3,600 s (1 hour)"),
        (
            "[monitor]\nstalled_after = -1\n",
            "must be more than 0 and at most 31,536,000 s (365 days)",
        ),
        ("[deluge]\ntimeout = 0\n", "must be more than 0 and at most 300 s (5 min)"),
        (
            "[[indexers]]\nname = 'a'\nurl = 'http://x'\nmin_interval = 3601\n",
            "must be between 0 and 3,600 s (1 hour)",
        ),
        (
            "[[indexers]]\nname = 'a'\nurl = 'http://x'\ntimeout = 0\n",
            "must be more than 0 and at most 600 s (10 min)",
        ),
    ],
)
def test_a_duration_out_of_range_names_its_range_in_seconds_minutes_hours_or_days(
    tmp_path, text, problem
):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.problem == problem
    assert "e+" not in str(info.value)


@pytest.mark.parametrize("value", ["900", "3600.5", "2592000"])
def test_a_duration_inside_its_range_is_accepted(tmp_path, value):
    path = tmp_path / "config.toml"
    path.write_text(f"[monitor]\nsearch_interval = {value}\n")
    assert load_config(path).monitor.search_interval == float(value)


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("search_interval", "0.5", "must be between 900 and 2,592,000 s (15 min to 30 days)"),
        ("search_interval", "899", "must be between 900 and 2,592,000 s (15 min to 30 days)"),
        (
            "rss_interval",
            "2",
            "must be 0 (off) or between 600 and 2,592,000 s (10 min to 30 days)",
        ),
        (
            "rss_interval",
            "599.9",
            "must be 0 (off) or between 600 and 2,592,000 s (10 min to 30 days)",
        ),
    ],
)
def test_the_indexers_are_not_asked_more_often_than_the_minimum_intervals(
    tmp_path, key, value, problem
):
    """A new user's report: a backlog search every 0.5 s was accepted, and every cycle asks
    the indexers again. As Sonarr refuses an RSS sync interval under 10 minutes, an RSS sync
    is at least 10 minutes apart and a backlog search cycle at least 15 (its default)."""
    path = tmp_path / "config.toml"
    path.write_text(f"[monitor]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert (info.value.key, info.value.problem) == (f"monitor.{key}", problem)
    # the setting that lifts the minimum is named once, after the problem (a new user's report)
    assert info.value.hint == (
        "[monitor] allow_short_intervals = true lifts the minimum (for a test indexer only)"
    )
    assert str(info.value).endswith(f"{problem}; {info.value.hint}")
    assert load_config_text(tmp_path, f"[monitor]\n{key} = {MINIMUM[key]}\n")


MINIMUM = {"search_interval": 900, "rss_interval": 600}


def load_config_text(tmp_path, text: str):
    path = tmp_path / "other.toml"
    path.write_text(text)
    return load_config(path)


def test_allow_short_intervals_lifts_the_minimums_for_a_demo_or_a_test(tmp_path):
    """A demo or a test against a loopback indexer says so in its file, and may then search
    every second; a backlog search every 0 s stays refused (an RSS sync's 0 turns it off)."""
    cfg = load_config_text(
        tmp_path,
        "[monitor]\nallow_short_intervals = true\nsearch_interval = 0.5\nrss_interval = 1.5\n",
    )
    assert (cfg.monitor.search_interval, cfg.monitor.rss_interval) == (0.5, 1.5)
    with pytest.raises(ConfigError) as info:
        load_config_text(tmp_path, "[monitor]\nallow_short_intervals = true\nsearch_interval = 0\n")
    assert info.value.problem == "must be between 0.1 and 2,592,000 s (30 days)"
    assert info.value.hint is None  # the setting that lifts the minimum is already on


@pytest.mark.parametrize("short", [False, True])
def test_a_poll_interval_that_would_keep_a_core_busy_is_refused(tmp_path, short):
    """A new user's report: ``poll_interval = 0.001`` was taken (no minimum at all), and the
    app kept 76 % of a core busy on an empty library; a search interval of 0.001 s with
    ``allow_short_intervals``, 90 %. Deluge is polled at most every second (every 0.1 s for a
    test on loopback); no interval is under 0.1 s."""
    lift = "allow_short_intervals = true\n" if short else ""
    with pytest.raises(ConfigError) as info:
        load_config_text(tmp_path, f"[monitor]\n{lift}poll_interval = 0.001\n")
    least = "0.1" if short else "1"
    assert info.value.problem == f"must be between {least} and 3,600 s (1 hour)"
    assert (info.value.hint is None) == short
    if not short:  # a new user's report (s11): "(for a test indexer only)" on Deluge's poll
        assert info.value.hint == (
            "[monitor] allow_short_intervals = true lifts the minimum (for a test Deluge only)"
        )
    with pytest.raises(ConfigError) as info:
        load_config_text(tmp_path, f"[monitor]\n{lift}search_interval = 0.001\n")
    assert info.value.key == "monitor.search_interval"
    least = "0.5" if short else "1"
    assert load_config_text(tmp_path, f"[monitor]\n{lift}poll_interval = {least}\n")


def test_an_rss_interval_of_0_turns_rss_sync_off_as_in_sonarr(tmp_path):
    """A new user's report: ``rss_interval = 0`` (Sonarr's and Radarr's way to turn RSS sync
    off) was refused; it is taken, with or without ``allow_short_intervals``."""
    for text in (
        "[monitor]\nrss_interval = 0\n",
        "[monitor]\nallow_short_intervals = true\nrss_interval = 0\n",
    ):
        assert load_config_text(tmp_path, text).monitor.rss_interval == 0


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "seedbox.example.com", "nas-1", "deluge.lan."],
)
def test_a_deluge_host_name_or_ipv4_address_is_accepted(tmp_path, host):
    path = tmp_path / "config.toml"
    path.write_text(f'[deluge]\nhost = "{host}"\n')
    assert load_config(path).deluge.host == host


@pytest.mark.parametrize(
    "host",
    [
        ", Bluray-2160p",  # a slip of focus (breaker 5)
        "http://127.0.0.1",
        "127.0.0.1:58846",
        "seed box",
        "-nas",
        "nas-",
        "a..b",
        "999.1.1.1",
        "[::1]",
    ],
)
def test_a_deluge_host_that_is_neither_a_host_name_nor_an_ip_address_is_refused(tmp_path, host):
    path = tmp_path / "config.toml"
    path.write_text(f'[deluge]\nhost = "{host}"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == "deluge.host"
    assert info.value.problem == (
        f"must be a host name (letters, digits, '-' and '.') or an IPv4 address, not {host!r}"
    )
    assert len(str(info.value).splitlines()) == 1


@pytest.mark.parametrize("host", ["::1", "fe80::1"])
def test_an_ipv6_deluge_host_is_refused_because_the_client_cannot_connect_over_it(tmp_path, host):
    """deluge-client opens IPv4 sockets only (AF_INET): an IPv6 address saved would never
    connect, and the test button said 'unknown host' (breaker 6)."""
    path = tmp_path / "config.toml"
    path.write_text(f'[deluge]\nhost = "{host}"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == "deluge.host"
    assert "cannot connect over IPv6" in info.value.problem and repr(host) in info.value.problem


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("h" * 70, "a part between dots may have at most 63 characters"),
        ("x" * 64 + ".example", "a part between dots may have at most 63 characters"),
        (".".join(["a" * 60] * 5), "may have at most 253 characters"),
    ],
)
def test_a_deluge_host_too_long_is_refused_for_its_length(tmp_path, host, reason):
    """A new user's report (breaker11a, item 4): 70 letters were refused as "must be a host
    name (letters, digits, '-' and '.')", which they are; the reason is their length."""
    path = tmp_path / "config.toml"
    path.write_text(f'[deluge]\nhost = "{host}"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == "deluge.host"
    assert reason in info.value.problem
    assert "letters, digits" not in info.value.problem


def test_a_refused_value_is_quoted_shortened_in_the_message(tmp_path):
    """A new user's report (breaker11a, item 4): a 600-character host was echoed whole, twice
    (the settings' banner took 10 of 24 lines): a refusal quotes a long value shortened."""
    for text in (
        f'[deluge]\nhost = "{"h" * 600}"\n',
        f'[deluge]\nhost = "{"h" * 300}!{"h" * 300}"\n',
        f'[library]\nmovies = ["{"m" * 600}"]\n',
        f'[[indexers]]\nname = "x"\nurl = "ftp://{"u" * 600}"\n',
        f'[deluge]\nport = "{"p" * 600}"\n',
    ):
        with pytest.raises(ConfigError) as info:
            load_config_text(tmp_path, text)
        assert len(info.value.problem or "") < 200, info.value.problem
        assert len(str(info.value)) < 300 + len(str(tmp_path))
    # the quotes stay whole, whatever is cut between them (breaker12: a value of one long
    # part lost its closing quote)
    from mydia_tui.short_text import quoted

    for value in ("h" * 600, "a" * 300 + ".example", "x" * 30 + "'" + "y" * 300):
        text = quoted(value)
        assert text.endswith(f" ({len(value):,} characters)"), text
        said = text.rsplit(" (", 1)[0]
        assert said[0] == said[-1] and said[0] in "'\"" and "…" in said, text


@pytest.mark.parametrize("label", ["mydia", "tv-shows", "films_4k", "Mydia", "v1.2", ""])
def test_a_deluge_label_the_label_plugin_takes_is_accepted(tmp_path, label):
    assert load_config_text(tmp_path, f'[deluge]\nlabel = "{label}"\n').deluge.label == label


@pytest.mark.parametrize("label", ["[bold]lab[/] el", "my label", "films/4k", "étiquette"])
def test_a_deluge_label_the_label_plugin_refuses_is_refused_naming_the_allowed_characters(
    tmp_path, label
):
    """A new user's report (breaker11a, item 3): the label `[bold]lab[/] el` was saved; Deluge's
    Label plugin answers `Invalid label, valid characters:[a-z0-9_-]` (its RE_VALID also takes
    '.', and it lowercases the label first), and every grab then set no label, silently."""
    with pytest.raises(ConfigError) as info:
        load_config_text(tmp_path, f'[deluge]\nlabel = "{label}"\n')
    assert info.value.key == "deluge.label"
    assert "letters a-z, digits, '_', '-' and '.'" in (info.value.problem or "")
    assert repr(label) in (info.value.problem or "")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:99999/api", "names a port that is not one (1 to 65535)"),
        ("http://127.0.0.1:port/api", "names a port that is not one (1 to 65535)"),
        ("http://my host/api", "names no host"),
        ("ftp://x/api", "must start with http:// or https://, not 'ftp://x/api'"),
    ],
)
def test_an_indexer_url_with_a_wrong_port_or_scheme_is_refused_quoting_it(tmp_path, url, problem):
    """breaker12: a port past 65535 and a space in the host were saved (doctor then said
    "connection refused"); the scheme's refusal did not quote the value, as every other does."""
    with pytest.raises(ConfigError) as info:
        load_config_text(tmp_path, f'[[indexers]]\nname = "x"\nurl = "{url}"\n')
    assert info.value.key == "indexers[0].url"
    assert problem in (info.value.problem or ""), info.value.problem


@pytest.mark.parametrize("url", ["http://", "https://", "http:///api", "http://:9117/api"])
def test_an_indexer_url_without_a_host_is_refused(tmp_path, url):
    """A new user's report (breaker11a, item 5): `http://` was saved; its test then said the
    URL "is missing an 'http://' or 'https://' protocol"."""
    with pytest.raises(ConfigError) as info:
        load_config_text(tmp_path, f'[[indexers]]\nname = "x"\nurl = "{url}"\n')
    assert info.value.key == "indexers[0].url"
    assert "names no host" in (info.value.problem or "")
