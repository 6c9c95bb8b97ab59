"""The TUI's read-side views agree with the command line's functions on the same data."""

from __future__ import annotations

import pytest
import tui_data

from mydia_tui import views
from mydia_tui.downloads import list_downloads
from mydia_tui.views import list_items

EXPECTED = {
    # title: (status, quality, progress, episodes, aired, on disk, wanted)
    "Big Buck Bunny": ("on_disk", "Bluray-1080p", 1.0, 0, 0, 0, 0),
    "Elephants Dream": ("on_disk", "WEBDL-720p", None, 0, 0, 0, 0),
    "Tears of Steel": ("downloading", "", 0.62, 0, 0, 0, 0),
    "Charade": ("downloading", "", 0.0, 0, 0, 0, 0),
    "The Far Future": ("upcoming", "", None, 4, 0, 0, 0),
    "Flash Gordon": ("unmonitored", "", None, 6, 6, 0, 0),
    "Pioneer One": ("downloading", "", 1.0, 6, 6, 3, 2),
    "Sherlock Holmes": ("complete", "", None, 8, 8, 8, 0),
}


pytestmark = pytest.mark.both_databases


def test_library_entries_status_and_list_items_json(db):
    tui_data.populate()
    entries = {e.id: e for e in views.library_entries()}
    by_title = {e.title: e for e in entries.values()}
    for title, expected in EXPECTED.items():
        e = by_title[title]
        assert (
            e.status,
            e.quality,
            e.progress,
            e.episodes,
            e.aired,
            e.on_disk,
            e.wanted,
        ) == expected, title
    # the command line lists the same items in sort-title order
    rows = list_items()
    assert [r.id for r in rows] == [
        e.id for e in sorted(entries.values(), key=lambda e: (e.sort_title, e.year or 0, e.id))
    ]
    assert {r.title: r.status for r in rows} == {e.title: e.status for e in entries.values()}
    # the same for a few items read again
    some = list(entries)[:3]
    assert {e.id: e for e in views.library_entries(some)} == {i: entries[i] for i in some}
    # the first page is the start of the title order
    first = views.first_entries(5)
    assert [e.id for e in first] == [e.id for e in views.sort_entries(entries.values(), "title")][
        :5
    ]


def test_download_lines_match_list_downloads(db):
    tui_data.populate()
    lines = {line.info_hash: line for line in views.download_lines(include_finished=True)}
    for d in list_downloads(include_finished=True):
        line = lines[d.info_hash]
        assert (line.title, line.target, line.stats.state, line.stats.progress) == (
            d.title,
            d.target,
            views.shown_state(d.state),  # the command line keeps the state itself
            d.progress,
        )
    active = views.download_lines()
    assert len(active) == 13
    assert views.state_group_counts(line.stats.state for line in active)["all"] == 13


def test_item_details_of_a_show(db):
    ids = tui_data.populate()
    d = views.item_details(ids["Pioneer One"])
    statuses = [e.status for e in d.seasons[0].episodes]
    # an episode in flight says its download's state, as the queue does (it is seeding)
    assert statuses == ["on_disk"] * 3 + ["seeding", "missing", "missing"]
    assert d.seasons[0].episodes[0].file.endswith("S01E01.mkv")
    assert [h.event for h in d.history][:2] == ["refused", "grabbed"]
    future = views.item_details(ids["The Far Future"])
    assert {e.status for e in future.seasons[0].episodes} == {"upcoming"}


def show_with_specials() -> int:
    """A hand-made show (every episode aired), all monitored: season 1 of ten episodes, nine
    on disk; two specials (season 0), one on disk."""
    from mydia_tui.library import NewEpisode, add_show
    from mydia_tui.models import Episode, FileEpisode, LibraryRoot, MediaFile

    root = LibraryRoot.create(path="/media/tv", kind="shows")
    episodes = [NewEpisode(0, n) for n in (1, 2)] + [NewEpisode(1, n) for n in range(1, 11)]
    show = add_show("Specials Included", episodes)
    for e in Episode.select().where(Episode.show == show.id):
        if (e.season, e.number) in ((0, 1), *((1, n) for n in range(1, 10))):
            f = MediaFile.create(
                episode=e.id, root=root, path=f"S{e.season:02d}E{e.number:02d}.mkv"
            )
            FileEpisode.create(file=f, episode=e.id)
    return show.id


@pytest.mark.parametrize("include_specials", [False, True], ids=["specials-off", "specials-on"])
def test_specials_count_in_a_shows_numbers_only_when_the_monitor_searches_them(
    db, include_specials
):
    """A new user's report: "10/12 episodes" counted the specials while the wanted count left
    them out. One rule (``library.counted_episodes``): a special counts, in the total, the
    count on disk and the wanted count alike, only when ``[monitor] include_specials`` has
    the monitor search specials; the wanted count is what the monitor searches."""
    from mydia_tui.monitor.wanted import wanted_seasons

    show_id = show_with_specials()
    (entry,) = views.library_entries([show_id], include_specials=include_specials)
    numbers = (entry.episodes, entry.aired, entry.on_disk, entry.wanted)
    assert numbers == ((12, 12, 10, 2) if include_specials else (10, 10, 9, 1))
    searched = wanted_seasons(include_specials=include_specials)
    assert entry.wanted == sum(len(s.episode_ids) for s in searched if s.show_id == show_id)
    assert entry.on_disk + entry.wanted == entry.aired  # all monitored, nothing in flight
    (row,) = list_items(include_specials=include_specials)
    assert (row.episodes, row.aired, row.episodes_on_disk, row.wanted) == numbers
    details = views.item_details(show_id, include_specials=include_specials)
    assert [(s.number, s.counted) for s in details.seasons] == [(0, include_specials), (1, True)]
