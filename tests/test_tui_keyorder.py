"""Keys typed fast are taken one at a time (tui/keyorder.KeysInTurn). What it does for the
forms, the filter box and the settings is driven there (test_tui_library_actions,
test_tui_settings); here, that a key never answered does not hold the keyboard."""

from __future__ import annotations

import asyncio

from test_tui import burst
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input

from mydia_tui.tui.keyorder import KeysInTurn


class Hangs(Widget, can_focus=True):
    """A widget whose key handler does not return until ``released`` (its queue stays stuck
    on the key)."""

    def __init__(self) -> None:
        super().__init__()
        self.released = asyncio.Event()

    async def on_key(self) -> None:
        await self.released.wait()


class TwoFields(KeysInTurn[None]):
    def compose(self) -> ComposeResult:
        yield Hangs()
        yield Input(id="field")


async def test_a_key_never_answered_lets_the_keys_behind_it_go():
    app = TwoFields()
    async with app.run_test() as pilot:
        hangs = app.query_one(Hangs)
        hangs.focus()
        await pilot.pause()
        burst(app, "x")
        await asyncio.sleep(0.05)  # (pilot waits for every queue: one is stuck)
        field = app.query_one("#field", Input)
        field.focus()
        await asyncio.sleep(0.05)
        burst(app, *"ok")
        for _ in range(100):  # the watch lets them go after a second or two
            if field.value == "ok":
                break
            await asyncio.sleep(0.05)
        hangs.released.set()
        assert field.value == "ok"


async def test_a_key_arriving_once_the_screens_are_gone_is_dropped_not_a_crash():
    """Seen in CI: a key let go by the watch while the app closed reached Textual's bindings
    after the last screen had gone, and ScreenStackError ended the app with a traceback. A
    key (or a paste) with no screen to go to is dropped."""
    app = TwoFields()
    async with app.run_test() as pilot:
        await pilot.pause()
        stack = app._screen_stack
        screens = list(stack)
        stack.clear()  # as the app's closing leaves it
        try:
            await app.on_event(events.Key("x", "x"))
            await app.on_event(events.Paste("pasted"))
        finally:
            stack.extend(screens)
        await pilot.pause()
        assert app.return_code is None and app._exception is None
