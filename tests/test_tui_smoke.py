"""The first TUI opens on the configured database and shows its rows."""

from __future__ import annotations

from mydia_tui.library import add_movie
from mydia_tui.tui.app import MydiaApp


async def test_app_shows_library_and_quits(db):
    add_movie("Big Buck Bunny", 2008)
    add_movie("[bold red]x[/]", 2001)
    app = MydiaApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one("#library")
        assert table.row_count == 2
        cells = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert "[bold red]x[/]" in cells  # shown literally, never as markup
        await pilot.press("q")
    assert app.return_code == 0 or app.return_code is None
