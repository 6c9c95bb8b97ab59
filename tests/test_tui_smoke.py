"""The TUI opens on the configured database and shows its rows."""

from __future__ import annotations

from mydia_tui.library import add_movie
from mydia_tui.tui.app import MydiaApp


async def wait_loaded(app, pilot) -> None:
    """Until the library has read everything and the workers are done."""
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.main.is_mounted and app.main.library.complete and not app.workers._workers:
            return
    raise AssertionError("the library never finished loading")


async def test_app_shows_library_and_quits(db):
    add_movie("Big Buck Bunny", 2008)
    add_movie("[bold red]x[/]", 2001)
    app = MydiaApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(app, pilot)
        pane = app.main.library
        assert pane.list.row_count() == 2
        titles = [pane.list.render_row(i, 80).plain for i in range(2)]
        assert any("[bold red]x[/]" in t for t in titles)  # shown literally, never as markup
        await pilot.press("q")
    assert app.return_code == 0 or app.return_code is None
