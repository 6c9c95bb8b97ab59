"""Remapped keys ([tui] keys in config.toml) on a real database: the footer keeps each hint in
its place, and every text that names a key names the one it answers to now (breaker s6: 5, 6)."""

from __future__ import annotations

import pytest
import tui_data
from test_tui import settle
from test_tui_layout import screen_lines, shown

from mydia_tui.config import Config, TuiConfig
from mydia_tui.tui.app import MydiaApp
from mydia_tui.tui.keys import shown_key
from mydia_tui.tui.screens.activity import ActivityScreen
from mydia_tui.tui.screens.blocklist import BlocklistScreen
from mydia_tui.tui.screens.settings import SettingsScreen
from mydia_tui.tui.widgets.footer import KeysFooter

#: the new user's remaps (breaker s6 item 5), one id among them naming no binding
REMAPS = {
    "library.filter": "ctrl+f",
    "library.sort": "o",
    "app.help": "f1",
    "app.quit": "x",
    "downloads.pause": "P",
    "blocklist.remove": "ctrl+d",
    "settings.save": "f2",
    "bogus.id": "k",
}
#: the README's own example
README_REMAPS = {"library.filter": "slash,ctrl+f", "list.down": "down,j,ctrl+j"}


@pytest.fixture
def demo(db):
    return tui_data.populate()


async def footer_descriptions(app: MydiaApp, pane: str) -> list[str]:
    """What the main screen's footer offers, in its order, with pane ``pane`` focused."""
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press(pane)
        await settle(app, pilot)
        hints, _palette = app.main.query_one(KeysFooter).hints()
        return [h.description for h in hints]


@pytest.mark.parametrize("keys", [REMAPS, README_REMAPS], ids=["breaker", "readme"])
@pytest.mark.parametrize("pane", ["1", "2", "3"], ids=["library", "details", "downloads"])
async def test_a_remapped_hint_keeps_its_place_in_the_footer(demo, keys, pane):
    default = await footer_descriptions(MydiaApp(services=object()), pane)
    remapped = await footer_descriptions(
        MydiaApp(Config(tui=TuiConfig(keys=keys)), services=object()), pane
    )
    assert remapped == default
    assert "Quit" in default and "Keys" in default


async def test_quit_and_keys_stay_in_the_downloads_footer_at_120_columns(demo):
    """Remapped, ``x Quit`` and ``f1 Keys`` moved after ``z Zoom  M Monitor`` and fell off."""
    app = MydiaApp(Config(tui=TuiConfig(keys=REMAPS)), services=object())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.pause()
        line = shown(app, app.main.query_one(KeysFooter))
        assert "x Quit  f1 Keys  z Zoom" in line, line


async def test_texts_name_the_remapped_keys(demo):
    """The settings banner, the blocklist's subtitle and the warning about an unknown id name
    the keys as remapped (they said ctrl+s, d and ?)."""
    tui_data.add_blocklist(demo)  # remove and clear are offered only on a list with entries
    app = MydiaApp(Config(tui=TuiConfig(keys=REMAPS)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot, lambda: len(app._notifications) > 0)
        messages = [n.message for n in app._notifications]
        assert any("bogus.id: press f1 for the ids" in m for m in messages), messages
        assert shown_key(app, "settings.save") == "f2"
        assert shown_key(app, "app.help") == "f1"
        assert shown_key(app, "blocklist.remove") == "^d"
        assert shown_key(app, "no.such.id") == ""

        await pilot.press("O")
        await settle(app, pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.pause()
        banner = str(app.screen.query_one("#settings-status").render())
        assert banner.startswith("Settings · f2 saves and applies · esc closes"), banner
        await pilot.press("escape")
        await settle(app, pilot, lambda: app.screen is app.main)

        await pilot.press("L")
        await settle(app, pilot, lambda: isinstance(app.screen, BlocklistScreen))
        await settle(app, pilot, lambda: app.screen.loaded)
        await pilot.pause()
        box = app.screen.query_one("#blocklist")
        assert str(box.border_subtitle) == "^d remove · C clear all"
        footer = shown(app, app.screen.query_one(KeysFooter))
        assert "^d Remove" in footer, footer


async def test_the_blocklist_names_one_remove_key_in_its_border_and_footer(demo):
    """Breaker s6 item 6: the border said ``d remove``, the footer ``del Remove``."""
    tui_data.add_blocklist(demo)  # remove and clear are offered only on a list with entries
    app = MydiaApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("L")
        await settle(app, pilot, lambda: isinstance(app.screen, BlocklistScreen))
        await settle(app, pilot, lambda: app.screen.loaded)
        await pilot.pause()
        box = app.screen.query_one("#blocklist")
        footer = app.screen.query_one(KeysFooter)
        remove = next(h for h in footer.hints()[0] if h.description == "Remove")
        clear = next(h for h in footer.hints()[0] if h.description == "Clear all")
        assert str(box.border_subtitle) == f"{remove.display} remove · {clear.display} clear all"
        assert remove.display == "del"
        bottom = screen_lines(app)[box.region.bottom - 1]
        assert "del remove · C clear all" in bottom, bottom


async def test_the_empty_library_and_the_add_form_name_the_remapped_keys(db):
    keys = {"library.add_film": "plus", "app.settings": "f9", "add_film.cancel": "ctrl+g"}
    app = MydiaApp(Config(tui=TuiConfig(keys=keys)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        hint = app.main.library.list.empty_hint()
        assert hint.startswith("the library is empty: + adds a film, n a show, f9 sets up"), hint
        await pilot.press("plus")
        await settle(app, pilot, lambda: app.screen.query("#form-hint"))
        form_hint = str(app.screen.query_one("#form-hint").render())
        assert form_hint == "⏎: submit · tab: next field · ^g: cancel"


async def test_the_settings_and_activity_hints_name_the_remapped_keys(demo):
    keys = {
        "settings.test_deluge": "f3",
        "settings.add_indexer": "f4",
        "settings.test_indexer": "f6",
        "activity.kind": "f7",
        "activity.filter": "ctrl+f",
    }
    app = MydiaApp(Config(tui=TuiConfig(keys=keys)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("O")
        await settle(app, pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.pause()
        hints = [str(h.render()) for h in app.screen.query(".hint")]
        assert "mappings: one per line, remote -> local · f3 tests the connection" in hints
        indexers = str(app.screen.query_one("#indexers-hint").render())
        assert indexers == (
            "f4 adds an indexer · f6 tests the one holding the focus · ^del removes it"
        )
        await pilot.press("escape")
        await settle(app, pilot, lambda: app.screen is app.main)

        await pilot.press("A")
        await settle(app, pilot, lambda: isinstance(app.screen, ActivityScreen))
        screen = app.screen
        await pilot.press("ctrl+f", *"no such text anywhere", "enter")
        await settle(app, pilot, lambda: screen.loaded and not screen.ids)
        hint = screen.empty_hint()
        assert hint == "nothing matches: f7 changes the kind, i every item, ^f the text"
