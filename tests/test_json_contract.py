"""The ``--json`` contract the README promises is stable, byte for byte.

Every command with ``--json`` runs as a real process on one scripted library (a real SQLite
file, the loopback Torznab and TVmaze servers, a Deluge port where nothing listens); its output
is compared with the recorded file in ``tests/data/json_contract/``. Only what changes from run
to run is replaced before comparing: times, durations, temporary paths, loopback ports and
ids generated per run (guids). Recorded once with ``MYDIA_RECORD_JSON=1``; a difference is a
change of the contract, which may only ever add fields.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest
from torznab_server import item_xml
from tvmaze_server import running_tvmaze, standard_shows

HERE = Path(__file__).resolve().parent / "data" / "json_contract"
MAGNET = "magnet:?xt=urn:btih:" + "c" * 40 + "&dn=Sintel.2010.1080p.BluRay.x264-GRP"

_TIME = re.compile(r'"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?"')
_SECONDS = re.compile(r'"(duration|seconds)": [0-9.e-]+')
_PORT = re.compile(r"127\.0\.0\.1:\d+")
_PORT_KEY = re.compile(r'"port": \d+')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def normalise(text: str, tmp: Path) -> str:
    text = text.replace(str(tmp), "<tmp>")
    text = _TIME.sub('"<time>"', text)
    text = _SECONDS.sub(r'"\1": "<seconds>"', text)
    text = _PORT_KEY.sub('"port": "<port>"', text)
    return _PORT.sub("127.0.0.1:<port>", text)


@pytest.fixture
def world(cli, tmp_path, torznab):
    fake = torznab.add("fake")
    fake.items.append(item_xml("Sintel.2010.1080p.BluRay.x264-GRP", guid="g1", seeders=30))
    fake.items.append(item_xml("Sintel.2.2015.1080p.BluRay.x264-GRP", guid="g2", seeders=99))
    movies = tmp_path / "media" / "movies"
    (movies / "Big Buck Bunny (2008)").mkdir(parents=True)
    (movies / "Big Buck Bunny (2008)" / "Big Buck Bunny (2008) [Bluray-1080p].mkv").write_bytes(
        b"x" * 4096
    )
    (movies / "Unknown Film (1999)").mkdir()
    (movies / "Unknown Film (1999)" / "Unknown Film (1999).mkv").write_bytes(b"y" * 2048)
    shows = tmp_path / "media" / "tv"
    shows.mkdir(parents=True)
    with running_tvmaze() as tvmaze:
        standard_shows(tvmaze)
        config = tmp_path / "config.toml"
        config.write_text(
            f"""
[deluge]
host = "127.0.0.1"
port = {_free_port()}
password = "hunter22"
timeout = 2.0

[[indexers]]
name = "fake"
url = "{fake.url}"
api_key = "{fake.api_key}"
min_interval = 0.0

[library]
movies = ["{movies}"]
shows = ["{shows}"]

[metadata]
tvmaze_url = "{tvmaze.url}"
"""
        )
        cli.config_path = config
        yield cli


def test_every_json_output_is_as_recorded(world, tmp_path):
    cli = world
    steps = [
        ("add-movie", ("add", "movie", "Sintel", "--year", "2010", "--imdb", "tt1727587")),
        ("add-movie-bbb", ("add", "movie", "Big Buck Bunny", "--year", "2008")),
        ("add-show-manual", ("add", "show", "Pioneer One", "--seasons", "1:3")),
        ("add-show-tvmaze", ("add", "show", "The Expanse")),
        ("add-show-ambiguous", ("add", "show", "The Office")),
        ("refresh", ("refresh",)),
        ("monitored", ("monitored", "3", "off", "--season", "1")),
        ("scan", ("scan",)),
        ("list", ("list",)),
        ("list-wanted", ("list", "--wanted", "--kind", "movies")),
        ("list-cutoff-unmet", ("list", "--cutoff-unmet")),
        ("upgrades", ("upgrades", "2")),
        ("search", ("search", "1")),
        ("grab-refused", ("grab", "--movie", "2", "--magnet", MAGNET)),
        ("grab-client-error", ("grab", "--movie", "1", "--magnet", MAGNET)),
        ("blocklist-add", ("blocklist", "add", "d" * 40, "--reason", "fake release")),
        ("blocklist", ("blocklist",)),
        ("blocklist-clear-old", ("blocklist", "clear", "--older-than", "30")),
        ("blocklist-remove", ("blocklist", "remove", "1")),
        ("blocklist-clear", ("blocklist", "clear")),
        ("downloads", ("downloads",)),
        ("downloads-all", ("downloads", "--all")),
        ("history", ("history", "--limit", "100")),
        ("history-item", ("history", "1")),
        ("doctor", ("doctor",)),
        ("config-show", ("config", "show")),
        ("profiles", ("profiles",)),
        ("profiles-remove", ("profiles", "remove", "SD")),
        ("delete", ("delete", "2", "--files")),
    ]
    record = os.environ.get("MYDIA_RECORD_JSON") == "1"
    if record:
        HERE.mkdir(parents=True, exist_ok=True)
    for name, args in steps:
        result = cli(*args, "--json")
        got = f"exit {result.code}\n" + normalise(result.out, tmp_path)
        path = HERE / f"{name}.json"
        if record:
            path.write_text(got)
            continue
        assert got == path.read_text(), f"{' '.join(args)} --json changed:\n{got}"


def _readme_paragraph(starts: str) -> str:
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return next(p for p in text.split("\n\n") if p.startswith(starts))


def test_the_readme_lists_every_reason_grab_json_can_give():
    """``grab --json``'s ``reason`` is one of the grab's refusal codes (``refusals.Reason``,
    the one list): the README names each of them, and no other (breaker11b: ``client_error``
    was missing)."""
    from mydia_tui.refusals import Reason

    paragraph = _readme_paragraph("`grab --json`")
    named = set(re.findall(r"`([a-z_]+)`", paragraph.split("`reason`", 1)[1].split("`message`")[0]))
    assert named == {r.value for r in Reason if r.stage == "grab"}, paragraph
