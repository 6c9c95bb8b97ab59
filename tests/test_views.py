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
            d.state,
            d.progress,
        )
    active = views.download_lines()
    assert len(active) == 13
    assert views.state_group_counts(line.stats.state for line in active)["all"] == 13


def test_item_details_of_a_show(db):
    ids = tui_data.populate()
    d = views.item_details(ids["Pioneer One"])
    statuses = [e.status for e in d.seasons[0].episodes]
    assert statuses == ["on_disk"] * 3 + ["downloading", "missing", "missing"]
    assert d.seasons[0].episodes[0].file.endswith("S01E01.mkv")
    assert [h.event for h in d.history][:2] == ["refused", "grabbed"]
    future = views.item_details(ids["The Far Future"])
    assert {e.status for e in future.seasons[0].episodes} == {"upcoming"}
