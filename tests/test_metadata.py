"""Adding shows from TVmaze and refreshing them, against a fake TVmaze on loopback."""

from __future__ import annotations

import socket

import pytest
from tvmaze_server import episode_json, running_tvmaze, standard_shows

from mydia_tui.config import Config, MetadataConfig
from mydia_tui.metadata import (
    AmbiguousShow,
    MetadataError,
    add_show_from_tvmaze,
    best_match,
    refresh_show,
    search_shows,
)
from mydia_tui.models import Episode, MediaItem


@pytest.fixture
def tvmaze():
    with running_tvmaze() as fake:
        standard_shows(fake)
        yield fake


def _config(fake) -> Config:
    return Config(metadata=MetadataConfig(tvmaze_url=fake.url, timeout=5.0))


def _free_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_candidates_carry_what_tells_shows_apart(db, tvmaze):
    found = search_shows(_config(tvmaze), "office")
    assert {(c.tvmaze_id, c.premiered_year, c.network) for c in found} == {
        (526, 2005, "NBC"),
        (530, 2001, "BBC Two"),
    }
    assert best_match(found, "The Office") is None
    assert best_match(found, "The Office", 2001).tvmaze_id == 530


def test_add_best_match_creates_real_episodes_without_specials(db, tvmaze):
    info = add_show_from_tvmaze(_config(tvmaze), "expanse")
    assert (info.title, info.year, info.tvmaze_id, info.episodes) == ("The Expanse", 2015, 1825, 4)
    item = MediaItem.get_by_id(info.id)
    assert item.imdb_id == "tt3230854" and item.tvdb_id == 280619
    assert item.overview == "The Expanse is a show & more."
    eps = list(Episode.select().where(Episode.show == info.id).order_by(Episode.id))
    assert [(e.season, e.number, e.title) for e in eps][:2] == [
        (1, 1, "Dulcinea"),
        (1, 2, "The Big Empty"),
    ]
    assert str(eps[0].air_date) == "2015-12-14" and eps[0].tvmaze_id == 100
    assert all(e.monitored for e in eps)


def test_ambiguous_title_lists_the_candidates(db, tvmaze):
    with pytest.raises(AmbiguousShow) as caught:
        add_show_from_tvmaze(_config(tvmaze), "The Office")
    assert {c.tvmaze_id for c in caught.value.candidates} == {526, 530}
    assert MediaItem.select().count() == 0


def test_refresh_adds_new_episodes_updates_titles_and_keeps_user_flags(db, tvmaze):
    config = _config(tvmaze)
    info = add_show_from_tvmaze(config, "The Expanse")
    item = MediaItem.get_by_id(info.id)
    MediaItem.update(title="Expanse (my name)", monitor_new=False).where(
        MediaItem.id == info.id
    ).execute()
    Episode.update(monitored=False).where(
        (Episode.show == info.id) & (Episode.season == 1) & (Episode.number == 2)
    ).execute()
    # TVmaze renames an episode, dates another, and announces two new ones
    eps = tvmaze.episodes[1825]
    eps[1]["name"] = "The Big Empty (renamed)"
    eps[4]["airdate"] = "2017-02-08"
    eps.append(episode_json(111, 2, 2, "Doors & Corners", "2017-02-15"))
    eps.append(episode_json(112, 2, 3, "", ""))

    result = refresh_show(config, item.id)
    assert (result.added, result.updated, result.not_on_tvmaze) == (2, 2, 0)
    rows = {(e.season, e.number): e for e in Episode.select().where(Episode.show == info.id)}
    assert rows[(1, 2)].title == "The Big Empty (renamed)"
    assert rows[(1, 2)].monitored is False  # the user's flag stays
    assert str(rows[(2, 1)].air_date) == "2017-02-08"
    assert rows[(2, 2)].monitored is False and rows[(2, 3)].monitored is False  # monitor_new
    assert MediaItem.get_by_id(info.id).title == "Expanse (my name)"

    # a second refresh changes nothing
    again = refresh_show(config, item.id)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)


def test_refresh_new_episodes_monitored_when_monitor_new(db, tvmaze):
    config = _config(tvmaze)
    info = add_show_from_tvmaze(config, "The Expanse")
    tvmaze.episodes[1825].append(episode_json(111, 2, 2, "Doors & Corners", "2017-02-15"))
    refresh_show(config, info.id)
    ep = Episode.get((Episode.show == info.id) & (Episode.season == 2) & (Episode.number == 2))
    assert ep.monitored is True


def test_network_down_is_a_clear_error(db):
    config = Config(metadata=MetadataConfig(tvmaze_url=_free_port_url(), timeout=2.0))
    with pytest.raises(MetadataError) as caught:
        add_show_from_tvmaze(config, "The Expanse")
    assert "cannot reach TVmaze" in str(caught.value) and "--seasons" in str(caught.value)


def test_refreshing_a_show_while_tvmaze_is_down_gives_no_advice_for_adding_one(db, tvmaze):
    """A new user's report: ``u`` on a show with TVmaze down advised "add the episodes by
    hand with --seasons 1:10,2:8", an option of ``add show`` that neither the TUI nor
    ``refresh`` has."""
    info = add_show_from_tvmaze(_config(tvmaze), "The Expanse")
    down = Config(metadata=MetadataConfig(tvmaze_url=_free_port_url(), timeout=2.0))
    with pytest.raises(MetadataError) as caught:
        refresh_show(down, info.id)
    assert "cannot reach TVmaze" in str(caught.value)
    assert "--seasons" not in str(caught.value) and "by hand" not in str(caught.value)


# --- the command line -------------------------------------------------------------------------


def test_cli_add_show_best_match(cli, tvmaze, tmp_path):
    cli.config_path = tvmaze.config_file(tmp_path)
    r = cli("add", "show", "The Expanse", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert data["tvmaze_id"] == 1825 and data["episodes"] == 4 and data["year"] == 2015


def test_cli_add_show_ambiguous_lists_and_exits_2(cli, tvmaze, tmp_path):
    cli.config_path = tvmaze.config_file(tmp_path)
    r = cli("add", "show", "The Office")
    assert r.code == 2
    assert "526" in r.out and "The Office (2005, NBC)" in r.out
    assert "530" in r.out and "The Office (2001, BBC Two)" in r.out
    assert len(r.err.strip().splitlines()) == 1 and "--tvmaze ID" in r.err
    r = cli("add", "show", "The Office", "--json")
    assert r.code == 2 and {c["tvmaze_id"] for c in r.json()["candidates"]} == {526, 530}
    # the choice by id, and by year
    r = cli("add", "show", "The Office", "--tvmaze", "530", "--json")
    assert r.code == 0, r.err
    assert r.json()["year"] == 2001
    r = cli("add", "show", "The Office", "--year", "2005", "--json")
    assert r.code == 0, r.err
    assert r.json()["tvmaze_id"] == 526


def test_cli_unknown_tvmaze_id_and_unknown_title(cli, tvmaze, tmp_path):
    cli.config_path = tvmaze.config_file(tmp_path)
    r = cli("add", "show", "Whatever", "--tvmaze", "999999")
    assert r.code == 1 and "TVmaze has no show with id 999999" in r.err
    r = cli("add", "show", "Nothing Like This")
    assert r.code == 1 and "TVmaze knows no show called" in r.err


def test_cli_network_down_suggests_seasons(cli, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[metadata]\ntvmaze_url = "{_free_port_url()}"\ntimeout = 2.0\n')
    cli.config_path = cfg
    r = cli("add", "show", "The Expanse")
    assert r.code == 1
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and "cannot reach TVmaze" in lines[0] and "--seasons" in lines[0]
    assert "Traceback" not in r.err


def test_cli_server_error_is_one_line(cli, tvmaze, tmp_path):
    cli.config_path = tvmaze.config_file(tmp_path)
    tvmaze.fail_with = 503
    r = cli("add", "show", "The Expanse")
    assert r.code == 1 and "answered 503" in r.err and "--seasons" in r.err


def test_cli_refresh_keeps_flags(cli, tvmaze, tmp_path):
    cli.config_path = tvmaze.config_file(tmp_path)
    show = cli("add", "show", "The Expanse", "--json").json()
    assert cli("monitored", str(show["id"]), "off", "--season", "1").code == 0
    tvmaze.episodes[1825].append(episode_json(111, 2, 2, "Doors & Corners", "2017-02-15"))
    r = cli("refresh", str(show["id"]), "--json")
    assert r.code == 0, r.err
    (result,) = r.json()["refreshed"]
    assert result["added"] == 1
    (row,) = cli("list", "--json").json()
    # season 1 stays unmonitored: only season 2 (two aired episodes) is wanted
    assert row["episodes"]["total"] == 5 and row["episodes"]["wanted"] == 2
    r = cli("refresh")
    assert r.code == 0 and "The Expanse: 0 new" in r.out


def test_cli_refresh_of_a_hand_made_show_says_why(cli):
    show = cli("add", "show", "Home Movies", "--seasons", "1:2", "--json").json()
    r = cli("refresh", str(show["id"]))
    assert r.code == 2 and "added by hand" in r.err


def _expanse_with_a_two_episode_file(tvmaze, tmp_path):
    """The Expanse added from the loopback TVmaze, its recorded file ``S02E01E02`` scanned
    while S02E02 is not known yet: (the config, the show's info)."""
    from mydia_tui.config import LibraryConfig
    from mydia_tui.scanning import scan_library

    shows = tmp_path / "tv"
    path = shows / "The Expanse (2015)" / "Season 02" / "The Expanse - S02E01E02.mkv"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x")
    config = Config(
        metadata=MetadataConfig(tvmaze_url=tvmaze.url, timeout=5.0),
        library=LibraryConfig(shows=(str(shows),)),
    )
    info = add_show_from_tvmaze(config, "The Expanse")
    assert scan_library(config).added == 1
    return config, info


def test_linking_new_episodes_waits_for_another_writer_instead_of_failing(
    db, db_path, tvmaze, tmp_path, monkeypatch
):
    """Found by s11-indexers: linking a refresh's new episodes read, then wrote, in a plain
    (deferred) transaction; on SQLite a write committed by another process between the read
    and the write fails it at once ("database is locked"), without waiting. It takes the
    write lock first (``db.write_transaction``): the other writer waits, nothing fails."""
    import sqlite3
    import threading

    import peewee

    from mydia_tui.models import FileEpisode, database
    from mydia_tui.scanning import service

    if not isinstance(database.obj, peewee.SqliteDatabase):
        pytest.skip("SQLite's deferred transactions")
    config, info = _expanse_with_a_two_episode_file(tvmaze, tmp_path)
    tvmaze.episodes[1825].append(episode_json(111, 2, 2, "Doors & Corners", "2017-02-15"))
    real_insert = service.bulk_insert
    other_done = threading.Event()

    def another_process_writes() -> None:
        other = sqlite3.connect(db_path, timeout=30)  # its own connection, as another process
        with other:
            other.execute("UPDATE media_item SET overview = 'changed elsewhere'")
        other.close()
        other_done.set()

    def insert_after_another_write(*args, **kwargs):
        threading.Thread(target=another_process_writes, daemon=True).start()
        other_done.wait(2)  # holding the write lock, the other writer waits: we go on
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(service, "bulk_insert", insert_after_another_write)
    result = refresh_show(config, info.id)
    assert result.added == 1 and result.linked_files == 1
    assert FileEpisode.select().count() == 2
    assert other_done.wait(10)  # the other writer got its turn too


def test_refresh_links_new_episodes_to_recorded_multi_episode_files(db, tvmaze, tmp_path):
    from mydia_tui import views
    from mydia_tui.models import FileEpisode
    from mydia_tui.scanning import scan_library

    config, info = _expanse_with_a_two_episode_file(tvmaze, tmp_path)
    assert FileEpisode.select().count() == 1  # S02E02 is not known yet
    tvmaze.episodes[1825].append(episode_json(111, 2, 2, "Doors & Corners", "2017-02-15"))
    result = refresh_show(config, info.id)
    assert result.added == 1 and result.linked_files == 1
    assert FileEpisode.select().count() == 2
    (row,) = views.list_items()
    assert row.episodes_on_disk == 2
    assert scan_library(config).unchanged == 1
