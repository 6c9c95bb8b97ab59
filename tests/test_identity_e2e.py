"""Names that other media managers misread, through the whole loop on real daemons: a season
pack holding a multi-episode file, and an anime release numbered absolutely. Each is searched,
grabbed, downloaded from a real seeder, imported, and then nothing of it is wanted again.

Before the one identity (mydia-tui issue 14): the importer read ``S01E01-02`` as episode 1
only, imported one episode and reported the other wanted again; an absolute number past the
first season could never match its episode.
"""

from __future__ import annotations

import pytest
from test_loop_e2e import Loop, grabs

from mydia_tui.library import NewEpisode, add_show, manual_episodes, set_monitored
from mydia_tui.models import Download, Episode, FileEpisode, MediaFile
from mydia_tui.monitor.wanted import wanted_seasons

pytestmark = pytest.mark.deluge


@pytest.fixture
def loop(db, tmp_path, swarm, torznab):
    lp = Loop(tmp_path, swarm, torznab)
    yield lp
    lp.client.close()


def _wanted_episodes() -> set[tuple[int, int]]:
    return {(s.season, n) for s in wanted_seasons() for n in s.episode_numbers}


def test_a_season_pack_with_a_multi_episode_file_imports_every_episode_once(loop):
    add_show("The Expanse", manual_episodes({1: 4}))
    pack = "The.Expanse.S01.1080p.WEB-DL.x264-GRP"
    loop.offer(
        pack,
        {
            "The.Expanse.S01E01-02.1080p.WEB-DL.x264-GRP.mkv": 500_000,
            "The.Expanse.S01E03.1080p.WEB-DL.x264-GRP.mkv": 300_000,
            "The.Expanse.S01E04.1080p.WEB-DL.x264-GRP.mkv": 300_000,
        },
        seeded=True,
        seeders=30,
    )
    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["The Expanse S01"]
    (d,) = Download.select()
    loop.until(lambda: Download.get_by_id(d.id).state == "imported", "pack import")

    files = {f.path: f for f in MediaFile.select()}
    multi = "The Expanse/Season 01/The Expanse - S01E01E02 WEBDL-1080p.mkv"
    assert set(files) == {
        multi,
        "The Expanse/Season 01/The Expanse - S01E03 WEBDL-1080p.mkv",
        "The Expanse/Season 01/The Expanse - S01E04 WEBDL-1080p.mkv",
    }
    covered = {
        Episode.get_by_id(fe.episode_id).number
        for fe in FileEpisode.select().where(FileEpisode.file == files[multi].id)
    }
    assert covered == {1, 2}
    assert _wanted_episodes() == set()  # nothing wanted again
    for _ in range(2):
        cycle, _ = loop.cycle()
        assert cycle is None or cycle.grabbed == []
    assert Download.select().count() == 1 and len(grabs()) == 1


def test_an_absolute_numbered_anime_release_matches_its_episode_past_season_one(loop):
    # two seasons of three: episode 5 in the show's order is S02E02
    show = add_show(
        "Sousou no Frieren",
        [NewEpisode(s, n) for s in (1, 2) for n in (1, 2, 3)],
    )
    for season, number in ((1, 1), (1, 2), (1, 3), (2, 1), (2, 3)):
        set_monitored(show.id, False, season=season, episode=number)
    assert _wanted_episodes() == {(2, 2)}
    name = "[SubsPlease] Sousou no Frieren - 05 (1080p) [ABCD1234]"
    loop.offer("[SubsPlease] Sousou no Frieren - 04 (1080p) [1234ABCD]", seeders=90)
    loop.offer(name, {f"{name}.mkv": 400_000}, seeded=True, seeders=40)

    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Sousou no Frieren S02E02"]
    (d,) = Download.select()
    assert d.title == name  # not the better-seeded episode 4
    loop.until(lambda: Download.get_by_id(d.id).state == "imported", "anime import")

    (f,) = MediaFile.select()
    episode = Episode.get_by_id(f.episode_id)
    assert (episode.season, episode.number) == (2, 2)
    assert _wanted_episodes() == set()
    cycle, _ = loop.cycle()
    assert cycle is None or cycle.grabbed == []
    assert Download.select().count() == 1 and len(grabs()) == 1
