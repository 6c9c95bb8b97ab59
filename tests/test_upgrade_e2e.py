"""Quality upgrades end to end: real seeder and client deluged on loopback, a local Torznab
server, a real SQLite library; the monitor runs its real cycles. The film is on disk as
HDTV-720p, below the default profile's cutoff (HDTV-1080p): cutoff unmet, so it is searched for
an upgrade."""

from __future__ import annotations

import dataclasses

import pytest
from mkv import mkv_bytes
from test_loop_e2e import grabs, loop  # noqa: F401 (the fixture)

from mydia_tui import upgrades
from mydia_tui.models import Blocklist, Download, MediaFile, MediaItem
from mydia_tui.monitor.wanted import cutoff_unmet
from mydia_tui.scanning.service import scan_library

pytestmark = pytest.mark.deluge

OLD = "Big Buck Bunny (2008) [HDTV-720p].mkv"
RELEASE = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP"
OLD_BYTES = b"the 720p file the library had" * 100


def _film_on_disk_in_720p(loop):  # noqa: F811
    from mydia_tui.library import add_movie

    item = add_movie("Big Buck Bunny", 2008)
    folder = loop.tmp_path / "library" / "movies" / "Big Buck Bunny (2008)"
    folder.mkdir(parents=True)
    (folder / OLD).write_bytes(OLD_BYTES)
    scan_library(loop.config)
    (f,) = MediaFile.select()
    assert f.quality == "HDTV-720p"
    assert [u.item_id for u in cutoff_unmet(loop.config.quality)] == [item.id]
    return item, folder, f


def _videos(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(
    "inside",
    [
        # the file's name says 720p
        {"Big.Buck.Bunny.2008.720p.HDTV.x264-GRP.mkv": 600_000},
        # the file's name says nothing; its Matroska header says 1280x720
        {"bbb.mkv": mkv_bytes(1280, 720, padding=600_000)},
    ],
    ids=["by-name", "by-container"],
)
def test_title_says_1080p_file_inside_is_720p_grabbed_once_blocklisted_never_again(
    loop,  # noqa: F811
    inside,
):
    item, folder, old = _film_on_disk_in_720p(loop)
    offered = loop.offer(RELEASE, inside, seeded=True)

    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Big Buck Bunny (2008)"]
    (d,) = Download.select()
    assert (d.upgrade_from, d.upgrade_file) == ("HDTV-720p", old.id)
    loop.until(lambda: Download.get_by_id(d.id).state == "failed", "the upgrade refused")

    # the old file and its record as they were; nothing of the new file in the library
    assert _videos(folder) == [OLD]
    assert (folder / OLD).read_bytes() == OLD_BYTES
    assert [(f.id, f.path, f.quality) for f in MediaFile.select()] == [
        (old.id, old.path, "HDTV-720p")
    ]
    (blocked,) = Blocklist.select()
    assert blocked.info_hash == offered.info_hash
    assert blocked.reason.startswith("upgrade_not_better: ")
    read_from = "container" if "bbb.mkv" in inside else "name"
    assert f"is HDTV-720p (read from its {read_from})" in blocked.reason
    assert MediaItem.get_by_id(item.id).upgrades_paused
    (step,) = upgrades.chain(item.id)
    assert (step.from_quality, step.to_quality, step.outcome) == (
        "HDTV-720p",
        "HDTV-720p",
        "upgrade_not_better",
    )

    # never again: paused, nothing searched
    for _ in range(3):
        cycle, _ = loop.cycle()
        assert cycle.grabbed == [] and cycle.searched == []
    # and once the user resumes upgrades, the release stays blocklisted
    assert upgrades.resume(item.id)
    cycle, _ = loop.cycle()
    assert cycle.searched == ["Big Buck Bunny (2008)"] and cycle.grabbed == []
    assert len(grabs()) == 1 and Download.select().count() == 1


def test_a_better_file_replaces_the_old_one_which_goes_to_the_recycle_folder(loop):  # noqa: F811
    item, folder, old = _film_on_disk_in_720p(loop)
    loop.offer(RELEASE, {f"{RELEASE}.mkv": 600_000}, seeded=True)

    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Big Buck Bunny (2008)"]
    (d,) = Download.select()
    loop.until(lambda: Download.get_by_id(d.id).state == "imported", "the upgrade imported")

    (new,) = MediaFile.select()
    assert (new.path, new.quality) == (
        "Big Buck Bunny (2008)/Big Buck Bunny (2008) Bluray-1080p.mkv",
        "Bluray-1080p",
    )
    assert _videos(folder) == ["Big Buck Bunny (2008) Bluray-1080p.mkv"]
    movies = loop.tmp_path / "library" / "movies"
    (recycled,) = (movies / upgrades.RECYCLE_DIR).rglob("*.mkv")
    assert recycled.name == OLD and recycled.read_bytes() == OLD_BYTES
    (step,) = upgrades.chain(item.id)
    assert (step.from_quality, step.to_quality, step.outcome) == (
        "HDTV-720p",
        "Bluray-1080p",
        "upgraded",
    )
    # the cutoff is met: nothing more is searched; a scan does not see the recycled file
    for _ in range(2):
        cycle, _ = loop.cycle()
        assert cycle.searched == [] and cycle.grabbed == []
    scan_library(loop.config)
    assert [f.path for f in MediaFile.select()] == [new.path]


def test_an_upgrade_whose_import_fails_leaves_the_old_file_and_its_record(loop):  # noqa: F811
    item, folder, old = _film_on_disk_in_720p(loop)
    blocker = loop.tmp_path / "not-a-folder"
    blocker.write_text("a file where the recycle folder's parent should be")
    importer = loop.monitor.downloads.importer
    importer.config = dataclasses.replace(
        importer.config,
        library=dataclasses.replace(importer.config.library, recycle=str(blocker / "recycle")),
    )
    loop.offer(RELEASE, {f"{RELEASE}.mkv": 600_000}, seeded=True)

    cycle, _ = loop.cycle()
    assert cycle.grabbed == ["Big Buck Bunny (2008)"]
    (d,) = Download.select()
    loop.until(lambda: Download.get_by_id(d.id).import_attempts >= 1, "the failed import")

    after = Download.get_by_id(d.id)
    assert after.state == "completed" and "import failed" in after.error_message
    assert _videos(folder) == [OLD]
    assert (folder / OLD).read_bytes() == OLD_BYTES
    assert [(f.id, f.path, f.quality) for f in MediaFile.select()] == [
        (old.id, old.path, "HDTV-720p")
    ]
    assert upgrades.chain(item.id) == []
