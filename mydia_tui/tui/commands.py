"""The command palette lists every action of every pane."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .keys import MODAL, catalog, display_keys, keys_for
from .widgets.rowview import RowView


class ActionsProvider(Provider):
    def _commands(self):
        keymap = getattr(self.app, "keymap", {})
        for entry in catalog(self.app):
            if entry.target == MODAL:
                continue  # a modal screen's key works where that screen is open
            if entry.screen is not None and not isinstance(self.screen, entry.screen):
                continue  # a screen's keys while that screen is open; the openers always
            b = entry.binding
            name = f"{entry.section}: {b.description}"
            keys = display_keys(keys_for(b, keymap))
            yield name, f"{b.tooltip or b.description} ({keys})", partial(self._run, entry)

    async def _run(self, entry) -> None:
        app = self.app
        screen = app.screen
        if entry.target == "":
            await app.run_action(entry.binding.action)
            return
        if entry.screen is not None and not isinstance(screen, entry.screen):
            return  # the screen closed meanwhile
        if entry.target == "*screen":
            await app.run_action(entry.binding.action, screen)
            return
        if entry.target == "*focused":
            widget = screen.focused if isinstance(screen.focused, RowView) else None
            if widget is None:
                widget = screen.query_one("#library-list")
        else:
            widget = screen.query_one(entry.target)
        if widget.can_focus:
            widget.focus()
        else:
            inner = widget.query(RowView)
            if inner:
                inner.first().focus()
        await app.run_action(entry.binding.action, widget)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
