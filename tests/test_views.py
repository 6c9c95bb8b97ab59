"""The TUI's read-side views agree with the command line's functions on the same data."""

from __future__ import annotations

import tui_data

from mydia_tui import views
from mydia_tui.downloads import list_downloads
from mydia_tui.library import list_items


def test_library_entries_match_list_items(db):
    tui_data.populate()
    rows = {r.id: r for r in list_items()}
    entries = {e.id: e for e in views.library_entries()}
    assert set(rows) == set(entries)
    for item_id, row in rows.items():
        e = entries[item_id]
        assert (e.status, e.quality, e.progress, e.wanted) == (
            row.status,
            row.quality,
            row.progress,
            row.wanted,
        ), row.title
        assert (e.episodes, e.aired, e.on_disk) == (row.episodes, row.aired, row.episodes_on_disk)
    # the same for a few items read again
    some = list(rows)[:3]
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
