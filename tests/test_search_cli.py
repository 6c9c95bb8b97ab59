"""`mydia-tui search`: ranked candidates and refusals with their reasons, from a real Torznab
server, through the real command line."""

from __future__ import annotations

from torznab_server import item_xml

from mydia_tui.config import Config, IndexerConfig, write_config


def test_search_prints_ranked_candidates_and_refusals(cli, torznab, tmp_path):
    fake = torznab.add("fake")
    fake.items += [
        item_xml("Big.Buck.Bunny.2008.720p.BluRay.x264-GRP", seeders=50),
        item_xml("Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP", seeders=20),
        item_xml("Big.Buck.Bunny.2.2015.1080p.BluRay.x264-GRP", seeders=90),
        item_xml("Big.Buck.Bunny.2008.1080p.CAM.x264-GRP", seeders=90),
    ]
    config = Config(
        indexers=(IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),)
    )
    cli.config_path = write_config(config, tmp_path / "config.toml")
    assert cli("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0

    r = cli("search", "1", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert data["target"] == "Big Buck Bunny (2008)"
    assert [c["title"] for c in data["candidates"]] == ["Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"]
    reasons = {d["title"]: d["reason"] for d in data["rejected"]}
    assert reasons["Big.Buck.Bunny.2.2015.1080p.BluRay.x264-GRP"] == "wrong_title"
    assert reasons["Big.Buck.Bunny.2008.720p.BluRay.x264-GRP"] == "not_allowed_quality"
    assert reasons["Big.Buck.Bunny.2008.1080p.CAM.x264-GRP"] == "blocked_word"
    assert data["indexers"][0]["ok"] is True
    assert fake.api_key not in r.out

    text = cli("search", "1")
    assert text.code == 0 and "1 candidate (best first)" in text.out and "wrong_title" in text.out


def test_search_usage_errors(cli, tmp_path):
    assert cli("add", "show", "The Expanse", "--seasons", "1:2").code == 0
    r = cli("search", "1")
    assert r.code == 2 and "no indexers configured" in r.err
    cli.config_path = write_config(
        Config(indexers=(IndexerConfig(name="x", url="http://127.0.0.1:9/api"),)),
        tmp_path / "c.toml",
    )
    r = cli("search", "1")
    assert r.code == 2 and "give --season N" in r.err


def test_search_shows_upgrade_candidates_from_the_file_on_disk(cli, torznab, tmp_path):
    """A film on disk below its cutoff: the candidates are upgrades, shown from -> to; what is
    not better than the file is refused with why."""
    from mydia_tui.config import LibraryConfig

    fake = torznab.add("fake")
    fake.items += [
        item_xml("Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP", seeders=20),
        item_xml("Big.Buck.Bunny.2008.720p.HDTV.x264-GRP", seeders=50),
    ]
    movies = tmp_path / "movies"
    (movies / "Big Buck Bunny (2008)").mkdir(parents=True)
    (movies / "Big Buck Bunny (2008)" / "Big Buck Bunny (2008) [HDTV-720p].mkv").write_bytes(b"x")
    config = Config(
        indexers=(
            IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),
        ),
        library=LibraryConfig(movies=(str(movies),)),
    )
    cli.config_path = write_config(config, tmp_path / "config.toml")
    assert cli("add", "movie", "Big Buck Bunny", "--year", "2008").code == 0
    assert cli("scan").code == 0

    data = cli("search", "1", "--json").json()
    assert data["upgrade_from"] == "HDTV-720p"
    (best,) = data["candidates"]
    assert best["title"] == "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"
    assert best["upgrade"] == {"from": "HDTV-720p", "to": "Bluray-1080p"}
    reasons = {d["title"]: d["reason"] for d in data["rejected"]}
    assert reasons["Big.Buck.Bunny.2008.720p.HDTV.x264-GRP"] in (
        "not_allowed_quality",
        "not_an_upgrade",
    )

    text = cli("search", "1").out
    assert "On disk: HDTV-720p; candidates are upgrades from it (from -> to)" in text
    assert "HDTV-720p -> Bluray-1080p" in text


def test_a_search_no_indexer_answered_exits_1_not_0(cli, tmp_path):
    """A new user's report: `search` printed "FAILED ... Connection refused" and "0
    candidates" and exited 0, so a script could not tell "nothing found" from "could not
    ask" (doctor, in the same state, exits 1)."""
    cli.config_path = write_config(
        Config(indexers=(IndexerConfig(name="down", url="http://127.0.0.1:9/api"),)),
        tmp_path / "c.toml",
    )
    assert cli("add", "movie", "Sintel", "--year", "2010").code == 0
    r = cli("search", "1")
    assert r.code == 1, (r.out, r.err)
    assert "down: FAILED" in r.out and "0 candidates" in r.out
    assert r.err.strip() == "mydia-tui: no indexer answered: nothing was searched"
    r = cli("search", "1", "--json")
    assert r.code == 1 and r.json()["indexers"][0]["ok"] is False
