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


async def open_search(app, pilot) -> ReleaseList:
    await settle(app, pilot)
    await pilot.press("i")
    assert isinstance(app.screen, ReleasesScreen)
    view = app.screen.query_one(ReleaseList)
    await settle(app, pilot, lambda: view.row_count() == 3)
    await pilot.pause()
    return view


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
