"""The history's reads for the faces: filters by item, kind and text, pages, ids and counts,
on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt

import pytest

from mydia_tui.guard import blocklist, blocklist_entries
from mydia_tui.history import history_by_ids, history_counts, history_ids, list_history, record
from mydia_tui.library import add_movie
from mydia_tui.models import History

pytestmark = pytest.mark.both_databases
T0 = dt.datetime(2024, 5, 1, 8, 0)


@pytest.fixture
def events(db, database_kind):
    sintel = add_movie("Sintel", 2010).id
    charade = add_movie("Charade", 1963).id
    History.delete().execute()  # the "added" events: this test's own only
    made = []
    for n, (event, reason, item, message) in enumerate(
        [
            ("grabbed", "", sintel, "grabbed Sintel.2010.1080p.BluRay from jackett"),
            ("refused", "blocklisted", sintel, "refused Sintel.2010.720p: blocklisted"),
            ("imported", "", charade, "imported Charade.1963.1080p"),
            ("imported", "upgraded", sintel, "imported Sintel.2010.2160p (upgraded)"),
            ("error", "", None, "Deluge at 127.0.0.1:58846 refused the login"),
        ]
    ):
        hid = record(event, message, item=item, reason=reason)
        History.update(at=T0 + dt.timedelta(minutes=n)).where(History.id == hid).execute()
        made.append(hid)
    return sintel, charade, made


def test_filters_pages_ids_and_counts_agree(events):
    sintel, charade, made = events
    newest_first = made[::-1]
    assert [e.id for e in list_history()] == newest_first
    assert history_ids() == newest_first
    assert [e.id for e in history_by_ids(newest_first[1:3])] == newest_first[1:3]
    # a page
    assert [e.id for e in list_history(offset=1, limit=2)] == newest_first[1:3]
    # by item, by kind (upgraded is an imported event whose reason says so), by text
    assert history_ids(item_id=charade) == [made[2]]
    assert history_ids(kind="imported") == [made[3], made[2]]
    assert history_ids(kind="upgraded") == [made[3]]
    assert history_ids(kind="refused", item_id=sintel) == [made[1]]
    assert history_ids(text="SINTEL.2010") == [made[3], made[1], made[0]]  # any case
    assert history_ids(text="charade") == [made[2]]  # the item's title is searched too
    assert [e.item_title for e in list_history(kind="grabbed")] == ["Sintel"]
    with pytest.raises(ValueError, match="unknown history kind"):
        list_history(kind="nonsense")

    counts = history_counts()
    assert (counts["all"], counts["imported"], counts["upgraded"], counts["error"]) == (5, 2, 1, 1)
    assert counts["removed"] == 0
    assert history_counts(item_id=sintel)["all"] == 3
    assert history_counts(text="login") == {**dict.fromkeys(counts, 0), "all": 1, "error": 1}


def test_blocklist_entries_carry_their_items_title(events):
    sintel, _, _ = events
    blocklist(
        info_hash="a" * 40, title="Sintel.2010.720p", reason="removed by the user", item_id=sintel
    )
    blocklist(info_hash="b" * 40, title="Unknown.Release", reason="added by the user")
    by_hash = {e.info_hash: e for e in blocklist_entries()}
    assert (by_hash["a" * 40].item_id, by_hash["a" * 40].item_title) == (sintel, "Sintel")
    assert (by_hash["b" * 40].item_id, by_hash["b" * 40].item_title) == (None, "")
