"""The command line, run as a real process on a real SQLite file."""

from __future__ import annotations

import datetime as dt

import pytest

from mydia_tui import __version__

COMMANDS = [
    [],
    ["add"],
    ["add", "movie"],
    ["add", "show"],
    ["list"],
    ["upgrades"],
    ["monitored"],
    ["delete"],
    ["grab"],
    ["downloads"],
    ["retry-import"],
    ["history"],
    ["search"],
    ["monitor"],
    ["scan"],
    ["refresh"],
    ["doctor"],
    ["demo"],
    ["config"],
    ["config", "show"],
    ["config", "path"],
]


def test_version(cli):
    r = cli("--version")
    assert r.code == 0 and r.out.strip() == f"mydia-tui {__version__}"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_every_command_has_help(cli, command):
    r = cli(*command, "--help")
    assert r.code == 0, r.err
    assert "usage: mydia-tui" in r.out


def test_add_movie_then_list_shows_it_monitored_and_wanted(cli):
    r = cli("add", "movie", "Big Buck Bunny", "--year", "2008")
    assert r.code == 0, r.err
    assert "Big Buck Bunny (2008)" in r.out
    r = cli("list", "--json")
    assert r.code == 0, r.err
    (item,) = r.json()
    assert item["title"] == "Big Buck Bunny" and item["year"] == 2008
    assert item["kind"] == "movie"
    assert item["monitored"] is True and item["wanted"] is True
    assert item["status"] == "missing"
    assert cli("list", "--wanted", "--json").json()[0]["id"] == item["id"]


def test_same_title_and_year_twice_is_refused_clearly(cli):
    assert cli("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    r = cli("add", "movie", "big buck bunny", "--year", "2008")
    assert r.code == 1
    assert (
        r.err.strip() == "mydia-tui: the library already has the film Big Buck Bunny (2008) (id 1)"
    )
    assert len(cli("list", "--json").json()) == 1
    # another year is another film
    assert cli("add", "movie", "Big Buck Bunny", "--year", "2009").code == 0


def test_add_movie_json_and_unmonitored(cli):
    r = cli(
        "add", "movie", "Sintel", "--year", "2010", "--imdb", "tt1727587", "--unmonitored", "--json"
    )
    assert r.code == 0, r.err
    data = r.json()
    assert data["imdb_id"] == "tt1727587" and data["monitored"] is False
    assert cli("list", "--wanted", "--json").json() == []
    (row,) = cli("list", "--json").json()
    assert row["status"] == "unmonitored"


def test_add_show_by_hand_and_toggle_monitoring(cli):
    r = cli("add", "show", "The Expanse", "--seasons", "1:4,2:3", "--json")
    assert r.code == 0, r.err
    show = r.json()
    assert show["episodes"] == 7
    (row,) = cli("list", "--json").json()
    assert row["episodes"] == {"total": 7, "aired": 7, "on_disk": 0, "wanted": 7}
    assert cli("monitored", str(show["id"]), "off", "--season", "2").code == 0
    (row,) = cli("list", "--json").json()
    assert row["episodes"]["wanted"] == 4
    assert cli("monitored", str(show["id"]), "off").code == 0
    assert cli("list", "--wanted", "--json").json() == []


def test_specials_count_in_list_only_when_the_monitor_searches_them(cli, tmp_path):
    """A new user's report: ``list`` counted the specials in a show's total and on disk, not
    in its wanted count. Both follow ``[monitor] include_specials`` (off by default). ``add
    show`` counts them apart too (it said "with 6 episodes" where ``list`` said 4)."""
    r = cli("add", "show", "The Expanse", "--seasons", "0:2,1:4")
    assert r.code == 0, r.err
    assert r.out.startswith("added show The Expanse as id 1 with 4 episodes and 2 specials"), r.out
    (history,) = [h for h in cli("history", "--json").json() if h["event"] == "added"]
    assert history["message"] == "added show The Expanse (4 episodes and 2 specials)"
    (row,) = cli("list", "--json").json()
    assert row["episodes"] == {"total": 4, "aired": 4, "on_disk": 0, "wanted": 4}
    assert cli("list").out.rstrip().endswith("missing, 0/4 aired episodes on disk")
    config = tmp_path / "config.toml"
    config.write_text("[monitor]\ninclude_specials = true\n")
    config.chmod(0o600)
    with_specials = type(cli)(cli.db_path, config, cli.env)  # the same library, this config
    (row,) = with_specials("list", "--json").json()
    assert row["episodes"] == {"total": 6, "aired": 6, "on_disk": 0, "wanted": 6}


def test_monitoring_an_episode_needs_its_season_and_a_season_the_show_has(cli):
    """Found by a new user: ``--episode 3`` alone changed episode 3 of every season, and a
    season the show does not have said "0 row(s) changed" and exited 0."""
    show = cli("add", "show", "The Expanse", "--seasons", "1:4,2:3", "--json").json()
    r = cli("monitored", str(show["id"]), "off", "--episode", "3")
    assert r.code == 2 and "an episode needs its season" in r.err
    r = cli("monitored", str(show["id"]), "off", "--season", "9")
    assert r.code == 1 and "has no season 9" in r.err
    r = cli("monitored", str(show["id"]), "off", "--season", "2", "--episode", "7")
    assert r.code == 1 and "has no S02E07" in r.err
    assert cli("list", "--wanted", "--json").json()[0]["episodes"]["wanted"] == 7
    r = cli("monitored", str(show["id"]), "off", "--season", "1", "--episode", "3")
    assert r.code == 0 and "1 row changed" in r.out


def test_bad_seasons_spec_is_a_usage_error(cli):
    r = cli("add", "show", "X", "--seasons", "one:ten")
    assert r.code == 2 and "bad season spec" in r.err


def test_unknown_command_is_one_line_exit_2(cli):
    r = cli("frobnicate")
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1
    assert "invalid choice: 'frobnicate'" in r.err


def test_corrupt_config_is_one_line_exit_2(cli, tmp_path):
    bad = tmp_path / "config.toml"
    bad.write_text("[deluge\nport = 1")
    cli.config_path = bad
    r = cli("list")
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "not valid TOML" in lines[0]
    assert "Traceback" not in r.err


def test_unwritable_database_path_is_one_line_exit_1(cli, tmp_path):
    """A database that cannot be written is a failure (1), not a usage error (2: issue 19)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cli.db_path = blocker / "library.sqlite3"
    r = cli("list")
    assert r.code == 1
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and "database" in lines[0] and "Traceback" not in r.err


def test_a_database_path_in_a_folder_that_does_not_exist_is_refused_not_a_new_library(
    cli, tmp_path
):
    """A new user's report: a mistyped ``database`` path made its folders and an empty new
    library ("the library is empty", exit 0; doctor said ok). Only the default's folder is
    made; a path given in a missing folder is a usage error naming it, and nothing is made."""
    cli.db_path = tmp_path / "nonexistent" / "dir" / "x.sqlite3"
    said = (
        f"the database folder {tmp_path / 'nonexistent' / 'dir'} does not exist: create it, or "
        "correct the database path (--db, $MYDIA_TUI_DB or `database` in config.toml)"
    )
    r = cli("list")
    assert (r.code, r.err.strip()) == (2, f"mydia-tui: {said}"), r.out
    # doctor names it among its findings, once: its other checks do not fail for it (breaker12:
    # the deluge line repeated it, the indexers line said "Cannot use uninitialized Proxy")
    config = tmp_path / "config.toml"
    config.write_text('[[indexers]]\nname = "x"\nurl = "http://127.0.0.1:9/api"\n')
    cli.config_path = config
    r = cli("doctor")
    assert r.code == 1 and f"[FAIL] database  {said}" in r.out, r.out
    assert r.out.count("does not exist") == 1 and "Proxy" not in r.out, r.out
    assert "[FAIL] indexers  x: " in r.out or "[warn] indexers" in r.out, r.out
    assert not (tmp_path / "nonexistent").exists()


def test_config_show_redacts_and_path_prints(cli, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[deluge]\npassword = "hunter22"\n[[indexers]]\nname = "j"\nurl = "http://x/api"\napi_key = "sekrit"\n'
    )
    cli.config_path = cfg
    r = cli("config", "show")
    assert r.code == 0, r.err
    assert "hunter22" not in r.out and "sekrit" not in r.out and "********" in r.out
    r = cli("config", "path")
    assert r.out.strip() == str(cfg)


def test_downloads_and_history_json_on_an_empty_library(cli):
    assert cli("downloads", "--json").json() == []
    cli("add", "movie", "Sintel", "--year", "2010")
    (event,) = cli("history", "--json").json()
    assert event["event"] == "added" and "Sintel" in event["message"]


def test_history_shows_the_users_local_time_and_json_stays_utc(cli):
    cli("add", "movie", "Sintel", "--year", "2010")
    cli.env["TZ"] = "Asia/Kolkata"  # UTC+05:30, no daylight saving
    (event,) = cli("history", "--json").json()
    at = dt.datetime.fromisoformat(event["at"]).replace(tzinfo=dt.UTC)
    local = at.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    line = cli("history").out.strip()
    assert line.startswith(local.strftime("%Y-%m-%d %H:%M:%S +0530")), line


@pytest.mark.parametrize(
    "argv",
    [
        ["add", "movie", "Foo", "--year", "2000", "--year", "2001"],
        ["list", "--kind", "movies", "--kind", "shows"],
        ["history", "--limit", "1", "--limit", "2"],
    ],
)
def test_an_option_that_takes_one_value_given_twice_is_a_usage_error(cli, argv):
    """``grab --movie`` given twice became a usage error (s11-downloads); every other option
    still took the last value silently (breaker12: ``add movie Foo --year 2000 --year 2001``
    added "Foo (2001)"). One rule for every option of one value; nothing is done."""
    r = cli(*argv)
    assert r.code == 2, (r.out, r.err)
    option = argv[-2]
    assert f"argument {option}: given twice (it takes one value)" in r.err, r.err
    assert cli("list", "--json").json() == []


@pytest.mark.parametrize("option", ["--db", "--config"])
def test_an_empty_database_or_config_option_is_a_usage_error(cli, option):
    """breaker12: ``--db ''`` silently opened the default library."""
    r = cli(option, "", "list")
    assert r.code == 2 and f"argument {option}: names nothing" in r.err, r.err


def test_history_names_an_event_as_the_tui_does_and_json_keeps_its_code(cli, db):
    """The command line printed ``search_empty`` where the TUI says "search empty" (s11-tui):
    one name per event for people (``history.event_name``); JSON keeps the code."""
    from mydia_tui import history

    history.record("search_empty", "nothing acceptable found for Sintel (2010)")
    line = cli("history").out.strip()
    assert "  search empty   nothing acceptable found for Sintel (2010)" in line, line
    assert cli("history", "--json").json()[0]["event"] == "search_empty"
    # and filtered by the name it prints (breaker12: `--kind added` was refused)
    cli("add", "movie", "Sintel", "--year", "2010")
    for kind, code in (
        ("added", "added"),
        ("search empty", "search_empty"),
        ("searched", "search_empty"),
    ):
        (event,) = cli("history", "--kind", kind, "--json").json()
        assert event["event"] == code, (kind, event)
    r = cli("history", "--kind", "nonsense")
    assert r.code == 2 and "or an event as the history names it" in r.err


def test_history_on_an_empty_library_says_so_in_one_line_and_json_stays_empty(cli):
    """``history`` printed nothing on an empty library; ``list``, ``downloads`` and
    ``blocklist`` say they are empty (breaker11b)."""
    r = cli("history")
    assert r.code == 0 and r.out == "the history is empty\n", r.out
    assert cli("history", "--json").json() == []
    cli("add", "movie", "Sintel", "--year", "2010")
    assert cli("history", "--kind", "grabbed").out == "no grabbed events in the history\n"


@pytest.mark.parametrize("year", ["1800", "99999", "0"])
def test_a_year_out_of_range_is_refused_naming_the_range_its_help_gives(cli, year):
    """``--year 99999`` said "between 1 and 9999" and ``--year 1800`` "not a plausible year":
    one range, in the help and in both refusals (breaker11b)."""
    r = cli("add", "movie", "Old Film", "--year", year)
    assert r.code == 2 and "between 1870 and 2200" in r.err, r.err
    assert "between 1870 and 2200" in " ".join(cli("add", "movie", "--help").out.split())
    assert cli("add", "movie", "Old Film", "--year", "1870").code == 0


def test_monitor_with_every_indexer_disabled_says_so_not_that_none_is_configured(cli, tmp_path):
    """breaker12: with its only indexer set ``enabled = false`` the monitor logged "no
    indexers configured: not searching"."""
    config = tmp_path / "config.toml"
    config.write_text('[[indexers]]\nname = "x"\nurl = "http://127.0.0.1:9/api"\nenabled = false\n')
    cli.config_path = config
    cli("add", "movie", "Sintel", "--year", "2010")
    r = cli("monitor", "--once")
    assert "every indexer is disabled: not searching" in r.err, r.err
    assert "no indexers configured" not in r.err


def test_monitor_without_a_deluge_section_says_deluge_is_not_configured(cli):
    """With no ``[deluge]`` section the monitor said "Deluge offline: ... refused the
    connection" where ``doctor`` says it is not configured (breaker11b)."""
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 58846)) == 0:
            pytest.skip("a Deluge daemon listens at the default port on this machine")
    r = cli("monitor", "--once")
    assert r.code == 1
    assert "Deluge is not configured: add a [deluge] section" in r.err, r.err
    assert "refused the connection" not in r.err, r.err


def test_history_of_an_unknown_item_says_so(cli):
    r = cli("history", "99")
    assert r.code == 1 and r.out == ""
    assert r.err.strip() == "mydia-tui: no film or show with id 99"


def test_an_interval_out_of_range_is_refused_in_the_same_words_as_the_settings_screen(
    cli, tmp_path
):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[monitor]\nsearch_interval = 99999999999999999999999\n")
    cli.config_path = cfg
    r = cli("config", "show")
    assert r.code == 2
    assert (
        "key 'search_interval' must be between 900 and 2,592,000 s (15 min to 30 days); "
        "[monitor] allow_short_intervals" in r.err
    )
    assert len(r.err.strip().splitlines()) == 1


def test_a_deluge_host_that_is_not_a_host_is_one_line_exit_2(cli, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[deluge]\nhost = ", Bluray-2160p"\n')
    cli.config_path = cfg
    r = cli("config", "show")
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and str(cfg) in lines[0]
    assert (
        "key 'host' must be a host name (letters, digits, '-' and '.') or an IPv4 address"
        in (lines[0])
    )


def test_adding_a_show_of_one_episode_counts_it_in_the_singular(cli):
    r = cli("add", "show", "The Office", "--seasons", "1:1")
    assert r.code == 0, r.err
    assert "with 1 episode" in r.out and "1 episodes" not in r.out
    history = cli("history")
    assert "(1 episode)" in history.out and "1 episodes" not in history.out, history.out


def test_profiles_lists_them_and_removes_one_no_item_uses_keeping_the_files_comments(cli, tmp_path):
    """``profiles`` lists every quality profile with how many items search with it (the
    default's count takes the items without a profile of their own); ``profiles remove`` is
    the settings screen's removal from the command line: refused while a profile is the
    default or in use, nothing written then; else the file keeps its comments."""
    config = tmp_path / "config.toml"
    config.write_text(
        '# my config\n[quality]\ndefault_profile = "HD-1080p"\n\n'
        '[[quality.profiles]]\nname = "Mine"   # kept for the cinema room\n'
        'qualities = ["WEBDL-1080p", "Bluray-1080p"]\ncutoff = "Bluray-1080p"\n\n'
        '[[quality.profiles]]\nname = "Spare"\nqualities = ["HDTV-720p"]\n'
    )
    config.chmod(0o600)
    cli.config_path = config
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    film = cli("add", "movie", "Big Buck Bunny", "--year", "2008", "--json").json()
    from mydia_tui.config import load_config
    from mydia_tui.db import open_database
    from mydia_tui.profiles import set_item_profile

    db = open_database(str(cli.db_path))  # as the edit form (e) gives it a profile
    set_item_profile(film["id"], "Mine", load_config(config).quality)
    db.close()
    lines = cli("profiles").out.splitlines()
    assert (
        "HD-1080p (default): HDTV-1080p, WEBRip-1080p, WEBDL-1080p, Bluray-1080p; "
        in (lines[[i for i, line in enumerate(lines) if line.startswith("HD-1080p")][0]])
    )
    listed = {p["name"]: p for p in cli("profiles", "--json").json()}
    assert listed["HD-1080p"]["default"] and listed["HD-1080p"]["items"] >= 1
    assert listed["Mine"]["cutoff"] == "Bluray-1080p"
    before = config.read_text()
    r = cli("profiles", "remove", "HD-1080p")
    assert (r.code, r.err) == (
        2,
        "mydia-tui: 'HD-1080p' is the default profile: choose another default first\n",
    )
    r = cli("profiles", "remove", "Mine")
    assert r.code == 2
    assert r.err == (
        "mydia-tui: 'Mine' is the profile of Big Buck Bunny (2008): give it another profile first\n"
    )
    assert listed["Mine"]["items"] == 1
    r = cli("profiles", "remove", "Nope")
    assert r.code == 2 and "no quality profile named 'Nope'" in r.err
    assert config.read_text() == before
    r = cli("profiles", "remove", "Spare")
    assert r.code == 0, r.err
    assert r.out == f"removed the quality profile 'Spare' from {config}\n"
    text = config.read_text()
    assert "Spare" not in text and "# kept for the cinema room" in text and "# my config" in text
    assert "Spare" not in {p["name"] for p in cli("profiles", "--json").json()}
