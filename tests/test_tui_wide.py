"""Text cut to fit a width keeps the ellipsis right after the last glyph, with wide (2-cell)
characters too: the one-cell pad a wide glyph leaves goes after the ``…`` (breaker s6 item 8:
``Amélie 日本語タイトル  …``). On a real database, as the terminal shows it."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text
from test_tui import settle
from test_tui_layout import screen_lines

from mydia_tui.library import add_movie
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.text import cells, fit, fit_parts

TITLE = "Amélie 日本語タイトルの長い長い映画の名前"


def longest_prefix(text: str, room: int) -> str:
    """The longest start of ``text`` in at most ``room`` cells."""
    for end in range(len(text), -1, -1):
        if cell_len(text[:end]) <= room:
            return text[:end]
    return ""


def assert_cut_right(shown: str, text: str, width: int) -> None:
    """``shown`` is ``text`` in ``width`` cells: whole and padded, or its longest start that
    leaves a cell for the ellipsis, the ellipsis, then at most the one cell of pad."""
    assert cell_len(shown) == width, (shown, width)
    if cell_len(text) <= width:
        assert shown == text + " " * (width - cell_len(text))
        return
    head, ellipsis, pad = shown.partition("…")
    assert ellipsis, (shown, width)
    assert head == longest_prefix(text, width - 1), (shown, width)
    assert pad in ("", " "), (shown, width)


@pytest.mark.parametrize("text", [TITLE, "日本語", "abc日本", "Amélie"])
def test_fit_and_cells_put_the_ellipsis_after_the_last_glyph(text):
    for width in range(1, cell_len(text) + 3):
        assert_cut_right(fit(text, width).plain, text, width)
        assert_cut_right(fit(Text(text, style="bold"), width).plain, text, width)
        assert_cut_right(cells([(text, width)]).plain, text, width)
    # the cut text keeps its style, the ellipsis takes it on (as Rich's truncate), the pad not
    styled = Text()
    styled.append(TITLE, style="bold")
    cut = fit(styled, 13)
    assert cut.plain == "Amélie 日本… "
    assert [(span.start, span.end, span.style) for span in cut.spans] == [(0, 10, "bold")]


@pytest.fixture
def wide(db):
    add_movie(TITLE, 2001)


@pytest.mark.parametrize("size", [(80, 24), (81, 24), (90, 30), (91, 30)])
async def test_a_wide_title_is_cut_right_in_the_library_and_the_details_title(wide, size):
    app = MydiaApp()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot, lambda: app.main.details.details is not None)
        await pilot.pause()
        lines = screen_lines(app)
        details = app.main.details
        top = lines[details.region.y][details.region.x : details.region.right]
        assert "Details · " in top, top
        title = top.split("Details · ", 1)[1]
        head, ellipsis, rest = title.partition("…")
        assert ellipsis, top
        assert TITLE.startswith(head), top  # no pad between the last glyph and the ellipsis
        assert rest.startswith(" ─") or rest.startswith("─"), top

        library = app.main.library.list
        row = lines[library.region.y][library.region.x : library.region.right]
        assert "…" in row, row
        head = row.split("…", 1)[0].strip("│ ")
        assert head and TITLE.startswith(head), row


def test_a_border_titles_parts_are_measured_in_cells():
    """``fit_parts`` counted characters: a wide title's part was kept and cut by the border."""
    assert fit_parts(["Activity", "日本語"], 16) == "Activity"  # 17 cells, 14 characters
    assert fit_parts(["Activity", "日本語"], 17) == "Activity · 日本語"
    assert fit_parts(["Activity", "3 events", TITLE], 80) == f"Activity · 3 events · {TITLE}"
