"""`pause`, `resume`, `recheck`, `queue`, `remove` and `blocklist` as real processes against a
real deluged on loopback, `--json` included; bad input is one line with the README's status."""

from __future__ import annotations

import pytest
from deluge_fixtures import make_release, session_of, wait_for

from mydia_tui.config import Config, write_config

pytestmark = pytest.mark.deluge


@pytest.fixture
def two_grabs(cli, deluged, tmp_path):
    write_config(Config(deluge=deluged.config(timeout=3.0)), tmp_path / "config.toml")
    cli.config_path = tmp_path / "config.toml"
    hashes = []
    for n, (title, year) in enumerate((("Big Buck Bunny", "2008"), ("Sintel", "2010")), 1):
        assert cli("add", "movie", title, "--year", year).code == 0
        release = make_release(tmp_path / f"r{n}", f"{title.replace(' ', '.')}.{year}.1080p")
        torrent = tmp_path / f"r{n}.torrent"
        torrent.write_bytes(release.torrent)
        r = cli("grab", "--movie", str(n), "--torrent", str(torrent), "--json")
        assert r.code == 0, r.err
        hashes.append(release.info_hash)
    return cli, hashes


def _status(deluged, info_hash: str, *keys: str) -> dict:
    rpc = deluged.rpc()
    try:
        return rpc.call("core.get_torrent_status", info_hash, list(keys))
    finally:
        rpc.disconnect()


def test_pause_resume_recheck_and_queue_act_on_the_torrent_in_deluge(two_grabs, deluged):
    cli, (first, second) = two_grabs
    r = cli("pause", "1", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert (data["id"], data["info_hash"], data["action"]) == (1, first, "pause")
    assert data["message"].startswith("paused ")
    wait_for(lambda: _status(deluged, first, "paused")["paused"], 10, what="paused")

    r = cli("resume", "1")
    assert r.code == 0 and r.out.startswith("resumed ")
    wait_for(lambda: not _status(deluged, first, "paused")["paused"], 10, what="resumed")

    r = cli("recheck", "2", "--json")
    assert r.code == 0, r.err
    assert r.json()["action"] == "recheck" and r.json()["info_hash"] == second

    def queue_of(h):
        return _status(deluged, h, "queue")["queue"]

    assert (queue_of(first), queue_of(second)) == (0, 1)
    r = cli("queue", "top", "2", "--json")
    assert r.code == 0, r.err
    assert (r.json()["action"], r.json()["move"]) == ("queue", "top")
    assert (queue_of(first), queue_of(second)) == (1, 0)
    assert cli("queue", "down", "2").code == 0
    assert (queue_of(first), queue_of(second)) == (0, 1)
    assert cli("queue", "up", "2").code == 0
    assert queue_of(second) == 0
    assert cli("queue", "bottom", "2").code == 0
    assert queue_of(second) == 1


def test_remove_with_blocklist_and_with_data(two_grabs, deluged):
    cli, (first, second) = two_grabs
    r = cli("remove", "1", "--blocklist", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert (data["action"], data["state"], data["blocklisted"], data["with_data"]) == (
        "remove",
        "removed",
        True,
        False,
    )
    assert session_of(deluged) == {second}
    (entry,) = cli("blocklist", "--json").json()
    assert entry["info_hash"] == first and entry["reason"] == "removed by the user"
    assert entry["item_id"] == 1

    r = cli("remove", "2", "--with-data")
    assert r.code == 0 and "with its data" in r.out
    assert session_of(deluged) == set()
    assert len(cli("blocklist", "--json").json()) == 1  # not blocklisted without --blocklist
    (d1, d2) = sorted(cli("downloads", "--all", "--json").json(), key=lambda d: d["id"])
    assert d1["state"] == d2["state"] == "removed"


def test_blocklist_add_remove_and_clear(cli, tmp_path):
    r = cli("blocklist", "add", "A" * 40, "--reason", "fake release", "--json")
    assert r.code == 0, r.err
    entry = r.json()
    assert entry["info_hash"] == "a" * 40 and entry["reason"] == "fake release"
    assert cli("blocklist", "add", "a" * 40, "--json").json()["id"] == entry["id"]  # not twice
    second = cli("blocklist", "add", "b" * 40, "--json").json()
    assert [e["id"] for e in cli("blocklist", "--json").json()] == [second["id"], entry["id"]]

    r = cli("blocklist", "remove", str(entry["id"]), "--json")
    assert r.code == 0 and r.json() == {"id": entry["id"], "removed": True}
    r = cli("blocklist", "clear", "--older-than", "1", "--json")
    assert r.code == 0 and r.json() == {"cleared": 0, "older_than_days": 1.0}
    r = cli("blocklist", "clear", "--json")
    assert r.json() == {"cleared": 1, "older_than_days": None}
    assert cli("blocklist").out == "the blocklist is empty\n"


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (("pause", "99"), 1, "no download with id 99"),
        (("remove", "7", "--blocklist"), 1, "no download with id 7"),
        (("queue", "sideways", "1"), 2, "invalid choice: 'sideways'"),
        (("blocklist", "add", "not-a-hash"), 2, "not an info-hash: 'not-a-hash'"),
        (("blocklist", "remove", "5"), 1, "no blocklist entry with id 5"),
        (("blocklist", "clear", "--older-than", "-3"), 2, "must be between 0 and 36500 days"),
    ],
)
def test_bad_input_is_one_line(cli, args, code, error):
    r = cli(*args)
    assert r.code == code
    assert error in r.err and len(r.err.strip().splitlines()) == 1, r.err


@pytest.fixture
def one_grab_of_two(cli, deluged, tmp_path, torznab):
    """Sintel with two releases on a loopback indexer, the first grabbed (download 1); the
    command line and the two payloads."""
    from monitor_helpers import make_payload
    from torznab_server import Reply, item_xml

    from mydia_tui.config import IndexerConfig

    fake = torznab.add("fake")
    offered = []
    for name, seeders in (
        ("Sintel.2010.1080p.BluRay.x264-GRP", 50),
        ("Sintel.2010.1080p.WEB-DL.x264-OTHER", 5),
    ):
        payload = make_payload(tmp_path, name, {f"{name}.mkv": 100_000})
        fake.downloads[payload.info_hash] = Reply(body=payload.torrent)
        fake.items.append(
            item_xml(
                name,
                link=f"{fake.url}/dl/{payload.info_hash}",
                infohash=payload.info_hash,
                seeders=seeders,
            )
        )
        offered.append(payload)
    config = Config(
        deluge=deluged.config(timeout=3.0),
        indexers=(
            IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),
        ),
    )
    write_config(config, tmp_path / "config.toml")
    cli.config_path = tmp_path / "config.toml"
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    first = offered[0]
    r = cli(
        "grab", "--movie", "1", "--url", f"{fake.url}/dl/{first.info_hash}", "--title", first.name
    )
    assert r.code == 0, r.err
    assert session_of(deluged) == {first.info_hash}
    return cli, offered


def test_remove_search_again_blocklists_and_grabs_another_release(one_grab_of_two, deluged):
    """The CLI's face of Services.blocklist_and_search: the release is blocklisted, the film
    searched again at once, and the other release on the loopback indexer is grabbed."""
    cli, offered = one_grab_of_two
    r = cli("remove", "1", "--search-again", "--with-data", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert (data["action"], data["state"], data["blocklisted"], data["searched_again"]) == (
        "remove",
        "removed",
        True,
        True,
    )
    assert data["with_data"] is True
    assert data["message"].endswith("grabbed Sintel.2010.1080p.WEB-DL.x264-OTHER for Sintel (2010)")
    assert session_of(deluged) == {offered[1].info_hash}
    (entry,) = cli("blocklist", "--json").json()
    assert entry["info_hash"] == offered[0].info_hash

    r = cli("history", "--kind", "removed")
    assert r.code == 0 and "removed by the user" in r.out and "grabbed" not in r.out.split()
    r = cli("history", "--kind", "nonsense")
    assert r.code == 2 and "unknown history kind" in r.err


def test_remove_search_again_twice_says_already_removed_and_changes_nothing(
    one_grab_of_two, deluged
):
    """A new user's report (the TUI's `B` twice): a second `remove --search-again` of the same
    download recorded a second removal and searched again. It says, in one line, that the
    download was already removed, and records, searches and removes nothing."""
    cli, offered = one_grab_of_two
    assert cli("remove", "1", "--search-again", "--with-data").code == 0
    history = cli("history", "--json").json()
    r = cli("remove", "1", "--search-again", "--with-data")
    assert r.code == 0, r.err
    assert r.out.strip() == (
        f"{offered[0].name} was already removed and blocklisted: nothing done"
    ), r.out
    assert cli("history", "--json").json() == history
    assert session_of(deluged) == {offered[1].info_hash}
    assert len(cli("blocklist", "--json").json()) == 1
    r = cli("remove", "1", "--json")
    assert r.code == 0, r.err
    assert r.json()["message"] == f"{offered[0].name} was already removed: nothing done"
    assert cli("history", "--json").json() == history


def test_downloads_and_list_say_offline_as_the_tui_does_and_json_keeps_the_state(
    two_grabs, deluged
):
    """Deluge stopped: `downloads` and `list` say what the TUI says (views.shown_state),
    `offline`, not `unknown` and `downloading 0%`; `--json` keeps the state itself (its
    contract) and adds `shown_state`, the word the text prints. A new user's report (item 11)."""
    cli, _hashes = two_grabs
    cli("monitor", "--once")
    deluged.stop()
    cli("monitor", "--once")  # Deluge unreachable: the downloads become unknown
    r = cli("downloads")
    assert r.code == 0, r.err
    assert [line.split()[1] for line in r.out.splitlines()] == ["offline", "offline"]
    data = cli("downloads", "--json").json()
    assert {d["state"] for d in data} == {"unknown"}
    # and says what the text says, in a field of its own (breaker11b: "offline" vs "unknown")
    assert {d["shown_state"] for d in data} == {"offline"}
    r = cli("list")
    assert r.code == 0, r.err
    assert r.out.count("offline 0%") == 2 and "downloading" not in r.out


@pytest.fixture
def held_by_a_later_grab(cli, deluged, tmp_path):
    """A new user's report (breaker11b, item 1): Big Buck Bunny's grab failed (Deluge refused
    the login: download 1, failed), the same torrent was then grabbed for it (download 2,
    queued). The command line and the info-hash."""
    good, bad = tmp_path / "config.toml", tmp_path / "badpw.toml"
    write_config(Config(deluge=deluged.config(timeout=3.0)), good)
    write_config(Config(deluge=deluged.config(timeout=3.0, password="wrong")), bad)
    assert cli("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    release = make_release(tmp_path / "r", "Big.Buck.Bunny.2008.1080p")
    torrent = tmp_path / "r.torrent"
    torrent.write_bytes(release.torrent)
    cli.config_path = bad
    assert cli("grab", "--movie", "1", "--torrent", str(torrent)).code == 1
    cli.config_path = good
    assert cli("grab", "--movie", "1", "--torrent", str(torrent)).code == 0
    states = {d["id"]: d["state"] for d in cli("downloads", "--all", "--json").json()}
    assert states == {1: "failed", 2: "queued"}
    return cli, release.info_hash


def test_actions_on_an_old_download_leave_the_torrent_another_download_holds(
    held_by_a_later_grab, deluged
):
    """`remove --with-data`, `pause`, `resume`, `recheck` and `queue` on a failed download
    acted on the torrent of download 2, which holds the same info-hash now: `remove 1
    --with-data` deleted download 2's torrent and data and ended download 2 as "removed by the
    user". Each says, in one line, that the torrent is download 2's, and touches nothing."""
    cli, info_hash = held_by_a_later_grab
    r = cli("remove", "1", "--with-data", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert (data["id"], data["state"]) == (1, "failed")
    assert "download 2" in data["message"] and "nothing done" in data["message"], data
    assert session_of(deluged) == {info_hash}
    for args in (("pause", "1"), ("resume", "1"), ("recheck", "1"), ("queue", "top", "1")):
        r = cli(*args)
        assert r.code == 1, (args, r.out, r.err)
        assert "download 2" in r.err and len(r.err.strip().splitlines()) == 1, (args, r.err)
        assert r.out == ""
    assert not _status(deluged, info_hash, "paused")["paused"]
    assert session_of(deluged) == {info_hash}
    states = {d["id"]: d["state"] for d in cli("downloads", "--all", "--json").json()}
    assert states == {1: "failed", 2: "queued"}
    assert [e["download_id"] for e in cli("history", "--kind", "removed", "--json").json()] == []
    # the download that holds it is acted on as before
    r = cli("pause", "2")
    assert r.code == 0 and r.out.startswith("paused "), r.err
    wait_for(lambda: _status(deluged, info_hash, "paused")["paused"], 10, what="paused")


def test_removing_a_removed_download_again_leaves_the_torrent_a_later_download_holds(
    two_grabs, deluged
):
    """README: "removing it again says it was already removed and does nothing". Download 1's
    torrent, removed, then grabbed again for another film (download 3): `remove 1
    --with-data` removed download 3's torrent and data; `pause 1` paused it."""
    cli, (first, second) = two_grabs
    assert cli("remove", "1").code == 0
    # Sintel holds download 2 already: a film of its own for the same torrent
    assert cli("add", "movie", "Elephants Dream", "--year", "2006").code == 0
    r = cli("grab", "--movie", "3", "--magnet", f"magnet:?xt=urn:btih:{first}", "--json")
    assert r.code == 0 and r.json()["download_id"] == 3, r.out + r.err
    assert session_of(deluged) == {first, second}
    r = cli("remove", "1", "--with-data")
    assert r.code == 0, r.err
    assert r.out.strip().endswith("was already removed: nothing done"), r.out
    assert session_of(deluged) == {first, second}
    r = cli("pause", "1")
    assert r.code == 1 and "download 3" in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert not _status(deluged, first, "paused")["paused"]
    states = {d["id"]: d["state"] for d in cli("downloads", "--all", "--json").json()}
    assert states == {1: "removed", 2: "queued", 3: "queued"}


def test_actions_on_a_torrent_gone_from_deluge_say_so_in_one_line(two_grabs, deluged):
    """A new user's report (breaker11b, item 10): `recheck`, `queue`, `pause` on a torrent
    removed in Deluge printed the daemon's raw error ("WrappedException: '1180b…', KeyError,
    Traceback (most recent call last):"). One line says it is no longer in Deluge; exit 1."""
    cli, (first, _second) = two_grabs
    rpc = deluged.rpc()
    try:
        rpc.call("core.remove_torrent", first, False)
    finally:
        rpc.disconnect()
    for args in (("pause", "1"), ("resume", "1"), ("recheck", "1"), ("queue", "top", "1")):
        r = cli(*args)
        assert r.code == 1, (args, r.out, r.err)
        assert len(r.err.strip().splitlines()) == 1, (args, r.err)
        assert "no longer in Deluge" in r.err and first in r.err, (args, r.err)
        assert "KeyError" not in r.err and "Traceback" not in r.err, (args, r.err)
