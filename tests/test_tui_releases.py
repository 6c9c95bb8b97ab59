"""The interactive search dialog (``i``) drawn at the sizes people use: a real Torznab feed on
loopback, the real services and a real SQLite library; the assertions read the drawn lines."""

from __future__ import annotations

import pytest
from test_tui import settle
from torznab_server import item_xml

from mydia_tui.config import Config, IndexerConfig
from mydia_tui.library import add_movie
from mydia_tui.services import Services
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.screens.releases import ReleaseList, ReleasesScreen

ONE = "Stalled.Film.2016.1080p.BluRay.x264-GROUPONE"
TWO = "Stalled.Film.2016.1080p.BluRay.x264-GROUPTWO"
OTHER = "Other.Film.2012.1080p.BluRay.x264-OTHERGROUP"


def drawn(app) -> list[str]:
    return [s.text for s in app.screen._compositor.render_strips()]


@pytest.fixture
def searchable(db, torznab):
    fake = torznab.add("fake")
    fake.items += [item_xml(ONE, seeders=20), item_xml(TWO, seeders=7), item_xml(OTHER)]
    config = Config(
        indexers=(IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),)
    )
    add_movie("Stalled Film", 2016)
    return config


async def open_search_for(app, pilot, rows: int) -> ReleaseList:
    await settle(app, pilot)
    await pilot.press("i")
    assert isinstance(app.screen, ReleasesScreen)
    view = app.screen.query_one(ReleaseList)
    await settle(app, pilot, lambda: view.row_count() == rows)
    await pilot.pause()
    return view


async def open_search(app, pilot) -> ReleaseList:
    return await open_search_for(app, pilot, 3)


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
async def test_the_release_dialog_tells_releases_apart_with_headings(searchable, size):
    app = MydiaApp(searchable, services=Services(searchable))
    async with app.run_test(size=size) as pilot:
        view = await open_search(app, pilot)
        lines = drawn(app)
        heading = next(line for line in lines if "Indexer" in line)
        assert "Release" in heading and "Quality" in heading and "Seeds" in heading
        refused = next(i for i, r in enumerate(view.releases) if r.rejection)
        reason = view.releases[refused].rejection.split(": ", 1)[1]
        if size[0] >= 120:
            # the names whole, each on its own row
            assert sum(ONE in line and "fake" in line for line in lines) == 1
            assert sum(TWO in line and "fake" in line for line in lines) == 1
            assert any(OTHER in line and "title 'Other Film'" in line for line in lines)
            if size[0] >= 200:  # and room for the whole reason on its row
                assert any(OTHER in line and reason in line for line in lines)
        else:  # a name cut in its middle keeps the end that tells the two apart
            rows = [line for line in lines if "fake" in line]
            assert any("…" in line and "GROUPONE" in line for line in rows)
            assert any("…" in line and "GROUPTWO" in line for line in rows)
        # under the list, on one line: why the highlighted release is refused, and its name
        # in full when its row cuts it and the line has room (a grabbable one: its name)
        about = app.screen.query_one("#releases-about")
        for index, release in enumerate(view.releases):
            view.move_cursor(index)
            await pilot.pause()
            under = drawn(app)[about.region.y][about.region.x : about.region.right].strip()
            if release.rejection:
                assert f"✗ refused: {reason}" in under or index != refused, under
            elif size[0] < 120:
                assert under == release.title, under


def test_a_refused_release_shows_its_own_quality_not_an_upgrade_from_the_file():
    from mydia_tui.services import ReleaseChoice

    def choice(title: str, rejection: str) -> ReleaseChoice:
        return ReleaseChoice(
            1, 1, 1, title, "fake", "WEBDL-1080p", 1 << 30, 20, rejection, None, "HDTV-720p"
        )

    view = ReleaseList()
    view.releases = [
        choice("Show.S01E01.1080p.WEB-DL-GRP", ""),
        choice("Show.S01E02.1080p.WEB-DL-GRP", "wrong_episode: episode E02, not E01"),
    ]
    assert "HDTV-720p -> WEBDL-1080p" in view.render_row(0, 120).plain
    other = view.render_row(1, 120).plain
    assert "->" not in other and "WEBDL-1080p" in other and "episode E02, not E01" in other


@pytest.mark.parametrize("width", [1, 2, 9, 20, 30])
@pytest.mark.parametrize(
    "name", [ONE, "千と千尋の神隠し.2001.1080p.BluRay.x264-GRP", "Emoji.🎬.Movie.🍿.2017-GRP"]
)
def test_shorten_keeps_both_ends_of_a_name_in_the_width(name, width):
    from rich.cells import cell_len

    from mydia_tui.tui.text import shorten

    short = shorten(name, width)
    assert cell_len(short) <= width
    if cell_len(name) <= width:
        assert short == name
        return
    assert short.count("…") == 1
    head, tail = short.split("…")
    assert name.startswith(head) and name.endswith(tail)
    if width >= 20:
        assert tail and head
    assert shorten(name, cell_len(name)) == name


LONG = "The.Extraordinarily.Long.Winding.Tale.Of.The.Naming.Things.Until.The.End.2019.1080p.BluRay.x264-GRP"


async def test_a_refusal_names_the_long_release_once_in_a_short_toast(db, torznab):
    from textual.widgets._toast import Toast

    from mydia_tui.models import Download

    # the film the release is for (a release of another title is refused by the search, and
    # enter on it grabs nothing): the guard refuses it, the torrent being fetched already
    film = add_movie(
        "The Extraordinarily Long Winding Tale Of The Naming Things Until The End", 2019
    )
    infohash = "ab" * 20
    Download.create(kind="movie", item=film.id, info_hash=infohash, title=LONG, state="downloading")
    fake = torznab.add("fake")
    fake.items.append(item_xml(LONG, infohash=infohash, magnet=f"magnet:?xt=urn:btih:{infohash}"))
    config = Config(
        indexers=(IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),)
    )
    app = MydiaApp(config, services=Services(config))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        view = await open_search_for(app, pilot, 1)
        assert view.releases[0].title == LONG
        await pilot.press("enter")
        await settle(app, pilot, lambda: bool(app._notifications))
        for _ in range(50):
            await pilot.pause(0.02)
            if app.screen.query(Toast):
                break
        toast = app.screen.query(Toast).last()
        lines = drawn(app)[toast.region.y : toast.region.bottom]
        text = "".join(line[toast.region.x : toast.region.right].strip() for line in lines)
        assert toast.region.height <= 7, "\n".join(lines)  # a few lines, padding included
        assert text.count("The.Extra") == 1, text
        assert "…" in text and "x264-GRP" in text


async def test_the_remove_dialog_shortens_long_names_instead_of_breaking_them(db):
    from textual.widgets import Label

    from mydia_tui.models import Download
    from mydia_tui.tui.screens.confirm import ConfirmScreen

    film = add_movie("The Extraordinarily Long Winding Tale", 2019)
    for n, end in enumerate(("GRPONE", "GRPTWO")):
        Download.create(
            kind="movie",
            item=film.id,
            info_hash=f"{n:02d}" * 20,
            title=LONG[: -len("GRP")] + end,
            state="downloading",
        )
    app = MydiaApp(services=object())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3", "space", "space", "R")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        label = app.screen.query_one(Label)
        region = label.content_region
        lines = [
            line[region.x : region.right].rstrip() for line in drawn(app)[region.y : region.bottom]
        ]
        named = [line for line in lines if "x264" in line or "The.Extra" in line]
        assert len(named) == 2, "\n".join(lines)  # one line each, never split
        assert named[0].endswith("x264-GRPTWO") or named[0].endswith("x264-GRPONE")
        assert {line[-6:] for line in named} == {"GRPONE", "GRPTWO"}
        assert all("…" in line for line in named)


def test_fit_message_keeps_words_whole_and_cuts_after_the_last_line():
    from rich.cells import cell_len

    from mydia_tui.tui.text import fit_message

    text = f"Removed {LONG} (with its data, blocklisted); " + "and then some more words " * 20
    out = fit_message(text, 36, lines=6)
    assert len(out.splitlines()) == 6 and out.endswith("…")
    assert all(cell_len(line) <= 36 for line in out.splitlines())
    assert "x264-GRP" in out and LONG not in out
    indented = fit_message(f"Remove?\n  {LONG}", 40)
    second = indented.splitlines()[1]
    # its room, less what a part cut whole leaves over (the name is cut between its parts)
    assert second.startswith("  The.") and 30 <= cell_len(second) <= 40, second
    assert second.endswith(".x264-GRP"), second
    assert fit_message("short words stay as they are", 36) == "short words stay as they are"


# -- a new user's report (s8, finding 4): refused rows at 80 columns, names cut in their
# quality, the line under the list, enter on a refused row, "⏎ Grab" over nothing to grab


def release_rows(app) -> list[str]:
    return [line for line in drawn(app) if " fake " in line]


def footer_text(app) -> str:
    from mydia_tui.tui.widgets.footer import KeysFooter

    footer = app.screen.query_one(KeysFooter)
    return drawn(app)[footer.region.y][footer.region.x : footer.region.right]


def blocklisted_feed(db, torznab, *names: str):
    """A feed offering ``names`` (magnets, so their info-hashes are known) for Stalled Film
    and ONE other film; ``names`` blocklisted by the user."""
    from mydia_tui.guard import blocklist

    fake = torznab.add("fake")
    for n, name in enumerate((ONE, TWO, OTHER)):
        infohash = f"{n + 1:02d}" * 20
        fake.items.append(
            item_xml(name, infohash=infohash, magnet=f"magnet:?xt=urn:btih:{infohash}")
        )
        if name in names:
            blocklist(info_hash=infohash, title=name, indexer="fake", reason="removed by the user")
    add_movie("Stalled Film", 2016)
    return Config(
        indexers=(IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),)
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
async def test_a_refused_release_is_marked_in_its_own_row_at_every_width(db, torznab, size):
    """At 80 columns the "Why not" column was gone: both rows looked grabbable. Each refused
    row carries a marker (or its reason), each grabbable one none."""
    config = blocklisted_feed(db, torznab, ONE)
    app = MydiaApp(config, services=Services(config))
    async with app.run_test(size=size) as pilot:
        view = await open_search(app, pilot)
        rows = release_rows(app)
        assert len(rows) == 3, "\n".join(drawn(app))
        for release in view.releases:
            end = release.title[-8:]
            (row,) = [r for r in rows if end in r]
            if release.rejection:
                assert "✗" in row or "blocklisted" in row or "title" in row, row
            else:
                assert "✗" not in row, row


def test_a_name_cut_to_a_width_keeps_each_part_it_shows_whole():
    """``Stalled.Film.2016…0p.BluRay.x264-A``: the cut fell inside ``1080p``. A name is cut
    between its parts (``.``, ``-``, ``_``, spaces), so a resolution is shown whole or not at
    all, and both ends still tell two releases apart."""
    from mydia_tui.tui.text import shorten

    for name in (
        "Stalled.Film.2016.1080p.BluRay.x264-A",
        "Stalled.Film.2016.720p.BluRay.x264-B",
        ONE,
        OTHER,
    ):
        for width in range(20, len(name)):
            short = shorten(name, width)
            head, tail = short.split("…")
            parts = set(name.replace("-", ".").split("."))
            shown = [p for p in (head + "." + tail).replace("-", ".").split(".") if p]
            assert all(p in parts for p in shown), (width, short)
            assert len(short) <= width and head and tail, (width, short)


async def test_the_line_under_the_list_says_why_once_on_one_line(db, torznab):
    """It read ``NAME · release is blocklisted: removed`` / ``by the user (NAME)``: the name
    twice, on two lines, at 80 columns."""
    config = blocklisted_feed(db, torznab, ONE)
    app = MydiaApp(config, services=Services(config))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_search(app, pilot)
        view.move_cursor(next(i for i, r in enumerate(view.releases) if r.title == ONE))
        await pilot.pause()
        about = app.screen.query_one("#releases-about")
        lines = drawn(app)[about.region.y : about.region.bottom]
        text = " ".join(line[about.region.x : about.region.right].strip() for line in lines)
        assert about.region.height == 1, lines
        assert "release is blocklisted: removed by the user" in text, text
        assert text.count("Stalled.Film") <= 1, text


async def test_enter_on_a_refused_release_says_why_and_grabs_nothing(db, torznab):
    """The header said ``⏎ grabs`` and the footer ``⏎ Grab`` although every row was refused;
    enter closed the dialog and wrote a new ``refused`` event to the item's history. Nothing
    can be grabbed: neither offers enter, and enter says why and leaves the dialog open."""
    from mydia_tui.models import Download, History

    config = blocklisted_feed(db, torznab, ONE, TWO)
    app = MydiaApp(config, services=Services(config))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        view = await open_search(app, pilot)
        assert all(r.rejection for r in view.releases)
        text = "\n".join(drawn(app))
        assert "grabs" not in text, text
        assert "Grab" not in footer_text(app), footer_text(app)
        events = History.select().count()
        view.move_cursor(next(i for i, r in enumerate(view.releases) if r.title == ONE))
        await pilot.press("enter")
        await settle(app, pilot, lambda: bool(app._notifications))
        assert isinstance(app.screen, ReleasesScreen)
        (note,) = list(app._notifications)
        assert "blocklisted" in note.message and "\n" not in note.message, note.message
        assert History.select().count() == events
        assert not Download.select().exists()


async def test_a_grabbable_row_offers_enter_and_a_refused_one_does_not(db, torznab):
    config = blocklisted_feed(db, torznab, ONE)
    app = MydiaApp(config, services=Services(config))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_search(app, pilot)
        assert "grabs" in "\n".join(drawn(app))  # one row can be grabbed
        for index, release in enumerate(view.releases):
            view.move_cursor(index)
            await pilot.pause()
            assert ("Grab" in footer_text(app)) == (not release.rejection), release.title


def failing_feed(torznab) -> Config:
    """A configuration whose one indexer, "fake", answers every request HTTP 503."""
    from torznab_server import Reply

    fake = torznab.add("fake")
    fake.answer = lambda params: Reply(status=503, body=b"maintenance")
    return Config(
        indexers=(IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),)
    )


async def test_a_failed_search_offers_no_grab_and_says_why_in_full(db, torznab):
    """With the indexer down the list is empty: no ``⏎ Grab``. The reason names the indexer
    once, with no nested brackets, and is read whole at 80 columns: it was cut to
    ``(connection refused); …``, hiding ``retried at 19:34 UTC`` (a new user's report, s11)."""
    config = failing_feed(torznab)
    add_movie("The Extraordinarily Long Winding Tale Of The Naming Of Things", 2019)
    app = MydiaApp(config, services=Services(config))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for attempt in range(2):  # the second time, the indexer backs off
            await pilot.press("i")
            assert isinstance(app.screen, ReleasesScreen)
            screen = app.screen
            state = screen.query_one("#releases-state")
            await settle(app, pilot, lambda s=screen: "failed" in s.state.plain)
            region = state.region
            lines = drawn(app)[region.y : region.bottom]
            shown = " ".join(line[region.x : region.right].strip() for line in lines)
            whole = screen.state.plain
            assert "Grab" not in footer_text(app), footer_text(app)
            assert whole.count("fake") == 1 and "((" not in whole.replace(" ", ""), whole
            assert "fake is failing (server error, HTTP 503)" in whole, whole
            if attempt:
                assert "; retried at " in whole and whole.endswith(" UTC"), whole
            assert shown == whole, (shown, whole)
            await pilot.press("escape")


# -- a new user's report (s8, finding 6): "indexers 1 ok" after a search whose indexer failed


@pytest.mark.parametrize("key", ["F", "i"])
async def test_the_status_bar_shows_the_health_a_manual_search_recorded(db, torznab, key):
    """A new user's report: after ``F`` whose indexer failed, the bar kept ``indexers 1 ok``
    (the monitor's last word) until the monitor searched again."""
    from mydia_tui import events

    config = failing_feed(torznab)
    add_movie("Stalled Film", 2016)
    app = MydiaApp(config, services=Services(config))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        bar = app.main.status
        bar.set_indexers(events.IndexerHealthSummary(ok=1, failing=0))  # as the monitor said
        await pilot.press(key)
        await settle(app, pilot, lambda: "failing" in bar.render().plain)
        assert "indexers 0 ok, 1 failing" in bar.render().plain
        assert "fake: server error, HTTP 503" in bar.render().plain, bar.render().plain


# -- a new user's report (s11, item 8): names cut to their filler, reasons cut at 160 columns

FILLER = "Stalled.Film.2016.1080p.WEB-DL.x264-" + "L" * 300


def test_a_name_whose_last_part_is_too_long_keeps_its_start_not_its_filler():
    """``Big.Buck.Bunny.2008…LLLLLLLLLLLL…``: the end of a name is kept because it tells
    releases apart (the group); an end part too long to be shown whole tells nothing, and
    took the room of the quality. The start is shown instead."""
    from mydia_tui.tui.text import shorten

    for width in (30, 40, 60, 92):
        short = shorten(FILLER, width)
        assert short.startswith("Stalled.Film.2016.1080p") and short.endswith("…"), short
        assert len(short) <= width, short


def refused_choices():
    from mydia_tui.services import ReleaseChoice

    def choice(title: str, quality: str, rejection: str) -> ReleaseChoice:
        return ReleaseChoice(1, None, None, title, "fake", quality, 1 << 30, 20, rejection, None)

    return [
        choice(FILLER, "WEBDL-1080p", ""),
        choice(ONE, "Bluray-1080p", ""),
        choice(
            "Stalled.Film.2016.1080p.WEBRip.x264-GRP",
            "WEBRip-1080p",
            "not_allowed: quality WEBRip-1080p is not allowed by profile 'HD-1080p'",
        ),
    ]


def test_the_release_and_its_reason_share_the_row_and_only_widen():
    """At 160 columns the reason was cut at 16 cells (``quality WEBRip-…``) because a
    300-cell name took the rest. The name and the reason share the row as the downloads'
    name and target do (``text.widen_columns``): each only grows as the row widens, and from
    150 cells on the reason is whole beside a name of at least 48 cells."""
    view = ReleaseList()
    view.releases = refused_choices()
    reason = "quality WEBRip-1080p is not allowed by profile 'HD-1080p'"
    before = view.layout(60)
    for width in range(61, 260):
        cols = view.layout(width)
        assert cols["title"] >= before["title"] and cols["why"] >= before["why"], width
        assert sum(cols.values()) + sum(1 for w in cols.values() if w) - 1 <= width, width
        before = cols
        if width >= 150:
            assert reason in view.render_row(2, width).plain, width
            assert cols["title"] >= 48, width


async def test_at_160_columns_the_reason_is_whole_and_a_long_name_shows_its_quality(db, torznab):
    fake = torznab.add("fake")
    fake.items += [item_xml(FILLER, seeders=20), item_xml(OTHER)]
    config = Config(
        indexers=(IndexerConfig(name="fake", url=fake.url, api_key=fake.api_key, min_interval=0.0),)
    )
    add_movie("Stalled Film", 2016)
    app = MydiaApp(config, services=Services(config))
    async with app.run_test(size=(160, 45)) as pilot:
        await open_search_for(app, pilot, 2)
        rows = release_rows(app)
        assert any("Stalled.Film.2016.1080p" in row for row in rows), "\n".join(rows)
        assert any("title 'Other Film' is not 'Stalled Film'" in row for row in rows), rows
