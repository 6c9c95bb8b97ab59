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
        text = "\n".join(lines)
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
        # the highlighted release in full under the list, and why it is refused
        view.move_cursor(refused)
        await pilot.pause()
        under = " ".join(line.strip(" │╰╯") for line in drawn(app))
        assert OTHER in under.replace(" ", "") or OTHER in text
        assert reason.replace(" ", "") in under.replace(" ", "")


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

    film = add_movie("The Extraordinarily Long Winding Tale", 2019)
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
    assert (
        indented.splitlines()[1].startswith("  The.") and cell_len(indented.splitlines()[1]) == 40
    )
    assert fit_message("short words stay as they are", 36) == "short words stay as they are"
