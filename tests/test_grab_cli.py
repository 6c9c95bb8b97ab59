"""`mydia-tui grab` end to end: the guard in front of a real deluged on loopback."""

from __future__ import annotations

import pytest
from deluge_fixtures import session_of

from mydia_tui.config import Config, write_config
from mydia_tui.torrent import make_magnet

pytestmark = pytest.mark.deluge


@pytest.fixture
def grab_cli(cli, deluged, tmp_path):
    write_config(Config(deluge=deluged.config(timeout=3.0)), tmp_path / "config.toml")
    cli.config_path = tmp_path / "config.toml"
    assert cli("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    return cli


def test_grab_adds_once_then_refuses_with_exit_3(grab_cli, deluged):
    first = make_magnet("a" * 40, "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP")
    r = grab_cli("grab", "--movie", "1", "--magnet", first, "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert data["accepted"] is True and data["info_hash"] == "a" * 40
    assert session_of(deluged) == {"a" * 40}
    (dl,) = grab_cli("downloads", "--json").json()
    assert dl["state"] == "queued" and dl["target"] == "Big Buck Bunny (2008)"

    other = make_magnet("b" * 40, "Big.Buck.Bunny.2008.720p.WEB-DL-GRP")
    r = grab_cli("grab", "--movie", "1", "--magnet", other)
    assert r.code == 3
    assert "refused (in_flight)" in r.err and "Big.Buck.Bunny.2008.1080p" in r.err
    # the same torrent for another film: same_torrent
    r = grab_cli("grab", "--movie", "2", "--magnet", first, "--json")
    assert r.code == 3 and r.json()["reason"] == "same_torrent"
    assert session_of(deluged) == {"a" * 40}
    refusals = [e for e in grab_cli("history", "--json").json() if e["event"] == "refused"]
    assert {e["reason"] for e in refusals} == {"in_flight", "same_torrent"}


def test_torrent_already_in_session_is_adopted(grab_cli, deluged):
    magnet = make_magnet("c" * 40, "Sintel.2010.1080p")
    rpc = deluged.rpc()
    try:
        rpc.call("core.add_torrent_magnet", magnet, {"add_paused": True})
    finally:
        rpc.disconnect()
    r = grab_cli("grab", "--movie", "2", "--magnet", magnet, "--json")
    assert r.code == 0, r.err
    assert r.json()["adopted"] is True
    assert len(grab_cli("downloads", "--json").json()) == 1
    assert session_of(deluged) == {"c" * 40}


def test_bad_magnet_is_a_clear_error_and_nothing_is_added(grab_cli, deluged):
    r = grab_cli("grab", "--movie", "1", "--magnet", "magnet:?xt=urn:btih:nothex")
    assert r.code != 0 and r.code != 3
    assert len(r.err.strip().splitlines()) == 1 and "info-hash" in r.err
    assert session_of(deluged) == set()
    assert grab_cli("downloads", "--all", "--json").json() == []


def test_deluge_down_fails_the_claim_and_keeps_the_row(grab_cli, deluged):
    deluged.stop()
    r = grab_cli("grab", "--movie", "1", "--magnet", make_magnet("d" * 40, "x"), "--json")
    assert r.code == 1
    assert "refused the connection" in r.err and "mydia-test-password" not in r.err
    (dl,) = grab_cli("downloads", "--all", "--json").json()
    assert dl["state"] == "failed" and "refused the connection" in dl["error"]
    # the target is free again
    r = grab_cli("grab", "--movie", "1", "--magnet", make_magnet("e" * 40, "y"), "--json")
    assert r.code == 1  # still down, but not refused by the guard


def test_grab_with_no_valid_target_is_a_usage_error_and_an_unknown_id_a_failure(grab_cli):
    # an id that names nothing fails as it does for every command (exit 1, found by a new user)
    r = grab_cli("grab", "--movie", "99", "--magnet", make_magnet("f" * 40))
    assert r.code == 1 and "no film or show with id 99" in r.err
    r = grab_cli("grab", "--season", "1", "--magnet", make_magnet("f" * 40))
    assert r.code == 2 and "SHOW_ID:SEASON" in r.err


@pytest.mark.parametrize("option", ["--movie", "--magnet"])
def test_an_option_of_grab_given_twice_is_a_usage_error(grab_cli, deluged, option):
    """A new user's report (breaker11b, item 7): `grab --movie 1 --movie 2` grabbed for film 2
    without a word (the last one won; `--episode` may be repeated, `--movie` may not)."""
    magnet = make_magnet("a" * 40, "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP")
    values = {"--movie": ("1", "2"), "--magnet": (magnet, make_magnet("b" * 40))}[option]
    args = ["--movie", "1", "--magnet", magnet]
    args[args.index(option) + 1 : args.index(option) + 2] = [values[0], option, values[1]]
    r = grab_cli("grab", *args)
    assert r.code == 2, (r.out, r.err)
    assert f"argument {option}: given twice" in r.err and len(r.err.strip().splitlines()) == 1
    assert session_of(deluged) == set()
    assert grab_cli("downloads", "--all", "--json").json() == []
